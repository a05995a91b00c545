"""What the journal indexes about a message: ids, parties, patient, thread, receipt keys.

The metadata comes from :func:`medcomkit.parse` where it can read the message. For kinds it
cannot read yet (XREF01, VANSEnvelope) or messages too broken to parse, the kind comes from
:func:`medcomkit.validate` and the ids from a light reading of the OIOXML head or the FHIR
MessageHeader, so that even those are deduplicated and findable by patient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..core.errors import MarkupError, ParseError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.mask import mask_cpr
from ..dispatch import parse_all
from ..fhir.codec import FHIR_NS, json_document
from ..model.messages import (
    AttachmentMessage,
    CareMessage,
    Message,
    Organisation,
    Patient,
    Receipt,
    ReceiptKind,
    Referral,
)
from .codes import NOT_A_MESSAGE

__all__ = ["Record", "attachment_key", "normalise_cpr", "plain", "records"]

_RECEIPT_KIND = {
    ReceiptKind.VANS_NEGATIVE: Kind.XCTL01,
    ReceiptKind.NEGATIVE: Kind.XCTL02,
    ReceiptKind.TRANSIENT: Kind.XCTL02,
    ReceiptKind.POSITIVE: Kind.XCTL03,
}
_XCTL_RECEIPT = {
    Kind.XCTL01: ReceiptKind.VANS_NEGATIVE,
    Kind.XCTL02: ReceiptKind.NEGATIVE,
    Kind.XCTL03: ReceiptKind.POSITIVE,
}
_EDIFACT_KIND = {
    Kind.XDIS91: Kind.DIS91,
    Kind.XBIN01: Kind.BIN01,
    Kind.XREF01: Kind.REF01,
    Kind.XCTL01: Kind.CTL01,
    Kind.XCTL02: Kind.CTL02,
    Kind.XCTL03: Kind.CTL03,
}
_ACK_RECEIPT = {
    "ok": ReceiptKind.POSITIVE,
    "transient-error": ReceiptKind.TRANSIENT,
    "fatal-error": ReceiptKind.NEGATIVE,
}


@dataclass(frozen=True, slots=True)
class Record:
    """One message (one letter of an Emessage) as the journal indexes it.

    ``patient_ids`` are normalised CPR or replacement-CPR values; they are hashed before they
    reach the database. Free text (topic, refusal text) is stored with CPR numbers masked.
    """

    kind: Kind
    part: int
    parsed: bool
    fhir: bool
    envelope_id: str | None = None
    message_id: str | None = None
    sent: datetime | None = None
    wants_receipt: bool = True
    sender_ean: str | None = None
    receiver_ean: str | None = None
    sender_name: str | None = None
    receiver_name: str | None = None
    thread_id: str | None = None
    activity: str | None = None
    previous_id: str | None = None
    previous_ean: str | None = None
    topic: str | None = None
    patient: str | None = None  # masked CPR and name, for display
    patient_ids: tuple[str, ...] = ()
    attachment_keys: tuple[str, ...] = ()
    attachments: int = 0
    receipt_kind: ReceiptKind | None = None
    original_envelope_id: str | None = None
    receipt_letters: tuple[str, ...] = ()
    note: str | None = None


def normalise_cpr(value: str) -> str:
    """A CPR or replacement CPR as the index keys it: no spaces or hyphen, upper case."""
    return "".join(value.split()).replace("-", "").upper()


def attachment_key(identifier: str) -> str:
    """An attachment id as XDIS91, XBIN01 and FHIR all match it: case and hyphens ignored."""
    return identifier.replace("-", "").strip().lower()


def records(data: bytes, *, max_bytes: int) -> list[Record]:
    """The records for every message in ``data``.

    Raises :class:`ParseError` only when the bytes are no message medcomkit recognises at all.
    """
    fhir = _looks_like_fhir(data)
    try:
        messages = parse_all(data, max_bytes=max_bytes)
    except ParseError:
        return _unreadable(data, fhir, max_bytes)
    found = [_record(message, index, fhir) for index, message in enumerate(messages)]
    from ..edifact.codec import is_edifact

    if is_edifact(data):  # the same letters in EDIFACT: DIS91, BIN01, REF01, CTL0n
        found = [replace(record, kind=_EDIFACT_KIND.get(record.kind, record.kind)) for record in found]
    return found


def _looks_like_fhir(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"[")) or FHIR_NS.encode() in head


def _record(message: Message, part: int, fhir: bool) -> Record:
    if isinstance(message, Receipt):
        return Record(
            kind=Kind.ACKNOWLEDGEMENT if fhir else _RECEIPT_KIND[message.kind],
            part=part,
            parsed=True,
            fhir=fhir,
            envelope_id=message.envelope.identifier or None,
            message_id=message.message_id or None,
            sent=_aware(message.envelope.sent),
            wants_receipt=False,
            sender_ean=message.sender.ean or None,
            receiver_ean=message.receiver.ean or None,
            sender_name=message.sender.name,
            receiver_name=message.receiver.name,
            receipt_kind=message.kind,
            original_envelope_id=message.original_envelope_id,
            receipt_letters=tuple(letter.letter_id for letter in message.letters),
            note=_masked(
                message.refuse_text or next((x.refuse_text for x in message.letters if x.refuse_text), None)
            ),
        )
    common = _common(message, part, fhir)
    if isinstance(message, CareMessage):
        return Record(
            **common,
            kind=Kind.CARE_COMMUNICATION if fhir else Kind.XDIS91,
            thread_id=message.thread_id or f"oioxml:{message.message_id}",
            activity=message.activity.value,
            previous_id=message.previous.message_id if message.previous else None,
            previous_ean=message.previous.sender_ean if message.previous else None,
            topic=_masked(message.topic),
        )
    kind = Kind.XBIN01 if isinstance(message, AttachmentMessage) else Kind.XREF01
    return Record(**common, kind=kind, thread_id=f"oioxml:{message.message_id}")


def _common(message: CareMessage | AttachmentMessage | Referral, part: int, fhir: bool) -> dict[str, Any]:
    attachments = message.attachments
    return {
        "part": part,
        "parsed": True,
        "fhir": fhir,
        "envelope_id": message.envelope.identifier,
        "message_id": message.message_id,
        "sent": _aware(message.envelope.sent),
        # Every FHIR message is acknowledged; OIOXML asks for a positive receipt or not.
        "wants_receipt": fhir or message.envelope.positive_receipt,
        "sender_ean": message.sender.ean,
        "receiver_ean": message.receiver.ean,
        "sender_name": _name(message.sender),
        "receiver_name": _name(message.receiver),
        "patient": _patient_display(message.patient),
        "patient_ids": _patient_ids(message.patient),
        "attachment_keys": tuple(attachment_key(a.identifier) for a in attachments if a.identifier),
        "attachments": len(attachments),
    }


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is not None and moment.tzinfo is not None else None


def _masked(text: str | None) -> str | None:
    return mask_cpr(text) if text else None


def _name(party: Organisation) -> str | None:
    parts = [p for p in (party.name, party.department, party.unit) if p]
    return ", ".join(parts) or None


def _patient_ids(patient: Patient | None) -> tuple[str, ...]:
    if patient is None:
        return ()
    values = (patient.identifier.value, *(i.value for i in patient.other_identifiers))
    return tuple(dict.fromkeys(normalise_cpr(v) for v in values if v.strip()))


def _patient_display(patient: Patient | None) -> str | None:
    if patient is None:
        return None
    name = " ".join(p for p in (patient.given_name, patient.family_name) if p)
    return mask_cpr(f"{_formatted_cpr(patient.identifier.value)} {name}".strip())


def _formatted_cpr(value: str) -> str:
    digits = normalise_cpr(value)
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits


# --- messages parse cannot read --------------------------------------------------------------------


def _unreadable(data: bytes, fhir: bool, max_bytes: int) -> list[Record]:
    from ..dispatch import validate_bytes

    report = validate_bytes(data, max_bytes=max_bytes)
    if report.kind is Kind.UNKNOWN:
        reason = report.errors[0].text if report.errors else Bilingual("ukendt type.", "unknown kind.")
        raise ParseError(
            NOT_A_MESSAGE,
            Bilingual(
                "Filen er ikke en meddelelse, medcomkit kender, og journaliseres ikke: " + reason.da,
                "The file is not a message medcomkit knows and is not journalised: " + reason.en,
            ),
        )
    if fhir:
        return [_fhir_head(data, report.kind)]
    heads = _oioxml_heads(data, report.kind, max_bytes)
    # Without ids no receipt can be matched to it, so none is waited for.
    return heads or [Record(kind=report.kind, part=0, parsed=False, fhir=False, wants_receipt=False)]


def _fhir_head(data: bytes, kind: Kind) -> Record:
    bundle = json_document(data)
    if not isinstance(bundle, dict):
        return Record(kind=kind, part=0, parsed=False, fhir=True, wants_receipt=False)
    header: dict[str, Any] = next(
        (
            e["resource"]
            for e in bundle.get("entry") or []
            if isinstance(e, dict)
            and isinstance(e.get("resource"), dict)
            and e["resource"].get("resourceType") == "MessageHeader"
        ),
        {},
    )
    envelope_id, message_id = bundle.get("id"), header.get("id")
    response = header.get("response")
    answered = response.get("identifier") if isinstance(response, dict) else None
    code = response.get("code") if isinstance(response, dict) else None
    return Record(
        kind=kind,
        part=0,
        parsed=False,
        fhir=True,
        envelope_id=envelope_id if isinstance(envelope_id, str) else None,
        message_id=message_id if isinstance(message_id, str) else None,
        wants_receipt=isinstance(message_id, str) and kind is not Kind.ACKNOWLEDGEMENT,
        receipt_kind=_ACK_RECEIPT.get(str(code), ReceiptKind.NEGATIVE) if isinstance(answered, str) else None,
        receipt_letters=(answered,) if isinstance(answered, str) else (),
    )


def _oioxml_heads(data: bytes, kind: Kind, max_bytes: int) -> list[Record]:
    from ..core.xml import parse_xml
    from ..core.xmltree import local_name, parse_datetime
    from ..oioxml.common import letters_of
    from ..oioxml.namespaces import KIND_BY_LETTER

    try:
        root = parse_xml(data, max_bytes=max_bytes, repair=True).root
    except ParseError:
        return []
    if local_name(root) != "Emessage":
        return []
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""

    def text(parent: Any, *path: str) -> str | None:
        element = parent
        for name in path:
            element = element.find(f"{{{namespace}}}{name}") if element is not None else None
        value = element.text.strip() if element is not None and element.text else ""
        return value or None

    envelope = root.find(f"{{{namespace}}}Envelope")
    sent = None
    date, time = text(envelope, "Sent", "Date"), text(envelope, "Sent", "Time")
    if date and time:
        try:
            sent = parse_datetime(date, time)
        except ValueError:
            sent = None
    result = []
    for index, letter in enumerate(letters_of(root)):
        cpr = text(letter, "Patient", "CivilRegistrationNumber") or text(
            letter, "Patient", "AlternativeIdentifier"
        )
        letter_id = text(letter, "Letter", "Identifier")
        letter_kind = KIND_BY_LETTER.get(local_name(letter), kind)
        receipt_kind = _XCTL_RECEIPT.get(letter_kind)
        original = letter.find(f"{{{namespace}}}OriginalEmessage")
        answered = (
            ()
            if original is None
            else tuple(
                value
                for item in original.iterfind(f"{{{namespace}}}OriginalLetter")
                if (value := text(item, "OriginalLetterIdentifier"))
            )
        )
        result.append(
            Record(
                kind=letter_kind,
                receipt_kind=receipt_kind,
                original_envelope_id=text(original, "OriginalEnvelopeIdentifier"),
                receipt_letters=answered,
                part=index,
                parsed=False,
                fhir=False,
                envelope_id=text(envelope, "Identifier"),
                message_id=letter_id,
                sent=sent,
                wants_receipt=receipt_kind is None
                and text(envelope, "AcknowledgementCode") != "minuspositivkvitt",
                sender_ean=text(letter, "Sender", "EANIdentifier"),
                receiver_ean=text(letter, "Receiver", "EANIdentifier"),
                sender_name=text(letter, "Sender", "OrganisationName"),
                receiver_name=text(letter, "Receiver", "OrganisationName"),
                thread_id=f"oioxml:{letter_id}" if letter_id else None,
                patient=mask_cpr(_formatted_cpr(cpr)) if cpr else None,
                patient_ids=(normalise_cpr(cpr),) if cpr else (),
            )
        )
    return result


def plain(markup: str) -> str:
    """Formatted-text markup as plain text (the markup itself if it cannot be read)."""
    from ..model.markup import plain_text

    try:
        return plain_text(markup)
    except MarkupError:
        return markup
