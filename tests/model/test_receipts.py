from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree
from support import OIOXML_EXAMPLES, require_reference

import medcomkit
from medcomkit import ReceiptKind, RefuseReason
from medcomkit.demo import demo_care_message
from medcomkit.identifiers import gln_check_digit


def test_positive_receipt_for_a_received_letter() -> None:
    message = demo_care_message()
    receipt = medcomkit.receipt_for(message, message_id="KVIT1", envelope_id="KUVKVIT1")
    assert receipt.sender == message.receiver
    assert receipt.receiver == message.sender
    assert receipt.letters[0].letter_id == message.message_id
    assert receipt.letters[0].version_code == "XD9134L"
    data = medcomkit.build_xctl(receipt)
    report = medcomkit.validate(data)
    assert report.kind is medcomkit.Kind.XCTL03
    assert report.valid, report.to_text("en")
    assert b"<AcknowledgementCode>minuspositivkvitt</AcknowledgementCode>" in data
    assert medcomkit.receipt_matches(medcomkit.parse(data), message)  # type: ignore[arg-type]


def test_negative_receipt_carries_a_reason() -> None:
    message = demo_care_message()
    receipt = medcomkit.receipt_for(
        message,
        kind=ReceiptKind.NEGATIVE,
        reason=RefuseReason.VERSION_PROBLEM,
        text="Forkert version.\nRing til os.",
    )
    data = medcomkit.build_xctl(receipt)
    assert b"<RefuseCode>problem_med_version</RefuseCode>" in data
    assert b"Forkert version.<Break/>Ring til os." in data
    parsed = medcomkit.parse(data)
    # XCTL names the parties by location number only.
    assert parsed == replace(
        receipt,
        sender=medcomkit.Organisation(receipt.sender.ean),
        receiver=medcomkit.Organisation(receipt.receiver.ean),
        original_sender=medcomkit.Organisation(receipt.original_sender.ean),
        original_receiver=medcomkit.Organisation(receipt.original_receiver.ean),
    )
    assert medcomkit.validate(data).kind is medcomkit.Kind.XCTL02


def test_negative_receipt_without_reason_gets_unspecified() -> None:
    receipt = medcomkit.receipt_for(demo_care_message(), kind=ReceiptKind.NEGATIVE)
    assert receipt.letters[0].refuse_reason is RefuseReason.UNSPECIFIED


def test_positive_receipt_refuses_a_reason() -> None:
    receipt = medcomkit.receipt_for(demo_care_message())
    bad = replace(receipt, refuse_reason=RefuseReason.SYNTAX_ERROR)
    with pytest.raises(medcomkit.BuildError, match="positive receipt"):
        medcomkit.build_xctl(bad)


def test_matching_needs_envelope_and_letter_ids() -> None:
    message = demo_care_message()
    receipt = medcomkit.receipt_for(message)
    other = replace(message, message_id="ANDETBREV")
    assert medcomkit.receipt_matches(receipt, message)
    assert not medcomkit.receipt_matches(receipt, other)
    assert not medcomkit.receipt_matches(
        receipt, replace(message, envelope=replace(message.envelope, identifier="X"))
    )
    assert medcomkit.match_receipt(receipt, [other, message]) is message
    assert medcomkit.match_receipt(receipt, [other]) is None


def test_matches_medcom_conversion_examples() -> None:
    require_reference()
    folder = OIOXML_EXAMPLES / "medcom-conversionservice"
    letter = medcomkit.parse(folder / "Flow1-XBIN01_Ex_to_FHIR.xml")
    receipt = medcomkit.parse(folder / "Flow2-XCTL03_Ex_from_FHIR_XBIN01.xml")
    assert isinstance(receipt, medcomkit.Receipt)
    assert isinstance(letter, medcomkit.AttachmentMessage)
    assert receipt.kind is ReceiptKind.POSITIVE
    assert medcomkit.receipt_matches(receipt, letter)


def test_reads_the_vans_negative_receipt() -> None:
    require_reference()
    receipt = medcomkit.parse(OIOXML_EXAMPLES / "glasdam-edifact_converter" / "xml" / "CTL01_1.xml")
    assert isinstance(receipt, medcomkit.Receipt)
    assert receipt.kind is ReceiptKind.VANS_NEGATIVE
    assert receipt.sender.ean == "DKKMDKMDNET"
    assert receipt.refuse_reason is RefuseReason.UNKNOWN_LOCATION_NUMBER
    assert receipt.refuse_text
    assert receipt.refuse_text.endswith("identificeres.\n")
    assert [item.letter_id for item in receipt.letters] == ["1111FRE01095", "1111MAN01095"]


def _with_party_ean(data: bytes, party: str, ean: str) -> bytes:
    root = etree.fromstring(data)
    namespace = root.tag[1:].partition("}")[0]
    (element,) = root.iter(f"{{{namespace}}}{party}")
    number = element.find(f"{{{namespace}}}EANIdentifier")
    assert number is not None
    number.text = ean
    changed = etree.tostring(root, xml_declaration=True, encoding="ISO-8859-1")
    assert isinstance(changed, bytes)
    return changed


ELSEWHERE = "5790000" + "12345" + str(gln_check_digit("579000012345"))


@pytest.mark.parametrize(
    ("kind", "changed", "flagged"),
    [
        (ReceiptKind.POSITIVE, "Receiver", ["Receiver"]),
        (ReceiptKind.POSITIVE, "Sender", ["Sender"]),
        (ReceiptKind.POSITIVE, "OriginalSender", ["Receiver"]),
        (ReceiptKind.POSITIVE, "OriginalReceiver", ["Sender"]),
        (ReceiptKind.NEGATIVE, "Receiver", ["Receiver"]),
        (ReceiptKind.NEGATIVE, "Sender", ["Sender"]),
        (ReceiptKind.VANS_NEGATIVE, "Receiver", ["Receiver"]),
        (ReceiptKind.VANS_NEGATIVE, "Sender", []),  # VANS sends XCTL01 from its own address
    ],
)
def test_receipt_parties_are_the_original_letters_swapped(
    kind: ReceiptKind, changed: str, flagged: list[str]
) -> None:
    data = medcomkit.build_xctl(medcomkit.receipt_for(demo_care_message(), kind=kind))
    assert "xctl.parties" not in medcomkit.validate(data).rules()
    report = medcomkit.validate(_with_party_ean(data, changed, ELSEWHERE))
    parties = [issue for issue in report.issues if issue.rule == "xctl.parties"]
    assert [issue.location.split("/")[-2] for issue in parties if issue.location] == flagged
    assert all(issue.severity is medcomkit.Severity.WARNING for issue in parties)
