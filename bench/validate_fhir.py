"""medcomkit validate versus fhir.resources' R4B parse alone, per MedCom FHIR reference message.

The baseline is the least a Python receiver does with a FHIR message: let the R4B models parse it
(``Bundle.model_validate_json`` for JSON, ``Bundle.model_validate_xml`` for XML). medcomkit does
that parse too, plus the safe XML parser, the structural walk, reference integrity, every MedCom
invariant and the report. Both run on bytes already in memory, alternately, in the same process;
the best of several rounds is kept, so machine noise cancels out of the ratio.
Also prints absolute messages per second.

:func:`figures` gives the ``make bench`` figures: for the JSON and for the XML messages, CPU time
of validating all of them ÷ CPU time of parsing all of them with R4B, in alternating rounds, the
median of the rounds. Target: <= 1.5.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import medcomkit
from bench import Figure, alternating_ratio, best_time

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "fhir"
TARGET = 1.5


def corpus() -> list[Path]:
    """Every FHIR message Bundle among the reference examples (IG and certification examples)."""
    examples = sorted(REFERENCE.glob("ig/*/examples/*.*"))
    examples += sorted(p for p in (REFERENCE / "examples").rglob("*.*") if p.suffix in (".json", ".xml"))
    return [p for p in examples if b"hl7.org/fhir" in p.read_bytes()[:400] or p.suffix == ".json"]


def per_message(number: int = 20, rounds: int = 7) -> list[tuple[str, float, float]]:
    from fhir.resources.R4B.bundle import Bundle

    results = []
    for path in corpus():
        data = path.read_bytes()
        xml = path.suffix == ".xml"

        def baseline(data: bytes = data, xml: bool = xml) -> object:
            return Bundle.model_validate_xml(data) if xml else Bundle.model_validate_json(data)

        def ours(data: bytes = data) -> bool:
            return medcomkit.validate_bytes(data).valid

        baseline()
        ours()  # warm caches (type definitions, lazy model imports) before timing
        base = mine = float("inf")
        for _ in range(rounds):  # alternate, so a slow moment hurts both sides alike
            base = min(base, best_time(baseline, number, 1))
            mine = min(mine, best_time(ours, number, 1))
        results.append((f"{path.parent.name[:12]}/{path.name}", base, mine))
    return results


def corpus_ratio(paths: list[Path], rounds: int = 15) -> float:
    from fhir.resources.R4B.bundle import Bundle

    messages = [(p.read_bytes(), p.suffix == ".xml") for p in paths]

    def baseline() -> None:
        for data, xml in messages:
            Bundle.model_validate_xml(data) if xml else Bundle.model_validate_json(data)

    def ours() -> None:
        for data, _ in messages:
            medcomkit.validate_bytes(data)

    baseline()
    ours()  # warm caches (type definitions, lazy model imports) before timing
    return alternating_ratio(ours, baseline, number=1, rounds=rounds)


def figures() -> list[Figure]:
    if not REFERENCE.is_dir():
        print(f"skipped: {REFERENCE} is missing (MedCom FHIR reference examples)")
        return []
    result = []
    paths = corpus()
    for fmt in ("json", "xml"):
        chosen = [p for p in paths if p.suffix == f".{fmt}"]
        ratio = corpus_ratio(chosen)
        print(f"FHIR {fmt}: {len(chosen)} messages, medcomkit validate ÷ R4B parse {ratio:.2f}")
        result.append(
            Figure(f"FHIR validate ÷ R4B parse, {fmt} ({len(chosen)} messages)", ratio, "×", TARGET)
        )
    return result


def main() -> None:
    if not REFERENCE.is_dir():
        print(f"skipped: {REFERENCE} is missing (MedCom FHIR reference examples)")
        return
    print("medcomkit validate vs fhir.resources R4B parse alone (best of 7 rounds, ms per message)")
    print(f"{'message':66} {'R4B':>7} {'medcomkit':>10} {'ratio':>6} {'msg/s':>7}")
    ratios: dict[str, list[float]] = {"json": [], "xml": []}
    rates = []
    for name, base, mine in per_message():
        ratio = mine / base
        ratios["xml" if name.endswith(".xml") else "json"].append(ratio)
        rates.append(1 / mine)
        flag = "" if ratio <= TARGET else "  > target"
        print(f"{name[:66]:66} {base * 1e3:7.2f} {mine * 1e3:10.2f} {ratio:6.2f} {1 / mine:7.0f}{flag}")
    for fmt, values in ratios.items():
        if values:
            print(
                f"{fmt}: median ratio {statistics.median(values):.2f}, worst {max(values):.2f} "
                f"(target <= {TARGET}), {len(values)} messages"
            )
    print(
        f"medcomkit throughput: median {statistics.median(rates):.0f} messages/s, slowest {min(rates):.0f}/s"
    )


if __name__ == "__main__":
    main()
