from __future__ import annotations

from dataclasses import replace

import pytest
from support import OIOXML_EXAMPLES, require_reference

import medcomkit
from medcomkit import Activity, Author, BuildError, CareMessage, Priority, TextSegment
from medcomkit.demo import demo_care_message


def _with_text(text: str) -> CareMessage:
    return replace(demo_care_message(), segments=(TextSegment(text),), attachments=())


def test_demo_message_builds_valid_xd9134l() -> None:
    data = medcomkit.build_xdis91(demo_care_message())
    assert data.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert b"<VersionCode>XD9134L</VersionCode>" in data
    assert b'xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/"' in data
    assert "høj".encode("latin-1") not in data  # routine priority
    assert "Lettilgængeligt".encode("latin-1") in data
    assert medcomkit.validate(data).valid


def test_attachment_ids_are_written_without_hyphens_in_xdis91_and_with_them_in_xbin01() -> None:
    message = demo_care_message()
    binary = medcomkit.attachments_for(message, message_id="B1", envelope_id="K2")
    assert binary is not None
    assert b"<ObjectIdentifier>5e0f6d9c3a1b4c8e9f217b6a4d2c1e90</ObjectIdentifier>" in medcomkit.build_xdis91(
        message
    )
    assert (
        b"<ObjectIdentifier>5e0f6d9c-3a1b-4c8e-9f21-7b6a4d2c1e90</ObjectIdentifier>"
        in medcomkit.build_xbin01(binary)
    )


def test_text_is_split_into_blocks_of_3150() -> None:
    text = ("Sætning med æøå. " * 200 + "\n") * 5  # 17,005 characters
    data = medcomkit.build_xdis91(_with_text(text))
    assert data.count(b"<ClinicalInformation>") == 6
    parsed = medcomkit.parse(data)
    assert isinstance(parsed, CareMessage)
    assert parsed.segments[0].text == text


def test_text_beyond_ten_blocks_is_a_clear_error() -> None:
    with pytest.raises(BuildError) as raised:
        medcomkit.build_xdis91(_with_text("x" * 31_501))
    assert raised.value.code == "xdis91.text-too-long"
    assert "31501" in raised.value.message("en")
    assert "bilag" in raised.value.message("da")
    medcomkit.build_xdis91(_with_text("x" * 31_500))  # exactly ten full blocks is fine


@pytest.mark.parametrize(
    ("change", "lost"),
    [
        ({"activity": Activity.REPLY}, "activity reply-message"),
        ({"category": "other"}, "category"),
        ({"thread_id": "urn:uuid:1"}, "thread_id"),
        ({"segments": (TextSegment("a"), TextSegment("b"))}, "2 text segments"),
        ({"segments": (TextSegment("a", author=Author(given_name="Sara")),)}, "segment author"),
    ],
)
def test_builder_refuses_what_xdis91_cannot_carry(change: dict[str, object], lost: str) -> None:
    with pytest.raises(BuildError) as raised:
        medcomkit.build_xdis91(replace(demo_care_message(), **change))  # type: ignore[arg-type]
    assert raised.value.code == "xdis91.build-unsupported"
    assert lost in raised.value.message("en")
    assert "medcomkit.convert" in raised.value.message("da")


def test_builder_refuses_to_emit_an_invalid_message() -> None:
    long_name = replace(demo_care_message().sender, name="N" * 36)
    with pytest.raises(BuildError) as raised:
        medcomkit.build_xdis91(replace(demo_care_message(), sender=long_name))
    assert raised.value.code == "oioxml.build-invalid"
    assert "OrganisationName" in raised.value.message("en")
    assert "35" in raised.value.message("en")


def test_builder_refuses_characters_xml_cannot_carry() -> None:
    with pytest.raises(BuildError, match="U\\+0007"):
        medcomkit.build_xdis91(_with_text("bell \x07"))


def test_characters_outside_latin1_become_references_and_warn() -> None:
    data = medcomkit.build_xdis91(_with_text("Euro € og ☺"))
    assert b"&#8364;" in data
    report = medcomkit.validate(data)
    assert report.valid
    assert "oioxml.non-latin1" in report.rules()
    parsed = medcomkit.parse(data)
    assert isinstance(parsed, CareMessage)
    assert parsed.segments[0].text == "Euro € og ☺"


def test_utf8_output_on_request() -> None:
    data = medcomkit.build_xdis91(demo_care_message(), encoding="UTF-8")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert "Lettilgængeligt".encode() in data
    with pytest.raises(BuildError, match="UTF-16"):
        medcomkit.build_xdis91(demo_care_message(), encoding="UTF-16")


def test_parsing_is_forgiving_where_meaning_is_clear() -> None:
    require_reference()
    message = medcomkit.parse(OIOXML_EXAMPLES / "medcom-conversionservice" / "Flow1-XDIS91_Ex_to_FHIR.xml")
    assert isinstance(message, CareMessage)
    assert message.priority is Priority.HIGH  # 'hÃ¸j_prioritet' read as the UTF-8 it is
    assert message.receiver.address is not None
    assert message.receiver.address.street == "Vandværksvej 99"
    text = message.segments[0].text
    assert text.startswith("Afdeling A har modtaget en henvisning på ovenstående patient.\nForinden")  # <br/>
    assert text.endswith("15.01.1999\n")  # layout whitespace around the text is not content


def test_pretty_printed_formatting_reads_without_layout() -> None:
    require_reference()
    message = medcomkit.parse(OIOXML_EXAMPLES / "os2korrespondance-fixtures" / "formattet_text.xml")
    assert isinstance(message, CareMessage)
    assert message.segments[0].text == (
        # Layout between two formatted words is white space, so the words are not glued.
        "{FixedFont}Hej, jeg er fast bredde{/FixedFont} {Underline}Afdeling{Space}A{/Underline}\n"
        "{Italic}har modtaget en henvisning på ovenstående patient.{/Italic}\n"
        "{Right}Forinden der foretages visitation{/Right}\n"
        "{Center}\nVenlig hilsen\n{/Center}"
        "<Teste><Teste noget mere øæå>"
    )


def test_escaped_markup_stays_literal_text_and_warns() -> None:
    require_reference()
    path = OIOXML_EXAMPLES / "os2korrespondance-fixtures" / "escaped_formatted_text.xml"
    message = medcomkit.parse(path)
    assert isinstance(message, CareMessage)
    assert message.segments[0].text.startswith("<Bold>fed tekst</Bold><Break/>")
    assert "oioxml.formatted-text-escaped" in medcomkit.validate(path).rules()


@pytest.mark.parametrize(
    "written",
    [b"&lt;Break/&gt;", b"&#60;Bold&#62;x", b"&#x3C;Italic>x", b"<![CDATA[<Underline>]]>x"],
    ids=["entity", "decimal reference", "hex reference", "CDATA"],
)
def test_escaped_markup_is_found_however_it_is_escaped(written: bytes) -> None:
    data = medcomkit.build_xdis91(demo_care_message())
    assert data.count(b"<Text01>") >= 1
    report = medcomkit.validate(data.replace(b"<Text01>", b"<Text01>" + written, 1))
    assert "oioxml.formatted-text-escaped" in report.rules()


def test_a_literal_less_than_sign_is_not_escaped_markup() -> None:
    data = medcomkit.build_xdis91(demo_care_message())
    report = medcomkit.validate(data.replace(b"<Text01>", b"<Text01>a &lt; b &#60;3 &lt;Breakfast&gt;", 1))
    assert report.valid
    assert "oioxml.formatted-text-escaped" not in report.rules()


def test_several_letters_need_parse_all() -> None:
    data = medcomkit.build_xdis91(demo_care_message())
    start, end = data.index(b"<ClinicalEmail>"), data.index(b"</ClinicalEmail>") + len(b"</ClinicalEmail>")
    doubled = data[:end] + data[start:end] + data[end:]
    report = medcomkit.validate(doubled)
    assert report.valid
    assert "oioxml.several-letters" in report.rules()
    assert len(medcomkit.parse_all(doubled)) == 2
    with pytest.raises(medcomkit.ParseError, match="parse_all"):
        medcomkit.parse(doubled)
