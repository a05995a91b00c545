from __future__ import annotations

import json

import medcomkit
from medcomkit import Bilingual, Issue, IssueType, Kind, Report, Severity
from medcomkit.report import mask_cpr


def _report() -> Report:
    return Report(
        Kind.XDIS91,
        (
            Issue(
                "x.error",
                Severity.ERROR,
                Bilingual("CPR 2509479989 er forkert", "CPR 2509479989 is wrong"),
                "/Emessage/ClinicalEmail/Patient",
                12,
                IssueType.VALUE,
            ),
            Issue("x.warning", Severity.WARNING, Bilingual("advarsel", "warning")),
        ),
        "km.xml",
    )


def test_validity_and_counts() -> None:
    report = _report()
    assert not report.valid
    assert [i.rule for i in report.errors] == ["x.error"]
    assert [i.rule for i in report.warnings] == ["x.warning"]
    assert Report(Kind.XDIS91, report.warnings).valid


def test_cpr_is_masked_unless_asked() -> None:
    issue = _report().issues[0]
    assert issue.message("da") == "CPR 250947-**** er forkert"
    assert issue.message("en", mask=False) == "CPR 2509479989 is wrong"
    assert mask_cpr("250947-9989 and 5790001382445") == "250947-**** and 5790001382445"


def test_json_shape_matches_the_cli_contract() -> None:
    data = json.loads(_report().to_json("en"))
    assert set(data) == {"path", "kind", "valid", "issues"}
    assert data["issues"][0] == {
        "rule": "x.error",
        "severity": "error",
        "location": "/Emessage/ClinicalEmail/Patient",
        "line": 12,
        "message": "CPR 250947-**** is wrong",
    }


def test_text_is_written_for_a_person() -> None:
    text = _report().to_text("da")
    assert text.splitlines()[0] == "km.xml: XDIS91 — ugyldig (1 fejl, 1 advarsel)"
    assert "FEJL [x.error]  linje 12  /Emessage/ClinicalEmail/Patient" in text
    assert "invalid (1 error, 1 warning)" in _report().to_text("en")


def test_operation_outcome() -> None:
    outcome = _report().to_operation_outcome("en")
    assert outcome["resourceType"] == "OperationOutcome"
    first = outcome["issue"][0]
    assert first["severity"] == "error"
    assert first["code"] == "value"
    assert first["details"]["coding"][0]["code"] == "x.error"
    assert first["location"] == ["/Emessage/ClinicalEmail/Patient"]
    assert first["extension"][0]["valueInteger"] == 12
    assert Report(Kind.XDIS91).to_operation_outcome()["issue"][0]["severity"] == "information"


def test_every_rule_has_a_unique_id_and_both_languages() -> None:
    rules = medcomkit.rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    assert len(rules) > 40
    for defined in rules:
        assert defined.text.da, defined.id
        assert defined.text.en != defined.text.da, defined.id
        # Published FHIR invariants keep their published ids (cpr, medcom-careCommunication-5 …).
        assert "." in defined.id or defined.type is IssueType.INVARIANT, defined.id
