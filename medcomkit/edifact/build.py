"""Writing the neutral model as EDIFACT: DIS91, REF01, BIN01 or CTL01/02/03 by the model's type."""

from __future__ import annotations

from ..core.lang import Bilingual
from ..core.report import raise_for_errors
from ..model.messages import AttachmentMessage, CareMessage, Receipt, Referral
from .bin01 import build_bin01
from .ctl import build_ctl
from .dis91 import build_dis91
from .ref01 import build_ref01

__all__ = ["build_edifact"]


def build_edifact(
    message: CareMessage | AttachmentMessage | Receipt | Referral, *, check: bool = True
) -> bytes:
    """The EDIFACT interchange for a message: a korrespondancemeddelelse becomes a DIS91, a
    referral a REF01, attachments a BIN01 and a receipt a CTL01/02/03. With ``check`` (the
    default) the result is validated and a :class:`~medcomkit.BuildError` lists any error."""
    if isinstance(message, CareMessage):
        data, what = build_dis91(message), "DIS91"
    elif isinstance(message, Referral):
        data, what = build_ref01(message), "REF01"
    elif isinstance(message, AttachmentMessage):
        data, what = build_bin01(message), "BIN01"
    else:
        data, what = build_ctl(message), "CTL"
    if check:
        from .validate import validate_edifact

        _, issues = validate_edifact(data)
        raise_for_errors(
            issues,
            "edifact.build-invalid",
            Bilingual(f"Den byggede {what} er ugyldig: ", f"The built {what} is invalid: "),
        )
    return data
