"""What a payload is, in the terms a VANSEnvelope describes it by.

MedCom's rules for the envelope metadata (``Format``, ``Name``, ``Version``, service tag
``MCM:MIME``):

- FHIR messages: Format ``HL7``; Name ``MCM:FDIS91#<category>`` for a CareCommunication and
  ``MCM:FCTL#<response code>`` for an Acknowledgement (MedCom's statistical codes); Version
  ``5.0`` and ``2.0.0``; ``MCM:MIME`` is ``application/fhir+json`` or ``application/fhir+xml``.
- OIOXML letters: Format ``XML``, Name ``MCM:<type>`` and Version = the letter's VersionCode, as in
  MedCom's VANSEnvelope example (an XDIS22). MedCom has published no values for XDIS91, XBIN01,
  XREF01 or XCTL, so ``MCM:XDIS91`` … ``MCM:XCTL03`` are an inference from that example. OIOXML
  has no MIME tag in MedCom's material, so none is given.
- EDIFACT interchanges (DIS91, REF01, BIN01, CTL01–03): Format ``EDIFACT`` (one of the five values
  the VANSEnvelope 1.0.4 schema allows in ``Document/Format``), Name ``MCM:<type>`` and Version =
  the message version in UNH (``D9134L``, ``H0130R``, ``B0131X``, ``C0n30Q``), by the same analogy
  as for OIOXML; sender, receiver, send time and ids come from UNB and UNH. MedCom's note on network
  envelopes describes the VANSEnvelope as the carrier of XML and other non-EDIFACT messages, since an
  interchange has its own envelope (UNB … UNZ): wrapping one is what the schema allows, for a
  system that sends everything in VANSEnvelopes, not MedCom's documented practice. The payload
  travels as base64, so its ISO-8859-1 (UNOC) bytes come back unchanged. No MIME tag.

The VANS identifiers are UUIDs. A FHIR message's Bundle.id and MessageHeader.id are used as they
are when they are UUIDs (they play the same roles: new for every sending, and the message's own
id). OIOXML ids are short serials, so medcomkit derives a stable UUID from the sender's location
number and the id (``<lokationsnummer>#<id>``, as MedCom refers to OIOXML letters from FHIR).
Sending the same letter again in a new Emessage then gives a new envelope id but the same message
id — what reliable messaging expects of a resend.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from lxml import etree

from ..core.errors import MedcomkitError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.xml import parse_xml
from ..core.xmltree import local_name, parse_datetime
from ..edifact.codec import is_edifact
from ..edifact.common import nearest_century
from ..fhir.codec import FHIR_NS, fhir_kind, json_document, xml_kind
from ..model.messages import AttachmentMessage, CareMessage, Receipt, ReceiptKind, Referral
from ..oioxml.namespaces import KIND_BY_LETTER
from .model import VANS_NS

__all__ = [
    "ACKNOWLEDGEMENT_VERSION",
    "CARECOMMUNICATION_VERSION",
    "MIME_FHIR_JSON",
    "MIME_FHIR_XML",
    "STATISTICAL_CODES",
    "Family",
    "PayloadInfo",
    "describe_payload",
    "vans_uuid",
]

MIME_FHIR_JSON: Final = "application/fhir+json"
MIME_FHIR_XML: Final = "application/fhir+xml"
CARECOMMUNICATION_VERSION: Final = "5.0"
ACKNOWLEDGEMENT_VERSION: Final = "2.0.0"

# MedCom's CodeSystem medcom-messaging-statisticalCodes (2.0.0): the FHIR Names VANS counts by.
_FDIS91 = (
    "outpatient", "decease", "carecoordination", "assistive-devices", "medicine",
    "psychiatry-social-disability", "healthcare", "nursing", "telemedicine", "training", "discharge",
    "regarding-referral", "assessment", "home-care-assessment", "examination-results",
    "alcohol-and-drug-treatment", "acute-ambulant", "extended-care-responsibility", "other",
)  # fmt: skip
_FDIS20 = ("AcuteAmbulant", "AdmissionInpatient", "OnLeave", "EndOfLeave", "EndHospitalStay")
_FCTL = ("ok", "transient-error", "fatal-error")
STATISTICAL_CODES: Final = frozenset(
    [f"MCM:FDIS91#{code}" for code in _FDIS91]
    + [f"MCM:FDIS20#{code}" for code in _FDIS20]
    + [f"MCM:FCTL#{code}" for code in _FCTL]
)
_RESPONSE_CODE = {
    ReceiptKind.POSITIVE: "ok",
    ReceiptKind.TRANSIENT: "transient-error",
    ReceiptKind.NEGATIVE: "fatal-error",
    ReceiptKind.VANS_NEGATIVE: "fatal-error",
}
_FHIR_VERSION = {
    Kind.CARE_COMMUNICATION: CARECOMMUNICATION_VERSION,
    Kind.ACKNOWLEDGEMENT: ACKNOWLEDGEMENT_VERSION,
}

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ID_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:medcomkit:vans-envelope")


class Family(StrEnum):
    OIOXML = "oioxml"
    FHIR = "fhir"
    EDIFACT = "edifact"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PayloadInfo:
    """What the envelope should say about a payload; ``None`` where the payload does not tell.

    ``envelope_id`` and ``message_id`` are the VANS identifiers (UUIDs) medcomkit gives it;
    ``syntax`` is ``json``, ``xml``, ``edifact`` or ``binary``.
    """

    family: Family
    kind: Kind
    what: Bilingual
    format: str
    syntax: str
    name: str | None = None
    version: str | None = None
    mime: str | None = None
    sender: str | None = None
    receiver: str | None = None
    envelope_id: str | None = None
    message_id: str | None = None
    sent: datetime | None = None


def vans_uuid(identifier: str | None, sender: str | None) -> str | None:
    """``identifier`` when it is a UUID, else a UUID derived from it and the sender's location number."""
    if not identifier:
        return None
    if _UUID.fullmatch(identifier):
        return identifier
    return str(uuid.uuid5(_ID_NAMESPACE, f"{sender or ''}#{identifier}"))


def describe_payload(payload: bytes) -> PayloadInfo:
    """Recognise a payload (OIOXML, FHIR JSON or XML, anything else); never raises on bad input."""
    if is_edifact(payload):
        return _edifact(payload)
    head = payload[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        resource = json_document(payload)
        if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
            return _fhir(payload, fhir_kind(resource), "json")
        return _other(Bilingual("JSON, som ikke er FHIR", "JSON that is not FHIR"), "Other", "json")
    if head.startswith((b"<", b"\xfe\xff", b"\xff\xfe")):
        try:
            root = parse_xml(payload, max_bytes=max(len(payload), 1)).root
        except MedcomkitError:
            return _other(Bilingual("data, som ikke er velformet XML", "data that is not well-formed XML"))
        tag = root.tag if isinstance(root.tag, str) else ""
        if tag.startswith(f"{{{FHIR_NS}}}"):
            return _fhir(payload, xml_kind(root) or Kind.UNKNOWN, "xml")
        if local_name(root) == "Emessage":
            return _oioxml(root)
        if tag == f"{{{VANS_NS}}}VANSEnvelope":
            return _other(Bilingual("en VANSEnvelope", "a VANSEnvelope"), "XML", "xml")
        return _other(
            Bilingual(f"XML-dokumentet <{local_name(root)}>", f"the XML document <{local_name(root)}>"),
            "XML",
            "xml",
        )
    return _other(Bilingual("binære data", "binary data"))


def _other(what: Bilingual, format: str = "Binary", syntax: str = "binary") -> PayloadInfo:
    return PayloadInfo(Family.OTHER, Kind.UNKNOWN, what, format, syntax)


def _fhir(payload: bytes, kind: Kind, syntax: str) -> PayloadInfo:
    from ..fhir.codec import read_fhir_message

    label = kind.value if kind is not Kind.UNKNOWN else "FHIR"
    what = Bilingual(f"{label} (FHIR {syntax.upper()})", f"{label} (FHIR {syntax.upper()})")
    try:
        message = read_fhir_message(payload, max_bytes=max(len(payload), 1))
    except MedcomkitError:
        message = None
    name = None
    if isinstance(message, CareMessage) and message.category:
        name = f"MCM:FDIS91#{message.category}"
    elif isinstance(message, Receipt):
        name = f"MCM:FCTL#{_RESPONSE_CODE[message.kind]}"
    sender = message.sender.ean if message is not None else None
    sent = message.envelope.sent if message is not None else None
    return PayloadInfo(
        Family.FHIR,
        kind,
        what,
        "HL7",
        syntax,
        name=name,
        version=_FHIR_VERSION.get(kind),
        mime=MIME_FHIR_JSON if syntax == "json" else MIME_FHIR_XML,
        sender=sender,
        receiver=message.receiver.ean if message is not None else None,
        envelope_id=vans_uuid(message.envelope.identifier, sender) if message is not None else None,
        message_id=vans_uuid(message.message_id, sender) if message is not None else None,
        sent=sent if sent is not None and sent != datetime.min else None,
    )


def _oioxml(root: etree._Element) -> PayloadInfo:
    """The letter header of any OIOXML Emessage, including letter types medcomkit does not model."""
    ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""

    def q(name: str) -> str:
        return f"{{{ns}}}{name}" if ns else name

    def text(parent: etree._Element | None, *path: str) -> str | None:
        node = parent
        for step in path:
            node = node.find(q(step)) if node is not None else None
        value = (node.text or "").strip() if node is not None else ""
        return value or None

    envelope = root.find(q("Envelope"))
    letter = next(
        (c for c in root if isinstance(c.tag, str) and local_name(c) not in ("Envelope", "Local_Elements")),
        None,
    )
    header = letter.find(q("Letter")) if letter is not None else None
    kind = KIND_BY_LETTER.get(local_name(letter), Kind.UNKNOWN) if letter is not None else Kind.UNKNOWN
    # XCTL letters have no TypeCode; every letter has a StatisticalCode.
    code = (
        kind.value
        if kind is not Kind.UNKNOWN
        else text(header, "StatisticalCode") or text(header, "TypeCode")
    )
    version = text(header, "VersionCode")
    sender = text(letter, "Sender", "EANIdentifier")
    sent = None
    day, clock = text(envelope, "Sent", "Date"), text(envelope, "Sent", "Time")
    if day and clock:
        try:
            sent = parse_datetime(day, clock)
        except ValueError:
            sent = None
    label = code or "OIOXML"
    details = ", ".join(part for part in ("OIOXML", version) if part)
    return PayloadInfo(
        Family.OIOXML,
        kind,
        Bilingual(f"{label} ({details})", f"{label} ({details})"),
        "XML",
        "xml",
        name=f"MCM:{code}" if code else None,
        version=version,
        sender=sender,
        receiver=text(letter, "Receiver", "EANIdentifier"),
        envelope_id=vans_uuid(text(envelope, "Identifier"), sender),
        message_id=vans_uuid(text(header, "Identifier"), sender),
        sent=sent,
    )


# The EDIFACT message types medcomkit reads, by the model a message is read into: kind, UNH version.
_EDIFACT_RECEIPTS = {
    ReceiptKind.VANS_NEGATIVE: (Kind.CTL01, "C0130Q"),
    ReceiptKind.NEGATIVE: (Kind.CTL02, "C0230Q"),
    ReceiptKind.TRANSIENT: (Kind.CTL02, "C0230Q"),
    ReceiptKind.POSITIVE: (Kind.CTL03, "C0330Q"),
}


def _edifact(payload: bytes) -> PayloadInfo:
    """An EDIFACT interchange, described by its first message as ``medcomkit.parse`` reads it. One
    that cannot be read (broken, or a type medcomkit does not read) is of the ``OTHER`` family,
    Format ``EDIFACT``, with what is wrong in ``what``."""
    from ..edifact.read import read_edifact

    what = Bilingual("EDIFACT", "EDIFACT")
    try:
        messages = list(read_edifact(payload))
    except MedcomkitError as error:
        what = Bilingual(
            f"EDIFACT, som ikke kan læses: {error.code}", f"EDIFACT that cannot be read: {error.code}"
        )
        messages = []
    message = messages[0] if messages else None
    if isinstance(message, Receipt):
        kind, version = _EDIFACT_RECEIPTS[message.kind]
    elif isinstance(message, AttachmentMessage):
        kind, version = Kind.BIN01, "B0131X"
    elif isinstance(message, CareMessage):
        kind, version = Kind.DIS91, "D9134L"
    elif isinstance(message, Referral):
        kind, version = Kind.REF01, "H0130R"
    else:
        # Validated only when the envelope says EDIFACT: bytes that merely start with UNA or UNB
        # and that the envelope calls Binary are left as the envelope says.
        return _other(what, "EDIFACT", "edifact")
    sender = message.sender.ean
    near = (
        message.authorised if not isinstance(message, Receipt) else datetime.now(message.envelope.sent.tzinfo)
    )
    # UNB's year has two digits; the SentDateTime takes the century nearest the message's own
    # four-digit date (today's for a receipt), as the EDIFACT reader does
    sent = nearest_century(message.envelope.sent, near.date())
    label = f"{kind.value} (EDIFACT, {version})"
    return PayloadInfo(
        Family.EDIFACT,
        kind,
        Bilingual(label, label),
        "EDIFACT",
        "edifact",
        name=f"MCM:{kind.value}",
        version=version,
        sender=sender,
        receiver=message.receiver.ean,
        envelope_id=vans_uuid(message.envelope.identifier, sender),
        message_id=vans_uuid(message.message_id, sender),
        sent=sent,
    )
