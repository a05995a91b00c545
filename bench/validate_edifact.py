"""medcomkit validating an EDIFACT DIS91 versus lxml + the official XSD on its OIOXML twin.

The baseline is what a receiver of the XML twin must do at least: parse it safely and validate it
against MedCom's official schema (XD9134L, namespace 2006/07/01). medcomkit reads the EDIFACT
interchange, checks envelopes, segment order, values and characters, reads the message into the
model and applies the business rules. Both run on bytes in memory, alternately, in the same
process, counting CPU time (not wall time, which other processes disturb); the median of the
rounds is reported per message. Target: <= 1.5, for the median message and for the worst one;
both are printed, and both go into the ``make bench`` table.

Messages: MedCom's two DIS91 examples and DIS91s written by medcomkit from the second with a
short text, a text of one full block and a text of ten blocks (the most a DIS91 holds; its short
lines need ten or eleven FTX per block, one or two more than MedCom's converter takes, so it has
ten warnings). A plainly well-formed DIS91 is checked by one compiled pattern plus the business
rules on its values (see ``medcomkit.edifact.fast``), which also places the warnings it can:
EAN check digits (DIS91_1 has two), CPR, and text blocks of more than nine FTX. Anything else
takes the full path that locates every issue.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from lxml import etree

import medcomkit
from medcomkit.edifact import build_edifact, read_edifact
from medcomkit.model.messages import CareMessage, TextSegment
from medcomkit.oioxml.xdis91 import build_xdis91

from . import Figure

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "oioxml"
PAIRS = REFERENCE / "examples" / "glasdam-edifact_converter"
SCHEMA = REFERENCE / "xsd" / "medcom-via-glasdam" / "2006" / "07" / "01" / "EMessage.xsd"
TARGET = 1.5


def corpus() -> list[tuple[str, bytes, bytes]]:
    """(name, EDIFACT DIS91, its OIOXML twin)."""
    found = [
        (
            f"{name}.edi",
            (PAIRS / "edifact" / f"{name}.edi").read_bytes(),
            (PAIRS / "xml" / f"{name}.xml").read_bytes(),
        )
        for name in ("DIS91_1", "DIS91_2")
    ]
    (letter,) = read_edifact(found[1][1])
    assert isinstance(letter, CareMessage)
    sentence = "Patienten er set i dag. Blodtryk 135/85, puls 72. Fortsat behandling som aftalt. "
    for label, text in (
        ("short", sentence + "\n"),
        ("2,000 characters", (sentence * 6 + "\n") * 4),
        # Ten blocks of 3,150 characters: more FTX per block than MedCom's converter takes.
        ("ten blocks (31,000 characters)", (sentence * 6 + "\n") * 60),
    ):
        message = replace(letter, segments=(TextSegment(text),))
        found.append((f"demo DIS91, {label}", build_edifact(message), build_xdis91(message)))
    return found


def cpu_per_call(function: Callable[[], object], number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        function()
    return (time.process_time() - start) / number


def measure(rounds: int = 9) -> list[tuple[str, float, float, int]]:
    """(name, baseline seconds, medcomkit seconds, issues) per message."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    results = []
    for name, edifact, xml in corpus():

        def baseline(xml: bytes = xml) -> bool:
            return bool(schema.validate(etree.fromstring(xml, parser)))

        def ours(edifact: bytes = edifact) -> bool:
            return medcomkit.validate_bytes(edifact).valid

        report = medcomkit.validate_bytes(edifact)
        assert report.valid, report.to_text("en")
        assert baseline(), schema.error_log
        # Enough calls per round for the CPU clock's resolution.
        number = max(5, int(0.05 / max(cpu_per_call(baseline, 3), 1e-6)))
        base: list[float] = []
        mine: list[float] = []
        for _ in range(rounds):  # alternate, so a change in machine load hits both sides
            base.append(cpu_per_call(baseline, number))
            mine.append(cpu_per_call(ours, number))
        results.append((name, statistics.median(base), statistics.median(mine), len(report.issues)))
    return results


def figures() -> list[Figure]:
    """The median and the worst ratio over the DIS91 corpus, for the ``make bench`` table (detail
    printed first): a median under target says nothing about the message that is not."""
    ratios = main()
    if not ratios:
        return []
    what = "EDIFACT DIS91 validate ÷ lxml+XSD on its OIOXML twin"
    return [
        Figure(f"{what}, median message", statistics.median(ratios), "×", TARGET),
        Figure(f"{what}, worst message", max(ratios), "×", TARGET),
    ]


def main() -> list[float]:
    """Print the per-message table; return the ratios (empty when the reference data is missing)."""
    if not PAIRS.is_dir() or not SCHEMA.is_file():
        print(f"skipped: {PAIRS} or {SCHEMA} is missing (MedCom reference data)")
        return []
    print("medcomkit validate on EDIFACT DIS91 vs lxml parse + official XSD on its OIOXML twin")
    print("(CPU time, median of 9 alternating rounds, µs per message)")
    print(f"{'message':44} {'XML+XSD':>9} {'medcomkit':>10} {'ratio':>6} {'issues':>6}")
    timings = measure()
    ratios = []
    for name, base, mine, issues in timings:
        ratio = mine / base
        ratios.append(ratio)
        flag = "" if ratio <= TARGET else "  > target"
        print(f"{name:44} {base * 1e6:9.1f} {mine * 1e6:10.1f} {ratio:6.2f} {issues:6}{flag}")
    worst = max(timings, key=lambda t: t[2] / t[1])[0]
    print(
        f"median ratio {statistics.median(ratios):.2f}, max ratio {max(ratios):.2f} ({worst}); "
        f"target <= {TARGET} for both"
    )
    over = [(name, issues) for (name, base, mine, issues) in timings if mine / base > TARGET]
    silent = [name for name, issues in over if not issues]
    print(
        f"{len(over)} of {len(timings)} messages over target; "
        + (f"without issues: {', '.join(silent)}" if silent else "each of them has issues to report")
    )
    return ratios


if __name__ == "__main__":
    main()
