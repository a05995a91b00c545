"""medcomkit validate versus lxml + the official MedCom XSD, on three corpora of OIOXML messages.

The baseline is what a validating receiver must do at least: parse the bytes and validate them
against the official schema. medcomkit does that plus the safe-parser checks, the business rules
and the report. Both run over the whole corpus on bytes already in memory, in alternating rounds,
in the same process; the figure is the median of the rounds' CPU-time ratios. Target: <= 1.5.

Corpora: MedCom's converter examples (glasdam-edifact_converter), all public OIOXML examples, and
messages this benchmark builds with medcomkit's own builders (letters, attachments, receipts and
referrals, in ISO-8859-1, windows-1252 and UTF-8). Also the cold start of ``medcomkit validate``
on one XDIS91 against a Python that only imports lxml (CPU time of each process, median of
alternating runs).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

import medcomkit
from bench import Figure, alternating_ratio

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "oioxml"
OFFICIAL = (REFERENCE / "xsd" / "medcom-via-glasdam", REFERENCE / "xsd" / "medcom-via-os2korrespondance")
TARGET = 1.5
COLD_START_TARGET = 2.5
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _official(namespace: str) -> etree.XMLSchema:
    folder = namespace.rstrip("/").split("/schemas/")[1]
    path = next(base / folder / "EMessage.xsd" for base in OFFICIAL if (base / folder).is_dir())
    return etree.XMLSchema(etree.parse(str(path)))


def public_corpus() -> list[Path]:
    """Every public OIOXML example but the VANSEnvelope (no letter) one."""
    examples = REFERENCE / "examples"
    return sorted(p for p in examples.rglob("*.xml") if "vansenvelope" not in p.parts)


def generated_corpus() -> dict[str, bytes]:
    """Messages built by medcomkit: the demo letter and attachment, receipts, referrals."""
    from medcomkit import ReceiptKind, RefuseReason, build_xctl, build_xdis91, build_xref01, receipt_for
    from medcomkit.demo import demo_care_message, demo_referral, write_demo_km

    letter = demo_care_message()
    with tempfile.TemporaryDirectory() as folder:
        km = {p.name: p.read_bytes() for p in write_demo_km(Path(folder))}
    negative = receipt_for(letter, kind=ReceiptKind.NEGATIVE, reason=RefuseReason.SYNTAX_ERROR)
    return {
        "xdis91 (ISO-8859-1)": km["km-xdis91.xml"],
        # As many Danish systems write it (the builder writes ISO-8859-1 or UTF-8 only).
        "xdis91 (windows-1252)": km["km-xdis91.xml"].replace(b"ISO-8859-1", b"windows-1252", 1),
        "xdis91 (UTF-8)": build_xdis91(letter, encoding="UTF-8"),
        "xbin01": km["km-xbin01.xml"],
        "xctl03": build_xctl(receipt_for(letter)),
        "xctl02": build_xctl(negative),
        "xref01 XH0130R": build_xref01(demo_referral()),
        "xref01 XH0131R": build_xref01(demo_referral(version="XH0131R"), version="XH0131R"),
    }


def corpora() -> dict[str, list[bytes]]:
    public = public_corpus()
    return {
        "converter examples": [p.read_bytes() for p in public if "glasdam-edifact_converter" in p.parts],
        "public examples": [p.read_bytes() for p in public],
        "generated messages": list(generated_corpus().values()),
    }


def _passes(messages: list[bytes]) -> tuple[Callable[[], object], Callable[[], object]]:
    checked = []
    for data in messages:
        namespace = etree.fromstring(data, _PARSER).tag[1:].partition("}")[0]
        checked.append((data, _official(namespace)))
        medcomkit.validate_bytes(data)  # compiles our schema before timing

    def baseline() -> None:
        for data, schema in checked:
            schema.validate(etree.fromstring(data, _PARSER))

    def ours() -> None:
        for data, _ in checked:
            medcomkit.validate_bytes(data)

    return ours, baseline


def corpus_ratio(messages: list[bytes], rounds: int = 21) -> float:
    ours, baseline = _passes(messages)
    start = time.process_time()
    baseline()
    once = max(time.process_time() - start, 1e-5)
    number = max(1, int(0.02 / once))  # about 20 ms of baseline per round and side
    return alternating_ratio(ours, baseline, number=number, rounds=rounds)


# As installed Python runs: byte-compiled modules are cached (some CI shells turn that off).
_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _child_cpu(command: list[str]) -> float:
    """CPU time (user + system) of running ``command`` to its end: unlike wall time, it does not
    count the time spent waiting for a core on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=False, capture_output=True, env=_ENVIRONMENT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_start(runs: int = 15) -> tuple[float, float]:
    """Median CPU time of ``medcomkit validate`` on one file, and of a bare lxml import, alternately."""
    with tempfile.TemporaryDirectory() as folder:
        from medcomkit.demo import write_demo_km

        xdis91 = next(p for p in write_demo_km(Path(folder)) if p.name == "km-xdis91.xml")
        command = [sys.executable, "-m", "medcomkit", "validate", str(xdis91)]
        bare = [sys.executable, "-c", "import lxml.etree"]
        _child_cpu(command)  # byte-compiles what it imports, once, as installing would
        ours, base = [], []
        for _ in range(runs):
            ours.append(_child_cpu(command))
            base.append(_child_cpu(bare))
    return statistics.median(ours), statistics.median(base)


def figures() -> list[Figure]:
    if not REFERENCE.is_dir():
        print(f"skipped: {REFERENCE} is missing (MedCom reference corpus)")
        return []
    result = []
    for name, messages in corpora().items():
        ratio = corpus_ratio(messages)
        print(f"OIOXML {name:20} {len(messages):3} messages: medcomkit ÷ (lxml + official XSD) {ratio:.2f}")
        result.append(Figure(f"OIOXML validate ÷ lxml+XSD, {name}", ratio, "×", TARGET))
    ours, base = cold_start()
    bare = f"python -c 'import lxml.etree' {base * 1000:.0f} ms"
    print(f"cold start: medcomkit validate on one XDIS91 {ours * 1000:.0f} ms; {bare}")
    result.append(Figure("cold start validate ÷ python+lxml", ours / base, "×", COLD_START_TARGET))
    return result


def main() -> None:
    for figure in figures():
        print(f"{figure.name}: {figure.value:.2f} (goal <= {figure.goal})")


if __name__ == "__main__":
    main()
