"""Mutation test of ``medcomkit.validate`` against lxml with MedCom's official XSDs.

Every mutant of every XDIS91/XBIN01/XCTL reference example (see ``mutants.py``: dropped,
duplicated, reordered and retyped elements; out-of-range codes, lengths, dates, times …) is
validated both ways:

- every mutant the official XSD rejects, medcomkit rejects;
- every mutant medcomkit rejects although the XSD accepts it is rejected by a named business
  rule (an error whose rule id is not a ``schema.*`` one), never by the structure check alone;
- validation never raises.

Run with ``-s`` to see the counts.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from mutants import mutants
from support import OFFICIAL_XSD, oioxml_examples, require_reference

import medcomkit
from medcomkit import Severity

pytestmark = pytest.mark.reference

MIN_MUTANTS = 2_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def official_schema(namespace: str) -> etree.XMLSchema | None:
    if "/schemas/" not in namespace:
        return None
    entry = OFFICIAL_XSD / namespace.rstrip("/").split("/schemas/")[1] / "EMessage.xsd"
    return etree.XMLSchema(etree.parse(str(entry))) if entry.is_file() else None


def official_verdict(data: bytes) -> bool:
    """Valid under the official XSD (a document that is not even well-formed XML is not)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return False
    schema = official_schema(root.tag[1:].partition("}")[0]) if root.tag.startswith("{") else None
    return bool(schema is not None and schema.validate(root))


def test_mutants_agree_with_the_official_xsd() -> None:
    require_reference()
    counts: Counter[str] = Counter()
    per_example: dict[str, int] = {}
    disagreements: list[str] = []
    business_rules: Counter[str] = Counter()
    for path in oioxml_examples():
        if path.name.startswith("REF01"):
            continue  # XREF01 belongs to the referral capability
        count = 0
        for mutant in mutants(path.read_bytes()):
            count += 1
            official = official_verdict(mutant.data)
            report = medcomkit.validate_bytes(mutant.data)
            counts["mutants"] += 1
            counts["rejected by the official XSD"] += not official
            counts["rejected by medcomkit"] += not report.valid
            if not official and report.valid:
                disagreements.append(f"{path.name}: {mutant.description}: XSD rejects, medcomkit accepts")
            elif official and not report.valid:
                counts["rejected only by a named business rule"] += 1
                errors = [i for i in report.issues if i.severity is Severity.ERROR]
                structural = [i.rule for i in errors if i.rule.startswith("schema.")]
                if structural:
                    disagreements.append(
                        f"{path.name}: {mutant.description}: XSD accepts, medcomkit says {structural}"
                    )
                business_rules.update(i.rule for i in errors)
        per_example[path.name] = count
    print()
    for name, count in per_example.items():
        print(f"  {name}: {count} mutants")
    for label, value in counts.items():
        print(f"{label}: {value}")
    for rule_id, value in business_rules.most_common():
        print(f"  {rule_id}: {value}")
    assert not disagreements, "\n".join(disagreements[:30])
    assert counts["mutants"] >= MIN_MUTANTS
    assert counts["rejected by the official XSD"] > counts["mutants"] // 4  # the mutants have teeth


def test_business_rule_rejections_are_explained(tmp_path: Path) -> None:
    """A rejection the XSD would not make comes with a message in both languages."""
    require_reference()
    example = next(p for p in oioxml_examples() if p.name == "XBIN_hello_World.xml")
    data = example.read_bytes().replace(b"<OriginalObjectSize>32<", b"<OriginalObjectSize>33<")
    assert official_verdict(data)
    report = medcomkit.validate_bytes(data)
    assert [i.rule for i in report.errors] == ["xbin01.object-size"]
    assert "33" in report.errors[0].message("da")
    assert "32 bytes" in report.errors[0].message("en")
