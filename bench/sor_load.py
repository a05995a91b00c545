"""Loading a full-size SOR export: 100,000 units in each of the three formats, target under 10 s each.

The real SOR has about 100,000 units. This writes a synthetic export of that size (fictitious codes,
a realistic shape: owners, institutions, nested units, inherited location numbers and addresses) as
the legacy ``sor.csv``, the SOR2 ``SorEntity`` CSV and SOR XML, and times :func:`medcomkit.sor.load_sor`
on each — reading, checking every code, resolving inheritance and building the lookup indexes. As a
baseline in the same process it times the least any reader must do: ``pandas.read_csv`` of the same
CSV, and a bare ``lxml`` iterparse over the XML. Run: ``python -m bench.sor_load``.

:func:`figures` measures lookups instead: the 95th percentile of a two-word partial-name lookup
(limited to 20 units, ranked) at 100,000 units. Target: 50 ms.
"""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pandas as pd
from lxml import etree

from bench import Figure
from medcomkit.landscape import fold_name
from medcomkit.model.identifiers import gln_check_digit
from medcomkit.sor import demo_sor, load_sor

UNITS = 100_000
TARGET_SECONDS = 10.0
INSTITUTIONS_PER_OWNER = 4
UNITS_PER_INSTITUTION = 10


def _ean(serial: int) -> str:
    first12 = f"29{serial:010d}"
    return first12 + str(gln_check_digit(first12))


def _unit(sor: str, parent: str, level: str, name: str, **fields: str) -> dict[str, str]:
    row = {"sor": sor, "parent": parent, "level": level, "name": name}
    row |= {key: fields.get(key, "") for key in ("ean", "inherit", "street", "postcode", "city")}
    return row


def units(count: int = UNITS) -> Iterator[dict[str, str]]:
    """``count`` units, parents first: IE → 4 SI → 10 OE each, every third OE nested and inheriting."""
    made = 0
    owner = 0
    while made < count:
        owner += 1
        ie = demo_sor(owner, 0)
        yield _unit(
            ie, "", "IE", f"Ejer {owner} (bench)", street=f"Benchvej {owner}", postcode="9999", city="By"
        )
        made += 1
        for institution in range(1, INSTITUTIONS_PER_OWNER + 1):
            si = demo_sor(owner, institution * 20)
            yield _unit(
                si, ie, "SI", f"Institution {owner}.{institution}", ean=_ean(owner * 100 + institution)
            )
            made += 1
            previous = si
            for unit in range(1, UNITS_PER_INSTITUTION + 1):
                if made >= count:
                    return
                code = demo_sor(owner, institution * 20 + unit)
                name = f"Afdeling {owner}.{institution}.{unit} Ærø Østergård (bench)"
                if unit % 3 == 0:  # nested under the unit before, inheriting its number and address
                    yield _unit(code, previous, "OE", name, inherit="1")
                else:
                    serial = owner * 100 + institution * 20 + unit
                    yield _unit(
                        code, si, "OE", name, ean=_ean(serial), street=f"Gade {unit}", postcode="9999"
                    )
                made += 1
                previous = code


LEGACY_HEADER = "SOR-kode Parent-SOR-kode Enhedsnavn Enhedstype Lokationsnummer Nedarvningsstatus P_Adresse"
SOR2_HEADER = "SorId SorType EntityName ParentSorId EanLocationCode EanLocationCodeInheritedIndicator"


def write_legacy(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow([*LEGACY_HEADER.split(), "P_Postnummer", "P_By", "CVR"])
        for r in rows:
            status = "nedarvet" if r["inherit"] else ("egen" if r["ean"] else "")
            fields = [r["sor"], r["parent"], r["name"], "Enhed", r["ean"], status, r["street"]]
            writer.writerow([*fields, r["postcode"], r["city"], ""])


def write_sor2(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow([*SOR2_HEADER.split(), "PostalAddressStreetName", "PostalAddressPostCodeId"])
        for r in rows:
            inherit = "true" if r["inherit"] else "false"
            fields = [f'="{r["sor"]}"', r["level"], r["name"], r["parent"], r["ean"], inherit]
            writer.writerow([*fields, r["street"], r["postcode"]])


ENTITY = {"IE": "InstitutionOwnerEntity", "SI": "HealthInstitutionEntity", "OE": "OrganizationalUnitEntity"}
WRAPPER = {"IE": "InstitutionOwner", "SI": "HealthInstitution", "OE": "OrganizationalUnit"}
INHERITED = (
    "<OptionalEanLocationCode><EntityInheritedIndicator>true</EntityInheritedIndicator>"
    "</OptionalEanLocationCode>"
)


def write_xml(path: Path, rows: list[dict[str, str]]) -> None:
    children: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        children.setdefault(r["parent"], []).append(r)
    parts: list[str] = []

    def write(r: dict[str, str]) -> None:
        level = r["level"]
        parts.append(f"<{ENTITY[level]}><{WRAPPER[level]}><SorIdentifier>{r['sor']}</SorIdentifier>")
        parts.append(f"<EntityName>{r['name']}</EntityName><UnitType>Enhed</UnitType>")
        if r["ean"]:
            code = f"<EanLocationCode>{r['ean']}</EanLocationCode>"
            parts.append(f"<OptionalEanLocationCode><EanLocationCodeEntity>{code}</EanLocationCodeEntity>")
            parts.append("</OptionalEanLocationCode>")
        elif r["inherit"]:
            parts.append(INHERITED)
        if r["street"]:
            street = f"<StreetName>{r['street']}</StreetName>"
            postcode = f"<PostCodeIdentifier>{r['postcode']}</PostCodeIdentifier>"
            parts.append(f"<PostalAddressInformation>{street}{postcode}</PostalAddressInformation>")
        parts.append(f"</{WRAPPER[level]}>\n")
        for child in children.get(r["sor"], []):
            write(child)
        parts.append(f"</{ENTITY[level]}>\n")

    for root in children[""]:
        write(root)
    namespace = "urn:oio:sundhedsstyrelsen:organisation:1.0.0"
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<SorTreeType xmlns="{namespace}">'
    path.write_text(f"{head}<SnapshotDate>2025-06-01</SnapshotDate>\n{''.join(parts)}</SorTreeType>\n")


def _read_legacy(path: Path) -> object:
    return pd.read_csv(path, sep=";", dtype=str, encoding="cp1252")


def _read_sor2(path: Path) -> object:
    return pd.read_csv(path, sep=";", dtype=str)


def _iterparse(path: Path) -> object:
    return sum(1 for _ in etree.iterparse(str(path), events=("end",)))


def _best(function: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


LOOKUP_TARGET_MS = 50.0


def _partial_names(rows: list[dict[str, str]], count: int) -> list[str]:
    """Two-word partial names as a person types them: the start of two words of a unit's name."""
    chooser = random.Random(17)
    queries = []
    for row in chooser.sample(rows, count):
        words = fold_name(row["name"]).split()
        first = chooser.choice([w for w in words if not w.isdigit()])  # a name, not a code
        second = chooser.choice([w for w in words if w != first])
        queries.append(f"{first[: max(2, len(first) - 2)]} {second[: max(2, len(second) - 1)]}")
    return queries


def lookup_p95(rows: list[dict[str, str]], path: Path, queries: int = 200, limit: int = 20) -> float:
    """95th percentile of ``registry.lookup(name, limit=...)`` in milliseconds over partial names."""
    registry = load_sor(path)
    times = []
    for query in _partial_names(rows, queries):
        start = time.perf_counter()
        registry.lookup(query, limit=limit)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(times, n=20)[-1]


def figures() -> list[Figure]:
    """The lookup figure for the ``make bench`` table (100,000 units, legacy CSV)."""
    rows = list(units())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sor.csv"
        write_legacy(path, rows)
        p95 = lookup_p95(rows, path)
    print(f"SOR lookup of a two-word partial name at {len(rows):,} units: p95 {p95:.1f} ms")
    return [Figure(f"SOR partial-name lookup p95 at {len(rows):,} units", p95, "ms", LOOKUP_TARGET_MS)]


def main(rounds: int = 3) -> None:
    rows = list(units())
    print(f"SOR export with {len(rows):,} units: medcomkit.sor.load_sor (read, check, inherit, index)")
    print(f"{'format':12} {'size':>8} {'load_sor':>9} {'units/s':>10} {'baseline':>9} {'ratio':>6}  target")
    with tempfile.TemporaryDirectory() as folder:
        files: dict[str, tuple[Callable[[Path, list[dict[str, str]]], None], Callable[[Path], object]]] = {
            "sor.csv": (write_legacy, _read_legacy),
            "SorEntity": (write_sor2, _read_sor2),
            "sor.xml": (write_xml, _iterparse),
        }
        for name, (write, baseline) in files.items():
            path = Path(folder) / name
            write(path, rows)
            registry = load_sor(path)
            assert len(registry) == len(rows), (name, len(registry))
            assert registry.unit(rows[-1]["sor"]).ean  # the last unit inherits or has its number
            ours = _best(partial(load_sor, path), rounds)
            base = _best(partial(baseline, path), rounds)
            verdict = "ok" if ours < TARGET_SECONDS else f"> {TARGET_SECONDS:.0f} s"
            size = f"{path.stat().st_size / 1e6:.0f} MB"
            rate = len(rows) / ours
            print(
                f"{name:12} {size:>8} {ours:8.2f}s {rate:10,.0f} {base:8.2f}s {ours / base:6.1f}  {verdict}"
            )


if __name__ == "__main__":
    main()
