"""Pairing each XDIS91 with the XBIN01 that carries its attachments, by ObjectIdentifier.

VANS delivers the two as separate files, so a batch of inputs is sorted out once: one dictionary
from object key to the XBIN01s holding it makes the pairing linear in the number of files and
objects. Every XBIN01 ends up claimed by an XDIS91 or left over, and the caller must say what
happens to each one left over (nothing is dropped here).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model.messages import AttachmentMessage, CareMessage
from ..oioxml.xbin01 import object_key

__all__ = ["Pairing", "pair_attachments"]


@dataclass(frozen=True, slots=True)
class Pairing:
    """For each XDIS91 (by position) the position of its XBIN01 or ``None``; and the positions of
    the XBIN01s no XDIS91 refers to."""

    binary_of: tuple[int | None, ...]
    unclaimed: tuple[int, ...]


def referenced_keys(letter: CareMessage) -> list[str]:
    """The object keys of the attachments an XDIS91 expects in an XBIN01 (not links or SUP)."""
    return [
        object_key(a.identifier)
        for a in letter.attachments
        if a.identifier and a.url is None and not a.supplementary
    ]


def pair_attachments(letters: Sequence[CareMessage], binaries: Sequence[AttachmentMessage]) -> Pairing:
    """Pair letters and binaries: each letter gets the XBIN01 holding most of its attachments (the
    first given on a tie); an XBIN01 may serve several letters that refer to the same objects."""
    holders: dict[str, list[int]] = {}
    for index, binary in enumerate(binaries):
        for attachment in binary.attachments:
            if attachment.identifier:
                holders.setdefault(object_key(attachment.identifier), []).append(index)
    claimed: set[int] = set()
    binary_of: list[int | None] = []
    for letter in letters:
        votes: Counter[int] = Counter()
        for key in referenced_keys(letter):
            votes.update(dict.fromkeys(holders.get(key, ()), 1))
        if votes:
            best = max(votes.items(), key=lambda item: (item[1], -item[0]))[0]
            binary_of.append(best)
            claimed.add(best)
        else:
            binary_of.append(None)
    unclaimed = tuple(i for i in range(len(binaries)) if i not in claimed)
    return Pairing(tuple(binary_of), unclaimed)
