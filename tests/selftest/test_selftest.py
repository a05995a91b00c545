"""The vendor self-test: MedCom's test protocols run over folders of messages, case by case.

The send tests build a vendor's folder from MedCom's send examples the way a system under test
would: it receives MedCom's example and replies to it or forwards it (medcomkit.thread does that
here). Each fault test then breaks one message in one way a case looks for, and checks that
exactly that case fails, with the finding that names the fault.
"""

from __future__ import annotations

import json
import shutil
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fhir_support import FHIR_REFERENCE, require_fhir_reference

from medcomkit import (
    Activity,
    Attachment,
    AttachmentMessage,
    Author,
    CareMessage,
    MessageRef,
    Organisation,
    OrgIdKind,
    PersonId,
    PersonIdKind,
    ReceiptKind,
    ReceiptLetter,
    TextSegment,
    acknowledge,
    build_acknowledgement,
    build_carecommunication,
    build_xctl,
    parse,
    read_carecommunication,
    receipt_for,
)
from medcomkit.cli import main
from medcomkit.demo import demo_plan_pdf, write_demo_km
from medcomkit.selftest import (
    PROTOCOLS,
    Outcome,
    Protocol,
    SelftestResult,
    inputs_for,
    read_manifest,
    run_selftest,
    write_manifest,
)
from medcomkit.selftest.files import case_of
from medcomkit.thread import forward, reply

EXAMPLES = FHIR_REFERENCE / "examples" / "carecommunication-testexamples"
SEND = EXAMPLES / "send"
SEND_IDS = [case.id for case in PROTOCOLS[Protocol.CARECOMMUNICATION_SEND]]
WHEN = datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
VENDOR = Author(given_name="Vera", family_name="Leverandør (fiktiv)", role="laege", phone="12345678")
HOSPITAL = Organisation(
    ean="5790000209354",
    name="Hjerteafdelingen på Herlev og Gentofte hospital",
    identifier="265161000016000",
    identifier_kind=OrgIdKind.SOR,
)


def send_example(case_id: str) -> Path:
    """MedCom's send example for a case (found by the case id in its name, as the self-test does)."""
    return next(p for p in sorted(SEND.iterdir()) if case_of(p.name, SEND_IDS) == case_id)


# --- a vendor's answers to MedCom's send examples ----------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a system under test produced for a case: its message, and MedCom's example it answers."""

    name: str
    message: CareMessage
    answered: CareMessage | None


@cache
def vendor_answers() -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for case in PROTOCOLS[Protocol.CARECOMMUNICATION_SEND]:
        example = send_example(case.id)
        received = read_carecommunication(example.read_bytes())
        if not case.answers:  # MedCom's example is itself the kind of message the case checks
            answers[case.id] = Answer(example.name, received, None)
        elif case.activity == Activity.REPLY.value:
            own = [Attachment(title="Plan", data=demo_plan_pdf(), media_type="application/pdf")]
            message = reply(
                received,
                text="Tak, modtaget.",
                author=VENDOR,
                when=WHEN,
                attachments=own if "new-attachment" in case.checks else (),
            )
            answers[case.id] = Answer(f"{case.id}-reply-vendor.json", message, received)
        else:
            message = forward(
                received, to=HOSPITAL, text="Videresendt til orientering.", author=VENDOR, when=WHEN
            )
            answers[case.id] = Answer(f"{case.id}-forward-vendor.json", message, received)
    return answers


@cache
def good_folder_files() -> dict[str, bytes]:
    """A vendor's folder that passes: its messages, and MedCom's examples they answer."""
    files: dict[str, bytes] = {}
    for case_id, answer in vendor_answers().items():
        example = send_example(case_id)
        files[example.name] = example.read_bytes()
        if answer.answered is not None:
            files[answer.name] = build_carecommunication(answer.message)
    return files


@pytest.fixture
def vendor_folder(tmp_path: Path) -> Path:
    require_fhir_reference()
    folder = tmp_path / "leverandoer"
    folder.mkdir()
    for name, data in good_folder_files().items():
        (folder / name).write_bytes(data)
    return folder


def _errors(result: SelftestResult, case_id: str) -> set[str]:
    return {f.issue.rule for f in result.result(case_id).errors}


# --- 1. MedCom's own send examples ------------------------------------------------------------------


def test_medcoms_send_examples_pass_every_case_they_cover_and_the_rest_have_no_message() -> None:
    require_fhir_reference()
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, SEND, reference=EXAMPLES)
    assert result.failed == (), result.to_text("en")
    for case_result in result.results:
        example = send_example(case_result.case.id).name
        if case_result.case.answers:
            # MedCom's example is the message the system under test answers, not an answer itself.
            assert case_result.outcome is Outcome.MISSING
            assert case_result.answered == (example,)
        else:
            assert case_result.outcome is Outcome.PASSED
            assert case_result.files == (example,)
    assert result.succeeded
    assert result.missing
    markdown, text = result.to_markdown("da"), result.to_text("da")
    section = markdown.split("## Sager uden meddelelse", 1)[1].split("\n## ", 1)[0]
    for case_result in result.missing:
        assert f"- {case_result.case.id} — {case_result.case.title.da}" in section
        assert f"INGEN MEDDELELSE  {case_result.case.id}" in text
    assert (
        main(["selftest", "--protocol", "carecommunication-send", str(SEND), "--reference", str(EXAMPLES)])
        == 0
    )


def test_a_vendor_folder_that_answers_every_example_passes_every_case(vendor_folder: Path) -> None:
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    assert [c.outcome for c in result.results] == [Outcome.PASSED] * len(SEND_IDS), result.to_text("en")
    answered = {c.case.id: c.answered for c in result.results if c.case.answers}
    assert answered == {case_id: (send_example(case_id).name,) for case_id in answered}
    assert result.exit_status(require_all=True) == 0


# --- 2. one deliberate fault, one failing case --------------------------------------------------------

Change = Callable[[CareMessage, CareMessage | None], CareMessage]


@dataclass(frozen=True)
class Fault:
    id: str
    case: str
    change: Change
    rules: frozenset[str]
    words: tuple[str, ...]  # what the English message says about the fault


def _first_segment(message: CareMessage, segment: TextSegment) -> CareMessage:
    return replace(message, segments=(segment, *message.segments[1:]))


def _renamed(message: CareMessage) -> CareMessage:
    return _first_segment(message, replace(message.segments[0], identifier=str(uuid.uuid4())))


def _author(message: CareMessage, author: Callable[[Author], Author]) -> CareMessage:
    first = message.segments[0]
    assert first.author is not None
    return _first_segment(message, replace(first, author=author(first.author)))


def _letter(data: bytes) -> CareMessage | AttachmentMessage:
    message = parse(data)
    assert isinstance(message, CareMessage | AttachmentMessage)
    return message


def _answered(answered: CareMessage | None) -> CareMessage:
    assert answered is not None
    return answered


FAULTS = [
    Fault(
        "no-topic", "S-A", lambda m, a: replace(m, topic=None), frozenset({"selftest.topic"}), ("no topic",)
    ),
    Fault(
        "author-without-role",
        "S-A",
        lambda m, a: _author(m, lambda x: replace(x, role=None, role_text=None)),
        frozenset({"selftest.author", "medcom-careCommunication-7"}),
        ("the author's role",),
    ),
    Fault(
        "reply-with-new-thread-id",
        "S-B",
        lambda m, a: replace(m, thread_id=str(uuid.uuid4())),
        frozenset({"selftest.thread-kept"}),
        ("keeps the thread id",),
    ),
    Fault(
        "earlier-segment-with-new-identifier",
        "S-B",
        lambda m, a: _renamed(m),
        frozenset({"selftest.segment-missing"}),
        ("original identifier",),
    ),
    Fault(
        "earlier-segment-with-other-author",
        "S-B",
        lambda m, a: _author(m, lambda x: replace(x, family_name="Andersen")),
        frozenset({"selftest.segment-changed"}),
        ("the author", "Andersen"),
    ),
    Fault(
        "earlier-attachment-with-data",
        "S-B",
        lambda m, a: replace(m, attachments=_answered(a).attachments),
        frozenset({"selftest.attachment-data-kept"}),
        ("without data",),
    ),
    Fault(
        "earlier-provenance-dropped",
        "S-B",
        lambda m, a: replace(m, history=()),
        frozenset({"selftest.history-missing", "cc.revision-unknown"}),
        ("Provenance of the earlier message", "is missing"),
    ),
    Fault(
        "reply-coded-as-new-message",
        "S-B",
        lambda m, a: replace(m, activity=Activity.NEW),
        frozenset({"selftest.activity"}),
        ("new-message", "reply-message"),
    ),
    Fault(
        "reply-without-own-attachment",
        "S-C",
        lambda m, a: replace(m, attachments=m.attachments[: len(_answered(a).attachments)]),
        frozenset({"selftest.new-attachment"}),
        ("adds no new attachment",),
    ),
    Fault(
        "forward-without-attachment-data",
        "S-D",
        lambda m, a: replace(m, attachments=tuple(replace(x, data=None) for x in m.attachments)),
        frozenset({"selftest.attachment-data-missing"}),
        ("neither data nor URL",),
    ),
    Fault(
        "forward-in-the-same-thread",
        "S-E",
        lambda m, a: replace(m, thread_id=_answered(a).thread_id),
        frozenset({"selftest.thread-new"}),
        ("same thread id", "new thread"),
    ),
    Fault(
        "reply-without-episode-of-care",
        "S-Tek-A",
        lambda m, a: replace(m, episode_of_care_id=None, episode_of_care_system=None),
        frozenset({"selftest.episode"}),
        ("episode-of-care id", "has none"),
    ),
    Fault(
        "forward-without-episode-of-care",
        "S-Tek-B",
        lambda m, a: replace(m, episode_of_care_id=None, episode_of_care_system=None),
        frozenset({"selftest.episode"}),
        ("episode-of-care id", "has none"),
    ),
    Fault(
        "reply-pointing-at-the-threads-first-message",
        "S-Tek-C",
        lambda m, a: replace(m, previous=MessageRef(m.history[0].message_id)),
        frozenset({"selftest.revision"}),
        ("must point at the answered message",),
    ),
    Fault(
        "patient-with-a-regular-cpr",
        "S-Tek-CPR",
        lambda m, a: replace(
            m,
            patient=replace(
                m.patient, identifier=PersonId(PersonIdKind.CPR, "2509479989"), other_identifiers=()
            ),
        ),
        frozenset({"selftest.replacement-cpr"}),
        ("no replacement CPR",),
    ),
]


def _break(folder: Path, fault: Fault) -> None:
    answer = vendor_answers()[fault.case]
    broken = fault.change(answer.message, answer.answered)
    (folder / answer.name).write_bytes(build_carecommunication(broken, check=False))


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.case}-{f.id}")
def test_one_fault_fails_exactly_its_case_with_a_message_naming_it(vendor_folder: Path, fault: Fault) -> None:
    _break(vendor_folder, fault)
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    assert [c.case.id for c in result.failed] == [fault.case], result.to_text("en")
    assert _errors(result, fault.case) == fault.rules, result.to_text("en")
    messages = [f.issue.message("en") for f in result.result(fault.case).errors]
    own = next(
        m
        for f, m in zip(result.result(fault.case).errors, messages, strict=True)
        if f.issue.rule.startswith("selftest.")
    )
    assert all(word in own for word in fault.words), own
    assert result.exit_status() == 1


def test_a_fault_in_every_message_fails_every_case_each_with_its_own_finding(vendor_folder: Path) -> None:
    chosen = {fault.case: fault for fault in reversed(FAULTS)}  # one fault per case
    assert set(chosen) == set(SEND_IDS)
    for fault in chosen.values():
        _break(vendor_folder, fault)
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    assert len(result.failed) == len(SEND_IDS)
    for case_id, fault in chosen.items():
        assert _errors(result, case_id) == fault.rules, (case_id, result.to_text("en"))


def test_without_medcoms_example_a_reply_is_held_against_its_own_history(tmp_path: Path) -> None:
    require_fhir_reference()
    answer = vendor_answers()["S-B"]
    (tmp_path / answer.name).write_bytes(build_carecommunication(answer.message))
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, tmp_path)
    assert result.result("S-B").outcome is Outcome.PASSED
    assert "selftest.answered-missing" in {f.issue.rule for f in result.result("S-B").findings}
    # A renamed earlier segment is still caught: the earlier Provenance names an id no payload has.
    renamed = _renamed(answer.message)
    (tmp_path / answer.name).write_bytes(build_carecommunication(renamed, check=False))
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, tmp_path)
    assert _errors(result, "S-B") == {"selftest.payload-missing"}
    # With MedCom's examples at hand, the example it answers is found by its MessageHeader id.
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, tmp_path, reference=EXAMPLES)
    assert result.result("S-B").answered == (f"send/{send_example('S-B').name}",)
    assert _errors(result, "S-B") == {"selftest.segment-missing"}


# --- the receive protocol ----------------------------------------------------------------------------


def _acknowledge_all(folder: Path, reference: Path | None) -> dict[str, list[Path]]:
    written: dict[str, list[Path]] = {}
    for index, item in enumerate(inputs_for(Protocol.CARECOMMUNICATION_RECEIVE, reference).files):
        _, ack = acknowledge(item.data)
        path = folder / f"ack-{item.case_id}-{index}.{'xml' if ack.lstrip().startswith(b'<') else 'json'}"
        path.write_bytes(ack)
        written.setdefault(item.case_id, []).append(path)
    return written


def _receive_reference(source: str) -> Path | None:
    if source == "demo":
        return None
    require_fhir_reference()
    return EXAMPLES


@pytest.mark.parametrize("source", ["reference", "demo"])
def test_acknowledgements_from_medcomkit_pass_the_receive_protocol(tmp_path: Path, source: str) -> None:
    reference = _receive_reference(source)
    _acknowledge_all(tmp_path, reference)
    result = run_selftest(Protocol.CARECOMMUNICATION_RECEIVE, tmp_path, reference=reference)
    ran = [c for c in result.results if c.outcome is not Outcome.MISSING]
    assert result.failed == (), result.to_text("en")
    assert {c.case.id for c in ran} >= {
        "R-A",
        "R-B",
        "R-C",
        "R-Tek-J",
        "R-Tek-L",
        "R-Tek-M",
        "R-Tek-N",
        "R-Tek-O",
    }
    if source == "reference":
        assert result.missing == ()
    else:  # cases only MedCom's examples can give are reported, not failed
        assert all({f.issue.rule for f in c.findings} == {"selftest.input-missing"} for c in result.missing)


@pytest.mark.parametrize("source", ["reference", "demo"])
def test_ok_for_an_invalid_message_fails_that_case(tmp_path: Path, source: str) -> None:
    reference = _receive_reference(source)
    acks = _acknowledge_all(tmp_path, reference)
    received = inputs_for(Protocol.CARECOMMUNICATION_RECEIVE, reference).for_case("R-Tek-M")[0]
    receipt, _ = acknowledge(received.data)
    assert receipt.kind is ReceiptKind.NEGATIVE
    wrong = replace(
        receipt,
        kind=ReceiptKind.POSITIVE,
        letters=(ReceiptLetter(receipt.letters[0].letter_id),),
        detail_code=None,
    )
    acks["R-Tek-M"][0].write_bytes(build_acknowledgement(wrong, format="json"))
    result = run_selftest(Protocol.CARECOMMUNICATION_RECEIVE, tmp_path, reference=reference)
    assert [c.case.id for c in result.failed] == ["R-Tek-M"], result.to_text("en")
    (finding,) = result.result("R-Tek-M").errors
    assert finding.issue.rule == "selftest.ack-code"
    assert "'ok'" in finding.issue.message("en")
    assert "'fatal-error'" in finding.issue.message("en")
    # Its duplicate is not blamed for the first acknowledgement being wrong, only told so.
    assert "selftest.ack-duplicate-unchecked" in {f.issue.rule for f in result.result("R-Tek-N").findings}


def test_duplicates_must_be_acknowledged_alike_and_each_delivery_answered(tmp_path: Path) -> None:
    acks = _acknowledge_all(tmp_path, None)
    acks["R-Tek-J"][1].unlink()  # the second delivery of the duplicate went unanswered
    # R-Tek-L answered with R-A's acknowledgement (same parties): wrong message, and unlike R-Tek-K's.
    acks["R-Tek-L"][0].write_bytes(acks["R-A"][0].read_bytes())
    result = run_selftest(Protocol.CARECOMMUNICATION_RECEIVE, tmp_path)
    assert {c.case.id for c in result.failed} == {"R-Tek-J", "R-Tek-L"}
    assert _errors(result, "R-Tek-J") == {"selftest.ack-count"}
    assert _errors(result, "R-Tek-L") == {
        "selftest.ack-answers",
        "selftest.ack-provenance",
        "selftest.ack-duplicate",
    }


def test_inputs_are_written_for_import_and_read_back(tmp_path: Path) -> None:
    inputs, acks = tmp_path / "inddata", tmp_path / "kvitteringer"
    acks.mkdir()
    code = main(
        [
            "selftest",
            "--protocol",
            "carecommunication-receive",
            "--write-inputs",
            "--no-reference",
            str(inputs),
        ]
    )
    assert code == 0
    written = sorted(p.name for p in inputs.iterdir())
    assert written == sorted(f.name for f in inputs_for(Protocol.CARECOMMUNICATION_RECEIVE).files)
    for path in inputs.iterdir():
        _, ack = acknowledge(path.read_bytes())
        (acks / f"ack-{path.name}").write_bytes(ack)
    args = ["selftest", "--protocol", "carecommunication-receive", str(acks), "--inputs", str(inputs)]
    assert main(args) == 0
    assert main([*args, "--require-all"]) == 1  # the cases only MedCom's examples give are missing


def test_received_messages_may_lie_beside_the_acknowledgements(tmp_path: Path) -> None:
    inputs = inputs_for(Protocol.CARECOMMUNICATION_RECEIVE)
    _acknowledge_all(tmp_path, None)
    for item in inputs.files:  # the other way round from the inputs medcomkit would make
        (tmp_path / item.name).write_bytes(item.data)
    result = run_selftest(Protocol.CARECOMMUNICATION_RECEIVE, tmp_path)
    assert result.failed == (), result.to_text("en")
    assert result.result("R-B").answered == ("R-B-reply-demo.json",)
    assert len(result.result("R-Tek-J").files) == 2
    written = write_manifest(Protocol.CARECOMMUNICATION_RECEIVE, tmp_path)
    manifest = read_manifest(tmp_path, Protocol.CARECOMMUNICATION_RECEIVE)
    assert manifest is not None
    assert manifest.answers["R-B"] == ["R-B-reply-demo.json"]
    assert all(name.startswith("ack-") for names in manifest.messages.values() for name in names)
    assert (
        main(["selftest", "--protocol", "carecommunication-receive", str(tmp_path), "--write-manifest"]) == 2
    )
    assert written.is_file()


def test_r_tek_o_is_written_with_its_intended_defect() -> None:
    require_fhir_reference()
    (item,) = inputs_for(Protocol.CARECOMMUNICATION_RECEIVE, EXAMPLES).for_case("R-Tek-O")
    shipped = next((EXAMPLES / "receive-extra").glob("*R-Tek-O*")).read_bytes()

    def texts(data: bytes) -> list[str]:
        bundle = json.loads(data)
        (communication,) = (
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"
        )
        return [p["contentString"] for p in communication["payload"] if "contentString" in p]

    assert texts(shipped) == ["To be removed"]
    assert texts(item.data) == []
    assert acknowledge(shipped)[0].kind is ReceiptKind.POSITIVE
    assert acknowledge(item.data)[0].kind is ReceiptKind.NEGATIVE


# --- the XDIS91 protocol -----------------------------------------------------------------------------


@pytest.fixture
def xdis91_folder(tmp_path: Path) -> Path:
    xdis91, xbin01, _ = write_demo_km(tmp_path / "demo")
    folder = tmp_path / "xdis91"
    folder.mkdir()
    shutil.copy(xdis91, folder / "XDIS91-A-km.xml")
    shutil.copy(xdis91, folder / "XDIS91-B-km.xml")
    shutil.copy(xbin01, folder / "XDIS91-B-km-bilag.xml")
    for item in inputs_for(Protocol.XDIS91).files:
        (folder / f"XDIS91-C-kvittering-{item.name}").write_bytes(build_xctl(receipt_for(_letter(item.data))))
    return folder


def test_the_demo_xdis91_its_xbin01_and_their_receipts_pass(xdis91_folder: Path) -> None:
    result = run_selftest(Protocol.XDIS91, xdis91_folder)
    assert [c.outcome for c in result.results] == [Outcome.PASSED] * 3, result.to_text("en")
    assert len(result.result("XDIS91-C").answered) == 2  # the XDIS91 and the XBIN01 it received


def test_xdis91_faults_fail_their_case(xdis91_folder: Path) -> None:
    binary = (xdis91_folder / "XDIS91-B-km-bilag.xml").read_text(encoding="iso-8859-1")
    (xdis91_folder / "XDIS91-B-km-bilag.xml").write_text(
        binary.replace("5e0f6d9c-3a1b-4c8e-9f21-7b6a4d2c1e90", "5e0f6d9c-3a1b-4c8e-9f21-7b6a4d2c1e91"),
        encoding="iso-8859-1",
    )
    receipt_of_binary = next(xdis91_folder.glob("XDIS91-C-*xbin01*"))
    receipt_of_binary.unlink()
    letter = next(xdis91_folder.glob("XDIS91-C-*xdis91*"))
    received = inputs_for(Protocol.XDIS91).for_case("XDIS91-C")[0]
    negative = receipt_for(_letter(received.data), kind=ReceiptKind.NEGATIVE)
    letter.write_bytes(build_xctl(negative))
    result = run_selftest(Protocol.XDIS91, xdis91_folder)
    assert [c.case.id for c in result.failed] == ["XDIS91-B", "XDIS91-C"]
    assert "oioxml.attachment-missing" in _errors(result, "XDIS91-B")
    assert _errors(result, "XDIS91-C") == {"selftest.receipt-missing", "selftest.receipt-kind"}


# --- 3. the reports ----------------------------------------------------------------------------------


def _junit_cases(text: str) -> dict[str, str]:
    """Read JUnit XML as CI tools do (pytest's own junit reader, Jenkins): the suite's counts must
    match its testcases; each testcase is passed, failure or skipped."""
    root = ET.fromstring(text)
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    assert root.tag in ("testsuites", "testsuite")
    assert suites
    statuses: dict[str, str] = {}
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        counted = {"failure": 0, "skipped": 0, "error": 0}
        for case in cases:
            assert case.get("classname")
            assert case.get("name")
            assert float(case.get("time", "x")) >= 0
            children = [c.tag for c in case if c.tag in counted]
            assert len(children) <= 1
            for tag in children:
                counted[tag] += 1
                if tag == "failure":
                    assert case.find("failure").get("message")  # type: ignore[union-attr]
            statuses[case.get("name", "")] = children[0] if children else "passed"
        assert int(suite.get("failures", "-1")) == counted["failure"]
        assert int(suite.get("skipped", "-1")) == counted["skipped"]
        assert int(suite.get("errors", "-1")) == counted["error"]
    return statuses


def test_junit_xml_has_one_testcase_per_case_and_names_the_fault(vendor_folder: Path) -> None:
    fault = next(f for f in FAULTS if f.id == "reply-with-new-thread-id")
    _break(vendor_folder, fault)
    (vendor_folder / vendor_answers()["S-D"].name).unlink()  # S-D without a message
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    junit = result.to_junit("en")
    statuses = _junit_cases(junit)
    assert len(statuses) == len(SEND_IDS)
    by_case = {name.split(" ", 1)[0]: status for name, status in statuses.items()}
    assert by_case["S-B"] == "failure"
    assert by_case["S-D"] == "skipped"
    assert {s for c, s in by_case.items() if c not in ("S-B", "S-D")} == {"passed"}
    failure = next(c for c in ET.fromstring(junit).iter("testcase") if c.get("name", "").startswith("S-B "))
    assert "selftest.thread-kept" in failure.find("failure").get("message", "")  # type: ignore[union-attr]


def test_the_html_report_is_well_formed_danish_and_loads_nothing(vendor_folder: Path) -> None:
    _break(vendor_folder, FAULTS[0])
    page = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder).to_html()
    root = ET.fromstring(page.removeprefix("<!DOCTYPE html>\n"))
    assert root.get("lang") == "da"
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        assert tag not in ("script", "link", "img", "iframe", "object", "embed")
        for attribute in ("src", "href"):
            value = element.get(attribute)
            assert value is None or value.startswith("#"), (tag, value)
        if tag == "style":
            assert "url(" not in (element.text or "")
            assert "@import" not in (element.text or "")
    text = "".join(root.itertext())
    assert "Selvtest" in text
    assert "fejlet" in text
    assert "selftest.topic" in text
    assert "2509479989" not in page  # CPR numbers are masked


def test_the_command_writes_all_three_reports_and_says_which_cases_failed(
    vendor_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(vendor_folder, next(f for f in FAULTS if f.case == "S-D"))
    reports = tmp_path / "rapport"
    args = [
        "selftest",
        "--protocol",
        "carecommunication-send",
        str(vendor_folder),
        "--report-dir",
        str(reports),
    ]
    assert main([*args, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "FAILED            S-D" in out
    assert "selftest.attachment-data-missing" in out
    assert sorted(p.name for p in reports.iterdir()) == ["selftest-junit.xml", "selftest.html", "selftest.md"]
    assert "## S-D — Forward of a message with an attachment" in (reports / "selftest.md").read_text()
    _junit_cases((reports / "selftest-junit.xml").read_text())


# --- matching: the manifest and the naming convention -------------------------------------------------


def test_case_ids_match_only_as_whole_words() -> None:
    assert case_of("Bundle-S-Tek-CPR-77ff05d0.json", SEND_IDS) == "S-Tek-CPR"
    assert case_of("Bundle-S-Tek-C-new-7be9d2ba.xml", SEND_IDS) == "S-Tek-C"
    assert case_of("svar-S-A.json", SEND_IDS) == "S-A"
    assert case_of("S-AB.json", SEND_IDS) is None
    assert case_of("bundle-s-a.json", SEND_IDS) is None  # case ids are written as MedCom writes them


def test_a_written_manifest_matches_the_folder_as_the_names_do(vendor_folder: Path, tmp_path: Path) -> None:
    by_names = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    path = write_manifest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    manifest = read_manifest(vendor_folder, Protocol.CARECOMMUNICATION_SEND)
    assert manifest is not None
    assert manifest.name == path.name
    assert set(manifest.messages) == set(SEND_IDS)
    # Rename every file: the manifest, not the names, now says which case each belongs to.
    renames = {name: f"fil-{i}{Path(name).suffix}" for i, name in enumerate(sorted(good_folder_files()))}
    text = path.read_text(encoding="utf-8")
    for old, new in renames.items():
        (vendor_folder / old).rename(vendor_folder / new)
        text = text.replace(json.dumps(old), json.dumps(new))
    path.write_text(text, encoding="utf-8")
    by_manifest = run_selftest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)
    assert by_manifest.manifest == "selftest.toml"
    assert [c.outcome for c in by_manifest.results] == [c.outcome for c in by_names.results]
    assert [c.answered for c in by_manifest.results] == [
        tuple(renames[n] for n in c.answered) for c in by_names.results
    ]
    with pytest.raises(OSError, match="already exists"):
        write_manifest(Protocol.CARECOMMUNICATION_SEND, vendor_folder)


@pytest.mark.parametrize(
    ("manifest", "complaint"),
    [
        ('[cases.S-Z]\nmessage = "a.json"\n', "unknown case 'S-Z'"),
        ('[cases.S-A]\nmessage = "findes-ikke.json"\n', "do not exist: findes-ikke.json"),
        ('protocol = "xdis91"\n', "is for the protocol xdis91"),
        ("[cases.S-A\n", "cannot be read"),
    ],
)
def test_a_bad_manifest_is_a_usage_error(
    tmp_path: Path, manifest: str, complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "selftest.toml").write_text(manifest, encoding="utf-8")
    assert main(["selftest", "--protocol", "carecommunication-send", str(tmp_path), "--lang", "en"]) == 2
    assert complaint in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest", "--protocol", "carecommunication-send", str(tmp_path / "mangler")]) == 2
    assert "findes ikke" in capsys.readouterr().err
    assert main(["selftest", "--protocol", "carecommunication-send", "--write-inputs", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as exited:
        main(["selftest", "--protocol", "hl7v2", str(tmp_path)])
    assert exited.value.code == 2
    assert main(["selftest", "--protocol", "xdis91", str(tmp_path), "--reference", str(tmp_path)]) == 2


def test_a_file_that_is_no_message_fails_its_case_and_unmatched_files_are_listed(tmp_path: Path) -> None:
    (tmp_path / "S-A-ny.json").write_text('{"resourceType": "Patient"', encoding="utf-8")
    (tmp_path / "noter.xml").write_text("<noter/>", encoding="utf-8")
    result = run_selftest(Protocol.CARECOMMUNICATION_SEND, tmp_path)
    assert [c.case.id for c in result.failed] == ["S-A"]
    assert "selftest.unreadable" in _errors(result, "S-A")
    assert result.unmatched == ("noter.xml",)
    assert "noter.xml" in result.to_markdown()
