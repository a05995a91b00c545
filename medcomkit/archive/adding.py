"""Journalising many files at once: read on every core, written by one process in input order.

Reading a file, parsing it and describing it for the index (:func:`~.store.read_message`) is most
of an add, and needs nothing but the file; it runs in worker processes. The journal is SQLite,
one writer at a time, and what an add finds there (a duplicate, a resubmission) depends on every
add before it, so this process writes each message in input order (:meth:`~.store.Archive.add_read`).
The journal and the results are therefore the same for any number of processes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from ..core.errors import MedcomkitError, unexpected
from ..core.lang import Bilingual
from ..core.workers import Workers
from .store import Added, Archive, Direction, ReadMessage, read_message

__all__ = ["FileAdded", "add_files"]


class FileAdded(NamedTuple):
    """One input file: what was journalised of it, or why nothing was."""

    path: str
    added: list[Added]
    error: MedcomkitError | None


class _Failure(NamedTuple):
    """An error as plain data: medcomkit's exceptions do not pickle back from a worker as they are."""

    kind: type[MedcomkitError]
    code: str
    text: Bilingual

    def error(self) -> MedcomkitError:
        return self.kind(self.code, self.text)


def add_files(
    archive: Archive, paths: Sequence[str | Path], *, direction: Direction | str, jobs: int | None = None
) -> Iterator[FileAdded]:
    """Journalise every file, in the order of ``paths``, with up to ``jobs`` processes reading them
    (``None``: every core). Each file is tried, whatever happened to the ones before it; a file
    that cannot be journalised gives its error, never an exception."""
    names = [str(p) for p in paths]
    with Workers(archive.max_bytes, jobs=jobs, inputs=len(names)) as workers:
        for name, read in zip(names, workers.imap(_read, names), strict=True):
            if isinstance(read, _Failure):
                yield FileAdded(name, [], read.error())
                continue
            try:
                yield FileAdded(name, archive.add_read(read, direction=direction), None)
            except Exception as error:  # reported; the files after it are journalised all the same
                yield FileAdded(name, [], unexpected(error, name))


def _read(max_bytes: int, path: str) -> ReadMessage | _Failure:
    """One file read for the journal: a step on its own (see :mod:`medcomkit.core.workers`)."""
    try:
        return read_message(path, max_bytes=max_bytes)
    except Exception as error:  # each file is handled; a failure is reported, never a traceback
        known = unexpected(error, path)
        return _Failure(type(known), known.code, known.text)
