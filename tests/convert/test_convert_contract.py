"""The notes are a contract: converting there and back, every difference between what went in and
what came out is covered by a note of one of the two conversions, citing the mapping row that
causes it (``Change.mapping``) or naming the element (``Change.source``).

Both directions are generated: XDIS91 (formatted text, long texts in several blocks, attachments,
links and SUP references, priority, episode ids, replacement CPRs, corrections) and
CareCommunications (new messages, replies and forwards, several segments with authors,
attachments, LPR3 and local episode ids, data-absent family names, several CPR numbers).

Bounded for CI; a long run by hand:
``CONVERT_CONTRACT_EXAMPLES=5000 pytest tests/convert/test_convert_contract.py``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import care_messages, fhir_new_messages, fhir_person_ids, markups
from test_convert import counter, invent_sor

import medcomkit
from medcomkit import AttachmentMessage, CareMessage, PersonId
from medcomkit.convert import Change, carecommunication_to_xdis91, xdis91_to_carecommunication
from medcomkit.fhir import terminology as t
from medcomkit.fhir.carecommunication import build_carecommunication
from medcomkit.markup import plain_text, to_runs
from medcomkit.model import Activity, MessageRef, ThreadEvent
from medcomkit.oioxml.xbin01 import attachments_for, object_key

EXAMPLES = int(os.environ.get("CONVERT_CONTRACT_EXAMPLES", "25"))
CONTRACT = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

Difference = tuple[str, object, object]


def _covered(field: str, changes: Iterable[Change], cover: dict[str, set[str]]) -> bool:
    """A difference in ``field`` is covered by a change citing one of its rows or naming one of its
    elements."""
    wanted = cover[field.partition("[")[0]]
    return any(
        c.mapping in wanted or any(c.source.startswith(w) or c.target.startswith(w) for w in wanted)
        for c in changes
    )


def _diff(name: str, before: object, after: object, out: list[Difference]) -> None:
    if before != after:
        out.append((name, before, after))


def _uncovered(differences: list[Difference], changes: list[Change], cover: dict[str, set[str]]) -> list[str]:
    return [f"{f}: {b!r} → {a!r}" for f, b, a in differences if not _covered(f, changes, cover)]


# --- XDIS91 → CareCommunication → XDIS91 -------------------------------------------------------

XDIS91_COVER: dict[str, set[str]] = {
    "envelope.identifier": {"2:Message envelope id"},
    "envelope.sent": {"2:Date for Message sent"},
    "envelope.positive_receipt": {"1:AcknowledgementCode"},
    "message_id": {"2:Message letter id"},
    "authorised": {"2:Authorisation date"},
    "status": {"1:Message status/activity"},
    "sender.name": {"1:Sender organization name", "2:Sender organization name"},
    "sender.department": {"1:Sender organization name"},
    "sender.unit": {"1:Sender organization name"},
    "sender.identifier": {"1:Sender SOR", "2:Sender id"},
    "sender.address": {"1:Sender streetname"},
    "sender.phone": {"1:Sender telephone", "2:Author contact"},
    "sender.speciality": {"Sender.MedicalSpecialityCode"},
    "receiver.name": {"2:Receiver organization name"},
    "receiver.department": {"1:Receiver department"},
    "receiver.unit": {"1:Receiver department"},
    "receiver.identifier": {"1:Receiver SOR", "2:Receiver id"},
    "receiver.address": {"1:Receiver streetname"},
    "receiver.phone": {"Receiver.TelephoneSubscriberIdentifier"},
    "receiver.speciality": {"Receiver.MedicalSpecialityCode"},
    "patient.identifier": {"2:Patient id"},
    "patient.family_name": {"2:Patient family name"},
    "patient.given_name": {"2:Patient name"},
    "patient.address": {"1:Patient suburb name", "2:Patient street name", "2:Patient city name"},
    "patient.occupation": {"1:Patient occupancy"},
    "episode_of_care_id": {"1:Episode of care identifier", "2:Episode of care identifier"},
    "episode_status": {"UC:EpisodeOfCareStatusCode", "1:Episode of care status"},
    "priority": {"1:Priority"},
    "topic": {"1:Subject", "2:Category"},
    "text": set(),  # the words themselves: no note excuses a change
    "text.formatting": {"ClinicalInformation.Text01 (formatering)"},
    "text.edges": {"ClinicalInformation.Text01 (blanktegn i kanterne)"},
    "text.empty": {"1:Text"},
    "attachments.supplementary": {"1:url"},
    "attachments.data": {"UC:S1.A2 XBIN01 mangler eller er ugyldig"},
    "attachments.title": {"UC:S1.A2 XBIN01 mangler eller er ugyldig", "4:attachment content"},
    "attachments.file_type": {"UC:S1.A4 ikke-tilladte filtyper", "3:attachment extension code"},
    "attachments.object_code": {"3:attachment size"},
    "attachments.size": {"3:attachment size"},
    "attachments.count": {"UC:S2.A1 for mange bilag", "1:url"},
}


def _text_differences(before: CareMessage, after: CareMessage, changes: list[Change]) -> list[Difference]:
    """The text, as the mapping changes it: formatting dropped (sheet 1 «Text»), the priority note in
    front (sheet 1 «Priority»), the author lines below (sheet 2 «Author name»). What is left of the
    text must be the original, word for word."""
    out: list[Difference] = []
    original = before.segments[0].text
    result = plain_text(after.segments[0].text)
    if any(run.styles for run in to_runs(original)):  # <Space/> is a space, kept as one
        _diff("text.formatting", "formatted", "plain", out)
    plain = plain_text(original)
    if plain.strip() and plain != plain.strip():
        _diff("text.edges", plain, plain.strip(), out)
    rows = {c.mapping for c in changes}
    if "1:Priority" in rows and result.startswith(medcomkit.convert.HIGH_PRIORITY_NOTE):
        result = result.removeprefix(medcomkit.convert.HIGH_PRIORITY_NOTE).removeprefix(" ")
    result = _without_noted_sections(result, rows)
    if "2:Author name" in rows:  # "Forfatter: …" and "Stilling: …" below the text
        lines = result.split("\n")
        while lines and lines[-1].startswith(("Forfatter: ", "Stilling: ")):
            lines.pop()
        result = "\n".join(lines)
    if not plain.strip():
        _diff("text.empty", plain, result, out)
    else:
        _diff("text", plain.strip(), result.strip(), out)
    return out


# What sheet 2 and the use cases write below the text, each under the row whose note says so.
_SECTIONS = {
    "Bilag sendt tidligere i tråden:": "UC:S2.A2 svar med bilag",
    "Bilag, der ikke kunne komme med": "UC:S2.A1 for mange bilag",
    medcomkit.convert.MORE_CPR_NOTE: "2:Patient id",
    "Specifik afsender:": "2:Specific sender",
    "Specifik modtager:": "2:Specific sender",
}


def _without_noted_sections(text: str, rows: set[str]) -> str:
    """The text without the trailing sections (after an empty line) a noted row added."""
    sections = text.split("\n\n")
    while len(sections) > 1 and any(
        sections[-1].startswith(head) and row in rows for head, row in _SECTIONS.items()
    ):
        sections.pop()
    return "\n\n".join(sections)


def _attachment_differences(before: CareMessage, after: CareMessage) -> list[Difference]:
    out: list[Difference] = []
    kept = [a for a in before.attachments if not a.supplementary]
    if len(kept) != len(before.attachments):
        _diff("attachments.supplementary", len(before.attachments), len(kept), out)
    by_key = {object_key(a.identifier): a for a in after.attachments if a.identifier}
    links = [a for a in after.attachments if a.url is not None]
    for number, attachment in enumerate(kept):
        if attachment.url is not None:
            match = next((a for a in links if a.url == attachment.url), None)
            _diff(f"attachments.count[{number}]", attachment.url, match and match.url, out)
            if match is not None:
                _diff(f"attachments.title[{number}]", attachment.title, match.title, out)
            continue
        found = by_key.get(object_key(attachment.identifier))
        if found is None:
            _diff(f"attachments.data[{number}]", attachment.identifier, None, out)
            continue
        for name in ("data", "title", "file_type", "object_code", "size"):
            _diff(f"attachments.{name}[{number}]", getattr(attachment, name), getattr(found, name), out)
    return out


def _party_differences(prefix: str, before: Any, after: Any, out: list[Difference]) -> None:
    for name in ("ean", "name", "department", "unit", "address", "phone", "speciality"):
        _diff(f"{prefix}.{name}", getattr(before, name), getattr(after, name), out)
    _diff(
        f"{prefix}.identifier",
        (before.identifier, before.identifier_kind),
        (after.identifier, after.identifier_kind),
        out,
    )


def xdis91_differences(before: CareMessage, after: CareMessage, changes: list[Change]) -> list[Difference]:
    out: list[Difference] = []
    for name in ("identifier", "sent", "positive_receipt"):
        _diff(f"envelope.{name}", getattr(before.envelope, name), getattr(after.envelope, name), out)
    for name in (
        "message_id",
        "authorised",
        "status",
        "episode_of_care_id",
        "episode_status",
        "priority",
        "topic",
    ):
        _diff(name, getattr(before, name), getattr(after, name), out)
    _party_differences("sender", before.sender, after.sender, out)
    _party_differences("receiver", before.receiver, after.receiver, out)
    for name in ("identifier", "family_name", "given_name", "address", "occupation"):
        _diff(f"patient.{name}", getattr(before.patient, name), getattr(after.patient, name), out)
    out += _text_differences(before, after, changes)
    out += _attachment_differences(before, after)
    return out


@st.composite
def xdis91_letters(draw: st.DrawFn) -> tuple[CareMessage, AttachmentMessage | None]:
    """XDIS91 letters with what FHIR needs of a patient, long texts (several blocks), upper-case
    episode ids, corrections, and sometimes no XBIN01 at all."""
    letter = draw(care_messages(with_data=True, max_attachments=4))
    identifier = draw(fhir_person_ids())
    patient = replace(letter.patient, identifier=PersonId(identifier.kind, identifier.value))
    text = letter.segments[0].text
    if draw(st.integers(0, 4)) == 0:  # a long text: several ClinicalInformation blocks
        text = "\n".join([draw(markups(max_runs=4)) or "tekst"] * draw(st.integers(40, 120)))
    episode = letter.episode_of_care_id
    if episode is not None and draw(st.booleans()):
        episode = draw(st.sampled_from([episode.upper(), "LOKALT-FORLOEB-77", "EPISODE.42"]))
    letter = replace(
        letter,
        patient=patient,
        segments=(replace(letter.segments[0], text=text),),
        episode_of_care_id=episode,
    )
    assume(letter.sender.ean != letter.receiver.ean)
    binary = attachments_for(letter, message_id="BIN1", envelope_id="KUV2")
    if binary is not None and draw(st.integers(0, 5)) == 0:
        binary = None  # the XBIN01 never came
    return letter, binary


def _reparse(data: bytes) -> Any:
    return medcomkit.parse(data)


@given(xdis91_letters())
@CONTRACT
def test_every_difference_of_an_xdis91_round_trip_is_noted(
    pair: tuple[CareMessage, AttachmentMessage | None],
) -> None:
    letter, binary = pair
    letter = _reparse(medcomkit.build_xdis91(letter))  # as the wire has it
    if binary is not None:
        binary = _reparse(medcomkit.build_xbin01(binary))
    there = xdis91_to_carecommunication(letter, binary, sor=invent_sor, new_id=counter())
    fhir = _reparse(build_carecommunication(there.result, check=False))
    back = carecommunication_to_xdis91(fhir, new_id=counter("L"))
    back_letter, back_binary = back.result
    result = _reparse(medcomkit.build_xdis91(back_letter))
    if back_binary is not None:
        from medcomkit.oioxml.xbin01 import join_attachments

        result = join_attachments(result, _reparse(medcomkit.build_xbin01(back_binary)))
    if binary is not None:
        from medcomkit.oioxml.xbin01 import join_attachments

        letter = join_attachments(letter, binary)
    changes = [*there.changes, *back.changes]
    missing = _uncovered(xdis91_differences(letter, result, changes), changes, XDIS91_COVER)
    assert missing == [], "\n".join(missing)


# --- CareCommunication → XDIS91 → CareCommunication -------------------------------------------

FHIR_COVER: dict[str, set[str]] = {
    "envelope.identifier": {"2:Message envelope id"},
    "envelope.sent": {"2:Date for Message sent"},
    "message_id": {"2:Message letter id"},
    "authorised": {"2:Authorisation date", "2:Message sent dateTime"},
    "thread_id": {"2:Communication identifier"},
    "activity": {"2:Message status/activity"},
    "previous": {"2:Previous message"},
    "history": {"2:Previous message"},
    "category": {"1:Category", "2:Category"},
    "topic": {"2:Category", "1:Subject"},
    "priority": {"1:Priority"},
    "segments": {"2:Text", "2:Author name", "1:Author role", "1:Communication identifier"},
    "specific_sender": {"2:Specific sender"},
    "specific_recipient": {"2:Specific sender"},
    "sender.name": {"2:Sender organization name", "1:Sender organization name"},
    "receiver.name": {"2:Receiver organization name"},
    "sender.identifier": {"2:Sender id"},
    "receiver.identifier": {"2:Receiver id"},
    "patient.identifier": {"2:Patient id", "2:Patient alternative id"},
    "patient.other_identifiers": {"2:Patient id"},
    "patient.family_name": {"2:Patient family name"},
    "patient.given_name": {"2:Patient name"},
    "patient.address": {"2:Patient street name", "2:Patient city name", "2:Patient post code"},
    "patient.phones": {"2:Patient contact"},
    "patient.email": {"2:Patient contact"},
    "episode_of_care_id": {"2:Episode of care identifier", "1:Episode of care identifier"},
    "episode_of_care_system": {"2:Episode of care identifier"},
    "more_episode_ids": {"2:Episode of care identifier"},
    "episode_status": {"UC:EpisodeOfCareStatusCode", "1:Episode of care status"},
    "encounter": {"UC:EpisodeOfCareStatusCode"},
    "attachments.count": {"UC:S2.A1 for mange bilag", "UC:S2.A2 svar med bilag"},
    "attachments.data": {"UC:S1.A2 XBIN01 mangler eller er ugyldig", "UC:S2.A2 svar med bilag"},
    "attachments.title": {"4:attachment content", "2:attachment code"},
    "attachments.media_type": {"UC:S1.A4 ikke-tilladte filtyper", "3:attachment extension code"},
    "attachments.added": {"4:attachment date"},
    "attachments.author": {"4:attachment date"},
    "attachments.created": {"4:attachment date"},
}


def fhir_differences(before: CareMessage, after: CareMessage) -> list[Difference]:
    out: list[Difference] = []
    for name in ("identifier", "sent"):
        _diff(f"envelope.{name}", getattr(before.envelope, name), getattr(after.envelope, name), out)
    for name in (
        "message_id", "authorised", "thread_id", "activity", "previous", "history", "category", "topic",
        "priority", "specific_sender", "specific_recipient", "episode_of_care_id", "episode_of_care_system",
        "more_episode_ids", "episode_status",
    ):  # fmt: skip
        _diff(name, getattr(before, name), getattr(after, name), out)
    _diff(
        "encounter",
        (before.encounter_status, before.encounter_class),
        (after.encounter_status, after.encounter_class),
        out,
    )
    for party in ("sender", "receiver"):
        for name in ("ean", "name", "identifier"):
            _diff(
                f"{party}.{name}",
                getattr(getattr(before, party), name),
                getattr(getattr(after, party), name),
                out,
            )
    for name in (
        "identifier",
        "other_identifiers",
        "family_name",
        "given_name",
        "address",
        "phones",
        "email",
    ):
        _diff(f"patient.{name}", getattr(before.patient, name), getattr(after.patient, name), out)
    _diff("segments", [(s.text, s.author, s.written, s.identifier) for s in before.segments],
          [(s.text, s.author, s.written, s.identifier) for s in after.segments], out)  # fmt: skip
    by_id = {object_key(a.identifier): a for a in after.attachments if a.identifier}
    for number, attachment in enumerate(before.attachments):
        found = by_id.get(object_key(attachment.identifier))
        if found is None:
            _diff(f"attachments.count[{number}]", attachment.identifier, None, out)
            continue
        for name in ("data", "title", "media_type", "added", "author", "created"):
            _diff(f"attachments.{name}[{number}]", getattr(attachment, name), getattr(found, name), out)
    return out


LPR3_UUID = st.uuids(version=4).map(lambda u: f"urn:uuid:{uuid.uuid5(u, 'lpr3')}")


@st.composite
def carecommunications(draw: st.DrawFn) -> CareMessage:
    """New messages, replies and forwards, with several segments, attachments (some sent earlier,
    without data), LPR3 and local episode ids, unknown family names and several CPR numbers."""
    message = draw(fhir_new_messages(max_attachments=3))
    when = message.authorised
    kind = draw(st.sampled_from([Activity.NEW, Activity.REPLY, Activity.FORWARD]))
    if kind is not Activity.NEW:
        earlier = str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)), version=4))
        first = message.segments[0]
        old = replace(first, written=when - timedelta(days=1))
        event = ThreadEvent(
            earlier,
            Activity.NEW,
            message.receiver,
            when - timedelta(days=1),
            payload_ids=(first.identifier or "",),
        )
        attachments = message.attachments
        if attachments and kind is Activity.REPLY and draw(st.booleans()):  # sent earlier, without data
            attachments = (replace(attachments[0], data=None), *attachments[1:])
        message = replace(
            message,
            activity=kind,
            previous=MessageRef(earlier),
            history=(event,),
            segments=(old, *message.segments[1:]) if len(message.segments) > 1 else message.segments,
            attachments=attachments,
        )
    choice = draw(st.sampled_from(["none", "lpr3", "local", "both"]))
    if choice != "none":
        lpr3 = (draw(LPR3_UUID), t.LPR3_SYSTEM)
        local = (
            draw(st.sampled_from(["LOKALT-FORLOEB-77", "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"])),
            "urn:oid:1.2.208.176.1.1",
        )
        ids = {"lpr3": [lpr3], "local": [local], "both": [local, lpr3]}[choice]
        message = replace(
            message,
            episode_of_care_id=ids[0][0],
            episode_of_care_system=ids[0][1],
            more_episode_ids=tuple(ids[1:]),
        )
    if draw(st.integers(0, 3)) == 0:  # written well before it was sent (a vendor's draft)
        written = when - timedelta(minutes=draw(st.integers(1, 60 * 24 * 30)))
        message = replace(message, segments=tuple(replace(s, written=written) for s in message.segments))
    patient = message.patient
    if draw(st.integers(0, 4)) == 0:
        patient = replace(patient, family_name="")
    if draw(st.integers(0, 4)) == 0:
        extra = draw(fhir_person_ids())
        if extra.kind is not patient.identifier.kind or extra.system != patient.identifier.system:
            patient = replace(patient, other_identifiers=(extra,))
    return replace(message, patient=patient)


@given(carecommunications())
@CONTRACT
def test_every_difference_of_a_carecommunication_round_trip_is_noted(message: CareMessage) -> None:
    message = _reparse(build_carecommunication(message, check=False))  # as the wire has it
    there = carecommunication_to_xdis91(message, new_id=counter("L"))
    letter, binary = there.result
    letter = _reparse(medcomkit.build_xdis91(letter))
    if binary is not None:
        binary = _reparse(medcomkit.build_xbin01(binary))
    sor = {message.sender.ean: medcomkit.convert.SorEntry(message.sender.sor or ""),
           message.receiver.ean: medcomkit.convert.SorEntry(message.receiver.sor or "")}  # fmt: skip
    back = xdis91_to_carecommunication(letter, binary, sor=sor, new_id=counter())
    result = _reparse(build_carecommunication(back.result, check=False))
    changes = [*there.changes, *back.changes]
    missing = _uncovered(fhir_differences(message, result), changes, FHIR_COVER)
    assert missing == [], "\n".join(missing)


def test_the_contract_notices_an_unnoted_difference() -> None:
    """The checker itself: a difference without a note is reported, one with a note is not."""
    change = Change(
        medcomkit.convert.ChangeKind.LOST,
        "Patient.OccupancyText",
        "",
        medcomkit.Bilingual("x", "x"),
        "1:Patient occupancy",
    )
    differences: list[Difference] = [
        ("patient.occupation", "lærer", None),
        ("patient.given_name", "Ida", None),
    ]
    assert _uncovered(differences, [change], XDIS91_COVER) == ["patient.given_name: 'Ida' → None"]
