"""The municipal landscape: the 98 municipalities, the systems their PPR units use, and what MedCom has
approved each system for.

Three small tables ship as package data, each with its source in its header:

* ``kommuner.csv`` — the 98 municipalities with municipality code and region (facts);
* ``ppr_systemer.csv`` and ``ppr_kommuner.csv`` — which system each municipality's PPR unit was found with
  in SOR (45 municipalities, from the appendix of MedCom and KL's project description; incomplete by its
  own account);
* ``ppr_godkendelser.csv`` — MedCom's approval status per system, standard, version and direction, from
  MedCom's list of approved PPR systems.

Everything returns pandas DataFrames, so the tables can be filtered, joined and shown in a notebook.
Danish names are matched forgivingly by :func:`fold_name` (æ/ae, ø/oe, å/aa, case, punctuation).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import StringIO
from typing import Final, Literal

import pandas as pd

from .core.errors import LandscapeLookupError
from .core.lang import Bilingual

__all__ = [
    "APPROVED",
    "DIRECTIONS",
    "TESTING",
    "LandscapeLookupError",
    "Municipality",
    "approval_matrix",
    "approval_status",
    "approvals",
    "fold_name",
    "municipalities",
    "municipality",
    "municipality_systems",
    "receivable_message_types",
    "systems",
]

APPROVED = "Godkendt"
TESTING = "Tester"
Direction = Literal["send", "modtag"]
DIRECTIONS: tuple[Direction, ...] = ("send", "modtag")

# Folding: Danish letters to their two-letter spellings first, then the double letters to one, so
# Error codes of the lookups below.
UNKNOWN_MUNICIPALITY: Final = "landscape.unknown-municipality"
UNKNOWN_SYSTEM: Final = "landscape.unknown-system"

# "Ålborg", "Aalborg" and "alborg" meet, as do "Hørsholm", "Hoersholm" and "Horsholm".
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_DOUBLES = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold_name(text: str) -> str:
    """``text`` lower-cased, with Danish letters and their spellings folded and punctuation as spaces.

    Used to compare names: ``fold_name("Tårnby") == fold_name("Taarnby") == fold_name("tarnby")``.
    """
    lowered = text.lower().translate(_DANISH)
    plain = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    for double, single in _DOUBLES:
        plain = plain.replace(double, single)
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def fold_names(names: pd.Series) -> pd.Series:
    """:func:`fold_name` on a whole column (one pass per value: quicker than a chain of pandas string
    operations on 100,000 names)."""
    return pd.Series(
        [fold_name(v) if isinstance(v, str) else "" for v in names], index=names.index, dtype=object
    )


def _read(name: str) -> pd.DataFrame:
    text = resources.files("medcomkit").joinpath("data", name).read_text(encoding="utf-8")
    return pd.read_csv(StringIO(text), sep=";", comment="#", dtype=str, keep_default_na=False)


@cache
def _municipalities() -> pd.DataFrame:
    table = _read("kommuner.csv").set_index("code", drop=False)
    table["key"] = fold_names(table["short_name"])
    table["name_key"] = fold_names(table["name"])
    return table


def municipalities() -> pd.DataFrame:
    """The 98 municipalities: ``code`` (3 digits), ``name``, ``short_name``, ``region_code``, ``region``."""
    return _municipalities().drop(columns=["key", "name_key"]).reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    short_name: str
    region_code: str
    region: str


def municipality(query: str) -> Municipality:
    """A municipality by code (``"851"``, ``"0851"``) or name (``"Aalborg"``, ``"Ålborg Kommune"``).

    Raises :class:`LandscapeLookupError` when nothing or more than one municipality matches.
    """
    table = _municipalities()
    text = query.strip()
    if text.isdigit():
        code = str(int(text))
        if code in table.index:
            return _municipality_row(table[table["code"] == code].iloc[0])
        raise LandscapeLookupError(
            UNKNOWN_MUNICIPALITY,
            Bilingual(
                f"Kommunekode {text} findes ikke; koderne går fra 101 (København) til 860 (Hjørring).",
                f"Municipality code {text} does not exist; codes run from 101 (Copenhagen) to 860 (Hjørring)",
            ),
        )
    full = fold_name(text)
    key = full
    for suffix in (" regionskommune", " kommune"):
        key = key.removesuffix(suffix)
    hits = table[(table["key"] == key) | (table["name_key"] == full)]
    if len(hits) != 1:
        hits = table[table["key"].str.startswith(key)] if key else hits.iloc[0:0]
    if len(hits) == 1:
        return _municipality_row(hits.iloc[0])
    found = ", ".join(hits["short_name"]) if len(hits) else ""
    raise LandscapeLookupError(
        UNKNOWN_MUNICIPALITY,
        Bilingual(
            f"Ingen entydig kommune hedder {text!r}" + (f" (passer på: {found})." if found else "."),
            f"No single municipality is called {text!r}" + (f" (matches: {found})." if found else "."),
        ),
    )


def _municipality_row(row: pd.Series) -> Municipality:
    return Municipality(
        code=str(row["code"]),
        name=str(row["name"]),
        short_name=str(row["short_name"]),
        region_code=str(row["region_code"]),
        region=str(row["region"]),
    )


@cache
def _systems() -> pd.DataFrame:
    return _read("ppr_systemer.csv")


def systems() -> pd.DataFrame:
    """The PPR systems: ``system``, ``product``, ``vendor``, ``approval_list_name`` (empty when the system
    is not on MedCom's lists), ``kind`` (PPR-system or ESDH) and ``note``."""
    return _systems().copy()


@cache
def _municipality_systems() -> pd.DataFrame:
    found = _read("ppr_kommuner.csv")
    table = municipalities()
    merged = table.merge(
        found[["municipality_code", "system", "note"]],
        how="left",
        left_on="code",
        right_on="municipality_code",
        validate="one_to_one",
    ).drop(columns="municipality_code")
    merged["system"] = merged["system"].fillna("")
    merged["note"] = merged["note"].fillna("")
    return merged


def municipality_systems() -> pd.DataFrame:
    """All 98 municipalities with the system their PPR unit was found with in SOR.

    ``system`` is empty for the 53 municipalities whose PPR unit could not be found with a system: that
    means *not known*, not *none*.
    """
    return _municipality_systems().copy()


@cache
def _approvals() -> pd.DataFrame:
    return _read("ppr_godkendelser.csv")


def approvals() -> pd.DataFrame:
    """MedCom's approvals, one row per system, standard, version and direction (``send``/``modtag``),
    with ``status`` Godkendt or Tester. A combination that is not listed has no approval."""
    return _approvals().copy()


def _known_system(system: str) -> str:
    names = _systems()["system"]
    if system in set(names):
        return system
    key = fold_name(system)
    hits = [name for name in names if key and key in fold_name(name)]
    if len(hits) == 1:
        return str(hits[0])
    raise LandscapeLookupError(
        UNKNOWN_SYSTEM,
        Bilingual(
            f"Systemet {system!r} er ikke i oversigten. Kendte systemer: {', '.join(names)}.",
            f"The system {system!r} is not in the landscape. Known systems: {', '.join(names)}.",
        ),
    )


def approval_status(
    system: str, standard: str, direction: Direction, *, version: str | None = None
) -> str | None:
    """``"Godkendt"``, ``"Tester"`` or ``None`` (no approval) for one system, standard and direction.

    With several versions of a standard (XREF01 XH0130R and XH0131R) the best status of any version
    counts unless ``version`` names one.
    """
    name = _known_system(system)
    table = _approvals()
    rows = table[
        (table["system"] == name) & (table["standard"] == standard) & (table["direction"] == direction)
    ]
    if version is not None:
        rows = rows[rows["version"] == version]
    statuses = set(rows["status"])
    if APPROVED in statuses:
        return APPROVED
    return TESTING if TESTING in statuses else None


def approval_matrix(standards: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Systems as rows, ``standard / direction`` as columns, cells ``G`` (Godkendt), ``T`` (Tester) or ``–``.

    Systems that are not on MedCom's lists (SBSYS, Formpipe Acadre) are rows of ``–``.
    """
    table = _approvals()
    wanted = standards or ("XDIS91", "XBIN01", "CareCommunication", "Acknowledgement", "XREF01", "XCTL03")
    columns = [f"{standard} {direction}" for standard in wanted for direction in DIRECTIONS]
    matrix = pd.DataFrame("–", index=list(_systems()["system"]), columns=columns)
    matrix.index.name = "system"
    best = {APPROVED: "G", TESTING: "T"}
    for row in table.itertuples(index=False):
        column = f"{row.standard} {row.direction}"
        # With two versions of a standard (XREF01), the better status shows.
        if column in matrix.columns and row.system in matrix.index and matrix.at[row.system, column] != "G":
            matrix.at[row.system, column] = best[str(row.status)]
    return matrix


def receivable_message_types(system: str) -> tuple[str, ...]:
    """The standards ``system`` is approved (Godkendt) to receive — what its location number can be
    registered for in SOR-EDI today. Testing does not count."""
    name = _known_system(system)
    table = _approvals()
    rows = table[(table["system"] == name) & (table["direction"] == "modtag") & (table["status"] == APPROVED)]
    return tuple(dict.fromkeys(rows["standard"]))
