"""VANS traffic statistics: a tidy schema, a validating loader, synthetic data for demos, the measures a
monitor of the § 126 a roll-out needs, and plots.

The three VANS suppliers send MedCom monthly traffic statistics, counted per message; MedCom alone
produces the statistics from them. medcomkit works on one tidy table, one row per month, sender,
receiver and message type (see :data:`SCHEMA`), so statistics from MedCom, from a VANS supplier's
portal or from :func:`synthetic_stats` are handled alike once their columns are named as here.

Plots are drawn on :class:`matplotlib.figure.Figure` objects with the Agg renderer: no GUI, no
network, the same PNG on every machine (:func:`figure_png`).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .core.errors import ParseError
from .core.lang import Bilingual, Lang, shorten
from .core.source import read_source
from .landscape import municipalities, municipality_systems
from .model.identifiers import GlnProblem, gln_problems

__all__ = [
    "FHIR_TYPES",
    "KINDS",
    "KM_TYPES",
    "REFERRAL_TYPES",
    "SCHEMA",
    "Column",
    "StatsProblem",
    "StatsSummary",
    "check_stats",
    "fhir_share",
    "figure_png",
    "load_stats",
    "plot_fhir_share",
    "plot_referral_routes",
    "plot_uptake",
    "referral_routes",
    "schema_table",
    "silent_units",
    "summarise",
    "synthetic_stats",
    "uptake_by_municipality",
    "uptake_by_system",
]

#: Kinds of party at either end of a message.
KINDS: tuple[str, ...] = ("kommune", "almen_praksis", "sygehus", "dnhf", "andet")
#: The korrespondancemeddelelse in its three generations: EDIFACT, OIOXML and FHIR.
KM_TYPES: tuple[str, ...] = ("DIS91", "XDIS91", "CareCommunication")
FHIR_TYPES: tuple[str, ...] = ("CareCommunication",)
#: Hospital referrals, EDIFACT and OIOXML.
REFERRAL_TYPES: tuple[str, ...] = ("REF01", "XREF01")
UNKNOWN_SYSTEM = "ukendt"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the statistics table."""

    name: str
    required: bool
    text: Bilingual
    example: str


SCHEMA: tuple[Column, ...] = (
    Column("month", True, Bilingual("måned, ÅÅÅÅ-MM", "month, YYYY-MM"), "2025-09"),
    Column(
        "sender_ean",
        True,
        Bilingual("afsenderens lokationsnummer (13 cifre)", "the sender's location number (13 digits)"),
        "2000000207513",
    ),
    Column(
        "sender_kind",
        True,
        Bilingual(f"afsenderens art: {', '.join(KINDS)}", f"kind of sender: {', '.join(KINDS)}"),
        "kommune",
    ),
    Column(
        "receiver_ean",
        True,
        Bilingual("modtagerens lokationsnummer (13 cifre)", "the receiver's location number (13 digits)"),
        "2000000300016",
    ),
    Column(
        "receiver_kind",
        True,
        Bilingual(f"modtagerens art: {', '.join(KINDS)}", f"kind of receiver: {', '.join(KINDS)}"),
        "almen_praksis",
    ),
    Column(
        "municipality",
        False,
        Bilingual(
            "kommunekoden (3 cifre) for den kommunale part; tom, når ingen part er en kommune",
            "municipality code (3 digits) of the municipal party; empty when no party is a municipality",
        ),
        "751",
    ),
    Column(
        "system",
        False,
        Bilingual(
            "den kommunale parts system, fx JOSA; tom hvis ukendt",
            "the municipal party's system, e.g. JOSA; empty if unknown",
        ),
        "OS2korrespondance",
    ),
    Column(
        "message_type",
        True,
        Bilingual(
            "meddelelsestype, fx XDIS91, CareCommunication, REF01",
            "message type, e.g. XDIS91, CareCommunication, REF01",
        ),
        "XDIS91",
    ),
    Column(
        "version",
        False,
        Bilingual("version, fx XD9134L eller 5.0", "version, e.g. XD9134L or 5.0"),
        "XD9134L",
    ),
    Column(
        "count", True, Bilingual("antal meddelelser (heltal ≥ 0)", "number of messages (integer ≥ 0)"), "12"
    ),
    Column(
        "synthetic",
        False,
        Bilingual("true for opdigtede rækker (demodata)", "true for made-up rows (demo data)"),
        "false",
    ),
)
_COLUMNS = tuple(c.name for c in SCHEMA)
_REQUIRED = tuple(c.name for c in SCHEMA if c.required)
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_MESSAGE_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_COUNT = re.compile(r"[0-9]+")
_TRUE = frozenset({"true", "1", "ja", "yes"})
_FALSE = frozenset({"false", "0", "nej", "no", ""})
_MAX_SHOWN = 10


def schema_table(lang: Lang = "da") -> pd.DataFrame:
    """The schema as a table: column, required, meaning, example."""
    return pd.DataFrame(
        {
            "kolonne" if lang == "da" else "column": [c.name for c in SCHEMA],
            "krævet" if lang == "da" else "required": ["ja" if c.required else "nej" for c in SCHEMA]
            if lang == "da"
            else ["yes" if c.required else "no" for c in SCHEMA],
            "betydning" if lang == "da" else "meaning": [c.text.get(lang) for c in SCHEMA],
            "eksempel" if lang == "da" else "example": [c.example for c in SCHEMA],
        }
    )


@dataclass(frozen=True, slots=True)
class StatsProblem:
    """One bad value: the line in the file, the column, the value and what is wrong."""

    line: int | None
    column: str
    value: str
    text: Bilingual

    def message(self, lang: Lang = "da") -> str:
        if lang == "da":
            where = f"linje {self.line}, kolonne {self.column}" if self.line else f"kolonne {self.column}"
        else:
            where = f"line {self.line}, column {self.column}" if self.line else f"column {self.column}"
        return f"{where}: {self.text.get(lang)}"


# --- loading and checking ----------------------------------------------------------------------------


def check_stats(frame: pd.DataFrame, *, first_line: int = 2) -> list[StatsProblem]:
    """Every problem in ``frame`` against :data:`SCHEMA`; empty when it is fine.

    ``first_line`` is the file line of the first row (2 for a CSV file with a header line).
    """
    problems: list[StatsProblem] = []
    missing = [name for name in _REQUIRED if name not in frame.columns]
    for name in missing:
        problems.append(
            StatsProblem(
                first_line - 1,
                name,
                "",
                Bilingual(
                    f"kolonnen mangler i overskriften; krævede kolonner: {', '.join(_REQUIRED)}.",
                    f"the column is missing from the header; required columns: {', '.join(_REQUIRED)}.",
                ),
            )
        )
    if missing:
        return problems
    text = frame.astype(str).apply(lambda column: column.str.strip())
    lines = np.arange(len(frame)) + first_line
    known_municipalities = set(municipalities()["code"])

    def report(mask: pd.Series, column: str, why: Bilingual) -> None:
        for position in np.flatnonzero(mask.to_numpy()):
            value = shorten(str(text[column].iat[position]))
            problems.append(StatsProblem(int(lines[position]), column, value, why.format(value=value)))

    report(
        ~text["month"].str.fullmatch(_MONTH.pattern),
        "month",
        Bilingual(
            "{value!r} er ikke en måned på formen ÅÅÅÅ-MM.", "{value!r} is not a month of the form YYYY-MM."
        ),
    )
    for column in ("sender_ean", "receiver_ean"):
        verdicts = text[column].map(_ean_problem)
        report(
            verdicts == GlnProblem.FORMAT.value,
            column,
            Bilingual(
                "{value!r} er ikke et lokationsnummer (13 cifre).",
                "{value!r} is not a location number (13 digits).",
            ),
        )
        report(
            verdicts == GlnProblem.CHECK_DIGIT.value,
            column,
            Bilingual(
                "{value!r}: kontrolcifferet passer ikke (GS1 modulus 10).",
                "{value!r}: the check digit does not match (GS1 modulus 10).",
            ),
        )
    for column in ("sender_kind", "receiver_kind"):
        report(
            ~text[column].isin(KINDS),
            column,
            Bilingual(
                "{value!r} er ikke en af " + ", ".join(KINDS) + ".",
                "{value!r} is not one of " + ", ".join(KINDS) + ".",
            ),
        )
    if "municipality" in frame.columns:
        report(
            (text["municipality"] != "")
            & ~text["municipality"].map(_municipality_code).isin(known_municipalities),
            "municipality",
            Bilingual("{value!r} er ikke en kommunekode.", "{value!r} is not a municipality code."),
        )
    report(
        ~text["message_type"].str.fullmatch(_MESSAGE_TYPE.pattern),
        "message_type",
        Bilingual("{value!r} er ikke en meddelelsestype.", "{value!r} is not a message type."),
    )
    report(
        ~text["count"].str.fullmatch(_COUNT.pattern),
        "count",
        Bilingual("{value!r} er ikke et helt tal ≥ 0.", "{value!r} is not a whole number ≥ 0."),
    )
    if "synthetic" in frame.columns:
        report(
            ~text["synthetic"].str.lower().isin(_TRUE | _FALSE),
            "synthetic",
            Bilingual("{value!r} er hverken true eller false.", "{value!r} is neither true nor false."),
        )
    problems.sort(key=lambda p: (p.line or 0, _COLUMNS.index(p.column) if p.column in _COLUMNS else 99))
    return problems


def _ean_problem(value: str) -> str:
    problems = gln_problems(value)
    return problems[0].value if problems else ""


def _municipality_code(value: str) -> str:
    return str(int(value)) if value.isdigit() else value


# Monthly statistics for the whole country are a few MB; this bounds what is read into memory.
MAX_STATS_BYTES = 512 * 1024 * 1024


def load_stats(source: pd.DataFrame | bytes | str | os.PathLike[str]) -> pd.DataFrame:
    """Read statistics (a CSV path, CSV bytes or a DataFrame), check them against :data:`SCHEMA`, and
    return the typed table: ``count`` as integers, ``synthetic`` as booleans, missing optional columns
    added empty. Columns beyond the schema are kept.

    Raises :class:`ParseError` listing the first problems, each with its line and column, and
    :class:`SourceError` when a path cannot be read.
    """
    name = "<DataFrame>"
    first_line = 1
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        data, path = read_source(source, max_bytes=MAX_STATS_BYTES)
        name = Path(path).name if path else "<bytes>"
        frame = _read_csv(data, name)
        first_line = 2
    problems = check_stats(frame, first_line=first_line)
    if problems:
        shown = problems[:_MAX_SHOWN]
        more = len(problems) - len(shown)
        da = "\n".join(f"  {p.message('da')}" for p in shown)
        en = "\n".join(f"  {p.message('en')}" for p in shown)
        if more:
            da += f"\n  … og {more} problemer mere"
            en += f"\n  … and {more} more problems"
        raise ParseError(
            "stats.invalid",
            Bilingual(
                f"{name} følger ikke statistikskemaet:\n{da}",
                f"{name} does not follow the statistics schema:\n{en}",
            ),
            line=shown[0].line,
        )
    return _typed(frame)


# A statistics row is a few dozen characters; a longer line is refused before pandas reads it, so a
# crafted file with one enormous field costs neither gigabytes nor a screenful of that field.
_MAX_LINE = 64 * 1024


def _first_long_line(data: bytes) -> int | None:
    """The number of the first line longer than :data:`_MAX_LINE` bytes, if any."""
    start = 0
    number = 1
    while start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > _MAX_LINE:
            return number
        start = end + 1
        number += 1
    return None


def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    long_line = _first_long_line(data)
    if long_line is not None:
        raise ParseError(
            "stats.line-too-long",
            Bilingual(
                f"{name}, linje {long_line}: linjen er længere end {_MAX_LINE} byte. En statistikrække er "
                "nogle få felter; filen læses ikke.",
                f"{name}, line {long_line}: the line is longer than {_MAX_LINE} bytes. A statistics row is a "
                "few fields; the file is not read.",
            ),
            line=long_line,
        )
    try:
        data.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    newline = data.find(b"\n")
    header = data[: newline if newline >= 0 else len(data)].decode(encoding, errors="replace")
    if not header.strip():
        raise ParseError("stats.empty", Bilingual(f"{name} er tom.", f"{name} is empty."), line=1)
    sep = max(",;\t", key=header.count)
    try:
        # Bytes, not a decoded str: a StringIO would hold the text again at up to 4 bytes a character.
        return pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            encoding=encoding,
            encoding_errors="replace",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
        )
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match[1]) if match else None
        raise ParseError(
            "stats.csv-fields",
            Bilingual(
                f"{name}, linje {line}: rækken har ikke det antal felter, overskriften har.",
                f"{name}, line {line}: the row does not have the number of fields the header has.",
            ),
            line=line,
        ) from None


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.copy()
    for column in _COLUMNS:
        if column not in table.columns:
            table[column] = ""
    for column in _COLUMNS:
        if column not in ("count", "synthetic"):
            table[column] = table[column].astype(str).str.strip()
    table["municipality"] = table["municipality"].map(_municipality_code)
    table["count"] = table["count"].astype(str).str.strip().astype("int64")
    table["synthetic"] = table["synthetic"].astype(str).str.strip().str.lower().isin(_TRUE)
    others = [c for c in table.columns if c not in _COLUMNS]
    return table[[*_COLUMNS, *others]].reset_index(drop=True)


# --- synthetic statistics ------------------------------------------------------------------------------

_VERSIONS = {
    "XDIS91": "XD9134L",
    "XBIN01": "XB0131X",
    "XCTL03": "XC0330Q",
    "CareCommunication": "5.0",
    "Acknowledgement": "2.0",
    "REF01": "H0131R",
    "BIN01": "B0131X",
}
# When each group of systems starts sending CareCommunication in the synthetic data, and how far it goes.
# A system sends FHIR in production only once MedCom has approved it: the approvals for
# CareCommunication 5.0 came February–July 2026 (MedCom's approval lists, 9 July 2026), so in the
# made-up data approved systems move from August 2026 and systems still in test send none.
_FHIR_START = {"Godkendt": ("2026-08", 0.9)}


def _months(start: str, count: int) -> list[str]:
    return [str(p) for p in pd.period_range(start=start, periods=count, freq="M")]


def synthetic_stats(
    *, start: str = "2025-06", months: int = 18, seed: int = 126, registry: Any = None
) -> pd.DataFrame:
    """Made-up monthly statistics for the demo registry, every row marked ``synthetic``.

    The story it tells: municipalities whose PPR system is known (45) exchange korrespondancemeddelelser
    with GP clinics from early on; their § 126 a units start during the period; systems MedCom has
    approved for CareCommunication (by July 2026) move to FHIR from August 2026, systems in test not
    at all; municipal referrals to child and adolescent psychiatry go via DNHF from October 2025, next
    to the GPs' own referrals, which go via DNHF as well. Most municipalities with an unknown system
    send nothing. Same ``seed``, same table.
    """
    from .landscape import approval_status
    from .sor import demo_registry

    registry = registry or demo_registry()
    rng = np.random.default_rng(seed)
    calendar = _months(start, months)
    table = registry.table
    gps = table[
        (table["level"] == "SI")
        & (table["type"] == "Almen lægepraksis")
        & (table["municipality_code"] != "999")
    ]
    bups = table[
        (table["speciality"] == "Børne- og ungdomspsykiatri") & ~table["ean_inherited"] & (table["ean"] != "")
    ]
    bups = bups[bups["region"].str.startswith("Region ") & ~bups["region"].str.contains("Demo")]
    dnhf = table[table["system"] == "DNHF"]["ean"].iloc[0]
    units = table[(table["level"] == "OE") & ~table["ean_inherited"] & (table["ean"] != "")]
    records: list[tuple[str, str, str, str, str, str, str, str, int]] = []

    def emit(
        month: str,
        sender: str,
        sender_kind: str,
        receiver: str,
        receiver_kind: str,
        code: str,
        system: str,
        kind: str,
        n: int,
    ) -> None:
        if n > 0:
            records.append((month, sender, sender_kind, receiver, receiver_kind, code, system, kind, n))

    def first_month(low: int, high: int) -> int:
        """A random month index in [low, high), kept inside the calendar however short it is."""
        low = min(low, months - 1)
        return int(rng.integers(low, max(low + 1, min(high, months))))

    def fhir_fraction(system: str, month: str) -> float:
        if not system:
            return 0.0
        status = approval_status(system, "CareCommunication", "send")
        if status not in _FHIR_START:
            return 0.0
        first, ceiling = _FHIR_START[status]
        if month < first:
            return 0.0
        elapsed = calendar.index(month) - calendar.index(first) + 1 if first in calendar else months
        return min(ceiling, elapsed / 6 * ceiling)

    for row in municipality_systems().itertuples(index=False):
        code, system = str(row.code), str(row.system)
        mine = units[units["municipality_code"] == code]
        ppr = mine[mine["type"].str.startswith("Pædagogisk")]
        offer = mine[mine["type"].str.startswith("Lettilgængeligt")]
        local_gps = gps[gps["region"] == row.region]
        local_gps = local_gps if len(local_gps) else gps
        bup = bups[bups["region"] == row.region]["ean"].iloc[0]
        attachments = bool(system) and approval_status(system, "XBIN01", "send") is not None
        plans = []
        if system:
            plans.append((ppr, first_month(0, 6), float(rng.uniform(4, 30))))
            if rng.random() < 0.85:
                plans.append((offer, first_month(4, months - 2), float(rng.uniform(2, 12))))
        elif rng.random() < 0.2:
            plans.append((ppr, first_month(9, months - 1), float(rng.uniform(1, 5))))
        for unit_rows, first, rate in plans:
            if unit_rows.empty:
                continue
            ean = str(unit_rows["ean"].iloc[0])
            is_offer = unit_rows is offer
            for index, month in enumerate(calendar[first:], start=1):
                ramp = min(1.0, index / 3)
                fraction = fhir_fraction(system, month)
                for gp in rng.choice(local_gps["ean"].to_numpy(), size=min(2, len(local_gps)), replace=False):
                    sent = int(rng.poisson(rate * ramp / 2))
                    fhir = int(rng.binomial(sent, fraction))
                    oioxml = sent - fhir
                    binaries = int(rng.binomial(oioxml, 0.3)) if attachments else 0
                    replies = int(rng.binomial(sent, 0.4))
                    reply_fhir = int(rng.binomial(replies, fraction))
                    emit(month, ean, "kommune", gp, "almen_praksis", code, system, "XDIS91", oioxml)
                    emit(month, ean, "kommune", gp, "almen_praksis", code, system, "CareCommunication", fhir)
                    emit(month, ean, "kommune", gp, "almen_praksis", code, system, "XBIN01", binaries)
                    emit(
                        month, gp, "almen_praksis", ean, "kommune", code, system, "XCTL03", oioxml + binaries
                    )
                    emit(month, gp, "almen_praksis", ean, "kommune", code, system, "Acknowledgement", fhir)
                    emit(
                        month,
                        gp,
                        "almen_praksis",
                        ean,
                        "kommune",
                        code,
                        system,
                        "XDIS91",
                        replies - reply_fhir,
                    )
                    emit(
                        month,
                        gp,
                        "almen_praksis",
                        ean,
                        "kommune",
                        code,
                        system,
                        "CareCommunication",
                        reply_fhir,
                    )
                if is_offer and month >= "2025-10":
                    referrals = int(rng.poisson(1.5 * ramp))
                    emit(month, dnhf, "dnhf", bup, "sygehus", code, "DNHF", "REF01", referrals)
                    emit(
                        month,
                        dnhf,
                        "dnhf",
                        bup,
                        "sygehus",
                        code,
                        "DNHF",
                        "BIN01",
                        int(rng.binomial(referrals, 0.7)),
                    )
    for bup in bups.itertuples(index=False):
        region_gps = gps[gps["region"] == bup.region]["ean"].to_numpy()
        for month in calendar:
            for gp in region_gps:
                # GPs refer through DNHF too: to DNHF from the GP's system, then on from DNHF.
                referrals = int(rng.poisson(6))
                emit(month, str(gp), "almen_praksis", dnhf, "dnhf", "", "", "REF01", referrals)
                emit(month, dnhf, "dnhf", str(bup.ean), "sygehus", "", "DNHF", "REF01", referrals)
    frame = pd.DataFrame.from_records(
        records,
        columns=[
            "month",
            "sender_ean",
            "sender_kind",
            "receiver_ean",
            "receiver_kind",
            "municipality",
            "system",
            "message_type",
            "count",
        ],
    )
    keys = [str(c) for c in frame.columns if c != "count"]
    frame = frame.groupby(keys, sort=True)["count"].sum().reset_index()
    frame["version"] = frame["message_type"].map(_VERSIONS).fillna("")
    frame["synthetic"] = True
    return _typed(frame)


# --- measures -------------------------------------------------------------------------------------------


def _municipal_km(stats: pd.DataFrame, message_types: Sequence[str]) -> pd.DataFrame:
    sent = stats[
        (stats["sender_kind"] == "kommune") & stats["message_type"].isin(message_types) & (stats["count"] > 0)
    ]
    return sent[sent["municipality"] != ""]


def uptake_by_municipality(stats: pd.DataFrame, *, message_types: Sequence[str] = KM_TYPES) -> pd.DataFrame:
    """All 98 municipalities with what they sent of ``message_types``: ``first_month``, ``latest_month``,
    ``active_months``, ``messages`` and ``messages_latest`` (in the latest month of the statistics), and
    their PPR system. Most messages first; municipalities that sent nothing last, with zeros."""
    sent = _municipal_km(stats, message_types)
    latest = stats["month"].max() if len(stats) else ""
    grouped = sent.groupby("municipality")
    summary = pd.DataFrame(
        {
            "first_month": grouped["month"].min(),
            "latest_month": grouped["month"].max(),
            "active_months": grouped["month"].nunique(),
            "messages": grouped["count"].sum(),
            "messages_latest": sent[sent["month"] == latest].groupby("municipality")["count"].sum(),
        }
    )
    places = municipality_systems().set_index("code")[["short_name", "region", "system"]]
    table = places.join(summary, how="left")
    for column in ("active_months", "messages", "messages_latest"):
        table[column] = table[column].fillna(0).astype("int64")
    for column in ("first_month", "latest_month"):
        table[column] = table[column].fillna("")
    table["system"] = table["system"].replace("", UNKNOWN_SYSTEM)
    table.index.name = "municipality"
    return table.sort_values(["messages", "short_name"], ascending=[False, True])


def _system_column(frame: pd.DataFrame) -> pd.Series:
    return frame["system"].replace("", UNKNOWN_SYSTEM)


def uptake_by_system(
    stats: pd.DataFrame, *, message_types: Sequence[str] = KM_TYPES, value: str = "municipalities"
) -> pd.DataFrame:
    """Per month (rows) and system (columns): how many municipalities sent ``message_types``
    (``value="municipalities"``), or how many messages they sent (``value="messages"``)."""
    sent = _municipal_km(stats, message_types).assign(system=lambda f: _system_column(f))
    if value == "messages":
        table = sent.pivot_table(index="month", columns="system", values="count", aggfunc="sum", fill_value=0)
    else:
        table = sent.groupby(["month", "system"])["municipality"].nunique().unstack(fill_value=0)
    months = sorted(stats["month"].unique())
    return table.reindex(months, fill_value=0).astype("int64")


def fhir_share(
    stats: pd.DataFrame, *, by: str | None = None, sender_kind: str | None = "kommune"
) -> pd.Series | pd.DataFrame:
    """Share of korrespondancemeddelelser sent as FHIR CareCommunication rather than XDIS91/DIS91, per
    month (and per system with ``by="system"``). Months without any KM are NaN."""
    km = stats[stats["message_type"].isin(KM_TYPES)]
    if sender_kind is not None:
        km = km[km["sender_kind"] == sender_kind]
    km = km.assign(fhir=km["count"].where(km["message_type"].isin(FHIR_TYPES), 0), system=_system_column(km))
    keys = ["month"] if by is None else ["month", by]
    totals = km.groupby(keys)[["fhir", "count"]].sum()
    share = totals["fhir"] / totals["count"].where(totals["count"] > 0)
    months = sorted(stats["month"].unique())
    if by is None:
        return share.reindex(months)
    return share.unstack().reindex(months)


def referral_routes(stats: pd.DataFrame) -> pd.DataFrame:
    """Referrals delivered per month, via DNHF and directly (``DNHF``, ``direkte``).

    A referral counts once, where it is delivered: rows *to* DNHF are left out, rows *from* DNHF are
    the DNHF route, everything else went directly from the referrer's system over VANS.
    """
    referrals = stats[stats["message_type"].isin(REFERRAL_TYPES) & (stats["receiver_kind"] != "dnhf")]
    route = np.where(referrals["sender_kind"] == "dnhf", "DNHF", "direkte")
    table = referrals.assign(route=route).pivot_table(
        index="month", columns="route", values="count", aggfunc="sum", fill_value=0
    )
    months = sorted(stats["month"].unique())
    return table.reindex(index=months, columns=["DNHF", "direkte"], fill_value=0).astype("int64")


def silent_units(stats: pd.DataFrame, registry: Any = None, *, since: str | None = None) -> pd.DataFrame:
    """The municipal units with their own location number in ``registry`` (the demo registry by default)
    that have sent nothing at all (since ``since``, a month ``YYYY-MM``) — units to follow up on.

    Referrals a unit made in DNHF's web module are sent by DNHF, so they do not count here.
    """
    from .sor import demo_registry

    registry = registry or demo_registry()
    table = registry.table
    known = set(municipalities()["code"])
    units = table[
        (table["level"] == "OE")
        & ~table["ean_inherited"]
        & (table["ean"] != "")
        & table["municipality_code"].isin(known)
    ]
    period = stats if since is None else stats[stats["month"] >= since]
    senders = set(period.loc[period["count"] > 0, "sender_ean"])
    silent = units.loc[
        ~units["ean"].isin(senders), ["sor", "name", "municipality", "ean", "system", "message_types"]
    ]
    return pd.DataFrame(silent.reset_index(drop=True))


@dataclass(frozen=True, slots=True)
class StatsSummary:
    """The figures ``medcomkit stats summary`` prints."""

    first_month: str
    latest_month: str
    rows: int
    messages: int
    synthetic: bool
    municipalities_ever: int
    municipalities_latest: int
    by_system_latest: dict[str, int]
    fhir_share_latest: float | None
    referrals_latest: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_month": self.first_month,
            "latest_month": self.latest_month,
            "rows": self.rows,
            "messages": self.messages,
            "synthetic": self.synthetic,
            "municipalities_ever": self.municipalities_ever,
            "municipalities_latest": self.municipalities_latest,
            "by_system_latest": self.by_system_latest,
            "fhir_share_latest": self.fhir_share_latest,
            "referrals_latest": self.referrals_latest,
        }

    def to_text(self, lang: Lang = "da") -> str:
        share = "–" if self.fhir_share_latest is None else f"{self.fhir_share_latest:.0%}"
        systems = ", ".join(f"{name} {count}" for name, count in self.by_system_latest.items()) or "–"
        routes = ", ".join(f"{name} {count}" for name, count in self.referrals_latest.items())
        if lang == "da":
            lines = [
                f"VANS-statistik {self.first_month} – {self.latest_month}: "
                f"{self.rows} rækker, {self.messages} meddelelser",
                f"Kommuner, der har sendt korrespondancemeddelelser: {self.municipalities_ever} i alt, "
                f"{self.municipalities_latest} i {self.latest_month}",
                f"Aktive kommuner pr. system i {self.latest_month}: {systems}",
                f"Andel FHIR (CareCommunication) af kommunernes KM i {self.latest_month}: {share}",
                f"Henvisninger i {self.latest_month}: {routes}",
            ]
            if self.synthetic:
                lines.insert(0, "OBS: syntetiske data (demo), ikke rigtig statistik.")
        else:
            lines = [
                f"VANS statistics {self.first_month} – {self.latest_month}: "
                f"{self.rows} rows, {self.messages} messages",
                f"Municipalities that sent korrespondancemeddelelser: {self.municipalities_ever} in all, "
                f"{self.municipalities_latest} in {self.latest_month}",
                f"Active municipalities per system in {self.latest_month}: {systems}",
                f"FHIR (CareCommunication) share of municipal KMs in {self.latest_month}: {share}",
                f"Referrals in {self.latest_month}: {routes}",
            ]
            if self.synthetic:
                lines.insert(0, "NB: synthetic data (demo), not real statistics.")
        return "\n".join(lines)


def summarise(stats: pd.DataFrame) -> StatsSummary:
    """The headline figures of a statistics table."""
    months = sorted(stats["month"].unique())
    latest = months[-1] if months else ""
    sent = _municipal_km(stats, KM_TYPES)
    systems = uptake_by_system(stats)
    by_system = {str(k): int(v) for k, v in systems.loc[latest].items() if v} if latest else {}
    shares = fhir_share(stats)
    share = shares.get(latest) if latest and isinstance(shares, pd.Series) else None
    routes = referral_routes(stats)
    referrals = {str(route): int(str(routes.at[latest, route])) if latest else 0 for route in routes.columns}
    return StatsSummary(
        first_month=months[0] if months else "",
        latest_month=latest,
        rows=len(stats),
        messages=int(stats["count"].sum()),
        synthetic=bool(stats["synthetic"].any()),
        municipalities_ever=int(sent["municipality"].nunique()),
        municipalities_latest=int(sent.loc[sent["month"] == latest, "municipality"].nunique()),
        by_system_latest=dict(sorted(by_system.items(), key=lambda item: -item[1])),
        fhir_share_latest=None if share is None or pd.isna(share) else float(share),
        referrals_latest=referrals,
    )


# --- plots ----------------------------------------------------------------------------------------------


def _figure(title: str) -> tuple[Figure, Any]:
    figure = Figure(figsize=(8, 3.6), dpi=100, layout="constrained")
    axes = figure.subplots()
    axes.set_title(title, fontsize=11)
    axes.grid(True, axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _month_ticks(axes: Any, months: Sequence[str]) -> None:
    positions = list(range(len(months)))
    step = max(1, len(months) // 8)
    axes.set_xticks(
        positions[::step], [months[i] for i in positions[::step]], rotation=45, ha="right", fontsize=8
    )


def plot_uptake(stats: pd.DataFrame, *, lang: Lang = "da") -> Figure:
    """Lines: municipalities sending korrespondancemeddelelser per month, one line per system."""
    table = uptake_by_system(stats)
    title = "Kommuner, der sender KM, pr. system" if lang == "da" else "Municipalities sending KM, per system"
    figure, axes = _figure(title)
    months = list(table.index)
    order: list[str] = (
        [str(c) for c in table.iloc[-1].sort_values(ascending=False).index] if len(table) else []
    )
    for system in order:
        axes.plot(range(len(months)), table[system].to_numpy(), marker="o", markersize=3, label=str(system))
    axes.set_ylabel("kommuner" if lang == "da" else "municipalities")
    _month_ticks(axes, months)
    axes.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return figure


def plot_fhir_share(stats: pd.DataFrame, *, lang: Lang = "da") -> Figure:
    """Line: the FHIR share of municipal korrespondancemeddelelser per month, overall and per system."""
    overall = fhir_share(stats)
    per_system = fhir_share(stats, by="system")
    title = (
        "Andel FHIR (CareCommunication) af kommunernes KM" if lang == "da" else "FHIR share of municipal KMs"
    )
    figure, axes = _figure(title)
    months = list(overall.index)
    positions = range(len(months))
    assert isinstance(per_system, pd.DataFrame)
    for system in per_system.columns:
        values = per_system[system].to_numpy(dtype=float)
        if np.nanmax(np.nan_to_num(values)) > 0:
            axes.plot(positions, values * 100, linewidth=1, alpha=0.7, label=str(system))
    axes.plot(
        positions,
        overall.to_numpy(dtype=float) * 100,
        color="black",
        linewidth=2.5,
        label="alle" if lang == "da" else "all",
    )
    axes.set_ylim(0, 100)
    axes.set_ylabel("% FHIR")
    _month_ticks(axes, months)
    axes.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return figure


def plot_referral_routes(stats: pd.DataFrame, *, lang: Lang = "da") -> Figure:
    """Stacked bars: referrals per month via DNHF and directly."""
    table = referral_routes(stats)
    title = (
        "Henvisninger pr. måned: via DNHF og direkte"
        if lang == "da"
        else "Referrals per month: via DNHF and direct"
    )
    figure, axes = _figure(title)
    months = list(table.index)
    positions = np.arange(len(months))
    direct = table["direkte"].to_numpy()
    axes.bar(positions, direct, color="#9aa5b1", label="direkte (VANS)" if lang == "da" else "direct (VANS)")
    axes.bar(positions, table["DNHF"].to_numpy(), bottom=direct, color="#1f6feb", label="via DNHF")
    axes.set_ylabel("henvisninger" if lang == "da" else "referrals")
    _month_ticks(axes, months)
    axes.legend(fontsize=8, frameon=False, loc="upper left")
    return figure


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes, rendered with Agg (no display, no network)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
