"""CareCommunication: building new messages, replies and forwards, and reading them back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    distinct_ids,
    fhir_attachments,
    fhir_authors,
    fhir_moments,
    fhir_new_messages,
    fhir_organisations,
    fhir_text,
)

from medcomkit import BuildError, CareMessage, ParseError, Severity, parse, validate
from medcomkit.demo import demo_care_thread
from medcomkit.fhir.carecommunication import build_carecommunication, read_carecommunication
from medcomkit.model import Activity, MessageRef, Organisation, Priority
from medcomkit.thread import forward, reply

FORMATS: tuple[Literal["json", "xml"], ...] = ("json", "xml")
ROUND_TRIPS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def errors_in(data: bytes) -> list[str]:
    report = validate(data)
    return [
        f"{i.rule} {i.location}: {i.message('en')}" for i in report.issues if i.severity is Severity.ERROR
    ]


def bundle(data: bytes) -> dict[str, Any]:
    loaded = json.loads(data)
    assert isinstance(loaded, dict)
    return loaded


def resources(data: bytes, kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle(data)["entry"] if e["resource"]["resourceType"] == kind]


def assert_round_trip(message: CareMessage) -> None:
    for fmt in FORMATS:
        data = build_carecommunication(message, format=fmt, check=False)
        assert errors_in(data) == [], fmt
        assert read_carecommunication(data) == message, fmt
        assert parse(data) == message, fmt


@given(fhir_new_messages())
@ROUND_TRIPS
def test_new_messages_are_valid_and_read_back_unchanged(message: CareMessage) -> None:
    assert_round_trip(message)


@st.composite
def replies(draw: st.DrawFn) -> tuple[CareMessage, CareMessage]:
    received = draw(fhir_new_messages())
    when = draw(fhir_moments(after=received.authorised))
    taken = {s.identifier or "" for s in received.segments} | {
        a.identifier or "" for a in received.attachments
    }
    extra = distinct_ids(draw(st.lists(fhir_attachments(when=when), max_size=2)), taken)
    answer = reply(
        received,
        text=draw(fhir_text()),
        author=draw(fhir_authors()),
        when=when,
        attachments=extra,
        message_id=draw(st.uuids()).hex,
    )
    return received, answer


@given(replies())
@ROUND_TRIPS
def test_replies_keep_the_thread_and_read_back_unchanged(pair: tuple[CareMessage, CareMessage]) -> None:
    received, answer = pair
    assert_round_trip(answer)
    data = build_carecommunication(answer)
    communication = resources(data, "Communication")[0]
    assert communication["identifier"][0]["value"] == f"urn:uuid:{received.thread_id}"
    # Every earlier segment is kept with its identifier, and earlier attachments without data.
    payload_ids = [p["extension"][1]["valueIdentifier"]["value"] for p in communication["payload"]]
    for identifier in [s.identifier for s in received.segments] + [
        a.identifier for a in received.attachments
    ]:
        assert f"urn:uuid:{identifier}" in payload_ids
    earlier = {a.identifier for a in received.attachments}
    for payload in communication["payload"]:
        if "contentAttachment" in payload:
            kept = payload["extension"][1]["valueIdentifier"]["value"].removeprefix("urn:uuid:") in earlier
            assert ("data" in payload["contentAttachment"]) is not kept
    # Both Provenances: the received message's, and the reply's pointing back at it.
    provenances = {p["target"][0]["reference"]: p for p in resources(data, "Provenance")}
    assert set(provenances) == {f"MessageHeader/{received.message_id}", f"MessageHeader/{answer.message_id}"}
    own = provenances[f"MessageHeader/{answer.message_id}"]
    assert own["activity"]["coding"][0]["code"] == "reply-message"
    revision = [e for e in own["entity"] if e["role"] == "revision"]
    assert revision == [{"role": "revision", "what": {"reference": f"MessageHeader/{received.message_id}"}}]


@st.composite
def forwards(draw: st.DrawFn) -> tuple[CareMessage, CareMessage]:
    received, answer = draw(replies())
    when = draw(fhir_moments(after=answer.authorised))
    passed_on = forward(
        answer,
        to=draw(fhir_organisations().filter(lambda o: o.ean not in (answer.sender.ean, answer.receiver.ean))),
        sender=received.sender,
        text=draw(fhir_text()),
        author=draw(fhir_authors()),
        when=when,
        # The forwarder kept the bytes of what it sent; the reply carried them without data.
        attachment_data={
            a.identifier or "": a.data for a in (*received.attachments, *answer.attachments) if a.data
        },
    )
    return answer, passed_on


@given(forwards())
@ROUND_TRIPS
def test_forwards_start_a_thread_with_every_attachment_and_read_back_unchanged(
    pair: tuple[CareMessage, CareMessage],
) -> None:
    answer, passed_on = pair
    assert_round_trip(passed_on)
    data = build_carecommunication(passed_on)
    communication = resources(data, "Communication")[0]
    assert communication["identifier"][0]["value"] != f"urn:uuid:{answer.thread_id}"
    # Every attachment travels with data again, including those the reply carried without it.
    for payload in communication["payload"]:
        if "contentAttachment" in payload:
            identifier = payload["extension"][1]["valueIdentifier"]["value"].removeprefix("urn:uuid:")
            original = next(a for a in passed_on.attachments if a.identifier == identifier)
            assert "data" in payload["contentAttachment"]
            assert original.data is not None
    own = next(
        p for p in resources(data, "Provenance") if p["target"][0]["reference"].endswith(passed_on.message_id)
    )
    assert own["activity"]["coding"][0]["code"] == "forward-message"
    assert len(resources(data, "Provenance")) == 3  # new, reply, forward


def test_a_reply_to_an_oioxml_letter_names_it_by_location_number_and_letter_id() -> None:
    new, answer, _ = demo_care_thread()
    oioxml_letter = replace(new, thread_id=None, history=())
    author = answer.segments[-1].author
    assert author is not None
    converted = reply(oioxml_letter, text="Svar", author=author, when=new.authorised + timedelta(hours=1))
    assert converted.previous == MessageRef(new.message_id, new.sender.ean)
    data = build_carecommunication(converted)
    own = next(
        p for p in resources(data, "Provenance") if p["target"][0]["reference"].endswith(converted.message_id)
    )
    revision = next(e for e in own["entity"] if e["role"] == "revision")
    assert revision["what"] == {"identifier": {"value": f"{new.sender.ean}#{new.message_id}"}}
    assert read_carecommunication(data).previous == MessageRef(new.message_id, new.sender.ean)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_demo_thread_is_valid_in_both_formats(fmt: Literal["json", "xml"]) -> None:
    for message in demo_care_thread():
        data = build_carecommunication(message, format=fmt)
        assert errors_in(data) == []
        assert read_carecommunication(data) == _fhir_view(message)


def _fhir_view(message: CareMessage) -> CareMessage:
    """The demo's organisations carry OIOXML-only details (address, department) FHIR has no place for."""

    def bare(party: Organisation) -> Organisation:
        return Organisation(party.ean, party.name, party.identifier, party.identifier_kind)

    return replace(
        message,
        sender=bare(message.sender),
        receiver=bare(message.receiver),
        history=tuple(replace(e, sender=bare(e.sender)) for e in message.history),
    )


def test_formatting_cannot_be_built_into_fhir_and_the_error_says_why() -> None:
    new, _, _ = demo_care_thread()
    segment = new.segments[0]
    formatted = replace(new, segments=(replace(segment, text="{Bold}Vigtigt{/Bold}"),))
    with pytest.raises(BuildError) as caught:
        build_carecommunication(formatted)
    assert caught.value.code == "cc.build-formatting"
    assert "{Bold}" in caught.value.message("da")
    assert "{Bold}" in caught.value.message("en")


def test_a_message_without_thread_id_or_sor_code_is_refused_with_what_is_missing() -> None:
    new, _, _ = demo_care_thread()
    with pytest.raises(BuildError, match="thread id"):
        build_carecommunication(replace(new, thread_id=None))
    with pytest.raises(BuildError, match="SOR"):
        build_carecommunication(replace(new, receiver=Organisation(new.receiver.ean, new.receiver.name)))


def test_an_invalid_result_is_refused_naming_the_broken_rule() -> None:
    new, _, _ = demo_care_thread()
    assert new.category == "other"
    with pytest.raises(BuildError, match="medcom-careCommunication-5"):
        build_carecommunication(replace(new, priority=Priority.HIGH))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b.update(entry=[]),
        lambda b: b["entry"][0]["resource"].update(focus="Communication/x"),
        lambda b: b["entry"][0]["resource"].update(sender={"reference": "Organization/missing"}),
        lambda b: b["entry"].reverse(),
    ],
    ids=["no-entries", "focus-not-a-reference", "dangling-sender", "header-not-first"],
)
def test_unreadable_shapes_give_a_parse_error_not_a_traceback(mangle: Any) -> None:
    new, _, _ = demo_care_thread()
    data = bundle(build_carecommunication(new))
    mangle(data)
    with pytest.raises(ParseError) as caught:
        read_carecommunication(json.dumps(data).encode())
    assert caught.value.message("da")
    assert caught.value.message("en")


def test_the_activity_of_each_message_is_read_from_its_own_provenance() -> None:
    new, answer, passed_on = demo_care_thread()
    for message, activity in ((new, Activity.NEW), (answer, Activity.REPLY), (passed_on, Activity.FORWARD)):
        assert read_carecommunication(build_carecommunication(message)).activity is activity


def test_forwarding_a_reply_needs_the_bytes_of_its_earlier_attachments() -> None:
    new, answer, _ = demo_care_thread()
    hospital = Organisation("2000000003016", "BUP", "999900000301001", new.sender.identifier_kind)
    author = new.segments[0].author
    assert author is not None
    with pytest.raises(BuildError) as caught:
        forward(answer, to=hospital, text="Til orientering", author=author, when=answer.authorised)
    assert caught.value.code == "thread.forward-data"
    assert "attachment_data" in caught.value.message("en")
