"""medcomkit validate versus lxml + the official MedCom XSD, per reference message.

The baseline is what a validating receiver must do at least: parse the bytes safely and validate
them against the official schema. medcomkit does that plus the safe-parser checks, the business
rules and the report. Both run on bytes already in memory, alternately, in the same process, and
the best of several rounds is kept, so machine noise cancels out of the ratio. Target: <= 2.0.
Also prints the cold start of ``medcomkit validate`` on one XDIS91 file, against starting a
Python that only imports lxml.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from lxml import etree

import medcomkit
from bench import best_time

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "oioxml"
TARGET = 2.0


def _official(namespace: str) -> etree.XMLSchema:
    folder = namespace.rstrip("/").split("/schemas/")[1]
    path = REFERENCE / "xsd" / "medcom-via-glasdam" / folder / "EMessage.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def corpus() -> list[Path]:
    examples = REFERENCE / "examples"
    return sorted(
        p for p in examples.rglob("*.xml") if "vansenvelope" not in p.parts and not p.name.startswith("REF01")
    )


class Timing(NamedTuple):
    name: str
    baseline: float  # seconds per message
    medcomkit: float
    issues: int  # how many issues medcomkit reports: each is work the baseline does not do


def per_message(number: int = 300, rounds: int = 7) -> list[Timing]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schemas: dict[str, etree.XMLSchema] = {}
    results = []
    for path in corpus():
        data = path.read_bytes()
        namespace = etree.fromstring(data, parser).tag[1:].partition("}")[0]
        schema = schemas.setdefault(namespace, _official(namespace))

        def baseline(data: bytes = data, schema: etree.XMLSchema = schema) -> bool:
            return bool(schema.validate(etree.fromstring(data, parser)))

        def ours(data: bytes = data) -> bool:
            return medcomkit.validate_bytes(data).valid

        issues = len(medcomkit.validate_bytes(data).issues)  # also compiles our schema before timing
        base = mine = float("inf")
        for _ in range(rounds):  # alternate, so a change in machine load hits both sides
            base = min(base, best_time(baseline, number, 1))
            mine = min(mine, best_time(ours, number, 1))
        results.append(Timing(path.name, base, mine, issues))
    return results


def cold_start(runs: int = 7) -> tuple[float, float]:
    """Median wall time of ``medcomkit validate`` on one file, and of a bare lxml import."""
    with tempfile.TemporaryDirectory() as folder:
        from medcomkit.demo import write_demo_km

        xdis91 = next(p for p in write_demo_km(Path(folder)) if p.name == "km-xdis91.xml")
        command = [sys.executable, "-m", "medcomkit", "validate", str(xdis91)]
        bare = [sys.executable, "-c", "import lxml.etree"]

        def wall(cmd: list[str]) -> float:
            start = time.perf_counter()
            subprocess.run(cmd, check=False, capture_output=True)
            return time.perf_counter() - start

        ours = statistics.median(wall(command) for _ in range(runs))
        base = statistics.median(wall(bare) for _ in range(runs))
    return ours, base


def main() -> None:
    if not REFERENCE.is_dir():
        print(f"skipped: {REFERENCE} is missing (MedCom reference corpus)")
        return
    print("medcomkit validate vs lxml parse + official XSD validate (best of 7 rounds, µs per message)")
    print(f"{'message':42} {'baseline':>9} {'medcomkit':>10} {'ratio':>6} {'issues':>6}")
    timings = per_message()
    ratios = [t.medcomkit / t.baseline for t in timings]
    for timing, ratio in zip(timings, ratios, strict=True):
        flag = "" if ratio <= TARGET else "  > target"
        print(
            f"{timing.name:42} {timing.baseline * 1e6:9.1f} {timing.medcomkit * 1e6:10.1f} {ratio:6.2f}"
            f" {timing.issues:6}{flag}"
        )
    print(f"median ratio {statistics.median(ratios):.2f}, worst {max(ratios):.2f} (target <= {TARGET})")
    over = [t for t, ratio in zip(timings, ratios, strict=True) if ratio > TARGET]
    silent = [t.name for t in over if not t.issues]
    print(
        f"{len(over)} of {len(timings)} messages over target; "
        + (f"without issues: {', '.join(silent)}" if silent else "each of them has issues to report")
    )
    ours, base = cold_start()
    print(
        f"cold start: medcomkit validate on one XDIS91 {ours * 1000:.0f} ms; "
        f"python -c 'import lxml.etree' {base * 1000:.0f} ms; ratio {ours / base:.1f}"
    )


if __name__ == "__main__":
    main()
