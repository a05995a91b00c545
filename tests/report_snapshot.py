"""Digests of the reports medcomkit gives on a fixed corpus, to show that a change keeps every report.

The corpus: every OIOXML (XDIS91, XBIN01, XREF01, XCTL, VANSEnvelope), EDIFACT and FHIR
(CareCommunication, Acknowledgement) reference example (OIOXML also against the official XSDs),
every single-step mutant of each OIOXML example and of the project's own referrals, segment
mutants of each EDIFACT example (each segment deleted, doubled, cut in half, swapped with the
next), the targeted FHIR mutants and the project's demo messages. A report is digested in both
languages with CPR numbers shown, so any change to an issue, its wording, place or order changes
the digest. Only digests are stored (``report_digests.json``), never third-party content.

Record anew (only when a report is meant to change, and say why in the commit)::

    .venv/bin/python tests/report_snapshot.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support import OFFICIAL_XSD, REFERENCE, record_or_compare  # noqa: E402

import medcomkit  # noqa: E402
from medcomkit import Report  # noqa: E402

DIGESTS = TESTS / "report_digests.json"
FHIR_REFERENCE = REFERENCE / "fhir"
OIOXML_REFERENCE = REFERENCE / "oioxml" / "examples"


def report_digest(report: Report) -> str:
    """A short hash of the whole report, in Danish and English, CPR numbers unmasked."""
    both = [report.to_dict("da", mask=False), report.to_dict("en", mask=False)]
    text = json.dumps(both, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _digest_all(reports: Iterable[Report]) -> str:
    """One digest for many reports, in order (a mutant set)."""
    total = hashlib.sha256()
    count = 0
    for report in reports:
        total.update(report_digest(report).encode())
        count += 1
    return f"{count}:{total.hexdigest()[:20]}"


def oioxml_examples() -> list[Path]:
    return sorted(OIOXML_REFERENCE.rglob("*.xml")) if OIOXML_REFERENCE.is_dir() else []


def edifact_examples() -> list[Path]:
    return sorted(OIOXML_REFERENCE.rglob("*.edi")) if OIOXML_REFERENCE.is_dir() else []


def edifact_mutants(data: bytes) -> Iterator[bytes]:
    """Each segment deleted, doubled, cut in half and swapped with the next (deterministic)."""
    pieces = data.split(b"'")
    for index, piece in enumerate(pieces):
        before, after = pieces[:index], pieces[index + 1 :]
        yield b"'".join([*before, *after])
        yield b"'".join([*before, piece, piece, *after])
        yield b"'".join([*before, piece[: len(piece) // 2], *after])
        if after:
            yield b"'".join([*before, after[0], piece, *after[1:]])


def fhir_examples() -> list[Path]:
    if not FHIR_REFERENCE.is_dir():
        return []
    found = [*FHIR_REFERENCE.glob("ig/*/examples/*.*"), *(FHIR_REFERENCE / "examples").rglob("*.*")]
    return sorted(p for p in found if p.suffix in (".json", ".xml"))


def _own_messages() -> dict[str, bytes]:
    """The project's own demo messages (fixed content, so their reports are fixed too)."""
    from medcomkit.demo import (
        demo_referral,
        write_demo_carecommunication,
        write_demo_km,
        write_demo_referral,
    )
    from medcomkit.oioxml.xref01 import build_xref01

    messages: dict[str, bytes] = {
        "demo referral XH0130R": build_xref01(demo_referral()),
        "demo referral XH0131R": build_xref01(demo_referral(version="XH0131R"), version="XH0131R"),
    }
    with tempfile.TemporaryDirectory() as folder:
        for write in (write_demo_km, write_demo_referral, write_demo_carecommunication):
            for path in write(Path(folder)):
                if path.suffix in (".xml", ".json"):
                    messages[f"demo {path.name}"] = path.read_bytes()
    return messages


def current_digests(*, mutants: bool = True) -> Iterator[tuple[str, str]]:
    """(name, digest) for every report of the corpus, as the code gives them now."""
    from fhir_mutants import CATALOGUE
    from mutants import mutants as oioxml_mutants

    for path in oioxml_examples():
        name = path.relative_to(OIOXML_REFERENCE).as_posix()
        data = path.read_bytes()
        yield f"oioxml/{name}", report_digest(medcomkit.validate_bytes(data))
        if OFFICIAL_XSD.is_dir():
            official = medcomkit.validate_bytes(data, xsd_dir=OFFICIAL_XSD)
            yield f"oioxml-official-xsd/{name}", report_digest(official)
        if mutants and "vansenvelope" not in path.parts:
            reports = (medcomkit.validate_bytes(m.data) for m in oioxml_mutants(data))
            yield f"oioxml-mutants/{name}", _digest_all(reports)
    for path in edifact_examples():
        name = path.relative_to(OIOXML_REFERENCE).as_posix()
        data = path.read_bytes()
        yield f"edifact/{name}", report_digest(medcomkit.validate_bytes(data))
        if mutants:
            reports = (medcomkit.validate_bytes(m) for m in edifact_mutants(data))
            yield f"edifact-mutants/{name}", _digest_all(reports)
    for path in fhir_examples():
        name = path.relative_to(FHIR_REFERENCE).as_posix()
        yield f"fhir/{name}", report_digest(medcomkit.validate_bytes(path.read_bytes()))
    if FHIR_REFERENCE.is_dir():
        for mutant in CATALOGUE:
            data = json.dumps(mutant.bundle()).encode()
            yield f"fhir-mutants/{mutant.name}", report_digest(medcomkit.validate_bytes(data))
    for name, data in _own_messages().items():
        if name.startswith("demo referral") and mutants:
            reports = (medcomkit.validate_bytes(m.data) for m in oioxml_mutants(data))
            yield f"own-mutants/{name}", _digest_all(reports)
        yield f"own/{name}", report_digest(medcomkit.validate_bytes(data))


def main(argv: list[str]) -> int:
    return record_or_compare(dict(current_digests()), DIGESTS, argv, "reports")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
