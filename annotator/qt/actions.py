"""Every menu command and shortcut, registered in one place.

Controllers register their commands here (name, text, slot, shortcut, menu, scope);
the registry puts each into its menu and is the one list F1 reads, so the help can
never forget a shortcut. A command's *scope* says where its shortcut is live:

* ``"window"`` — anywhere in the window (Ctrl+O, F5 …);
* ``"article"`` — only while the article text or the annotation table has keyboard
  focus (digits, S, Delete, N, P, A/B/E/R …), so in a combo box, spin box or text field
  the same key does what that widget does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

Scope = Literal["window", "article"]
Keys = str | QKeySequence | QKeySequence.StandardKey | Sequence[str | QKeySequence]

MENU_ORDER = ("&File", "&Edit", "&Review", "&Tag", "&View", "&Help")


@dataclass
class Command:
    action: QAction
    menu: str
    section: int
    scope: Scope
    help: str


class ActionRegistry(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.commands: dict[str, Command] = {}
        self._menus: dict[str, QMenu] = {}
        self._article_widgets: list[QWidget] = []
        for title in MENU_ORDER:
            self.menu(title)

    def menu(self, path: str) -> QMenu:
        """The menu at ``path`` ("&File" or "&File/Export current article as")."""
        if path not in self._menus:
            if "/" in path:
                parent, title = path.rsplit("/", 1)
                self._menus[path] = self.menu(parent).addMenu(title)
            else:
                self._menus[path] = self.window.menuBar().addMenu(path)
        return self._menus[path]

    def add(self, name: str, text: str, slot: Callable[[], object], keys: Keys | None = None, *,
            menu: str = "", section: int = 0, scope: Scope = "window", help: str = "",
            icon: QIcon | None = None) -> QAction:
        """Create, register and (if ``menu``) show a command; returns its QAction."""
        if name in self.commands:
            self.remove(name)
        action = QAction(text, self.window)
        if icon is not None:
            action.setIcon(icon)
        action.setObjectName(name)
        if keys is not None:
            if isinstance(keys, (list, tuple)):
                action.setShortcuts([QKeySequence(k) for k in keys])
            else:
                action.setShortcut(QKeySequence(keys))  # type: ignore[arg-type]
        action.triggered.connect(lambda _checked=False: slot())
        self.adopt(action, menu=menu, section=section, scope=scope, help=help)
        return action

    def adopt(self, action: QAction, *, menu: str = "", section: int = 0,
              scope: Scope = "window", help: str = "") -> QAction:
        """Register an action made elsewhere (the undo group's Undo/Redo)."""
        name = action.objectName()
        self.commands[name] = Command(action, menu, section, scope, help)
        if scope == "article":
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            for widget in self._article_widgets:
                widget.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)
        if menu:
            self._rebuild(menu)
        return action

    def remove(self, name: str) -> None:
        command = self.commands.pop(name, None)
        if command is None:
            return
        for widget in [self.window, *self._article_widgets]:
            widget.removeAction(command.action)
        if command.menu:
            self._rebuild(command.menu)
        command.action.deleteLater()

    def action(self, name: str) -> QAction:
        return self.commands[name].action

    def add_article_widget(self, widget: QWidget) -> None:
        """Make article-scoped shortcuts live while ``widget`` has focus."""
        if widget in self._article_widgets:
            return
        self._article_widgets.append(widget)
        for command in self.commands.values():
            if command.scope == "article":
                widget.addAction(command.action)

    def in_menu(self, menu: str) -> list[QAction]:
        """The actions of ``menu`` in the order the menu shows them (by section)."""
        commands = sorted((c for c in self.commands.values() if c.menu == menu),
                          key=lambda c: c.section)
        return [c.action for c in commands]

    def _rebuild(self, path: str) -> None:
        menu = self.menu(path)
        submenus = [m.menuAction() for p, m in self._menus.items()
                    if p.rsplit("/", 1)[0] == path and "/" in p]
        for action in menu.actions():
            if action not in submenus:
                menu.removeAction(action)
        commands = sorted((c for c in self.commands.values() if c.menu == path),
                          key=lambda c: c.section)
        last = None
        for command in commands:
            if last is not None and command.section != last:
                menu.addSeparator()
            menu.addAction(command.action)
            last = command.section
        for sub in submenus:  # submenus at the end of their section
            menu.removeAction(sub)
            menu.addAction(sub)

    def shortcut_table(self) -> list[tuple[str, str, str]]:
        """``(keys, what, where)`` for every command with a shortcut, menu order."""
        rows = []
        order = {title: i for i, title in enumerate(MENU_ORDER)}
        commands = sorted(self.commands.values(),
                          key=lambda c: (order.get(c.menu.split("/")[0], 99), c.section))
        for command in commands:
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText)
                    for k in command.action.shortcuts() if not k.isEmpty()]
            if not keys:
                continue
            text = command.help or command.action.text().replace("&", "").rstrip("…")
            where = command.menu.replace("&", "").replace("/", " › ") or "keyboard"
            if command.scope == "article":
                where += " · article or table focused"
            rows.append((" / ".join(keys), text, where))
        return rows
