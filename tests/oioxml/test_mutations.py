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
            continue  # mutated with both XREF01 versions by test_xref01_mutants_agree_with_the_official_xsd
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


# --- XREF01: the reference example and the demo referral in both versions --------------------------------

OS2_XSD = OFFICIAL_XSD.parent / "medcom-via-os2korrespondance"
XREF01_MIN_MUTANTS = 1_000


@cache
def official_xref01_schema(namespace: str) -> etree.XMLSchema:
    """MedCom's schema for a referral namespace: XH0130R from glasdam's copy, XH0131R (2017/05/01)
    from OS2korrespondance's, the only copy there is."""
    folder = namespace.rstrip("/").split("/schemas/")[1]
    base = OFFICIAL_XSD if (OFFICIAL_XSD / folder).is_dir() else OS2_XSD
    return etree.XMLSchema(etree.parse(str(base / folder / "EMessage.xsd")))


def official_xref01_verdict(data: bytes) -> bool:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return False
    return bool(official_xref01_schema(root.tag[1:].partition("}")[0]).validate(root))


def _without_time_zones(data: bytes) -> bytes:
    root = etree.fromstring(data, _PARSER)
    for date in root.iter("{*}Date"):
        text = (date.text or "").strip()
        if len(text) > 10:
            date.text = text[:10]
    cleaned = etree.tostring(root.getroottree(), encoding="ISO-8859-1", xml_declaration=True)
    assert isinstance(cleaned, bytes)
    return cleaned


def xref01_documents() -> dict[str, bytes]:
    from medcomkit.demo import demo_referral
    from medcomkit.oioxml.xref01 import build_xref01

    example = next(p for p in oioxml_examples() if p.name == "REF01_1.xml")
    return {
        "REF01_1.xml (XH0130R)": example.read_bytes(),
        "demo referral XH0130R": build_xref01(demo_referral()),
        "demo referral XH0131R": build_xref01(demo_referral(version="XH0131R"), version="XH0131R"),
    }


def test_xref01_mutants_agree_with_the_official_xsd() -> None:
    """Every XREF01 mutant the official XSD rejects, medcomkit rejects too; where medcomkit rejects
    more, a named business rule says why. The one documented exception: a time zone on a date in
    2017/05/01, which the OS2 copy forbids and medcomkit only warns about."""
    require_reference()
    counts: Counter[str] = Counter()
    disagreements: list[str] = []
    business_rules: Counter[str] = Counter()
    for name, document in xref01_documents().items():
        assert official_xref01_verdict(document), name
        assert medcomkit.validate_bytes(document).valid, name
        for mutant in mutants(document):
            counts["mutants"] += 1
            official = official_xref01_verdict(mutant.data)
            report = medcomkit.validate_bytes(mutant.data)
            assert report.kind in (medcomkit.Kind.XREF01, medcomkit.Kind.UNKNOWN), mutant.description
            counts["rejected by the official XSD"] += not official
            if not official and report.valid:
                if "oioxml.date-timezone" in report.rules() and official_xref01_verdict(
                    _without_time_zones(mutant.data)
                ):
                    counts["time zone on a date (documented difference, warned)"] += 1
                    continue
                disagreements.append(f"{name}: {mutant.description}: XSD rejects, medcomkit accepts")
            elif official and not report.valid:
                counts["rejected only by a named business rule"] += 1
                errors = [i.rule for i in report.issues if i.severity is Severity.ERROR]
                if any(rule.startswith("schema.") for rule in errors):
                    disagreements.append(
                        f"{name}: {mutant.description}: XSD accepts, medcomkit says {errors}"
                    )
                business_rules.update(errors)
    print()
    for label, value in counts.items():
        print(f"{label}: {value}")
    for rule_id, value in business_rules.most_common():
        print(f"  {rule_id}: {value}")
    assert not disagreements, "\n".join(disagreements[:30])
    assert counts["mutants"] >= XREF01_MIN_MUTANTS
    assert counts["rejected by the official XSD"] > counts["mutants"] // 4  # the mutants have teeth
