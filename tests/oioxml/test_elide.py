"""A large XBIN01's attachments are examined in place: the report is the one the full parse gives."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest

import medcomkit.validation
from medcomkit import validate_bytes
from medcomkit.demo import write_demo_km
from medcomkit.oioxml.base64text import base64_facts, base64_span_facts
from medcomkit.oioxml.elide import ELIDE_ABOVE, elide_payloads
from medcomkit.report import Report

_PAYLOAD = re.compile(rb"(<Object_Base64Encoded>)(.*?)(</Object_Base64Encoded>)", re.S)


@pytest.fixture(scope="module")
def xbin01(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    paths = write_demo_km(tmp_path_factory.mktemp("km"))
    return next(p for p in paths if p.name == "km-xbin01.xml").read_bytes()


def _with_payload(xbin01: bytes, payload: bytes) -> bytes:
    return _PAYLOAD.sub(lambda m: m.group(1) + payload + m.group(3), xbin01, count=1)


def _lines(data: bytes, newline: bytes = b"\n") -> bytes:
    text = base64.b64encode(data)
    return newline.join(text[i : i + 76] for i in range(0, len(text), 76))


def _full_report(data: bytes, monkeypatch: pytest.MonkeyPatch) -> Report:
    with monkeypatch.context() as patched:
        patched.setattr(medcomkit.validation, "elide_payloads", lambda data: None)
        return validate_bytes(data)


_BIG = ELIDE_ABOVE  # bytes of attachment: its base64 text is larger than the threshold
_PDF = b"%PDF-1.4\n" + os.urandom(_BIG)


@pytest.mark.parametrize(
    ("name", "payload", "elided"),
    [
        ("valid", _lines(_PDF), True),
        ("CR LF lines", _lines(_PDF, b"\r\n"), True),
        ("lone CR lines", _lines(_PDF, b"\r"), False),
        ("not a pdf", _lines(b"GIF89a" + _PDF), True),
        ("one line", base64.b64encode(_PDF), False),
        ("invalid character", _lines(_PDF).replace(b"A", b"*", 1), False),
        ("padding inside", _lines(_PDF)[:200] + b"=" + _lines(_PDF)[200:], False),
        ("spaces around", b"\n   " + _lines(_PDF) + b"\n   ", True),
    ],
)
def test_report_is_the_full_parse_report(
    xbin01: bytes, name: str, payload: bytes, elided: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _with_payload(xbin01, payload)
    assert (elide_payloads(data) is not None) is elided, name
    ours = validate_bytes(data)
    assert ours == _full_report(data, monkeypatch)
    if name == "not a pdf":
        assert "xbin01.content-type" in ours.rules()


def test_size_mismatch_and_a_schema_error_after_the_payload_keep_their_place(
    xbin01: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _with_payload(xbin01, _lines(_PDF) + b"</Object_Base64Encoded><Unexpected/><Object_Base64Encoded>")
    data = re.sub(rb"<OriginalObjectSize>\d+", b"<OriginalObjectSize>7", data, count=1)
    assert elide_payloads(data) is not None
    ours = validate_bytes(data)
    assert {"xbin01.object-size", "schema.unexpected-element"} <= set(ours.rules())
    assert ours == _full_report(data, monkeypatch)


def test_span_facts_are_the_text_facts() -> None:
    for text in (
        b"",
        b"QUJD",
        b"QUI=",
        b"QQ==",
        b" QU\nJD \n",
        b"QUJD=",
        b"QUJ==",
        b"QU=D",
        b"Q",
        b"QU JD\n",
    ):
        framed = b"<x>" + text + b"</x>"
        assert base64_span_facts(framed, 3, 3 + len(text)) == base64_facts(text.decode()), text


def test_a_large_attachment_is_not_parsed(xbin01: bytes, tmp_path: Path) -> None:
    data = _with_payload(xbin01, _lines(_PDF))
    elided = elide_payloads(data)
    assert elided is not None
    assert len(elided.data) < len(data) // 50  # the line breaks stay
    assert elided.data.count(b"\n") == data.count(b"\n")
