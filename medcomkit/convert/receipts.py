"""XCTL receipts to a FHIR Acknowledgement and back, using the id correlation the message
conversion kept.

A message with attachments is one CareCommunication but two OIOXML letters (XDIS91 and XBIN01),
so one Acknowledgement stands for two XCTL receipts: an ``ok`` becomes two XCTL03, a negative one
two XCTL02; two XCTL03 become ``ok``, any XCTL01/02 a negative acknowledgement, and while one of the
two is missing no acknowledgement is sent (the sender resends).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from ..core.errors import BuildError
from ..core.lang import Bilingual
from ..core.xmltree import COPENHAGEN
from ..fhir.acknowledgement import issue_type_for, reason_for_issue_type
from ..model.identifiers import new_letter_id
from ..model.messages import Envelope, Organisation, Receipt, ReceiptKind, ReceiptLetter, RefuseReason
from .changes import Conversion, Correlation, Notes
from .codes import RECEIPT_MISMATCH, RECEIPT_MISSING

__all__ = ["acknowledgement_to_xctl", "xctl_to_acknowledgement"]

_TO_XCTL = {
    ReceiptKind.POSITIVE: ReceiptKind.POSITIVE,  # ok → XCTL03
    ReceiptKind.NEGATIVE: ReceiptKind.NEGATIVE,  # fatal-error → XCTL02
    ReceiptKind.TRANSIENT: ReceiptKind.NEGATIVE,  # transient-error → XCTL02 (OIOXML has no "later")
    ReceiptKind.VANS_NEGATIVE: ReceiptKind.VANS_NEGATIVE,
}


def _letters(correlation: Correlation) -> list[tuple[str, str, str]]:
    """(envelope id, letter id, version code) of each OIOXML letter the FHIR message became."""
    letters = [(correlation.oioxml_envelope_id, correlation.oioxml_letter_id, correlation.oioxml_version)]
    if correlation.xbin_envelope_id and correlation.xbin_letter_id:
        letters.append((correlation.xbin_envelope_id, correlation.xbin_letter_id, correlation.xbin_version))
    return letters


def acknowledgement_to_xctl(
    acknowledgement: Receipt,
    correlation: Correlation,
    *,
    when: datetime | None = None,
    new_id: Callable[[], str] = new_letter_id,
) -> Conversion[list[Receipt]]:
    """The XCTL receipts (one per OIOXML letter) that stand for a FHIR Acknowledgement, sent when
    it was (``when`` overrides)."""
    notes = Notes()
    kind = _TO_XCTL[acknowledgement.kind]
    if acknowledgement.kind is ReceiptKind.TRANSIENT:
        notes.rewritten(
            "MessageHeader.response.code (transient-error)",
            "NegativeReceipt (XCTL02)",
            "OIOXML har ingen 'prøv igen senere'; det bliver en negativ kvittering.",
            "OIOXML has no 'try again later'; it becomes a negative receipt.",
            "X2:Type of Acknowledgement",
        )
    letter = acknowledgement.letters[0] if acknowledgement.letters else ReceiptLetter("")
    if letter.letter_id and letter.letter_id != correlation.fhir_header_id:
        raise _mismatch(letter.letter_id, correlation.fhir_header_id)
    reason = letter.refuse_reason or acknowledgement.refuse_reason
    text = letter.refuse_text or acknowledgement.refuse_text
    if kind is not ReceiptKind.POSITIVE and reason is None:
        reason = RefuseReason.UNSPECIFIED
    if correlation.conversion_problem:
        # Use cases S1.A2: when the XBIN01 was missing or invalid, the service's note goes into the XCTL.
        if kind is ReceiptKind.POSITIVE:
            notes.lost(
                "Konverteringsservicens note",
                "En XCTL03 har ingen tekst, så noten om den manglende XBIN01 kan ikke komme med.",
                "An XCTL03 has no text, so the note about the missing XBIN01 cannot travel.",
                "UC:S1.A2 XBIN01 mangler eller er ugyldig",
            )
        else:
            text = "\n".join(p for p in (text, correlation.conversion_problem) if p)
            notes.invented(
                "RefuseText",
                "Konverteringsservicens note om XBIN01 tilføjes kvitteringen.",
                "The conversion service's note about the XBIN01 is added to the receipt.",
                "UC:S1.A2 XBIN01 mangler eller er ugyldig",
            )
    if acknowledgement.detail_code:
        notes.lost(
            "OperationOutcome.issue.details.coding",
            "XCTL har kun afvisningskode og tekst.",
            "XCTL has only a refusal code and text.",
            "X2:Additional refuse code",
        )
    letters = _letters(correlation)
    if len(letters) > 1:
        notes.rewritten(
            "Acknowledgement",
            "XCTL (XDIS91) + XCTL (XBIN01)",
            "Én Acknowledgement bliver til to XCTL: én for XDIS91 og én for XBIN01.",
            "One Acknowledgement becomes two XCTL: one for the XDIS91 and one for the XBIN01.",
            "UC:Ack mapping",
        )
    sent = (when or acknowledgement.envelope.sent).astimezone(COPENHAGEN).replace(second=0, microsecond=0)
    receipts = [
        Receipt(
            kind=kind,
            envelope=Envelope(new_id(), sent, positive_receipt=False),
            message_id=new_id(),
            sender=acknowledgement.sender,
            receiver=acknowledgement.receiver,
            original_envelope_id=envelope_id,
            original_sender=correlation.fhir_sender,
            original_receiver=correlation.fhir_receiver,
            letters=(
                ReceiptLetter(
                    letter_id,
                    version,
                    reason if kind is not ReceiptKind.POSITIVE else None,
                    text if kind is not ReceiptKind.POSITIVE else None,
                ),
            ),
        )
        for envelope_id, letter_id, version in letters
    ]
    return Conversion(receipts, tuple(notes.changes), correlation)


def xctl_to_acknowledgement(
    receipts: Sequence[Receipt],
    correlation: Correlation,
    *,
    when: datetime | None = None,
    new_id: Callable[[], str] | None = None,
) -> Conversion[Receipt]:
    """The FHIR Acknowledgement that stands for the XCTL receipts of the OIOXML letters a
    CareCommunication became. Raises :class:`BuildError` while a receipt is still missing: then
    no acknowledgement is sent, and the FHIR sender resends."""
    notes = Notes()
    expected = {(envelope, letter) for envelope, letter, _ in _letters(correlation)}
    answered: dict[tuple[str, str], Receipt] = {}
    for receipt in receipts:
        for item in receipt.letters or (ReceiptLetter(correlation.oioxml_letter_id),):
            key = (receipt.original_envelope_id or "", item.letter_id)
            if key in expected:
                answered[key] = receipt
    missing = sorted(letter for envelope, letter in expected - set(answered))
    if missing:
        raise BuildError(
            RECEIPT_MISSING,
            Bilingual(
                f"Der mangler kvittering for {', '.join(missing)}; der sendes ingen Acknowledgement, og "
                "FHIR-afsenderen sender igen.",
                f"The receipt for {', '.join(missing)} is missing; no Acknowledgement is sent, and the FHIR "
                "sender resends.",
            ),
        )
    negative = [r for r in answered.values() if r.kind is not ReceiptKind.POSITIVE]
    kind = ReceiptKind.NEGATIVE if negative else ReceiptKind.POSITIVE
    first = negative[0] if negative else next(iter(answered.values()))
    reason = text = None
    if negative:
        letter = first.letters[0] if first.letters else ReceiptLetter("")
        reason = letter.refuse_reason or first.refuse_reason or RefuseReason.UNSPECIFIED
        text = letter.refuse_text or first.refuse_text
    if correlation.conversion_problem:
        text = "\n".join(p for p in (text, correlation.conversion_problem) if p)
        notes.invented(
            "OperationOutcome.issue.details.text",
            "Konverteringsservicens note om XBIN01 tilføjes.",
            "The conversion service's note about the XBIN01 is added.",
            "UC:S1.A2 XBIN01 mangler eller er ugyldig",
        )
    if len(answered) > 1:
        notes.rewritten(
            "XCTL (XDIS91) + XCTL (XBIN01)",
            "Acknowledgement",
            "To XCTL bliver til én Acknowledgement; er én negativ, er den negativ.",
            "Two XCTL become one Acknowledgement; if one is negative, so is it.",
            "UC:Ack mapping",
        )
    notes.invented(
        "Acknowledgement Provenance",
        "Kopien af meddelelsens Provenance kommer fra korrelationen.",
        "The copy of the message's Provenance comes from the correlation.",
        "X1:Message sent dateTime",
    )
    sender = _acknowledgement_sender(first, correlation, notes)
    if reason is not None:
        _refusal_code_note(reason, notes)
    if any(r.kind is ReceiptKind.VANS_NEGATIVE for r in negative):
        notes.rewritten(
            "NegativeVANSReceipt (XCTL01)",
            "MessageHeader.response.code (fatal-error)",
            "FHIR skelner ikke VANS' afvisning fra modtagerens; tilbage i OIOXML bliver den en XCTL02.",
            "FHIR does not tell a VANS refusal from the receiver's; back in OIOXML it becomes an XCTL02.",
            "X1:Type of Acknowledgement",
        )
    make_id = new_id or (lambda: str(uuid.uuid4()))
    acknowledgement = Receipt(
        kind=kind,
        envelope=Envelope(make_id(), when or first.envelope.sent, positive_receipt=False),
        message_id=make_id(),
        sender=sender,
        receiver=correlation.fhir_sender,
        original_sender=correlation.fhir_sender,
        original_receiver=correlation.fhir_receiver,
        letters=(ReceiptLetter(correlation.fhir_header_id, refuse_reason=reason, refuse_text=text),),
        acknowledged=correlation.fhir_event,
    )
    return Conversion(acknowledgement, tuple(notes.changes), correlation)


def _acknowledgement_sender(receipt: Receipt, correlation: Correlation, notes: Notes) -> Organisation:
    """XCTL mapping sheet 1, «EAN id for sender»: the Acknowledgement's sender is the XCTL's sender.
    That is the message's receiver for an XCTL02/03; an XCTL01 comes from the VANS provider."""
    if receipt.sender.ean == correlation.fhir_receiver.ean:
        return correlation.fhir_receiver
    notes.rewritten(
        "Sender.EANIdentifier (XCTL)",
        "MessageHeader.sender",
        f"Kvitteringen er sendt af {receipt.sender.ean}, ikke af meddelelsens modtager "
        f"{correlation.fhir_receiver.ean}; den er afsender af Acknowledgement'en (SOR-kode ukendt).",
        f"The receipt was sent by {receipt.sender.ean}, not by the message's receiver "
        f"{correlation.fhir_receiver.ean}; it is the Acknowledgement's sender (SOR code unknown).",
        "X1:EAN id for sender",
    )
    return Organisation(ean=receipt.sender.ean, name=receipt.sender.name)


def _refusal_code_note(reason: RefuseReason, notes: Notes) -> None:
    """A refusal code FHIR's issue types cannot tell apart changes on the way back: say so."""
    issue_type = issue_type_for(reason)
    back = reason_for_issue_type(issue_type)
    if back is not reason:
        notes.rewritten(
            f"RefuseCode ({reason.value})",
            f"OperationOutcome.issue.code ({issue_type})",
            f"FHIR-issue-typen '{issue_type}' dækker flere OIOXML-afvisningskoder; tilbage i OIOXML bliver "
            f"'{reason.value}' til '{back.value}'.",
            f"The FHIR issue type '{issue_type}' covers several OIOXML refusal codes; back in OIOXML "
            f"'{reason.value}' becomes '{back.value}'.",
            "X1:Refuse Code",
        )


def _mismatch(answered: str, expected: str) -> BuildError:
    return BuildError(
        RECEIPT_MISMATCH,
        Bilingual(
            f"Kvitteringen svarer på {answered}, men korrelationen gælder {expected}.",
            f"The acknowledgement answers {answered}, but the correlation is for {expected}.",
        ),
    )
