"""Undo commands: each holds an edit (data) and the inverse its application returned.

The QUndoStack only keeps history; applying edits is the service layer's job
(``annotate.apply_edit``), reached through the editing controller's callback. Each
article has its own stack (see ``Workbench``), so a command only ever runs while its
article is the one on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.services.annotate import Edit, UpdateAnnotation
from annotator.services.changes import Changes

NOTE_MERGE_ID = 0x4E07E

Apply = Callable[[Edit], "tuple[Changes, Edit] | None"]


class EditCommand(QUndoCommand):
    def __init__(self, edit: Edit, text: str, apply: Apply, *,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self._edit = edit
        self._inverse: Edit | None = None
        self._apply = apply
        self._merge_key = merge_key
        self.failed = False

    def redo(self) -> None:
        result = self._apply(self._edit)
        if result is None:
            self.failed = True
            self.setObsolete(True)
            return
        _changes, self._inverse = result

    def undo(self) -> None:
        if self._inverse is None:
            return
        result = self._apply(self._inverse)
        if result is None:
            self.setObsolete(True)
            return
        _changes, self._edit = result

    def id(self) -> int:  # noqa: A003 (Qt override)
        return NOTE_MERGE_ID if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        """Consecutive note edits of one annotation become one undo step."""
        if not isinstance(other, EditCommand) or other._merge_key != self._merge_key:
            return False
        if not isinstance(other._edit, UpdateAnnotation) or other.failed:
            return False
        self._edit = other._edit  # keep our original inverse
        return True
