"""Reading EDIFACT interchanges into the neutral model."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from ..core.errors import ParseError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..model.messages import AttachmentMessage, CareMessage, Receipt, Referral
from .envelope import Interchange, Message, open_interchange

__all__ = ["EdifactMessage", "looks_like_edifact", "read_edifact", "read_interchange"]

EdifactMessage = CareMessage | AttachmentMessage | Receipt | Referral
Reader = Callable[[Interchange, Message], EdifactMessage]
# Envelope problems that leave nothing sure to read; the others are for validation to report.
FATAL = frozenset(
    {
        "edifact.una",
        "edifact.segment-unterminated",
        "edifact.segment-tag",
        "edifact.unb-missing",
        "edifact.binary-size",
        "edifact.no-message",
    }
)


def looks_like_edifact(data: bytes) -> bool:
    """True when the bytes start as an EDIFACT interchange does (UNA or UNB, after blank lines)."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:3] in (b"UNA", b"UNB")


@cache
def _readers() -> dict[Kind, Reader]:
    from .bin01 import read_bin01
    from .ctl import read_ctl
    from .dis91 import read_dis91
    from .ref01 import read_ref01

    return {
        Kind.DIS91: read_dis91,
        Kind.REF01: read_ref01,
        Kind.BIN01: read_bin01,
        Kind.CTL01: read_ctl,
        Kind.CTL02: read_ctl,
        Kind.CTL03: read_ctl,
    }


def read_interchange(interchange: Interchange) -> list[EdifactMessage]:
    """Every message of an opened interchange; :class:`ParseError` when the envelope or a message
    cannot be made sense of."""
    fatal = next((i for i in interchange.issues if i.rule in FATAL), None)
    if fatal is not None:
        raise ParseError(
            fatal.rule,
            Bilingual(
                f"{fatal.location or ''}: {fatal.message('da')}",
                f"{fatal.location or ''}: {fatal.message('en')}",
            ),
            line=fatal.line,
        )
    readers = _readers()
    messages: list[EdifactMessage] = []
    for message in interchange.messages:
        found = message.type
        reader = readers.get(found.kind) if found is not None and found.kind is not None else None
        if reader is None:
            raise ParseError(
                "edifact.message-unsupported",
                Bilingual(
                    f"Meddelelsen {message.name()} kan ikke læses af medcomkit (endnu ikke understøttet).",
                    f"The message {message.name()} cannot be read by medcomkit (not supported).",
                ),
            )
        messages.append(reader(interchange, message))
    return messages


def read_edifact(data: bytes) -> list[EdifactMessage]:
    """Every message of an EDIFACT interchange as neutral model objects (usually exactly one)."""
    return read_interchange(open_interchange(data))
