"""One table of codecs drives ``parse``, ``parse_all``, ``validate``, ``validate_bytes`` and
``validate_many``.

Every input goes the same way: a :class:`~medcomkit.codecs.Probe` is made of its bytes, the codecs
of :data:`CODECS` are asked in table order whether it is theirs (``sniff``), and the first that
says yes reads or validates it. Nothing here knows a wire format: the order of detection is the
order of the table, and what the CLI does for many files (processes, input order, checks across
files such as XDIS91/XBIN01 pairing) is driven by what each codec declares.

The table is in order of how common and how cheap: OIOXML first (most inputs; validating an
XDIS91 then imports no other codec), FHIR, VANS, EDIFACT. A row is the dotted name of a module
with a ``CODEC`` attribute, imported when the row is first asked, or a :class:`Codec` itself.

What a new codec must provide (``medcomkit/<codec>/codec.py`` and one row in :data:`CODECS`):

1. ``CODEC = Codec(name, kinds, sniff, validate, read, build, pairing)`` (see
   :class:`medcomkit.codecs.Codec`), importing only what sniffing needs at module level.
2. ``sniff(probe)``: cheap, never raises: the :class:`~medcomkit.core.kinds.Kind` when the input is
   the codec's (``Kind.UNKNOWN`` when the kind shows only on reading), else ``None``. Byte formats
   look at ``probe.head``; XML formats at ``probe.document().root`` (parsed once for all).
3. ``validate(probe)``: ``(kind, issues)``, never raising on bad input; rules registered with
   :func:`medcomkit.core.rules.rule` so the catalogue (:func:`medcomkit.rules`) lists them. A codec
   whose messages carry other messages validates them with ``probe.validate_payload``.
4. ``read(probe)``: the messages as neutral model objects, raising :class:`~medcomkit.ParseError`
   only when the bytes cannot be understood (``None``: the codec does not read).
5. ``build(message)``: bytes, where the codec writes messages (``None``: it does not).
6. ``pairing``: optional checks across files (:class:`medcomkit.codecs.CrossFileCheck`).
7. Its message kinds as members of :class:`medcomkit.core.kinds.Kind` (reports name them).

A test (``tests/test_dispatch.py``) registers a toy codec by adding one row to a copy of the
table and shows ``parse``, ``validate`` and ``validate_many`` route to it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .codecs import Codec, Probe, not_supported, unknown_kind, unknown_root
from .core.errors import MedcomkitError, ParseError, SourceError
from .core.kinds import Kind
from .core.lang import Bilingual
from .core.report import ISSUES_OMITTED, OMITTED_TEXT, IssueType, Report, Severity
from .core.rules import issue_for_error, rule
from .core.source import Source, read_source
from .core.workers import Workers, default_jobs
from .core.xml import MAX_DOCUMENT_BYTES, TOO_LARGE

if TYPE_CHECKING:
    from .model.messages import Message

__all__ = [
    "CODECS",
    "codecs",
    "default_jobs",
    "parse",
    "parse_all",
    "sniff",
    "validate",
    "validate_bytes",
    "validate_many",
]

# The codec table: detection order is table order. Adding a codec is adding a row.
CODECS: tuple[str | Codec, ...] = (
    "medcomkit.oioxml.codec",
    "medcomkit.fhir.codec",
    "medcomkit.vans.codec",
    "medcomkit.edifact.codec",
)

# Made by the report itself (see medcomkit.report.MAX_ISSUES); registered here for the catalogue.
rule(ISSUES_OMITTED, Severity.INFORMATION, OMITTED_TEXT.da, OMITTED_TEXT.en, IssueType.TOO_COSTLY)

_loaded: dict[str, Codec] = {}


def _load(row: str | Codec) -> Codec:
    if isinstance(row, Codec):
        return row
    codec = _loaded.get(row)
    if codec is None:
        codec = _loaded[row] = importlib.import_module(row).CODEC
    return codec


def codecs() -> list[Codec]:
    """Every codec of the table, in detection order (imports them all)."""
    return [_load(row) for row in CODECS]


def _claim(probe: Probe) -> tuple[Codec, Kind] | None:
    """The first codec of the table that recognises the input, and the kind it saw."""
    found = _claim_row(probe)
    return (_load(CODECS[found[0]]), found[1]) if found is not None else None


def _claim_row(probe: Probe) -> tuple[int, Kind] | None:
    """The position in the table of the first codec that recognises the input, and the kind."""
    for position, row in enumerate(CODECS):
        kind = _load(row).sniff(probe)
        if kind is not None:
            return position, kind
    return None


def sniff(data: bytes) -> Kind:
    """The kind of message ``data`` is, as far as detection tells without reading it in full."""
    claimed = _claim(Probe(data))
    return claimed[1] if claimed is not None else Kind.UNKNOWN


# --- parsing ------------------------------------------------------------------------------------------


def parse_all(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Message]:
    """Every message in ``source`` (an OIOXML Emessage or EDIFACT interchange may carry several).

    Parsing is forgiving where meaning is clear (UTF-8 bytes under an ISO-8859-1 declaration are
    read as UTF-8; ``<br/>`` is read as a line break) and raises :class:`ParseError` only when
    the input cannot be understood. Use :func:`medcomkit.validate` to learn what is wrong.
    """
    data, _ = read_source(source, max_bytes=max_bytes)
    probe = Probe(data, max_bytes=max_bytes, reading=True)
    claimed = _claim(probe)
    if claimed is None:
        if probe.document() is None and probe.error is not None:
            raise probe.error  # not XML, nor any other syntax a codec knows
        raise unknown_kind()
    codec, kind = claimed
    if codec.read is None:
        raise not_supported(kind)
    return codec.read(probe)


def parse(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Message:
    """The one message in ``source``; raises :class:`ParseError` if there are several."""
    messages = parse_all(source, max_bytes=max_bytes)
    if len(messages) != 1:
        raise ParseError(
            "parse.several-messages",
            Bilingual(
                f"Inputtet indeholder {len(messages)} meddelelser; brug medcomkit.parse_all.",
                f"The input holds {len(messages)} messages; use medcomkit.parse_all.",
            ),
        )
    return messages[0]


# --- validation ---------------------------------------------------------------------------------------


def _validated(
    data: bytes, path: str | None, xsd_dir: str | Path | None, max_bytes: int
) -> tuple[Report, int | None, Probe]:
    """The report, and the table row and probe that made it (for checks across files)."""
    probe = Probe(data, max_bytes=max_bytes, xsd_dir=xsd_dir, validate_payload=_validate_payload)
    if len(data) > max_bytes:
        error = SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=len(data), limit=max_bytes))
        return Report(Kind.UNKNOWN, (issue_for_error(error),), path), None, probe
    claimed = _claim_row(probe)
    if claimed is None:
        document = probe.document()
        if document is None:
            assert probe.error is not None
            return Report(Kind.UNKNOWN, (issue_for_error(probe.error),), path), None, probe
        return Report(Kind.UNKNOWN, (unknown_root(document.root),), path), None, probe
    kind, issues = _load(CODECS[claimed[0]]).validate(probe)
    return Report(kind, tuple(issues), path), claimed[0], probe


def _validate_payload(data: bytes, xsd_dir: str | Path | None, max_bytes: int) -> Report:
    return validate_bytes(data, xsd_dir=xsd_dir, max_bytes=max_bytes)


def validate_bytes(
    data: bytes,
    *,
    path: str | None = None,
    xsd_dir: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Report:
    """Validate one message given as bytes (see :func:`validate`)."""
    return _validated(data, path, xsd_dir, max_bytes)[0]


def validate(
    source: Source,
    *,
    xsd_dir: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Report:
    """Validate a message and say precisely what is wrong with it.

    ``source`` is bytes, or a path as ``str`` or :class:`~pathlib.Path`. The kind of message is
    detected. ``xsd_dir`` validates structure against a directory of official MedCom XSDs
    instead of the project's own schema files. Bad input never raises: it yields a report with
    errors. Only a path that cannot be read raises :class:`~medcomkit.SourceError`.
    """
    try:
        data, path = read_source(source, max_bytes=max_bytes)
    except SourceError as error:
        if error.code != TOO_LARGE.id:
            raise
        name = None if isinstance(source, bytes | bytearray | memoryview) else str(source)
        return Report(Kind.UNKNOWN, (issue_for_error(error),), name)
    return validate_bytes(data, path=path, xsd_dir=xsd_dir, max_bytes=max_bytes)


# --- many inputs: every core, input order, checks across files --------------------------------------


class _Outcome(NamedTuple):
    """What a worker sends back (errors as plain data: exceptions do not cross processes well)."""

    report: Report | None
    error: tuple[str, Bilingual] | None
    row: int | None  # the position in the table of the codec that validated the input
    facts: Any  # what the codec keeps for its checks across files


def _check(source: Source, xsd_dir: str | Path | None, max_bytes: int, pairing: bool) -> _Outcome:
    from .core.errors import unexpected

    try:
        return _checked(source, xsd_dir, max_bytes, pairing)
    except Exception as error:  # each input is handled; a failure is reported, never a traceback
        known = unexpected(error, _name(source))
        return _Outcome(None, (known.code, known.text), None, None)


def _checked(source: Source, xsd_dir: str | Path | None, max_bytes: int, pairing: bool) -> _Outcome:
    name: str | None = "-"
    if isinstance(source, str) and source == "-":  # standard input, read no further than the bound
        data = sys.stdin.buffer.read(max_bytes + 1)  # validation reports it if too large
    else:
        try:
            data, name = read_source(source, max_bytes=max_bytes)
        except SourceError:
            try:  # validate() turns a file that is too large into a report; other errors it raises
                return _Outcome(validate(source, xsd_dir=xsd_dir, max_bytes=max_bytes), None, None, None)
            except SourceError as again:
                return _Outcome(None, (again.code, again.text), None, None)
    report, row, probe = _validated(data, name, xsd_dir, max_bytes)
    if row is None:
        return _Outcome(report, None, None, None)
    links = _load(CODECS[row]).pairing
    facts = links.facts(probe, report) if pairing and links is not None else None
    return _Outcome(report, None, row, facts)


def _name(source: Source) -> str | None:
    return None if isinstance(source, bytes | bytearray | memoryview) else str(source)


def _check_step(settings: tuple[str | Path | None, int, bool], source: Source) -> _Outcome:
    """One source validated: a step for :class:`~medcomkit.core.workers.Workers`."""
    xsd_dir, max_bytes, pairing = settings
    return _check(source, xsd_dir, max_bytes, pairing)


def validate_many(
    sources: Iterable[Source],
    *,
    xsd_dir: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    jobs: int | None = None,
    pairing: bool = True,
    on_error: Callable[[str | None, MedcomkitError], None] | None = None,
) -> list[Report]:
    """Validate every source, as ``medcomkit validate`` does for many files; reports in input order.

    Up to ``jobs`` processes share the work (default: every core), one per four sources at most;
    with one job, or a handful of sources, everything runs in this process. The reports do not
    depend on ``jobs``. With ``pairing`` the sources are also checked against each other where a
    codec has such checks (an XDIS91 and the XBIN01 with its attachments: shared ObjectIdentifiers
    found through a dictionary, so the time grows with the number of sources, not its square;
    each message is read from the tree its validation parsed).

    A source that cannot be read (missing, a folder) raises its :class:`~medcomkit.SourceError`
    once every source has been handled; with ``on_error`` it is passed there instead, with the
    source's name, in input order, and left out of the reports. ``"-"`` is standard input.
    """
    items = list(sources)
    stdin = any(isinstance(s, str) and s == "-" for s in items)  # read by this process only
    # A letter and its attachments are two files: a single file has nothing to be paired with.
    settings = (xsd_dir, max_bytes, pairing and len(items) > 1)
    with Workers(settings, jobs=1 if stdin else jobs, inputs=len(items)) as workers:
        outcomes = workers.map(_check_step, items)
    read = [o for o in outcomes if o.report is not None]
    reports = [o.report for o in read if o.report is not None]
    for row in sorted({o.row for o in read if o.facts is not None and o.row is not None}):
        links = _load(CODECS[row]).pairing  # checks across files, codec by codec, in table order
        if links is not None:
            reports = links.link(reports, [o.facts if o.row == row else None for o in read])
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome.error is not None:
            error = _error(*outcome.error)
            if on_error is None:
                raise error
            on_error(_name(item), error)
    return reports


def _error(code: str, text: Bilingual) -> MedcomkitError:
    """A worker's error again as an exception, of the class its exit status depends on."""
    return MedcomkitError(code, text) if code.startswith("internal.") else SourceError(code, text)
