"""Windows-1252 documents are read by libxml2 natively, with the same result as through iconv."""

from __future__ import annotations

import pytest
from lxml import etree

from medcomkit._errors import ParseError
from medcomkit._transcode import native_encoding
from medcomkit.xmlsafe import parse_xml

_IconvParser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _document(body: bytes, name: bytes = b"windows-1252") -> bytes:
    return b'<?xml version="1.0" encoding="' + name + b'"?>\n<a>\n  <b x="\xe6">' + body + b"</b>\n</a>\n"


@pytest.mark.parametrize(
    ("body", "native"),
    [
        (b"plain", "iso-8859-1"),
        (b"\xe6\xf8\xe5 \xc6\xd8\xc5", "iso-8859-1"),
        (b"\x80 \x93quoted\x94 \x85", "utf-8"),  # euro sign, curly quotes, ellipsis: not in Latin-1
    ],
)
def test_same_tree_and_lines_as_libxml2_through_iconv(body: bytes, native: str) -> None:
    for name in (b"windows-1252", b"Windows-1252", b"CP1252"):
        data = _document(body, name)
        assert native_encoding(data)[1] == native
        ours = parse_xml(data).root
        theirs = etree.fromstring(data, _IconvParser)
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")
        assert [e.sourceline for e in ours.iter()] == [e.sourceline for e in theirs.iter()]
        assert ours.find("b").text == body.decode("cp1252")  # type: ignore[union-attr]


def test_other_encodings_and_undecodable_bytes_are_left_to_libxml2() -> None:
    for data in (_document(b"x", b"ISO-8859-1"), _document(b"x", b"UTF-8"), b"<a>1252</a>"):
        assert native_encoding(data) == (data, None)
    undefined = _document(b"\x81")  # no character in windows-1252
    assert native_encoding(undefined) == (undefined, None)
    with pytest.raises((ParseError, etree.XMLSyntaxError)):
        etree.fromstring(undefined, _IconvParser)
    with pytest.raises(ParseError):
        parse_xml(undefined)
