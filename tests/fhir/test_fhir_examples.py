"""Every MedCom FHIR reference example validates without errors, except the ones known to be invalid.

Examples: the IG examples (CareCommunication 5.0.2, Acknowledgement 2.0.3, Messaging 4.0.2), the
certification test examples (send, receive, acknowledgements, TestScript fixtures) and the FHIR
files of the conversion-service flows. ``fhir_support.EXPECTED_INVALID`` names each example that is
invalid, the rule that must name the cause, and the evidence. Run with ``-s`` to see the verdicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fhir_support import (
    DESIGNED_INVALID_BUT_SHIPPED_VALID,
    example_id,
    expectation,
    fhir_examples,
    load,
    require_fhir_reference,
)

import medcomkit
from medcomkit import Kind, Severity
from medcomkit.fhir.validate import validate_fhir

pytestmark = pytest.mark.reference
EXAMPLES = fhir_examples()


@pytest.mark.parametrize("path", EXAMPLES, ids=[example_id(p) for p in EXAMPLES])
def test_example_verdict(path: Path) -> None:
    require_fhir_reference()
    report = medcomkit.validate(path)
    errors = {i.rule for i in report.errors}
    expected = expectation(path)
    verdict = "valid" if report.valid else f"INVALID by {sorted(errors)}"
    note = f" — {expected[1]}" if expected else ""
    if any(name in path.name for name in DESIGNED_INVALID_BUT_SHIPPED_VALID):
        note = (
            " — designed invalid ('no message text'), but the placeholder text its author meant to delete "
            "was never deleted, so the file is valid; the intended defect is tested below"
        )
    warnings = len(report.warnings)
    print(f"\n{example_id(path):95} {report.kind.value:17} {verdict} ({warnings} warnings){note}")
    if expected is None:
        assert report.valid, report.to_text("en")
        if "empty-message" not in path.read_text(encoding="utf-8"):
            assert report.kind in (Kind.CARE_COMMUNICATION, Kind.ACKNOWLEDGEMENT)
    else:
        assert errors == expected[0], report.to_text("en")


def test_r_tek_o_with_its_intended_defect_is_invalid() -> None:
    """R-Tek-O ships with the placeholder text its author meant to delete; delete it as intended."""
    require_fhir_reference()
    relative = "examples/carecommunication-testexamples/receive-extra/"
    name = next(p.name for p in EXAMPLES if "R-Tek-O-invalid" in p.name)
    bundle = load(relative + name)
    _, shipped = validate_fhir(json.dumps(bundle).encode())
    assert not [i for i in shipped if i.severity is Severity.ERROR], "the shipped file is valid"
    communication = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"
    )
    assert communication["payload"][0].pop("contentString") == "To be removed"
    kind, issues = validate_fhir(json.dumps(bundle).encode())
    errors = {i.rule for i in issues if i.severity is Severity.ERROR}
    assert kind is Kind.CARE_COMMUNICATION
    assert errors == DESIGNED_INVALID_BUT_SHIPPED_VALID["R-Tek-O-invalid"]


def test_json_and_xml_twins_get_the_same_issues() -> None:
    require_fhir_reference()
    twins = [p for p in EXAMPLES if p.suffix == ".xml" and p.with_suffix(".json").is_file()]
    assert len(twins) >= 10
    for xml in twins:
        from_xml = medcomkit.validate(xml)
        from_json = medcomkit.validate(xml.with_suffix(".json"))
        assert [(i.rule, i.location) for i in from_xml.issues] == [
            (i.rule, i.location) for i in from_json.issues
        ]
        assert from_xml.kind == from_json.kind


def test_xml_issues_carry_line_numbers() -> None:
    require_fhir_reference()
    path = next(p for p in EXAMPLES if "R-Tek-N-dublicate-inv" in p.name)
    (error,) = medcomkit.validate(path).errors
    assert error.line is not None
    assert "<coding>" in path.read_text(encoding="utf-8").splitlines()[error.line - 1]


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_cli_reports_the_kind(tmp_path: Path, suffix: str) -> None:
    require_fhir_reference()
    care = next(p for p in EXAMPLES if p.suffix == suffix and "carecommunication-5.0.2" in str(p))
    ack = next(
        p
        for p in EXAMPLES
        if p.suffix == suffix and "acknowledgement-2.0.3" in str(p) and "a8c041b8" in p.name
    )
    completed = subprocess.run(
        [sys.executable, "-m", "medcomkit", "validate", "--format", "json", str(care), str(ack)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    reports = json.loads(completed.stdout)
    assert [r["kind"] for r in reports] == ["CareCommunication", "Acknowledgement"]
    assert all(r["valid"] for r in reports)


def test_reports_mask_cpr_numbers() -> None:
    require_fhir_reference()
    bundle = load(
        "ig/medcom-carecommunication-5.0.2/examples/Bundle-add5e7e2-0c0f-4a4a-bfff-f6f984fa7e3c.json"
    )
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["identifier"][0]["value"] = "3102479989"
    report = medcomkit.validate_bytes(json.dumps(bundle).encode())
    text = report.to_text("en")
    assert "310247-****" in text
    assert "3102479989" not in text
    assert "3102479989" in report.to_text("en", mask=False)
    outcome = report.to_operation_outcome("en")
    cpr = next(i for i in outcome["issue"] if i["details"]["coding"][0]["code"] == "cpr")
    assert cpr["expression"] == ["Bundle.entry[1].resource.identifier[0].value"]
