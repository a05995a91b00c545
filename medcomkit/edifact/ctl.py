"""CTL01/02/03, the EDIFACT receipts (``CONTRL:D:93A:ZZ:C0130Q`` …), to and from the neutral
:class:`~medcomkit.model.messages.Receipt` — the EDIFACT twins of XCTL01/02/03.

Layout: ``UCI+<original envelope>+<original sender>:14+<original receiver>:14+<4 rejected | 7
accepted>``, an optional ``FTX+<reason>`` for the envelope, then per letter
``UCM+<letter id>+<type>:D:93A:UN:<version>+<4|7>`` with an optional ``FTX+<reason>`` of its own.
"""

from __future__ import annotations

from ..core.errors import BuildError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..model.markup import BREAKABLE
from ..model.messages import Envelope, Organisation, Receipt, ReceiptKind, ReceiptLetter, RefuseReason
from .codes import REFUSE_REASON, reverse
from .common import build_interchange, envelope_of, parse_error, segment
from .envelope import Interchange, Message
from .ftx import read_text, write_text
from .syntax import Segment

__all__ = ["build_ctl", "message_type_of_version", "read_ctl"]

_KIND = {
    Kind.CTL01: ReceiptKind.VANS_NEGATIVE,
    Kind.CTL02: ReceiptKind.NEGATIVE,
    Kind.CTL03: ReceiptKind.POSITIVE,
}
_CTL = {
    ReceiptKind.VANS_NEGATIVE: Kind.CTL01,
    ReceiptKind.NEGATIVE: Kind.CTL02,
    ReceiptKind.TRANSIENT: Kind.CTL02,  # EDIFACT has no "try again later"
    ReceiptKind.POSITIVE: Kind.CTL03,
}
_REFUSE_CODES = reverse(REFUSE_REASON)
_TYPE_BY_LETTER = {"D": "MEDDIS", "H": "MEDREF", "R": "MEDRPT", "Q": "MEDREQ", "A": "PRODAT", "B": "MEDBIN"}


def message_type_of_version(version: str) -> str:
    """The EDIFACT message type a version code belongs to (D9134L → MEDDIS, XD9134L → XMEDDIS)."""
    prefix = "X" if version.startswith("X") and len(version) == 7 else ""
    letter = version[len(prefix) : len(prefix) + 1]
    found = _TYPE_BY_LETTER.get(letter)
    return prefix + found if found else ""


def _refusal(item: Segment | None) -> tuple[RefuseReason | None, str | None]:
    if item is None:
        return None, None
    lines = item.elements[3] if len(item.elements) >= 4 else []
    text, _ = read_text([("P00", lines)]) if any(lines) else ("", [])
    return REFUSE_REASON.get(item.qualifier, RefuseReason.UNSPECIFIED), text or None


def read_ctl(interchange: Interchange, message: Message) -> Receipt:
    unb = interchange.unb
    assert unb is not None
    message_type = message.type
    assert message_type is not None
    assert message_type.kind is not None
    body = message.body
    uci = next((s for s in body if s.tag == "UCI"), None)
    if uci is None:
        raise parse_error(message, message.unh, "UCI mangler.", "UCI is missing.")
    envelope_reason: tuple[RefuseReason | None, str | None] = (None, None)
    letters: list[ReceiptLetter] = []
    for index, item in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) and body[index + 1].tag == "FTX" else None
        if item.tag == "UCI":
            envelope_reason = _refusal(following)
        elif item.tag == "UCM":
            reason, text = _refusal(following)
            letters.append(
                ReceiptLetter(
                    letter_id=item.get(1),
                    version_code=item.get(2, 5) or None,
                    refuse_reason=reason,
                    refuse_text=text,
                )
            )
    envelope = envelope_of(interchange, message)
    return Receipt(
        kind=_KIND[message_type.kind],
        envelope=Envelope(envelope.identifier, envelope.sent, positive_receipt=False),
        message_id=message.reference,
        sender=Organisation(unb.get(2, 1)),
        receiver=Organisation(unb.get(3, 1)),
        original_envelope_id=uci.get(1),
        original_sender=Organisation(uci.get(2, 1)),
        original_receiver=Organisation(uci.get(3, 1)),
        letters=tuple(letters),
        refuse_reason=envelope_reason[0],
        refuse_text=envelope_reason[1],
    )


def _ftx(reason: RefuseReason | None, text: str | None) -> list[Segment]:
    if reason is None and text is None:
        return []
    qualifier = _REFUSE_CODES[reason] if reason is not None else "NC"
    blocks = write_text(text, BREAKABLE) if text else []
    if not blocks:
        return [segment("FTX", qualifier, "P00")]
    return [segment("FTX", qualifier, block.code, "", list(block.lines)) for block in blocks]


def build_ctl(receipt: Receipt) -> bytes:
    """Write a CTL01/02/03 interchange for a receipt."""
    positive = receipt.kind is ReceiptKind.POSITIVE
    if positive and (
        receipt.refuse_reason
        or receipt.refuse_text
        or any(item.refuse_reason or item.refuse_text for item in receipt.letters)
    ):
        raise BuildError(
            "ctl.build-positive-reason",
            Bilingual(
                "En positiv kvittering kan ikke have en afvisningsårsag.",
                "A positive receipt cannot carry a refusal reason.",
            ),
        )
    if receipt.original_envelope_id is None or any(item.version_code is None for item in receipt.letters):
        raise BuildError(
            "ctl.build-missing",
            Bilingual(
                "En CTL-kvittering skal have den oprindelige kuverts id og brevenes version.",
                "A CTL receipt needs the original envelope id and the letters' versions.",
            ),
        )
    action = "7" if positive else "4"
    body: list[Segment] = [
        segment(
            "UCI",
            receipt.original_envelope_id,
            [receipt.original_sender.ean, "14"],
            [receipt.original_receiver.ean, "14"],
            action,
        ),
        *_ftx(receipt.refuse_reason, receipt.refuse_text),
    ]
    for item in receipt.letters:
        version = item.version_code or ""
        body.append(
            segment(
                "UCM", item.letter_id, [message_type_of_version(version), "D", "93A", "UN", version], action
            )
        )
        body.extend(_ftx(item.refuse_reason, item.refuse_text))
    return build_interchange(
        receipt.envelope,
        receipt.sender.ean,
        receipt.receiver.ean,
        receipt.message_id,
        _CTL[receipt.kind],
        body,
        receipt=True,
    )
