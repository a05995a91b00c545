"""An EDIFACT interchange (DIS91, REF01, BIN01, CTL) in a VANSEnvelope: wrapped with what UNB and
UNH say, unwrapped byte for byte, validated inside the envelope, and hostile payloads refused
with a clear error, never a traceback."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from lxml import etree
from support import REFERENCE, require_reference

from medcomkit import BuildError, Kind, ParseError, Severity
from medcomkit.cli import main
from medcomkit.demo import write_demo_km, write_demo_referral
from medcomkit.dispatch import validate_bytes
from medcomkit.vans import describe_payload, read_envelope, unwrap, wrap
from medcomkit.vans.payload import Family

VANS_XSD = REFERENCE / "oioxml" / "xsd" / "vansenvelope" / "vans-envelope-1.0.4.xsd"
EDIFACT_EXAMPLES = REFERENCE / "oioxml" / "examples" / "glasdam-edifact_converter" / "edifact"
SENDER, RECEIVER = "5790000000012", "5790000000029"
ENVELOPE_ID = "068dadff-12bb-406d-8c86-083974dc0180"

# Format is one of the schema's five values; Name and Version follow MedCom's XDIS22 example
# (Name MCM:<type>, Version = the message's own version code, here UNH's).
EXPECTED = {
    "km-dis91.edi": ("EDIFACT", "MCM:DIS91", "D9134L", Kind.DIS91),
    "km-bin01.edi": ("EDIFACT", "MCM:BIN01", "B0131X", Kind.BIN01),
    "henvisning-ref01.edi": ("EDIFACT", "MCM:REF01", "H0130R", Kind.REF01),
    "henvisning-bin01.edi": ("EDIFACT", "MCM:BIN01", "B0131X", Kind.BIN01),
}


def _demo() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        written = write_demo_km(Path(folder), syntax="edifact")
        written += write_demo_referral(Path(folder), syntax="edifact")
        return {p.name: p.read_bytes() for p in written if p.suffix == ".edi"}


DEMO = _demo()


def _unb(payload: bytes) -> list[str]:
    unb = re.search(rb"UNB\+([^']*)'", payload)
    assert unb is not None
    return unb.group(1).decode("latin-1").split("+")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_edifact_is_wrapped_with_what_unb_and_unh_say_and_unwrapped_byte_for_byte(name: str) -> None:
    payload = DEMO[name]
    envelope = read_envelope(wrap(payload))
    assert envelope.meta is not None
    fmt, doc_name, version, kind = EXPECTED[name]
    assert (envelope.meta.format, envelope.meta.name, envelope.meta.version) == (fmt, doc_name, version)
    assert envelope.meta.mime is None  # MedCom names a MIME type for FHIR only
    assert envelope.meta.size == len(payload)
    unb = _unb(payload)
    assert envelope.sender.value == unb[1].split(":")[0]
    assert envelope.receiver.value == unb[2].split(":")[0]
    # UNB's two-digit year 26 is 2026 here, as the reader says (MedCom's converter says 1926).
    day = unb[3].split(":")[0]
    assert envelope.sent.strftime("%y%m%d") == day
    assert envelope.sent.year >= 2000
    assert unwrap(wrap(payload)) == payload
    assert describe_payload(payload).kind is kind


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_wrapped_edifact_message_is_valid_against_the_official_xsd_and_validated_inside(name: str) -> None:
    require_reference()
    if not VANS_XSD.is_file():
        pytest.skip(f"the VANSEnvelope XSD is missing ({VANS_XSD})")
    schema = etree.XMLSchema(etree.parse(str(VANS_XSD)))
    envelope = wrap(DEMO[name])
    assert schema.validate(etree.fromstring(envelope)), schema.error_log
    report = validate_bytes(envelope)
    assert report.valid, report.to_text("en")
    assert report.kind is Kind.VANS_ENVELOPE
    payload = next(i for i in report.issues if i.rule == "vans.payload")
    assert EXPECTED[name][3].value in payload.message("en")
    # The EDIFACT rules ran on the payload: the demo patient's test CPR fails modulus 11 on purpose.
    assert any(i.rule.startswith("edifact.") for i in report.issues)


def test_medcoms_edifact_examples_wrap_and_unwrap() -> None:
    require_reference()
    examples = sorted(EDIFACT_EXAMPLES.glob("*.edi"))
    assert len(examples) >= 7
    for path in examples:
        payload = path.read_bytes()
        envelope = read_envelope(wrap(payload))
        assert envelope.meta is not None
        assert envelope.meta.format == "EDIFACT"
        kind = path.name.split("_")[0]
        assert envelope.meta.name == f"MCM:{kind}", path.name
        assert unwrap(wrap(payload)) == payload


def test_a_wrong_description_of_an_edifact_payload_is_warned_about() -> None:
    payload = DEMO["km-dis91.edi"]
    described_as_xml = wrap(payload, format="XML", name="MCM:XDIS91", version="XD9134L")
    rules = {i.rule for i in validate_bytes(described_as_xml).issues}
    assert {"vans.format-mismatch", "vans.name-mismatch", "vans.version-mismatch"} <= rules
    # Saying it is EDIFACT in the MIME tag is true, so it is no mismatch.
    tagged = wrap(payload, service_tags=[("MCM:MIME", "application/edifact")])
    assert "vans.mime-mismatch" not in {i.rule for i in validate_bytes(tagged).issues}
    assert "vans.mime-mismatch" in {
        i.rule for i in validate_bytes(wrap(payload, mime="application/fhir+json")).issues
    }


# --- hostile EDIFACT payloads -------------------------------------------------------------------------

HOSTILE = {
    "no UNB": b"UNH+1+MEDDIS:D:93A:UN:D9134L+DIS91'UNT+2+1'",
    "truncated": DEMO["km-dis91.edi"][:200],
    "UNA only": b"UNA:+.? '",
    "unterminated": b"UNB+UNOC:3+5790000000012:14+5790000000029:14+261126:1015+K1",
    "control bytes": b"UNB+UNOC:3+\x00\x01\x02:14'" + bytes(range(256)),
    "unknown type": b"UNB+UNOC:3+5790000000012:14+5790000000029:14+261126:1015+K1'"
    b"UNH+1+MEDDIS:D:93A:UN:D2033L+DIS20'UNT+2+1'UNZ+1+K1'",
    "UTF-8 under UNOC": DEMO["km-dis91.edi"].replace(b"Ida", "Ida \u20ac".encode()),
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_a_hostile_edifact_payload_needs_explicit_values_and_then_round_trips(label: str) -> None:
    payload = HOSTILE[label]
    info = describe_payload(payload)  # never raises
    if info.name is None:
        with pytest.raises(BuildError) as caught:
            wrap(payload)
        assert caught.value.code == "vans.build-missing"
        assert info.what.en in caught.value.message("en")  # "EDIFACT", or "binary data" without UNA/UNB
    envelope = wrap(payload, sender=SENDER, receiver=RECEIVER, name="MCM:DIS91", format="EDIFACT")
    assert unwrap(envelope) == payload
    report = validate_bytes(envelope)  # never raises; the payload's faults are reported inside
    if info.format == "EDIFACT" and info.kind is Kind.UNKNOWN:  # recognised as EDIFACT, not readable
        assert info.family is Family.OTHER
        assert any(i.severity is Severity.ERROR and i.rule.startswith("edifact.") for i in report.issues)
        # Called Binary by its envelope, such bytes are carried, not judged.
        binary = wrap(payload, sender=SENDER, receiver=RECEIVER, name="MCM:TEST", format="Binary")
        assert "vans.payload-not-validated" in {i.rule for i in validate_bytes(binary).issues}


def _broken_envelopes() -> dict[str, bytes]:
    envelope = wrap(DEMO["km-dis91.edi"])
    data = re.search(rb"<Data>([^<]*)</Data>", envelope)
    assert data is not None
    text = data.group(1)
    other = base64.b64encode(DEMO["km-dis91.edi"] + b"UNB+extra'")
    return {
        "corrupt base64": envelope.replace(text, text[:-4] + b"!!!!"),
        "size larger than data": envelope.replace(text, other),
        "no Data": re.sub(rb"<Data>[^<]*</Data>", b"", envelope),
        "cut off": envelope[: len(envelope) // 2],
        "not an envelope": DEMO["km-dis91.edi"],
    }


BROKEN = ("corrupt base64", "size larger than data", "no Data", "cut off", "not an envelope")


@pytest.mark.parametrize("label", BROKEN)
def test_a_bad_envelope_around_edifact_is_a_clear_error(label: str) -> None:
    with pytest.raises(ParseError) as caught:
        unwrap(_broken_envelopes()[label])
    assert caught.value.message("da") != caught.value.message("en")
    assert "Traceback" not in caught.value.message("en")


def test_cli_wraps_and_unwraps_edifact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "km-dis91.edi"
    source.write_bytes(DEMO["km-dis91.edi"])
    assert main(["vans", "wrap", str(source), "--out", str(tmp_path / "env")]) == 0
    wrapped = Path(capsys.readouterr().out.strip())
    assert wrapped == tmp_path / "env" / "km-dis91.vans.xml"
    assert main(["vans", "unwrap", str(wrapped), "--out", str(tmp_path / "back")]) == 0
    unwrapped = Path(capsys.readouterr().out.strip())
    assert unwrapped == tmp_path / "back" / "km-dis91.edi"
    assert unwrapped.read_bytes() == DEMO["km-dis91.edi"]


@pytest.mark.parametrize("label", ["truncated", "unterminated", "control bytes", "unknown type"])
def test_cli_refuses_hostile_edifact_without_a_traceback(tmp_path: Path, label: str) -> None:
    source = tmp_path / "hostile.edi"
    source.write_bytes(HOSTILE[label])
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "medcomkit",
            "vans",
            "wrap",
            str(source),
            "--out",
            str(tmp_path / "o"),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 1
    assert "vans.build-missing" in run.stderr
    assert "EDIFACT that cannot be read: edifact." in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


@pytest.mark.parametrize("label", ["corrupt base64", "cut off", "not an envelope"])
def test_cli_unwrap_of_a_bad_envelope_is_a_clear_error(tmp_path: Path, label: str) -> None:
    source = tmp_path / "bad.vans.xml"
    source.write_bytes(_broken_envelopes()[label])
    run = subprocess.run(
        [sys.executable, "-m", "medcomkit", "vans", "unwrap", str(source), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 1
    assert "medcomkit:" in run.stderr
    assert "Traceback" not in run.stderr
