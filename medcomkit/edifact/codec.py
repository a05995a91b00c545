"""The EDIFACT codec as the dispatcher sees it: an interchange of DIS91, REF01, BIN01 or CTL01–03."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..codecs import Codec, Probe
from ..core.kinds import Kind
from ..core.report import Issue

if TYPE_CHECKING:
    from ..model.messages import Message

__all__ = ["CODEC", "is_edifact"]

KINDS = frozenset({Kind.DIS91, Kind.REF01, Kind.BIN01, Kind.CTL01, Kind.CTL02, Kind.CTL03})


def is_edifact(data: bytes) -> bool:
    """True when the bytes start as an EDIFACT interchange does: UNA or UNB, after blank lines or a
    byte-order mark (XML and JSON never do)."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:3] in (b"UNA", b"UNB")


def _sniff(probe: Probe) -> Kind | None:
    return Kind.UNKNOWN if probe.head[:3] in (b"UNA", b"UNB") else None  # the kind shows on reading


def _validate(probe: Probe) -> tuple[Kind, list[Issue]]:
    from .validate import validate_edifact

    return validate_edifact(probe.data)


def _read(probe: Probe) -> list[Message]:
    from .read import read_edifact

    return list(read_edifact(probe.data))


def _build(message: Message) -> bytes:
    from .build import build_edifact

    return build_edifact(message)


CODEC = Codec(name="edifact", kinds=KINDS, sniff=_sniff, validate=_validate, read=_read, build=_build)
