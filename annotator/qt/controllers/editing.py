"""Editing flows: tag, relabel, source mention, note, facets, delete, undo/redo.

Every edit goes through the open article's undo stack as data (``services.annotate``);
each application reports a :class:`Changes` record to the window's router.
"""

from __future__ import annotations

import dataclasses
import html
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QToolTip

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation
from annotator.qt.palette import swatch
from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

if TYPE_CHECKING:  # the services below load the storage stack: not at start-up
    from annotator.services import annotate
    from annotator.services.annotate import Edit

TAG_MENU = "&Tag"


class EditingController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        undo = wb.undo_group.createUndoAction(wb.window, "&Undo")
        undo.setObjectName("actionUndo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = wb.undo_group.createRedoAction(wb.window, "&Redo")
        redo.setObjectName("actionRedo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        act.adopt(undo, menu="&Edit", section=0, help="undo (this article only)")
        act.adopt(redo, menu="&Edit", section=0, help="redo (this article only)")
        act.add("actionDelete", "&Delete annotation", self.delete_annotation,
                QKeySequence.StandardKey.Delete, menu="&Edit", section=1, scope="article",
                help="delete the selected annotation")
        act.add("actionSetSource", "Set &source mention from selection",
                self.set_source_from_selection, "S", menu="&Edit", section=1,
                scope="article",
                help="set the selected annotation's source mention to the selected text")
        self.label_action_names: list[str] = []
        self.rebuild_tag_menu()

    # ------------------------------------------------------------ Tag menu
    def rebuild_tag_menu(self) -> None:
        """One action per source type; digits are live only with the article focused."""
        for name in self.label_action_names:
            self.wb.actions.remove(name)
        self.label_action_names = []
        for label in self.wb.labels:
            if label.retired:
                continue
            name = f"actionTag_{label.key}"
            self.wb.actions.add(
                name, label.name, partial(self.tag_selection, label.key),
                label.shortcut or None, menu=TAG_MENU, scope="article",
                icon=swatch(label.color),
                help=f"tag the selection as {label.name} (or relabel the selected one)")
            self.label_action_names.append(name)

    def apply_changes(self, changes: Changes) -> None:
        if changes.labels:
            self.rebuild_tag_menu()

    # -------------------------------------------------------------- flows
    def tag_selection(self, label_key: str) -> None:
        from annotator.services import annotate

        wb = self.wb
        if wb.article is None:
            return
        label = wb.label_by_key.get(label_key)
        if label is None or label.retired:
            wb.status(f"“{label.name if label else label_key}” is retired; pick another "
                      "source type or restore it in Edit › Edit taxonomy")
            return
        start, end = wb.view.selection_cp()
        if start == end:
            if wb.selected_id is not None and wb.selected_id in wb.article.by_id:
                # No text selected: the label key relabels the selected annotation.
                if wb.article.by_id[wb.selected_id].label != label_key:
                    if self.update_annotation(wb.selected_id, label=label_key):
                        wb.status(f"Relabelled as {label.name} · {_undo_keys()} to undo")
                return
            wb.status("Select the words of a claim first, then press 1–9.", 5000)
            return
        start, end = wb.text_selection()
        if start == end:
            return
        if not wb.analyst and not self._ask_name():
            return
        try:
            edit = annotate.new_annotation(
                wb.project, article_id=wb.article.id, article_text=wb.article.text,
                annotator=wb.analyst, label=label_key, start=start, end=end)
        except UserInputError as exc:
            QMessageBox.warning(wb.window, "Cannot tag", str(exc))
            return
        if self.push_edit(edit):
            wb.view.clear_selection()
            wb.status(f"Tagged {_quote(wb.article.text[start:end])} as {label.name} · "
                      f"{_undo_keys()} to undo")

    def _ask_name(self) -> bool:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(
            self.wb.window, "Your name",
            "Your name is stored on every annotation you make,\n"
            "so colleagues can tell whose tags are whose:", text=self.wb.analyst)
        name = " ".join(name.split())
        if ok and name:
            self.wb.settings.setValue("analyst/name", name)
            self.wb.settings.sync()
            self.wb.apply_changes(Changes(analyst=True))
            return True
        return False

    def delete_annotation(self, annotation_id: str | None = None) -> None:
        from annotator.services import annotate

        wb = self.wb
        target = annotation_id or wb.selected_id
        if target is None or wb.article is None or target not in wb.article.by_id:
            wb.status("Select an annotation first (click its highlight or its row), "
                      "then press Delete.", 5000)
            return
        ann = wb.article.by_id[target]
        QToolTip.hideText()  # the tooltip described what is now gone
        if self.push_edit(annotate.DeleteAnnotation(target, expected_version=ann.version)):
            label = wb.label_by_key.get(ann.label)
            wb.status(f"Deleted {label.name if label else ann.label} on {_quote(ann.text)} · "
                      f"{_undo_keys()} to undo", 10_000)

    def set_source_from_selection(self, annotation_id: str | None = None) -> None:
        wb = self.wb
        target = annotation_id or wb.selected_id
        if wb.article is None or target is None or target not in wb.article.by_id:
            wb.status("Select an annotation first, then the source phrase.", 5000)
            return
        start, end = wb.text_selection()
        if start == end:
            wb.status("Select the phrase naming the source (e.g. “three sources with direct "
                      "knowledge of the talks”), then press S.")
            return
        if self.update_annotation(target, source_start=start, source_end=end):
            wb.view.clear_selection()
            wb.status(f"Source mention set to {_quote(wb.article.text[start:end])} · "
                      f"{_undo_keys()} to undo")

    # -------------------------------------------------------------- edits
    def push_edit(self, edit: Edit, *, merge_key: str | None = None) -> bool:
        """Apply an edit through the open article's undo stack; False if refused."""
        from annotator.qt.undo import EditCommand
        from annotator.services import annotate

        article = self.wb.article
        subject = None
        if isinstance(edit, (annotate.UpdateAnnotation, annotate.DeleteAnnotation)) and article:
            subject = article.by_id.get(edit.annotation_id)
        command = EditCommand(edit, annotate.describe(edit, self.wb.project, subject),
                              self._apply, merge_key=merge_key)
        self.wb.undo_stack.push(command)
        return not command.failed

    def update_annotation(self, annotation_id: str, *, merge_key: str | None = None,
                          **changes: object) -> bool:
        """Push an update based on the version on screen (conflicts are detected)."""
        from annotator.services.annotate import UpdateAnnotation

        article = self.wb.article
        if article is None or annotation_id not in article.by_id:
            return False
        current = article.by_id[annotation_id]
        return self.push_edit(
            UpdateAnnotation.of(annotation_id, expected_version=current.version, **changes),
            merge_key=merge_key)

    def _apply(self, edit: Edit) -> tuple[Changes, Edit] | None:
        from annotator.services import annotate
        from annotator.services.db_errors import DatabaseFault

        wb = self.wb
        # Undo/redo steps are based on what is on screen now: a version bumped by our
        # own earlier steps is expected, one bumped by a colleague is a conflict.
        if isinstance(edit, (annotate.UpdateAnnotation, annotate.DeleteAnnotation)) and \
                wb.article is not None and edit.annotation_id in wb.article.by_id:
            edit = dataclasses.replace(
                edit, expected_version=wb.article.by_id[edit.annotation_id].version)
        try:
            changes, inverse = annotate.apply(wb.project, edit, actor=wb.analyst)
        except annotate.ConflictError as exc:
            self._show_conflict(exc)
            return None
        except DatabaseFault as exc:
            # Locked, disk full, server gone, read-only: nothing was saved. The action is
            # kept on screen as not saved, with Retry (qt/fault_banner.py).
            subject = wb.article.by_id.get(getattr(edit, "annotation_id", "")) \
                if wb.article is not None else None
            action = annotate.describe(edit, wb.project, subject)
            if wb.faults is None:
                QMessageBox.warning(wb.window, "Not saved", f"{action}: {exc}")
            else:
                wb.faults.handle(exc, action=action, retry=partial(self.push_edit, edit))
            return None
        except (UserInputError, LookupError) as exc:
            QMessageBox.warning(wb.window, "Cannot apply change", str(exc))
            return None
        wb.apply_changes(changes)
        change = changes.annotations[0]
        if change.after is not None:
            wb.select(change.after.id, scroll_text=False)
        elif wb.selected_id == change.annotation_id:
            wb.select(None)
        return changes, inverse

    def _show_conflict(self, exc: annotate.ConflictError) -> None:
        """Tell the later writer, show both versions, and reload the colleague's."""
        wb = self.wb

        def describe(ann: Annotation | None) -> str:
            if ann is None:
                return "<i>deleted</i>"
            label = wb.label_by_key.get(ann.label)
            parts = [f"<b>{html.escape(label.name if label else ann.label)}</b> on "
                     f"“{html.escape(ann.text[:80])}”"]
            if ann.note:
                parts.append(f"note: {html.escape(ann.note[:120])}")
            parts.append(f"by {html.escape(ann.annotator)}, version {ann.version}, "
                         f"updated {ann.updated_at[:19].replace('T', ' ')}")
            return "<br>".join(parts)

        box = QMessageBox(wb.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Changed by someone else")
        box.setText(f"{html.escape(str(exc))}.<br><br><b>Stored now:</b><br>"
                    f"{describe(exc.theirs)}<br><br><b>Your change (not saved):</b><br>"
                    f"{describe(exc.mine)}")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setInformativeText("The article has been reloaded with the stored version; "
                               "make your change again if it still applies.")
        box.open()
        self.conflict_box = box
        if wb.article is not None:
            wb.apply_changes(Changes(reload_articles=frozenset({wb.article.id})))


def _quote(text: str, limit: int = 40) -> str:
    words = " ".join(text.split())
    return f"“{words if len(words) <= limit else words[:limit - 1] + '…'}”"


def _undo_keys() -> str:
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText) or "Ctrl+Z"
