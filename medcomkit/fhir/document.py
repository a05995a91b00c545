"""Reading and writing FHIR resources: bytes (JSON or XML) ⇄ the JSON form as a ``dict``.

``read_fhir`` raises :class:`~medcomkit.ParseError` only when the bytes are not a FHIR resource at
all (not JSON or XML, no ``resourceType``, an unknown root); everything else about the content is
for validation to judge. XML always goes through medcomkit's safe parser first. ``write_fhir``
writes what ``read_fhir`` reads, so JSON → XML → JSON gives the same ``dict``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..core.errors import BuildError, ParseError, SourceError
from ..core.lang import Bilingual
from ..core.report import Issue
from ..core.xml import (
    ENCODING_MISMATCH,
    MAX_DOCUMENT_BYTES,
    TOO_LARGE,
    XmlDocument,
    parse_xml,
    repair_mojibake,
)
from . import rules as r

__all__ = ["FhirDocument", "FhirFormat", "read_fhir", "read_fhir_xml", "sniff_format", "write_fhir"]

FhirFormat = Literal["json", "xml"]


@dataclass(frozen=True, slots=True)
class FhirDocument:
    """A FHIR resource in its JSON form, the format it came in, and what reading it noticed."""

    resource: dict[str, Any]
    format: FhirFormat
    size: int = 0
    # XML only: the source line of each JSON object, keyed by ``id()`` (the objects live in ``resource``).
    lines: Mapping[int, int] = field(default_factory=dict)
    # Problems reading could step over (XML that breaks FHIR's XML rules, duplicate JSON keys).
    issues: tuple[Issue, ...] = ()

    def line(self, node: object) -> int | None:
        return self.lines.get(id(node)) if self.lines else None


def sniff_format(data: bytes) -> FhirFormat:
    """``xml`` when the bytes start like XML (after a BOM and whitespace), else ``json``."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if head.startswith((b"<", b"\xfe\xff", b"\xff\xfe")) else "json"


def read_fhir(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> FhirDocument:
    """The FHIR resource in ``data`` (JSON or XML) as its JSON form.

    Raises :class:`ParseError` (with a rule id as ``code``) when the bytes are not a FHIR resource,
    and :class:`SourceError` when they exceed ``max_bytes``.
    """
    if len(data) > max_bytes:
        raise SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=len(data), limit=max_bytes))
    if sniff_format(data) == "xml":
        return _read_xml(data, max_bytes)
    return _read_json(data)


def _read_xml(data: bytes, max_bytes: int) -> FhirDocument:
    return read_fhir_xml(parse_xml(data, max_bytes=max_bytes), data)


def read_fhir_xml(document: XmlDocument, data: bytes) -> FhirDocument:
    """A FHIR resource from XML parsed by :func:`medcomkit.core.xml.parse_xml` (``data``: its bytes)."""
    from ._xmlcodec import xml_to_json  # the codec needs the R4B type definitions

    try:
        source: str | None = data.decode(document.encoding)
    except (LookupError, UnicodeDecodeError):
        source = None  # narratives are then written as lxml serialises them
    resource, lines, issues = xml_to_json(document.root, source)
    if document.mojibake:  # UTF-8 bytes under a Latin-1 declaration: Danish letters arrive garbled
        sample = document.mojibake
        issues.insert(
            0,
            ENCODING_MISMATCH.issue(
                None, declared=document.encoding.upper(), sample=sample, repaired=repair_mojibake(sample)
            ),
        )
    return FhirDocument(resource, "xml", len(data), lines, tuple(issues))


class _Duplicates:
    """A JSON object hook that remembers keys given twice (``json`` would silently keep the last)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(pairs)
        if len(data) != len(pairs):
            seen: set[str] = set()
            self.keys.extend(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_json(data: bytes) -> FhirDocument:
    duplicates = _Duplicates()
    try:
        resource = json.loads(
            data.removeprefix(b"\xef\xbb\xbf"), object_pairs_hook=duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        text = r.JSON_SYNTAX.text.format(detail=error.msg, line=error.lineno, column=error.colno)
        raise ParseError(r.JSON_SYNTAX.id, text, line=error.lineno) from None
    except UnicodeDecodeError as error:
        detail = f"byte {error.start} is not UTF-8 ({error.reason})"
        raise ParseError(
            r.JSON_SYNTAX.id, r.JSON_SYNTAX.text.format(detail=detail, line="?", column="?")
        ) from None
    except ValueError as error:
        raise ParseError(
            r.JSON_SYNTAX.id, r.JSON_SYNTAX.text.format(detail=str(error), line="?", column="?")
        ) from None
    except RecursionError:
        from ._xmlcodec import MAX_DEPTH

        raise ParseError(r.TOO_DEEP.id, r.TOO_DEEP.text.format(limit=MAX_DEPTH)) from None
    if not isinstance(resource, dict):
        kind = type(resource).__name__
        names = {"list": ("et JSON-array", "a JSON array"), "str": ("en JSON-streng", "a JSON string")}
        da, en = names.get(kind, ("en JSON-værdi", "a JSON value"))
        reason = Bilingual(f"det er {da}, ikke et objekt", f"it is {en}, not an object")
        raise ParseError(r.NOT_A_RESOURCE.id, r.NOT_A_RESOURCE.text.format(what="JSON", reason=reason))
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        reason = Bilingual('objektet har intet "resourceType"', 'the object has no "resourceType"')
        raise ParseError(r.NOT_A_RESOURCE.id, r.NOT_A_RESOURCE.text.format(what="JSON", reason=reason))
    from ._resources import is_resource_type

    if not is_resource_type(resource_type):
        reason = Bilingual(
            f"resourceType '{resource_type[:60]}' er ikke en FHIR R4-ressourcetype",
            f"resourceType '{resource_type[:60]}' is not a FHIR R4 resource type",
        )
        raise ParseError(r.NOT_A_RESOURCE.id, r.NOT_A_RESOURCE.text.format(what="JSON", reason=reason))
    issues = tuple(r.JSON_DUPLICATE_KEY.issue(None, key=key) for key in dict.fromkeys(duplicates.keys))
    return FhirDocument(resource, "json", len(data), {}, issues)


def write_fhir(resource: Mapping[str, Any], fmt: FhirFormat, *, pretty: bool = True) -> bytes:
    """The bytes of ``resource`` (JSON form) as FHIR JSON (UTF-8) or FHIR XML (UTF-8, with declaration).

    Raises :class:`BuildError` when the dict cannot be written in that format (an element the
    resource type does not have, a narrative that is not XHTML, a value JSON cannot hold).
    """
    if fmt == "xml":
        from ._xmlcodec import json_to_xml

        return json_to_xml(resource, pretty=pretty)
    if fmt != "json":
        raise ValueError(f"unknown FHIR format {fmt!r}; expected 'json' or 'xml'")
    try:
        text = json.dumps(resource, ensure_ascii=False, indent=2 if pretty else None, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise BuildError(
            "fhir.json-build",
            Bilingual(
                f"Kan ikke skrive ressourcen som JSON: {error}", f"Cannot write the resource as JSON: {error}"
            ),
        ) from None
    return text.encode("utf-8")
