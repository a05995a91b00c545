"""Telling what kind of message some bytes are, before (or without) reading them in full."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from .core.kinds import Kind
from .oioxml.namespaces import KIND_BY_LETTER

__all__ = ["FHIR_NS", "VANS_NS", "fhir_kind", "is_edifact", "json_document", "xml_kind"]

FHIR_NS = "http://hl7.org/fhir"
VANS_NS = "urn:oio:medcom:vans-envelope:1.0.4"
_FHIR_EVENTS = {
    "care-communication-message": Kind.CARE_COMMUNICATION,
    "acknowledgement-message": Kind.ACKNOWLEDGEMENT,
}


def is_edifact(data: bytes) -> bool:
    """True when the bytes start as an EDIFACT interchange does: UNA or UNB, after blank lines or a
    byte-order mark (XML and JSON never do)."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:3] in (b"UNA", b"UNB")


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
            return _FHIR_EVENTS.get(code, Kind.UNKNOWN) if isinstance(code, str) else Kind.UNKNOWN
    return Kind.UNKNOWN


def xml_kind(root: etree._Element) -> Kind:
    """The kind of a parsed XML document, judged from its root and (for OIOXML) first letter."""
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if name == "Emessage":
        for child in root:
            if isinstance(child.tag, str):
                local = child.tag.rpartition("}")[2]
                if local not in ("Envelope", "Local_Elements"):
                    return KIND_BY_LETTER.get(local, Kind.UNKNOWN)
        return Kind.UNKNOWN
    if namespace == VANS_NS and name == "VANSEnvelope":
        return Kind.VANS_ENVELOPE
    if namespace == FHIR_NS and name == "Bundle":
        for code in root.iterfind(
            f".//{{{FHIR_NS}}}MessageHeader/{{{FHIR_NS}}}eventCoding/{{{FHIR_NS}}}code"
        ):
            return _FHIR_EVENTS.get(code.get("value") or "", Kind.UNKNOWN)
    return Kind.UNKNOWN
