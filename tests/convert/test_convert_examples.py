"""Every CareCommunication MedCom publishes (certification test examples, conversion flows) converts
to XDIS91 (+ XBIN01) and back, and everything ``convert`` writes passes the official OIOXML XSDs and
medcomkit's FHIR validator."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REFERENCE
from test_convert import errors, official_errors

import medcomkit
from medcomkit import AttachmentMessage, CareMessage, parse
from medcomkit.convert import SorEntry, carecommunication_to_xdis91, xdis91_to_carecommunication
from medcomkit.convert.service import convert_like_service
from medcomkit.fhir.carecommunication import build_carecommunication

EXAMPLES = REFERENCE / "fhir" / "examples"


def carecommunication_examples() -> list[Path]:
    if not EXAMPLES.is_dir():
        return []
    found = list((EXAMPLES / "carecommunication-testexamples").rglob("Bundle-*"))
    found += (EXAMPLES / "conversion-service" / "flows").glob("*CareCommunication*")
    return sorted(found)


def _sor(message: CareMessage) -> dict[str, SorEntry]:
    return {party.ean: SorEntry(party.sor or "") for party in (message.sender, message.receiver)}


@pytest.mark.parametrize("path", carecommunication_examples(), ids=lambda p: p.name[:40])
def test_every_medcom_carecommunication_converts_to_xdis91_and_back(path: Path) -> None:
    message = parse(path)
    assert isinstance(message, CareMessage)
    conversion = carecommunication_to_xdis91(message)
    letter, binary = conversion.result
    xdis91 = medcomkit.build_xdis91(letter)
    assert errors(xdis91) == []
    assert official_errors(xdis91) == []
    binary_back: AttachmentMessage | None = None
    if binary is not None:
        xbin01 = medcomkit.build_xbin01(binary)
        assert errors(xbin01) == []
        assert official_errors(xbin01) == []
        parsed = parse(xbin01)
        assert isinstance(parsed, AttachmentMessage)
        binary_back = parsed
    letter_back = parse(xdis91)
    assert isinstance(letter_back, CareMessage)
    back = xdis91_to_carecommunication(letter_back, binary_back, sor=_sor(message))
    assert errors(build_carecommunication(back.result, check=False)) == []
    # With several CPR numbers the regular one is kept (sheet 2, «Patient id»), the others go in the text.
    identifiers = [message.patient.identifier, *message.patient.other_identifiers]
    kept = next((i for i in identifiers if i.kind is medcomkit.PersonIdKind.CPR), identifiers[0])
    assert back.result.patient.identifier.value == kept.value
    assert (back.result.sender.ean, back.result.receiver.ean) == (message.sender.ean, message.receiver.ean)
    assert [a.data for a in back.result.attachments if a.data] == [
        a.data for a in message.attachments if a.data
    ][:10]


@pytest.mark.parametrize("path", carecommunication_examples(), ids=lambda p: p.name[:40])
def test_what_convert_writes_for_each_example_is_valid_or_it_is_refused_with_a_receipt(path: Path) -> None:
    data = path.read_bytes()
    run = convert_like_service([(path.name, data)], to="oioxml")
    if not medcomkit.validate(data).valid:  # MedCom's deliberately invalid examples (R-Tek-M, -N)
        (refusal,) = run.refused
        assert refusal.receipt is not None
        assert run.outputs == []
        ack = parse(refusal.receipt.data)
        assert isinstance(ack, medcomkit.Receipt)
        assert ack.kind is medcomkit.ReceiptKind.NEGATIVE
        return
    assert run.refused == []
    assert run.outputs
    for output in run.outputs:
        assert errors(output.data) == [], output.name
        assert official_errors(output.data) == [], output.name
    letters = [(o.name, o.data) for o in run.outputs]
    message = parse(data)
    assert isinstance(message, CareMessage)
    again = convert_like_service(letters, to="fhir", sor=_sor(message))
    assert again.refused == []
    for output in again.outputs:
        assert errors(output.data) == [], output.name
