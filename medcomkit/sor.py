"""SOR, Sundhedsvæsenets Organisationsregister: load an export, look units up, walk the hierarchy.

Every MedCom message is addressed by an EAN location number (lokationsnummer) registered in SOR, and a
location number can only exchange the message types registered on it (SOR-EDI). SOR has three levels:
institution owner (IE: region, kommune, stat, privat) → health institution (SI: hospital, kommunal
forvaltning, practice) → organisational units (OE, which nest). Units inherit location numbers and
addresses from above.

:func:`load_sor` reads the three export formats Sundhedsdatastyrelsen publishes into one normalised
table (a pandas DataFrame indexed by SOR code, see :data:`COLUMNS`):

* ``sor-csv`` — the legacy semicolon-separated ``sor.csv`` (``SOR-kode``, ``Parent-SOR-kode``,
  ``Enhedsnavn``, ``Enhedstype``, ``Lokationsnummer``, ``Nedarvningsstatus``, ``P_…``/``A_…`` address
  fields);
* ``sor2-csv`` — the SOR2 daily ``SorEntity`` CSV (``SorId``, ``SorType``, ``EntityName``,
  ``EntityTypeName``, ``HealthInstitutionSorId``, address prefixes ``PostalAddress…``/``VisitingAddress…``);
* ``sor-xml`` — the SOR XML export v2 (``InstitutionOwnerEntity`` → ``HealthInstitutionEntity`` →
  ``OrganizationalUnitEntity``), read as a stream so a full export does not have to fit in memory twice;

and medcomkit's own normalised CSV (``medcomkit``), in which the embedded demo registry is written.

The demo registry (:func:`demo_registry`) is **fictitious**: the 98 real municipalities with a made-up
PPR unit and § 126 a unit each, a few GP clinics, the five regions' child and adolescent psychiatry and
the parties of :mod:`medcomkit.demo`. Its location numbers use GS1 prefix 2 (restricted circulation,
never a real location) and its SOR codes have the pattern of :func:`demo_sor`, which real SOR does not use.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from lxml import etree

from .core.errors import MedcomkitError, ParseError, SourceError
from .core.lang import Bilingual, Lang
from .core.source import unreadable
from .core.xml import check_prolog
from .landscape import LandscapeLookupError, fold_name, fold_names, municipalities, municipality
from .model.identifiers import GlnProblem, gln_check_digit, gln_problems, sor_code_ok
from .model.messages import Address, Organisation, OrgIdKind
from .sor_index import NameIndex, NameRanks

__all__ = [
    "COLUMNS",
    "DEMO_EAN_PREFIX",
    "SorFormat",
    "SorLookupError",
    "SorProblem",
    "SorRegistry",
    "SorUnit",
    "demo_registry",
    "demo_sor",
    "is_demo_ean",
    "is_demo_sor",
    "load_sor",
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

DEMO_EAN_PREFIX = "2"  # GS1 prefixes 20–29: restricted circulation, never assigned to a real location
MAX_SOR_BYTES = 4 * 1024**3  # a full SOR export is a few hundred MB; refuse anything absurd
_MAX_DEPTH = 64  # SOR nests a handful of levels; more means a cycle

# Demo SOR codes: 15 digits, "9999", an eight-digit serial and a three-digit unit number. Real SOR codes
# are SNOMED CT extension identifiers whose seven digits before the last three are Sundhedsdatastyrelsen's
# namespace (1000016, older 1000005); in a demo code those seven digits start with 0, which no namespace
# identifier does (namespaces run from 1000000). So a demo code can never be a real one.
_DEMO_SOR = re.compile(r"9999(0[0-9]{7})[0-9]{3}")
_SOR_NAMESPACES = ("1000016", "1000005")

_KNOWN_TYPE_CODES = {
    # SNOMED CT codes SOR uses for institution types (from NSP's SOR importer)
    "394761003": "Lægepraksis",
    "550671000005100": "Speciallægepraksis",
    "22232009": "Sygehus",
    "264372000": "Apotek",
}
_TRUE = frozenset({"1", "true", "ja", "yes", "y", "j", "nedarvet", "arvet"})
_FALSE = frozenset({"0", "false", "nej", "no", "n", "egen"})
_EXCEL_TEXT = re.compile(r'^="(.*)"$')
_LEVEL_NAMES = {"IE": "IE", "SI": "SI", "OE": "OE", "HI": "SI", "OU": "OE"}


class SorLookupError(MedcomkitError, LookupError):
    """A SOR code, location number or name the registry does not hold, or a query that is no code at all."""


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
                "sor.no-location-number",
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


# --- demo codes ------------------------------------------------------------------------------------


def demo_sor(serial: int, unit: int = 1) -> str:
    """A fictitious SOR code: ``9999``, the eight-digit ``serial`` and the three-digit ``unit``.

    ``demo_sor(126)`` is the SOR code of :data:`medcomkit.demo.SENDER`, whose location number is
    ``medcomkit.demo.demo_gln(126)``. Serials stay below 1,000,000, so the code cannot be a real SOR code
    (see :func:`is_demo_sor`).
    """
    if not 0 <= serial < 1_000_000 or not 0 <= unit < 1000:
        raise ValueError(f"demo serial must be below 1,000,000 and unit below 1000, got {serial}, {unit}")
    return f"9999{serial:08d}{unit:03d}"


def is_demo_sor(code: str) -> bool:
    """True for a code of :func:`demo_sor`'s pattern — which never holds for a real SOR code.

    Real SOR codes carry Sundhedsdatastyrelsen's SNOMED CT namespace (1000016 or 1000005) in the seven
    digits before the last three; demo codes have a 0 first among those seven digits.
    """
    match = _DEMO_SOR.fullmatch(code)
    return match is not None and code[-10:-3] not in _SOR_NAMESPACES


def is_demo_ean(ean: str) -> bool:
    """True for a well-formed location number in GS1's restricted-circulation range (prefix 2)."""
    return ean.startswith(DEMO_EAN_PREFIX) and not gln_problems(ean)


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
                "sor.malformed-code",
                Bilingual(
                    f"{text!r} er ikke en SOR-kode: en SOR-kode består af mindst 11 cifre.",
                    f"{text!r} is not a SOR code: a SOR code has at least 11 digits.",
                ),
            )
        if text not in self._positions.index:
            raise SorLookupError(
                "sor.unknown-code",
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
                "sor.malformed-ean",
                Bilingual(
                    f"{text!r} er ikke et gyldigt lokationsnummer: {why.da}.",
                    f"{text!r} is not a valid location number: {why.en}.",
                ),
            )
        codes = self._by_ean.get(text)
        if not codes:
            raise SorLookupError(
                "sor.unknown-ean",
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
                    "sor.no-match",
                    Bilingual(
                        f"{self.label.da} har ingen enheder i kommune {digits}.",
                        f"{self.label.en} has no units in municipality {digits}.",
                    ),
                )
            raise SorLookupError(
                "sor.malformed-code",
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
                "sor.no-match",
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
        while current is not None and len(chain) < _MAX_DEPTH:
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
        if depth < _MAX_DEPTH:
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
                "sor.unknown-municipality",
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
                "sor.no-message-types",
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
        types = _types_per_ean(edi["ean"].astype(str), edi["message_type"].astype(str))
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


# --- loading ---------------------------------------------------------------------------------------


def load_sor(
    source: bytes | str | os.PathLike[str],
    *,
    format: SorFormat = "auto",
    strict: bool = True,
    max_bytes: int = MAX_SOR_BYTES,
) -> SorRegistry:
    """Load a SOR export (a path, or the bytes of one) into a :class:`SorRegistry`.

    ``format="auto"`` recognises the format from the first bytes and the header. With ``strict`` (the
    default) the first problems in the file — a malformed SOR code or location number, a duplicate, a
    parent that does not exist, a row with the wrong number of fields — raise :class:`ParseError` naming
    the line; with ``strict=False`` the registry is built from what can be read and
    :attr:`SorRegistry.problems` lists the rest. An unreadable path raises :class:`SourceError`.
    """
    name, head, data, path = _open(source, max_bytes)
    chosen = format if format != "auto" else _detect(head, name)
    if chosen == "sor-xml":
        raw = _parse_xml(path if path is not None else data, name)
        has_types = False
    else:
        text = _decode(data if data is not None else Path(str(path)).read_bytes())
        raw, has_types = _parse_csv(text, chosen, name)
    table, problems = _normalise(raw, name, strict=strict, has_message_types=has_types)
    return SorRegistry(table, source=name, has_message_types=has_types, problems=problems)


@cache
def demo_registry() -> SorRegistry:
    """The embedded demo registry (fictitious codes; see the module docstring). Loaded once."""
    data = resources.files("medcomkit").joinpath("data", "sor_demo.csv").read_bytes()
    raw, has_types = _parse_csv(_decode(data), "medcomkit", "sor_demo.csv")
    table, _ = _normalise(raw, "sor_demo.csv", strict=True, has_message_types=has_types)
    return SorRegistry(table, source="sor_demo.csv", demo=True, has_message_types=has_types)


def _open(
    source: bytes | str | os.PathLike[str], max_bytes: int
) -> tuple[str, bytes, bytes | None, str | None]:
    """(name, first bytes, all bytes or None, path or None). XML is streamed from the path later."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return "<bytes>", data[:65536], data, None
    path = Path(source)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(str(path))
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as error:
        raise unreadable(path, error) from None
    if size > max_bytes:
        raise _too_large(size, max_bytes)
    return path.name, head, None, str(path)


def _too_large(size: int, limit: int) -> SourceError:
    return SourceError(
        "sor.too-large",
        Bilingual(
            f"SOR-udtrækket fylder {size} byte, mere end grænsen på {limit} byte (max_bytes=).",
            f"The SOR export is {size} bytes, more than the limit of {limit} bytes (max_bytes=).",
        ),
    )


_HEADERS: dict[str, tuple[str, ...]] = {
    "sor-csv": ("SOR-kode", "Parent-SOR-kode", "Enhedsnavn"),
    "sor2-csv": ("SorId", "SorType", "EntityName"),
    "medcomkit": ("sor", "parent_sor", "name"),
}


def _detect(head: bytes, name: str) -> SorFormat:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise ParseError("sor.empty", Bilingual(f"{name} er tom.", f"{name} is empty."), line=1)
    if body.startswith(b"<"):
        return "sor-xml"
    header = _header_fields(_decode(head))
    for fmt, required in _HEADERS.items():
        if set(required) <= set(header):
            return fmt  # type: ignore[return-value]
    expected = "; ".join(f"{fmt}: {', '.join(cols)}" for fmt, cols in _HEADERS.items())
    raise ParseError(
        "sor.unknown-format",
        Bilingual(
            f"{name} ligner ikke et SOR-udtræk: linje 1 skal være SOR XML eller en CSV-overskrift med "
            f"kolonnerne ({expected}).",
            f"{name} does not look like a SOR export: line 1 must be SOR XML or a CSV header with the "
            f"columns ({expected}).",
        ),
        line=1,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # the legacy exports are Windows Danish


def _header_line(text: str) -> tuple[int, str]:
    """(number of lines before the header, the header line); comment lines start with ``#``."""
    skipped = 0
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return skipped, line
        skipped += 1
    return skipped, ""


def _separator(header: str) -> str:
    return max(";,\t", key=header.count)


def _header_fields(text: str) -> list[str]:
    _, header = _header_line(text)
    return [f.strip().strip('"') for f in header.split(_separator(header))]


def _parse_csv(text: str, fmt: str, name: str) -> tuple[pd.DataFrame, bool]:
    skipped, header = _header_line(text)
    if not header:
        raise ParseError("sor.empty", Bilingual(f"{name} er tom.", f"{name} is empty."), line=1)
    sep = _separator(header)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skiprows=skipped,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match[1]) + skipped if match else None
        fields = re.search(r"Expected (\d+) fields .* saw (\d+)", str(error))
        detail = (
            Bilingual(
                f"forventede {fields[1]} felter, fandt {fields[2]}",
                f"expected {fields[1]} fields, found {fields[2]}",
            )
            if fields
            else Bilingual(str(error), str(error))
        )
        raise ParseError(
            "sor.csv-fields",
            Bilingual(
                f"{name}, linje {line}: rækken kan ikke læses: {detail.da}.",
                f"{name}, line {line}: the row cannot be read: {detail.en}.",
            ),
            line=line,
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in _HEADERS[fmt] if c not in frame.columns]
    if missing:
        raise ParseError(
            "sor.missing-column",
            Bilingual(
                f"{name}, linje {skipped + 1}: kolonnen {', '.join(missing)} mangler i overskriften.",
                f"{name}, line {skipped + 1}: the header lacks the column {', '.join(missing)}.",
            ),
            line=skipped + 1,
        )
    lines = pd.Series(np.arange(len(frame)) + skipped + 2, index=frame.index)
    if fmt == "sor-csv":
        return _from_legacy(frame, lines), False
    if fmt == "sor2-csv":
        return _from_sor2(frame, lines), False
    has_types = "message_types" in frame.columns
    return _from_medcomkit(frame, lines), has_types


def _coalesce(frame: pd.DataFrame, *names: str) -> pd.Series:
    """Per row, the first non-empty value among the columns ``names`` that the frame has."""
    result = pd.Series("", index=frame.index, dtype=object)
    for name in names:
        if name in frame.columns:
            column = frame[name].astype(object)
            result = result.where(result != "", column.str.strip())
    return result


def _flag(values: pd.Series) -> pd.Series:
    lowered = values.astype(str).str.strip().str.lower()
    return pd.Series(
        np.where(lowered.isin(list(_TRUE)), "1", np.where(lowered.isin(list(_FALSE)), "0", "")),
        index=values.index,
        dtype=object,
    )


# The columns every reader produces, whatever the export calls them.
_RAW_COLUMNS = (
    "sor",
    "parent_sor",
    "level",
    "name",
    "type",
    "ean",
    "inherit",
    "municipality_code",
    "municipality",
    "region",
    "street",
    "postcode",
    "city",
    "phone",
    "email",
    "speciality",
    "system",
    "message_types",
)


def _raw(frame: pd.DataFrame, lines: pd.Series, **columns: pd.Series | str) -> pd.DataFrame:
    raw = pd.DataFrame(index=frame.index)
    for name in _RAW_COLUMNS:
        value = columns.get(name, "")
        raw[name] = (
            value if isinstance(value, pd.Series) else pd.Series(value, index=frame.index, dtype=object)
        )
    raw["line"] = lines
    return raw


def _street(frame: pd.DataFrame, prefix: str) -> pd.Series:
    street = _coalesce(frame, f"{prefix}StreetName")
    number = _coalesce(frame, f"{prefix}StreetBuildingId", f"{prefix}StreetBuildingIdentifier")
    return (street + " " + number).str.strip()


def _from_legacy(frame: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    street = _coalesce(frame, "P_Adresse", "P_Vejnavn", "A_Adresse", "A_Vejnavn")
    number = _coalesce(frame, "P_Husnummer", "A_Husnummer")
    return _raw(
        frame,
        lines,
        sor=_coalesce(frame, "SOR-kode"),
        parent_sor=_coalesce(frame, "Parent-SOR-kode"),
        name=_coalesce(frame, "Enhedsnavn"),
        type=_coalesce(frame, "Enhedstype"),
        speciality=_coalesce(frame, "Hovedspeciale"),
        ean=_coalesce(frame, "Lokationsnummer", "EAN-lokationsnummer", "EAN"),
        inherit=_flag(_coalesce(frame, "Nedarvningsstatus")),
        street=(street + " " + number).str.strip(),
        postcode=_coalesce(frame, "P_Postnummer", "A_Postnummer"),
        city=_coalesce(frame, "P_By", "A_By"),
        municipality_code=_coalesce(frame, "P_KK", "A_KK"),
        region=_coalesce(frame, "P_Region", "A_Region"),
        phone=_coalesce(frame, "Telefon", "Telefonnummer"),
        email=_coalesce(frame, "Email", "E-mail"),
        system=_coalesce(frame, "Edb-system", "EDB-system", "Systemtype"),
    )


def _from_sor2(frame: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    sor = _coalesce(frame, "SorId")
    level = _coalesce(frame, "SorType").str.upper().map(lambda v: _LEVEL_NAMES.get(v, v))
    # The daily file names each unit's health institution; a parent column, where present, is more
    # precise (nested organisational units).
    parent = _coalesce(frame, "ParentSorId")
    health_institution = _coalesce(frame, "HealthInstitutionSorId")
    owner = _coalesce(frame, "InstitutionOwnerSorId")
    parent = parent.where(
        parent != "", health_institution.where((level == "OE") & (health_institution != sor), "")
    )
    parent = parent.where(parent != "", owner.where(level == "SI", ""))
    prefixes = ("PostalAddress", "VisitingAddress", "ActivityAddress")
    street = pd.Series("", index=frame.index, dtype=object)
    for prefix in prefixes:
        street = street.where(street != "", _street(frame, prefix))
    return _raw(
        frame,
        lines,
        sor=sor,
        parent_sor=parent,
        level=level,
        name=_coalesce(frame, "EntityName"),
        type=_coalesce(frame, "EntityTypeName"),
        ean=_coalesce(frame, "EanLocationCode"),
        inherit=_flag(_coalesce(frame, "EanLocationCodeInheritedIndicator", "EntityInheritedIndicator")),
        street=street,
        postcode=_coalesce(frame, *(f"{p}PostCodeId" for p in prefixes)),
        city=_coalesce(frame, *(f"{p}DistrictName" for p in prefixes)),
        municipality_code=_coalesce(frame, *(f"{p}MunicipalityCode" for p in prefixes)),
        region=_coalesce(frame, "EanLocationCodeRegionName"),
        phone=_coalesce(frame, "VirtualAddressTelephoneNumber"),
        email=_coalesce(frame, "VirtualAddressEmailAddress"),
        speciality=_coalesce(frame, "PrioritizedEntitySpeciality1Name"),
    )


def _from_medcomkit(frame: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    columns: dict[str, pd.Series | str] = {n: _coalesce(frame, n) for n in _RAW_COLUMNS if n != "inherit"}
    columns["inherit"] = _flag(_coalesce(frame, "ean_inherited"))
    return _raw(frame, lines, **columns)


# --- the XML export, streamed ------------------------------------------------------------------------

_ENTITIES = {
    "InstitutionOwnerEntity": "IE",
    "HealthInstitutionEntity": "SI",
    "OrganizationalUnitEntity": "OE",
}
_WRAPPERS = frozenset({"InstitutionOwner", "HealthInstitution", "OrganizationalUnit"})
_ADDRESSES = ("PostalAddressInformation", "VisitingAddressInformation", "ActivityAddressInformation")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _leaves(element: etree._Element) -> dict[str, str]:
    """Local name → text of every element below ``element`` that has text (first occurrence wins)."""
    found: dict[str, str] = {}
    for node in element.iter():
        if node is element:
            continue
        text = node.text
        if text is not None and text.strip():
            found.setdefault(_local(node.tag), text.strip())
    return found


def _read_fields(container: etree._Element, row: dict[str, Any]) -> None:
    """Fill ``row`` from the field elements directly inside ``container`` (a wrapper or an entity)."""
    addresses: dict[str, dict[str, str]] = {}
    for child in container:
        local = _local(child.tag)
        if local in _ENTITIES or not local:
            continue
        if local in _ADDRESSES:
            addresses[local] = _leaves(child)
        elif local == "VirtualAddressInformation":
            virtual = _leaves(child)
            row["phone"] = virtual.get("TelephoneNumberIdentifier", "")
            row["email"] = virtual.get("EmailAddressIdentifier", "")
        elif local in ("OptionalEanLocationCode", "EanLocationCodeEntity"):
            ean = _leaves(child)
            row["ean"] = ean.get("EanLocationCode", "")
            row["inherit"] = ean.get("EntityInheritedIndicator", "")
            row["system"] = ean.get("SystemType", ean.get("SystemSupplier", ""))
        elif local == "EntityInheritedIndicator":
            row["inherit"] = (child.text or "").strip()
        elif local == "SorIdentifier":
            row["sor"] = (child.text or "").strip()
        elif local == "EntityName":
            row["name"] = (child.text or "").strip()
        elif local in ("UnitType", "InstitutionType", "OwnerType"):
            code = (child.text or "").strip()
            row["type"] = _KNOWN_TYPE_CODES.get(code, code)
        elif local == "ClinicalSpecialityCollection":
            row["speciality"] = _leaves(child).get("SpecialityCode", "")
    for kind in _ADDRESSES:  # the postal address is the unit's address; the others stand in for it
        if kind in addresses:
            parts = addresses[kind]
            row["street"] = " ".join(
                p for p in (parts.get("StreetName", ""), parts.get("StreetBuildingIdentifier", "")) if p
            )
            row["postcode"] = parts.get("PostCodeIdentifier", "")
            row["city"] = parts.get("DistrictName", "")
            row["municipality_code"] = parts.get("MunicipalityCode", "")
            break


def _parse_xml(source: str | bytes | None, name: str) -> pd.DataFrame:
    assert source is not None
    try:  # a DOCTYPE is refused before libxml2 could open what it names
        check_prolog(source if isinstance(source, bytes) else Path(source))
    except ParseError as error:
        raise ParseError(
            error.code, Bilingual(f"{name}: {error.text.da}", f"{name}: {error.text.en}"), line=1
        ) from None
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    tags = [f"{{*}}{t}" for t in (*_ENTITIES, *_WRAPPERS)]
    rows: list[dict[str, Any]] = []
    stack: list[int] = []
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in events:
            local = _local(element.tag)
            if event == "start":
                if local in _ENTITIES:
                    rows.append(
                        {
                            "level": _ENTITIES[local],
                            "parent": stack[-1] if stack else -1,
                            "line": element.sourceline,
                        }
                    )
                    stack.append(len(rows) - 1)
                continue
            if local in _WRAPPERS:
                if stack:
                    _read_fields(element, rows[stack[-1]])
                element.clear(keep_tail=True)
                continue
            row = rows[stack.pop()]
            if "sor" not in row:  # the older layout: fields directly inside the entity
                _read_fields(element, row)
            element.clear(keep_tail=True)
            # Processed sibling entities are no longer needed; the wrapper before them is already read.
            parent = element.getparent()
            previous = element.getprevious()
            while parent is not None and previous is not None and _local(previous.tag) in _ENTITIES:
                parent.remove(previous)
                previous = element.getprevious()
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno and error.lineno > 0 else None
        raise ParseError(
            "sor.xml-malformed",
            Bilingual(
                f"{name}, linje {line}: XML'en er ikke velformet: {error.msg}.",
                f"{name}, line {line}: the XML is not well-formed: {error.msg}.",
            ),
            line=line,
        ) from None
    if not rows:
        raise ParseError(
            "sor.unknown-format",
            Bilingual(
                f"{name} er XML, men ikke et SOR-udtræk: der er ingen InstitutionOwnerEntity.",
                f"{name} is XML but not a SOR export: it has no InstitutionOwnerEntity.",
            ),
            line=1,
        )
    frame = pd.DataFrame.from_records(rows)
    sors = frame["sor"].fillna("") if "sor" in frame.columns else pd.Series("", index=frame.index)
    parent_rows = frame["parent"].to_numpy()
    parents = np.where(parent_rows >= 0, sors.to_numpy()[np.maximum(parent_rows, 0)], "")
    columns: dict[str, pd.Series | str] = {
        c: frame[c].fillna("").astype(object) if c in frame.columns else ""
        for c in (
            "sor",
            "level",
            "name",
            "type",
            "ean",
            "street",
            "postcode",
            "city",
            "municipality_code",
            "phone",
            "email",
            "speciality",
            "system",
        )
    }
    columns["parent_sor"] = pd.Series(parents, index=frame.index, dtype=object)
    columns["inherit"] = _flag(frame["inherit"].fillna("")) if "inherit" in frame.columns else ""
    return _raw(frame, frame["line"].fillna(0).astype(int), **columns)


# --- normalisation -----------------------------------------------------------------------------------


def _problem(raw: pd.DataFrame, index: Any, column: str, text: Bilingual) -> SorProblem:
    line = raw.at[index, "line"]
    return SorProblem(int(str(line)) if line else None, column, str(raw.at[index, column]), text)


def _normalise(
    raw: pd.DataFrame, name: str, *, strict: bool, has_message_types: bool
) -> tuple[pd.DataFrame, list[SorProblem]]:
    raw = raw.reset_index(drop=True)
    for column in raw.columns:
        if column != "line":
            raw[column] = raw[column].fillna("").astype(str)  # the parsers have stripped the values
    for column in ("sor", "parent_sor", "ean", "municipality_code"):
        if raw[column].str.startswith("=").any():  # ="…", which makes Excel keep the digits as text
            raw[column] = raw[column].str.replace(_EXCEL_TEXT, r"\1", regex=True)
    problems: list[SorProblem] = []

    # SOR codes: well-formed and unique, or the unit cannot be found again.
    code_ok = raw["sor"].map(sor_code_ok).astype(bool)
    for i in raw.index[~code_ok]:
        problems.append(
            _problem(
                raw,
                i,
                "sor",
                Bilingual(
                    f"{raw.at[i, 'sor']!r} er ikke en SOR-kode (kun cifre, mindst 11).",
                    f"{raw.at[i, 'sor']!r} is not a SOR code (digits only, at least 11).",
                ),
            )
        )
    duplicate = code_ok & raw["sor"].duplicated(keep="first")
    for i in raw.index[duplicate]:
        problems.append(
            _problem(
                raw,
                i,
                "sor",
                Bilingual(
                    f"SOR-koden {raw.at[i, 'sor']!s} står to gange; kun den første bruges.",
                    f"The SOR code {raw.at[i, 'sor']!s} occurs twice; only the first is used.",
                ),
            )
        )
    for i in raw.index[code_ok & (raw["name"] == "")]:
        problems.append(
            _problem(raw, i, "name", Bilingual("enheden har intet navn.", "the unit has no name."))
        )
    raw = raw[code_ok & ~duplicate]

    # Location numbers: 13 digits with a GS1 check digit.
    eans = raw["ean"]
    checked = {e: gln_problems(e) for e in eans[eans != ""].unique()}
    for i in raw.index[eans.map(lambda e: bool(checked.get(e))).astype(bool)]:
        kind = checked[raw.at[i, "ean"]][0]
        why = (
            Bilingual("kontrolcifferet passer ikke", "the check digit does not match")
            if kind is GlnProblem.CHECK_DIGIT
            else Bilingual("et lokationsnummer er 13 cifre", "a location number has 13 digits")
        )
        problems.append(
            _problem(
                raw,
                i,
                "ean",
                Bilingual(
                    f"{raw.at[i, 'ean']!r} er ikke et gyldigt lokationsnummer: {why.da}.",
                    f"{raw.at[i, 'ean']!r} is not a valid location number: {why.en}.",
                ),
            )
        )

    table = raw.set_index(raw["sor"].to_numpy())
    table.index.name = None
    parent = table["parent_sor"]
    dangling = (parent != "") & ~parent.isin(table.index)
    for code in table.index[dangling]:
        problems.append(
            SorProblem(
                int(str(table.at[code, "line"])) or None,
                "parent_sor",
                str(table.at[code, "parent_sor"]),
                Bilingual(
                    f"overordnet SOR-kode {table.at[code, 'parent_sor']!s} findes ikke i udtrækket.",
                    f"the parent SOR code {table.at[code, 'parent_sor']!s} is not in the export.",
                ),
            )
        )
    parent = parent.where(~dangling, "")

    depth, cyclic = _depths(parent)
    for code in table.index[cyclic]:
        problems.append(
            SorProblem(
                int(str(table.at[code, "line"])) or None,
                "parent_sor",
                str(table.at[code, "parent_sor"]),
                Bilingual(
                    "enhederne peger på hinanden i ring (en enhed er sin egen overordnede).",
                    "the units point at each other in a circle (a unit is its own ancestor).",
                ),
            )
        )
    if problems and strict:
        problems.sort(key=lambda p: p.line or 0)
        raise _problems_error(name, problems)
    parent = parent.where(~cyclic, "")
    depth = depth.where(~cyclic, 0)

    table["parent_sor"] = parent
    level = table["level"].map(lambda v: _LEVEL_NAMES.get(v.upper(), v) if v else "")
    by_depth = pd.Series(np.select([depth == 0, depth == 1], ["IE", "SI"], "OE"), index=table.index)
    table["level"] = level.where(level != "", by_depth)
    table["institution_owner_sor"], table["health_institution_sor"] = _branches(table, parent, depth)

    max_depth = int(depth.max()) if len(depth) else 0
    ean = table["ean"].copy()
    inherit = table["inherit"] == "1"
    inherited = inherit & (ean != "")
    for level_depth in range(1, max_depth + 1):
        need = (depth == level_depth) & inherit & (ean == "")
        if need.any():
            ean[need] = parent[need].map(ean).fillna("")
            inherited |= need & (ean != "")
    table["ean"] = ean
    table["ean_inherited"] = inherited.astype(bool)

    no_address = (table["street"] == "") & (table["postcode"] == "") & (table["city"] == "")
    address_inherited = pd.Series(False, index=table.index)
    for level_depth in range(1, max_depth + 1):
        need = (depth == level_depth) & no_address & ~address_inherited
        if need.any():
            for column in ("street", "postcode", "city"):
                table.loc[need, column] = parent[need].map(table[column]).fillna("")
            address_inherited |= need
    has_address = (table["street"] != "") | (table["postcode"] != "") | (table["city"] != "")
    table["address_inherited"] = (address_inherited & has_address).astype(bool)
    # Virtual addresses (telephone, e-mail) are inherited the same way.
    no_virtual = (table["phone"] == "") & (table["email"] == "")
    for level_depth in range(1, max_depth + 1):
        need = (depth == level_depth) & no_virtual
        if need.any():
            for column in ("phone", "email"):
                table.loc[need, column] = parent[need].map(table[column]).fillna("")

    _resolve_places(table, parent, depth, max_depth)

    # The system and the message types belong to the location number, so units inheriting it share them.
    own = table[(table["ean"] != "") & ~table["ean_inherited"]]
    systems = own[own["system"] != ""].groupby("ean")["system"].first()
    table["system"] = table["ean"].map(systems).astype(object).fillna(table["system"]).astype(str)
    if has_message_types:
        per_ean = _types_per_ean(own["ean"], own["message_types"])
        table["message_types"] = pd.Series(
            [per_ean.get(e, ()) for e in table["ean"]], index=table.index, dtype=object
        )
    else:
        table["message_types"] = pd.Series([()] * len(table), index=table.index, dtype=object)
    table["name_key"] = fold_names(table["name"])
    places = {m: fold_name(m) for m in table["municipality"].unique()}
    table["key"] = table["name_key"] + " " + table["municipality"].map(places)
    table = table.drop(columns=["inherit"])
    ordered = [*COLUMNS, "key", "name_key"]
    return table[ordered], problems


def _types_per_ean(eans: Iterable[str], values: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Location number → the message types registered on it, in the order first met, without repeats."""
    collected: dict[str, dict[str, None]] = {}
    for ean, value in zip(eans, values, strict=True):
        collected.setdefault(str(ean), {}).update(dict.fromkeys(str(value).replace(",", " ").split()))
    return {ean: tuple(types) for ean, types in collected.items()}


def _depths(parent: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Depth of every unit below its institution owner, and which units sit in a cycle."""
    depth = pd.Series(np.where(parent == "", 0, -1), index=parent.index)
    for _ in range(_MAX_DEPTH):
        undecided = depth < 0
        if not undecided.any():
            break
        above = parent[undecided].map(depth)
        known = above >= 0
        if not known.any():
            break
        depth[above[known].index] = above[known] + 1
    return depth, depth < 0


def _branches(table: pd.DataFrame, parent: pd.Series, depth: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The IE and the SI above (or at) every unit."""
    owner = pd.Series(np.where(depth == 0, table.index, ""), index=table.index, dtype=object)
    institution = pd.Series(np.where(depth == 1, table.index, ""), index=table.index, dtype=object)
    for level_depth in range(1, int(depth.max()) + 1 if len(depth) else 1):
        rows = depth == level_depth
        owner[rows] = parent[rows].map(owner)
        if level_depth >= 2:
            institution[rows] = parent[rows].map(institution)
    return owner.fillna(""), institution.fillna("")


def _resolve_places(table: pd.DataFrame, parent: pd.Series, depth: pd.Series, max_depth: int) -> None:
    """Municipality code and name, and region: from the row, the owning municipality, or the unit above."""
    known = municipalities().set_index("code")
    codes = table["municipality_code"].map(lambda v: str(int(v)) if v.isdigit() else "")
    # An institution owner that *is* a municipality ("Aalborg Kommune") gives its code to its branch.
    owners = (depth == 0) & (codes == "")
    if owners.any():
        by_name = dict(zip(fold_names(known["name"]), known.index, strict=True))
        codes[owners] = fold_names(table.loc[owners, "name"]).map(by_name).fillna("")
    names = table["municipality"].copy()
    for level_depth in range(1, max_depth + 1):
        need = (depth == level_depth) & (codes == "")
        if need.any():
            codes[need] = parent[need].map(codes).fillna("")
            names[need] = names[need].where(names[need] != "", parent[need].map(names).fillna(""))
    table["municipality_code"] = codes
    table["municipality"] = codes.map(known["name"]).fillna(names).fillna("")
    region = table["region"].copy()
    from_municipality = codes.map(known["region"]).fillna("")
    region = region.where(region != "", from_municipality)
    region_names = set(known["region"])
    is_region = (depth == 0) & table["name"].isin(region_names)
    region = region.where(~(is_region & (region == "")), table["name"])
    for level_depth in range(1, max_depth + 1):
        need = (depth == level_depth) & (region == "")
        if need.any():
            region[need] = parent[need].map(region).fillna("")
    table["region"] = region


def _problems_error(name: str, problems: list[SorProblem]) -> ParseError:
    shown = problems[:5]
    more = len(problems) - len(shown)
    da = "; ".join(p.message("da") for p in shown)
    en = "; ".join(p.message("en") for p in shown)
    if more:
        da += f" (og {more} problemer mere; load_sor(..., strict=False) indlæser resten)"
        en += f" (and {more} more problems; load_sor(..., strict=False) loads the rest)"
    return ParseError(
        "sor.invalid-export",
        Bilingual(f"{name}: {da}", f"{name}: {en}"),
        line=shown[0].line,
    )
