"""Help › About annotator: the same facts as ``annotator --version``, with a Copy button.

What a user pastes into a bug report: annotator's version and how it is installed
(bundle, source, package), the Python and the Qt actually running, the system, the
database location and its schema revision. The facts come from
:mod:`annotator.services.version_info` (read-only: showing the dialog never changes the
database); only the running Qt version is added here, from ``qVersion()``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.services.version_info import VersionInfo, gather

DESCRIPTION = "Mark the sourcing of every claim in a news article."


class AboutDialog(QDialog):
    def __init__(self, info: VersionInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setWindowTitle("About annotator")
        self.setObjectName("aboutDialog")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>annotator {html.escape(info.annotator)}</h2>"
                         f"<p>{html.escape(DESCRIPTION)}</p>")
        layout.addWidget(heading)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for name, value in info.rows():
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setObjectName(f"about_{name.replace(' ', '_')}")
            self.values[name] = label
            form.addRow(f"{name[0].upper()}{name[1:]}:", label)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setObjectName("aboutCopy")
        self.copy_button.setToolTip("Copy these lines for a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self._restore = QTimer(self)  # "Copied" -> "Copy" again (dies with the dialog)
        self._restore.setSingleShot(True)
        self._restore.setInterval(1500)
        self._restore.timeout.connect(lambda: self.copy_button.setText("&Copy"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy(self) -> None:
        """Put the ``annotator --version`` text on the clipboard."""
        QGuiApplication.clipboard().setText(self.info.as_text())
        self.copy_button.setText("Copied")
        self._restore.start()


def about_dialog(db_url: str, parent: QWidget | None = None) -> AboutDialog:
    """The dialog for the open database (``Project.url``), with the running Qt version."""
    return AboutDialog(gather(db_url, qt_runtime=qVersion()), parent)
