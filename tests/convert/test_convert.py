"""Conversion XDIS91 (+ XBIN01) ⇄ CareCommunication and XCTL ⇄ Acknowledgement, compared field by field
with MedCom's own conversion examples, scenario by scenario with the conversion service's test cases,
and for any message (property-based)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from strategies import care_messages, fhir_new_messages, fhir_person_ids
from support import OFFICIAL_XSD, REFERENCE, messages_in

import medcomkit
from medcomkit import (
    AttachmentMessage,
    CareMessage,
    PersonId,
    PersonIdKind,
    Priority,
    Receipt,
    ReceiptKind,
    Severity,
    build_xbin01,
    build_xdis91,
    parse,
)
from medcomkit.convert import (
    CONVERSION_PROBLEM_NOTE,
    HIGH_PRIORITY_NOTE,
    MORE_CPR_NOTE,
    NO_PHONE,
    UNKNOWN_TOPIC,
    ChangeKind,
    Conversion,
    SorEntry,
    acknowledgement_to_xctl,
    carecommunication_to_xdis91,
    xctl_to_acknowledgement,
    xdis91_to_carecommunication,
)
from medcomkit.demo import demo_care_message, demo_care_thread
from medcomkit.fhir import terminology as t
from medcomkit.fhir.carecommunication import build_carecommunication
from medcomkit.fhir.document import read_fhir
from medcomkit.model import EpisodeStatus, OrgIdKind

MIME_RULE = "binding.medcom-core-attachmentMimeTypes"
FLOWS = REFERENCE / "fhir" / "examples" / "conversion-service" / "flows"
PROPERTIES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def flow(name: str) -> Any:
    path = FLOWS / name
    if not path.is_file():
        pytest.skip(f"MedCom's conversion flow {name} is missing ({path}); ../shared/reference is needed")
    return parse(path)


def counter(prefix: str = "00000000-0000-4000-8000-") -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):012d}"


def errors(data: bytes) -> list[str]:
    return [
        f"{i.rule}: {i.message('en')}"
        for i in medcomkit.validate(data).issues
        if i.severity is Severity.ERROR
    ]


@cache
def _official_schema(folder: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(OFFICIAL_XSD / folder / "EMessage.xsd")))


def official_errors(data: bytes) -> list[str]:
    """What MedCom's official XSDs say about an OIOXML document (skips without the reference data)."""
    if not OFFICIAL_XSD.is_dir():
        pytest.skip(f"the official MedCom XSDs are missing ({OFFICIAL_XSD})")
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    folder = root.tag[1:].partition("}")[0].rstrip("/").split("/schemas/")[1]
    schema = _official_schema(folder)
    return [] if schema.validate(root) else [str(schema.error_log)]


# --- field by field against MedCom's conversion flows ---------------------------------------------

# SOR facts the conversion service looks up (codes, names and phone as MedCom's converted examples show them).
FLOW_SOR = {
    "5790001382445": SorEntry("359001000016000", "MedCom testcenter", "65432030"),
    "5790000121441": SorEntry("328051000016008", "Social og Sundhed Odense Kommune"),
}


@dataclass(frozen=True)
class Field:
    name: str
    get: Callable[[CareMessage], object]
    deviation: str | None = None  # why MedCom's example differs, when it does


def _text_lines(message: CareMessage) -> list[str]:
    return [
        line.strip() for s in message.segments for line in medcomkit.markup.plain_text(s.text).splitlines()
    ]


FLOW1_FIELDS = [
    Field("Bundle.timestamp", lambda m: m.envelope.sent),
    Field("payload date (Letter.Authorisation)", lambda m: m.segments[0].written),
    Field("sender EAN", lambda m: m.sender.ean),
    Field("sender SOR", lambda m: m.sender.sor),
    Field(
        "sender name",
        lambda m: m.sender.name,
        "the example uses SOR's name; the mapping joins OrganisationName, DepartmentName and UnitName",
    ),
    Field("receiver EAN", lambda m: m.receiver.ean),
    Field("receiver SOR", lambda m: m.receiver.sor),
    Field(
        "receiver name", lambda m: m.receiver.name, "the example uses SOR's name instead of OrganisationName"
    ),
    Field("patient CPR", lambda m: m.patient.identifier),
    Field(
        "patient family name",
        lambda m: m.patient.family_name,
        "the example's Patient is 'Hansen', though its XDIS91 says 'Ann Berggren'",
    ),
    Field("patient given name", lambda m: m.patient.given_name, "the example adds 'Ann' to the given names"),
    Field("patient address", lambda m: m.patient.address),
    Field("episode status", lambda m: m.episode_status),
    Field("episode id", lambda m: m.episode_of_care_id),
    Field("category", lambda m: m.category),
    Field("topic", lambda m: m.topic),
    Field("priority", lambda m: m.priority),
    Field("activity", lambda m: m.activity),
    Field("text starts with the priority note", lambda m: _text_lines(m)[0].startswith(HIGH_PRIORITY_NOTE)),
    Field("text lines", lambda m: [line for line in _text_lines(m) if line]),
    Field("text keeps empty lines", lambda m: "" in _text_lines(m), "the example drops the empty lines"),
    Field("author phone", lambda m: m.segments[0].author and m.segments[0].author.phone),
    Field(
        "author role",
        lambda m: m.segments[0].author and (m.segments[0].author.role or m.segments[0].author.role_text),
        "the example reads 'overlæge' out of the signature; the mapping says role 'ukendt'",
    ),
    Field(
        "author name",
        lambda m: m.segments[0].author and m.segments[0].author.name,
        "the example reads 'K. Petersen' out of the signature; the mapping says the organisation's name",
    ),
    Field("attachment id", lambda m: m.attachments[0].identifier),
    Field("attachment MIME type", lambda m: m.attachments[0].media_type),
    Field("attachment data", lambda m: m.attachments[0].data),
    Field("attachment date", lambda m: m.attachments[0].added),
    Field(
        "attachment title",
        lambda m: m.attachments[0].title,
        "the example writes 'vektor_grafik'; the mapping puts RefDescription ('BIN') in the title",
    ),
    Field("history", lambda m: m.history),
    Field(
        "provenance: sender and time", lambda m: (medcomkit.thread.current_event(m).sender.ean, m.authorised)
    ),
]


def test_flow1_xdis91_to_carecommunication_matches_medcoms_conversion_field_by_field() -> None:
    letter, binary, expected = (
        flow("Flow1-XDIS91_Ex_to_FHIR.xml"),
        flow("Flow1-XBIN01_Ex_to_FHIR.xml"),
        flow("Flow1-CareCommunication_Ex_from_OIOXML.xml"),
    )
    conversion = xdis91_to_carecommunication(letter, binary, sor=FLOW_SOR, new_id=counter())
    data = build_carecommunication(conversion.result, format="xml")  # also validates
    ours = parse(data)
    assert isinstance(ours, CareMessage)
    compared = []
    for field in FLOW1_FIELDS:
        mine, theirs = field.get(ours), field.get(expected)
        if field.deviation is None:
            assert mine == theirs, field.name
        else:
            assert mine != theirs, f"{field.name}: MedCom's example now agrees; drop the deviation"
        compared.append(field.name)
    assert len(compared) == len(FLOW1_FIELDS) >= 30
    # FHIR-only values MedCom's mapping fixes.
    ours_json, theirs_json = (
        read_fhir(data).resource,
        read_fhir((FLOWS / "Flow1-CareCommunication_Ex_from_OIOXML.xml").read_bytes()).resource,
    )
    for path in (
        ("type",),
        ("entry", 0, "resource", "definition"),
        ("entry", 0, "resource", "source", "endpoint"),
    ):
        assert _at(ours_json, path) == _at(theirs_json, path), path
    assert _destination(ours_json) == _destination(theirs_json)
    assert _communication(ours_json)["status"] == _communication(theirs_json)["status"] == "unknown"


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _destination(bundle: dict[str, Any]) -> tuple[str, str]:
    destination = bundle["entry"][0]["resource"]["destination"][0]
    return destination["endpoint"], destination["extension"][0]["valueCoding"]["code"]


def _communication(bundle: dict[str, Any]) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication")


def _xdis91_lines(message: CareMessage) -> list[str]:
    return [
        line.strip()
        for line in medcomkit.markup.plain_text(message.segments[0].text).splitlines()
        if line.strip()
    ]


FLOW3_FIELDS: list[tuple[str, Callable[[CareMessage], object], str | None]] = [
    ("Letter.Authorisation", lambda m: m.authorised, None),
    ("Envelope.Sent", lambda m: m.envelope.sent, "the example sends at 12:32, the Bundle.timestamp is 12:33"),
    ("Sender.EANIdentifier", lambda m: m.sender.ean, None),
    (
        "Sender.Identifier",
        lambda m: m.sender.identifier,
        "the example repeats the EAN; the mapping says the SOR code",
    ),
    (
        "Sender.IdentifierCode",
        lambda m: m.sender.identifier_kind,
        "the example says lokationsnummer; the mapping sorkode",
    ),
    ("Sender.OrganisationName", lambda m: m.sender.name, None),
    (
        "Sender.TelephoneSubscriberIdentifier",
        lambda m: m.sender.phone,
        "the example's number is not the author's",
    ),
    ("Receiver.EANIdentifier", lambda m: m.receiver.ean, None),
    (
        "Receiver.Identifier",
        lambda m: m.receiver.identifier,
        "the example repeats the EAN; the mapping says the SOR code",
    ),
    ("Receiver.OrganisationName", lambda m: m.receiver.name, None),
    ("Patient", lambda m: m.patient, None),
    ("EpisodeOfCareStatusCode", lambda m: m.episode_status, None),
    ("EpisodeOfCareIdentifier", lambda m: m.episode_of_care_id, None),
    ("Priority", lambda m: m.priority, None),
    ("Subject", lambda m: m.topic, None),
    (
        "Text01 with author lines",
        lambda m: [ln for ln in _xdis91_lines(m) if not ln.startswith("Forinden")],
        None,
    ),
    (
        "Text01 line 'Forinden …'",
        lambda m: any(ln.startswith("Forinden") for ln in _xdis91_lines(m)),
        "the example's Text01 has a line its CareCommunication does not have",
    ),
    ("Reference.BIN.ObjectExtensionCode", lambda m: m.attachments[0].file_type, None),
    ("Reference.BIN.OriginalObjectSize", lambda m: m.attachments[0].size, None),
    (
        "Reference.BIN.ObjectIdentifier",
        lambda m: m.attachments[0].identifier,
        "the example's id is not the CareCommunication attachment's",
    ),
    (
        "Reference.BIN.ObjectCode",
        lambda m: m.attachments[0].object_code,
        "the example says billede for a PDF; the use cases table says vektor_grafik",
    ),
    (
        "Reference.RefDescription",
        lambda m: m.attachments[0].title,
        "the example writes BIN; the mapping puts the attachment's title there",
    ),
]


def test_flow3_carecommunication_to_xdis91_matches_medcoms_conversion_field_by_field() -> None:
    source, expected, expected_binary = (
        flow("Flow3-CareCommunication_Ex_to_OIOXML.xml"),
        flow("Flow3-XDIS91_Ex_from_FHIR.xml"),
        flow("Flow3-XBIN01_Ex_from_FHIR.xml"),
    )
    conversion = carecommunication_to_xdis91(source, new_id=counter("ID"))
    letter, binary = conversion.result
    xdis91 = build_xdis91(letter)
    assert errors(xdis91) == []
    assert official_errors(xdis91) == []
    ours = parse(xdis91)
    assert isinstance(ours, CareMessage)
    for name, get, deviation in FLOW3_FIELDS:
        if deviation is None:
            assert get(ours) == get(expected), name
        else:
            assert get(ours) != get(expected), f"{name}: MedCom's example now agrees; drop the deviation"
    assert binary is not None
    assert isinstance(expected_binary, AttachmentMessage)
    xbin01 = build_xbin01(binary)
    assert errors(xbin01) == []
    assert official_errors(xbin01) == []
    ours_binary = parse(xbin01)
    assert isinstance(ours_binary, AttachmentMessage)
    assert [a.data for a in ours_binary.attachments] == [a.data for a in expected_binary.attachments]
    assert [a.file_type for a in ours_binary.attachments] == ["pdf"]
    # The XBIN01 object and the XDIS91 reference name the same attachment.
    assert ours_binary.attachments[0].identifier == ours.attachments[0].identifier


def test_flow2_one_acknowledgement_becomes_two_xctl03() -> None:
    acknowledgement = flow("Flow2-Acknowledgement_Ex_to_OIOXML.xml")
    letter, binary = flow("Flow1-XDIS91_Ex_to_FHIR.xml"), flow("Flow1-XBIN01_Ex_to_FHIR.xml")
    expected = [flow("Flow2-XCTL03_Ex_from_FHIR_XDIS91.xml"), flow("Flow2-XCTL03_Ex_from_FHIR_XBIN01.xml")]
    correlation = xdis91_to_carecommunication(letter, binary, sor=FLOW_SOR).correlation
    # MedCom's service gave the CareCommunication its own MessageHeader id (a generated identifier).
    correlation = replace(correlation, fhir_header_id=acknowledgement.letters[0].letter_id)
    conversion = acknowledgement_to_xctl(acknowledgement, correlation, new_id=counter("X"))
    assert len(conversion.result) == 2
    for ours, theirs in zip(conversion.result, expected, strict=True):
        data = medcomkit.build_xctl(ours)
        assert errors(data) == []
        assert official_errors(data) == []
        back = parse(data)
        assert isinstance(back, Receipt)
        for name in ("kind", "original_envelope_id", "letters"):
            assert getattr(back, name) == getattr(theirs, name), name
        for name in ("sender", "receiver", "original_sender", "original_receiver"):
            assert getattr(back, name).ean == getattr(theirs, name).ean, name
    assert [c.kind for c in conversion.changes] == [ChangeKind.REWRITTEN]  # one becomes two


def test_flow4_two_xctl03_become_one_ok_acknowledgement() -> None:
    source = flow("Flow3-CareCommunication_Ex_to_OIOXML.xml")
    receipts = [flow("Flow4-XCTL03_Ex_to_FHIR_XDIS91.xml"), flow("Flow4-XCTL03_Ex_to_FHIR_XBIN01.xml")]
    expected = flow("Flow4-Acknowledgement_Ex_from_OIOXML.xml")
    correlation = carecommunication_to_xdis91(source).correlation
    # The OIOXML ids MedCom's service generated for the two letters (generated identifiers).
    correlation = replace(
        correlation,
        oioxml_envelope_id=receipts[0].original_envelope_id,
        oioxml_letter_id=receipts[0].letters[0].letter_id,
        xbin_envelope_id=receipts[1].original_envelope_id,
        xbin_letter_id=receipts[1].letters[0].letter_id,
    )
    conversion = xctl_to_acknowledgement(receipts, correlation, new_id=counter())
    data = medcomkit.build_acknowledgement(conversion.result, format="xml")
    assert errors(data) == []
    ours = parse(data)
    assert isinstance(ours, Receipt)
    assert ours.kind is expected.kind is ReceiptKind.POSITIVE
    assert ours.letters[0].letter_id == expected.letters[0].letter_id == source.message_id
    assert ours.sender.ean == expected.sender.ean
    assert ours.receiver.ean == expected.receiver.ean
    # The copy of the message's own Provenance: the same message and activity. (MedCom's example copies a
    # Provenance whose agent, time and payload ids differ from its own CareCommunication's.)
    assert ours.acknowledged is not None
    assert expected.acknowledged is not None
    assert ours.acknowledged.message_id == expected.acknowledged.message_id == source.message_id
    assert ours.acknowledged.activity is expected.acknowledged.activity
    assert ours.acknowledged.sender.ean == expected.acknowledged.sender.ean
    assert ours.acknowledged != expected.acknowledged, "MedCom's example now agrees; compare it whole"
    # With one receipt missing there is no acknowledgement: the sender resends.
    with pytest.raises(medcomkit.BuildError) as caught:
        xctl_to_acknowledgement(receipts[:1], correlation)
    assert caught.value.code == "convert.receipt-missing"


# --- the conversion service's test cases ----------------------------------------------------------

DEMO_SOR = {"2000000001265": SorEntry("999900000126001"), "2000000002019": SorEntry("999900000201001")}


def demo_letter(**changes: Any) -> tuple[CareMessage, AttachmentMessage | None]:
    from medcomkit.oioxml.xbin01 import attachments_for

    letter = replace(demo_care_message(), **changes)
    return letter, attachments_for(letter, message_id="DEMOBIN0000001", envelope_id="DEMOKUV0000002")


def to_fhir(letter: CareMessage, binary: AttachmentMessage | None) -> tuple[Conversion[CareMessage], bytes]:
    conversion = xdis91_to_carecommunication(letter, binary, sor=DEMO_SOR, new_id=counter())
    return conversion, build_carecommunication(conversion.result, check=False)


@pytest.mark.parametrize(
    ("value", "system"), [("0703921VJ5", t.X_ECPR_SYSTEM), ("1206550VK9", t.D_ECPR_SYSTEM)]
)
def test_replacement_cpr_gets_the_system_its_seventh_character_gives(value: str, system: str) -> None:
    patient = replace(demo_care_message().patient, identifier=PersonId(PersonIdKind.REPLACEMENT, value))
    conversion, data = to_fhir(*demo_letter(patient=patient))
    assert conversion.result.patient.identifier.system == system
    assert errors(data) == []
    back, _ = carecommunication_to_xdis91(conversion.result).result
    assert back.patient.identifier == PersonId(PersonIdKind.REPLACEMENT, value)


def test_several_cprs_keep_the_regular_one_and_list_the_others_in_the_text() -> None:
    new, _, _ = demo_care_thread()
    replacement = PersonId(PersonIdKind.REPLACEMENT, "0703921VJ5", t.X_ECPR_SYSTEM)
    message = replace(new, patient=replace(new.patient, other_identifiers=(replacement,)))
    conversion = carecommunication_to_xdis91(message)
    letter, _ = conversion.result
    assert letter.patient.identifier == PersonId(PersonIdKind.CPR, new.patient.identifier.value)
    text = medcomkit.markup.plain_text(letter.segments[0].text)
    assert f"{MORE_CPR_NOTE}\n0703921VJ5" in text
    # Two replacement CPRs: the national X-eCPR wins.
    regional = PersonId(PersonIdKind.REPLACEMENT, "1206550VK9", t.D_ECPR_SYSTEM)
    two = replace(new, patient=replace(new.patient, identifier=regional, other_identifiers=(replacement,)))
    letter, _ = carecommunication_to_xdis91(two).result
    assert letter.patient.identifier.value == "0703921VJ5"
    assert "1206550VK9" in medcomkit.markup.plain_text(letter.segments[0].text)


@pytest.mark.parametrize("which", ["reply", "forward"])
def test_replies_and_forwards_say_so_in_the_text_with_every_segment_and_author(which: str) -> None:
    new, answer, passed_on = demo_care_thread()
    message = answer if which == "reply" else passed_on
    conversion = carecommunication_to_xdis91(message)
    letter, binary = conversion.result
    text = medcomkit.markup.plain_text(letter.segments[0].text)
    note = (
        "Svar på tidligere korrespondancemeddelelse"
        if which == "reply"
        else "Videresendt korrespondancemeddelelse"
    )
    assert text.startswith(note)
    for segment in message.segments:
        assert medcomkit.markup.plain_text(segment.text).strip().splitlines()[0] in text
        assert segment.author is not None
        assert f"Forfatter: {segment.author.name}" in text
    assert "Stilling: Psykolog" in text
    assert "Stilling: Læge" in text
    data = build_xdis91(letter)
    assert errors(data) == []
    assert official_errors(data) == []
    if which == "reply":  # the PDF came earlier: named at the end of the text, no XBIN01
        assert binary is None
        assert "Bilag sendt tidligere i tråden:" in text
    else:  # a forward carries the PDF again
        assert binary is not None
        assert binary.attachments[0].data == new.attachments[0].data


@pytest.mark.parametrize("count", [1, 3, 11])
def test_attachments_travel_in_one_xbin01_and_back(count: int) -> None:
    new, _, _ = demo_care_thread()
    pdf = new.attachments[0]
    attachments = tuple(
        replace(
            pdf,
            identifier=f"5e0f6d9c-3a1b-4c8e-9f21-{index:012d}",
            title=f"Bilag {index}",
            data=(pdf.data or b"") + bytes([index]),
        )
        for index in range(count)
    )
    message = replace(new, attachments=attachments)
    conversion_to_xdis91 = carecommunication_to_xdis91(message)
    letter, binary = conversion_to_xdis91.result
    assert binary is not None
    travelling = min(count, 10)  # XDIS91 and XBIN01 hold at most ten
    assert len(binary.attachments) == len(letter.attachments) == travelling
    assert errors(build_xbin01(binary)) == []
    assert errors(build_xdis91(letter)) == []
    if count > 10:
        assert any("11" in c.source for c in conversion_to_xdis91.of_kind(ChangeKind.LOST))
        assert "Bilag 10" in medcomkit.markup.plain_text(letter.segments[0].text)
    conversion, data = to_fhir(letter, binary)
    assert [a.data for a in conversion.result.attachments] == [a.data for a in attachments][:travelling]
    assert errors(data) == []
    # Built directly in FHIR, more than ten is a warning while the conversion service runs.
    direct = medcomkit.validate(build_carecommunication(message, check=False))
    assert ("cc.attachment-count" in direct.rules()) is (count > 10)


def test_a_missing_xbin01_gives_attachments_without_data_and_the_note_in_the_acknowledgement() -> None:
    letter, _ = demo_letter()
    conversion, data = to_fhir(letter, None)
    attachment = conversion.result.attachments[0]
    assert attachment.data is None
    assert attachment.title is None
    assert errors(data) != []  # deliberately invalid, as MedCom's service makes it
    assert conversion.correlation.conversion_problem == CONVERSION_PROBLEM_NOTE
    lost = conversion.of_kind(ChangeKind.LOST)
    assert any(c.source.startswith("XBIN01 BinaryObject") for c in lost)
    # The receiver refuses it; the Acknowledgement becomes one negative XCTL carrying the note.
    _, ack = medcomkit.acknowledge(data)
    acknowledgement = parse(ack)
    assert isinstance(acknowledgement, Receipt)
    assert acknowledgement.kind is ReceiptKind.NEGATIVE
    receipts = acknowledgement_to_xctl(acknowledgement, conversion.correlation).result
    assert [r.kind for r in receipts] == [ReceiptKind.NEGATIVE]
    xctl = xctl_to_acknowledgement(receipts, conversion.correlation).result
    assert CONVERSION_PROBLEM_NOTE in (xctl.letters[0].refuse_text or "")


def test_a_file_type_fhir_does_not_permit_is_converted_and_then_refused() -> None:
    letter, binary = demo_letter()
    assert binary is not None
    letter = replace(
        letter, attachments=(replace(letter.attachments[0], file_type="doc", object_code="tekstfil"),)
    )
    binary = replace(
        binary, attachments=(replace(binary.attachments[0], file_type="doc", object_code="tekstfil"),)
    )
    conversion, data = to_fhir(letter, binary)
    assert conversion.result.attachments[0].media_type == "application/msword"
    assert [e for e in errors(data) if not e.startswith(MIME_RULE)] == []
    assert any("msword" in e for e in errors(data))
    assert any("doc" in c.source for c in conversion.of_kind(ChangeKind.REWRITTEN))


def test_time_zones_and_seconds_are_reduced_to_danish_hours_and_minutes() -> None:
    new, _, _ = demo_care_thread()
    utc = datetime(2026, 6, 1, 8, 30, 45, tzinfo=UTC)  # 10:30:45 in Copenhagen (summer time)
    message = replace(new, envelope=replace(new.envelope, sent=utc), authorised=utc)
    letter, _ = carecommunication_to_xdis91(message).result
    data = build_xdis91(letter)
    assert b"<Time>10:30</Time>" in data
    assert letter.envelope.sent == utc.replace(second=0)
    # Back in FHIR the time carries its zone again.
    _conversion, fhir = to_fhir(parse(data), None)  # type: ignore[arg-type]
    assert b"2026-06-01T10:30:00+02:00" in fhir


@pytest.mark.parametrize(
    ("oioxml", "fhir"),
    [
        ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        ("EPISODE-42", "EPISODE-42"),  # not a UUID: kept as it is
    ],
)
def test_episode_ids_gain_and_lose_their_hyphens_only_when_they_are_uuids(oioxml: str, fhir: str) -> None:
    letter, binary = demo_letter(
        episode_of_care_id=oioxml.replace("-", "") if len(oioxml) == 32 else oioxml,
        episode_status=EpisodeStatus.OUTPATIENT,
    )
    conversion, data = to_fhir(letter, binary)
    assert conversion.result.episode_of_care_id == fhir
    assert errors(data) == []
    back, _ = carecommunication_to_xdis91(conversion.result).result
    assert back.episode_of_care_id == oioxml  # a UUID loses its hyphens again; other ids are kept
    assert back.episode_status is EpisodeStatus.OUTPATIENT


def test_defaults_when_xdis91_lacks_what_fhir_needs() -> None:
    letter, binary = demo_letter(topic=None, priority=Priority.HIGH)
    letter = replace(letter, sender=replace(letter.sender, phone=None))
    conversion, data = to_fhir(letter, binary)
    message = conversion.result
    assert message.topic == UNKNOWN_TOPIC
    assert message.category == "other"
    assert message.priority is None
    assert medcomkit.markup.plain_text(message.segments[0].text).startswith(HIGH_PRIORITY_NOTE)
    author = message.segments[0].author
    assert author is not None
    assert (author.role_text, author.phone, author.family_name) == (
        "ukendt",
        NO_PHONE,
        f"{letter.sender.name}, Lettilgængeligt tilbud, § 126 a, børn og unge",
    )
    assert errors(data) == []
    kinds = {c.target for c in conversion.of_kind(ChangeKind.INVENTED)}
    assert {"Communication.topic", "Communication.category", "payload.extension:authorContact"} <= kinds


def test_formatting_lost_on_the_way_to_fhir_is_said() -> None:
    letter, binary = demo_letter()  # the demo text has a bold heading
    conversion, _ = to_fhir(letter, binary)
    assert "{Bold}" not in conversion.result.segments[0].text
    assert any("formatering" in c.source for c in conversion.of_kind(ChangeKind.LOST))


def test_a_party_without_sor_code_cannot_become_fhir() -> None:
    letter, binary = demo_letter()
    by_location_number = replace(
        letter.sender, identifier=letter.sender.ean, identifier_kind=OrgIdKind.LOCATION_NUMBER
    )
    letter = replace(letter, sender=by_location_number)
    with pytest.raises(medcomkit.BuildError) as caught:
        xdis91_to_carecommunication(letter, binary, sor={})
    assert caught.value.code == "convert.sor-missing"
    assert letter.sender.ean in caught.value.message("en")


# --- any message ----------------------------------------------------------------------------------


def invent_sor(ean: str) -> SorEntry:
    return SorEntry("1" + ean[:12].rjust(12, "0") + "01")


@st.composite
def convertible_letters(draw: st.DrawFn) -> tuple[CareMessage, AttachmentMessage | None]:
    """XDIS91 letters with a patient FHIR accepts (CPR numbers with real dates, dk-core replacement CPRs)."""
    from medcomkit.oioxml.xbin01 import attachments_for

    letter = draw(care_messages(with_data=True, max_attachments=4))
    identifier = draw(fhir_person_ids())
    patient = replace(letter.patient, identifier=PersonId(identifier.kind, identifier.value))
    letter = replace(letter, patient=patient)
    assume(letter.sender.ean != letter.receiver.ean)
    return letter, attachments_for(letter, message_id="BIN1", envelope_id="KUV2")


@given(convertible_letters())
@PROPERTIES
def test_any_xdis91_converts_to_valid_fhir_and_back_keeping_what_the_mapping_keeps(
    pair: tuple[CareMessage, AttachmentMessage | None],
) -> None:
    letter, binary = pair
    conversion = xdis91_to_carecommunication(letter, binary, sor=invent_sor, new_id=counter())
    message = conversion.result
    data = build_carecommunication(message, check=False)
    permitted = {a.identifier for a in message.attachments if a.media_type in t.ATTACHMENT_MIME_TYPES}
    refused = [a for a in message.attachments if a.url is None and a.identifier not in permitted]
    found = errors(data)
    assert [e for e in found if not e.startswith(MIME_RULE)] == []  # only refused file types are errors
    assert (found == []) is (refused == []), found
    back_letter, back_binary = carecommunication_to_xdis91(message, new_id=counter("L")).result
    xdis91 = build_xdis91(back_letter)
    assert errors(xdis91) == []
    assert official_errors(xdis91) == []
    if back_binary is not None:
        assert errors(build_xbin01(back_binary)) == []
    # What the mapping keeps.
    assert (back_letter.sender.ean, back_letter.receiver.ean) == (letter.sender.ean, letter.receiver.ean)
    assert back_letter.patient.identifier == letter.patient.identifier
    assert (back_letter.patient.family_name, back_letter.patient.given_name) == (
        letter.patient.family_name,
        letter.patient.given_name,
    )
    kept_address = letter.patient.address and replace(letter.patient.address, suburb=None)
    assert (back_letter.patient.address or None) == (
        kept_address if kept_address != medcomkit.Address() else None
    )
    plain = medcomkit.markup.plain_text(letter.segments[0].text).strip()
    assert plain in medcomkit.markup.plain_text(back_letter.segments[0].text)
    assert (letter.topic or UNKNOWN_TOPIC) in (back_letter.topic or "")
    assert back_letter.episode_of_care_id == (letter.episode_of_care_id or None)
    expected_binary = [
        (a.identifier, a.data)
        for a in letter.attachments
        if a.data is not None and a.url is None and not a.supplementary
    ]
    got_binary = [(a.identifier, a.data) for a in (back_binary.attachments if back_binary else ())]
    assert got_binary == expected_binary


@given(fhir_new_messages())
@PROPERTIES
def test_any_carecommunication_converts_to_xdis91_the_official_schemas_accept(message: CareMessage) -> None:
    conversion = carecommunication_to_xdis91(message, new_id=counter("L"))
    letter, binary = conversion.result
    for data in (build_xdis91(letter), *([build_xbin01(binary)] if binary else [])):
        assert errors(data) == []
        assert official_errors(data) == []
    for segment in message.segments:
        assert medcomkit.markup.plain_text(segment.text).strip() in medcomkit.markup.plain_text(
            letter.segments[0].text
        )
    assert letter.patient.identifier.value == message.patient.identifier.value
    assert conversion.correlation.fhir_header_id == message.message_id


def test_cli_converts_the_demo_pair_to_fhir_and_back(tmp_path: Path) -> None:
    from medcomkit.cli import main
    from medcomkit.demo import write_demo_km

    inputs = [p for p in write_demo_km(tmp_path / "in") if p.suffix == ".xml"]
    assert (
        main(
            [
                "convert",
                "--to",
                "fhir",
                "--fhir-format",
                "xml",
                "--out",
                str(tmp_path / "fhir"),
                *map(str, inputs),
            ]
        )
        == 0
    )
    (converted,) = messages_in(tmp_path / "fhir")
    assert converted.name == "DEMOBREV000001.carecommunication.xml"
    assert errors(converted.read_bytes()) == []
    assert main(["convert", "--to", "oioxml", "--out", str(tmp_path / "back"), str(converted)]) == 0
    back = sorted(p.name.rpartition(".")[0].rpartition(".")[2] for p in messages_in(tmp_path / "back"))
    assert back == ["xbin01", "xdis91"]
    for path in messages_in(tmp_path / "back"):
        assert errors(path.read_bytes()) == []
    # An XCTL is no message to convert: a clear error, exit 1.
    receipt = medcomkit.build_xctl(medcomkit.receipt_for(demo_care_message()))
    (tmp_path / "xctl.xml").write_bytes(receipt)
    assert main(["convert", "--to", "fhir", "--out", str(tmp_path / "x"), str(tmp_path / "xctl.xml")]) == 1


def test_cli_looks_sor_codes_up_in_the_registry(tmp_path: Path) -> None:
    from medcomkit.cli import main

    letter, binary = demo_letter()
    by_ean = OrgIdKind.LOCATION_NUMBER
    letter = replace(
        letter,
        sender=replace(letter.sender, identifier=letter.sender.ean, identifier_kind=by_ean),
        receiver=replace(letter.receiver, identifier=letter.receiver.ean, identifier_kind=by_ean),
    )
    (tmp_path / "brev.xml").write_bytes(build_xdis91(letter))
    assert binary is not None
    (tmp_path / "bilag.xml").write_bytes(build_xbin01(binary))
    inputs = [str(tmp_path / "brev.xml"), str(tmp_path / "bilag.xml")]
    assert main(["convert", "--to", "fhir", "--out", str(tmp_path / "a"), *inputs]) == 1  # no SOR codes
    assert main(["convert", "--to", "fhir", "--registry", "demo", "--out", str(tmp_path / "b"), *inputs]) == 0
    (converted,) = messages_in(tmp_path / "b")
    message = parse(converted)
    assert isinstance(message, CareMessage)
    assert (message.sender.sor, message.receiver.sor) == (
        demo_letter()[0].sender.sor,
        demo_letter()[0].receiver.sor,
    )
