"""Converting between the syntaxes of one message: EDIFACT ⇄ OIOXML through the neutral model
(DIS91 ⇄ XDIS91, REF01 ⇄ XREF01, BIN01 ⇄ XBIN01, CTL0n ⇄ XCTL0n), as MedCom's EDIFACT⇄XML
converter does it — no content changes, so no change notes."""

from __future__ import annotations

from typing import Literal

from ..model.messages import AttachmentMessage, CareMessage, Receipt, ReceiptKind, Referral
from .outcome import output_name

__all__ = ["TwinMessage", "twin_file"]

TwinMessage = CareMessage | AttachmentMessage | Receipt | Referral
_RECEIPT_NAMES = {
    ReceiptKind.VANS_NEGATIVE: "ctl01",
    ReceiptKind.NEGATIVE: "ctl02",
    ReceiptKind.TRANSIENT: "ctl02",
    ReceiptKind.POSITIVE: "ctl03",
}


def _name(message: TwinMessage) -> str:
    if isinstance(message, CareMessage):
        return "dis91"
    if isinstance(message, Referral):
        return "ref01"
    if isinstance(message, AttachmentMessage):
        return "bin01"
    return _RECEIPT_NAMES[message.kind]


def twin_file(message: TwinMessage, to: Literal["oioxml", "edifact"]) -> tuple[str, bytes]:
    """The file name and bytes of ``message`` written in the other syntax."""
    name = _name(message)
    if to == "edifact":
        from ..edifact.build import build_edifact

        return output_name(message.message_id, f".{name}.edi"), build_edifact(message)
    from ..oioxml.xbin01 import build_xbin01
    from ..oioxml.xctl import build_xctl
    from ..oioxml.xdis91 import build_xdis91
    from ..oioxml.xref01 import build_xref01

    if isinstance(message, CareMessage):
        data = build_xdis91(message)
    elif isinstance(message, Referral):
        data = build_xref01(message)
    elif isinstance(message, AttachmentMessage):
        data = build_xbin01(message)
    else:
        data = build_xctl(message)
    return output_name(message.message_id, f".x{name}.xml"), data
