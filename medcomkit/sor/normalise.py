"""From the raw table every reader produces to the registry's table: check, inherit, place.

Codes must be well-formed and unique and parents must exist (a problem names its line); location
numbers and addresses are inherited from the unit above; municipality and region come from the row,
the owning municipality or the unit above.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ParseError
from ..core.lang import Bilingual
from ..landscape import fold_name, fold_names, municipalities
from ..model.identifiers import GlnProblem, gln_problems, sor_code_ok
from .codes import INVALID_EXPORT
from .registry import COLUMNS, MAX_DEPTH, SorProblem, types_per_ean

__all__ = ["LEVEL_NAMES", "RAW_COLUMNS", "flag", "normalise", "raw_table"]

_TRUE = frozenset({"1", "true", "ja", "yes", "y", "j", "nedarvet", "arvet"})
_FALSE = frozenset({"0", "false", "nej", "no", "n", "egen"})
_EXCEL_TEXT = re.compile(r'^="(.*)"$')
LEVEL_NAMES = {"IE": "IE", "SI": "SI", "OE": "OE", "HI": "SI", "OU": "OE"}


def flag(values: pd.Series) -> pd.Series:
    lowered = values.astype(str).str.strip().str.lower()
    return pd.Series(
        np.where(lowered.isin(list(_TRUE)), "1", np.where(lowered.isin(list(_FALSE)), "0", "")),
        index=values.index,
        dtype=object,
    )


# The columns every reader produces, whatever the export calls them.
RAW_COLUMNS = (
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


def raw_table(frame: pd.DataFrame, lines: pd.Series, **columns: pd.Series | str) -> pd.DataFrame:
    raw = pd.DataFrame(index=frame.index)
    for name in RAW_COLUMNS:
        value = columns.get(name, "")
        raw[name] = (
            value if isinstance(value, pd.Series) else pd.Series(value, index=frame.index, dtype=object)
        )
    raw["line"] = lines
    return raw


def _problem(raw: pd.DataFrame, index: Any, column: str, text: Bilingual) -> SorProblem:
    line = raw.at[index, "line"]
    return SorProblem(int(str(line)) if line else None, column, str(raw.at[index, column]), text)


def normalise(
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
    level = table["level"].map(lambda v: LEVEL_NAMES.get(v.upper(), v) if v else "")
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
        per_ean = types_per_ean(own["ean"], own["message_types"])
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


def _depths(parent: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Depth of every unit below its institution owner, and which units sit in a cycle."""
    depth = pd.Series(np.where(parent == "", 0, -1), index=parent.index)
    for _ in range(MAX_DEPTH):
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
        INVALID_EXPORT,
        Bilingual(f"{name}: {da}", f"{name}: {en}"),
        line=shown[0].line,
    )
