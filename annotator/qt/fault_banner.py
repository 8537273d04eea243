"""Database faults in the window: nothing the analyst did is silently dropped.

The services classify every database failure once (``services/db_errors.py``); this
module decides what the window does with each, for an action that could not be saved:

* **locked** by another program — a dialog: *Retry* tries again at once; *Cancel* keeps
  the action in the banner as not saved, with *Retry*;
* **disk full** — the banner: "Not saved: ACTION — the disk … is full", *Retry* and
  *Discard*; the action is kept (not on the undo stack, not in the database) until then;
* **server gone** — the banner turns into a reconnect bar: it retries the kept actions
  every few seconds, and at once on *Retry*; what was acknowledged before was committed,
  so nothing on screen is lost;
* **read-only** — the window opened the file read-only (``Project.read_only``): a
  permanent banner says so, and a change is refused with that message.

The banner lives in a tool bar above the article (``faultBar``), hidden while all is well.
Retrying runs the action's own callable (for an edit: pushing it on the undo stack again),
so a retried action takes exactly the path the first attempt took.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QToolBar,
    QWidget,
)

from annotator.qt import theme

if TYPE_CHECKING:  # a fault exists only once the storage stack is loaded
    from annotator.services.db_errors import DatabaseFault

RECONNECT_INTERVAL_MS = 5_000
"""How often the reconnect banner tries the kept actions again."""

Retry = Callable[[], bool]
"""Try the action again; True when it was saved this time."""


@dataclass
class PendingAction:
    """An action the database refused, kept on screen until it is saved or discarded."""

    description: str
    retry: Retry


class FaultBanner(QFrame):
    """The bar's widget: what went wrong, what is not saved, and the buttons."""

    retryRequested = Signal()
    discardRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("faultBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._paint()
        theme.on_palette_change(self, self._paint)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.message = QLabel(self)
        self.message.setObjectName("faultMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message, 1)
        self.retry_button = QPushButton("&Retry", self)
        self.retry_button.setObjectName("faultRetry")
        self.retry_button.clicked.connect(self.retryRequested)
        layout.addWidget(self.retry_button)
        self.discard_button = QPushButton("&Discard", self)
        self.discard_button.setObjectName("faultDiscard")
        self.discard_button.setToolTip("forget the actions that were not saved")
        self.discard_button.clicked.connect(self.discardRequested)
        layout.addWidget(self.discard_button)

    def _paint(self) -> None:
        """The theme's warning background; the text keeps the palette's WindowText (a
        fixed dark text colour did not reach the message label, which stayed light on
        the pale yellow in the dark theme)."""
        style = f"#faultBanner {{ {theme.banner_style('warn', self.palette())} }}"
        if self.styleSheet() != style:  # a style sheet change is itself a palette change
            self.setStyleSheet(style)

    def show_message(self, text: str, *, can_retry: bool, can_discard: bool) -> None:
        self.message.setText(text)
        self.retry_button.setVisible(can_retry)
        self.discard_button.setVisible(can_discard)


class FaultHandler(QObject):
    """The window's answer to a :class:`DatabaseFault` (see the module docstring)."""

    changed = Signal()
    """The banner's state changed (shown, hidden, retried) — for tests and the status line."""

    def __init__(self, window: QMainWindow, *, read_only: bool, where: str) -> None:
        super().__init__(window)
        self.window = window
        self.read_only = read_only
        self.where = where
        self.pending: list[PendingAction] = []
        self.fault: DatabaseFault | None = None
        self._retrying = False
        self.bar = QToolBar("Database problems", window)
        self.bar.setObjectName("faultBar")
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        self.bar.toggleViewAction().setVisible(False)
        self.banner = FaultBanner(self.bar)
        self.bar.addWidget(self.banner)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.banner.retryRequested.connect(self.retry)
        self.banner.discardRequested.connect(self.discard)
        self.reconnect_timer = QTimer(self)
        self.reconnect_timer.setInterval(RECONNECT_INTERVAL_MS)
        self.reconnect_timer.timeout.connect(self._reconnect)
        self._refresh()

    # --------------------------------------------------------------- entry
    def attach(self, *, read_only: bool, where: str) -> None:
        """The window's project is open (start-up's second phase): show its state."""
        self.read_only = read_only
        self.where = where
        self._refresh()

    def handle(self, fault: DatabaseFault, *, action: str, retry: Retry) -> None:
        """``action`` (described for the analyst) was refused by the database: keep it."""
        from annotator.services.db_errors import DatabaseBusy, ReadOnlyDatabase, ServerUnavailable

        if self._retrying:  # a retry failed again: the retry loop keeps the action
            self.fault = fault
            return
        if isinstance(fault, ReadOnlyDatabase):
            self.read_only = True
            self.fault = fault
            self._refresh(refused=action)
            return
        self.fault = fault
        self.pending.append(PendingAction(action, retry))
        if isinstance(fault, DatabaseBusy) and self._ask_retry_now(fault, action):
            self.retry()
            return
        if isinstance(fault, ServerUnavailable):
            self.reconnect_timer.start()
        self._refresh()

    def _ask_retry_now(self, fault: DatabaseFault, action: str) -> bool:
        answer = QMessageBox.warning(
            self.window, "Database locked",
            f"{fault}.\n\nNot saved yet: {action}.\n\nRetry now, or keep it on screen "
            f"(Cancel) and retry from the bar above the article?",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Retry)
        return bool(answer == QMessageBox.StandardButton.Retry)

    # ------------------------------------------------------------- actions
    def retry(self) -> None:
        """Try the kept actions again, in order; stop at the first that fails again."""
        if self._retrying:
            return
        self._retrying = True
        try:
            while self.pending:
                if not self.pending[0].retry():
                    break
                self.pending.pop(0)
        finally:
            self._retrying = False
        if not self.pending:
            self.fault = None
            self.reconnect_timer.stop()
        elif self._server_unavailable():
            self.reconnect_timer.start()
        self._refresh()

    def _server_unavailable(self) -> bool:
        from annotator.services.db_errors import ServerUnavailable

        return isinstance(self.fault, ServerUnavailable)

    def discard(self) -> None:
        """Forget the kept actions (the analyst decided; they were never saved)."""
        self.pending.clear()
        self.fault = None
        self.reconnect_timer.stop()
        self._refresh()

    def _reconnect(self) -> None:
        if self.pending and not _modal_open():
            self.retry()

    # ----------------------------------------------------------------- view
    def refresh(self) -> None:
        """Show or hide the bar for the current state (after a layout was restored)."""
        self._refresh()

    def _refresh(self, *, refused: str = "") -> None:
        if self.pending:
            from annotator.services.db_errors import DiskFull, ServerUnavailable

            kept = "; ".join(p.description for p in self.pending[:3])
            more = f" and {len(self.pending) - 3} more" if len(self.pending) > 3 else ""
            if isinstance(self.fault, ServerUnavailable):
                head = f"Connection lost: {self.fault}. Reconnecting every " \
                       f"{RECONNECT_INTERVAL_MS // 1000} s."
            elif isinstance(self.fault, DiskFull):
                head = f"{_sentence(self.fault)}"
            else:
                head = _sentence(self.fault) if self.fault else "Not saved."
            text = f"{head} Not saved yet: {kept}{more}."
            self.banner.show_message(text, can_retry=True, can_discard=True)
            self.bar.setVisible(True)
        elif self.read_only:
            text = (f"Read-only: {self.where} cannot be changed here (it was opened "
                    f"read-only); you can read and export, but changes are not saved.")
            if refused:
                text += f" Not saved: {refused}."
            self.banner.show_message(text, can_retry=False, can_discard=False)
            self.bar.setVisible(True)
        else:
            self.banner.show_message("", can_retry=False, can_discard=False)
            self.bar.setVisible(False)
        self.changed.emit()


def _modal_open() -> bool:
    """A modal dialog is up (the analyst is answering something): do not retry under it."""
    from PySide6.QtWidgets import QApplication

    return QApplication.activeModalWidget() is not None


def _sentence(fault: DatabaseFault | None) -> str:
    text = str(fault or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
