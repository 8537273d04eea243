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
from annotator.services import review
from annotator.services.project import Project
from annotator.services.review import Comment, Thread

AUTHOR_COLORS = ("#1f77b4", "#c0392b", "#2e7d32", "#7b1fa2", "#d35400", "#00838f",
                 "#6d4c41", "#ad1457")
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def author_color(name: str) -> str:
    """The same colour for the same author everywhere (stable across runs)."""
    return AUTHOR_COLORS[zlib.crc32(name.casefold().encode("utf-8")) % len(AUTHOR_COLORS)]


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
        self._build()
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
                        subject: str = "") -> None:
        """Show ``annotation_id``'s thread (``None``: nothing selected); reads once.

        ``subject`` names the annotation (label and words) above the thread, so the
        analyst knows which one is being discussed. A draft comment is kept while the
        same annotation stays selected.
        """
        if annotation_id != self.annotation_id:
            self.text.clear()
        self.heading.setText(f"Discussion of {subject}" if subject and annotation_id
                             else "")
        self.heading.setVisible(bool(subject and annotation_id))
        self.annotation_id = annotation_id
        self.author = author
        self.refresh()

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
        if not has or thread is None:
            self.status.setText("<b>Discussion</b>")
            self.entries.setHtml("<p style='color:#888'>Select an annotation to see its "
                                 "discussion.</p>")
            self._update_buttons()
            return
        n = len(thread.comments)
        count = f"{n} comment{'s' if n != 1 else ''}" if n else "no comments yet"
        if thread.resolved:
            by = html.escape(thread.resolved_by or "someone")
            when = local_time(thread.resolved_at or "")
            badge = ("<span style='color:#2e7d32; font-weight:bold'>✓ Resolved</span>"
                     f" <span style='color:#777'>by {by} · {html.escape(when)}</span>")
            self.resolve_button.setText("Unresolve")
            self.resolve_button.setToolTip("Reopen the thread")
        else:
            badge = "<span style='color:#b34700; font-weight:bold'>● Open</span>"
            self.resolve_button.setText("Resolve")
            self.resolve_button.setToolTip("Mark the discussion settled")
        self.status.setText(f"<b>Discussion</b> · {count} · {badge}")
        self.entries.setHtml(self._entries_html(thread))
        bar = self.entries.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._update_buttons()

    def _entries_html(self, thread: Thread) -> str:
        if not thread.entries:
            return ("<p style='color:#888'>No comments yet. Ask a question or explain a tag "
                    "below; colleagues see it on this annotation.</p>")
        parts = []
        for entry in thread.entries:
            parts.append(self._entry_html(entry))
        return "".join(parts)

    @staticmethod
    def _entry_html(entry: Comment) -> str:
        who = html.escape(entry.author)
        when = html.escape(local_time(entry.created_at))
        if entry.kind in ("resolve", "unresolve"):
            icon, verb, color = (("✓", "resolved the thread", "#2e7d32")
                                 if entry.kind == "resolve"
                                 else ("↺", "reopened the thread", "#b34700"))
            return (f"<p style='margin:6px 0 10px 0; color:#777'><i>"
                    f"<span style='color:{color}'>{icon}</span> {who} {verb} · {when}"
                    "</i></p>")
        body = "<br>".join(html.escape(line) for line in entry.body.split("\n"))
        return (f"<p style='margin:0 0 2px 0'><b style='color:{author_color(entry.author)}'>"
                f"{who}</b> <span style='color:#888'>· {when}</span></p>"
                f"<p style='margin:0 0 12px 12px'>{body}</p>")

    def _update_buttons(self) -> None:
        self.post_button.setEnabled(self.annotation_id is not None
                                    and bool(self.text.toPlainText().strip()))
