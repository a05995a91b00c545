"""Loading a SOR export: pick the reader for its format, normalise, build the registry.

:func:`load_sor` reads the three export formats Sundhedsdatastyrelsen publishes into one normalised
table (a pandas DataFrame indexed by SOR code, see :data:`medcomkit.sor.COLUMNS`):

* ``sor-csv`` — the legacy semicolon-separated ``sor.csv`` (``SOR-kode``, ``Parent-SOR-kode``,
  ``Enhedsnavn``, ``Enhedstype``, ``Lokationsnummer``, ``Nedarvningsstatus``, ``P_…``/``A_…`` address
  fields);
* ``sor2-csv`` — the SOR2 daily ``SorEntity`` CSV (``SorId``, ``SorType``, ``EntityName``,
  ``EntityTypeName``, ``HealthInstitutionSorId``, address prefixes ``PostalAddress…``/``VisitingAddress…``);
* ``sor-xml`` — the SOR XML export v2 (``InstitutionOwnerEntity`` → ``HealthInstitutionEntity`` →
  ``OrganizationalUnitEntity``), read as a stream so a full export does not have to fit in memory twice;

and medcomkit's own normalised CSV (``medcomkit``), in which the embedded demo registry is written.
The CSV dialects are read by :mod:`.csv_reader`, the XML export by :mod:`.xml_reader`; both give the raw
table that :mod:`.normalise` checks and completes.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from ..core.errors import ParseError, SourceError
from ..core.lang import Bilingual
from ..core.source import unreadable
from .codes import EMPTY, TOO_LARGE, UNKNOWN_FORMAT
from .csv_reader import HEADERS, decode, header_fields, parse_csv
from .normalise import normalise
from .registry import SorFormat, SorRegistry
from .xml_reader import parse_xml

__all__ = ["MAX_SOR_BYTES", "demo_registry", "load_sor"]

MAX_SOR_BYTES = 4 * 1024**3  # a full SOR export is a few hundred MB; refuse anything absurd


def load_sor(
    source: bytes | str | os.PathLike[str],
    *,
    format: SorFormat = "auto",
    strict: bool = True,
    max_bytes: int = MAX_SOR_BYTES,
) -> SorRegistry:
    """Load a SOR export (a path, or the bytes of one) into a :class:`SorRegistry`.

    ``format="auto"`` recognises the format from the first bytes and the header. With ``strict`` (the
    default) the first problems in the file — a malformed SOR code or location number, a duplicate, a
    parent that does not exist, a row with the wrong number of fields — raise :class:`ParseError` naming
    the line; with ``strict=False`` the registry is built from what can be read and
    :attr:`SorRegistry.problems` lists the rest. An unreadable path raises :class:`SourceError`.
    """
    name, head, data, path = _open(source, max_bytes)
    chosen = format if format != "auto" else _detect(head, name)
    if chosen == "sor-xml":
        raw = parse_xml(path if path is not None else data, name)
        has_types = False
    else:
        text = decode(data if data is not None else Path(str(path)).read_bytes())
        raw, has_types = parse_csv(text, chosen, name)
    table, problems = normalise(raw, name, strict=strict, has_message_types=has_types)
    return SorRegistry(table, source=name, has_message_types=has_types, problems=problems)


@cache
def demo_registry() -> SorRegistry:
    """The embedded demo registry (fictitious codes; see the module docstring). Loaded once."""
    data = resources.files("medcomkit").joinpath("data", "sor_demo.csv").read_bytes()
    raw, has_types = parse_csv(decode(data), "medcomkit", "sor_demo.csv")
    table, _ = normalise(raw, "sor_demo.csv", strict=True, has_message_types=has_types)
    return SorRegistry(table, source="sor_demo.csv", demo=True, has_message_types=has_types)


def _open(
    source: bytes | str | os.PathLike[str], max_bytes: int
) -> tuple[str, bytes, bytes | None, str | None]:
    """(name, first bytes, all bytes or None, path or None). XML is streamed from the path later."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return "<bytes>", data[:65536], data, None
    path = Path(source)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(str(path))
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as error:
        raise unreadable(path, error) from None
    if size > max_bytes:
        raise _too_large(size, max_bytes)
    return path.name, head, None, str(path)


def _too_large(size: int, limit: int) -> SourceError:
    return SourceError(
        TOO_LARGE,
        Bilingual(
            f"SOR-udtrækket fylder {size} byte, mere end grænsen på {limit} byte (max_bytes=).",
            f"The SOR export is {size} bytes, more than the limit of {limit} bytes (max_bytes=).",
        ),
    )


def _detect(head: bytes, name: str) -> SorFormat:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise ParseError(EMPTY, Bilingual(f"{name} er tom.", f"{name} is empty."), line=1)
    if body.startswith(b"<"):
        return "sor-xml"
    header = header_fields(decode(head))
    for fmt, required in HEADERS.items():
        if set(required) <= set(header):
            return fmt  # type: ignore[return-value]
    expected = "; ".join(f"{fmt}: {', '.join(cols)}" for fmt, cols in HEADERS.items())
    raise ParseError(
        UNKNOWN_FORMAT,
        Bilingual(
            f"{name} ligner ikke et SOR-udtræk: linje 1 skal være SOR XML eller en CSV-overskrift med "
            f"kolonnerne ({expected}).",
            f"{name} does not look like a SOR export: line 1 must be SOR XML or a CSV header with the "
            f"columns ({expected}).",
        ),
        line=1,
    )
