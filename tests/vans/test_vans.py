"""VANSEnvelope 1.0.4 (wrap, unwrap, validate) and the file mailbox (atomic writes, crash safety)."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from support import REFERENCE, require_reference

import medcomkit
from medcomkit import BuildError, Kind, ParseError, ReceiptKind, Severity, SourceError
from medcomkit.cli import main
from medcomkit.demo import demo_care_message, demo_care_thread, write_demo_km
from medcomkit.dispatch import validate_bytes
from medcomkit.fhir.carecommunication import build_carecommunication
from medcomkit.oioxml.xbin01 import attachments_for, build_xbin01
from medcomkit.vans import (
    Mailbox,
    MailItem,
    describe_payload,
    is_message_name,
    read_envelope,
    unwrap,
    wrap,
    write_atomic,
)
from medcomkit.vans.validate import inspect_envelope

VANS_XSD = REFERENCE / "oioxml" / "xsd" / "vansenvelope" / "vans-envelope-1.0.4.xsd"
VANS_EXAMPLE = REFERENCE / "oioxml" / "examples" / "vansenvelope" / "vansenvelope-example-xdis22.xml"
XREF01_EXAMPLE = REFERENCE / "oioxml" / "examples" / "glasdam-edifact_converter" / "xml" / "REF01_1.xml"
NS = "{urn:oio:medcom:vans-envelope:1.0.4}"
SENDER, RECEIVER = "5790000000012", "5790000000029"
ENVELOPE_ID = "068dadff-12bb-406d-8c86-083974dc0180"

# What MedCom's material says the envelope carries for each message (spec/fhir.md §2.6, spec/oioxml.md
# §6; the OIOXML Names are inferred from MedCom's XDIS22 example).
EXPECTED = {
    "xdis91": ("XML", "MCM:XDIS91", "XD9134L", None),
    "xbin01": ("XML", "MCM:XBIN01", "XB0131X", None),
    "xctl03": ("XML", "MCM:XCTL03", "XC0330Q", None),
    "xctl02": ("XML", "MCM:XCTL02", "XC0230Q", None),
    "cc-json-new": ("HL7", "MCM:FDIS91#other", "5.0", "application/fhir+json"),
    "cc-json-reply": ("HL7", "MCM:FDIS91#other", "5.0", "application/fhir+json"),
    "cc-json-forward": ("HL7", "MCM:FDIS91#other", "5.0", "application/fhir+json"),
    "cc-xml-new": ("HL7", "MCM:FDIS91#other", "5.0", "application/fhir+xml"),
    "cc-xml-reply": ("HL7", "MCM:FDIS91#other", "5.0", "application/fhir+xml"),
    "cc-xml-forward": ("HL7", "MCM:FDIS91#other", "5.0", "application/fhir+xml"),
    "cc-json-nursing": ("HL7", "MCM:FDIS91#nursing", "5.0", "application/fhir+json"),
    "ack-json-ok": ("HL7", "MCM:FCTL#ok", "2.0.0", "application/fhir+json"),
    "ack-xml-fatal": ("HL7", "MCM:FCTL#fatal-error", "2.0.0", "application/fhir+xml"),
    "ack-json-transient": ("HL7", "MCM:FCTL#transient-error", "2.0.0", "application/fhir+json"),
}


def _demo_payloads() -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        km = {p.name: p.read_bytes() for p in write_demo_km(Path(folder))}
    message = demo_care_message()
    payloads = {
        "xdis91": km["km-xdis91.xml"],
        "xbin01": km["km-xbin01.xml"],
        "xctl03": medcomkit.build_xctl(medcomkit.receipt_for(message)),
        "xctl02": medcomkit.build_xctl(medcomkit.receipt_for(message, kind=ReceiptKind.NEGATIVE)),
    }
    thread = demo_care_thread()
    for fmt in ("json", "xml"):
        for name, part in zip(("new", "reply", "forward"), thread, strict=True):
            payloads[f"cc-{fmt}-{name}"] = build_carecommunication(part, format=fmt)
    payloads["cc-json-nursing"] = build_carecommunication(replace(thread[0], category="nursing"))
    payloads["ack-json-ok"] = medcomkit.acknowledge(payloads["cc-json-new"])[1]
    negative = medcomkit.receipt_for(thread[0], kind=ReceiptKind.NEGATIVE, detail_code="MSG_BAD_SYNTAX")
    payloads["ack-xml-fatal"] = medcomkit.build_acknowledgement(negative, format="xml")
    transient = medcomkit.receipt_for(thread[1], kind=ReceiptKind.TRANSIENT)
    payloads["ack-json-transient"] = medcomkit.build_acknowledgement(transient)
    return payloads


PAYLOADS = _demo_payloads()


def official_schema() -> etree.XMLSchema:
    require_reference()
    if not VANS_XSD.is_file():
        pytest.skip(f"the VANSEnvelope XSD is missing from the reference data ({VANS_XSD})")
    return etree.XMLSchema(etree.parse(str(VANS_XSD)))


def binary_envelope(payload: bytes = b"hello world!", **options: Any) -> bytes:
    values: dict[str, Any] = {
        "sender": SENDER,
        "receiver": RECEIVER,
        "name": "MCM:TEST",
        "format": "Binary",
        "envelope_id": ENVELOPE_ID,
    }
    return wrap(payload, **(values | options))


def data_text(envelope: bytes) -> str:
    match = re.search(rb"<Data>([^<]*)</Data>", envelope)
    assert match is not None
    return match.group(1).decode()


def with_data(envelope: bytes, text: str) -> bytes:
    return re.sub(rb"<Data>[^<]*</Data>", f"<Data>{text}</Data>".encode(), envelope)


def errors_of(envelope: bytes) -> set[str]:
    return {i.rule for i in validate_bytes(envelope).issues if i.severity is Severity.ERROR}


def assert_bilingual(da: str, en: str) -> None:
    assert da
    assert en
    assert da != en
    assert "Traceback" not in da + en


# --- wrap and unwrap ---------------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(PAYLOADS))
def test_demo_messages_round_trip_with_medcom_metadata(label: str) -> None:
    payload = PAYLOADS[label]
    envelope = wrap(payload)
    assert unwrap(envelope) == payload
    read = read_envelope(envelope)
    assert read.meta is not None
    fmt, name, version, mime = EXPECTED[label]
    assert (read.meta.format, read.meta.name, read.meta.version, read.meta.mime) == (fmt, name, version, mime)
    assert read.meta.size == len(payload)
    assert read.meta.transport_type == "reliable"
    assert read.meta.transform is False
    message = medcomkit.parse(payload)
    assert (read.sender.value, read.receiver.value) == (message.sender.ean, message.receiver.ean)
    assert (read.sender.type, read.receiver.type) == ("EAN", "EAN")
    # The envelope and its payload validate together; the report is about the envelope.
    report = validate_bytes(envelope)
    assert report.kind is Kind.VANS_ENVELOPE
    assert report.valid, report.to_text("en")
    assert not [
        i for i in report.issues if i.rule.startswith("vans.") and i.severity is not Severity.INFORMATION
    ]
    assert "vans.payload" in report.rules()


@pytest.mark.parametrize("label", sorted(PAYLOADS))
def test_built_envelopes_validate_against_the_official_xsd(label: str) -> None:
    schema = official_schema()
    assert schema.validate(etree.fromstring(wrap(PAYLOADS[label]))), schema.error_log


def test_fhir_ids_are_used_as_they_are_and_oioxml_ids_become_stable_uuids() -> None:
    bundle = json.loads(PAYLOADS["cc-json-new"])
    header = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MessageHeader")
    fhir = read_envelope(wrap(PAYLOADS["cc-json-new"]))
    assert (fhir.envelope_id, fhir.meta and fhir.meta.identifier) == (bundle["id"], header["id"])
    first, again = read_envelope(wrap(PAYLOADS["xdis91"])), read_envelope(wrap(PAYLOADS["xdis91"]))
    assert first.envelope_id == again.envelope_id  # wrapping is repeatable
    assert first.meta is not None
    assert first.meta.identifier != first.envelope_id
    # The same letter sent again in a new Emessage keeps its message id and gets a new envelope id.
    resent = PAYLOADS["xdis91"].replace(b"DEMOKUV0000001", b"DEMOKUV0000099")
    second = read_envelope(wrap(resent))
    assert second.envelope_id != first.envelope_id
    assert second.meta is not None
    assert second.meta.identifier == first.meta.identifier


def test_explicit_values_override_what_the_payload_says() -> None:
    envelope = wrap(
        PAYLOADS["xdis91"],
        receiver="5790000000036",
        envelope_id=ENVELOPE_ID,
        version="XD9134L",
        service_tags=[("MCM:STATISTIC", "manual")],
        reliable=False,
    )
    read = read_envelope(envelope)
    assert read.receiver.value == "5790000000036"
    assert read.envelope_id == ENVELOPE_ID
    assert read.meta is not None
    assert read.meta.service_tags == (("MCM:STATISTIC", "manual"),)
    assert read.meta.transport_type == "unreliable"
    # A copy to another receiver is allowed but pointed out.
    report = validate_bytes(envelope)
    assert report.valid
    assert "vans.endpoint-mismatch" in {i.rule for i in report.warnings}


@settings(max_examples=150, deadline=None)
@given(payload=st.binary(max_size=3000))
def test_any_bytes_unwrap_to_the_same_bytes(payload: bytes) -> None:
    envelope = binary_envelope(payload)
    assert unwrap(envelope) == payload
    read = read_envelope(envelope)
    assert read.meta is not None
    assert read.meta.size == len(payload)
    report = validate_bytes(envelope)
    assert report.valid, report.to_text("en")


@settings(max_examples=80, deadline=None)
@given(
    payload=st.binary(min_size=1, max_size=600),
    width=st.integers(min_value=1, max_value=80),
    gap=st.sampled_from(["\n", "\r\n", " ", "\n    ", "\t"]),
)
def test_line_broken_data_unwraps_to_the_same_bytes(payload: bytes, width: int, gap: str) -> None:
    text = data_text(binary_envelope(payload))
    broken = gap + gap.join(text[i : i + width] for i in range(0, len(text), width)) + gap
    assert unwrap(with_data(binary_envelope(payload), broken)) == payload


def test_wrapping_needs_the_parties_and_a_name_when_the_payload_does_not_give_them() -> None:
    with pytest.raises(BuildError) as caught:
        wrap(b"%PDF-1.4 not a message")
    assert caught.value.code == "vans.build-missing"
    assert "sender" in caught.value.text.en
    assert "receiver" in caught.value.text.en
    assert_bilingual(caught.value.text.da, caught.value.text.en)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("sender", "1234567890123456789"),  # longer than 18
        ("envelope_id", "not-a-uuid"),
        ("name", ""),
        ("format", "PDF"),
        ("sender_type", "GLN"),
    ],
)
def test_values_that_do_not_fit_the_envelope_are_refused(option: str, value: str) -> None:
    with pytest.raises(BuildError) as caught:
        binary_envelope(b"hello world!", **{option: value})
    assert caught.value.code in {"vans.build-invalid", "vans.build-missing"}
    assert_bilingual(caught.value.text.da, caught.value.text.en)


# --- MedCom's example -------------------------------------------------------------------------------


def test_medcoms_example_unwraps_and_its_payload_is_recognised() -> None:
    require_reference()
    data = VANS_EXAMPLE.read_bytes()
    envelope = read_envelope(data)
    payload = unwrap(data)
    assert payload.startswith(b"<?xml")
    assert b"<Emessage" in payload
    assert envelope.meta is not None
    assert envelope.meta.size == len(payload)
    info = describe_payload(payload)
    assert (info.format, info.name, info.version) == (
        envelope.meta.format,
        envelope.meta.name,
        envelope.meta.version,
    )
    assert (info.sender, info.receiver) == (envelope.sender.value, envelope.receiver.value)
    report = validate_bytes(data)
    assert report.kind is Kind.VANS_ENVELOPE
    # Nothing is wrong with the envelope; the XDIS22 inside is a message medcomkit does not validate.
    assert not [
        i for i in report.issues if i.rule.startswith("vans.") and i.severity is not Severity.INFORMATION
    ]
    payload_issues = [
        i for i in report.issues if (i.location or "").startswith("/VANSEnvelope/Message/Data → ")
    ]
    assert {i.rule for i in payload_issues} == {"oioxml.namespace-unknown"}


def test_medcoms_example_is_valid_against_the_official_xsd() -> None:
    schema = official_schema()
    assert schema.validate(etree.parse(str(VANS_EXAMPLE)))


def test_xref01_from_the_reference_gets_its_statistical_code() -> None:
    require_reference()
    payload = XREF01_EXAMPLE.read_bytes()
    read = read_envelope(wrap(payload))
    assert read.meta is not None
    assert (read.meta.name, read.meta.version) == ("MCM:XREF01", "XH0130R")
    assert unwrap(wrap(payload)) == payload


# --- broken envelopes: clear errors in Danish and English, never a traceback --------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_truncated_envelope_is_a_clear_error(data: st.DataObject) -> None:
    envelope = wrap(PAYLOADS["xdis91"])
    whole = len(envelope.rstrip())
    cut = data.draw(st.integers(min_value=0, max_value=whole - 1))
    truncated = envelope[:cut]
    with pytest.raises(ParseError) as caught:
        unwrap(truncated)
    assert_bilingual(caught.value.text.da, caught.value.text.en)
    report = validate_bytes(truncated)
    assert not report.valid
    for issue in report.errors:
        assert_bilingual(issue.message("da"), issue.message("en"))


def test_truncation_inside_data_names_the_cause() -> None:
    envelope = wrap(PAYLOADS["xdis91"])
    text = data_text(envelope)
    short = with_data(envelope, text[:-1])
    with pytest.raises(ParseError) as caught:
        unwrap(short)
    assert caught.value.code == "vans.data-base64"
    assert "truncated" in caught.value.text.en
    assert "afkortet" in caught.value.text.da
    whole_quanta = with_data(envelope, text[:-8])  # still base64, but bytes are missing
    with pytest.raises(ParseError) as caught:
        unwrap(whole_quanta)
    assert caught.value.code == "vans.size-mismatch"
    assert f"{len(PAYLOADS['xdis91'])} bytes" in caught.value.text.en
    # The envelope's fault, and what it did to the message inside.
    assert errors_of(whole_quanta) == {"vans.size-mismatch", "xml.malformed"}


def test_an_oversize_envelope_is_refused_before_it_is_read(tmp_path: Path) -> None:
    envelope = wrap(PAYLOADS["xbin01"])
    with pytest.raises(SourceError) as caught:
        unwrap(envelope, max_bytes=len(envelope) - 1)
    assert caught.value.code == "xml.too-large"
    assert_bilingual(caught.value.text.da, caught.value.text.en)
    path = tmp_path / "big.xml"
    path.write_bytes(envelope)
    with pytest.raises(SourceError):
        read_envelope(path, max_bytes=1000)
    report = medcomkit.validate(path, max_bytes=1000)
    assert report.rules() == {"xml.too-large"}
    assert not report.valid


def test_data_larger_than_declared_is_an_error() -> None:
    envelope = binary_envelope(b"0123456789")
    bigger = envelope.replace(b"<SizeInBytes>10</SizeInBytes>", b"<SizeInBytes>4</SizeInBytes>")
    with pytest.raises(ParseError) as caught:
        unwrap(bigger)
    assert caught.value.code == "vans.size-mismatch"
    assert "4 bytes" in caught.value.text.en
    assert "10 bytes" in caught.value.text.en
    assert "4 byte" in caught.value.text.da


@settings(max_examples=100, deadline=None)
@given(
    payload=st.binary(min_size=1, max_size=300),
    position=st.integers(min_value=0),
    bad=st.sampled_from([*list("!#$%*-_.,:;?@^~|éø\xa0"), "&amp;", "&lt;"]),
)
def test_corrupt_base64_is_a_clear_error(payload: bytes, position: int, bad: str) -> None:
    envelope = binary_envelope(payload)
    text = data_text(envelope)
    at = position % len(text)
    corrupt = with_data(envelope, text[:at] + bad + text[at + 1 :])
    with pytest.raises(ParseError) as caught:
        unwrap(corrupt)
    assert caught.value.code == "vans.data-base64"
    assert "base64" in caught.value.text.en
    assert_bilingual(caught.value.text.da, caught.value.text.en)
    assert "vans.data-base64" in errors_of(corrupt)


@pytest.mark.parametrize("text", ["QR==", "QUJ=", "QQ==QQ==", "QQ===", "=QQQ", "Q"])
def test_malformed_base64_endings_are_errors(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        unwrap(with_data(binary_envelope(b"A"), text))
    assert caught.value.code == "vans.data-base64"


def test_a_receipt_envelope_has_nothing_to_unwrap() -> None:
    envelope = receipt_envelope("PositiveMessage")
    read = read_envelope(envelope)
    assert read.payload is None
    assert read.receipt is not None
    assert (read.receipt.kind, read.receipt.original_envelope_id) == ("PositiveMessage", ENVELOPE_ID)
    with pytest.raises(ParseError) as caught:
        unwrap(envelope)
    assert caught.value.code == "vans.no-message"
    assert_bilingual(caught.value.text.da, caught.value.text.en)
    report = validate_bytes(envelope)
    assert report.valid
    assert "vans.receipt" in report.rules()


def test_a_negative_vans_receipt_is_read() -> None:
    read = read_envelope(receipt_envelope("NegativeVans"))
    assert read.receipt is not None
    assert (read.receipt.error_code, read.receipt.error_text) == (17, "Ukendt modtager")
    assert read.receipt.original is None


def test_a_document_that_is_not_an_envelope_is_refused() -> None:
    with pytest.raises(ParseError) as caught:
        unwrap(PAYLOADS["xdis91"])
    assert caught.value.code == "vans.not-envelope"
    assert_bilingual(caught.value.text.da, caught.value.text.en)


# --- the envelope's description of its payload --------------------------------------------------------


def test_mime_that_contradicts_the_payload_is_an_error() -> None:
    envelope = wrap(PAYLOADS["cc-json-new"], mime="application/fhir+xml")
    report = validate_bytes(envelope)
    assert "vans.mime-mismatch" in {i.rule for i in report.errors}
    issue = next(i for i in report.issues if i.rule == "vans.mime-mismatch")
    assert "application/fhir+json" in issue.message("en")
    assert_bilingual(issue.message("da"), issue.message("en"))
    pdf = binary_envelope(b"%PDF-1.4", mime="application/fhir+json", format="HL7")
    assert "vans.mime-mismatch" in errors_of(pdf)


def test_a_fhir_envelope_without_mime_is_warned_about() -> None:
    stripped = re.sub(
        rb'\s*<ServiceTag name="MCM:MIME">[^<]*</ServiceTag>', b"", wrap(PAYLOADS["cc-xml-new"])
    )
    report = validate_bytes(stripped)
    assert report.valid
    assert "vans.mime-missing" in {i.rule for i in report.warnings}


@pytest.mark.parametrize(
    ("options", "rule"),
    [
        ({"name": "MCM:FDIS91#nursing"}, "vans.name-mismatch"),
        ({"version": "4.0"}, "vans.version-mismatch"),
        ({"format": "XML"}, "vans.format-mismatch"),
        ({"sender": "5790000000043"}, "vans.endpoint-mismatch"),
    ],
)
def test_a_wrong_description_of_the_payload_is_warned_about(options: dict[str, str], rule: str) -> None:
    report = validate_bytes(wrap(PAYLOADS["cc-json-new"], **options))  # type: ignore[arg-type]
    assert report.valid
    assert rule in {i.rule for i in report.warnings}
    baseline = validate_bytes(wrap(PAYLOADS["cc-json-new"]))
    assert rule not in baseline.rules()


def test_payload_errors_are_reported_inside_the_envelope_report() -> None:
    broken = PAYLOADS["xdis91"].replace(b"<TypeCode>XDIS91</TypeCode>", b"<TypeCode>XDIS9</TypeCode>")
    report = validate_bytes(wrap(broken, name="MCM:XDIS91"))
    assert report.kind is Kind.VANS_ENVELOPE
    assert not report.valid
    located = [
        i for i in report.errors if (i.location or "").startswith("/VANSEnvelope/Message/Data → /Emessage")
    ]
    assert located
    assert all(not i.rule.startswith("vans.") for i in located)
    assert not [i for i in report.errors if i.rule.startswith("vans.")]


def test_binary_payloads_are_not_validated_but_said_to_be() -> None:
    report = validate_bytes(binary_envelope(b"%PDF-1.4 ..."))
    assert report.valid
    assert "vans.payload-not-validated" in report.rules()


# --- structure: our own checks agree with the published schema ---------------------------------------


def receipt_envelope(kind: str) -> bytes:
    meta = (
        f"<Identifier>{ENVELOPE_ID}</Identifier><Document><Format>XML</Format><Name>MCM:XDIS91</Name>"
        "<SizeInBytes>10</SizeInBytes></Document>"
    )
    error = "<Error><Code>17</Code><Description>Ukendt modtager</Description></Error>"
    body = {
        "PositiveMessage": f"<OriginalEnvelopeIdentifier>{ENVELOPE_ID}</OriginalEnvelopeIdentifier>"
        f"<OriginalMessage>{meta}</OriginalMessage>",
        "NegativeMessage": f"{error}<OriginalEnvelopeIdentifier>{ENVELOPE_ID}</OriginalEnvelopeIdentifier>"
        f"<OriginalMessage>{meta}</OriginalMessage>",
        "NegativeVans": f"{error}<OriginalEnvelopeIdentifier>{ENVELOPE_ID}</OriginalEnvelopeIdentifier>",
    }[kind]
    return (
        '<VANSEnvelope xmlns="urn:oio:medcom:vans-envelope:1.0.4">'
        '<SenderID EndPointType="VANS">DKKMDKMDNET</SenderID>'
        f'<ReceiverID EndPointType="EAN">{SENDER}</ReceiverID>'
        "<EnvelopeIdentifier>2d3c4b5a-1111-4222-8333-944455566677</EnvelopeIdentifier>"
        f"<SentDateTime>2026-11-26T10:15:00Z</SentDateTime><Receipt><{kind}>{body}</{kind}></Receipt>"
        "</VANSEnvelope>"
    ).encode()


def _mutants(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Variants of a good envelope: every element removed, doubled, moved, emptied, overfilled,
    given an unknown child or text; attributes removed or changed; values of every type broken."""
    elements = list(root.iter(f"{NS}*"))[1:]
    for index, element in enumerate(elements):
        name = element.tag.removeprefix(NS)

        def variant(change: Callable[[etree._Element], object], i: int = index) -> etree._Element:
            clone = copy.deepcopy(root)
            change(list(clone.iter(f"{NS}*"))[1:][i])
            return clone

        def remove(e: etree._Element) -> None:
            parent = e.getparent()
            assert parent is not None
            parent.remove(e)

        def move_first(e: etree._Element) -> None:
            parent = e.getparent()
            assert parent is not None
            parent.insert(0, e)

        def set_text(value: str) -> Callable[[etree._Element], None]:
            return lambda e: setattr(e, "text", value)

        def endpoint_type(value: str) -> Callable[[etree._Element], None]:
            return lambda e: e.set("EndPointType", value)

        def extra_child(e: etree._Element) -> None:
            e.append(etree.Element(f"{NS}Extra"))

        yield f"remove {name}", variant(remove)
        yield f"double {name}", variant(lambda e: e.addnext(copy.deepcopy(e)))
        yield f"move {name} first", variant(move_first)
        if len(element):
            yield f"unknown child in {name}", variant(extra_child)
            yield f"text in {name}", variant(set_text("x"))
        else:
            yield f"empty {name}", variant(set_text(""))
            yield f"long {name}", variant(set_text("7" * 256))
            yield f"child in {name}", variant(extra_child)
        yield f"unknown attribute on {name}", variant(lambda e: e.set("extra", "1"))
        if element.get("EndPointType"):
            yield f"no type on {name}", variant(lambda e: e.attrib.pop("EndPointType"))
            for value in ("GLN", "ean", ""):
                yield f"type {value!r} on {name}", variant(endpoint_type(value))
            for value in ("1" * 18, "1" * 19, "  12  34  ", "  "):
                yield f"{name} {value!r}", variant(set_text(value))
    values = {
        "EnvelopeIdentifier": [
            ENVELOPE_ID.upper(),
            ENVELOPE_ID.replace("-", ""),
            " " + ENVELOPE_ID,
            "g" * 8 + ENVELOPE_ID[8:],
        ],
        "SentDateTime": [
            "2026-02-29T10:00:00",
            "2028-02-29T10:00:00",
            "2026-11-26T10:15",
            "2026-11-26 10:15:00",
            "2026-11-26T10:15:00.5+01:00",
            "2026-11-26T25:00:00",
            "2026-11-26T10:15:00+15:00",
            "2026-11-26T24:00:00",
            "2026-11-26T10:15:00z",
        ],
        "Format": ["XML", "xml", "PDF", "HL7 "],
        "SizeInBytes": ["-1", "+12", " 12 ", "1.5", "2147483647", "2147483648", "12abc"],
        "Type": ["reliable", "Reliable", "unreliable"],
        "TransformMessage": ["true", "1", "0", " false ", "yes", "False"],
        "Name": ["x" * 255, "x" * 256, " "],
        "Identifier": [ENVELOPE_ID, "068dadff-12bb-406d-8c86-083974dc018"],
    }
    for name, texts in values.items():
        for text in texts:
            clone = copy.deepcopy(root)
            target = next(clone.iter(f"{NS}{name}"), None)
            if target is not None:
                target.text = text
                yield f"{name} {text!r}", clone
    if next(root.iter(f"{NS}ServiceTag"), None) is None:
        return
    for count in (5, 6):
        clone = copy.deepcopy(root)
        transport = next(clone.iter(f"{NS}Transport"))
        for number in range(count - 1):
            tag = etree.SubElement(transport, f"{NS}ServiceTag", name=f"T{number}")
            tag.text = "v"
        yield f"{count} service tags", clone
    for value in ("", "n" * 70, "n" * 71):
        clone = copy.deepcopy(root)
        next(clone.iter(f"{NS}ServiceTag")).set("name", value)
        yield f"service tag name {value[:3]!r}×{len(value)}", clone


STRUCTURE_ONLY = {"vans.size-mismatch"}  # a check the schema cannot make


def _our_verdict(root: etree._Element) -> bool:
    issues = inspect_envelope(root).issues
    return not [i for i in issues if i.severity is Severity.ERROR and i.rule not in STRUCTURE_ONLY]


def test_structure_verdicts_agree_with_the_official_xsd() -> None:
    schema = official_schema()
    roots = [etree.fromstring(wrap(PAYLOADS["cc-json-new"]))]
    roots += [
        etree.fromstring(receipt_envelope(kind))
        for kind in ("PositiveMessage", "NegativeMessage", "NegativeVans")
    ]
    checked, disagreements = 0, []
    for root in roots:
        for label, mutant in _mutants(root):
            checked += 1
            official = schema.validate(mutant)
            if official != _our_verdict(mutant):
                disagreements.append(f"{label}: XSD says {official}; {schema.error_log}")
    assert checked > 300
    assert not disagreements, "\n".join(disagreements)
    # The mutants are not all valid or all invalid.
    verdicts = {schema.validate(m) for root in roots for _, m in _mutants(root)}
    assert verdicts == {True, False}


def test_known_differences_from_the_published_schema() -> None:
    schema = official_schema()
    root = etree.fromstring(binary_envelope())
    # The schema's pattern [aA-fF0-9] lets 'Z' through; a UUID is hexadecimal.
    odd = copy.deepcopy(root)
    next(odd.iter(f"{NS}EnvelopeIdentifier")).text = "Z" * 8 + ENVELOPE_ID[8:]
    assert schema.validate(odd)
    assert not _our_verdict(odd)
    # XML Schema collapses whitespace around an xs:dateTime; libxml2 does not.
    spaced = copy.deepcopy(root)
    next(spaced.iter(f"{NS}SentDateTime")).text = " 2026-11-26T10:15:00 "
    assert not schema.validate(spaced)
    assert _our_verdict(spaced)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda s: s.replace('EndPointType="EAN"', 'EndPointType="GLN"', 1), "vans.code"),
        (
            lambda s: re.sub(r"<EnvelopeIdentifier>[^<]*", "<EnvelopeIdentifier>DEMOKUV0000001", s),
            "vans.uuid",
        ),
        (lambda s: re.sub(r"<SentDateTime>[^<]*", "<SentDateTime>26-11-2026 10:15", s), "vans.date-time"),
        (lambda s: re.sub(r"\s*<SenderID[^>]*>[^<]*</SenderID>", "", s), "vans.element-missing"),
        (lambda s: s.replace("<Message>", "<Message><Extra/>"), "vans.element-unexpected"),
        (lambda s: s.replace("<Message>", "<Message>tekst"), "vans.text-not-allowed"),
        (lambda s: s.replace(' EndPointType="EAN"', "", 1), "vans.attribute-missing"),
        (lambda s: s.replace("<Message>", '<Message id="1">'), "vans.attribute-unexpected"),
        (lambda s: re.sub(r"<Name>[^<]*", "<Name>" + "x" * 256, s), "vans.length"),
        (lambda s: re.sub(r"<SizeInBytes>[^<]*", "<SizeInBytes>ti", s), "vans.number"),
    ],
)
def test_each_structural_fault_has_its_rule_and_bilingual_text(
    change: Callable[[str], str], rule: str
) -> None:
    broken = change(wrap(PAYLOADS["xdis91"]).decode()).encode()
    report = validate_bytes(broken)
    assert report.kind is Kind.VANS_ENVELOPE
    issue = next(i for i in report.errors if i.rule == rule)
    assert issue.location
    assert issue.location.startswith("/VANSEnvelope")
    assert issue.line
    assert_bilingual(issue.message("da"), issue.message("en"))
    with pytest.raises(ParseError) as caught:
        unwrap(broken)
    assert caught.value.code == rule


# --- the mailbox ----------------------------------------------------------------------------------------


def test_posting_writes_whole_named_messages_into_out(tmp_path: Path) -> None:
    box = Mailbox(tmp_path / "vans")
    assert all((tmp_path / "vans" / name).is_dir() for name in ("out", "in", "archive"))
    envelope = wrap(PAYLOADS["xdis91"])
    path = box.post(envelope)
    assert path == tmp_path / "vans" / "out" / f"{read_envelope(envelope).envelope_id}.xml"
    assert path.read_bytes() == envelope
    assert box.messages("out") == [path]
    assert box.messages("in") == []
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file is left
    with pytest.raises(SourceError) as caught:
        box.post(envelope)
    assert caught.value.code == "vans.mailbox-exists"
    assert_bilingual(caught.value.text.da, caught.value.text.en)
    assert path.read_bytes() == envelope


def test_a_broken_envelope_is_never_posted(tmp_path: Path) -> None:
    box = Mailbox(tmp_path)
    with pytest.raises(ParseError):
        box.post(wrap(PAYLOADS["xdis91"])[:-40])
    with pytest.raises(BuildError):
        box.post(wrap(PAYLOADS["xdis91"]), name="../escape.xml")
    with pytest.raises(BuildError):
        box.post(wrap(PAYLOADS["xdis91"]), name=".hidden.xml")
    assert list((tmp_path / "out").iterdir()) == []


def test_taking_and_archiving_in_arrival_order(tmp_path: Path) -> None:
    box = Mailbox(tmp_path)
    first = box.deliver(wrap(PAYLOADS["cc-json-new"]))
    second = box.deliver(wrap(PAYLOADS["cc-json-reply"]))
    os.utime(first, (1_000_000, 1_000_000))
    os.utime(second, (2_000_000, 2_000_000))
    item = box.take()
    assert isinstance(item, MailItem)
    assert item.path == first
    assert item.payload() == PAYLOADS["cc-json-new"]
    assert item.envelope().meta is not None
    assert box.messages() == [first, second]  # taking does not remove: a crash loses nothing
    archived = box.archive(item)
    assert archived == tmp_path / "archive" / first.name
    assert archived.read_bytes() == item.data
    assert box.messages() == [second]
    # The same envelope received twice is archived twice.
    again = box.deliver(item.data)
    assert box.archive(again).name == f"{first.stem}-2.xml"
    assert box.archive(box.take() or second).parent.name == "archive"
    assert box.take() is None


def test_readers_ignore_temporary_files_and_a_new_start_removes_leftovers(tmp_path: Path) -> None:
    box = Mailbox(tmp_path)
    whole = box.post(wrap(PAYLOADS["xdis91"]))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(dead.stdout)
    host = re.sub(r"[^A-Za-z0-9-]", "-", __import__("socket").gethostname())[:40] or "host"
    leftover = tmp_path / "out" / f".{whole.name}.{host}.{dead_pid}.0123abcd.tmp"
    leftover.write_bytes(wrap(PAYLOADS["xdis91"])[:100])
    live = tmp_path / "in" / f".x.xml.{host}.{os.getpid()}.89abcdef.tmp"
    live.write_bytes(b"<VANS")
    assert box.messages("out") == [whole]
    assert box.messages("in") == []
    assert not is_message_name(leftover.name)
    assert not is_message_name(live.name)
    reopened = Mailbox(tmp_path)
    assert reopened.removed == (leftover,)
    assert not leftover.exists()
    assert live.exists()
    os.utime(live, (time.time() - 7200, time.time() - 7200))
    assert Mailbox(tmp_path).removed == (live,)
    assert whole.exists()


def test_write_atomic_never_replaces_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "a.xml"
    write_atomic(target, b"one")
    with pytest.raises(FileExistsError):
        write_atomic(target, b"two")
    assert target.read_bytes() == b"one"
    write_atomic(target, b"three", overwrite=True)
    assert target.read_bytes() == b"three"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xml"]


_WRITER = """
import os, sys
from medcomkit.vans import Mailbox
envelope = open(sys.argv[2], "rb").read()
box = Mailbox(sys.argv[1], clean=False)
print("ready", flush=True)
number = 0
while True:
    number += 1
    box.post(envelope, name=f"{os.getpid()}-{number}.xml", check=False)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_killing_writers_mid_write_leaves_only_whole_messages(tmp_path: Path) -> None:
    # A ~1 MB XBIN01, so a writer spends most of its time inside a write.
    message = demo_care_message()
    pdf = b"%PDF-1.4\n" + os.urandom(750_000) + b"\n%%EOF\n"
    message = replace(message, attachments=(replace(message.attachments[0], data=pdf, size=len(pdf)),))
    binary = attachments_for(message, message_id="DEMOBIN0000009", envelope_id="DEMOKUV0000009")
    assert binary is not None
    envelope = wrap(build_xbin01(binary))
    source = tmp_path / "envelope.xml"
    source.write_bytes(envelope)
    root = tmp_path / "mailbox"
    Mailbox(root)
    rng = __import__("random").Random(20261126)
    whole_seen = partial_seen = 0
    started = time.monotonic()
    for _ in range(16):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(root), str(source)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.003, 0.04))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
        writer.stdout.close()
        reader = Mailbox(root, clean=False)
        listed = reader.messages("out")
        for path in listed:  # every message a reader sees is whole and valid
            data = path.read_bytes()
            assert data == envelope
            assert unwrap(data) == unwrap(envelope)
            path.unlink()  # keep the disk use small; each file is checked once
        whole_seen += len(listed)
        leftovers = [p for p in (root / "out").iterdir() if not is_message_name(p.name)]
        partial_seen += len(leftovers)
        assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in leftovers)
        restarted = Mailbox(root)
        assert sorted(restarted.removed) == sorted(leftovers)
        assert list((root / "out").iterdir()) == []
    assert whole_seen > 0
    assert partial_seen > 0, "no writer was ever killed mid-write; the test proves nothing"
    assert time.monotonic() - started < 30
    # One envelope from the run, validated in full as a receiver would.
    report = validate_bytes(envelope)
    assert report.valid, report.to_text("en")


# --- the command line -----------------------------------------------------------------------------------


def test_cli_wrap_and_unwrap_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "km-xdis91.xml"
    source.write_bytes(PAYLOADS["xdis91"])
    assert main(["vans", "wrap", str(source), "--out", str(tmp_path / "env")]) == 0
    wrapped = Path(capsys.readouterr().out.strip())
    assert wrapped == tmp_path / "env" / "km-xdis91.vans.xml"
    assert read_envelope(wrapped).meta is not None
    assert main(["validate", "--format", "json", str(wrapped)]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert (report["kind"], report["valid"]) == ("VANSEnvelope", True)
    assert main(["vans", "unwrap", str(wrapped), "--out", str(tmp_path / "back")]) == 0
    unwrapped = Path(capsys.readouterr().out.strip())
    assert unwrapped == tmp_path / "back" / "km-xdis91.xml"
    assert unwrapped.read_bytes() == PAYLOADS["xdis91"]


def test_cli_wraps_other_data_with_explicit_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "plan.pdf"
    source.write_bytes(b"%PDF-1.4 demo")
    assert main(["vans", "wrap", str(source), "--out", str(tmp_path), "--lang", "en"]) == 1
    assert "does not give sender, receiver, name" in capsys.readouterr().err
    argv = ["vans", "wrap", str(source), "--out", str(tmp_path), "--sender", SENDER, "--receiver", RECEIVER]
    assert main([*argv, "--name", "MCM:BIN", "--doc-format", "Binary"]) == 0
    wrapped = Path(capsys.readouterr().out.strip())
    envelope = read_envelope(wrapped)
    assert envelope.meta is not None
    assert (envelope.meta.name, envelope.meta.format) == ("MCM:BIN", "Binary")
    assert main(["vans", "unwrap", str(wrapped), "--out", str(tmp_path / "back")]) == 0
    assert Path(capsys.readouterr().out.strip()).read_bytes() == b"%PDF-1.4 demo"


def test_cli_reports_broken_envelopes_in_danish_or_english(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    envelope = wrap(PAYLOADS["cc-xml-new"])
    broken.write_bytes(with_data(envelope, data_text(envelope)[:-1] + "!"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "medcomkit", *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    danish = run("vans", "unwrap", str(broken), "--out", str(tmp_path / "out"))
    english = run("vans", "unwrap", str(broken), "--out", str(tmp_path / "out"), "--lang", "en")
    assert (danish.returncode, english.returncode) == (1, 1)
    assert "ikke gyldig base64" in danish.stderr
    assert "not valid base64" in english.stderr
    assert "Traceback" not in danish.stderr + english.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    too_big = run("vans", "unwrap", str(broken), "--out", str(tmp_path / "out"), "--max-size", "1k")
    assert too_big.returncode == 1  # too large is a fault of the input, as in `validate`
    assert "xml.too-large" in too_big.stderr
    assert "Traceback" not in too_big.stderr
    validated = run("validate", "--lang", "en", str(broken))
    assert validated.returncode == 1
    assert "VANSEnvelope — invalid" in validated.stdout
    assert "[vans.data-base64]" in validated.stdout
