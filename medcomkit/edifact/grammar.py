"""Segment order and repetition per message type, as MedCom's messages lay them out.

A grammar is a sequence of segments and segment groups, each with how often it may occur; a
group begins with its trigger segment (MedCom's explicit group markers S01, S02 … or, for
BIN01 and the receipts, UNO and UCM). Matching is one greedy pass, as EDIFACT's design allows,
so its cost is linear in the number of segments.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.kinds import Kind

__all__ = ["GRAMMARS", "Item", "Mismatch", "match"]


@dataclass(frozen=True, slots=True)
class Item:
    """A segment (no ``children``) or a group whose first child is its trigger segment."""

    tag: str
    min: int = 1
    max: int = 1
    children: tuple[Item, ...] = ()


def seg(tag: str, low: int = 1, high: int = 1) -> Item:
    return Item(tag, low, high)


def group(tag: str, low: int, high: int, *children: Item) -> Item:
    return Item(tag, low, high, (seg(tag), *children))


_PARTY = (seg("NAD"), seg("ADR", 0), seg("CON", 0), seg("RFF", 0), seg("SEQ"), seg("SPR", 0))
_HEAD = (seg("BGM"), seg("DTM"))

GRAMMARS: dict[Kind, tuple[Item, ...]] = {
    Kind.DIS91: (
        *_HEAD,
        group("S01", 2, 2, *_PARTY),
        group("S02", 1, 1, seg("GIS"), seg("RFF", 1, 2), seg("DTM")),
        group("S07", 1, 1, seg("PNA"), seg("RFF", 0), seg("ADR", 0), seg("EMP", 0)),
        group("S11", 1, 1, seg("GIS"), seg("RFF"), seg("SEQ"), seg("PAS")),
        # Ten text blocks of at most nine FTX, and one group of attachment references.
        group("S14", 0, 11, seg("FTX", 0, 99)),
    ),
    Kind.BIN01: (
        *_HEAD,
        group("S01", 2, 2, *_PARTY),
        group("S02", 1, 1, seg("GIS"), seg("RFF"), seg("DTM")),
        group("S07", 1, 1, seg("PNA"), seg("RFF", 0)),
        group("S11", 0, 1, group("UNO", 1, 10, seg("UNP"))),
    ),
    Kind.REF01: (
        *_HEAD,
        group("S01", 3, 4, *_PARTY),
        group("S02", 1, 1, seg("GIS"), seg("RFF"), seg("DTM"), seg("CIN", 0, 99), seg("FTX", 0, 9)),
        group("S06", 0, 1, seg("STS")),
        group("S07", 1, 1, seg("PNA"), seg("RFF", 0), seg("ADR", 0), seg("CON", 0, 9), seg("EMP", 0)),
        group("S10", 0, 1, seg("REL"), seg("PNA")),
        group("S12", 0, 5, seg("FTX", 1, 10)),
        group("S18", 0, 1, seg("GIS"), seg("PTY", 0), seg("FTX", 0, 99), seg("PAS", 0)),
        group("S19", 0, 1, seg("STS", 0), seg("TDT", 0), seg("FTX", 0, 9)),
    ),
}
_RECEIPT = (seg("UCI"), seg("FTX", 0), group("UCM", 0, 99, seg("FTX", 0)))
GRAMMARS.update(dict.fromkeys((Kind.CTL01, Kind.CTL02, Kind.CTL03), _RECEIPT))


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Where the segments leave the grammar: the index of the offending segment (``len`` of the
    list when the message ends too early) and either the tag that was missing or ``None`` for an
    unexpected segment; ``expected`` lists what could have come there."""

    index: int
    missing: str | None
    expected: tuple[str, ...]


def match(grammar: tuple[Item, ...], tags: list[str]) -> Mismatch | None:
    """The first place ``tags`` breaks ``grammar``, or ``None`` when they fit."""
    position, problem = _match(grammar, tags, 0, frozenset())
    if problem is not None:
        return problem
    if position < len(tags):
        return Mismatch(position, None, _after(grammar, tags, position))
    return None


def _match(
    items: tuple[Item, ...], tags: list[str], position: int, outer: frozenset[str]
) -> tuple[int, Mismatch | None]:
    """Match ``items`` from ``position``; ``outer`` holds the tags that may follow them."""
    for index, item in enumerate(items):
        count = 0
        while position < len(tags) and count < item.max and tags[position] == item.tag:
            if item.children:
                after = outer | {i.tag for i in items[index:]}
                position, problem = _match(item.children[1:], tags, position + 1, after)
                if problem is not None:
                    return position, problem
            else:
                position += 1
            count += 1
        if count < item.min:
            later = outer | {i.tag for i in items[index:]}
            if position < len(tags) and tags[position] not in later:
                return position, Mismatch(position, None, ())  # e.g. one repetition too many
            following = tuple(i.tag for i in items[index:] if i.min == 0 or i is item)
            return position, Mismatch(position, item.tag, following[:6])
    return position, None


def _after(grammar: tuple[Item, ...], tags: list[str], position: int) -> tuple[str, ...]:
    """The tags that may follow the segment before ``position`` (for a readable message)."""
    names: list[str] = []
    for item in grammar:
        names.append(item.tag)
        names.extend(child.tag for child in item.children[1:])
    return tuple(dict.fromkeys(names))[:12]
