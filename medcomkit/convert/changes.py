"""What a conversion between the two generations lost, invented or rewrote, so a guide can show it
and a vendor can check it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from ..core.lang import Bilingual, Lang
from ..model.messages import Organisation, ThreadEvent

__all__ = ["Change", "ChangeKind", "Conversion", "Correlation", "Notes", "cite"]

T = TypeVar("T")


class ChangeKind(StrEnum):
    LOST = "lost"  # in the source, nowhere in the result
    INVENTED = "invented"  # a default or generated value the source did not have
    REWRITTEN = "rewritten"  # carried, but in another form or place


_KIND_NAMES = {
    ChangeKind.LOST: Bilingual("tabt", "lost"),
    ChangeKind.INVENTED: Bilingual("tilføjet", "invented"),
    ChangeKind.REWRITTEN: Bilingual("omskrevet", "rewritten"),
}


# The mapping documents a change can cite: "<sheet>:<row name>", e.g. "2:Episode of care identifier".
_SHEETS = {
    "1": Bilingual("XDIS91-mapningen ark 1 (XDIS91→CC)", "the XDIS91 mapping, sheet 1 (XDIS91→CC)"),
    "2": Bilingual("XDIS91-mapningen ark 2 (CC→XDIS91)", "the XDIS91 mapping, sheet 2 (CC→XDIS91)"),
    "3": Bilingual("XDIS91-mapningen ark 3 (med XBIN01)", "the XDIS91 mapping, sheet 3 (with XBIN01)"),
    "4": Bilingual("XDIS91-mapningen ark 4 (med XBIN01)", "the XDIS91 mapping, sheet 4 (with XBIN01)"),
    "X1": Bilingual("XCTL-mapningen ark 1 (XCTL→Ack)", "the XCTL mapping, sheet 1 (XCTL→Ack)"),
    "X2": Bilingual("XCTL-mapningen ark 2 (Ack→XCTL)", "the XCTL mapping, sheet 2 (Ack→XCTL)"),
    "UC": Bilingual("use case-dokumentet for konverteringen", "the conversion use-case document"),
    "": Bilingual("medcomkit (mapningen siger intet)", "medcomkit (the mapping says nothing)"),
}


def cite(mapping: str, lang: Lang = "da") -> str:
    """The mapping row a change follows, in words: ``2:Subject`` → sheet 2, row «Subject»."""
    sheet, _, row = mapping.partition(":")
    where = _SHEETS.get(sheet, _SHEETS[""]).get(lang)
    return f"{where}, «{row}»" if row else where


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between source and result: where it was, where it went, why, and which row
    of MedCom's mapping spreadsheet (``"<sheet>:<row name>"``; "" for medcomkit's own) says so."""

    kind: ChangeKind
    source: str  # the element in the source format ("" when invented)
    target: str  # the element in the result ("" when lost)
    note: Bilingual
    mapping: str = ""

    def row(self, lang: Lang = "da") -> dict[str, str]:
        return {
            "ændring" if lang == "da" else "change": _KIND_NAMES[self.kind].get(lang),
            "fra" if lang == "da" else "from": self.source or "—",
            "til" if lang == "da" else "to": self.target or "—",
            "hvorfor" if lang == "da" else "why": self.note.get(lang),
            "regel" if lang == "da" else "rule": cite(self.mapping, lang),
        }


@dataclass(frozen=True, slots=True)
class Correlation:
    """The ids that tie a message in one generation to its counterpart in the other, as the
    conversion service keeps them to turn acknowledgements and XCTL receipts into each other."""

    fhir_bundle_id: str
    fhir_header_id: str
    oioxml_envelope_id: str
    oioxml_letter_id: str
    fhir_sender: Organisation
    fhir_receiver: Organisation
    xbin_envelope_id: str | None = None
    xbin_letter_id: str | None = None
    oioxml_version: str = "XD9134L"
    xbin_version: str = "XB0131X"
    # The FHIR message's own Provenance, which its Acknowledgement copies.
    fhir_event: ThreadEvent | None = None
    # When the XBIN01 could not be converted: the note MedCom's service adds to the XCTL.
    conversion_problem: str | None = None


@dataclass(frozen=True, slots=True)
class Conversion(Generic[T]):
    """A converted message (or receipts), the changes made on the way, and the id correlation."""

    result: T
    changes: tuple[Change, ...]
    correlation: Correlation

    def rows(self, lang: Lang = "da") -> list[dict[str, str]]:
        """The changes as table rows (for a guide, a report or ``pandas.DataFrame``)."""
        return [change.row(lang) for change in self.changes]

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind is kind]


@dataclass(slots=True)
class Notes:
    """Collects changes while a conversion walks a message."""

    changes: list[Change] = field(default_factory=list)

    def lost(self, source: str, da: str, en: str, mapping: str = "") -> None:
        self.changes.append(Change(ChangeKind.LOST, source, "", Bilingual(da, en), mapping))

    def invented(self, target: str, da: str, en: str, mapping: str = "") -> None:
        self.changes.append(Change(ChangeKind.INVENTED, "", target, Bilingual(da, en), mapping))

    def rewritten(self, source: str, target: str, da: str, en: str, mapping: str = "") -> None:
        self.changes.append(Change(ChangeKind.REWRITTEN, source, target, Bilingual(da, en), mapping))

    def extend(self, more: Sequence[Change]) -> None:
        self.changes.extend(more)
