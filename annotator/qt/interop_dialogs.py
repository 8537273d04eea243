"""Reusable Qt pieces for imports and exports, to be wired into the menus.

* :func:`run_with_progress` runs a service call in a worker thread behind a modal
  progress dialog whose *Cancel* button makes the service's ``cancelled()`` answer
  true; services then roll back and raise ``OperationCancelled``, so a cancelled
  import leaves the database exactly as it was;
* :class:`ImportAnnotationsDialog` — file, format, annotator, and a mapping for the
  file's unknown labels (map to a project label or add as a new one);
* :class:`ArticleMetadataDialog` — title, outlet, URL and date of an article;
* :class:`PasteArticleDialog` — an article from pasted text.

Everything goes through :mod:`annotator.services`; nothing here touches storage.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.qt.file_filters import (
    ANNOTATION_FILTER,
    import_format_choices,
    import_placeholder,
)
from annotator.services import articles, interop
from annotator.services.interop import (
    AnnotationImportReport,
    ForeignLabel,
    OperationCancelled,
)
from annotator.services.project import DatabaseError, Project

ADD_AS_NEW = "__add__"
"""Item data of the "Add as new label" choice in the mapping table."""


# -- background work -------------------------------------------------------------------


@dataclass
class TaskResult:
    """What :func:`run_with_progress` brings back: a value, an error message, or a cancel."""

    value: Any = None
    error: str | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


class _Worker(QObject):
    progressed = Signal(int, int)
    done = Signal()

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 stop: threading.Event) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs, self.stop = fn, args, kwargs, stop
        self.result = TaskResult()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(int(done), int(total))

    @Slot()
    def run(self) -> None:
        try:
            self.result.value = self.fn(*self.args, progress=self._progress,
                                        cancelled=self.stop.is_set, **self.kwargs)
        except OperationCancelled:
            self.result.cancelled = True
        except (UserInputError, DatabaseError) as exc:
            self.result.error = str(exc)
        except Exception as exc:  # shown to the user rather than lost in a thread
            self.result.error = f"unexpected error: {type(exc).__name__}: {exc}"
        finally:
            self.done.emit()


class _Bridge(QObject):
    """Lives in the GUI thread, so the worker's signals reach the dialog queued."""

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__()
        self.dialog = dialog

    @Slot(int, int)
    def on_progress(self, done: int, total: int) -> None:
        if total > 0:
            if self.dialog.maximum() != total:
                self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))


def run_with_progress(parent: QWidget | None, title: str, fn: Callable[..., Any],
                      *args: Any, **kwargs: Any) -> TaskResult:
    """Call ``fn(*args, progress=…, cancelled=…, **kwargs)`` in a worker thread.

    A modal :class:`QProgressDialog` shows ``progress(done, total)``; its Cancel button
    makes ``cancelled()`` return true. Returns when the call has finished (the event
    loop keeps running meanwhile), with the value, the user-facing error message, or
    ``cancelled=True``.
    """
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setObjectName("interopProgress")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0)
    stop = threading.Event()
    worker = _Worker(fn, args, kwargs, stop)
    thread = QThread()
    worker.moveToThread(thread)
    loop = QEventLoop()
    bridge = _Bridge(dialog)

    def on_cancel() -> None:
        stop.set()
        dialog.setLabelText(f"{title}\nCancelling…")

    thread.started.connect(worker.run)
    worker.progressed.connect(bridge.on_progress, Qt.ConnectionType.QueuedConnection)
    worker.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(on_cancel)
    dialog.show()
    thread.start()
    loop.exec()
    thread.quit()
    thread.wait()
    dialog.canceled.disconnect(on_cancel)
    dialog.close()
    dialog.deleteLater()
    worker.deleteLater()
    return worker.result


# -- import annotations ----------------------------------------------------------------


class ImportAnnotationsDialog(QDialog):
    """Choose a file, its format and annotator, map unknown labels, then import.

    After ``exec()`` returned ``Accepted``, :attr:`report` holds the import report.
    """

    def __init__(self, project: Project, parent: QWidget | None = None, *,
                 path: str | Path | None = None, article_id: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self.setObjectName("importAnnotationsDialog")
        self.project = project
        self.article_id = article_id
        self.report: AnnotationImportReport | None = None
        self.foreign: list[ForeignLabel] = []

        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText(import_placeholder())
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)

        self.format_box = QComboBox()
        for text, value in import_format_choices():  # the format registry's list
            self.format_box.addItem(text, value)
        self.annotator_edit = QLineEdit()
        self.annotator_edit.setPlaceholderText("keep the annotators named in the file")
        self.reanchor_box = QCheckBox(
            "If the article changed, import what can be placed and list the rest for review")
        self.create_box = QCheckBox("Create articles that are not in the project yet")

        self.check_button = QPushButton("Check labels")
        self.check_button.clicked.connect(self.check_labels)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Label in the file", "Annotations", "Use"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("importMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("File", row)
        form.addRow("Format", self.format_box)
        form.addRow("Annotator", self.annotator_edit)
        form.addRow("", self.reanchor_box)
        form.addRow("", self.create_box)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.import_now)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 480)

    # -- inputs ---------------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import annotations", self.path_edit.text(),
            ANNOTATION_FILTER)
        if path:
            self.path_edit.setText(path)
            self.check_labels()

    @property
    def path(self) -> str:
        return self.path_edit.text().strip()

    @property
    def fmt(self) -> str | None:
        return self.format_box.currentData() or None

    def check_labels(self) -> bool:
        """Read the file's labels and fill the mapping table; False (message shown) if unreadable."""
        self.table.setRowCount(0)
        self.foreign = []
        if not self.path:
            self.message.setText("Choose a file first.")
            return False
        try:
            self.foreign = interop.scan_labels(self.project, self.path, fmt=self.fmt,
                                               annotator=self.annotator_edit.text() or "import")
        except (UserInputError, DatabaseError) as exc:
            self.message.setText(str(exc))
            return False
        labels = self.project.labels()
        self.table.setRowCount(len(self.foreign))
        for r, item in enumerate(self.foreign):
            name = QTableWidgetItem(item.label)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            count = QTableWidgetItem(str(item.count))
            count.setFlags(count.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, count)
            box = QComboBox()
            if item.key is not None:
                known = self.project.label(item.key)
                box.addItem(f"= {known.name if known else item.key}", item.key)
                box.setEnabled(False)
            else:
                box.addItem("— choose —", None)
                box.addItem("Add as new label", ADD_AS_NEW)
                for lab in labels:
                    box.addItem(lab.name, lab.key)
            self.table.setCellWidget(r, 2, box)
        unknown = sum(1 for f in self.foreign if f.key is None)
        self.message.setText(
            f"{unknown} label(s) unknown to this project: choose what to use for each."
            if unknown else "Every label in the file is known to this project.")
        return True

    def set_choice(self, foreign: str, key_or_add: str) -> None:
        """Pick the mapping for one unknown label (``ADD_AS_NEW`` or a label key)."""
        for r, item in enumerate(self.foreign):
            if item.label == foreign:
                box = self.table.cellWidget(r, 2)
                assert isinstance(box, QComboBox)
                index = box.findData(key_or_add)
                if index < 0:
                    raise KeyError(key_or_add)
                box.setCurrentIndex(index)
                return
        raise KeyError(foreign)

    def mapping(self) -> tuple[dict[str, str], list[str], list[str]]:
        """``(label_map, labels to add, labels still unresolved)`` from the table."""
        label_map: dict[str, str] = {}
        add: list[str] = []
        missing: list[str] = []
        for r, item in enumerate(self.foreign):
            if item.key is not None:
                continue
            box = self.table.cellWidget(r, 2)
            assert isinstance(box, QComboBox)
            choice = box.currentData()
            if choice == ADD_AS_NEW:
                add.append(item.label)
            elif choice:
                label_map[item.label] = str(choice)
            else:
                missing.append(item.label)
        return label_map, add, missing

    # -- the import -----------------------------------------------------------------

    def import_now(self) -> bool:
        """Run the import (in a worker, with progress); accept the dialog on success."""
        if not self.foreign and not self.check_labels():
            return False
        label_map, add, missing = self.mapping()
        if missing:
            self.message.setText("Choose a label (or “Add as new label”) for: "
                                 + ", ".join(repr(m) for m in missing))
            return False
        result = run_with_progress(
            self, "Importing annotations", interop.import_annotations, self.project, self.path,
            fmt=self.fmt, annotator=self.annotator_edit.text().strip() or None,
            article_id=self.article_id, label_map=label_map, add_labels=add,
            reanchor=self.reanchor_box.isChecked(),
            create_articles=self.create_box.isChecked(),
        )
        if result.cancelled:
            self.message.setText("Import cancelled; nothing was changed.")
            return False
        if result.error is not None:
            self.message.setText(result.error)
            return False
        self.report = result.value
        self.accept()
        return True


# -- article metadata ------------------------------------------------------------------


def _line(text: str = "", placeholder: str = "", name: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    if name:
        edit.setObjectName(name)
    return edit


class ArticleMetadataDialog(QDialog):
    """Edit an article's title, outlet, URL and publication date.

    After ``Accepted``, :attr:`article` is the updated article.
    """

    def __init__(self, project: Project, article_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Article details")
        self.setObjectName("articleMetadataDialog")
        self.project = project
        self.article_id = article_id
        self.article = articles.get_article(project, article_id)
        self.title_edit = _line(self.article.title, "", "title")
        self.outlet_edit = _line(self.article.outlet, "publication name", "outlet")
        self.url_edit = _line(self.article.url, "https://…", "url")
        self.published_edit = _line(self.article.published, "YYYY-MM-DD", "published")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("metadataMessage")
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Outlet", self.outlet_edit)
        form.addRow("URL", self.url_edit)
        form.addRow("Published", self.published_edit)
        source = self.article.original_filename or "pasted or imported text"
        form.addRow("Imported from", QLabel(source))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(520, 0)

    def save(self) -> bool:
        try:
            self.article = interop.update_article_metadata(
                self.project, self.article_id, title=self.title_edit.text(),
                outlet=self.outlet_edit.text(), url=self.url_edit.text(),
                published=self.published_edit.text())
        except (UserInputError, DatabaseError) as exc:
            self.message.setText(str(exc))
            return False
        self.accept()
        return True


# -- pasted article --------------------------------------------------------------------


class PasteArticleDialog(QDialog):
    """Create an article from pasted text. After ``Accepted``, :attr:`imported` says which."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste an article")
        self.setObjectName("pasteArticleDialog")
        self.project = project
        self.imported: articles.ImportedArticle | None = None
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("pastedText")
        self.text_edit.setPlaceholderText("Paste the article text here")
        self.title_edit = _line("", "default: the first line", "title")
        self.outlet_edit = _line("", "publication name", "outlet")
        self.url_edit = _line("", "https://…", "url")
        self.published_edit = _line("", "YYYY-MM-DD", "published")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("pasteMessage")
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Outlet", self.outlet_edit)
        form.addRow("URL", self.url_edit)
        form.addRow("Published", self.published_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton("Create article",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def create(self) -> bool:  # type: ignore[override]  # not QWidget.create
        try:
            self.imported = interop.import_text(
                self.project, self.text_edit.toPlainText(), title=self.title_edit.text(),
                outlet=self.outlet_edit.text(), url=self.url_edit.text(),
                published=self.published_edit.text())
        except (UserInputError, DatabaseError) as exc:
            self.message.setText(str(exc))
            return False
        self.accept()
        return True
