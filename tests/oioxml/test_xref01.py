"""XREF01, the hospital referral: building and reading XH0130R and XH0131R, attachments through
XBIN01, the business rules, and the demo referral checked against MedCom's official schemas."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from strategies import referrals
from support import OFFICIAL_XSD, OIOXML_EXAMPLES, require_reference

import medcomkit
from medcomkit import AttachmentMessage, BuildError, Kind, ParseError, Severity
from medcomkit.cli import main
from medcomkit.demo import DEMO_CPR, demo_referral
from medcomkit.identifiers import CprProblem, cpr_birth_date, cpr_problems
from medcomkit.model import (
    Diagnosis,
    EpisodeOfCare,
    Phone,
    Referral,
    ReferralPriority,
    ReferralStatus,
    Relation,
)
from medcomkit.oioxml.xref01 import build_xref01, join_referral_attachments, referral_attachments

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Version = Literal["XH0130R", "XH0131R"]
VERSIONS: tuple[Version, ...] = ("XH0130R", "XH0131R")
EXAMPLE = OIOXML_EXAMPLES / "glasdam-edifact_converter" / "xml" / "REF01_1.xml"
OS2_XSD = OFFICIAL_XSD.parent / "medcom-via-os2korrespondance"
NS_2017 = "http://rep.oio.dk/medcom.dk/xml/schemas/2017/05/01/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def _official_schema(namespace: str) -> etree.XMLSchema:
    folder = namespace.rstrip("/").split("/schemas/")[1]
    base = OFFICIAL_XSD if (OFFICIAL_XSD / folder).is_dir() else OS2_XSD  # 2017/05/01: OS2's copy only
    return etree.XMLSchema(etree.parse(str(base / folder / "EMessage.xsd")))


def official_verdict(data: bytes) -> bool:
    require_reference()
    root = etree.fromstring(data, _PARSER)
    return bool(_official_schema(root.tag[1:].partition("}")[0]).validate(root))


def _example() -> Referral:
    require_reference()
    referral = medcomkit.parse(EXAMPLE)
    assert isinstance(referral, Referral)
    return referral


def _errors(data: bytes) -> list[str]:
    return [i.rule for i in medcomkit.validate_bytes(data).issues if i.severity is Severity.ERROR]


# --- round trips ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@SETTINGS
@given(data=st.data())
def test_parse_of_build_is_the_referral(version: Version, data: st.DataObject) -> None:
    referral = data.draw(referrals(version=version))
    encoding = data.draw(st.sampled_from(["ISO-8859-1", "UTF-8"]))
    built = build_xref01(referral, version=version, encoding=encoding)
    assert f"<VersionCode>{version}</VersionCode>".encode() in built
    assert medcomkit.parse(built) == referral


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_attachments_round_trip_through_xbin01(version: Version, data: st.DataObject) -> None:
    referral = data.draw(referrals(version=version, with_data=True))
    binary = referral_attachments(referral, message_id="BIN1", envelope_id="KUV2")
    if binary is None:
        assert all(a.data is None for a in referral.attachments)
        return
    reference_only = medcomkit.parse(build_xref01(referral, version=version))
    assert isinstance(reference_only, Referral)
    assert all(a.data is None for a in reference_only.attachments)
    carried = medcomkit.parse(medcomkit.build_xbin01(binary))
    assert isinstance(carried, AttachmentMessage)
    assert join_referral_attachments(reference_only, carried) == referral


# --- the reference example --------------------------------------------------------------------------


def test_reference_example_reads_in_full() -> None:
    referral = _example()
    assert referral.referrer.name == "Hans Jensen"
    assert referral.receiver.department == "Medicinsk afd. B"
    assert referral.answer_copy_to is not None
    assert (referral.answer_copy_to.ean, referral.answer_copy_to.identifier) == ("", "079832")
    assert referral.patient.occupation == "Kleinsmed"
    assert [(p.number, p.use) for p in referral.patient.phones] == [
        ("48302223", "home"),
        ("20222324", "mobile"),
    ]
    assert referral.relative is not None
    assert (referral.relative.relation, referral.relative.given_name) == (Relation.MOTHER, "Anni")
    assert referral.priority is ReferralPriority.ELECTIVE
    assert referral.diagnosis == Diagnosis("Blodtryksforhøjelse af ukendt årsag.", "DI10")
    assert referral.additional_diagnoses == (Diagnosis("Fedme u. spec", "DE659", role="tillaegsdiagnose"),)
    assert referral.cave == "\nFenoxymetylpenicillin (1994 Ringsted Sgh. med larynxødem)\n"
    assert referral.medication is not None
    assert referral.medication.startswith("Tabl Triatec 5 mg")


def test_reference_example_is_rebuilt_valid_and_equal() -> None:
    referral = _example()
    rebuilt = build_xref01(referral)
    assert official_verdict(rebuilt)
    assert medcomkit.parse(rebuilt) == referral


def test_xh0131r_asks_for_what_it_requires() -> None:
    referral = _example()
    with pytest.raises(BuildError) as raised:
        build_xref01(referral, version="XH0131R")
    assert raised.value.code == "xref01.build-incomplete"
    assert "EpisodeOfCare" in raised.value.message("en")
    assert "diagnosis.role" in raised.value.message("da")
    assert referral.diagnosis is not None
    newer = replace(
        referral,
        episodes=(EpisodeOfCare("65528a5fcd9a4b22a0e9b2de1d0e0d9c", "henviser"),),
        diagnosis=replace(referral.diagnosis, role="henv_diagnose"),
    )
    built = build_xref01(newer, version="XH0131R")
    assert NS_2017.encode() in built
    assert official_verdict(built)
    assert medcomkit.parse(built) == newer


@pytest.mark.parametrize(
    ("change", "lost"),
    [
        ({"referral_status": ReferralStatus.HOME}, "referral_status home"),
        ({"hospital_choice": "ALDB01"}, "hospital_choice"),
        ({"episodes": (EpisodeOfCare("a"), EpisodeOfCare("b"))}, "2 episodes"),
        ({"episodes": (EpisodeOfCare("a", "LPR3"),)}, "episodes[].kind"),
        ({"diagnosis": Diagnosis("Angst", "DF419", role="henv_diagnose")}, "diagnosis.role"),
    ],
)
def test_xh0130r_refuses_what_only_xh0131r_carries(change: dict[str, object], lost: str) -> None:
    with pytest.raises(BuildError) as raised:
        build_xref01(replace(demo_referral(), **change))  # type: ignore[arg-type]
    assert raised.value.code == "xref01.build-unsupported"
    assert lost in raised.value.message("en")
    assert "XH0130R" in raised.value.message("da")


def test_builder_refuses_what_would_be_lost_or_cannot_be_written() -> None:
    referral = demo_referral()
    assert referral.answer_copy_to is not None
    with pytest.raises(BuildError, match=r"answer_copy_to\.ean") as lost:
        build_xref01(replace(referral, answer_copy_to=replace(referral.answer_copy_to, ean="5790000000005")))
    assert lost.value.code == "xref01.build-unsupported"
    with pytest.raises(BuildError, match="mobile, work or home") as missing:
        build_xref01(replace(referral, patient=replace(referral.patient, phones=(Phone("12345678"),))))
    assert missing.value.code == "xref01.build-incomplete"
    with pytest.raises(BuildError) as version:
        build_xref01(referral, version="XH0132R")  # type: ignore[arg-type]
    assert version.value.code == "xref01.build-version"


def test_builder_refuses_to_emit_an_invalid_referral() -> None:
    referral = demo_referral()
    too_many = tuple(Diagnosis(f"Diagnose {n}", f"DF{n}", role="bidiagnose") for n in range(6))
    with pytest.raises(BuildError) as raised:
        build_xref01(replace(referral, additional_diagnoses=too_many))
    assert raised.value.code == "oioxml.build-invalid"
    assert "ReferralAdditional" in raised.value.message("en")


def test_unknown_code_is_a_clear_parse_error_and_a_schema_issue() -> None:
    data = build_xref01(demo_referral()).replace(b"<Priority>elektiv<", b"<Priority>hast<")
    with pytest.raises(ParseError) as raised:
        medcomkit.parse(data)
    assert raised.value.code == "oioxml.parse-code"
    assert "elektiv, akut, saerlige_forhold" in raised.value.message("en")
    assert _errors(data) == ["schema.enumeration"]


# --- the demo referral ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_demo_referral_passes_medcomkit_and_the_official_xsd(version: Version) -> None:
    referral = demo_referral(version=version)
    xref01 = build_xref01(referral, version=version)
    binary = referral_attachments(referral, message_id="DEMOBIN0000011", envelope_id="DEMOKUV0000012")
    assert binary is not None
    xbin01 = medcomkit.build_xbin01(binary)
    for data in (xref01, xbin01):
        report = medcomkit.validate_bytes(data)
        assert report.valid, report.to_text("en")
        assert official_verdict(data)
    assert medcomkit.validate_bytes(xref01).kind is Kind.XREF01
    # Linked by ObjectIdentifier: without hyphens in the referral, with them in the XBIN01.
    form = referral.attachments[0].identifier
    assert form is not None
    assert f"<ObjectIdentifier>{form.replace('-', '')}</ObjectIdentifier>".encode() in xref01
    assert f"<ObjectIdentifier>{form}</ObjectIdentifier>".encode() in xbin01
    reference_only, carried = medcomkit.parse(xref01), medcomkit.parse(xbin01)
    assert isinstance(reference_only, Referral)
    assert isinstance(carried, AttachmentMessage)
    assert join_referral_attachments(reference_only, carried) == referral


def test_demo_child_has_a_fictitious_cpr_and_the_texts_keep_their_formatting() -> None:
    referral = demo_referral()
    assert referral.patient.identifier.value == DEMO_CPR
    assert CprProblem.MODULUS11 in cpr_problems(DEMO_CPR)  # fails modulus 11, as test CPRs do
    born = cpr_birth_date(DEMO_CPR)
    assert born is not None
    assert referral.authorised.year - born.year < 18  # a child
    data = build_xref01(referral)
    assert "<Bold>Forløb i det lettilgængelige tilbud</Bold><Break/>Henvendte".encode("latin-1") in data
    assert b"<DiagnoseCode>DZ032</DiagnoseCode>" in data


def test_cli_writes_the_demo_and_validates_it_as_xref01(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "referral", "--out", str(tmp_path), "--version", "XH0131R"]) == 0
    written = capsys.readouterr().out.split()
    names = sorted(Path(p).name for p in written)
    assert names == ["henvisning-xbin01.xml", "henvisning-xref01.xml", "henvisningsskema.pdf"]
    xref01 = tmp_path / "henvisning-xref01.xml"
    assert main(["validate", str(xref01), "--format", "json", "--lang", "en"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["kind"] == "XREF01"
    assert report["valid"] is True
    assert official_verdict(xref01.read_bytes())


# --- business rules ---------------------------------------------------------------------------------


def test_sks_code_without_its_leading_d_warns() -> None:
    referral = demo_referral()
    data = build_xref01(replace(referral, diagnosis=Diagnosis("Angst", "F419")))
    report = medcomkit.validate_bytes(data)
    assert report.valid
    warning = next(i for i in report.issues if i.rule == "xref01.sks-diagnosis-code")
    assert warning.location == "/Emessage/HospitalReferral/Referral/Refer/DiagnoseCode"
    assert "F419" in warning.message("da")
    assert "leading D" in warning.message("en")
    icpc = build_xref01(replace(referral, diagnosis=Diagnosis("Angst", "P74", system="ICPCkode")))
    assert "xref01.sks-diagnosis-code" not in medcomkit.validate_bytes(icpc).rules()


def test_referral_without_reason_or_diagnosis_warns() -> None:
    referral = demo_referral()
    assert "xref01.reason-missing" not in medcomkit.validate_bytes(build_xref01(referral)).rules()
    bare = replace(referral, reason=None, diagnosis=None)
    report = medcomkit.validate_bytes(build_xref01(bare))
    assert report.valid
    assert "xref01.reason-missing" in report.rules()
    with_reason_only = build_xref01(replace(bare, reason="Angst"))
    assert "xref01.reason-missing" not in medcomkit.validate_bytes(with_reason_only).rules()


def _without_episodes(data: bytes, *, old_style: bool) -> bytes:
    root = etree.fromstring(data, _PARSER)
    head = root.find(f"{{{NS_2017}}}HospitalReferral/{{{NS_2017}}}Letter")
    assert head is not None
    for episode in head.findall(f"{{{NS_2017}}}EpisodeOfCare"):
        head.remove(episode)
    if old_style:
        etree.SubElement(head, f"{{{NS_2017}}}EpisodeOfCareIdentifier").text = "3f9a6c2e1b7d4e50"
    changed = etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)
    assert isinstance(changed, bytes)
    return changed


@pytest.mark.parametrize("old_style", [False, True], ids=["missing", "as in XH0130R"])
def test_xh0131r_without_episode_of_care_is_named_as_the_cause(old_style: bool) -> None:
    data = _without_episodes(
        build_xref01(demo_referral(version="XH0131R"), version="XH0131R"), old_style=old_style
    )
    assert not official_verdict(data)
    report = medcomkit.validate_bytes(data)
    assert [i.rule for i in report.errors] == ["xref01.episode-of-care"]  # no generic schema complaint
    assert ("XH0130R" in report.errors[0].message("en")) is old_style


def test_xref01_rules_are_registered_in_both_languages() -> None:
    ours = {r.id: r for r in medcomkit.rules() if r.id.startswith("xref01.")}
    assert set(ours) == {"xref01.sks-diagnosis-code", "xref01.episode-of-care", "xref01.reason-missing"}
    for rule in ours.values():
        assert rule.text.da
        assert rule.text.en
        assert rule.text.da != rule.text.en
