"""The taxonomy editor: add, rename, recolour, reorder, describe and retire labels.

Every change is committed at once through :mod:`annotator.services.taxonomy` (one
transaction each; there is no Save button) and announced with ``taxonomyChanged`` so
the main window can rebuild its palette, Tag menu and colours. Text fields commit
when they lose focus or on Enter, and on closing the dialog.

Usage from the main window::

    dlg = TaxonomyEditor(self.project, self)
    dlg.taxonomyChanged.connect(self.reload_labels)
    dlg.exec()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.domain.model import Label
from annotator.qt import taxonomy_files
from annotator.qt.taxonomy_files import _plural, _swatch, _TextEdit
from annotator.services import taxonomy
from annotator.services.project import DatabaseError, Project

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
FILE_FILTER = "Taxonomy files (*.json);;All files (*)"

COL_SHORTCUT, COL_NAME, COL_USES = range(3)


class TaxonomyEditor(QDialog):
    taxonomyChanged = Signal()

    _last_dir: str = ""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taxonomyEditor")
        self.setWindowTitle("Taxonomy — source types")
        self.setSizeGripEnabled(True)
        self.project = project
        self.labels: list[Label] = []
        self.usage: dict[str, int] = {}
        self._loading = False
        self._build()
        self.reload()
        if self.labels:
            self.select_key(self.labels[0].key)
        self.resize(self.sizeHint().expandedTo(QSize(860, 560)))

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        style = self.style()

        # Left: the labels, their order, and adding a new one.
        self.list = QTreeWidget()
        self.list.setObjectName("taxonomyList")
        self.list.setColumnCount(3)
        self.list.setHeaderLabels(["Shortcut", "Label", "Uses"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setIconSize(QSize(14, 14))
        self.list.setMinimumWidth(380)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_SHORTCUT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_USES, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.list.headerItem().setTextAlignment(COL_SHORTCUT, Qt.AlignmentFlag.AlignCenter)
        self.list.headerItem().setTextAlignment(
            COL_USES, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.list.headerItem().setToolTip(COL_SHORTCUT, "Digit key that tags with this label")
        self.list.headerItem().setToolTip(COL_USES, "Annotations using this label (everyone)")
        self.list.currentItemChanged.connect(self._current_changed)

        list_caption = QLabel("&Labels")
        list_caption.setBuddy(self.list)
        bold = QFont(list_caption.font())
        bold.setBold(True)
        list_caption.setFont(bold)
        list_hint = QLabel("Keys 1–9 tag with the first nine active labels; reorder to "
                           "change them.")
        list_hint.setWordWrap(True)
        list_hint.setStyleSheet(f"color: {muted};")

        self.up_button = self._tool_button(
            "moveUp", "Up", style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp),
            "Move up (Alt+Up): an earlier shortcut digit", lambda: self.move(-1))
        self.down_button = self._tool_button(
            "moveDown", "Down", style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
            "Move down (Alt+Down): a later shortcut digit", lambda: self.move(1))
        self.retire_button = self._button("&Retire", "retireLabel", self.toggle_retired)
        self.delete_button = self._button("&Delete…", "deleteLabel", self.delete_current)

        order_row = QHBoxLayout()
        order_row.setSpacing(4)
        order_row.addWidget(self.up_button)
        order_row.addWidget(self.down_button)
        order_row.addStretch(1)
        order_row.addWidget(self.retire_button)
        order_row.addWidget(self.delete_button)

        self.new_name = QLineEdit()
        self.new_name.setObjectName("newLabelName")
        self.new_name.setPlaceholderText("Name of a new source type")
        self.new_name.setClearButtonEnabled(True)
        self.new_name.returnPressed.connect(self.add_from_field)
        self.new_name.textChanged.connect(self._update_buttons)
        self.add_button = self._button("&Add", "addLabel", self.add_from_field)
        new_caption = QLabel("Ne&w label")
        new_caption.setBuddy(self.new_name)
        add_row = QHBoxLayout()
        add_row.addWidget(new_caption)
        add_row.addWidget(self.new_name, 1)
        add_row.addWidget(self.add_button)

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(list_caption)
        left.addWidget(list_hint)
        left.addWidget(self.list, 1)
        left.addLayout(order_row)
        left.addSpacing(6)
        left.addLayout(add_row)

        # Right: the selected label.
        self.title = QLabel()
        self.title.setObjectName("labelTitle")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title_swatch = QLabel()
        self.title_swatch.setFixedSize(20, 20)
        title_row = QHBoxLayout()
        title_row.setSpacing(8)
        title_row.addWidget(self.title_swatch)
        title_row.addWidget(self.title, 1)

        self.info = QLabel()
        self.info.setObjectName("labelInfo")
        self.info.setWordWrap(True)
        self.info.setStyleSheet(f"color: {muted};")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("labelName")
        self.name_edit.setMaxLength(taxonomy.MAX_NAME_CHARS)
        self.name_edit.editingFinished.connect(self._commit_name)

        self.color_button = QPushButton()
        self.color_button.setObjectName("labelColor")
        self.color_button.setToolTip("Choose the highlight colour")
        self.color_button.clicked.connect(self.choose_color)
        self.color_button.setAutoDefault(False)
        color_row = QHBoxLayout()
        color_row.addWidget(self.color_button)
        color_row.addStretch(1)

        self.description_edit = _TextEdit()
        self.description_edit.setObjectName("labelDescription")
        self.description_edit.setPlaceholderText(
            "When to use this label: the rule an analyst should follow.")
        self.description_edit.setMinimumHeight(84)
        self.description_edit.setMaximumHeight(130)
        self.description_edit.editingFinished.connect(
            lambda: self._commit_text("description", self.description_edit))

        self.example_edit = _TextEdit()
        self.example_edit.setObjectName("labelExample")
        self.example_edit.setPlaceholderText("A typical phrase from an article.")
        self.example_edit.setFixedHeight(58)
        self.example_edit.editingFinished.connect(
            lambda: self._commit_text("example", self.example_edit))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        form.addRow("&Name", self.name_edit)
        form.addRow("&Colour", color_row)
        form.addRow("Descri&ption", self.description_edit)
        form.addRow("E&xample", self.example_edit)
        for row, widget in ((0, self.name_edit), (1, self.color_button),
                            (2, self.description_edit), (3, self.example_edit)):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            buddy = item.widget() if item is not None else None
            if isinstance(buddy, QLabel):
                buddy.setBuddy(widget)

        keeps = QLabel("Renaming, recolouring or retiring never changes an annotation: "
                       "annotations refer to the label's key, which stays the same. A "
                       "retired label stays on old annotations but is not offered for new "
                       "ones. Changes are saved at once and are not undoable with Ctrl+Z: "
                       "change a label back here to undo.")
        keeps.setWordWrap(True)
        keeps.setStyleSheet(f"color: {muted};")

        self.details = QFrame()
        self.details.setObjectName("labelDetails")
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        right = QVBoxLayout(self.details)
        right.setContentsMargins(16, 14, 16, 14)
        right.setSpacing(8)
        right.addLayout(title_row)
        right.addWidget(self.info)
        right.addSpacing(4)
        right.addLayout(form)
        right.addStretch(1)
        right.addWidget(keeps)

        body = QHBoxLayout()
        body.setSpacing(14)
        body.addLayout(left, 5)
        body.addWidget(self.details, 6)

        # Bottom: share the taxonomy as a file; status; close.
        self.import_button = self._button("&Import…", "importTaxonomy", self.import_file)
        self.import_button.setToolTip("Merge a shared taxonomy file into this project "
                                      "(you see the changes before they are applied)")
        self.export_button = self._button("&Export…", "exportTaxonomy", self.export_file)
        self.export_button.setToolTip("Save the taxonomy as a JSON file colleagues can import")
        self.status = QLabel()
        self.status.setObjectName("taxonomyStatus")
        self.status.setStyleSheet(f"color: {muted};")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        close.setDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addSpacing(10)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(12)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        for seq, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.move(s))
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_current)

        self.setTabOrder(self.list, self.up_button)
        for a, b in ((self.up_button, self.down_button), (self.down_button, self.retire_button),
                     (self.retire_button, self.delete_button),
                     (self.delete_button, self.new_name), (self.new_name, self.add_button),
                     (self.add_button, self.name_edit), (self.name_edit, self.color_button),
                     (self.color_button, self.description_edit),
                     (self.description_edit, self.example_edit),
                     (self.example_edit, self.import_button),
                     (self.import_button, self.export_button), (self.export_button, close)):
            self.setTabOrder(a, b)

    def _button(self, text: str, name: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)  # Enter in a field must not press a button
        button.clicked.connect(lambda _=False: slot())
        return button

    def _tool_button(self, name: str, text: str, icon, tip: str,  # type: ignore[no-untyped-def]
                     slot: Callable[[], Any]) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setIcon(icon)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setAutoRaise(False)
        button.clicked.connect(lambda _=False: slot())
        return button

    # ------------------------------------------------------------------ state
    @property
    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(COL_NAME, KEY_ROLE) if item is not None else None

    @property
    def current_label(self) -> Label | None:
        key = self.current_key
        return next((lab for lab in self.labels if lab.key == key), None)

    def select_key(self, key: str | None) -> None:
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item is not None and item.data(COL_NAME, KEY_ROLE) == key:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return

    def reload(self) -> None:
        """Re-read labels and usage from the database; keep the current label selected.

        Items are updated in place (not rebuilt) so a click that caused a commit still
        lands on the row it was aimed at.
        """
        keep = self.current_key
        self.labels = taxonomy.current_labels(self.project)
        self.usage = taxonomy.label_usage(self.project)
        self._loading = True
        try:
            while self.list.topLevelItemCount() > len(self.labels):
                self.list.takeTopLevelItem(self.list.topLevelItemCount() - 1)
            while self.list.topLevelItemCount() < len(self.labels):
                self.list.addTopLevelItem(QTreeWidgetItem())
            for row, label in enumerate(self.labels):
                item = self.list.topLevelItem(row)
                assert item is not None  # rows were just made to match
                self._fill_item(item, label)
            if keep is not None and any(lab.key == keep for lab in self.labels):
                self.select_key(keep)
            elif self.labels and self.list.currentItem() is None:
                first = self.list.topLevelItem(0)
                if first is not None:
                    self.list.setCurrentItem(first)
        finally:
            self._loading = False
        self._show_current()

    def _fill_item(self, item: QTreeWidgetItem, label: Label) -> None:
        used = self.usage.get(label.key, 0)
        item.setData(COL_NAME, KEY_ROLE, label.key)
        item.setText(COL_SHORTCUT, label.shortcut or "")
        item.setText(COL_NAME, label.name + ("  (retired)" if label.retired else ""))
        item.setIcon(COL_NAME, _swatch(label.color))
        item.setText(COL_USES, f"{used:,}")
        item.setTextAlignment(COL_SHORTCUT, Qt.AlignmentFlag.AlignCenter)
        item.setTextAlignment(COL_USES, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tip = f"{label.name}\nkey: {label.key}"
        if label.description:
            tip += f"\n\n{label.description}"
        item.setToolTip(COL_NAME, tip)
        item.setToolTip(COL_USES, f"Used by {_plural(used, 'annotation')}")
        font = QFont(self.list.font())
        font.setItalic(label.retired)
        key_font = QFont(font)
        key_font.setBold(True)
        item.setFont(COL_NAME, font)
        item.setFont(COL_SHORTCUT, key_font)
        item.setFont(COL_USES, font)
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for col in range(3):
            item.setData(col, Qt.ItemDataRole.ForegroundRole, grey if label.retired else None)

    def _current_changed(self, current: QTreeWidgetItem | None,
                         previous: QTreeWidgetItem | None) -> None:
        if self._loading:
            return
        self._show_current()

    def _show_current(self) -> None:
        label = self.current_label
        self._loading = True
        try:
            self.details.setEnabled(label is not None)
            if label is None:
                self.title.clear()
                self.info.clear()
                for widget in (self.name_edit, self.description_edit, self.example_edit):
                    widget.clear()
                return
            self.title.setText(label.name)
            self.title_swatch.setPixmap(_swatch(label.color, 20).pixmap(20, 20))
            used = self.usage.get(label.key, 0)
            parts = [f"key {label.key}"]
            if label.retired:
                parts.append(f"retired — kept on its {_plural(used, 'annotation')}, "
                             "not offered for new ones")
            else:
                parts.append(f"shortcut {label.shortcut}" if label.shortcut
                             else "no shortcut (after the ninth)")
                parts.append(f"used by {_plural(used, 'annotation')}")
            self.info.setText(" · ".join(parts))
            if self.name_edit.text() != label.name:
                self.name_edit.setText(label.name)
            self.name_edit.setCursorPosition(0)
            self.color_button.setIcon(_swatch(label.color, 16))
            self.color_button.setText(f"  {label.color}")
            for widget, value in ((self.description_edit, label.description),
                                  (self.example_edit, label.example)):
                if widget.toPlainText() != value:
                    widget.setPlainText(value)
        finally:
            self._loading = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        label = self.current_label
        active = [lab for lab in self.labels if not lab.retired]
        index = next((i for i, lab in enumerate(active) if label and lab.key == label.key), -1)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(0 <= index < len(active) - 1)
        self.add_button.setEnabled(bool(self.new_name.text().strip()))
        if label is None:
            self.retire_button.setEnabled(False)
            self.delete_button.setEnabled(False)
            return
        only_active = not label.retired and len(active) == 1
        self.retire_button.setText("Re&store" if label.retired else "&Retire")
        self.retire_button.setToolTip(
            "Offer this label for new annotations again" if label.retired else
            "Stop offering this label for new annotations; existing annotations keep it")
        self.retire_button.setEnabled(label.retired or not only_active)
        used = self.usage.get(label.key, 0)
        self.delete_button.setEnabled(used == 0 and not only_active)
        self.delete_button.setToolTip(
            f"Used by {_plural(used, 'annotation')}: retire it instead" if used else
            "Delete this label (no annotation uses it)")

    # ---------------------------------------------------------------- changes
    def _apply(self, title: str, change: Callable[[], Any], *, select: str | None = None,
               status: str | Callable[[Any], str] = "") -> Any:
        """Run one service call; on success reload, emit ``taxonomyChanged`` and return
        its result; on a refused change explain why and show the stored state."""
        try:
            result = change()
        except (UserInputError, DatabaseError) as exc:
            self.reload()
            QMessageBox.warning(self, title, str(exc))
            return None
        self.reload()
        if select is not None:
            self.select_key(select)
        self.status.setText(status(result) if callable(status) else status)
        self.taxonomyChanged.emit()
        return result if result is not None else True

    def commit_pending(self) -> None:
        """Save what is typed in the name, description and example fields."""
        self._commit_name()
        self._commit_text("description", self.description_edit)
        self._commit_text("example", self.example_edit)

    def _commit_name(self) -> None:
        label = self.current_label
        if self._loading or label is None:
            return
        name = self.name_edit.text()
        if " ".join(name.split()) == label.name:
            return
        old = label.name
        self._apply("Cannot rename label",
                    lambda: taxonomy.update_label(self.project, label.key, name=name),
                    status=lambda new: f"Renamed “{old}” to “{new.name}”; its annotations "
                                       "are unchanged.")

    def _commit_text(self, field: str, widget: QPlainTextEdit) -> None:
        label = self.current_label
        if self._loading or label is None:
            return
        value = widget.toPlainText()
        if value.strip() == getattr(label, field):
            return
        self._apply(f"Cannot change the {field}",
                    lambda: taxonomy.update_label(self.project, label.key, **{field: value}),
                    status=f"Saved the {field} of “{label.name}”.")

    def choose_color(self) -> None:
        label = self.current_label
        if label is None:
            return
        color = QColorDialog.getColor(QColor(label.color), self, f"Colour for “{label.name}”")
        if not color.isValid() or color.name().lower() == label.color:
            return
        self._apply("Cannot change the colour",
                    lambda: taxonomy.update_label(self.project, label.key, color=color.name()),
                    status=f"New colour for “{label.name}”.")

    def add_from_field(self) -> None:
        name = self.new_name.text()
        if not name.strip():
            self.new_name.setFocus()
            return
        color = taxonomy.suggest_color(self.labels)
        added = self._apply(
            "Cannot add label",
            lambda: taxonomy.add_label(self.project, name=name, color=color),
            status=lambda lab: f"Added “{lab.name}”" + (
                f" with shortcut {lab.shortcut}." if lab.shortcut else
                " (no digit shortcut: move it up to give it one)."))
        if added:
            self.new_name.clear()
            self.select_key(added.key)
            self.description_edit.setFocus()

    def move(self, step: int) -> None:  # type: ignore[override]  # not QWidget.move
        label = self.current_label
        if label is None or label.retired:
            return
        keys = [lab.key for lab in self.labels if not lab.retired]
        i = keys.index(label.key)
        j = i + step
        if not 0 <= j < len(keys):
            return
        keys[i], keys[j] = keys[j], keys[i]
        self.commit_pending()
        self._apply("Cannot reorder labels",
                    lambda: taxonomy.reorder_labels(self.project, keys), select=label.key,
                    status=lambda labels: self._shortcut_status(label.key, labels))

    @staticmethod
    def _shortcut_status(key: str, labels: list[Label]) -> str:
        moved = next(lab for lab in labels if lab.key == key)
        return (f"“{moved.name}” now has shortcut {moved.shortcut}." if moved.shortcut
                else f"“{moved.name}” moved (no digit shortcut).")

    def toggle_retired(self) -> None:
        label = self.current_label
        if label is None:
            return
        self.commit_pending()
        used = self.usage.get(label.key, 0)
        if label.retired:
            self._apply("Cannot restore label",
                        lambda: taxonomy.restore_label(self.project, label.key),
                        status=lambda lab: f"Restored “{lab.name}”" + (
                            f" with shortcut {lab.shortcut}." if lab.shortcut else "."))
        else:
            self._apply("Cannot retire label",
                        lambda: taxonomy.retire_label(self.project, label.key),
                        status=f"Retired “{label.name}”: kept on its "
                               f"{_plural(used, 'annotation')}, not offered for new ones.")

    def delete_current(self) -> None:
        label = self.current_label
        if label is None or not self.delete_button.isEnabled():
            return
        answer = QMessageBox.question(
            self, "Delete label",
            f"Delete the label “{label.name}”? No annotation uses it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        current = self.list.currentItem()
        row = self.list.indexOfTopLevelItem(current) if current is not None else 0
        if self._apply("Cannot delete label",
                       lambda: taxonomy.delete_label(self.project, label.key),
                       status=f"Deleted “{label.name}”."):
            nearest = self.list.topLevelItem(min(row, self.list.topLevelItemCount() - 1))
            if nearest is not None:
                self.list.setCurrentItem(nearest)

    # ------------------------------------------------------------ file sharing
    def export_file(self) -> None:
        taxonomy_files.export_file(self)

    def import_file(self) -> None:
        taxonomy_files.import_file(self)

    # ------------------------------------------------------------------ close
    def done(self, result: int) -> None:
        self.commit_pending()
        super().done(result)
