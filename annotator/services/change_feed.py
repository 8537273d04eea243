"""Which of an article's annotations changed since we last looked: the audit trail
read as a change log, so a refresh costs the number of changes, not the article size.

Every stored change (tag, edit, delete, import, merge, review) appends an
``annotation_event`` row in the same transaction, with an increasing id. A refresh
asks for the article's events after a cursor, then re-reads just those annotations
by primary key; one that is gone was deleted.

Ids are handed out when a row is inserted, not when its transaction commits. On
SQLite writers are serialised, so commit order is id order and the cursor can jump
to the newest id seen. On a server a slow transaction may commit an *older* id after
a newer one was read; so there the cursor only advances past ids that have been
visible for :data:`SETTLE_SECONDS` (far longer than any of the app's transactions),
and events seen in the meantime are remembered so they are not fetched twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

SETTLE_SECONDS = 30.0


@dataclass
class ChangeCursor:
    """A position in the audit trail, safe against out-of-order commits.

    ``settle`` is 0 for SQLite (commit order is id order) and
    :data:`SETTLE_SECONDS` for a server.
    """

    position: int
    settle: float = 0.0
    clock: Callable[[], float] = time.monotonic
    _recent: dict[int, float] = field(default_factory=dict)
    """Event ids newer than ``position`` already handled, with when they were first seen."""

    def new_events(self, events: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Of the events after ``position``, those not handled yet; remember them.

        Then advance ``position`` past every id that has been visible for ``settle``
        seconds (all of them at once when ``settle`` is 0).
        """
        now = self.clock()
        fresh = [(eid, aid) for eid, aid in events if eid not in self._recent]
        for eid, _ in fresh:
            self._recent[eid] = now
        if self.settle <= 0:
            if self._recent:
                self.position = max(self.position, max(self._recent))
            self._recent.clear()
        else:
            settled = [eid for eid, seen in self._recent.items() if now - seen >= self.settle]
            if settled:
                # Any id below a settled one that is still invisible belongs to a
                # transaction open for longer than ``settle``: assumed impossible.
                self.position = max(self.position, max(settled))
                self._recent = {e: t for e, t in self._recent.items() if e > self.position}
        return fresh
