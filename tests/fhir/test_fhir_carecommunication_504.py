"""The FHIR validator follows CareCommunication 5.0.4 where real vendor messages met disagreements:
phone numbers with spaces, identifier systems that are no absolute URI, and the definition-url rule."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

import medcomkit
from medcomkit.convert import NO_PHONE
from medcomkit.demo import demo_care_thread
from medcomkit.fhir import rules as r
from medcomkit.fhir.carecommunication import build_carecommunication
from medcomkit.fhir.invariants import INVARIANTS
from medcomkit.model import Author


def _bundle_with_phone(phone: str) -> bytes:
    new, _, _ = demo_care_thread()
    segment = new.segments[0]
    author = replace(segment.author or Author(family_name="Hansen"), phone=phone)
    return build_carecommunication(replace(new, segments=(replace(segment, author=author),)), check=False)


@pytest.mark.parametrize("phone", ["48 20 50 00", NO_PHONE, "+45 48-20-50-00", "48205000"])
def test_phone_numbers_the_published_expression_accepts_get_no_warning(phone: str) -> None:
    report = medcomkit.validate(_bundle_with_phone(phone))
    assert "core.contact-characters" not in report.rules()
    assert report.valid


def test_letters_in_a_phone_number_still_get_a_warning() -> None:
    report = medcomkit.validate(_bundle_with_phone("tlf. 48205000"))
    assert "core.contact-characters" in report.rules()


def _with_patient_system(system: str) -> dict[str, Any]:
    new, _, _ = demo_care_thread()
    bundle: dict[str, Any] = json.loads(build_carecommunication(new))
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["identifier"][0]["system"] = system
    return bundle


def test_an_identifier_system_that_is_no_absolute_uri_is_an_error() -> None:
    report = medcomkit.validate(json.dumps(_with_patient_system("1.2.208.176.1.2")).encode())
    (issue,) = [i for i in report.issues if i.rule == "core.identifier-system-absolute"]
    assert issue.severity is medcomkit.Severity.ERROR
    assert "urn:oid:1.2.208.176.1.2" in issue.message("en")
    assert issue.location is not None
    assert issue.location.endswith("identifier[0].system")


def test_absolute_systems_pass() -> None:
    report = medcomkit.validate(json.dumps(_with_patient_system("urn:oid:1.2.208.176.1.2")).encode())
    assert "core.identifier-system-absolute" not in report.rules()


def test_the_validator_says_it_implements_carecommunication_5_0_4() -> None:
    sources = {i.source for i in INVARIANTS.values() if i.id.startswith("medcom-careCommunication")}
    assert sources == {"CareCommunication 5.0.4"}
    assert INVARIANTS["medcom-carecommunication-definition-url"].source == "CareCommunication 5.0.4"


def test_the_definition_url_message_does_not_overstate_the_published_defect() -> None:
    for lang in ("da", "en"):
        text = r.CC_DEFINITION.text.get(lang)
        assert "almost anything" not in text
        assert "næsten alt" not in text
        assert "5.0.4" in text
