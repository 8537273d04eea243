"""Taxonomy editor pieces: multi-line field, swatches, sharing the taxonomy as a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFileDialog,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.qt.palette import swatch
from annotator.services import taxonomy
from annotator.services.project import DatabaseError

if TYPE_CHECKING:
    from annotator.qt.taxonomy_editor import TaxonomyEditor

FILE_FILTER = "Taxonomy files (*.json);;All files (*)"


class _TextEdit(QPlainTextEdit):
    """A multi-line field that reports when editing ends (focus leaves it)."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().focusOutEvent(event)
        self.editingFinished.emit()


def _swatch(color: str, size: int = 14) -> QIcon:
    """The palette's colour swatch, drawn untinted when its row is selected."""
    pixmap = swatch(color, size).pixmap(size, size)
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"



def _start_dir(editor: TaxonomyEditor) -> str:
    return type(editor)._last_dir or str(Path.home())

def export_file(editor: TaxonomyEditor) -> None:
    """Write the project's taxonomy to a JSON file a colleague can import."""
    editor.commit_pending()
    path, _ = QFileDialog.getSaveFileName(
        editor, "Export taxonomy", str(Path(_start_dir(editor)) / "taxonomy.json"),
        FILE_FILTER)
    if not path:
        return
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".json")
    type(editor)._last_dir = str(target.parent)
    tmp = target.with_name(target.name + ".partial")
    try:
        tmp.write_text(taxonomy.export_taxonomy(editor.project), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        QMessageBox.warning(editor, "Export failed", f"{target}: {exc.strerror or exc}")
        return
    editor.status.setText(f"Exported {_plural(len(editor.labels), 'label')} to {target.name}.")

def import_file(editor: TaxonomyEditor) -> None:
    """Preview, confirm and apply a taxonomy file (everyone using the project sees it)."""
    editor.commit_pending()
    path, _ = QFileDialog.getOpenFileName(editor, "Import taxonomy", _start_dir(editor),
                                          FILE_FILTER)
    if not path:
        return
    source = Path(path)
    type(editor)._last_dir = str(source.parent)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not a UTF-8 text file"
        QMessageBox.warning(editor, "Cannot import taxonomy", f"{source}: {reason or exc}")
        return
    try:
        preview = taxonomy.import_taxonomy(editor.project, text, origin=source.name,
                                           dry_run=True)
    except (UserInputError, DatabaseError) as exc:
        QMessageBox.warning(editor, "Cannot import taxonomy", str(exc))
        return
    if not preview.changed:
        QMessageBox.information(editor, "Import taxonomy", preview.summary())
        return
    answer = QMessageBox.question(
        editor, "Import taxonomy",
        f"Importing {source.name} changes the taxonomy for everyone using this "
        f"project:\n\n{preview.summary()}\n\nExisting annotations are kept. Apply?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return
    editor._apply(
        "Cannot import taxonomy",
        lambda: taxonomy.import_taxonomy(editor.project, text, origin=source.name),
        status=lambda report: f"Imported {source.name}: {import_status(report)}.")

def import_status(report: taxonomy.TaxonomyImportReport) -> str:
    parts = [f"{n} {what}" for n, what in (
        (len(report.added), "added"), (len(report.updated), "changed"),
        (len(report.retired) + len(report.kept_retired), "retired"),
        (len(report.restored), "restored"), (len(report.deleted), "deleted")) if n]
    if report.reordered:
        parts.append("order changed")
    return ", ".join(parts) or "no change"

