"""No output shows a full CPR number, however it is spelled: separators (space, hyphen, en dash and
other Unicode dashes), full-width or other Unicode digits, inside other text, and the near-misses
a typo makes (9 or 11 digits starting with a date). One masking function does it everywhere:
validate text/JSON/OperationOutcome, error messages, the archive's list/show/export (HTML, PDF),
conversion output; ``--show-cpr`` turns it off where the user may ask for that.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medcomkit
from medcomkit import Bilingual, Issue, Kind, ParseError, Report, Severity
from medcomkit.demo import demo_care_message
from medcomkit.report import mask_cpr

# The national-test-style number of the demo patient (12 March 2013, fails modulus 11).
SPELLINGS = {
    "plain": "1203134996",
    "hyphen": "120313-4996",
    "space": "120313 4996",
    "no-break space": "120313\u00a04996",
    "en dash": "120313\u20134996",
    "em dash": "120313\u20144996",
    "minus sign": "120313\u22124996",
    "non-breaking hyphen": "120313\u20114996",
    "spaced hyphen": "120313 - 4996",
    "soft hyphen": "120313\u00ad4996",
    "full-width": "１２０３１３４９９６",
    "full-width with hyphen": "１２０３１３－４９９６",
    "arabic-indic": "١٢٠٣١٣٤٩٩٦",
    "devanagari": "१२०३१३४९९६",
    "mixed digits": "12０313４996",
    "in words": "cpr:1203134996,tak",
    "eleven digits": "12031349961",
    "eleven with hyphen": "120313-49961",
    "nine digits": "120313499",
}
NOT_CPR = ["5790000000001", "999900000012600", "2026-11-26", "99 99 99 99", "99999949961"]


def leaks(text: str) -> list[str]:
    """Full (or nearly full) CPR numbers left in ``text``: with every digit made ASCII, the date
    120313 followed by the serial's first three digits, at most three other characters apart."""
    ascii_digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    return re.findall(r"120313\D{0,3}499", ascii_digits)


def test_the_leak_detector_sees_every_spelling() -> None:
    for spelling in SPELLINGS.values():
        assert leaks(f"x {spelling} y"), spelling


@pytest.mark.parametrize("name", list(SPELLINGS))
def test_every_spelling_is_masked(name: str) -> None:
    spelling = SPELLINGS[name]
    masked = mask_cpr(f"Patient {spelling} er set.")
    assert not leaks(masked), masked
    assert "120313-" in masked


@pytest.mark.parametrize("value", NOT_CPR)
def test_other_numbers_are_left_alone(value: str) -> None:
    assert mask_cpr(f"nr. {value}.") == f"nr. {value}."


def _report() -> Report:
    template = Bilingual("Værdien '{value}' er forkert.", "The value '{value}' is wrong.")
    issues = tuple(
        Issue("x.rule", Severity.ERROR, template, f"/Emessage/{name}", 3, params=(("value", spelling),))
        for name, spelling in SPELLINGS.items()
    )
    return Report(Kind.XDIS91, issues, "x.xml")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_reports_mask_every_spelling_in_text_json_and_operation_outcome(lang: str) -> None:
    report = _report()
    for rendered in (
        report.to_text(lang),  # type: ignore[arg-type]
        report.to_json(lang),  # type: ignore[arg-type]
        json.dumps(report.to_operation_outcome(lang), ensure_ascii=False),  # type: ignore[arg-type]
        # JSON with escaped non-ASCII, read back so the digits are digits again
        json.dumps(json.loads(json.dumps(report.to_dict(lang), ensure_ascii=True)), ensure_ascii=False),  # type: ignore[arg-type]
    ):
        assert not leaks(rendered), rendered
    assert leaks(report.to_text(lang, mask=False))  # type: ignore[arg-type]


def test_error_messages_mask_every_spelling() -> None:
    for spelling in SPELLINGS.values():
        error = ParseError(
            "x.rule", Bilingual(f"CPR {spelling} kan ikke læses", f"CPR {spelling} is unreadable")
        )
        assert not leaks(error.message("da"))
        assert not leaks(error.message("en"))
        assert not leaks(str(error))
        assert leaks(error.message("en", mask=False))


# --- end to end: a message full of CPR spellings through every command --------------------------------


def _message() -> bytes:
    base = demo_care_message()
    text = "{Bold}CPR-numre:{/Bold}\n" + "\n".join(f"{name}: {value}" for name, value in SPELLINGS.items())
    patient = replace(
        base.patient, family_name=f"Hansen {SPELLINGS['en dash']}", given_name=SPELLINGS["full-width"]
    )
    segment = replace(base.segments[0], text=text)
    attachments = tuple(replace(a, title=f"Plan {SPELLINGS['space']}") for a in base.attachments)
    message = replace(
        base,
        segments=(segment,),
        patient=patient,
        topic=f"Ang. {SPELLINGS['eleven digits']}",
        attachments=attachments,
    )
    return medcomkit.build_xdis91(message, encoding="UTF-8", check=False)


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "medcomkit", *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def test_the_test_message_holds_every_spelling() -> None:
    data = _message().decode("utf-8")
    for spelling in SPELLINGS.values():
        assert spelling.replace("\u00ad", "") in data or spelling in data, spelling


def test_no_command_prints_a_full_cpr_number(tmp_path: Path) -> None:
    message = tmp_path / "brev.xml"
    message.write_bytes(_message())
    journal = str(tmp_path / "journal.db")
    outputs = {
        "validate": _cli("validate", str(message)),
        "validate json": _cli("validate", "--format", "json", "--lang", "en", str(message)),
        "archive add": _cli("archive", "add", "--db", journal, "--direction", "received", str(message)),
        "archive list": _cli("archive", "list", "--db", journal),
        "archive list json": _cli("archive", "list", "--db", journal, "--format", "json"),
        "archive show": _cli("archive", "show", "1", "--db", journal, "--export", str(tmp_path / "copy")),
        "archive show json": _cli("archive", "show", "1", "--db", journal, "--format", "json"),
        "convert": _cli("convert", "--to", "fhir", "--out", str(tmp_path / "fhir"), str(message)),
        "missing file": _cli("validate", str(tmp_path / f"{SPELLINGS['plain']}.xml")),
    }
    for name, output in outputs.items():
        assert not leaks(output), f"{name}: {leaks(output)}\n{output[:3000]}"
    assert "120313-" in outputs["archive show"] or "120313" in outputs["archive show"]
    exported = list((tmp_path / "copy").rglob("*"))
    assert exported
    for path in exported:
        if path.suffix == ".html":
            assert not leaks(path.read_text("utf-8")), path
        elif path.suffix == ".pdf":  # the journal copy; the XDIS91 alone carries no attachment bytes
            text = "".join(page.extract_text() or "" for page in PdfReader(path).pages)
            assert "Hansen" in text
            assert not leaks(text), (path, leaks(text))
    assert {p.suffix for p in exported} >= {".html", ".pdf"}


def test_show_cpr_shows_the_number_when_asked(tmp_path: Path) -> None:
    message = tmp_path / "brev.xml"
    message.write_bytes(_message())
    shown = _cli("validate", "--show-cpr", str(message))
    masked = _cli("validate", str(message))
    assert "1203134996" in shown
    assert not leaks(masked)
