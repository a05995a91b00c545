"""The journal (medcomkit.archive): storing, deduplicating, receipts and state, patient lookup
without CPR numbers in the index, the journal copy, damaged files, crash safety and the CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support import REFERENCE

import medcomkit
from medcomkit import Arrival, Kind, ReceiptKind, RefuseReason
from medcomkit.archive import (
    FHIR_POLICY,
    Archive,
    ArchiveError,
    Direction,
    EntryNotFound,
    ResendPolicy,
    State,
)
from medcomkit.cli import main
from medcomkit.demo import (
    DEMO_CPR,
    PSYCHOLOGIST,
    demo_care_message,
    demo_care_thread,
    demo_plan_pdf,
    write_demo_km,
    write_demo_referral,
)
from medcomkit.fhir.acknowledgement import acknowledge, build_acknowledgement
from medcomkit.fhir.carecommunication import build_carecommunication
from medcomkit.markup import plain_text
from medcomkit.oioxml._xml import COPENHAGEN

DEMO_SENT = datetime(2026, 11, 26, 10, 15, tzinfo=COPENHAGEN)  # the demo messages' send time
CPR_FORMS = (DEMO_CPR, f"{DEMO_CPR[:6]}-{DEMO_CPR[6:]}")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "journal.db") as journal:
        yield journal


@pytest.fixture(scope="module")
def km(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The demo XDIS91, its XBIN01, and positive and negative XCTL receipts for the XDIS91."""
    paths = {p.name: p.read_bytes() for p in write_demo_km(tmp_path_factory.mktemp("km"))}
    message = demo_care_message()
    positive = medcomkit.receipt_for(message, message_id="KVITPOS0000001", envelope_id="KUVPOS0000001")
    negative = medcomkit.receipt_for(
        message,
        kind=ReceiptKind.NEGATIVE,
        reason=RefuseReason.VERSION_PROBLEM,
        text="Forkert version.",
        message_id="KVITNEG0000001",
        envelope_id="KUVNEG0000001",
    )
    binary = medcomkit.parse(paths["km-xbin01.xml"])
    assert isinstance(binary, medcomkit.AttachmentMessage)
    binary_receipt = medcomkit.receipt_for(binary, message_id="KVITBIN0000001", envelope_id="KUVBIN0000001")
    return {
        "xdis91": paths["km-xdis91.xml"],
        "xbin01": paths["km-xbin01.xml"],
        "pdf": paths["forloebsplan.pdf"],
        "positive": medcomkit.build_xctl(positive),
        "negative": medcomkit.build_xctl(negative),
        "xbin01-positive": medcomkit.build_xctl(binary_receipt),
    }


@pytest.fixture(scope="module")
def fhir() -> dict[str, bytes]:
    """The demo CareCommunication thread and Acknowledgements for its first message."""
    new, answer, passed_on = demo_care_thread()
    data = build_carecommunication(new)
    _, positive = acknowledge(data)
    negative = build_acknowledgement(
        medcomkit.receipt_for(new, kind=ReceiptKind.NEGATIVE, reason=RefuseReason.SYNTAX_ERROR)
    )
    transient = build_acknowledgement(
        medcomkit.receipt_for(new, kind=ReceiptKind.TRANSIENT, sent=DEMO_SENT + timedelta(minutes=5))
    )
    return {
        "new": data,
        "reply": build_carecommunication(answer),
        "forward": build_carecommunication(passed_on),
        "positive": positive,
        "negative": negative,
        "transient": transient,
    }


def resend(data: bytes, old_envelope: str, new_envelope: str) -> bytes:
    """The same message in a new envelope (what a sender does when no receipt came)."""
    assert data.count(old_envelope.encode()) >= 1
    return data.replace(old_envelope.encode(), new_envelope.encode())


# --- storing and duplicates ---------------------------------------------------------------------


def test_adding_the_same_message_twice_stores_it_once(archive: Archive, km: dict[str, bytes]) -> None:
    first = archive.add(km["xdis91"], direction="sent")
    again = archive.add(km["xdis91"], direction="sent")
    assert [a.arrival for a in first] == [Arrival.NEW]
    assert [a.arrival for a in again] == [Arrival.DUPLICATE]
    assert again[0].entry == first[0].entry
    assert [e.id for e in archive.entries()] == [first[0].entry]
    assert archive.data(first[0].entry) == km["xdis91"]
    entry = archive.entry(first[0].entry)
    assert (entry.kind, entry.envelope_id, entry.message_id) == (
        Kind.XDIS91,
        "DEMOKUV0000001",
        "DEMOBREV000001",
    )
    assert (entry.sender_ean, entry.counterpart_ean) == (demo_care_message().sender.ean, entry.receiver_ean)
    assert archive.check() == []


def test_the_same_ids_with_other_bytes_are_kept_as_a_conflict(archive: Archive, km: dict[str, bytes]) -> None:
    # Only byte-identical messages are duplicates: even a reformatted copy may differ in meaning
    # somewhere, and a journal must never drop what was actually received.
    first = archive.add(km["xdis91"], direction="received")[0]
    reformatted = km["xdis91"].replace(b"\n  ", b"\n    ")
    assert reformatted != km["xdis91"]
    conflict = archive.add(reformatted, direction="received")[0]
    assert conflict.arrival is Arrival.CONFLICT
    assert conflict.entry != first.entry
    assert archive.data(conflict.entry) == reformatted
    assert archive.data(first.entry) == km["xdis91"]
    assert archive.entry(conflict.entry).resubmission_of == first.entry
    assert archive.add(reformatted, direction="received")[0].arrival is Arrival.DUPLICATE
    assert len(archive.entries()) == 2
    assert archive.check() == []


def test_resubmission_and_reused_envelope_are_recorded(archive: Archive, km: dict[str, bytes]) -> None:
    first = archive.add(km["xdis91"], direction="received")[0]
    again = archive.add(resend(km["xdis91"], "DEMOKUV0000001", "DEMOKUV0000009"), direction="received")[0]
    assert again.arrival is Arrival.RESUBMISSION
    assert archive.entry(again.entry).resubmission_of == first.entry
    other_letter = km["xdis91"].replace(b"DEMOBREV000001", b"DEMOBREV000002")
    reused = archive.add(other_letter, direction="received")[0]
    assert reused.arrival is Arrival.ERROR
    assert [e.arrival for e in archive.entries()] == [Arrival.NEW, Arrival.RESUBMISSION, Arrival.ERROR]


def test_same_ids_from_another_sender_are_a_new_message(archive: Archive, km: dict[str, bytes]) -> None:
    archive.add(km["xdis91"], direction="received")
    sender = demo_care_message().sender.ean
    other = km["xdis91"].replace(sender.encode(), medcomkit.demo.demo_gln(999).encode())
    assert archive.add(other, direction="received")[0].arrival is Arrival.NEW
    # …but the same message sent and received is two journal entries.
    assert archive.add(km["xdis91"], direction="sent")[0].arrival is Arrival.NEW
    assert len(archive.entries()) == 3


def test_bytes_that_are_no_message_are_refused_and_nothing_is_stored(
    archive: Archive, km: dict[str, bytes]
) -> None:
    with pytest.raises(medcomkit.ParseError) as caught:
        archive.add(km["pdf"], direction="received")
    assert caught.value.code == "archive.not-a-message"
    assert "PDF" in caught.value.message("da")
    assert "PDF" in caught.value.message("en")
    assert archive.entries() == []
    assert archive._db.execute("SELECT count(*) FROM blobs").fetchone()[0] == 0
    with pytest.raises(ValueError, match="sent"):
        archive.add(km["xdis91"], direction="outgoing")


def test_a_message_parse_cannot_read_is_stored_with_the_kind_validate_reports(
    archive: Archive, km: dict[str, bytes]
) -> None:
    broken = km["xdis91"].replace(b"<Sender>", b"<Afsender>").replace(b"</Sender>", b"</Afsender>")
    with pytest.raises(medcomkit.ParseError):
        medcomkit.parse(broken)
    added = archive.add(broken, direction="received")
    entry = archive.entry(added[0].entry)
    assert (entry.kind, entry.parsed) == (Kind.XDIS91, False)
    assert (entry.envelope_id, entry.message_id) == ("DEMOKUV0000001", "DEMOBREV000001")
    assert archive.data(entry.id) == broken
    assert [e.id for e in archive.find_patient(DEMO_CPR)] == [entry.id]
    assert archive.add(broken, direction="received")[0].arrival is Arrival.DUPLICATE
    assert archive.message(entry.id) is None


def test_vans_envelope_is_stored_as_it_is(archive: Archive) -> None:
    example = REFERENCE / "oioxml" / "examples" / "vansenvelope" / "vansenvelope-example-xdis22.xml"
    if not example.is_file():
        pytest.skip(f"reference VANSEnvelope example missing ({example})")
    added = archive.add(example, direction="received")
    assert [(a.kind, a.arrival) for a in added] == [(Kind.VANS_ENVELOPE, Arrival.NEW)]
    assert archive.data(added[0].entry) == example.read_bytes()
    assert archive.add(example, direction="received")[0].arrival is Arrival.DUPLICATE
    assert archive.status(added[0].entry).state is State.RECEIVED


def test_referral_and_its_attachments_are_linked(archive: Archive, tmp_path: Path) -> None:
    xref01, xbin01, pdf = write_demo_referral(tmp_path / "ref")
    letter = archive.add(xref01, direction="sent")[0]
    binary = archive.add(xbin01, direction="sent")[0]
    assert letter.kind is Kind.XREF01
    assert [e.id for e in archive.linked(letter.entry)] == [binary.entry]
    assert [e.id for e in archive.linked(binary.entry)] == [letter.entry]
    assert {e.id for e in archive.thread(letter.entry)} == {letter.entry, binary.entry}
    files = archive.export(letter.entry, tmp_path / "copy")
    assert pdf.read_bytes() in [f.read_bytes() for f in files if f.parent.name == "bilag"]


# --- receipts and state ---------------------------------------------------------------------------


@pytest.mark.parametrize(("receipt", "state"), [("positive", State.POSITIVE), ("negative", State.NEGATIVE)])
def test_oioxml_receipt_decides_the_state(
    archive: Archive, km: dict[str, bytes], receipt: str, state: State
) -> None:
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    binary = archive.add(km["xbin01"], direction="sent")[0].entry
    answer = archive.add(km[receipt], direction="received")[0].entry
    later = DEMO_SENT + timedelta(days=3)
    assert archive.status(letter, now=later).state is state
    assert [r.id for r in archive.receipts(letter)] == [answer]
    assert [m.id for m in archive.answered(answer)] == [letter]
    assert archive.status(answer).state is State.RECEIPT
    # The XBIN01 has its own receipt, and it has not come.
    assert archive.receipts(binary) == []
    assert archive.status(binary, now=later).state is State.RESEND_DUE
    archive.add(km["xbin01-positive"], direction="received")
    assert archive.status(binary, now=later).state is State.POSITIVE
    assert archive.status(letter, now=later).state is state
    if receipt == "negative":
        assert archive.entry(answer).note == "Forkert version."


def test_no_receipt_before_and_after_the_deadline(archive: Archive, km: dict[str, bytes]) -> None:
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    archive.add(km["xbin01"], direction="sent")
    deadline = archive.oioxml_policy.deadline
    waiting = archive.status(letter, now=DEMO_SENT + deadline - timedelta(minutes=1))
    assert waiting.state is State.SENT
    assert waiting.due == DEMO_SENT + deadline
    assert archive.status(letter, now=DEMO_SENT + deadline + timedelta(minutes=1)).state is State.RESEND_DUE


def test_receipt_for_another_envelope_or_direction_does_not_count(
    archive: Archive, km: dict[str, bytes]
) -> None:
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    wrong_envelope = km["positive"].replace(b"DEMOKUV0000001", b"DEMOKUV0000077")
    archive.add(wrong_envelope, direction="received")
    archive.add(km["positive"], direction="sent")  # a receipt we sent answers what we received
    assert archive.receipts(letter) == []
    assert archive.status(letter, now=DEMO_SENT + timedelta(days=1)).state is State.RESEND_DUE


def test_receipt_journalised_before_its_message_still_matches(archive: Archive, km: dict[str, bytes]) -> None:
    answer = archive.add(km["positive"], direction="received")[0].entry
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    assert [r.id for r in archive.receipts(letter)] == [answer]
    assert archive.status(letter, now=DEMO_SENT + timedelta(days=1)).state is State.POSITIVE


@pytest.mark.parametrize(("ack", "state"), [("positive", State.POSITIVE), ("negative", State.NEGATIVE)])
def test_fhir_acknowledgement_decides_the_state(
    archive: Archive, fhir: dict[str, bytes], ack: str, state: State
) -> None:
    message = archive.add(fhir["new"], direction="sent")[0].entry
    answer = archive.add(fhir[ack], direction="received")[0]
    assert answer.kind is Kind.ACKNOWLEDGEMENT
    assert archive.status(message, now=DEMO_SENT + timedelta(days=1)).state is state
    assert [r.id for r in archive.receipts(message)] == [answer.entry]


def test_fhir_resend_rule(tmp_path: Path, fhir: dict[str, bytes]) -> None:
    """No Acknowledgement after 30 minutes: resend, at most twice; then follow up by hand."""
    new = demo_care_thread()[0]
    envelope = new.envelope.identifier
    with Archive(tmp_path / "j.db") as archive:
        first = archive.add(fhir["new"], direction="sent")[0].entry
        assert archive.status(first, now=DEMO_SENT + timedelta(minutes=29)).state is State.SENT
        assert archive.status(first, now=DEMO_SENT + timedelta(minutes=31)).state is State.RESEND_DUE
        resends = []
        for number in (1, 2):
            data = resend(fhir["new"], envelope, f"{envelope[:-2]}{number:02d}")
            added = archive.add(data, direction="sent")[0]
            assert added.arrival is Arrival.RESUBMISSION
            resends.append(added.entry)
        status = archive.status(first, now=DEMO_SENT + timedelta(minutes=31))
        assert status.resends == 2
        assert status.state is State.NO_RECEIPT
        assert archive.status(resends[-1], now=DEMO_SENT + timedelta(minutes=31)) == status
        # An Acknowledgement names the MessageHeader, so it answers every send.
        archive.add(fhir["positive"], direction="received")
        assert archive.status(first, now=DEMO_SENT + timedelta(days=1)).state is State.POSITIVE
    with Archive(tmp_path / "j2.db", fhir_policy=ResendPolicy(timedelta(hours=2), 1)) as archive:
        first = archive.add(fhir["new"], direction="sent")[0].entry
        assert archive.status(first, now=DEMO_SENT + timedelta(minutes=90)).state is State.SENT
        archive.add(fhir["transient"], direction="received")
        # A transient error answered the newest send; the unit may try again at once.
        assert archive.status(first, now=DEMO_SENT + timedelta(minutes=6)).state is State.RESEND_DUE
    assert ResendPolicy(timedelta(minutes=30), 2) == FHIR_POLICY


def test_received_message_shows_the_receipt_sent_for_it(archive: Archive, fhir: dict[str, bytes]) -> None:
    message = archive.add(fhir["new"], direction="received")[0].entry
    answer = archive.add(fhir["positive"], direction="sent")[0].entry
    status = archive.status(message)
    assert status.state is State.RECEIVED
    assert status.receipts == (answer,)


# --- threads ----------------------------------------------------------------------------------------


def test_threads(archive: Archive, fhir: dict[str, bytes], km: dict[str, bytes]) -> None:
    new = archive.add(fhir["new"], direction="sent")[0].entry
    reply = archive.add(fhir["reply"], direction="received")[0].entry
    forward = archive.add(fhir["forward"], direction="sent")[0].entry
    ack = archive.add(fhir["positive"], direction="received")[0].entry
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    binary = archive.add(km["xbin01"], direction="sent")[0].entry
    assert archive.entry(new).thread_id == archive.entry(reply).thread_id == demo_care_thread()[0].thread_id
    assert {e.id for e in archive.thread(reply)} == {new, reply, ack}
    assert {e.id for e in archive.thread(forward)} == {forward}  # a forward starts a new thread
    assert {e.id for e in archive.thread(letter)} == {letter, binary}
    assert {e.id for e in archive.thread(ack)} == {new, reply, ack}


def test_fhir_reply_to_an_oioxml_letter_joins_its_thread(archive: Archive, km: dict[str, bytes]) -> None:
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    received = medcomkit.parse(km["xdis91"])
    assert isinstance(received, medcomkit.CareMessage)
    # FHIR text is plain and every segment has an author (what medcomkit.convert would fill in).
    plain = tuple(
        replace(
            s,
            text=plain_text(s.text),
            author=PSYCHOLOGIST,
            identifier=medcomkit.thread.new_id(),
            written=DEMO_SENT,
        )
        for s in received.segments
    )
    answer = medcomkit.reply(
        replace(received, category="other", segments=plain, attachments=()),
        text="Tak for brevet.",
        author=medcomkit.Author("Peter", "Læge (fiktiv)", role="laege", phone="88888888"),
        when=DEMO_SENT + timedelta(days=1),
    )
    assert answer.previous == medcomkit.MessageRef("DEMOBREV000001", received.sender.ean)
    data = build_carecommunication(answer, check=False)
    reply = archive.add(data, direction="received")[0].entry
    assert archive.entry(reply).previous_id == "DEMOBREV000001"
    assert {e.id for e in archive.thread(letter)} == {letter, reply}
    assert {e.id for e in archive.thread(reply)} == {letter, reply}


# --- patient lookup ---------------------------------------------------------------------------------


def _plain_text_columns(connection: sqlite3.Connection) -> Iterator[tuple[str, str, object]]:
    """Every value in every table and column except the stored message bytes."""
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
        for row in connection.execute(f"SELECT * FROM {table}"):
            for column, value in zip(columns, row, strict=True):
                if (table, column) != ("blobs", "data"):
                    yield table, column, value


def test_patient_lookup_without_cpr_in_clear_text(
    tmp_path: Path, km: dict[str, bytes], fhir: dict[str, bytes]
) -> None:
    path = tmp_path / "j.db"
    with Archive(path) as archive:
        expected = {archive.add(km[k], direction="sent")[0].entry for k in ("xdis91", "xbin01")}
        expected.add(archive.add(fhir["new"], direction="sent")[0].entry)
        archive.add(km["positive"], direction="received")
        for form in (*CPR_FORMS, f" {DEMO_CPR[:6]} {DEMO_CPR[6:]} "):
            assert {e.id for e in archive.find_patient(form)} == expected
        assert archive.find_patient("2509479989") == []
        assert {e.id for e in archive.entries(patient=DEMO_CPR, direction=Direction.SENT)} == expected
    connection = sqlite3.connect(path)
    index = connection.execute("SELECT patient_key, entry FROM patient_index").fetchall()
    assert {entry for _, entry in index} == expected
    key = bytes.fromhex(connection.execute("SELECT value FROM meta WHERE key = 'patient-key'").fetchone()[0])
    keyed = hmac.new(key, b"cpr:" + DEMO_CPR.encode(), hashlib.sha256).hexdigest()
    assert {k for k, _ in index} == {keyed}
    assert keyed != hashlib.sha256(DEMO_CPR.encode()).hexdigest()  # keyed, not a bare hash
    digits = re.compile(re.escape(DEMO_CPR[:6]) + r"\D?" + re.escape(DEMO_CPR[6:]))
    for table, column, value in _plain_text_columns(connection):
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        assert not digits.search(text), f"CPR in clear text in {table}.{column}"
    # The raw message bytes are stored as they are, CPR included.
    assert DEMO_CPR.encode() in connection.execute("SELECT data FROM blobs LIMIT 1").fetchone()[0]
    connection.close()


def test_patient_key_kept_outside_the_file(tmp_path: Path, km: dict[str, bytes]) -> None:
    path, key = tmp_path / "j.db", b"k" * 32
    with Archive(path, key=key) as archive:
        entry = archive.add(km["xdis91"], direction="sent")[0].entry
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM meta WHERE key = 'patient-key'").fetchone()[0] == 0
    connection.close()
    with pytest.raises(ArchiveError) as missing:
        Archive(path)
    assert missing.value.code == "archive.key-required"
    with pytest.raises(ArchiveError) as wrong:
        Archive(path, key=b"x" * 32)
    assert wrong.value.code == "archive.key-mismatch"
    with Archive(path, key=key) as archive:
        assert [e.id for e in archive.find_patient(DEMO_CPR)] == [entry]


# --- the journal copy -----------------------------------------------------------------------------


def _assert_readable_page(page: str) -> None:
    assert not re.search(r"https?://", page), "the page refers to an external address"
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    for form in CPR_FORMS:
        assert form not in page
    assert f"{DEMO_CPR[:6]}-****" in page


def test_export_of_an_oioxml_letter(archive: Archive, km: dict[str, bytes], tmp_path: Path) -> None:
    letter = archive.add(km["xdis91"], direction="sent")[0].entry
    archive.add(km["xbin01"], direction="sent")
    archive.add(km["positive"], direction="received")
    folder = tmp_path / "kopi"
    files = archive.export(letter, folder, now=DEMO_SENT + timedelta(days=1))
    assert all(f.is_file() and folder in f.parents for f in files)
    by_name = {f.relative_to(folder).as_posix(): f.read_bytes() for f in files}
    assert by_name["meddelelse-XDIS91.xml"] == km["xdis91"]
    assert by_name["tilknyttet-1-XBIN01.xml"] == km["xbin01"]
    assert by_name["bilag/Forløbsplan.pdf"] == demo_plan_pdf() == km["pdf"]
    assert by_name["kvittering-1-XCTL03.xml"] == km["positive"]
    assert by_name["journalkopi.pdf"].startswith(b"%PDF-1.4")
    assert DEMO_CPR.encode() not in by_name["journalkopi.pdf"]
    page = by_name["journalkopi.html"].decode("utf-8")
    _assert_readable_page(page)
    for text in ("Journalkopi", "Afsender", "Modtager", "positiv kvittering", "Forløbsplan", "Ida"):
        assert text in page
    assert 'href="bilag/Forløbsplan.pdf"' in page
    with pytest.raises(ArchiveError) as caught:
        archive.export(letter, folder)
    assert caught.value.code == "archive.export-not-empty"


def test_export_of_a_fhir_message(archive: Archive, fhir: dict[str, bytes], tmp_path: Path) -> None:
    message = archive.add(fhir["new"], direction="sent")[0].entry
    archive.add(fhir["negative"], direction="received")
    files = archive.export(message, tmp_path / "kopi", now=DEMO_SENT + timedelta(days=1))
    names = {f.name: f for f in files}
    assert names["meddelelse-CareCommunication.json"].read_bytes() == fhir["new"]
    assert names["kvittering-1-Acknowledgement.json"].read_bytes() == fhir["negative"]
    attachments = [f for f in files if f.parent.name == "bilag"]
    assert [f.read_bytes() for f in attachments] == [demo_plan_pdf()]
    page = names["journalkopi.html"].read_text("utf-8")
    _assert_readable_page(page)
    assert "negativ kvittering" in page
    assert "Sara Demo (fiktiv)" in page  # the author of the text segment


def test_export_names_attachments_whose_bytes_are_elsewhere(
    archive: Archive, km: dict[str, bytes], fhir: dict[str, bytes], tmp_path: Path
) -> None:
    letter = archive.add(km["xdis91"], direction="sent")[0].entry  # its XBIN01 is not journalised
    reply = archive.add(fhir["reply"], direction="received")[0].entry  # repeats the attachment, no bytes
    for entry, where in (
        (letter, "XBIN01, der ikke er journaliseret"),
        (reply, "tidligere meddelelse i tråden"),
    ):
        files = archive.export(entry, tmp_path / str(entry))
        assert [f for f in files if f.parent.name == "bilag"] == []
        page = (tmp_path / str(entry) / "journalkopi.html").read_text("utf-8")
        assert f"Forløbsplan (filen er ikke i denne meddelelse, men i en {where})" in page
        _assert_readable_page(page)


# --- damaged and foreign files ----------------------------------------------------------------------


def test_foreign_damaged_and_missing_files_give_clear_errors(tmp_path: Path, km: dict[str, bytes]) -> None:
    not_sqlite = tmp_path / "tekst.db"
    not_sqlite.write_bytes(b"Dette er ikke en database.\n" * 200)
    foreign = tmp_path / "andet.db"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE patients (cpr TEXT)")
    connection.commit()
    connection.close()
    before = foreign.read_bytes()
    cases = {
        not_sqlite: "archive.corrupt",
        foreign: "archive.foreign",
        tmp_path / "findes-ikke.db": "archive.missing",
        tmp_path: "archive.is-directory",
    }
    for path, code in cases.items():
        with pytest.raises(ArchiveError) as caught:
            Archive(path, create=path.name != "findes-ikke.db")
        assert caught.value.code == code, path
        assert isinstance(caught.value, OSError)
        assert caught.value.message("da") != caught.value.message("en")
    assert foreign.read_bytes() == before  # a foreign file is never touched
    assert not (tmp_path / "findes-ikke.db").exists()


def test_newer_schema_and_damaged_header_are_refused(tmp_path: Path, km: dict[str, bytes]) -> None:
    newer = tmp_path / "ny.db"
    with Archive(newer) as archive:
        archive.add(km["xdis91"], direction="sent")
    connection = sqlite3.connect(newer)
    connection.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    connection.commit()
    connection.close()
    with pytest.raises(ArchiveError) as caught:
        Archive(newer)
    assert caught.value.code == "archive.version"
    assert "99" in str(caught.value)

    damaged = tmp_path / "skadet.db"
    with Archive(damaged) as archive:
        archive.add(km["xdis91"], direction="sent")
    with damaged.open("r+b") as handle:
        handle.write(b"\x00" * 100)  # the SQLite header
    with pytest.raises(ArchiveError) as caught:
        Archive(damaged)
    assert caught.value.code in {"archive.corrupt", "archive.foreign"}


def test_damaged_pages_are_found_by_check(
    tmp_path: Path, km: dict[str, bytes], fhir: dict[str, bytes]
) -> None:
    path = tmp_path / "j.db"
    with Archive(path) as archive:
        for data in (km["xdis91"], km["xbin01"], fhir["new"], fhir["reply"]):
            archive.add(data, direction="sent")
        assert archive.check() == []
        archive._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size, noise = path.stat().st_size, random.Random(7)
    with path.open("r+b") as handle:
        for offset in range(4096, size, 4096):  # every page but the first
            handle.seek(offset + 100)
            handle.write(noise.randbytes(200))
    # Either check() lists the damage or SQLite refuses to read it; either way it is said clearly.
    problems = _problems(path)
    assert problems != []
    if problems[0].startswith("archive."):
        assert problems[0] in {"archive.corrupt", "archive.database-error"}


def _problems(path: Path) -> list[str]:
    try:
        with Archive(path) as archive:
            return archive.check()
    except ArchiveError as error:
        return [error.code]


def test_unknown_entry(archive: Archive) -> None:
    with pytest.raises(EntryNotFound) as caught:
        archive.entry(42)
    assert isinstance(caught.value, LookupError)
    assert "42" in caught.value.message("da")


# --- crash safety -----------------------------------------------------------------------------------


def _crash_messages(
    km: dict[str, bytes], fhir: dict[str, bytes], count: int
) -> list[tuple[bytes, str, str, str]]:
    """(bytes, direction, envelope id, message id) for many distinct messages, receipts and resends."""
    new = demo_care_thread()[0]
    items = []
    for i in range(count):
        envelope, letter = f"KUV{i:011d}", f"BRV{i:011d}"
        xdis91 = (
            km["xdis91"]
            .replace(b"DEMOKUV0000001", envelope.encode())
            .replace(b"DEMOBREV000001", letter.encode())
        )
        items.append((xdis91, "sent", envelope, letter))
        if i % 3 == 0:
            receipt = (
                km["positive"]
                .replace(b"DEMOKUV0000001", envelope.encode())
                .replace(b"DEMOBREV000001", letter.encode())
                .replace(b"KUVPOS0000001", f"KVK{i:011d}".encode())
                .replace(b"KVITPOS0000001", f"KVB{i:011d}".encode())
            )
            items.append((receipt, "received", f"KVK{i:011d}", f"KVB{i:011d}"))
        if i % 4 == 0:
            bundle, header = f"{i:08d}-0000-4000-8000-000000000000", f"{i:08d}-1111-4000-8000-000000000000"
            cc = fhir["new"].replace(new.envelope.identifier.encode(), bundle.encode())
            cc = cc.replace(new.message_id.encode(), header.encode())
            items.append((cc, "sent", bundle, header))
            resent = f"{i:08d}-2222-4000-8000-000000000000"
            items.append((cc.replace(bundle.encode(), resent.encode()), "sent", resent, header))
    return items


def _writer(path: Path, items: list[tuple[bytes, str, str, str]], start: int, report: int) -> None:
    """Add messages forever from ``start``; after each add returns, tell the parent which one."""
    with Archive(path) as archive:
        index = start
        while True:
            data, direction, _, _ = items[index % len(items)]
            added = archive.add(data, direction=direction)
            os.write(report, f"{index % len(items)} {added[0].entry}\n".encode())
            index += 1


def test_a_writer_killed_at_any_moment_loses_nothing_that_returned(
    tmp_path: Path, km: dict[str, bytes], fhir: dict[str, bytes]
) -> None:
    path = tmp_path / "journal.db"
    items = _crash_messages(km, fhir, 400)
    Archive(path).close()  # an empty journal, so every round starts by opening it
    rng = random.Random(20261126)
    returned: dict[int, int] = {}
    # MEDCOMKIT_LONG=1 repeats it many more times, by hand.
    rounds, started = (400 if os.environ.get("MEDCOMKIT_LONG") == "1" else 40), time.monotonic()
    for round_number in range(rounds):
        read_end, write_end = os.pipe()
        start = rng.randrange(len(items))
        pid = os.fork()
        if pid == 0:  # the writer
            os.close(read_end)
            try:
                _writer(path, items, start, write_end)
            except BaseException:
                traceback.print_exc()
            os._exit(1)
        os.close(write_end)
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the writer stopped by itself (see its traceback above)"
        assert os.WTERMSIG(status) == signal.SIGKILL
        with os.fdopen(read_end, "rb") as pipe:
            for line in pipe.read().decode().splitlines():
                index, entry = map(int, line.split())
                returned.setdefault(index, entry)
        # After every crash: the file is sound, and every returned add is there exactly once.
        connection = sqlite3.connect(path)
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for index, entry in returned.items():
            _, direction, envelope, message = items[index]
            rows = connection.execute(
                "SELECT id FROM entries WHERE direction = ? AND envelope_id = ? AND message_id = ?",
                (direction, envelope, message),
            ).fetchall()
            assert rows == [(entry,)], f"round {round_number}: message {index} lost or stored twice"
        connection.close()
        with Archive(path) as archive:
            assert archive.check() == [], f"round {round_number}: half-written record"
    assert len(returned) > rounds, "the writer hardly ever got to add anything; the test proves little"
    with Archive(path) as archive:
        entries = archive.entries()
        assert len(entries) >= len(returned)
        resubmissions = [e for e in entries if e.arrival is Arrival.RESUBMISSION]
        assert all(e.resubmission_of is not None for e in resubmissions)
    assert time.monotonic() - started < 60 * rounds / 40


# --- the command line -------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path, km: dict[str, bytes], fhir: dict[str, bytes]) -> dict[str, Path]:
    paths = {}
    for name, data in [*km.items(), *(("cc-" + k, v) for k, v in fhir.items())]:
        path = tmp_path / "in" / f"{name}.{'json' if data.startswith(b'{') else 'xml'}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_cli_add_list_show(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "journal.db")
    sent = [str(files[k]) for k in ("xdis91", "xbin01", "xdis91", "cc-new")]
    assert main(["archive", "add", "--db", db, "--direction", "sent", *sent]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4
    assert out[0].endswith("post 1: ny")
    assert out[2].endswith("post 1: dublet, allerede journaliseret")
    assert main(["archive", "add", "--db", db, "--direction", "received", str(files["positive"])]) == 0
    capsys.readouterr()

    now = "2026-11-26T13:00"
    assert main(["archive", "list", "--db", db, "--now", now]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert "XDIS91" in lines[0]
    assert "positiv kvittering" in lines[0]
    assert "XBIN01" in lines[1]
    assert "ingen kvittering, skal sendes igen" in lines[1]
    assert "CareCommunication" in lines[2]
    assert "skal sendes igen" in lines[2]
    assert "XCTL03" in lines[3]
    assert "kvittering" in lines[3]

    assert main(["archive", "list", "--db", db, "--now", now, "--format", "json", "--lang", "en"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["kind"], r["state"]) for r in rows] == [
        (1, "XDIS91", "positive"),
        (2, "XBIN01", "resend-due"),
        (3, "CareCommunication", "resend-due"),
        (4, "XCTL03", "receipt"),
    ]
    assert rows[0]["receipts"] == [4]
    assert rows[0]["state_text"] == "positive receipt"

    assert main(["archive", "list", "--db", db, "--patient", CPR_FORMS[1], "--format", "json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [1, 2, 3]

    export = tmp_path / "kopi"
    assert main(["archive", "show", "--db", db, "1", "--now", now, "--export", str(export)]) == 0
    shown = capsys.readouterr().out
    assert "Korrespondancemeddelelse (XDIS91)" in shown
    assert "Status:" in shown
    assert "positiv kvittering" in shown
    assert "Kvitteringer:" in shown
    assert "#4 XCTL03" in shown
    assert "Tilknyttet:" in shown
    assert "#2 XBIN01" in shown
    assert f"{DEMO_CPR[:6]}-****" in shown
    assert DEMO_CPR not in shown
    assert CPR_FORMS[1] not in shown
    assert (export / "journalkopi.html").is_file()
    assert (export / "bilag" / "Forløbsplan.pdf").read_bytes() == demo_plan_pdf()

    assert main(["archive", "show", "--db", db, "4", "--lang", "en", "--format", "json"]) == 0
    receipt = json.loads(capsys.readouterr().out)
    assert (receipt["state"], receipt["answers"]) == ("receipt", [1])


def test_cli_errors(tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "journal.db")
    assert main(["archive", "list", "--db", db]) == 2
    assert "findes ikke" in capsys.readouterr().err
    assert not Path(db).exists()
    code = main(
        ["archive", "add", "--db", db, "--direction", "received", str(files["pdf"]), str(files["xdis91"])]
    )
    assert code == 1
    captured = capsys.readouterr()
    assert "journaliseres ikke" in captured.err
    assert "post 1: ny" in captured.out
    assert main(["archive", "show", "--db", db, "7", "--lang", "en"]) == 2
    assert "The journal has no entry 7." in capsys.readouterr().err
    assert main(["archive", "add", "--db", db, "--direction", "sent", str(tmp_path / "mangler.xml")]) == 2
    assert "mangler.xml" in capsys.readouterr().err
    Path(tmp_path / "ikke.db").write_bytes(b"not a database at all" * 100)
    assert main(["archive", "list", "--db", str(tmp_path / "ikke.db"), "--lang", "en"]) == 2
    assert "damaged or not an SQLite database" in capsys.readouterr().err
    assert main(["archive", "list", "--db", db, "--now", "i går"]) == 2
    assert "--now" in capsys.readouterr().err


def test_cli_runs_as_a_program(tmp_path: Path, files: dict[str, Path]) -> None:
    db = str(tmp_path / "journal.db")
    command = [sys.executable, "-m", "medcomkit", "archive"]
    added = subprocess.run(
        [*command, "add", "--db", db, "--direction", "sent", str(files["xdis91"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    listed = subprocess.run(
        [*command, "list", "--db", db, "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert "XDIS91" in listed.stdout
    assert "DEMOBREV000001" in listed.stdout
    usage = subprocess.run(
        [*command, "add", "--db", db], capture_output=True, text=True, timeout=60, check=False
    )
    assert usage.returncode == 2
    assert "følgende argumenter mangler" in usage.stderr
