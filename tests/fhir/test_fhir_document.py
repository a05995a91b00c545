"""Reading and writing FHIR: JSON and XML into one dict and back faithfully; hostile input, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir_support import example_id, fhir_examples, require_fhir_reference
from lxml import etree

import medcomkit
from medcomkit import BuildError, Kind, ParseError
from medcomkit.fhir.document import read_fhir, sniff_format, write_fhir
from medcomkit.xmlsafe import parse_xml

EXAMPLES = fhir_examples()
JSON_EXAMPLES = [p for p in EXAMPLES if p.suffix == ".json"]
XML_EXAMPLES = [p for p in EXAMPLES if p.suffix == ".xml"]
NS = 'xmlns="http://hl7.org/fhir"'


@pytest.mark.reference
@pytest.mark.parametrize("path", JSON_EXAMPLES, ids=[example_id(p) for p in JSON_EXAMPLES])
def test_json_to_xml_to_json_gives_the_same_dict(path: Path) -> None:
    require_fhir_reference()
    original = json.loads(path.read_text(encoding="utf-8"))
    xml = write_fhir(original, "xml")
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert read_fhir(xml).resource == original
    assert json.loads(write_fhir(original, "json")) == original


@pytest.mark.reference
@pytest.mark.parametrize("path", XML_EXAMPLES, ids=[example_id(p) for p in XML_EXAMPLES])
def test_xml_reads_as_its_json_twin_and_round_trips(path: Path) -> None:
    require_fhir_reference()
    document = read_fhir(path.read_bytes())
    assert document.format == "xml"
    assert not document.issues
    twin = path.with_suffix(".json")
    if twin.is_file():
        assert document.resource == json.loads(twin.read_text(encoding="utf-8"))
    assert read_fhir(write_fhir(document.resource, "xml")).resource == document.resource


def _canonical_narratives(value: Any) -> Any:
    """The data with every narrative in canonical XML (fhir.resources writes non-ASCII as &#nnn;)."""
    if isinstance(value, dict):
        return {
            k: etree.tostring(parse_xml(v.encode()).root, method="c14n")
            if k == "div"
            else _canonical_narratives(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_canonical_narratives(v) for v in value]
    return value


@pytest.mark.reference
def test_fhir_resources_reads_what_medcomkit_writes() -> None:
    """Interoperability: the R4B models parse our XML to the same content as our JSON."""
    require_fhir_reference()
    from fhir.resources.R4B.bundle import Bundle

    for path in JSON_EXAMPLES:
        original = json.loads(path.read_text(encoding="utf-8"))
        from_xml = Bundle.model_validate_xml(write_fhir(original, "xml")).model_dump(mode="json")
        from_json = Bundle.model_validate(original).model_dump(mode="json")
        assert _canonical_narratives(from_xml) == _canonical_narratives(from_json), path.name


def test_write_refuses_what_fhir_cannot_hold() -> None:
    with pytest.raises(BuildError, match="has no element"):
        write_fhir({"resourceType": "Patient", "cprNumber": "x"}, "xml")
    with pytest.raises(BuildError, match="XHTML"):
        write_fhir({"resourceType": "Patient", "text": {"status": "generated", "div": "<p>x</p>"}}, "xml")
    with pytest.raises(BuildError):
        write_fhir({"resourceType": "Patient", "birthDate": float("nan")}, "json")
    with pytest.raises(ValueError, match="unknown FHIR format"):
        write_fhir({"resourceType": "Patient"}, "yaml")  # type: ignore[arg-type]


ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


def test_primitive_extensions_and_ids_survive_xml() -> None:
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": "p1",
        "name": [
            {
                "id": "n1",
                "use": "official",
                "_family": {"extension": [{"url": ABSENT, "valueCode": "unknown"}]},
                "given": ["Peter", None],
                "_given": [None, {"id": "g2", "extension": [{"url": "http://e.org/x", "valueInteger": 1}]}],
            }
        ],
        "multipleBirthInteger": 2,
        "extension": [{"url": "http://example.org/d", "valueDecimal": 1.5}],
        "text": {"status": "generated", "div": "<div xmlns='http://www.w3.org/1999/xhtml'>Peter&#160;&amp;</div>"},
    }  # fmt: skip
    xml = write_fhir(patient, "xml", pretty=False)
    assert f'<family><extension url="{ABSENT}">'.encode() in xml
    assert read_fhir(xml).resource == patient


def test_line_breaks_in_text_survive_xml() -> None:
    payload = "Linje 1\nLinje 2 & <tre>"
    communication = {
        "resourceType": "Communication",
        "status": "unknown",
        "payload": [{"contentString": payload}],
    }
    xml = write_fhir(communication, "xml")
    assert b"&#10;" in xml
    assert read_fhir(xml).resource == communication


def test_sniffing() -> None:
    assert sniff_format(b"\xef\xbb\xbf  <Bundle/>") == "xml"
    assert sniff_format(b' {"resourceType": "Bundle"}') == "json"


# --- hostile and broken input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b'{"resourceType": "Bundle", "type": "mess', "fhir.json-syntax"),
        (b"{\xff\xfe}", "fhir.json-syntax"),
        (b'{"resourceType": "Bundle", "total": NaN}', "fhir.json-syntax"),
        (b"[1, 2, 3]", "fhir.not-a-resource"),
        (b'{"resourceType": 5}', "fhir.not-a-resource"),
        (b'{"resourceType": "Citizen"}', "fhir.not-a-resource"),
        (b"[" * 100_000 + b"]" * 100_000, "fhir.too-deep"),
        (b'{"resourceType": "Patient", "id": "p"}', "fhir.not-a-message"),
        (b'{"resourceType": "Bundle", "type": "searchset", "entry": []}', "fhir.not-a-message"),
        (f'<Patient {NS}><id value="p"/></Patient>'.encode(), "fhir.not-a-message"),
        (f'<Citizen {NS}/>'.encode(), "fhir.not-a-resource"),
        (b'<?xml version="1.0"?><!DOCTYPE Bundle [<!ENTITY x "y">]><Bundle xmlns="http://hl7.org/fhir"/>',
         "xml.dtd-forbidden"),
        (f"<Bundle {NS}><type value='message'/>".encode(), "xml.malformed"),
    ],
)  # fmt: skip
def test_hostile_input_gets_a_clear_issue(data: bytes, rule: str) -> None:
    report = medcomkit.validate_bytes(data)
    assert rule in report.rules(), report.to_text("en")
    assert not report.valid
    for issue in report.issues:
        assert issue.message("da")
        assert issue.message("en")


def test_deep_nesting_inside_a_resource_is_bounded() -> None:
    deep: dict[str, Any] = {"url": "http://example.org/x", "valueString": "x"}
    for _ in range(200):
        deep = {"url": "http://example.org/x", "extension": [deep]}
    bundle = {"resourceType": "Bundle", "type": "message", "meta": {"extension": [deep]}}
    report = medcomkit.validate_bytes(json.dumps(bundle).encode())
    assert "fhir.too-deep" in report.rules()
    ns = 'xmlns="http://hl7.org/fhir"'
    xml = f"<Bundle {ns}><meta>" + '<extension url="u">' * 200 + "</extension>" * 200 + "</meta></Bundle>"
    report = medcomkit.validate_bytes(xml.encode())
    assert {"fhir.too-deep", "xml.malformed"} & report.rules()


def test_wrong_json_shapes_never_raise() -> None:
    cc_header = {"resourceType": "MessageHeader", "eventCoding": {"code": "care-communication-message"}}
    ack_header = {"resourceType": "MessageHeader", "eventCoding": {"code": "acknowledgement-message"}}
    shapes: list[object] = [
        {"resourceType": "Bundle", "type": "message", "entry": {"resource": 1}},
        {"resourceType": "Bundle", "type": "message", "entry": [1, None, "x", {"resource": [1]}]},
        {"resourceType": "Bundle", "entry": [{"resource": {**cc_header, "destination": "x", "focus": 5}}]},
        {
            "resourceType": "Bundle",
            "entry": [
                {"resource": {**ack_header, "response": [], "destination": [{"extension": 5}]}},
                {"resource": {"resourceType": "Communication", "payload": {"a": 1}, "category": "x"}},
                {
                    "resource": {
                        "resourceType": "Provenance",
                        "entity": [{"role": 5, "what": []}],
                        "target": {},
                    }
                },
            ],
        },
    ]
    for shape in shapes:
        report = medcomkit.validate_bytes(json.dumps(shape).encode())
        assert not report.valid
        assert "fhir.check-failed" not in report.rules(), report.to_text("en")


def test_utf8_under_a_latin1_declaration_is_named() -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?>' + f'<Bundle {NS}><type value="message"/>'
    xml += '<entry><resource><Patient><name><family value="Sørensen"/></name></Patient></resource>'
    xml += "</entry></Bundle>"
    report = medcomkit.validate_bytes(xml.encode("utf-8"))
    assert "xml.encoding-mismatch" in report.rules()
    assert "Sørensen" in next(i for i in report.issues if i.rule == "xml.encoding-mismatch").message("en")


def test_kind_of_a_message_without_a_known_event() -> None:
    header = {"resourceType": "MessageHeader", "eventCoding": {"code": "homecareobservation-message"}}
    report = medcomkit.validate_bytes(
        json.dumps({"resourceType": "Bundle", "entry": [{"resource": header}]}).encode()
    )
    assert report.kind is Kind.UNKNOWN
    assert "fhir.message-not-supported" in report.rules()


def test_read_raises_parse_error_only_for_non_fhir_bytes() -> None:
    with pytest.raises(ParseError) as error:
        read_fhir(b'{"nope": 1}')
    assert error.value.code == "fhir.not-a-resource"
    assert "resourceType" in error.value.message("en")
    document = read_fhir(b'{"resourceType": "Patient", "gender": 5}')
    assert document.resource["gender"] == 5
