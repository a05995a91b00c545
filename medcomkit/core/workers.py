"""Running independent steps of a batch on every core, with the results in input order.

A batch command (``convert``, ``archive add``) splits its work into steps that depend on nothing
but their input (read, validate, parse, convert one message) and steps that must run one after
another in this process (writing the state file or the journal). :class:`Workers` runs the first
kind: in worker processes when there are enough inputs to pay for starting them, else here. The
results come back in the order of the tasks, so what the command prints and writes does not
depend on how many processes did the work.

What every step needs besides its task (e.g. a SOR lookup, which may be a closure) is given once
as ``shared``: a forked worker inherits it, so it is never pickled. Where processes are not forked
(Windows, macOS), ``shared`` must pickle; if it does not, the steps run in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["FILES_PER_WORKER", "Workers", "default_jobs", "perform"]

FILES_PER_WORKER = 4  # a process is worth starting for a few inputs at least

_S = TypeVar("_S")
_T = TypeVar("_T")
_R = TypeVar("_R")

_shared: Any = None  # in a worker: what the parent gave every step


def default_jobs() -> int:
    """The cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def perform(step: Callable[[_S, _T], _R], shared: _S, task: _T) -> _R:
    """Run one step: the one place every step runs, in this process or in a worker."""
    return step(shared, task)


def _start(shared: object) -> None:
    global _shared
    _shared = shared


def _in_worker(step: Callable[[Any, _T], _R], task: _T) -> _R:
    return perform(step, _shared, task)


class Workers(Generic[_S]):
    """Maps steps over tasks, in order, with up to ``jobs`` processes (``None``: every core).

    ``inputs`` is how many inputs the batch has: one process per :data:`FILES_PER_WORKER` inputs
    at most, so a handful of files is handled here without starting any.
    """

    def __init__(self, shared: _S, *, jobs: int | None, inputs: int) -> None:
        self.shared = shared
        self.processes = min(jobs or default_jobs(), max(1, inputs // FILES_PER_WORKER))
        self._pool: ProcessPoolExecutor | None = None
        if self.processes > 1 and not _forking() and not _pickles(shared):
            self.processes = 1

    def map(self, step: Callable[[_S, _T], _R], tasks: Sequence[_T]) -> list[_R]:
        """``step(shared, task)`` for each task, in the order of ``tasks``. ``step`` must be a
        module-level function (it is sent to the workers by name)."""
        return list(self.imap(step, tasks))

    def imap(self, step: Callable[[_S, _T], _R], tasks: Sequence[_T]) -> Iterator[_R]:
        """As :meth:`map`, but each result as soon as it and those before it are done, so the
        caller can write one while the workers go on with the next."""
        if self.processes <= 1 or len(tasks) <= 1:
            return (perform(step, self.shared, task) for task in tasks)
        if self._pool is None:
            self._pool = self._open()
        chunk = max(1, len(tasks) // (self.processes * 8))
        return self._pool.map(_in_worker, [step] * len(tasks), tasks, chunksize=chunk)

    def _open(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # only now: it takes a while to import

        context = multiprocessing.get_context("fork" if _forking() else None)
        return ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_start, initargs=(self.shared,)
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Workers[_S]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _forking() -> bool:
    """Linux forks workers: they start without importing medcomkit again and inherit ``shared``."""
    import platform

    return platform.system() == "Linux"


def _pickles(shared: object) -> bool:
    import pickle

    try:
        pickle.dumps(shared)
    except Exception:  # a closure, a lock, an open file: it cannot go to a spawned worker
        return False
    return True
