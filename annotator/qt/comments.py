"""Review comment thread of one annotation: read, reply, resolve.

Everything goes through :mod:`annotator.services.review`; the widget reads the thread in
:meth:`CommentsThread.show_annotation` / :meth:`CommentsThread.refresh` and after each of
its own writes, never while painting.
"""

from __future__ import annotations

import html
import zlib
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.qt import theme
from annotator.services import review
from annotator.services.project import Project
from annotator.services.review import Comment, Thread

_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def author_color(name: str, palette: QPalette | None = None) -> str:
    """The same colour for the same author everywhere (stable across runs), in the
    theme's variant (readable on light and dark, :data:`theme.AUTHOR_COLORS`)."""
    return theme.author_color(zlib.crc32(name.casefold().encode("utf-8")), palette)


def local_time(stamp: str) -> str:
    """A stored UTC stamp as local ``YYYY-MM-DD HH:MM`` (unchanged if unparseable)."""
    try:
        when = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC).astimezone()
    except ValueError:
        return stamp
    return when.strftime("%Y-%m-%d %H:%M")


class _CommentEdit(QPlainTextEdit):
    """Plain text box where Ctrl+Enter submits (Enter alone starts a new line)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CommentsThread(QWidget):
    """The discussion of one annotation, with a reply box and resolve/unresolve."""

    threadChanged = Signal(str)  # annotation id

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commentsThread")
        self.project = project
        self.annotation_id: str | None = None
        self.author = ""
        self.current: Thread | None = None
        self._subject = self._by = ""
        self._build()
        self._render()
        theme.on_palette_change(self, self._palette_changed)

    def _palette_changed(self) -> None:
        """View › Theme: re-render the greys and signal colours (no database read)."""
        self._render_heading()
        self._render()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        self.heading = QLabel()
        self.heading.setObjectName("commentsHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        outer.addWidget(self.heading)

        head = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("commentsStatus")
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)
        head.addWidget(self.status, 1)
        self.resolve_button = QPushButton("Resolve")
        self.resolve_button.setObjectName("commentsResolve")
        self.resolve_button.clicked.connect(self.toggle_resolved)
        head.addWidget(self.resolve_button)
        outer.addLayout(head)

        self.entries = QTextBrowser()
        self.entries.setObjectName("commentsEntries")
        self.entries.setOpenLinks(False)
        self.entries.setMinimumHeight(100)
        self.entries.document().setDocumentMargin(8)
        outer.addWidget(self.entries, 1)

        self.text = _CommentEdit()
        self.text.setObjectName("commentsText")
        self.text.setPlaceholderText("Write a comment…  (Ctrl+Enter posts)")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 3 + 16)
        self.text.submitted.connect(self.post)
        self.text.textChanged.connect(self._update_buttons)
        outer.addWidget(self.text)

        row = QHBoxLayout()
        hint = QLabel("Ctrl+Enter to post")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        row.addWidget(hint, 1)
        self.post_button = QPushButton("Comment")
        self.post_button.setObjectName("commentsPost")
        self.post_button.setToolTip("Post the comment (Ctrl+Enter)")
        self.post_button.clicked.connect(self.post)
        row.addWidget(self.post_button)
        outer.addLayout(row)

    # ------------------------------------------------------------------ data
    def show_annotation(self, annotation_id: str | None, author: str,
                        subject: str = "", by: str = "") -> None:
        """Show ``annotation_id``'s thread (``None``: nothing selected); reads once.

        ``subject`` names the annotation (label and words) above the thread, so the
        analyst knows which one is being discussed; ``by`` (plain text) is who tagged
        it, shown in grey. A draft comment is kept while the same annotation stays
        selected.
        """
        if annotation_id != self.annotation_id:
            self.text.clear()
        self.annotation_id = annotation_id
        self._subject, self._by = subject, by
        self._render_heading()
        self.author = author
        self.refresh()

    def _render_heading(self) -> None:
        shown = bool(self._subject and self.annotation_id)
        by = (f" <span style='color:{theme.muted_text(self.palette())}'>by "
              f"{html.escape(self._by)}</span>") if self._by else ""
        self.heading.setText(f"Discussion of {self._subject}{by}" if shown else "")
        self.heading.setVisible(shown)

    def refresh(self) -> None:
        self.current = (review.thread(self.project, self.annotation_id)
                       if self.annotation_id is not None else None)
        self._render()

    def post(self) -> bool:
        """Post the text box as a comment; ``False`` (with a message) if refused."""
        if self.annotation_id is None:
            return False
        body = self.text.toPlainText()
        if not body.strip():
            return False
        try:
            review.add_comment(self.project, self.annotation_id, author=self.author, body=body)
        except UserInputError as exc:
            QMessageBox.warning(self, "Cannot comment", str(exc))
            return False
        self.text.clear()
        self.refresh()
        self.threadChanged.emit(self.annotation_id)
        return True

    def toggle_resolved(self) -> bool:
        if self.current is not None and self.current.resolved:
            return self.unresolve()
        return self.resolve()

    def resolve(self) -> bool:
        return self._set_resolved(True)

    def unresolve(self) -> bool:
        return self._set_resolved(False)

    def _set_resolved(self, resolved: bool) -> bool:
        ann_id = self.annotation_id
        if ann_id is None:
            return False
        fn = review.resolve_thread if resolved else review.unresolve_thread
        try:
            self.current = fn(self.project, ann_id, author=self.author)
        except UserInputError as exc:
            QMessageBox.warning(self, "Cannot resolve" if resolved else "Cannot reopen",
                                str(exc))
            return False
        self._render()
        self.threadChanged.emit(ann_id)
        return True

    # ------------------------------------------------------------------ render
    def _render(self) -> None:
        thread = self.current
        has = self.annotation_id is not None
        self.text.setEnabled(has)
        self.resolve_button.setEnabled(has)
        muted = theme.muted_text(self.palette())
        if not has or thread is None:
            self.status.setText("<b>Discussion</b>")
            self.entries.setHtml(f"<p style='color:{muted}'>Select an annotation to see its "
                                 "discussion.</p>")
            self._update_buttons()
            return
        n = len(thread.comments)
        count = f"{n} comment{'s' if n != 1 else ''}" if n else "no comments yet"
        if thread.resolved:
            by = html.escape(thread.resolved_by or "someone")
            when = local_time(thread.resolved_at or "")
            badge = (f"<span style='color:{theme.css('ok', self.palette())}; "
                     "font-weight:bold'>✓ Resolved</span>"
                     f" <span style='color:{muted}'>by {by} · {html.escape(when)}</span>")
            self.resolve_button.setText("Unresolve")
            self.resolve_button.setToolTip("Reopen the thread")
        else:
            badge = (f"<span style='color:{theme.css('warning', self.palette())}; "
                     "font-weight:bold'>● Open</span>")
            self.resolve_button.setText("Resolve")
            self.resolve_button.setToolTip("Mark the discussion settled")
        self.status.setText(f"<b>Discussion</b> · {count} · {badge}")
        self.entries.setHtml(self._entries_html(thread))
        bar = self.entries.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._update_buttons()

    def _entries_html(self, thread: Thread) -> str:
        palette = self.palette()  # the watched widget's: children may update after it
        if not thread.entries:
            return (f"<p style='color:{theme.muted_text(palette)}'>No comments yet. Ask a question or explain a tag "
                    "below; colleagues see it on this annotation.</p>")
        parts = []
        for entry in thread.entries:
            parts.append(self._entry_html(entry, palette))
        return "".join(parts)

    @staticmethod
    def _entry_html(entry: Comment, palette: QPalette) -> str:
        who = html.escape(entry.author)
        when = html.escape(local_time(entry.created_at))
        muted = theme.muted_text(palette)
        if entry.kind in ("resolve", "unresolve"):
            icon, verb, color = (("✓", "resolved the thread", theme.css("ok", palette))
                                 if entry.kind == "resolve"
                                 else ("↺", "reopened the thread", theme.css("warning", palette)))
            return (f"<p style='margin:6px 0 10px 0; color:{muted}'><i>"
                    f"<span style='color:{color}'>{icon}</span> {who} {verb} · {when}"
                    "</i></p>")
        body = "<br>".join(html.escape(line) for line in entry.body.split("\n"))
        return (f"<p style='margin:0 0 2px 0'><b style='color:"
                f"{author_color(entry.author, palette)}'>"
                f"{who}</b> <span style='color:{muted}'>· {when}</span></p>"
                f"<p style='margin:0 0 12px 12px'>{body}</p>")

    def _update_buttons(self) -> None:
        self.post_button.setEnabled(self.annotation_id is not None
                                    and bool(self.text.toPlainText().strip()))
