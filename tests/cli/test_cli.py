from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import OIOXML_EXAMPLES, require_reference

from medcomkit import CareMessage, acknowledge, parse
from medcomkit.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "medcomkit", *args], capture_output=True, text=True, check=False, timeout=60
    )


@pytest.fixture
def demo(tmp_path: Path) -> list[Path]:
    assert main(["demo", "km", "--out", str(tmp_path)]) == 0
    return sorted(tmp_path.glob("*.xml"))


def test_demo_km_writes_a_valid_pair(demo: list[Path]) -> None:
    assert [p.name for p in demo] == ["km-xbin01.xml", "km-xdis91.xml"]
    assert (demo[0].parent / "forloebsplan.pdf").read_bytes().startswith(b"%PDF-1.4")
    completed = run("validate", "--format", "json", *map(str, demo))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    reports = json.loads(completed.stdout)
    assert [r["kind"] for r in reports] == ["XBIN01", "XDIS91"]
    assert all(r["valid"] for r in reports)
    assert all(set(r) == {"path", "kind", "valid", "issues"} for r in reports)
    for issue in reports[1]["issues"]:
        assert set(issue) == {"rule", "severity", "location", "line", "message"}


def test_exit_1_when_any_input_has_an_error(demo: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        demo[1].read_bytes().replace(b"<TypeCode>XDIS91</TypeCode>", b"<TypeCode>XDIS9</TypeCode>")
    )
    completed = run("validate", "--lang", "en", str(demo[1]), str(broken))
    assert completed.returncode == 1
    assert "broken.xml: XDIS91 — invalid (1 error" in completed.stdout
    assert "[schema.enumeration]" in completed.stdout
    assert "Allowed values: 'XDIS91'" in completed.stdout
    assert "2 files, 1 invalid" in completed.stdout


def test_exit_2_for_unreadable_paths_and_usage_errors(demo: list[Path]) -> None:
    missing = run("validate", str(demo[0]), "/nonexistent/x.xml")
    assert missing.returncode == 2
    assert "Kan ikke læse /nonexistent/x.xml" in missing.stderr
    usage = run("validate")
    assert usage.returncode == 2
    assert "følgende argumenter mangler" in usage.stderr
    assert "the following arguments are required" in usage.stderr
    assert run("validate", "--format", "xml", str(demo[0])).returncode == 2
    assert "Traceback" not in missing.stderr + usage.stderr


def test_text_output_in_danish_by_default(demo: list[Path]) -> None:
    completed = run("validate", str(demo[1]))
    assert "XDIS91 — gyldig (1 advarsel)" in completed.stdout
    assert "120313-****" in completed.stdout
    assert "1203134996" not in completed.stdout
    shown = run("validate", "--show-cpr", str(demo[1]))
    assert "1203134996" in shown.stdout


def test_max_size(demo: list[Path]) -> None:
    completed = run("validate", "--max-size", "1k", "--format", "json", str(demo[0]))
    assert completed.returncode == 1
    assert json.loads(completed.stdout)[0]["issues"][0]["rule"] == "xml.too-large"


def test_official_xsd_dir() -> None:
    reference = require_reference()
    example = OIOXML_EXAMPLES / "medcom-conversionservice" / "Flow3-XBIN01_Ex_from_FHIR.xml"
    xsd = reference / "oioxml" / "xsd" / "medcom-via-glasdam"
    completed = run("validate", "--format", "json", "--xsd-dir", str(xsd), str(example))
    assert completed.returncode == 1
    rules = {i["rule"] for i in json.loads(completed.stdout)[0]["issues"]}
    assert {"xbin01.sender-address", "schema.unexpected-element"} <= rules
    assert run("validate", "--xsd-dir", "/nonexistent", str(example)).returncode == 2


def test_attachments_are_cross_checked_when_given_together(demo: list[Path], tmp_path: Path) -> None:
    changed = tmp_path / "other-xbin01.xml"
    changed.write_bytes(demo[0].read_bytes().replace(b"<ObjectCode>vektor_grafik", b"<ObjectCode>billede"))
    completed = run("validate", "--format", "json", "--lang", "en", str(demo[1]), str(changed))
    reports = json.loads(completed.stdout)
    rules = {i["rule"]: i["message"] for i in reports[0]["issues"]}
    assert "oioxml.attachment-mismatch" in rules
    assert "'vektor_grafik' in the XDIS91 but 'billede' in the XBIN01" in rules["oioxml.attachment-mismatch"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_demo_carecommunication_writes_a_valid_new_reply_and_forward(tmp_path: Path, fmt: str) -> None:
    completed = run("demo", "carecommunication", "--out", str(tmp_path), "--format", fmt)
    assert completed.returncode == 0, completed.stderr
    written = sorted(tmp_path.glob(f"*.{fmt}"))
    assert [p.name for p in written] == [
        f"carecommunication-{name}.{fmt}" for name in ("ny", "svar", "videresendt")
    ]
    completed = run("validate", "--format", "json", *map(str, written))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    reports = json.loads(completed.stdout)
    assert [r["kind"] for r in reports] == ["CareCommunication"] * 3
    assert all(r["valid"] for r in reports)
    activities = []
    for path in written:
        message = parse(path)
        assert isinstance(message, CareMessage)
        activities.append(message.activity.value)
    assert activities == ["new-message", "reply-message", "forward-message"]


def test_validate_reports_an_acknowledgement_as_such(tmp_path: Path) -> None:
    assert main(["demo", "carecommunication", "--out", str(tmp_path)]) == 0
    _, ack = acknowledge((tmp_path / "carecommunication-ny.json").read_bytes())
    (tmp_path / "ack.json").write_bytes(ack)
    completed = run("validate", "--format", "json", str(tmp_path / "ack.json"))
    assert completed.returncode == 0, completed.stdout
    assert json.loads(completed.stdout)[0]["kind"] == "Acknowledgement"
