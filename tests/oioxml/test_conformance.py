"""Our verdicts agree with lxml + the official MedCom XSDs on every reference example, and the
known-bad MedCom examples are rejected for their real causes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from support import OFFICIAL_XSD, oioxml_examples, require_reference

import medcomkit

pytestmark = pytest.mark.reference

EXAMPLES = oioxml_examples()


@cache
def official_schema(namespace: str) -> etree.XMLSchema:
    folder = namespace.rstrip("/").split("/schemas/")[1]
    return etree.XMLSchema(etree.parse(str(OFFICIAL_XSD / folder / "EMessage.xsd")))


def official_verdict(path: Path) -> bool:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    namespace = root.tag[1:].partition("}")[0]
    return bool(official_schema(namespace).validate(root))


def test_examples_are_present() -> None:
    require_reference()
    assert len(EXAMPLES) >= 20, "expected the MedCom OIOXML example corpus"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_verdict_matches_official_xsd(path: Path) -> None:
    report = medcomkit.validate(path)
    assert report.kind is not medcomkit.Kind.UNKNOWN
    assert report.valid == official_verdict(path), report.to_text("en")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_verdict_with_official_xsd_dir(path: Path) -> None:
    report = medcomkit.validate(path, xsd_dir=OFFICIAL_XSD)
    assert report.valid == official_verdict(path), report.to_text("en")


def _example(name: str) -> Path:
    matches = [p for p in EXAMPLES if p.name == name]
    if not matches:
        pytest.skip(f"{name} is not in ../shared/reference")
    return matches[0]


def test_br_and_mojibake_are_named_as_the_cause() -> None:
    report = medcomkit.validate(_example("Flow1-XDIS91_Ex_to_FHIR.xml"))
    assert not report.valid
    errors = {i.rule for i in report.errors}
    assert errors == {"oioxml.formatted-text-html", "xml.mojibake-value"}
    assert "xml.encoding-mismatch" in report.rules()
    html = next(i for i in report.errors if i.rule == "oioxml.formatted-text-html")
    assert "<Break/>" in html.message("en")
    assert html.location == "/Emessage/ClinicalEmail/ClinicalInformation/Text01/br[1]"
    assert html.line == 55
    # No generic schema complaint survives for causes a named rule explains.
    assert not any(r.startswith("schema.") for r in errors)


def test_missing_sender_address_is_named_as_the_cause() -> None:
    report = medcomkit.validate(_example("Flow3-XBIN01_Ex_from_FHIR.xml"))
    assert [i.rule for i in report.errors] == ["xbin01.sender-address"]
    assert "StreetName" in report.errors[0].message("en")


def test_mojibake_under_a_valid_schema_is_a_warning() -> None:
    report = medcomkit.validate(_example("Flow3-XDIS91_Ex_from_FHIR.xml"))
    assert report.valid
    mismatch = [i for i in report.issues if i.rule == "xml.encoding-mismatch"]
    assert len(mismatch) == 1
    assert "Undersøgelser" in mismatch[0].message("da")


def test_official_xsd_dir_reports_the_same_named_cause() -> None:
    report = medcomkit.validate(_example("Flow3-XBIN01_Ex_from_FHIR.xml"), xsd_dir=OFFICIAL_XSD)
    assert "xbin01.sender-address" in {i.rule for i in report.errors}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_valid_example_parses(path: Path) -> None:
    messages = medcomkit.parse_all(path)
    assert messages


def test_xref01_example_parses_to_a_referral() -> None:
    from medcomkit.model import Referral

    path = _example("REF01_1.xml")
    assert medcomkit.validate(path).kind is medcomkit.Kind.XREF01
    referral = medcomkit.parse(path)
    assert isinstance(referral, Referral)
    assert referral.diagnosis is not None
    assert (referral.diagnosis.code, referral.diagnosis.system) == ("DI10", "SKSdiagnosekode")
    assert [d.code for d in referral.additional_diagnoses] == ["DE659"]
    assert referral.patient.email == "ole.berggren@danmarksmestkendtepatient.dk"
