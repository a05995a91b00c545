"""SOR, Sundhedsvæsenets Organisationsregister: load an export, look units up, walk the hierarchy.

Every MedCom message is addressed by an EAN location number (lokationsnummer) registered in SOR, and a
location number can only exchange the message types registered on it (SOR-EDI). SOR has three levels:
institution owner (IE: region, kommune, stat, privat) → health institution (SI: hospital, kommunal
forvaltning, practice) → organisational units (OE, which nest). Units inherit location numbers and
addresses from above.

Loading an export is :mod:`medcomkit.sor.readers`' job; the demo codes are :mod:`medcomkit.sor.demo`'s.
The registry holds the normalised table (a pandas DataFrame indexed by SOR code, see :data:`COLUMNS`) and
answers lookups from indexes built once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.errors import LandscapeLookupError, SorLookupError
from ..core.lang import Bilingual, Lang
from ..landscape import fold_name, fold_names, municipality
from ..model.identifiers import GlnProblem, gln_check_digit, gln_problems, sor_code_ok
from ..model.messages import Address, Organisation, OrgIdKind
from .codes import (
    MALFORMED_CODE,
    MALFORMED_EAN,
    NO_LOCATION_NUMBER,
    NO_MATCH,
    NO_MESSAGE_TYPES,
    UNKNOWN_CODE,
    UNKNOWN_EAN,
    UNKNOWN_MUNICIPALITY,
)
from .demo import is_demo_ean, is_demo_sor
from .index import NameIndex, NameRanks

__all__ = [
    "COLUMNS",
    "SorFormat",
    "SorLookupError",
    "SorProblem",
    "SorRegistry",
    "SorUnit",
    "location_number_request",
]

SorFormat = Literal["auto", "sor-csv", "sor2-csv", "sor-xml", "medcomkit"]
Level = Literal["IE", "SI", "OE"]

#: Columns of the normalised table (its index is ``sor`` too).
COLUMNS: tuple[str, ...] = (
    "sor",  # the unit's SOR code
    "parent_sor",  # the unit above it ("" for an institution owner)
    "level",  # IE, SI or OE
    "name",
    "type",  # unit type as text (SNOMED codes in the XML export are named where known)
    "ean",  # location number, own or inherited ("" when the unit has none)
    "ean_inherited",  # True when the location number comes from a unit above
    "institution_owner_sor",  # the IE at the top of the unit's branch
    "health_institution_sor",  # the SI of the unit's branch ("" for an IE)
    "municipality_code",  # three digits, from the address or the owning municipality
    "municipality",  # the municipality's name
    "region",
    "street",
    "postcode",
    "city",
    "address_inherited",  # True when the address comes from a unit above
    "phone",
    "email",
    "speciality",
    "system",  # journal system registered on the location number, where the data has it
    "message_types",  # tuple of message types registered on the location number (SOR-EDI)
    "line",  # where the unit is in the source file (line of its row or element)
)

MAX_DEPTH = 64  # SOR nests a handful of levels; more means a cycle


@dataclass(frozen=True, slots=True)
class SorProblem:
    """Something wrong with one unit of an export: where, which column, the value and why."""

    line: int | None
    column: str
    value: str
    text: Bilingual

    def message(self, lang: Lang = "da") -> str:
        where = (f"linje {self.line}" if lang == "da" else f"line {self.line}") if self.line else ""
        column = f"{'kolonne' if lang == 'da' else 'column'} {self.column}"
        return f"{where}, {column}: {self.text.get(lang)}" if where else f"{column}: {self.text.get(lang)}"


@dataclass(frozen=True, slots=True)
class SorUnit:
    """One SOR unit with what it inherits already resolved."""

    sor: str
    name: str
    level: str
    parent_sor: str | None
    type: str | None
    ean: str | None
    ean_inherited: bool
    institution_owner_sor: str | None
    health_institution_sor: str | None
    municipality_code: str | None
    municipality: str | None
    region: str | None
    street: str | None
    postcode: str | None
    city: str | None
    address_inherited: bool
    phone: str | None
    email: str | None
    speciality: str | None
    system: str | None
    message_types: tuple[str, ...] = field(default=())
    line: int | None = None

    @property
    def is_demo(self) -> bool:
        """True when both codes are demo codes (see :func:`is_demo_sor`, :func:`is_demo_ean`)."""
        return is_demo_sor(self.sor) and (self.ean is None or is_demo_ean(self.ean))

    def receives(self, message_type: str) -> bool:
        """Whether ``message_type`` is registered on the unit's location number."""
        return message_type in self.message_types

    def to_dict(self) -> dict[str, str | None]:
        """The unit for JSON: ``sor``, ``ean``, ``name``, ``parent_sor``, ``municipality``, ``type``."""
        return {
            "sor": self.sor,
            "ean": self.ean,
            "name": self.name,
            "parent_sor": self.parent_sor,
            "municipality": self.municipality,
            "type": self.type,
        }

    def to_text(self, lang: Lang = "da") -> str:
        """A few lines for people: name, codes, level and type, place, parent, message types."""
        da = lang == "da"
        if self.ean:
            inherited = (" (arvet)" if da else " (inherited)") if self.ean_inherited else ""
            ean = f"EAN {self.ean}{inherited}"
        else:
            ean = "intet lokationsnummer" if da else "no location number"
        kind = f"{self.level}, {self.type}" if self.type else self.level
        lines = [self.name, f"  SOR {self.sor} · {ean} · {kind}"]
        place = ", ".join(p for p in (self.municipality, self.region) if p)
        if place:
            lines.append(f"  {place}")
        if self.parent_sor:
            lines.append(f"  {'under' if da else 'parent'} {self.parent_sor}")
        if self.message_types:
            lines.append(f"  {'meddelelsestyper' if da else 'message types'}: {' '.join(self.message_types)}")
        return "\n".join(lines)

    def to_organisation(
        self, *, name: str | None = None, department: str | None = None, unit: str | None = None
    ) -> Organisation:
        """The unit as a message party: its location number, SOR code, postal address and name.

        OIOXML allows 35 characters for the organisation, department and unit names, and SOR names are
        often longer: pass the short names the receiver should see (``name="Odense Kommune",
        department="PPR"``); the SOR name is used when ``name`` is not given.
        """
        if not self.ean:
            raise SorLookupError(
                NO_LOCATION_NUMBER,
                Bilingual(
                    f"{self.name} (SOR {self.sor}) har intet lokationsnummer og kan ikke få meddelelser.",
                    f"{self.name} (SOR {self.sor}) has no location number and cannot receive messages.",
                ),
            )
        address = (
            Address(street=self.street, city=self.city, postcode=self.postcode)
            if (self.street or self.city or self.postcode)
            else None
        )
        return Organisation(
            ean=self.ean,
            name=name or self.name,
            identifier=self.sor,
            identifier_kind=OrgIdKind.SOR,
            department=department,
            unit=unit,
            address=address,
            phone=self.phone,
        )


# --- the registry ----------------------------------------------------------------------------------


class SorRegistry:
    """A loaded SOR export: the normalised :attr:`table` and lookups on it.

    Treat :attr:`table` as read-only; lookups use indexes built once, when the registry is made.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        source: str,
        demo: bool = False,
        has_message_types: bool = False,
        problems: Iterable[SorProblem] = (),
    ) -> None:
        self.table = table
        self.source = source
        self.demo = demo
        self.has_message_types = has_message_types
        self.problems = tuple(problems)
        self._positions = pd.Series(np.arange(len(table)), index=table.index)
        self._children: dict[str, np.ndarray[Any, Any]] = {
            str(k): np.asarray(v) for k, v in table.groupby("parent_sor", sort=False).indices.items() if k
        }
        # Location number → its units: the owner of the number first, then the units inheriting it.
        self._by_ean: dict[str, list[str]] = {}
        eans, codes, inherited = (
            table["ean"].to_numpy(),
            table.index.to_numpy(),
            table["ean_inherited"].to_numpy(),
        )
        for wanted in (False, True):
            for ean, code, flag in zip(eans, codes, inherited, strict=True):
                if ean and flag == wanted:
                    self._by_ean.setdefault(str(ean), []).append(str(code))
        self._names = NameIndex(table["key"].tolist())
        self._ranks = NameRanks(table["name_key"].tolist())
        self._columns = {column: table[column].to_numpy() for column in table.columns}

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._positions.index

    def __repr__(self) -> str:
        demo = ", demo" if self.demo else ""
        return f"<SorRegistry {self.source}: {len(self)} units{demo}>"

    @property
    def label(self) -> Bilingual:
        """How messages name the registry."""
        if self.demo:
            return Bilingual("demoregistret (fiktive data)", "the demo registry (fictitious data)")
        return Bilingual(self.source, self.source)

    # --- single units

    def unit(self, code: str) -> SorUnit:
        """The unit with SOR code ``code``; :class:`SorLookupError` if it is malformed or unknown."""
        text = code.strip()
        if not sor_code_ok(text):
            raise SorLookupError(
                MALFORMED_CODE,
                Bilingual(
                    f"{text!r} er ikke en SOR-kode: en SOR-kode består af mindst 11 cifre.",
                    f"{text!r} is not a SOR code: a SOR code has at least 11 digits.",
                ),
            )
        if text not in self._positions.index:
            raise SorLookupError(
                UNKNOWN_CODE,
                Bilingual(
                    f"SOR-koden {text} findes ikke i {self.label.da}.",
                    f"The SOR code {text} is not in {self.label.en}.",
                ),
            )
        return self._unit_at(int(self._positions[text]))

    def by_ean(self, ean: str) -> list[SorUnit]:
        """The units that have location number ``ean``: its owner first, then the units inheriting it."""
        text = ean.strip()
        problems = gln_problems(text)
        if problems:
            if problems[0] is GlnProblem.CHECK_DIGIT:
                expected = gln_check_digit(text[:12])
                why = Bilingual(
                    f"kontrolcifferet passer ikke (det skulle være {expected}) — tjek for en tastefejl",
                    f"the check digit does not match (it should be {expected}) — check for a typo",
                )
            else:
                why = Bilingual("et lokationsnummer er 13 cifre", "a location number has 13 digits")
            raise SorLookupError(
                MALFORMED_EAN,
                Bilingual(
                    f"{text!r} er ikke et gyldigt lokationsnummer: {why.da}.",
                    f"{text!r} is not a valid location number: {why.en}.",
                ),
            )
        codes = self._by_ean.get(text)
        if not codes:
            raise SorLookupError(
                UNKNOWN_EAN,
                Bilingual(
                    f"Lokationsnummeret {text} findes ikke i {self.label.da}.",
                    f"The location number {text} is not in {self.label.en}.",
                ),
            )
        return [self.unit(c) for c in codes]

    def search(self, name: str, *, limit: int | None = None) -> list[SorUnit]:
        """Units whose name (or municipality) contains every word of ``name``, forgiving Danish spelling.

        ``"Ålborg ppr"``, ``"aalborg PPR"`` and ``"alborg ppr"`` find the same units. Exact names come
        first, then names that start with the query, then the rest; each group in registry order.
        """
        key = fold_name(name)
        if not key:
            return []
        matches = self._names.matches(key.split(), len(self.table))
        positions = self._ranks.ranked(key, matches, limit)
        return [self._unit_at(int(p)) for p in positions]

    def lookup(self, query: str, *, limit: int | None = None) -> list[SorUnit]:
        """Whatever ``query`` is: a location number (13 digits), a SOR code (11 or more digits), a
        municipality code (3–4 digits) or a name. Raises :class:`SorLookupError` when nothing matches.

        Names are ranked as :meth:`search` ranks them; ``limit`` keeps the first that many units.
        """
        found = self._lookup(query, limit)
        return found if limit is None else found[:limit]

    def _lookup(self, query: str, limit: int | None) -> list[SorUnit]:
        text = query.strip()
        digits = text.replace(" ", "")
        if digits.isdigit():
            if len(digits) == 13:
                return self.by_ean(digits)
            if len(digits) >= 11:
                return [self.unit(digits)]
            if 3 <= len(digits) <= 4:
                found = self.in_municipality(digits)
                if found:
                    return found
                raise SorLookupError(
                    NO_MATCH,
                    Bilingual(
                        f"{self.label.da} har ingen enheder i kommune {digits}.",
                        f"{self.label.en} has no units in municipality {digits}.",
                    ),
                )
            raise SorLookupError(
                MALFORMED_CODE,
                Bilingual(
                    f"{text!r} er hverken en SOR-kode (mindst 11 cifre), et lokationsnummer (13 cifre) "
                    "eller en kommunekode (3 cifre).",
                    f"{text!r} is neither a SOR code (11 or more digits), a location number (13 digits) "
                    "nor a municipality code (3 digits).",
                ),
            )
        found = self.search(text, limit=limit)
        if not found:
            raise SorLookupError(
                NO_MATCH,
                Bilingual(
                    f"Ingen enheder i {self.label.da} passer på {text!r}.",
                    f"No unit in {self.label.en} matches {text!r}.",
                ),
            )
        return found

    def in_municipality(self, query: str) -> list[SorUnit]:
        """Every unit in a municipality, given by code or (forgiving) name, in registry order."""
        return self.units(self.select(municipality=query))

    # --- the hierarchy

    def parent(self, code: str) -> SorUnit | None:
        """The unit above ``code``, or ``None`` for an institution owner."""
        parent = self.unit(code).parent_sor
        return self.unit(parent) if parent and parent in self else None

    def ancestors(self, code: str) -> list[SorUnit]:
        """The units above ``code``, nearest first, up to the institution owner."""
        chain: list[SorUnit] = []
        current = self.parent(code)
        while current is not None and len(chain) < MAX_DEPTH:
            chain.append(current)
            current = self.parent(current.sor)
        return chain

    def children(self, code: str) -> list[SorUnit]:
        """The units directly below ``code``, in registry order."""
        self.unit(code)  # a clear error for a malformed or unknown code
        return [self._unit_at(int(p)) for p in self._children.get(code.strip(), ())]

    def descendants(self, code: str) -> list[SorUnit]:
        """Every unit below ``code``, depth first."""
        return [unit for unit, _ in self._walk(code.strip(), 0)][1:]

    def tree(self, code: str, *, lang: Lang = "da") -> str:
        """``code`` and everything below it as indented text, with location numbers."""
        lines = []
        inherited = " (arvet)" if lang == "da" else " (inherited)"
        for unit, depth in self._walk(code.strip(), 0):
            ean = f", EAN {unit.ean}{inherited if unit.ean_inherited else ''}" if unit.ean else ""
            lines.append(f"{'    ' * depth}{unit.level} {unit.name} — SOR {unit.sor}{ean}")
        return "\n".join(lines)

    def _walk(self, code: str, depth: int) -> Iterator[tuple[SorUnit, int]]:
        yield self.unit(code), depth
        if depth < MAX_DEPTH:
            for position in self._children.get(code, ()):
                yield from self._walk(str(self.table.index[int(position)]), depth + 1)

    # --- selections

    def select(
        self,
        *,
        level: str | None = None,
        type: str | None = None,
        municipality: str | None = None,
        region: str | None = None,
        speciality: str | None = None,
        receives: str | None = None,
    ) -> pd.DataFrame:
        """The rows of :attr:`table` that match every criterion given.

        ``type``, ``region`` and ``speciality`` match words forgivingly; ``municipality`` is a code or a
        name; ``receives`` is a message type registered on the unit's location number.
        """
        mask = pd.Series(True, index=self.table.index)
        if level is not None:
            mask &= self.table["level"] == level
        for column, wanted in (("type", type), ("region", region), ("speciality", speciality)):
            if wanted is not None:
                mask &= fold_names(self.table[column]).str.contains(fold_name(wanted), regex=False)
        if municipality is not None:
            mask &= self._municipality_mask(municipality)
        if receives is not None:
            mask &= self.table["message_types"].map(lambda types: receives in types).astype(bool)
        return self.table[mask]

    def _municipality_mask(self, query: str) -> pd.Series:
        text = query.strip()
        try:
            return self.table["municipality_code"] == municipality(text).code
        except LandscapeLookupError:
            pass  # not one of the 98: perhaps a municipality only this registry knows (the demo's)
        if text.isdigit():
            mask = self.table["municipality_code"] == str(int(text))
        else:
            key = fold_name(text)
            mask = fold_names(self.table["municipality"]) == key if key else self.table["sor"] == ""
        if not mask.any():
            raise SorLookupError(
                UNKNOWN_MUNICIPALITY,
                Bilingual(
                    f"Ingen kommune i {self.label.da} passer på {text!r}.",
                    f"No municipality in {self.label.en} matches {text!r}.",
                ),
            )
        return mask

    def units(self, rows: pd.DataFrame) -> list[SorUnit]:
        """The units of some rows of :attr:`table` (for instance a :meth:`select`)."""
        return [self._unit_at(int(self._positions[c])) for c in rows.index]

    def general_practices(self, municipality: str) -> list[SorUnit]:
        """The GP clinics (health institutions of type *almen lægepraksis*) in a municipality."""
        return self.units(self.select(level="SI", type="almen lægepraksis", municipality=municipality))

    def child_psychiatry(self, region: str) -> list[SorUnit]:
        """The units with the speciality *børne- og ungdomspsykiatri* and their own location number in a
        region — where a referral to child and adolescent psychiatry (BUP) goes."""
        rows = self.select(speciality="børne- og ungdomspsykiatri", region=region)
        return self.units(rows[~rows["ean_inherited"] & (rows["ean"] != "")])

    def can_receive(self, ean: str, message_type: str) -> bool:
        """Whether ``message_type`` is registered on location number ``ean``.

        Raises :class:`SorLookupError` when the registry has no message types at all (the SOR exports
        do not carry SOR-EDI; add them with :meth:`with_message_types`), or does not know ``ean``.
        """
        if not self.has_message_types:
            raise SorLookupError(
                NO_MESSAGE_TYPES,
                Bilingual(
                    f"{self.label.da} indeholder ingen meddelelsestyper (SOR-EDI). Tilføj dem med "
                    "with_message_types().",
                    f"{self.label.en} holds no message types (SOR-EDI). Add them with with_message_types().",
                ),
            )
        return self.by_ean(ean)[0].receives(message_type)

    def with_message_types(self, edi: pd.DataFrame) -> SorRegistry:
        """A copy with the message types of ``edi`` (columns ``ean`` and ``message_type``, one row per
        type and location number — e.g. SOR's LocationsCodeEDITypeMap with its columns renamed)."""
        missing = {"ean", "message_type"} - set(edi.columns)
        if missing:
            raise ValueError(
                f"edi needs the columns ean and message_type; missing: {', '.join(sorted(missing))}"
            )
        types = types_per_ean(edi["ean"].astype(str), edi["message_type"].astype(str))
        table = self.table.copy()
        table["message_types"] = pd.Series(
            [types.get(e, ()) for e in table["ean"]], index=table.index, dtype=object
        )
        return SorRegistry(
            table, source=self.source, demo=self.demo, has_message_types=True, problems=self.problems
        )

    def _unit_at(self, position: int) -> SorUnit:
        # Read from the column arrays: building a row with iloc costs far more than the unit itself.
        row = {column: values[position] for column, values in self._columns.items()}

        def text(column: str) -> str | None:
            value = row[column]
            return str(value) if isinstance(value, str) and value else None

        line = row["line"]
        return SorUnit(
            sor=str(row["sor"]),
            name=str(row["name"]),
            level=str(row["level"]),
            parent_sor=text("parent_sor"),
            type=text("type"),
            ean=text("ean"),
            ean_inherited=bool(row["ean_inherited"]),
            institution_owner_sor=text("institution_owner_sor"),
            health_institution_sor=text("health_institution_sor"),
            municipality_code=text("municipality_code"),
            municipality=text("municipality"),
            region=text("region"),
            street=text("street"),
            postcode=text("postcode"),
            city=text("city"),
            address_inherited=bool(row["address_inherited"]),
            phone=text("phone"),
            email=text("email"),
            speciality=text("speciality"),
            system=text("system"),
            message_types=tuple(row["message_types"]),
            line=int(line) if line else None,
        )


def location_number_request(unit: SorUnit, *, system: str, action: str = "bestille") -> str:
    """The e-mail a municipality's SOR lead sends to Sundhedsdatastyrelsen to order (``"bestille"``),
    change (``"ændre"``) or close (``"nedlægge"``) a location number: to SORpost@sundhedsdata.dk, with the
    unit's SOR code, its location number when there is one to change or close, and the journal system."""
    lines = [
        "Til: SORpost@sundhedsdata.dk",
        f"Emne: Lokationsnummer — {action} for SOR-enhed {unit.sor}",
        "",
        f"Vi vil gerne {action} et lokationsnummer for denne SOR-enhed:",
        f"  SOR-kode: {unit.sor}",
        f"  Enhed: {unit.name}",
    ]
    if unit.ean and not unit.ean_inherited and action != "bestille":
        lines.append(f"  Lokationsnummer: {unit.ean}")
    if unit.municipality:
        lines.append(f"  Kommune: {unit.municipality}")
    lines += [f"  Journalsystem: {system}", "", "Med venlig hilsen", "Kommunens SOR-ansvarlige"]
    return "\n".join(lines)


def types_per_ean(eans: Iterable[str], values: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Location number → the message types registered on it, in the order first met, without repeats."""
    collected: dict[str, dict[str, None]] = {}
    for ean, value in zip(eans, values, strict=True):
        collected.setdefault(str(ean), {}).update(dict.fromkeys(str(value).replace(",", " ").split()))
    return {ean: tuple(types) for ean, types in collected.items()}
