"""Receipts, whatever the format: making one for a received message, and matching one to what
was sent.

OIOXML receipts (XCTL) name the envelope, the letters and their versions; a FHIR
Acknowledgement answers one MessageHeader and repeats the newest Provenance of the message it
answers. :func:`receipt_for` fills in both, so the same neutral receipt can be written either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..core.xmltree import now_local
from .identifiers import new_letter_id
from .messages import (
    AttachmentMessage,
    CareMessage,
    Envelope,
    Receipt,
    ReceiptKind,
    ReceiptLetter,
    Referral,
    RefuseReason,
)
from .thread import current_event

__all__ = ["match_receipt", "receipt_for", "receipt_matches"]

# The version a receipt names when the caller does not say (what medcomkit itself writes).
_DEFAULT_VERSION = {CareMessage: "XD9134L", AttachmentMessage: "XB0131X", Referral: "XH0130R"}
Answerable = CareMessage | AttachmentMessage | Referral


def receipt_for(
    message: Answerable,
    *,
    kind: ReceiptKind = ReceiptKind.POSITIVE,
    reason: RefuseReason | None = None,
    text: str | None = None,
    detail_code: str | None = None,
    version_code: str | None = None,
    sent: datetime | None = None,
    message_id: str | None = None,
    envelope_id: str | None = None,
) -> Receipt:
    """The receipt the receiver of ``message`` sends back.

    A negative receipt gives its reason on the letter (``reason`` defaults to unspecified).
    ``version_code`` is the received letter's OIOXML VersionCode (unless given: XD9134L for a
    korrespondancemeddelelse, XB0131X for an XBIN01, XH0130R for a referral — give XH0131R for
    that version, the neutral model does not keep it); ``detail_code`` a code from
    MedCom's acknowledgement issue details for a FHIR Acknowledgement.
    """
    if kind is not ReceiptKind.POSITIVE and reason is None and text is None and detail_code is None:
        reason = RefuseReason.UNSPECIFIED
    fhir = isinstance(message, CareMessage) and message.thread_id is not None
    return Receipt(
        kind=kind,
        envelope=Envelope(
            identifier=envelope_id or new_letter_id(),
            sent=sent or now_local(),
            positive_receipt=False,
        ),
        message_id=message_id or new_letter_id(),
        sender=message.receiver,
        receiver=message.sender,
        original_sender=message.sender,
        original_receiver=message.receiver,
        # An Acknowledgement names only the MessageHeader it answers; OIOXML names envelope and version.
        original_envelope_id=None if fhir else message.envelope.identifier,
        letters=(
            ReceiptLetter(
                letter_id=message.message_id,
                version_code=None if fhir else version_code or _DEFAULT_VERSION[type(message)],
                refuse_reason=reason,
                refuse_text=text,
            ),
        ),
        detail_code=detail_code,
        acknowledged=current_event(message) if fhir and isinstance(message, CareMessage) else None,
    )


def receipt_matches(receipt: Receipt, message: Answerable) -> bool:
    """True when ``receipt`` answers ``message``.

    OIOXML: the same envelope id and, when the receipt lists letters, the message's letter id
    among them (OS2korrespondance and MedCom match this way). FHIR: the acknowledged
    MessageHeader id (an Acknowledgement does not carry the envelope id).
    """
    if (
        receipt.original_envelope_id is not None
        and receipt.original_envelope_id != message.envelope.identifier
    ):
        return False
    if receipt.original_envelope_id is None and not receipt.letters:
        return False
    return not receipt.letters or any(item.letter_id == message.message_id for item in receipt.letters)


def match_receipt(receipt: Receipt, messages: Iterable[Answerable]) -> Answerable | None:
    """The sent message a receipt answers, if it is among ``messages``."""
    return next((m for m in messages if receipt_matches(receipt, m)), None)
