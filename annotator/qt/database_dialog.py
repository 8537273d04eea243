"""File › Open database…: a local project file or a team server, plus recent databases.

:class:`DatabaseDialog` lets the analyst pick

* a **local file (SQLite)**: a path typed in, chosen with *Browse…*, or a new file made
  with *New…*;
* a **team server (PostgreSQL)**: host, port, database, user and password (the password
  is used for this session only and never written to the settings);

or a row of the **recent databases** list (settings key ``databases/recent``, newest
first, at most :data:`MAX_RECENT`, always stored *without* passwords). *Test
connection* shows what :func:`annotator.services.connection.test_connection` found
(reachable? empty, up to date, to be upgraded, made by a newer version?). *Open* checks
the same way and only accepts a database that can be opened; a project that would be
upgraded needs a second, explicit *Upgrade and open* click, because after an upgrade
older versions of annotator (a colleague's laptop) cannot open it any more.

After ``exec()`` returned ``Accepted``, :meth:`DatabaseDialog.selected_url` is the URL
to open (for a server, with the password typed). The caller opens it and, once that
worked, calls :func:`remember_database`.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QStyle,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.qt import theme
from annotator.services import connection
from annotator.services.connection import (
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    SCHEMA_UPGRADE,
    ConnectionInfo,
    Location,
)

__all__ = ["MAX_RECENT", "RECENT_KEY", "DatabaseDialog", "StatusBanner", "forget_database",
           "recent_databases", "remember_database"]

RECENT_KEY = "databases/recent"
MAX_RECENT = 10
PROJECT_FILTER = "annotator projects (*.sqlite *.sqlite3 *.db);;All files (*)"
LOCAL_TAB, SERVER_TAB = 0, 1

_ICON = {  # state -> icon; the colours are the theme's (theme.BANNERS)
    "ok": QStyle.StandardPixmap.SP_DialogApplyButton,
    "warn": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class StatusBanner(QFrame):
    """A coloured one-message banner: ``ok`` (green), ``warn``, ``error``, ``info``."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.icon, self.label):
            widget.setStyleSheet("border:none; background:transparent;")
        row.addWidget(self.icon)
        row.addWidget(self.label, 1)
        self.state = ""
        self.hide()
        theme.on_palette_change(self, self._paint)

    def _paint(self) -> None:
        """The state's background for the current theme (its text is WindowText)."""
        if not self.state:
            return
        style = f"QFrame#{self.objectName()} {{{theme.banner_style(self.state, self.palette())}}}"
        if self.styleSheet() != style:  # a style sheet change is itself a palette change
            self.setStyleSheet(style)

    def show_message(self, state: str, message: str, *, tooltip: str = "",
                     rich: bool = False) -> None:
        icon = _ICON[state]
        self.state = state
        self._paint()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        self.label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.label.setText(message)
        self.label.setToolTip(tooltip)
        self.show()


# -- recent databases (settings) -------------------------------------------------------


def _stored_list(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if value is None:
        return []
    if isinstance(value, str):  # an INI file gives back a one-item list as a string
        return [value] if value else []
    return [str(v) for v in value if v] if isinstance(value, (list, tuple)) else []


def recent_databases(settings: QSettings) -> list[str]:
    """Recently opened databases, newest first, as URLs without passwords."""
    out: list[str] = []
    for item in _stored_list(settings):
        try:
            url = connection.without_password(connection.normalise(item))
        except UserInputError:
            continue
        if url not in out:
            out.append(url)
    return out[:MAX_RECENT]


def remember_database(settings: QSettings, url: str) -> None:
    """Put ``url`` (its password removed) at the top of the recent list."""
    clean = connection.without_password(connection.normalise(url))
    items = [clean] + [u for u in recent_databases(settings) if u != clean]
    settings.setValue(RECENT_KEY, items[:MAX_RECENT])
    settings.sync()


def forget_database(settings: QSettings, url: str) -> None:
    """Remove ``url`` from the recent list."""
    clean = connection.without_password(connection.normalise(url))
    settings.setValue(RECENT_KEY, [u for u in recent_databases(settings) if u != clean])
    settings.sync()


# -- the dialog ------------------------------------------------------------------------


class DatabaseDialog(QDialog):
    """Choose the database to open; :meth:`selected_url` after ``Accepted``."""

    tested = Signal(object)
    """Emitted with each :class:`ConnectionInfo` shown (tests and status bars)."""

    remember_database = staticmethod(remember_database)
    recent_databases = staticmethod(recent_databases)
    forget_database = staticmethod(forget_database)

    def __init__(self, settings: QSettings, parent: QWidget | None = None, *,
                 current: str | None = None, timeout: int = DEFAULT_TIMEOUT) -> None:
        super().__init__(parent)
        self.setObjectName("databaseDialog")
        self.setWindowTitle("Open database")
        self.settings = settings
        self.timeout = timeout
        self.last_info: ConnectionInfo | None = None
        self._new_file: str | None = None
        self._confirmed_upgrade: str | None = None
        self._url: str | None = None
        self._current = self._locate(current) if current else None

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setObjectName("openDatabaseButton")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        if self._current is not None:
            muted = theme.muted_text(self.palette())
            now = QLabel(f"Open now: <b>{html.escape(self._current.name)}</b> "
                         f"<span style='color:{muted}'>— {html.escape(self._current.where)}"
                         "</span>")
            now.setObjectName("currentDatabase")
            now.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(now)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("databaseTabs")
        self.tabs.addTab(self._build_local_tab(), "Local file (SQLite)")
        self.tabs.addTab(self._build_server_tab(), "Team server (PostgreSQL)")
        layout.addWidget(self.tabs)

        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout.addLayout(test_row)

        self.status_frame = StatusBanner("connectionStatus")
        self.status_label = self.status_frame.label
        self.status_label.setObjectName("connectionMessage")
        layout.addWidget(self.status_frame)

        recent_title = QLabel("<b>Recent databases</b> <span style='color:"
                              f"{theme.muted_text(self.palette())}'>(double-click to open)</span>")
        recent_title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(recent_title)
        self.recent_list = QTreeWidget()
        self.recent_list.setObjectName("recentDatabases")
        self.recent_list.setColumnCount(2)
        self.recent_list.setHeaderLabels(["Database", "Where"])
        self.recent_list.setRootIsDecorated(False)
        self.recent_list.setUniformRowHeights(True)
        self.recent_list.setAlternatingRowColors(True)
        self.recent_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.recent_list.header().setStretchLastSection(True)
        self.recent_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.recent_list.customContextMenuRequested.connect(self._recent_menu)
        self.recent_list.currentItemChanged.connect(self._recent_selected)
        self.recent_list.itemActivated.connect(lambda item, _col: self.choose_recent(
            str(item.data(0, Qt.ItemDataRole.UserRole))))
        self.recent_list.setMinimumHeight(120)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.recent_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._forget_current)
        layout.addWidget(self.recent_list, 1)
        self._fill_recent()

        layout.addWidget(self.buttons)

        if self._current is not None:
            self._fill_form(self._current, password="")
        self.tabs.currentChanged.connect(lambda _i: self._form_changed())
        self.resize(620, 560)

    # ------------------------------------------------------------------ build
    def _build_local_tab(self) -> QWidget:
        tab = QWidget()
        form = QVBoxLayout(tab)
        hint = QLabel("One project file on this computer: nothing to set up. Share it by "
                      "sending the file; colleagues bring it in with File › Merge a "
                      "colleague's tags.")
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("databasePath")
        self.path_edit.setPlaceholderText("/path/to/project.sqlite")
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.textEdited.connect(lambda _t: self._form_changed())
        browse = QPushButton("Browse…")
        browse.setObjectName("browseDatabase")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        new = QPushButton("New…")
        new.setObjectName("newDatabase")
        new.setAutoDefault(False)
        new.clicked.connect(self._new_file_dialog)
        row = QHBoxLayout()
        row.addWidget(QLabel("Project file:"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(new)
        form.addWidget(hint)
        form.addLayout(row)
        form.addStretch(1)
        return tab

    def _build_server_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        hint = QLabel("A PostgreSQL database shared by the team: everyone sees each other's "
                      "tags as they are made. Ask whoever runs the server for these details.")
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        outer.addWidget(hint)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.host_edit = QLineEdit()
        self.host_edit.setObjectName("serverHost")
        self.host_edit.setPlaceholderText("e.g. db.newsroom.lan or 192.168.1.20")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("serverPort")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setGroupSeparatorShown(False)
        host_row = QHBoxLayout()
        host_row.addWidget(self.host_edit, 1)
        host_row.addWidget(QLabel("Port:"))
        host_row.addWidget(self.port_spin)
        self.database_edit = QLineEdit("annotator")
        self.database_edit.setObjectName("serverDatabase")
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("serverUser")
        self.user_edit.setPlaceholderText("your user name on the server")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("serverPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("not stored: asked again next time")
        for edit in (self.host_edit, self.database_edit, self.user_edit, self.password_edit):
            edit.textEdited.connect(lambda _t: self._form_changed())
        self.port_spin.valueChanged.connect(lambda _v: self._form_changed())
        form.addRow("Host:", host_row)
        form.addRow("Database:", self.database_edit)
        form.addRow("User:", self.user_edit)
        form.addRow("Password:", self.password_edit)
        outer.addLayout(form)
        outer.addStretch(1)
        return tab

    # ------------------------------------------------------------------ recent list
    def _fill_recent(self) -> None:
        self.recent_list.clear()
        style = self.style()
        for url in recent_databases(self.settings):
            loc = self._locate(url)
            if loc is None:
                continue
            item = QTreeWidgetItem([loc.name, loc.where])
            item.setData(0, Qt.ItemDataRole.UserRole, url)
            item.setToolTip(0, connection.redact(url))
            item.setToolTip(1, connection.redact(url))
            icon = (QStyle.StandardPixmap.SP_FileIcon if loc.is_file
                    else QStyle.StandardPixmap.SP_DriveNetIcon)
            item.setIcon(0, style.standardIcon(icon))
            self.recent_list.addTopLevelItem(item)

    def recent_urls(self) -> list[str]:
        """The URLs listed under *Recent databases*, top first."""
        items = (self.recent_list.topLevelItem(i)
                 for i in range(self.recent_list.topLevelItemCount()))
        return [str(item.data(0, Qt.ItemDataRole.UserRole)) for item in items
                if item is not None]

    def _recent_selected(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        loc = self._locate(str(current.data(0, Qt.ItemDataRole.UserRole)))
        if loc is not None:
            self._fill_form(loc, password="")

    def choose_recent(self, url: str) -> bool:
        """Open a recent database (double-click): a file at once; a server after a test.

        A server that needs a password the list does not have gets its form filled and
        the password field focused instead. Returns whether the dialog was accepted.
        """
        loc = self._locate(url)
        if loc is None:
            return False
        self._fill_form(loc, password="")
        if not loc.is_file:
            self.password_edit.setFocus()
        return self.try_accept()

    def _recent_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        item = self.recent_list.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.choose_recent(
            str(item.data(0, Qt.ItemDataRole.UserRole))))
        menu.addAction("Remove from list", self._forget_current)
        menu.popup(self.recent_list.viewport().mapToGlobal(pos))

    def _forget_current(self) -> None:
        item = self.recent_list.currentItem()
        if item is not None:
            forget_database(self.settings, str(item.data(0, Qt.ItemDataRole.UserRole)))
            self._fill_recent()

    # ------------------------------------------------------------------ form
    def _locate(self, url: str | None) -> Location | None:
        try:
            return connection.locate(url) if url else None
        except UserInputError:
            return None

    def _fill_form(self, loc: Location, *, password: str) -> None:
        if loc.is_file:
            self.tabs.setCurrentIndex(LOCAL_TAB)
            self.path_edit.setText(loc.path)
        else:
            self.tabs.setCurrentIndex(SERVER_TAB)
            self.host_edit.setText(loc.host)
            self.port_spin.setValue(loc.port or DEFAULT_PORT)
            self.database_edit.setText(loc.database)
            self.user_edit.setText(loc.user)
            self.password_edit.setText(password)
        self._form_changed()

    def set_local_path(self, path: str | Path) -> None:
        self.tabs.setCurrentIndex(LOCAL_TAB)
        self.path_edit.setText(str(path))
        self._form_changed()

    def set_server(self, host: str, port: int = DEFAULT_PORT, database: str = "annotator",
                   user: str = "", password: str = "") -> None:
        self.tabs.setCurrentIndex(SERVER_TAB)
        self.host_edit.setText(host)
        self.port_spin.setValue(int(port))
        self.database_edit.setText(database)
        self.user_edit.setText(user)
        self.password_edit.setText(password)
        self._form_changed()

    def _form_changed(self) -> None:
        """Any edit: the last test result and an upgrade confirmation no longer apply."""
        self._confirmed_upgrade = None
        self.open_button.setText("Open")
        self.status_frame.hide()

    def form_url(self) -> str:
        """The URL the form describes (password included); raises UserInputError."""
        if self.tabs.currentIndex() == LOCAL_TAB:
            path = self.path_edit.text().strip()
            if not path:
                raise UserInputError("choose a project file (Browse…), or make one (New…)")
            return connection.normalise(Path(path).expanduser())
        return connection.build_url("postgresql", self.host_edit.text(),
                                    self.port_spin.value(), self.database_edit.text(),
                                    self.user_edit.text(), self.password_edit.text())

    def _browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open project file", start, PROJECT_FILTER)
        if path:
            self._new_file = None
            self.set_local_path(path)
            self.test_connection()

    def _new_file_dialog(self) -> None:
        typed = self.path_edit.text().strip()
        folder = Path(typed).expanduser().parent if typed else Path.home()
        start = str(folder / "annotator.sqlite")
        path, _ = QFileDialog.getSaveFileName(
            self, "New project file", start, PROJECT_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.choose_new_file(path)

    def choose_new_file(self, path: str | Path) -> None:
        """Use ``path`` as a new project file (created when opened; an existing file is
        simply opened, never overwritten)."""
        chosen = Path(path).expanduser()
        if not chosen.suffix:
            chosen = chosen.with_suffix(".sqlite")
        self.set_local_path(chosen)
        self._new_file = str(chosen.resolve())
        self.test_connection()

    # ------------------------------------------------------------------ test / accept
    def test_connection(self) -> ConnectionInfo | None:
        """Test what the form describes and show the result; returns it (None if the form
        is incomplete, which is shown too)."""
        try:
            url = self.form_url()
        except UserInputError as exc:
            self._show("error", _sentence(str(exc)))
            return None
        loc = self._locate(url)
        if loc is not None and loc.is_file and not Path(loc.path).exists() \
                and self._new_file == str(Path(loc.path).resolve()):
            info = ConnectionInfo(True, "sqlite", loc.path, f"A new project file will be "
                                  f"created: {loc.path}", connection.SCHEMA_NEW)
        else:
            if loc is not None and not loc.is_file:
                self._show("info", f"Connecting to {html.escape(loc.where)}…", rich=True)
                self.status_label.repaint()
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                info = connection.test_connection(url, timeout=self.timeout)
            finally:
                QGuiApplication.restoreOverrideCursor()
        self.last_info = info
        state = "error" if not info.ok else "warn" if info.schema_status == SCHEMA_UPGRADE \
            else "ok"
        self._show(state, info.message, tooltip=info.detail)
        self.tested.emit(info)
        return info

    def try_accept(self) -> bool:
        """*Open*: accept if the database can be opened (see the module doc)."""
        info = self.test_connection()
        if info is None or not info.ok:
            if self.tabs.currentIndex() == SERVER_TAB and info is not None \
                    and "password" in info.message:
                self.password_edit.setFocus()
            return False
        url = self.form_url()
        if info.schema_status == SCHEMA_UPGRADE and self._confirmed_upgrade != url:
            self._confirmed_upgrade = url
            self.open_button.setText("Upgrade and open")
            self._show("warn", info.message + " Press “Upgrade and open” to go ahead.")
            return False
        self._url = url
        self.accept()
        return True

    def selected_url(self) -> str | None:
        """The chosen database's URL (with the password typed), once accepted."""
        return self._url

    def _show(self, state: str, message: str, *, tooltip: str = "", rich: bool = False) -> None:
        self.status_frame.show_message(state, message, tooltip=tooltip, rich=rich)

    def status_text(self) -> str:
        """The message shown under *Test connection* ("" when hidden)."""
        return self.status_label.text() if self.status_frame.isVisibleTo(self) else ""


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", "!", ")")) else ".")
