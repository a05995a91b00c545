"""Conversion on real messages: MedCom's certification examples and hand-made XDIS91s, each defect
the mapping's rows decide, and the conversion service's handling of invalid input and receipts
through ``medcomkit convert``."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from support import OIOXML_EXAMPLES, REFERENCE, messages_in
from test_convert import DEMO_SOR, counter, demo_letter, errors, official_errors, to_fhir

import medcomkit
from medcomkit import AttachmentMessage, CareMessage, Receipt, ReceiptKind, parse
from medcomkit.cli import main
from medcomkit.convert import (
    CONVERSION_PROBLEM_NOTE,
    ChangeKind,
    Conversion,
    Correlation,
    SorEntry,
    acknowledgement_to_xctl,
    carecommunication_to_xdis91,
    xctl_to_acknowledgement,
    xdis91_to_carecommunication,
)
from medcomkit.convert.to_oioxml import UNKNOWN_FAMILY_NAME
from medcomkit.demo import demo_care_message, demo_care_thread
from medcomkit.fhir import terminology as t
from medcomkit.fhir.carecommunication import build_carecommunication
from medcomkit.model import Organisation, RefuseReason
from medcomkit.receipts import receipt_for

EXAMPLES = REFERENCE / "fhir" / "examples"
RECEIVE = EXAMPLES / "carecommunication-testexamples" / "receive"
FLOWS = EXAMPLES / "conversion-service" / "flows"
COPENHAGEN = medcomkit.oioxml._xml.COPENHAGEN


def example(folder: Path, prefix: str) -> Path:
    found = sorted(folder.glob(f"{prefix}*"))
    if not found:
        pytest.skip(f"MedCom's example {prefix} is missing in {folder}; ../shared/reference is needed")
    return found[0]


def care(path: Path | bytes) -> CareMessage:
    message = parse(path)
    assert isinstance(message, CareMessage)
    return message


def said(conversion: Conversion[Any], mapping: str) -> list[str]:
    """The English notes a conversion gave citing this mapping row."""
    return [c.note.en for c in conversion.changes if c.mapping == mapping]


# --- episode ids (sheet 2, «Episode of care identifier») ------------------------------------------


def test_an_lpr3_reply_from_a_hospital_converts_with_the_lpr3_episode_id() -> None:
    message = care(example(RECEIVE, "Bundle-R-Tek-A-"))
    assert message.episode_of_care_system != t.LPR3_SYSTEM  # the LPR3 id is the second of two
    conversion = carecommunication_to_xdis91(message)
    letter, _ = conversion.result
    assert letter.episode_of_care_id == "fc60e762b13b5773865e67f3907bdcc7"
    data = medcomkit.build_xdis91(letter)
    assert errors(data) == []
    assert official_errors(data) == []
    notes = " ".join(said(conversion, "2:Episode of care identifier"))
    assert "the LPR3 id urn:uuid:fc60e762-b13b-5773-865e-67f3907bdcc7 is carried" in notes
    assert "urn:uuid:39e3e169-9ece-4ba4-bd24-2e0fbeebc333 is lost" in notes
    assert "The 'urn:uuid:' prefix is removed, the UUID's hyphens are removed" in notes


def test_a_local_episode_id_keeps_its_hyphens_and_the_first_id_wins_without_lpr3() -> None:
    new, _, _ = demo_care_thread()
    message = replace(
        new,
        episode_of_care_id="LOKALT-FORLOEB-77",
        episode_of_care_system="https://sor2.sum.dsdn.dk/#id=441211000016000",
        more_episode_ids=(("ANDET-FORLOEB-1", "urn:oid:1.2.3"),),
    )
    conversion = carecommunication_to_xdis91(message)
    letter, _ = conversion.result
    assert letter.episode_of_care_id == "LOKALT-FORLOEB-77"
    notes = " ".join(said(conversion, "2:Episode of care identifier"))
    assert "the first (no LPR3 id) LOKALT-FORLOEB-77 is carried; ANDET-FORLOEB-1 is lost" in notes
    assert "hyphens" not in notes


def test_episode_ids_keep_their_case_and_the_note_says_exactly_what_changed() -> None:
    conversion, _ = to_fhir(*demo_letter(episode_of_care_id="0F1E2D3C4B5A69788796A5B4C3D2E1F0"))
    assert conversion.result.episode_of_care_id == "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
    (note,) = said(conversion, "1:Episode of care identifier")
    assert "0F1E2D3C4B5A69788796A5B4C3D2E1F0 → 0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0" in note


# --- the authorisation time (sheet 2, «Authorisation date») ---------------------------------------


def test_letter_authorisation_comes_from_the_payload_date_not_the_provenance() -> None:
    new, _, _ = demo_care_thread()
    written = datetime(2026, 1, 14, 9, 58, tzinfo=COPENHAGEN)
    sent = datetime(2026, 2, 2, 11, 25, tzinfo=COPENHAGEN)
    message = replace(
        new,
        authorised=sent,
        envelope=replace(new.envelope, sent=sent),
        segments=(replace(new.segments[0], written=written),),
    )
    data = build_carecommunication(message)
    conversion = carecommunication_to_xdis91(care(data))
    letter, _ = conversion.result
    assert letter.authorised == written
    assert letter.envelope.sent == sent


# --- text (sheet 1, «Text») ----------------------------------------------------------------------


def _xdis91_with_text_blocks(*blocks: str) -> bytes:
    data = medcomkit.build_xdis91(demo_care_message()).decode("iso-8859-1")
    clinical = re.search(r"<ClinicalInformation>.*</ClinicalInformation>", data, re.S)
    assert clinical is not None
    new = "".join(f"<ClinicalInformation><Text01>{b}</Text01></ClinicalInformation>" for b in blocks)
    return (data[: clinical.start()] + new + data[clinical.end() :]).encode("iso-8859-1")


def test_separate_text_blocks_are_not_glued_together() -> None:
    data = _xdis91_with_text_blocks("Ida trives i skolen.", "Vi anbefaler et møde.")
    assert errors(data) == []
    conversion, fhir = to_fhir(care(data), demo_letter()[1])
    text = conversion.result.segments[0].text
    assert "skolen.\nVi anbefaler" in text
    assert errors(fhir) == []


def test_layout_between_formatted_words_is_a_space() -> None:
    data = _xdis91_with_text_blocks("Mange <Underline>tak</Underline>\n<Bold>for</Bold>\n sidst")
    conversion, _ = to_fhir(care(data), None)
    assert medcomkit.markup.plain_text(conversion.result.segments[0].text) == "Mange tak for sidst"


# --- a patient without a family name (R-Tek-B) ---------------------------------------------------


def test_a_patient_without_family_name_converts_with_a_note() -> None:
    message = care(example(RECEIVE, "Bundle-R-Tek-B-"))
    assert message.patient.family_name == ""
    conversion = carecommunication_to_xdis91(message)
    letter, _ = conversion.result
    assert letter.patient.family_name == UNKNOWN_FAMILY_NAME
    data = medcomkit.build_xdis91(letter)
    assert errors(data) == []
    assert official_errors(data) == []
    assert said(conversion, "2:Patient family name")
    # Back in FHIR the family name is unknown again, not '(ukendt)'.
    back = xdis91_to_carecommunication(
        care(data), sor={p.ean: SorEntry(p.sor or "") for p in (message.sender, message.receiver)}
    )
    assert back.result.patient.family_name == ""
    assert errors(build_carecommunication(back.result, check=False)) == []
    assert said(back, "1:Patient family name")


# --- attachments ---------------------------------------------------------------------------------


def test_objects_of_the_xbin01_the_xdis91_does_not_refer_to_are_said() -> None:
    letter, binary = demo_letter()
    assert binary is not None
    extra = replace(binary.attachments[0], identifier="11111111-2222-4333-8444-555555555555")
    binary = replace(binary, attachments=(*binary.attachments, extra))
    conversion, _ = to_fhir(letter, binary)
    lost = [c.source for c in conversion.of_kind(ChangeKind.LOST)]
    assert any("11111111-2222-4333-8444-555555555555" in s for s in lost)


def test_png_bytes_labelled_pdf_are_flagged() -> None:
    letter, binary = demo_letter()
    assert binary is not None
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    binary = replace(binary, attachments=(replace(binary.attachments[0], data=png, size=len(png)),))
    conversion, _ = to_fhir(letter, binary)
    assert conversion.result.attachments[0].media_type == "application/pdf"
    (note,) = said(conversion, "3:attachment extension code")
    assert "is a png file, but the XDIS91 calls it pdf" in note


# --- receipts (XCTL mapping) -----------------------------------------------------------------------


def _correlation() -> Correlation:
    letter, binary = demo_letter()
    return xdis91_to_carecommunication(letter, binary, sor=DEMO_SOR, new_id=counter()).correlation


def test_an_xctl01_acknowledgement_is_sent_by_the_xctl_sender() -> None:
    correlation = _correlation()
    letter, binary = demo_letter()
    vans = Organisation(ean="5790000000029")
    receipts = [
        replace(receipt_for(m, kind=ReceiptKind.VANS_NEGATIVE), sender=vans)
        for m in (letter, binary)
        if m is not None
    ]
    conversion = xctl_to_acknowledgement(receipts, correlation)
    assert conversion.result.sender.ean == "5790000000029"
    assert said(conversion, "X1:EAN id for sender")
    assert said(conversion, "X1:Type of Acknowledgement")  # XCTL01 comes back as XCTL02


def test_a_refusal_code_that_changes_on_the_way_back_is_said() -> None:
    correlation = _correlation()
    letter, binary = demo_letter()
    reason = RefuseReason.UNKNOWN_LOCATION_NUMBER
    receipts = [
        receipt_for(m, kind=ReceiptKind.NEGATIVE, reason=reason) for m in (letter, binary) if m is not None
    ]
    conversion = xctl_to_acknowledgement(receipts, correlation)
    data = medcomkit.build_acknowledgement(conversion.result)
    back = parse(data)
    assert isinstance(back, Receipt)
    xctl = acknowledgement_to_xctl(back, correlation).result[0]
    assert xctl.letters[0].refuse_reason is not reason  # FHIR cannot keep it …
    (note,) = said(conversion, "X1:Refuse Code")  # … and the first leg says so
    assert f"'{reason.value}' becomes '{xctl.letters[0].refuse_reason.value}'" in note  # type: ignore[union-attr]


# --- the command: invalid input, pairing, receipts ------------------------------------------------


def convert(*args: str | Path) -> int:
    return main(["convert", *map(str, args)])


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _demo_files(folder: Path) -> tuple[Path, Path]:
    letter, binary = demo_letter()
    assert binary is not None
    return (
        write(folder / "brev.xml", medcomkit.build_xdis91(letter)),
        write(folder / "bilag.xml", medcomkit.build_xbin01(binary)),
    )


SOR_ARGS = [f"--sor={ean}={entry.sor}" for ean, entry in DEMO_SOR.items()]


def test_a_standalone_xbin01_is_passed_on_unconverted_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, binary = _demo_files(tmp_path / "in")
    assert convert("--to", "fhir", "--out", tmp_path / "out", *SOR_ARGS, binary) == 0
    (passed,) = messages_in(tmp_path / "out")
    assert passed.read_bytes() == binary.read_bytes()
    assert str(binary) in capsys.readouterr().err


def test_a_late_xbin01_is_recognised_from_the_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter, binary = _demo_files(tmp_path / "in")
    out = tmp_path / "out"
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, letter) == 0
    (converted,) = messages_in(out)
    message = care(converted)
    assert message.attachments[0].data is None  # deliberately without data (S1.A2)
    assert "S1.A2" in capsys.readouterr().out
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, binary) == 0
    err = capsys.readouterr().err
    assert "came late" in err or "kom for sent" in err
    assert str(binary) in err


def test_an_xbin01_with_a_wrong_size_gives_the_data_less_attachment_and_the_note(tmp_path: Path) -> None:
    letter, binary = _demo_files(tmp_path / "in")
    wrong = re.sub(rb"<OriginalObjectSize>\d+<", b"<OriginalObjectSize>5<", binary.read_bytes())
    write(binary, wrong)
    assert "xbin01.object-size" in medcomkit.validate(wrong).rules()
    assert convert("--to", "fhir", "--out", tmp_path / "out", *SOR_ARGS, letter, binary) == 0
    (converted,) = messages_in(tmp_path / "out")
    message = care(converted)
    assert message.attachments[0].data is None
    assert message.attachments[0].title is None


@pytest.mark.parametrize(
    ("name", "spoil"),
    [
        ("eleven-blocks", lambda d: _blocks(d, 11)),
        ("long-subject", lambda d: d.replace(b"<Subject>", b"<Subject>" + b"A" * 80)),
    ],
)
def test_an_invalid_xdis91_is_refused_with_its_report_and_an_xctl01(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, spoil: Any
) -> None:
    letter, _ = _demo_files(tmp_path / "in")
    write(letter, spoil(letter.read_bytes()))
    out, receipts = tmp_path / "out", tmp_path / "receipts"
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, "--receipt-out", receipts, letter) == 1
    assert messages_in(out) == []
    captured = capsys.readouterr()
    assert "schema." in captured.err  # the validation report
    (receipt,) = receipts.iterdir()
    xctl = parse(receipt)
    assert isinstance(xctl, Receipt)
    assert xctl.kind is ReceiptKind.VANS_NEGATIVE
    assert errors(receipt.read_bytes()) == []
    assert official_errors(receipt.read_bytes()) == []


def _blocks(data: bytes, count: int) -> bytes:
    block = re.search(rb"<ClinicalInformation>.*?</ClinicalInformation>", data, re.S)
    assert block is not None
    return data.replace(block.group(0), block.group(0) * count)


def test_a_carecommunication_without_time_zone_is_refused_with_a_fatal_error_acknowledgement(
    tmp_path: Path,
) -> None:
    new, _, _ = demo_care_thread()
    bundle = json.loads(build_carecommunication(new))
    bundle["timestamp"] = bundle["timestamp"][:19]  # 2026-…T10:30:00, no zone
    source = write(tmp_path / "cc.json", json.dumps(bundle).encode())
    out, receipts = tmp_path / "out", tmp_path / "receipts"
    assert convert("--to", "oioxml", "--out", out, "--receipt-out", receipts, source) == 1
    assert messages_in(out) == []
    (receipt,) = receipts.iterdir()
    acknowledgement = parse(receipt)
    assert isinstance(acknowledgement, Receipt)
    assert acknowledgement.kind is ReceiptKind.NEGATIVE
    assert acknowledgement.letters[0].letter_id == new.message_id


def test_mojibake_is_read_as_utf8_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    letter, _ = _demo_files(tmp_path / "in")
    write(letter, letter.read_bytes().decode("iso-8859-1").encode("utf-8"))
    assert convert("--to", "fhir", "--out", tmp_path / "out", *SOR_ARGS, letter) == 0
    assert "mojibake" in capsys.readouterr().out


def test_the_registry_falls_back_to_the_sor_code_the_xdis91_carries(tmp_path: Path) -> None:
    letter, binary = demo_letter()
    letter = replace(letter, sender=replace(letter.sender, ean="5790000000029"))  # not in the demo registry
    assert binary is not None
    source = write(tmp_path / "brev.xml", medcomkit.build_xdis91(letter))
    bilag = write(tmp_path / "bilag.xml", medcomkit.build_xbin01(replace(binary, sender=letter.sender)))
    assert convert("--to", "fhir", "--registry", "demo", "--out", tmp_path / "out", source, bilag) == 0
    (converted,) = messages_in(tmp_path / "out")
    assert care(converted).sender.sor == letter.sender.sor


def test_receipts_convert_later_through_the_state_file_flow_2(tmp_path: Path) -> None:
    """Flow 2: an XDIS91 (+ XBIN01) went out as FHIR; the FHIR receiver's Acknowledgement comes
    back and becomes two XCTL03, one per OIOXML letter."""
    letter, binary = _demo_files(tmp_path / "in")
    out = tmp_path / "fhir"
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, letter, binary) == 0
    (converted,) = messages_in(out)
    _, ack = medcomkit.acknowledge(converted.read_bytes())
    answer = write(tmp_path / "ack.json", ack)
    back = tmp_path / "xctl"
    assert convert("--to", "oioxml", "--out", back, "--state", out / "medcomkit-convert.sqlite", answer) == 0
    receipts = [parse(p) for p in messages_in(back)]
    assert sorted(r.letters[0].letter_id for r in receipts if isinstance(r, Receipt)) == sorted(
        [care(letter).message_id, _binary(binary).message_id]
    )
    for path in messages_in(back):
        assert errors(path.read_bytes()) == []
        assert official_errors(path.read_bytes()) == []


def _binary(path: Path) -> AttachmentMessage:
    message = parse(path)
    assert isinstance(message, AttachmentMessage)
    return message


def test_receipts_convert_later_through_the_state_file_flow_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flow 4: MedCom's CareCommunication went out as XDIS91 + XBIN01; their two XCTL03 come back
    one at a time and become one ok Acknowledgement once both are in."""
    source = example(FLOWS, "Flow3-CareCommunication_Ex_to_OIOXML")
    state = tmp_path / "state.sqlite"
    out = tmp_path / "oioxml"
    assert convert("--to", "oioxml", "--out", out, "--state", state, source) == 0
    letters = [parse(p) for p in messages_in(out)]
    xctl = [
        write(tmp_path / f"xctl{i}.xml", medcomkit.build_xctl(receipt_for(m)))  # type: ignore[arg-type]
        for i, m in enumerate(letters)
    ]
    acks = tmp_path / "ack"
    assert convert("--to", "fhir", "--out", acks, "--state", state, xctl[0]) == 0
    assert messages_in(acks) == []  # waiting for the other receipt
    assert "XCTL" in capsys.readouterr().err
    assert convert("--to", "fhir", "--out", acks, "--state", state, xctl[1]) == 0
    (ack,) = messages_in(acks)
    acknowledgement = parse(ack)
    assert isinstance(acknowledgement, Receipt)
    assert acknowledgement.kind is ReceiptKind.POSITIVE
    assert acknowledgement.letters[0].letter_id == care(source).message_id
    assert errors(ack.read_bytes()) == []


def test_medcoms_flow2_acknowledgement_becomes_two_xctl03_through_the_state(tmp_path: Path) -> None:
    from medcomkit.convert.state import ConversionState

    acknowledgement = parse(example(FLOWS, "Flow2-Acknowledgement_Ex_to_OIOXML"))
    assert isinstance(acknowledgement, Receipt)
    letter, binary = parse(example(FLOWS, "Flow1-XDIS91")), parse(example(FLOWS, "Flow1-XBIN01"))
    assert isinstance(letter, CareMessage)
    assert isinstance(binary, AttachmentMessage)
    sor = {"5790001382445": SorEntry("359001000016000"), "5790000121441": SorEntry("328051000016008")}
    correlation = xdis91_to_carecommunication(letter, binary, sor=sor).correlation
    state = ConversionState(tmp_path / "state.sqlite")
    # MedCom's service gave the CareCommunication its own MessageHeader id.
    state.remember(replace(correlation, fhir_header_id=acknowledgement.letters[0].letter_id), datetime.now())
    state.close()
    source = example(FLOWS, "Flow2-Acknowledgement_Ex_to_OIOXML")
    out = tmp_path / "xctl"
    assert convert("--to", "oioxml", "--out", out, "--state", tmp_path / "state.sqlite", source) == 0
    expected = [
        parse(example(FLOWS, "Flow2-XCTL03_Ex_from_FHIR_XDIS91")),
        parse(example(FLOWS, "Flow2-XCTL03_Ex_from_FHIR_XBIN01")),
    ]
    ours = [parse(p) for p in messages_in(out)]
    mine_sorted = sorted(
        (r for r in ours if isinstance(r, Receipt)), key=lambda r: r.original_envelope_id or ""
    )
    theirs_sorted = sorted(
        (r for r in expected if isinstance(r, Receipt)), key=lambda r: r.original_envelope_id or ""
    )
    assert len(mine_sorted) == len(theirs_sorted) == 2
    for mine, theirs in zip(mine_sorted, theirs_sorted, strict=True):
        assert (mine.kind, mine.original_envelope_id, mine.letters) == (
            theirs.kind,
            theirs.original_envelope_id,
            theirs.letters,
        )


def test_a_receipt_for_an_unknown_conversion_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xctl = write(tmp_path / "xctl.xml", medcomkit.build_xctl(receipt_for(demo_care_message())))
    assert convert("--to", "fhir", "--out", tmp_path / "out", xctl) == 1
    assert "state" in capsys.readouterr().err


def test_the_missing_xbin01_note_reaches_the_receipt_in_the_cli(tmp_path: Path) -> None:
    letter, _ = _demo_files(tmp_path / "in")
    out = tmp_path / "fhir"
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, letter) == 0
    (converted,) = messages_in(out)
    _, ack = medcomkit.acknowledge(converted.read_bytes())  # refused: the attachment has no data
    answer = write(tmp_path / "ack.json", ack)
    back = tmp_path / "xctl"
    assert convert("--to", "oioxml", "--out", back, "--state", out / "medcomkit-convert.sqlite", answer) == 0
    (xctl,) = messages_in(back)
    receipt = parse(xctl)
    assert isinstance(receipt, Receipt)
    assert receipt.kind is ReceiptKind.NEGATIVE
    # Use case S1.A2: the service's note about the missing XBIN01 is in the XCTL the sender gets.
    assert CONVERSION_PROBLEM_NOTE in (receipt.letters[0].refuse_text or "")
    assert errors(xctl.read_bytes()) == []
    assert official_errors(xctl.read_bytes()) == []


def test_a_file_type_fhir_does_not_permit_is_converted_and_flagged_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter, binary = demo_letter()
    assert binary is not None
    letter = replace(
        letter, attachments=(replace(letter.attachments[0], file_type="doc", object_code="tekstfil"),)
    )
    binary = replace(
        binary, attachments=(replace(binary.attachments[0], file_type="doc", object_code="tekstfil"),)
    )
    inputs = [
        write(tmp_path / "brev.xml", medcomkit.build_xdis91(letter)),
        write(tmp_path / "bilag.xml", medcomkit.build_xbin01(binary)),
    ]
    out = tmp_path / "fhir"
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, *inputs) == 0  # S1.A4: converted all the same
    assert "binding.medcom-core-attachmentMimeTypes" in capsys.readouterr().err  # … and flagged
    (converted,) = messages_in(out)
    assert care(converted).attachments[0].media_type == "application/msword"
    back = tmp_path / "oioxml"
    assert convert("--to", "oioxml", "--out", back, converted) == 0
    assert "S1.A4" in capsys.readouterr().err
    for path in messages_in(back):
        assert errors(path.read_bytes()) == []
        assert official_errors(path.read_bytes()) == []


def test_a_carecommunication_convert_cannot_write_as_oioxml_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new, _, _ = demo_care_thread()
    odd = replace(new, attachments=(replace(new.attachments[0], media_type="application/x-ukendt"),))
    source = write(tmp_path / "odd.json", build_carecommunication(odd, check=False))
    receipts = tmp_path / "receipts"
    assert convert("--to", "oioxml", "--out", tmp_path / "out", "--receipt-out", receipts, source) == 1
    assert str(source) in capsys.readouterr().err
    assert messages_in(tmp_path / "out") == []
    (receipt,) = receipts.iterdir()
    acknowledgement = parse(receipt)
    assert isinstance(acknowledgement, Receipt)
    assert acknowledgement.kind is ReceiptKind.NEGATIVE


def test_the_xbin01_of_a_refused_xdis91_is_refused_too_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter, binary = _demo_files(tmp_path / "in")
    write(letter, _blocks(letter.read_bytes(), 11))
    out = tmp_path / "out"
    assert convert("--to", "fhir", "--out", out, *SOR_ARGS, letter, binary) == 1
    assert messages_in(out) == []  # neither converted nor passed on
    err = capsys.readouterr().err
    assert f"{binary} belongs to {letter}" in err or f"{binary} hører til {letter}" in err


def test_the_state_file_is_documented_and_a_broken_one_is_a_clear_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--state FILE" in help_text
    assert "medcomkit-convert.sqlite" in help_text
    letter, binary = _demo_files(tmp_path / "in")
    broken = write(tmp_path / "state.sqlite", b"not a database, just text" * 100)
    assert (
        convert("--to", "fhir", "--out", tmp_path / "out", "--state", broken, *SOR_ARGS, letter, binary) == 2
    )
    err = capsys.readouterr().err
    assert str(broken) in err
    assert "Traceback" not in err


def test_medcoms_flow1_pair_converts_with_what_the_parser_repaired_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """MedCom's own Flow 1 XDIS91 has mojibake codes ('hÃ¸j_prioritet') and an HTML <br>; the
    service converted it, and so does convert — saying what it read differently."""
    flows = OIOXML_EXAMPLES / "medcom-conversionservice"  # the copy of the Flow files as MedCom ships them
    letter, binary = example(flows, "Flow1-XDIS91"), example(flows, "Flow1-XBIN01")
    sor = ["--sor=5790001382445=359001000016000", "--sor=5790000121441=328051000016008"]
    out = tmp_path / "out"
    assert convert("--to", "fhir", "--lang", "en", "--out", out, *sor, letter, binary) == 0
    printed = capsys.readouterr().out
    assert "mojibake" in printed
    assert "<br> is read as a line break" in printed
    (converted,) = messages_in(out)
    assert errors(converted.read_bytes()) == []
    assert care(converted).attachments[0].data is not None


def test_a_value_xdis91_allows_but_fhir_does_not_is_refused_with_an_xctl01(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter, binary = demo_letter()
    assert binary is not None
    wrong = letter.sender.ean[:-1] + str((int(letter.sender.ean[-1]) + 1) % 10)  # wrong check digit
    letter = replace(letter, sender=replace(letter.sender, ean=wrong))
    source = write(tmp_path / "brev.xml", medcomkit.build_xdis91(letter, check=False))
    bilag = write(tmp_path / "bilag.xml", medcomkit.build_xbin01(replace(binary, sender=letter.sender)))
    assert medcomkit.validate(source).valid  # XDIS91's own rules only warn about it
    receipts = tmp_path / "receipts"
    sor = [f"--sor={wrong}=999900000126001", *SOR_ARGS]
    out = tmp_path / "out"
    assert convert("--to", "fhir", "--out", out, "--receipt-out", receipts, *sor, source, bilag) == 1
    assert "gln-modulus-10" in capsys.readouterr().err
    assert messages_in(tmp_path / "out") == []
    (receipt,) = receipts.iterdir()
    xctl = parse(receipt)
    assert isinstance(xctl, Receipt)
    assert xctl.kind is ReceiptKind.VANS_NEGATIVE


def test_a_missing_xbin01_does_not_excuse_other_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter, _ = demo_letter()
    wrong = letter.sender.ean[:-1] + str((int(letter.sender.ean[-1]) + 1) % 10)
    letter = replace(letter, sender=replace(letter.sender, ean=wrong))
    source = write(tmp_path / "brev.xml", medcomkit.build_xdis91(letter, check=False))
    sor = [f"--sor={wrong}=999900000126001", *SOR_ARGS]
    assert convert("--to", "fhir", "--out", tmp_path / "out", *sor, source) == 1  # XBIN01 missing, GLN wrong
    assert "gln-modulus-10" in capsys.readouterr().err
    assert messages_in(tmp_path / "out") == []


def test_refusals_mask_the_cpr_numbers_they_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    letter, binary = demo_letter()
    assert binary is not None
    impossible = "3113139999"  # 31st of the 13th month: XDIS91 warns, FHIR's cpr invariant refuses
    patient = replace(letter.patient, identifier=medcomkit.PersonId(medcomkit.PersonIdKind.CPR, impossible))
    source = write(
        tmp_path / "brev.xml", medcomkit.build_xdis91(replace(letter, patient=patient), check=False)
    )
    bilag = write(tmp_path / "bilag.xml", medcomkit.build_xbin01(replace(binary, patient=patient)))
    assert convert("--to", "fhir", "--out", tmp_path / "out", *SOR_ARGS, source, bilag) == 1
    err = capsys.readouterr().err
    assert "311313-****" in err
    assert impossible not in err


def test_the_library_treats_an_xbin01_with_a_wrong_size_as_invalid() -> None:
    letter, binary = demo_letter()
    assert binary is not None
    wrong = replace(binary, attachments=(replace(binary.attachments[0], size=5),))
    conversion, _ = to_fhir(letter, wrong)
    assert conversion.result.attachments[0].data is None
    assert conversion.correlation.conversion_problem == CONVERSION_PROBLEM_NOTE
    (note,) = [c.note.en for c in conversion.changes if c.source.startswith("XBIN01 BinaryObject")]
    assert "OriginalObjectSize 5" in note
