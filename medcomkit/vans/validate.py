"""Checking a VANSEnvelope: its structure, its Data, and what it says about the message inside.

The structure is described here as a small content model written from the VANSEnvelope 1.0.4
specification (element order, cardinality, value types), and checked by walking the tree. That
keeps every finding a rule with a Danish and English text and a precise location; the tests hold
the verdicts against the published schema. Two differences are deliberate: identifiers must be
hexadecimal UUIDs (the published pattern ``[aA-fF0-9]`` also lets through letters such as ``Z``),
and a date-time must have a year a computer calendar can hold (1–9999).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from ..codecs import ValidatePayload
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import Issue, Severity
from ..core.rules import Rule
from ..core.xml import MAX_DOCUMENT_BYTES, XmlDocument
from ..core.xmltree import element_path, line_of, local_name
from . import rules as r
from .model import (
    ENDPOINT_TYPES,
    FORMATS,
    MIME_TAG,
    RECEIPT_KINDS,
    VANS_NS,
    EndPoint,
    MetaInformation,
    VansEnvelope,
    VansReceipt,
)
from .payload import Family, PayloadInfo, describe_payload

__all__ = ["MEDCOM_MAX_BYTES", "Inspection", "inspect_envelope", "parse_date_time", "validate_envelope"]

MEDCOM_MAX_BYTES = 100 * 1000 * 1000  # MedCom: at most 100 MB per message, envelope included
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XSI_ATTRIBUTES = frozenset(
    f"{{{_XSI}}}{n}" for n in ("type", "nil", "schemaLocation", "noNamespaceSchemaLocation")
)
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_B64_ALPHABET = re.compile(r"[^A-Za-z0-9+/=]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATE_TIME = re.compile(
    r"(?P<year>-?[0-9]{4,})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):"
    r"(?P<second>[0-9]{2})(?P<fraction>\.[0-9]+)?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?"
)
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def q(name: str) -> str:
    return f"{{{VANS_NS}}}{name}"


def _collapse(text: str) -> str:
    """XML Schema's whitespace collapse: runs of space, tab, CR and LF become one space, trimmed."""
    return _XML_SPACE.sub(" ", text).strip(" ")


def _show(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def parse_date_time(text: str) -> datetime | None:
    """An ``xs:dateTime`` as a ``datetime`` (naive when it has no zone), or ``None`` if invalid."""
    match = _DATE_TIME.fullmatch(_collapse(text))
    if match is None:
        return None
    parts = match.groupdict()
    year = int(parts["year"])
    fraction = (parts["fraction"] or ".0")[1:7].ljust(6, "0")
    zone = parts["zone"]
    end_of_day = (parts["hour"], parts["minute"], parts["second"]) == ("24", "00", "00")
    if end_of_day and int(fraction) != 0:
        return None
    try:
        moment = datetime.fromisoformat(
            f"{year:04d}-{parts['month']}-{parts['day']}T{'00' if end_of_day else parts['hour']}:"
            f"{parts['minute']}:{parts['second']}.{fraction}{'+00:00' if zone == 'Z' else zone or ''}"
        )
    except ValueError:
        return None
    if zone and zone != "Z" and (int(zone[1:3]) > 14 or (int(zone[1:3]) == 14 and zone[4:] != "00")):
        return None
    if zone and int(zone[4:] if zone != "Z" else "0") > 59:
        return None
    return moment + timedelta(days=1) if end_of_day else moment


# --- the content model ------------------------------------------------------------------------------

_Problem = tuple[Rule, dict[str, Any]]
_Check = Callable[[str, str], "_Problem | None"]  # (element or attribute label, text) -> problem


def _length(minimum: int, maximum: int, *, collapse: bool = False) -> _Check:
    def check(what: str, text: str) -> _Problem | None:
        value = _collapse(text) if collapse else text
        if minimum <= len(value) <= maximum:
            return None
        return r.LENGTH, {"what": what, "length": len(value), "minimum": minimum, "maximum": maximum}

    return check


def _code(allowed: tuple[str, ...]) -> _Check:
    def check(what: str, text: str) -> _Problem | None:
        if text in allowed:
            return None
        return r.CODE, {"what": what, "value": _show(text), "allowed": ", ".join(allowed)}

    return check


def _uuid(what: str, text: str) -> _Problem | None:
    return None if _UUID.fullmatch(text) else (r.UUID, {"element": what, "value": _show(text)})


def _date_time(what: str, text: str) -> _Problem | None:
    return None if parse_date_time(text) else (r.DATE_TIME, {"element": what, "value": _show(text)})


_INT_TEXT = Bilingual("et heltal (xs:int)", "a whole number (xs:int)")
_POSITIVE_TEXT = Bilingual("et positivt heltal", "a positive whole number")
_BOOLEAN_TEXT = Bilingual("true, false, 1 eller 0", "true, false, 1 or 0")


def _int(what: str, text: str) -> _Problem | None:
    value = _collapse(text)
    if re.fullmatch(r"[+-]?[0-9]+", value) and _INT_MIN <= int(value) <= _INT_MAX:
        return None
    return r.NUMBER, {"element": what, "value": _show(text), "expected": _INT_TEXT}


def _positive(what: str, text: str) -> _Problem | None:
    value = _collapse(text)
    if re.fullmatch(r"\+?[0-9]+", value) and int(value) > 0:
        return None
    return r.NUMBER, {"element": what, "value": _show(text), "expected": _POSITIVE_TEXT}


def _boolean(what: str, text: str) -> _Problem | None:
    if _collapse(text) in ("true", "false", "1", "0"):
        return None
    return r.NUMBER, {"element": what, "value": _show(text), "expected": _BOOLEAN_TEXT}


def _base64(text: str) -> tuple[bytes | None, Bilingual | None]:
    """The decoded bytes of ``xs:base64Binary`` text, or what is wrong with it."""
    cleaned = _XML_SPACE.sub("", text)
    bad = _B64_ALPHABET.search(cleaned)
    if bad:
        char = repr(bad.group())
        return None, Bilingual(
            f"tegnet {char} på plads {bad.start() + 1} hører ikke til base64-alfabetet",
            f"the character {char} at position {bad.start() + 1} is not in the base64 alphabet",
        )
    if len(cleaned) % 4:
        return None, Bilingual(
            f"længden {len(cleaned)} er ikke et multiplum af 4 (afkortet?)",
            f"the length {len(cleaned)} is not a multiple of 4 (truncated?)",
        )
    padding = len(cleaned) - len(cleaned.rstrip("="))
    last = cleaned[-1 - padding] if cleaned else ""
    stray = (padding == 1 and last not in "AEIMQUYcgkosw048") or (padding == 2 and last not in "AQgw")
    if "=" in cleaned.rstrip("=") or padding > 2 or stray:
        return None, Bilingual("forkert afslutning med '='", "wrong '=' padding at the end")
    try:
        return binascii.a2b_base64(cleaned, strict_mode=True), None
    except binascii.Error as error:  # pragma: no cover - the checks above catch what strict mode does
        return None, Bilingual(str(error), str(error))


@dataclass(frozen=True, slots=True)
class _Attr:
    name: str
    check: _Check


@dataclass(frozen=True, slots=True)
class _Element:
    """An element declaration: a sequence of particles, or text checked by ``check``."""

    name: str
    content: tuple[_Element | _Choice, ...] | _Check | None  # None: base64 data
    minimum: int = 1
    maximum: int = 1
    attributes: tuple[_Attr, ...] = ()

    def accepts(self, child: etree._Element) -> bool:
        return child.tag == q(self.name)

    def declaration(self, child: etree._Element) -> _Element:
        return self

    def names(self) -> list[str]:
        return [f"<{self.name}>"]


@dataclass(frozen=True, slots=True)
class _Choice:
    options: tuple[_Element, ...]
    minimum: int = 1
    maximum: int = 1

    def accepts(self, child: etree._Element) -> bool:
        return any(option.accepts(child) for option in self.options)

    def declaration(self, child: etree._Element) -> _Element:
        return next(option for option in self.options if option.accepts(child))

    def names(self) -> list[str]:
        return [f"<{option.name}>" for option in self.options]


def _endpoint(name: str) -> _Element:
    return _Element(
        name, _length(1, 18, collapse=True), attributes=(_Attr("EndPointType", _code(ENDPOINT_TYPES)),)
    )


def _meta(name: str, minimum: int = 1) -> _Element:
    text = _length(1, 255)
    return _Element(
        name,
        (
            _Element("Identifier", _uuid),
            _Element(
                "Processing", (_Element("ProviderIdentifier", text), _Element("ServiceIdentifier", text)), 0
            ),
            _Element(
                "Document",
                (
                    _Element("Format", _code(FORMATS)),
                    _Element("Name", text),
                    _Element("Version", text, 0),
                    _Element("SizeInBytes", _int),
                ),
            ),
            _Element(
                "Transport",
                (
                    _Element("Type", _code(("reliable", "unreliable")), 0),
                    _Element("TransformMessage", _boolean),
                    _Element("ServiceTag", _length(1, 70), 0, 5, (_Attr("name", _length(1, 70)),)),
                ),
                0,
            ),
        ),
        minimum,
    )


_ERROR = _Element("Error", (_Element("Code", _positive, 0), _Element("Description", _length(1, 512))))
_ORIGINAL_ID = _Element("OriginalEnvelopeIdentifier", _uuid)
ENVELOPE = _Element(
    "VANSEnvelope",
    (
        _endpoint("SenderID"),
        _endpoint("ReceiverID"),
        _Element("EnvelopeIdentifier", _uuid),
        _Element("SentDateTime", _date_time),
        _Choice(
            (
                _Element("Message", (_meta("MetaInformation"), _Element("Data", None))),
                _Element(
                    "Receipt",
                    (
                        _Choice(
                            (
                                _Element("NegativeVans", (_ERROR, _ORIGINAL_ID, _meta("OriginalMessage", 0))),
                                _Element("NegativeMessage", (_ERROR, _ORIGINAL_ID, _meta("OriginalMessage"))),
                                _Element("PositiveMessage", (_ORIGINAL_ID, _meta("OriginalMessage"))),
                            )
                        ),
                    ),
                ),
            )
        ),
    ),
)


def _either(names: list[str]) -> Bilingual:
    if not names:
        return Bilingual("intet (ikke flere elementer)", "nothing (no more elements)")
    head, last = names[:-1], names[-1]
    if not head:
        return Bilingual(last, last)
    return Bilingual(f"{', '.join(head)} eller {last}", f"{', '.join(head)} or {last}")


def _own_text(element: etree._Element) -> str:
    """The element's character content: its text and the tails of its comments and PIs."""
    parts = [element.text or ""]
    parts.extend(child.tail or "" for child in element if not isinstance(child.tag, str))
    return "".join(parts)


class _Walker:
    """Walks an envelope against :data:`ENVELOPE`, collecting issues and the decoded Data."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.failed: set[etree._Element] = set()
        self.data: bytes | None = None

    def add(self, rule: Rule, node: etree._Element, /, **params: Any) -> None:
        self.failed.add(node)
        self.issues.append(rule.issue(element_path(node), line_of(node), **params))

    def element(self, element: etree._Element, declaration: _Element) -> None:
        self._attributes(element, declaration)
        content = declaration.content
        if isinstance(content, tuple):
            self._children(element, declaration, content)
            return
        children = [child for child in element if isinstance(child.tag, str)]
        for child in children:
            self.add(
                r.ELEMENT_UNEXPECTED,
                child,
                element=local_name(child),
                parent=declaration.name,
                expected=Bilingual("tekst", "text"),
            )
        if children:
            return
        text = _own_text(element)
        if content is None:
            self.data, problem = _base64(text)
            if problem is not None:
                self.add(r.DATA_BASE64, element, detail=problem)
            return
        found = content(f"<{declaration.name}>", text)
        if found is not None:
            self.add(found[0], element, **found[1])

    def _attributes(self, element: etree._Element, declaration: _Element) -> None:
        allowed = {a.name: a for a in declaration.attributes}
        for key, value in element.attrib.items():
            name = key.decode() if isinstance(key, bytes) else key
            attribute = allowed.get(name)
            if attribute is not None:
                found = attribute.check(f"{declaration.name}/@{name}", str(value))
                if found is not None:
                    self.add(found[0], element, **found[1])
            elif name not in _XSI_ATTRIBUTES:
                self.add(r.ATTRIBUTE_UNEXPECTED, element, attribute=str(name), element=declaration.name)
        for name in allowed:
            if name not in element.attrib:
                self.add(r.ATTRIBUTE_MISSING, element, attribute=name, element=declaration.name)

    def _children(
        self, element: etree._Element, declaration: _Element, particles: tuple[_Element | _Choice, ...]
    ) -> None:
        text = _own_text(element) + "".join(c.tail or "" for c in element if isinstance(c.tag, str))
        if text.strip(" \t\r\n"):
            self.add(r.TEXT_NOT_ALLOWED, element, element=declaration.name, text=_show(_collapse(text)))
        children = [child for child in element if isinstance(child.tag, str)]
        index = 0
        open_from = 0  # the first particle that may still take another child
        for position, particle in enumerate(particles):
            later = particles[position + 1 :]
            count = 0
            while index < len(children):
                child = children[index]
                if count < particle.maximum and particle.accepts(child):
                    self.element(child, particle.declaration(child))
                    count += 1
                elif count < particle.minimum and not any(p.accepts(child) for p in later):
                    self.add(
                        r.ELEMENT_UNEXPECTED,
                        child,
                        element=local_name(child),
                        parent=declaration.name,
                        expected=_either(particle.names()),
                    )
                else:
                    break
                index += 1
            if count < particle.minimum:
                self.add(
                    r.ELEMENT_MISSING, element, parent=declaration.name, expected=_either(particle.names())
                )
            if count:
                open_from = position if count < particle.maximum else position + 1
        allowed = [name for particle in particles[open_from:] for name in particle.names()]
        for child in children[index:]:
            self.add(
                r.ELEMENT_UNEXPECTED,
                child,
                element=local_name(child),
                parent=declaration.name,
                expected=_either(allowed),
            )


# --- reading what the walk accepted -------------------------------------------------------------------


def _text(parent: etree._Element | None, *path: str) -> str | None:
    node = parent
    for step in path:
        node = node.find(q(step)) if node is not None else None
    return _own_text(node) if node is not None else None


def _endpoint_of(element: etree._Element | None) -> EndPoint:
    if element is None:
        return EndPoint("", "")
    return EndPoint(_collapse(_own_text(element)), element.get("EndPointType", ""))


def _read_meta(element: etree._Element | None) -> MetaInformation | None:
    if element is None:
        return None
    transport = element.find(q("Transport"))
    transform = _text(transport, "TransformMessage")
    return MetaInformation(
        identifier=_text(element, "Identifier") or "",
        format=_text(element, "Document", "Format") or "",
        name=_text(element, "Document", "Name") or "",
        size=int(_collapse(_text(element, "Document", "SizeInBytes") or "0")),
        version=_text(element, "Document", "Version"),
        transport_type=_text(transport, "Type"),
        transform=None if transform is None else _collapse(transform) in ("true", "1"),
        service_tags=tuple(
            (tag.get("name", ""), _own_text(tag))
            for tag in (transport if transport is not None else ())
            if tag.tag == q("ServiceTag")
        ),
        provider=_text(element, "Processing", "ProviderIdentifier"),
        service=_text(element, "Processing", "ServiceIdentifier"),
    )


def _read(root: etree._Element, data: bytes | None) -> VansEnvelope:
    """The envelope as data; call only for an envelope that passed the walk without errors."""
    message = root.find(q("Message"))
    receipt = None
    holder = root.find(q("Receipt"))
    if holder is not None:
        kind = next(child for child in holder if isinstance(child.tag, str))
        code = _text(kind, "Error", "Code")
        receipt = VansReceipt(
            kind=local_name(kind),
            original_envelope_id=_text(kind, "OriginalEnvelopeIdentifier") or "",
            original=_read_meta(kind.find(q("OriginalMessage"))),
            error_code=int(_collapse(code)) if code is not None else None,
            error_text=_text(kind, "Error", "Description"),
        )
    sent = parse_date_time(_text(root, "SentDateTime") or "")
    assert sent is not None  # the walk accepted it
    return VansEnvelope(
        sender=_endpoint_of(root.find(q("SenderID"))),
        receiver=_endpoint_of(root.find(q("ReceiverID"))),
        envelope_id=_text(root, "EnvelopeIdentifier") or "",
        sent=sent,
        meta=_read_meta(message.find(q("MetaInformation"))) if message is not None else None,
        payload=data if message is not None else None,
        receipt=receipt,
    )


@dataclass(frozen=True, slots=True)
class Inspection:
    """The envelope-level findings, the envelope (when free of errors) and the decoded Data."""

    issues: list[Issue]
    envelope: VansEnvelope | None
    payload: bytes | None


def inspect_envelope(root: etree._Element) -> Inspection:
    """Check an envelope's structure and Data (not its payload); never raises on bad input."""
    walker = _Walker()
    if root.tag != q("VANSEnvelope"):
        namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
        shown = Bilingual(f" i {namespace}", f" in {namespace}") if namespace else ""
        walker.add(r.NOT_ENVELOPE, root, root=local_name(root), namespace=shown)
        return Inspection(walker.issues, None, None)
    walker.element(root, ENVELOPE)
    issues = walker.issues
    data = walker.data
    size = root.find(f"{q('Message')}/{q('MetaInformation')}/{q('Document')}/{q('SizeInBytes')}")
    if data is not None and size is not None and size not in walker.failed:
        declared = int(_collapse(_own_text(size)))
        if declared != len(data):
            issues.append(
                r.SIZE_MISMATCH.issue(element_path(size), line_of(size), declared=declared, actual=len(data))
            )
    if data is not None and len(data) > MEDCOM_MAX_BYTES:
        issues.append(r.PAYLOAD_TOO_LARGE.issue(None, None, size=len(data)))
    valid = not any(issue.severity is Severity.ERROR for issue in issues)
    return Inspection(issues, _read(root, data) if valid else None, data)


# --- validation: the envelope, its description of the payload, and the payload ----------------------


def validate_envelope(
    document: XmlDocument,
    data: bytes,
    *,
    validate_payload: ValidatePayload,
    xsd_dir: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> tuple[Kind, list[Issue]]:
    """Validate a VANSEnvelope and the message in it: envelope issues first, then the payload's.

    ``validate_payload`` validates the message inside (any kind): the dispatcher passes its own
    validation, so this codec never imports the dispatcher.
    """
    root = document.root
    inspection = inspect_envelope(root)
    issues = list(inspection.issues)
    holder = root.find(q("Receipt"))
    if holder is not None:
        kind = next((c for c in holder if isinstance(c.tag, str)), None)
        if kind is not None and local_name(kind) in RECEIPT_KINDS:
            original = _text(kind, "OriginalEnvelopeIdentifier") or "?"
            issues.append(
                r.RECEIPT.issue(
                    element_path(kind),
                    line_of(kind),
                    receipt=local_name(kind),
                    original=_show(_collapse(original)),
                )
            )
    payload = inspection.payload
    if payload is None:
        return Kind.VANS_ENVELOPE, issues
    info = describe_payload(payload)
    meta = root.find(f"{q('Message')}/{q('MetaInformation')}")
    issues.extend(_description_issues(root, meta, info))
    declared_format = _text(meta, "Document", "Format")
    if info.family is Family.OTHER and declared_format not in ("XML", "HL7", "EDIFACT"):
        issues.append(
            r.PAYLOAD_NOT_VALIDATED.issue(None, None, format=declared_format or "?", size=len(payload))
        )
        return Kind.VANS_ENVELOPE, issues
    report = validate_payload(payload, xsd_dir, max(max_bytes, len(payload)))
    what = info.what if report.kind is Kind.UNKNOWN or info.kind is not Kind.UNKNOWN else report.kind.value
    issues.append(r.PAYLOAD.issue(None, None, what=what, size=len(payload)))
    issues.extend(
        issue._replace(location=f"/VANSEnvelope/Message/Data → {issue.location or '/'}")
        for issue in report.issues
    )
    return Kind.VANS_ENVELOPE, issues


def _description_issues(root: etree._Element, meta: etree._Element | None, info: PayloadInfo) -> list[Issue]:
    """Does the envelope describe its payload truly: MIME, Format, Name, Version, parties."""
    issues: list[Issue] = []
    document = meta.find(q("Document")) if meta is not None else None
    transport = meta.find(q("Transport")) if meta is not None else None
    tags = [t for t in (transport if transport is not None else ()) if t.tag == q("ServiceTag")]
    mime_tag = next((t for t in tags if t.get("name") == MIME_TAG), None)
    if mime_tag is not None:
        declared = _own_text(mime_tag)
        syntax = _mime_syntax(declared)
        if syntax is not None and syntax != info.syntax:
            right = info.mime or {"xml": "application/xml", "json": "application/json"}.get(info.syntax, "—")
            issues.append(
                r.MIME_MISMATCH.issue(
                    element_path(mime_tag),
                    line_of(mime_tag),
                    declared=_show(declared),
                    actual=info.what,
                    expected=right,
                )
            )
    elif info.family is Family.FHIR and info.mime:
        where = transport if transport is not None else meta
        issues.append(
            r.MIME_MISSING.issue(
                element_path(where) if where is not None else None,
                line_of(where) if where is not None else None,
                expected=info.mime,
            )
        )
    if info.family is Family.OTHER or document is None:
        return issues
    described: tuple[tuple[str, str | None, Rule], ...] = (
        ("Format", info.format, r.FORMAT_MISMATCH),
        ("Name", info.name, r.NAME_MISMATCH),
        ("Version", info.version, r.VERSION_MISMATCH),
    )
    for field, expected, rule in described:
        element = document.find(q(field))
        written = _own_text(element) if element is not None else None
        if expected is not None and written != expected:
            target = element if element is not None else document
            issues.append(
                rule.issue(
                    element_path(target),
                    line_of(target),
                    declared=_show(written or "—"),
                    actual=info.what,
                    expected=expected,
                )
            )
    parties: tuple[tuple[str, str | None, Bilingual], ...] = (
        ("SenderID", info.sender, Bilingual("afsender", "sender")),
        ("ReceiverID", info.receiver, Bilingual("modtager", "receiver")),
    )
    for field, expected, party in parties:
        element = root.find(q(field))
        if element is None or expected is None or element.get("EndPointType") != "EAN":
            continue
        given = _collapse(_own_text(element))
        if given != expected:
            issues.append(
                r.ENDPOINT_MISMATCH.issue(
                    element_path(element),
                    line_of(element),
                    element=field,
                    declared=_show(given),
                    party=party,
                    expected=expected,
                )
            )
    return issues


def _mime_syntax(mime: str) -> str | None:
    """``json`` or ``xml`` for MIME types of those syntaxes; ``None`` for types not judged here."""
    base = mime.split(";")[0].strip().lower()
    if base in ("application/json", "text/json") or base.endswith("+json"):
        return "json"
    if base in ("application/xml", "text/xml") or base.endswith("+xml"):
        return "xml"
    if base == "application/edifact":
        return "edifact"
    if base in ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff"):
        return "binary"
    return None
