"""The FHIR codec as the dispatcher sees it: a MedCom message Bundle in JSON or XML.

Sniffing looks at the first bytes (JSON) or the root element (XML) and imports nothing heavy;
fhir.resources is imported only when an input turns out to be FHIR.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..codecs import Codec, Probe, cannot_build, not_supported, unknown_kind
from ..core.errors import ParseError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import Issue
from ..core.xml import MAX_DOCUMENT_BYTES

if TYPE_CHECKING:
    from ..model.messages import Message

__all__ = [
    "CODEC",
    "EVENTS",
    "FHIR_NS",
    "fhir_kind",
    "json_document",
    "read_fhir_message",
    "read_resource",
    "xml_kind",
]

FHIR_NS = "http://hl7.org/fhir"
_PREFIX = f"{{{FHIR_NS}}}"
# MessageHeader.eventCoding.code -> the kind of message: the one table of MedCom's FHIR events.
EVENTS: dict[str, Kind] = {
    "care-communication-message": Kind.CARE_COMMUNICATION,
    "acknowledgement-message": Kind.ACKNOWLEDGEMENT,
}


def json_document(data: bytes) -> Any | None:
    """The JSON value in ``data`` when it is a JSON object, else ``None``."""
    if not data.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"{"):
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def fhir_kind(resource: Any) -> Kind:
    """CareCommunication or Acknowledgement for a MedCom message Bundle (JSON shape), else unknown."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Bundle":
        return Kind.UNKNOWN
    entries = resource.get("entry")
    if not isinstance(entries, list):
        return Kind.UNKNOWN
    for entry in entries:
        header = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(header, dict) and header.get("resourceType") == "MessageHeader":
            coding = header.get("eventCoding")
            code = coding.get("code") if isinstance(coding, dict) else None
            return EVENTS.get(code, Kind.UNKNOWN) if isinstance(code, str) else Kind.UNKNOWN
    return Kind.UNKNOWN


def xml_kind(root: etree._Element) -> Kind | None:
    """The kind of a FHIR XML document (unknown unless a MedCom message Bundle); ``None`` when the
    root is not in FHIR's namespace."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if not tag.startswith(_PREFIX):
        return None
    if tag == f"{_PREFIX}Bundle":
        for code in root.iterfind(f".//{_PREFIX}MessageHeader/{_PREFIX}eventCoding/{_PREFIX}code"):
            return EVENTS.get(code.get("value") or "", Kind.UNKNOWN)
    return Kind.UNKNOWN


def _is_json(probe: Probe) -> bool:
    return probe.head[:1] in (b"{", b"[")  # JSON, FHIR's other format, starts with an object or array


def _sniff(probe: Probe) -> Kind | None:
    if _is_json(probe):
        return Kind.UNKNOWN  # the event shows only on reading
    document = probe.document()
    return xml_kind(document.root) if document is not None else None


def _validate(probe: Probe) -> tuple[Kind, list[Issue]]:
    if _is_json(probe):
        from .validate import validate_fhir  # fhir.resources is imported only for FHIR input

        return validate_fhir(probe.data, max_bytes=probe.max_bytes)
    from .validate import validate_fhir_xml

    document = probe.document()
    assert document is not None  # sniffed as FHIR XML
    return validate_fhir_xml(document, probe.data)


def _read(probe: Probe) -> list[Message]:
    from .document import read_fhir, read_fhir_xml

    if _is_json(probe):
        return [read_resource(read_fhir(probe.data, max_bytes=probe.max_bytes).resource)]
    document = probe.document()
    if document is None:  # not sniffed: bytes that are neither FHIR JSON nor XML
        raise probe.error or unknown_kind()
    return [read_resource(read_fhir_xml(document, probe.data).resource)]


def _build(message: Message) -> bytes:
    from ..model.messages import CareMessage, Receipt
    from .acknowledgement import build_acknowledgement
    from .carecommunication import build_carecommunication

    if isinstance(message, CareMessage):
        return build_carecommunication(message)
    if isinstance(message, Receipt):
        return build_acknowledgement(message)
    raise cannot_build("FHIR", message)


# Structural faults the FHIR readers cannot read past: a value of the wrong JSON type (a number
# where a string belongs, an object where a list belongs), null for a value, a resource without a
# type, nesting too deep. They are refused here with the rule id and location validation gives.
_UNREADABLE = frozenset({"fhir.json-type", "fhir.resource-type", "fhir.too-deep"})
_NULL = Bilingual("null", "null")


def _refuse_wrong_types(resource: dict[str, object]) -> None:
    from ..core.rules import Rule
    from .structure import walk

    found: list[Issue] = []

    def add(check: Rule, location: str | None, node: object = None, **params: object) -> None:
        unreadable = check.id in _UNREADABLE or (check.id == "ele-1" and params.get("how") == _NULL)
        if unreadable and not found:
            params.setdefault("element", location or "?")
            found.append(check.issue(location, None, **params))

    walk(resource, add)
    if found:
        issue = found[0]
        where = f"{issue.location}: " if issue.location else ""
        text = issue.text
        raise ParseError(issue.rule, Bilingual(where + text.da, where + text.en))


def read_resource(resource: dict[str, object]) -> Message:
    """The neutral model of a MedCom FHIR message Bundle in its JSON form."""
    _refuse_wrong_types(resource)
    kind = fhir_kind(resource)
    if kind is Kind.CARE_COMMUNICATION:
        from .carecommunication import read_carecommunication

        return read_carecommunication(resource)
    if kind is Kind.ACKNOWLEDGEMENT:
        from .acknowledgement import read_acknowledgement

        return read_acknowledgement(resource)
    raise unknown_kind() if kind is Kind.UNKNOWN else not_supported(kind)


def read_fhir_message(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Message:
    """The neutral model of a MedCom FHIR message given as JSON or XML bytes (what
    :func:`medcomkit.parse` gives for FHIR input, for callers below the dispatcher)."""
    return _read(Probe(data, max_bytes=max_bytes, reading=True))[0]


CODEC = Codec(
    name="fhir",
    kinds=frozenset(EVENTS.values()),
    sniff=_sniff,
    validate=_validate,
    read=_read,
    build=_build,
)
