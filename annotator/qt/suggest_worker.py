"""Run the suggestion engine off the UI thread, one job at a time, newest wins.

The engine (``services.suggestions.run_engine``) is pure Python over a snapshot of the
article text — no database, no Qt — so it can run in a worker thread while the window
keeps painting and answering keys; a 1 MB article takes about half a second. Each job
carries a *token*; :meth:`SuggestWorker.submit` makes the new token the wanted one, so
a job still queued or running for an article the analyst has left stops at the next
sentence batch (``SuggestionCancelled``) and a result that arrives late is still
recognisable as stale by its token. Results are delivered as a queued signal, i.e. on
the UI thread; deciding whether they still apply is the receiver's business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal

from annotator.domain.suggest import AttributionSuggestion, SuggestionCancelled
from annotator.services.suggestions import run_engine

Engine = Callable[..., list[AttributionSuggestion]]


@dataclass(frozen=True)
class SuggestJob:
    """What the worker was asked: the snapshot a result belongs to."""

    token: int
    article_id: int
    text: str
    outlet: str


@dataclass(frozen=True)
class SuggestResult:
    job: SuggestJob
    suggestions: list[AttributionSuggestion] | None
    """``None`` when the run failed (``error``) or was cancelled."""
    error: str = ""
    cancelled: bool = False


class SuggestWorker(QObject):
    """A one-thread pool for engine runs; ``finished`` arrives on the UI thread."""

    finished = Signal(object)
    """A :class:`SuggestResult` (every job ends with exactly one, cancelled or not)."""

    def __init__(self, parent: QObject | None = None, engine: Engine = run_engine) -> None:
        super().__init__(parent)
        self.engine = engine
        """The pure engine call (tests may wrap it to hold a run at a known point)."""
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.wanted = 0
        """The token of the only job whose result anyone still wants (0: none)."""
        self._tokens = 0

    def submit(self, article_id: int, text: str, outlet: str = "") -> int:
        """Queue a run over ``text`` (an immutable snapshot); returns its token."""
        self._tokens += 1
        job = SuggestJob(self._tokens, article_id, text, outlet)
        self.wanted = job.token
        self.pool.start(lambda: self._run(job))
        return job.token

    def cancel(self) -> None:
        """No result is wanted any more: a running job stops at its next check."""
        self.wanted = 0

    def wait(self, ms: int = 5000) -> bool:
        """Cancel and wait for the thread to go idle (the window is closing)."""
        self.cancel()
        return self.pool.waitForDone(ms)

    @property
    def busy(self) -> bool:
        return self.pool.activeThreadCount() > 0

    def _run(self, job: SuggestJob) -> None:  # in the worker thread
        def stale() -> bool:
            return self.wanted != job.token

        if stale():
            result = SuggestResult(job, None, cancelled=True)
        else:
            try:
                result = SuggestResult(job, self.engine(job.text, outlet=job.outlet,
                                                        cancelled=stale))
            except SuggestionCancelled:
                result = SuggestResult(job, None, cancelled=True)
            except Exception as exc:  # noqa: BLE001 — reported on the UI thread
                result = SuggestResult(job, None, error=f"{type(exc).__name__}: {exc}")
        try:
            self.finished.emit(result)
        except RuntimeError:  # the window (and this object) went away meanwhile
            pass
