"""Validating many files at once: on every core, with the results in input order.

Each file is read once. A worker validates it and, for an XDIS91 or XBIN01, keeps what pairing
the two needs (without the attachment bytes); the pairing itself runs afterwards over all files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .core.errors import MedcomkitError, SourceError
from .core.kinds import Kind
from .core.lang import Bilingual
from .core.report import Report
from .core.source import read_source
from .core.xml import MAX_DOCUMENT_BYTES
from .validation import validate, validate_bytes

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from .model.messages import AttachmentMessage, CareMessage

__all__ = ["FileResult", "default_jobs", "validate_files"]

_PAIRED = (Kind.XDIS91, Kind.XBIN01)
_FILES_PER_WORKER = 4


class FileResult(NamedTuple):
    """One input file (``-``: standard input): its report, or why it could not be read."""

    path: str
    report: Report | None
    error: MedcomkitError | None  # a SourceError when the path could not be read


class _Outcome(NamedTuple):
    """What a worker sends back (errors as plain data: exceptions do not cross processes well)."""

    report: Report | None
    error: tuple[str, Bilingual] | None
    facts: CareMessage | AttachmentMessage | None


def default_jobs() -> int:
    """The cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def _check(path: str, xsd_dir: Path | None, max_bytes: int, pairing: bool) -> _Outcome:
    from ._exit import unexpected

    try:
        return _checked(path, xsd_dir, max_bytes, pairing)
    except Exception as error:  # each input is handled; a failure is reported, never a traceback
        known = unexpected(error, path)
        return _Outcome(None, (known.code, known.text), None)


def _checked(path: str, xsd_dir: Path | None, max_bytes: int, pairing: bool) -> _Outcome:
    name: str | None = "-"
    if path == "-":  # standard input, read no further than one byte past the bound
        data = sys.stdin.buffer.read(max_bytes + 1)  # validate_bytes reports it if too large
    else:
        try:
            data, name = read_source(path, max_bytes=max_bytes)
        except SourceError:
            try:  # validate() turns a file that is too large into a report; other errors it raises
                return _Outcome(validate(path, xsd_dir=xsd_dir, max_bytes=max_bytes), None, None)
            except SourceError as again:
                return _Outcome(None, (again.code, again.text), None)
    report = validate_bytes(data, path=name, xsd_dir=xsd_dir, max_bytes=max_bytes)
    facts = None
    if pairing and report.kind in _PAIRED:
        from .oioxml.link import link_facts

        facts = link_facts(data)
    return _Outcome(report, None, facts)


def _context() -> BaseContext:
    # Forking starts a worker without importing medcomkit again; elsewhere the platform default.
    import multiprocessing
    import platform

    linux = platform.system() == "Linux"
    return multiprocessing.get_context("fork" if linux else None)


def validate_files(
    paths: Sequence[str | Path],
    *,
    xsd_dir: Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    jobs: int | None = None,
) -> list[FileResult]:
    """Validate every file and pair XDIS91s with their XBIN01s; results in the order of ``paths``.

    Up to ``jobs`` processes share the work (default: every core), one per four files at most;
    with one job, or a handful of files, everything runs in this process. The results do not
    depend on ``jobs``.
    """
    names = [str(p) for p in paths]
    # A process is worth starting for a few files at least; fewer are quicker checked here.
    workers = min(jobs or default_jobs(), max(1, len(names) // _FILES_PER_WORKER))
    if "-" in names:  # standard input is read by this process
        workers = 1
    # A letter and its attachments are two files: a single file has nothing to be paired with.
    check = partial(_check, xsd_dir=xsd_dir, max_bytes=max_bytes, pairing=len(names) > 1)
    if workers <= 1:
        outcomes = [check(name) for name in names]
    else:
        from concurrent.futures import ProcessPoolExecutor  # only now: it takes a while to import

        chunk = max(1, len(names) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            outcomes = list(pool.map(check, names, chunksize=chunk))
    results = [
        FileResult(name, o.report, _error(*o.error) if o.error else None)
        for name, o in zip(names, outcomes, strict=True)
    ]
    read = [(r.report, o.facts) for r, o in zip(results, outcomes, strict=True) if r.report is not None]
    if any(facts is not None for _, facts in read):
        from .oioxml.link import link_reports

        linked = iter(link_reports([report for report, _ in read], [facts for _, facts in read]))
        results = [r._replace(report=next(linked)) if r.report is not None else r for r in results]
    return results


def _error(code: str, text: Bilingual) -> MedcomkitError:
    """A worker's error again as an exception, of the class its exit status depends on."""
    return MedcomkitError(code, text) if code.startswith("internal.") else SourceError(code, text)
