"""The shape of a DIS91 letter, which OIOXML's XDIS91 and EDIFACT's DIS91 share.

Both carry one text of at most ten blocks of 3,150 characters and nothing of a FHIR thread; the
two codecs refuse the same things with the same words, so the rule is written once, here.
"""

from __future__ import annotations

from ..core.errors import BuildError
from ..core.lang import Bilingual
from .messages import Activity, CareMessage

__all__ = ["BLOCK_LIMIT", "MAX_BLOCKS", "refuse_what_xdis91_cannot_carry"]

BLOCK_LIMIT = 3150  # EDIFACT heritage: 9 FTX segments x 5 lines x 70 characters
MAX_BLOCKS = 10  # ClinicalInformation 0..10 in XD9133L/XD9134L


def refuse_what_xdis91_cannot_carry(message: CareMessage) -> None:
    """:class:`BuildError` naming what a DIS91 letter (XDIS91 or EDIFACT DIS91) would silently drop."""
    lost: list[str] = []
    if len(message.segments) != 1:
        lost.append(f"{len(message.segments)} text segments (XDIS91 has one text)")
    else:
        segment = message.segments[0]
        if segment.author is not None:
            lost.append("segment author")
        if segment.identifier is not None:
            lost.append("segment identifier")
        if segment.written is not None and segment.written != message.authorised:
            lost.append("segment time different from authorised")
    if message.activity is not Activity.NEW:
        lost.append(f"activity {message.activity.value}")
    for name in ("thread_id", "previous", "category"):
        if getattr(message, name) is not None:
            lost.append(name)
    if lost:
        raise BuildError(
            "xdis91.build-unsupported",
            Bilingual(
                "XDIS91 kan ikke rumme: " + ", ".join(lost) + ". Brug medcomkit.convert, som skriver "
                "det ind i teksten efter MedComs mapning.",
                "XDIS91 cannot carry: " + ", ".join(lost) + ". Use medcomkit.convert, which writes it "
                "into the text following MedCom's mapping.",
            ),
        )
