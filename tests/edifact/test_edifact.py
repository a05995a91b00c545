"""EDIFACT (DIS91, REF01, BIN01, CTL01-03): syntax, envelopes, MedCom's example pairs, conversion."""

from __future__ import annotations

import base64
import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from strategies import markups, text
from support import OIOXML_EXAMPLES, messages_in

from medcomkit import parse_all, validate
from medcomkit._errors import BuildError, ParseError
from medcomkit.cli import main
from medcomkit.demo import write_demo_km
from medcomkit.edifact import build_edifact, read_edifact, validate_edifact
from medcomkit.edifact.ftx import read_text, write_text
from medcomkit.edifact.syntax import Separators, read_segments, write_segments
from medcomkit.markup import to_runs
from medcomkit.model import AttachmentMessage, CareMessage, Receipt, Referral, TextSegment
from medcomkit.oioxml.xbin01 import build_xbin01
from medcomkit.oioxml.xctl import build_xctl
from medcomkit.oioxml.xdis91 import build_xdis91
from medcomkit.oioxml.xref01 import build_xref01
from medcomkit.report import Kind

PAIRS = OIOXML_EXAMPLES / "glasdam-edifact_converter"
NAMES = ("BIN01_5", "CTL01_1", "CTL02_1", "CTL03_1", "DIS91_1", "DIS91_2", "REF01_1")
KINDS = {
    "BIN01": Kind.BIN01,
    "CTL01": Kind.CTL01,
    "CTL02": Kind.CTL02,
    "CTL03": Kind.CTL03,
    "DIS91": Kind.DIS91,
    "REF01": Kind.REF01,
}


def _pair(name: str) -> tuple[bytes, bytes]:
    if not PAIRS.is_dir():
        pytest.skip(f"MedCom's EDIFACT/XML example pairs are missing ({PAIRS})")
    return (PAIRS / "edifact" / f"{name}.edi").read_bytes(), (PAIRS / "xml" / f"{name}.xml").read_bytes()


def segments(data: bytes) -> list[tuple[str, list[list[str]], bytes | None]]:
    """The segments of an interchange; a UUID in UNO is compared in lower case (as in
    :func:`canonical`: medcomkit writes UUIDs in lower case, MedCom's BIN01 example in upper)."""
    found = []
    for segment in read_segments(data).segments:
        elements = segment.elements
        if segment.tag == "UNO":
            elements = [
                [part.lower() for part in element] if element[:1] == ["AID"] else element
                for element in elements
            ]
        found.append((segment.tag, elements, segment.binary))
    return found


def canonical(data: bytes) -> bytes:
    """Canonical XML without layout whitespace. Two differences are not content and are set aside:
    UUIDs are compared without regard to case (RFC 4122; the neutral model keeps them in lower case,
    MedCom's example writes upper case) and base64 by the bytes it encodes (line breaks vary)."""
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    for element in root.iter():
        if element.text is not None and not element.text.strip() and len(element):
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        name = etree.QName(element).localname
        if name == "ObjectIdentifier" and element.text:
            element.text = element.text.lower()
        if name == "Object_Base64Encoded" and element.text:
            element.text = base64.b64encode(base64.b64decode(element.text)).decode()
    return etree.tostring(root, method="c14n")


def oioxml(message: CareMessage | AttachmentMessage | Receipt | Referral) -> bytes:
    if isinstance(message, CareMessage):
        return build_xdis91(message)
    if isinstance(message, Referral):
        return build_xref01(message)
    if isinstance(message, AttachmentMessage):
        return build_xbin01(message)
    return build_xctl(message)


# --- acceptance 1: MedCom's example pairs ---------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_edifact_example_gives_its_paired_oioxml(name: str) -> None:
    edifact, xml = _pair(name)
    (message,) = read_edifact(edifact)
    assert canonical(oioxml(message)) == canonical(xml)


@pytest.mark.parametrize("name", NAMES)
def test_oioxml_example_gives_its_paired_edifact_segment_by_segment(name: str) -> None:
    edifact, xml = _pair(name)
    (message,) = parse_all(xml)
    assert segments(build_edifact(message)) == segments(edifact)


@pytest.mark.parametrize("name", NAMES)
def test_edifact_example_is_valid_with_its_kind(name: str) -> None:
    edifact, _ = _pair(name)
    report = validate(edifact)
    assert report.valid, report.to_text("en")
    assert report.kind is KINDS[name.partition("_")[0]]


def test_convert_command_gives_the_pairs_both_ways(tmp_path: Path) -> None:
    _pair("DIS91_1")
    inputs = [str(PAIRS / "edifact" / f"{name}.edi") for name in NAMES]
    assert main(["convert", "--to", "oioxml", "--out", str(tmp_path / "xml"), *inputs]) == 0
    written = messages_in(tmp_path / "xml")
    assert len(written) == len(NAMES)
    by_content = {canonical(p.read_bytes()) for p in written}
    assert by_content == {canonical((PAIRS / "xml" / f"{name}.xml").read_bytes()) for name in NAMES}
    assert main(["convert", "--to", "edifact", "--out", str(tmp_path / "edi"), *map(str, written)]) == 0
    back = sorted(segments(p.read_bytes()) for p in messages_in(tmp_path / "edi"))
    assert back == sorted(segments((PAIRS / "edifact" / f"{n}.edi").read_bytes()) for n in NAMES)


def test_dis91_converts_to_carecommunication_and_back_to_edifact(tmp_path: Path) -> None:
    _pair("DIS91_2")
    sor = ["--sor", "5790000121526=1234561000016001", "--sor", "5790000120314=1234561000016002"]
    fhir, back = tmp_path / "fhir", tmp_path / "back"
    assert (
        main(["convert", "--to", "fhir", *sor, "--out", str(fhir), str(PAIRS / "edifact" / "DIS91_2.edi")])
        == 0
    )
    (carecommunication,) = messages_in(fhir)
    assert main(["convert", "--to", "edifact", "--out", str(back), str(carecommunication)]) == 0
    (dis91,) = messages_in(back)
    report = validate(dis91)
    assert report.valid
    assert report.kind is Kind.DIS91
    (message,) = parse_all(dis91)
    assert isinstance(message, CareMessage)
    assert "Fysioterapeut K. Ryggesen" in message.segments[0].text


def test_an_edifact_file_cannot_be_converted_to_edifact(tmp_path: Path) -> None:
    _pair("DIS91_1")
    assert (
        main(["convert", "--to", "edifact", "--out", str(tmp_path), str(PAIRS / "edifact" / "DIS91_1.edi")])
        == 1
    )


# --- acceptance 3: broken envelopes -----------------------------------------------------------------

GOOD = (
    b"UNA:+.? 'UNB+UNOC:3+5790000121526:14+5790000120314:14+140115:1210+ENV1++++0'"
    b"UNH+MSG1+CONTRL:D:93A:ZZ:C0330Q+CTL03'UCI+E9+5790000120314:14+5790000121526:14+7'"
    b"UCM+L9+MEDDIS:D:93A:UN:D9134L+7'UNT+4+MSG1'UNZ+1+ENV1'"
)


def _errors(data: bytes) -> list[tuple[str, str]]:
    _kind, issues = validate_edifact(data)
    return [(i.rule, i.location or "") for i in issues if i.severity.value == "error"]


def test_the_envelope_fixture_is_valid() -> None:
    assert _errors(GOOD) == []


@pytest.mark.parametrize(
    ("broken", "rule", "segment"),
    [
        (
            GOOD.replace(b"UNB+UNOC:3+5790000121526:14+5790000120314:14+140115:1210+ENV1++++0'", b""),
            "edifact.unb-missing",
            "UNH",
        ),
        (
            GOOD.replace(b"UNH+", b"UNB+UNOC:3+5790000121526:14+5790000120314:14+140115:1210+ENV2'UNH+"),
            "edifact.unb-repeated",
            "UNB",
        ),
        (GOOD.replace(b"UNT+4+MSG1'", b""), "edifact.unt-missing", "UNH"),
        (GOOD.replace(b"UNT+4+", b"UNT+5+"), "edifact.unt-count", "UNT"),
        (GOOD.replace(b"UNT+4+MSG1", b"UNT+4+MSG2"), "edifact.unt-reference", "UNT"),
        (GOOD.replace(b"UNZ+1+", b"UNZ+2+"), "edifact.unz-count", "UNZ"),
        (GOOD.replace(b"UNZ+1+ENV1", b"UNZ+1+ENV9"), "edifact.unz-reference", "UNZ"),
        (GOOD.replace(b"UNZ+1+ENV1'", b""), "edifact.unz-missing", "UNT"),
        (GOOD.replace(b"UNOC:3", b"UNOA:2"), "edifact.syntax-identifier", "UNB"),
        (GOOD.replace(b"UCM+L9", b"UCM+L\x079"), "edifact.character-set", "UCM"),
    ],
    ids=[
        "no-unb",
        "two-unb",
        "unh-without-unt",
        "unt-count",
        "unt-reference",
        "unz-count",
        "unz-reference",
        "no-unz",
        "syntax-identifier",
        "control-character",
    ],
)
def test_broken_envelope_names_rule_and_segment(broken: bytes, rule: str, segment: str) -> None:
    report = validate(broken)
    assert report.to_text("da")
    assert report.to_text("en")  # every template renders with its parameters
    errors = _errors(broken)
    assert any(found == rule and f" {segment} " in location for found, location in errors), errors


def test_utf8_text_under_unoc_is_a_warning_but_latin1_danish_is_not() -> None:
    _kind, issues = validate_edifact(GOOD.replace(b"UCM+L9", "UCM+Lø".encode()))
    assert [(i.rule, i.severity.value) for i in issues] == [("edifact.utf8", "warning")]
    assert "segment 4 UCM" in (issues[0].location or "")
    _kind, issues = validate_edifact(GOOD.replace(b"UCM+L9", "UCM+LÆ½ø".encode("latin-1")))
    assert issues == []


def test_issue_location_gives_segment_number_line_and_column() -> None:
    broken = GOOD.replace(b"'UNT+4+", b"'\nUNT+5+")
    kind, issues = validate_edifact(broken)
    (issue,) = [i for i in issues if i.rule == "edifact.unt-count"]
    assert issue.location == "segment 5 UNT (kolonne/column 1)"
    assert issue.line == 2
    assert kind is Kind.CTL03


def test_unimplemented_medcom_message_is_named() -> None:
    dis20 = GOOD.replace(b"CONTRL:D:93A:ZZ:C0330Q+CTL03", b"MEDDIS:D:93A:UN:D2030C+DIS20")
    report = validate(dis20)
    assert not report.valid
    assert report.kind is Kind.UNKNOWN
    (issue,) = [i for i in report.issues if i.rule == "edifact.message-unsupported"]
    assert "DIS20" in issue.message("en")
    with pytest.raises(ParseError, match="DIS20"):
        parse_all(dis20)


# --- syntax ---------------------------------------------------------------------------------------


def test_una_changes_the_separators() -> None:
    custom = (
        GOOD.replace(b"UNA:+.? '", b"UNA|*.# ~").replace(b"'", b"~").replace(b"+", b"*").replace(b":", b"|")
    )
    assert segments(custom) == segments(GOOD)
    assert _errors(custom) == []


def test_release_character_round_trips_every_service_character() -> None:
    value = "a?b'c+d:e??"
    written = write_segments([read_segments(b"FTX+X'").segments[0].__class__("FTX", [["NC"], [value]])])
    assert written.endswith(b"FTX+NC+a??b?'c?+d?:e????'")
    (segment,) = read_segments(written).segments
    assert segment.get(2) == value


def test_unterminated_segment_and_dangling_release_are_issues_not_exceptions() -> None:
    for data in (b"UNB+UNOC:3+1:14+2:14+140115:1210+E'UNH+M+X", b"UNB+UNOC:3?", b"UNA", b"UNA:+.? 'UNB+?'"):
        kind, issues = validate_edifact(data)
        assert issues
        assert kind is Kind.UNKNOWN


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(alphabet="UNABHTZ+:?'. \n0123SFTXø", max_size=200).map(str.encode))
def test_hostile_input_never_raises(data: bytes) -> None:
    report = validate(b"UNB" + data)
    assert report.to_text("da")
    assert report.to_text("en")
    with contextlib.suppress(ParseError):
        parse_all(b"UNB" + data)


def test_reading_is_linear() -> None:
    import gc

    def cost(n: int) -> float:
        data = GOOD.replace(b"UCM+L9+MEDDIS:D:93A:UN:D9134L+7'", b"UCM+L9+MEDDIS:D:93A:UN:D9134L+7'" * n)
        best = float("inf")
        gc.disable()  # collections of the many segment objects would add noise, not complexity
        try:
            for _ in range(7):
                start = time.process_time()
                validate_edifact(data)
                best = min(best, time.process_time() - start)
        finally:
            gc.enable()
        return best

    small, large = cost(3000), cost(12000)
    assert large < 8 * small  # linear gives 4x; quadratic would give 16x


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "Kort tekst.\n",
        "Linje et\n\nLinje tre efter en tom linje\n",
        "{Bold}fed{/Bold} og {Italic}kursiv{/Italic} og {Underline}understreget{/Underline}\n",
        "{Center}midten{/Center}{Right}højre{/Right}tekst\n",
        "{FixedFont}fast {Bold}og fed{/Bold}{/FixedFont}\n",
        "Æblegrød ? ' + : med frigivelsestegn\n",
        ("ord " * 60) + "\n",
        "x" * 200 + "\n",
    ],
)
def test_ftx_text_keeps_every_styled_character_and_is_stable(markup: str) -> None:
    """Lines of at most 70 characters, five to an FTX; every character keeps its style. Line breaks
    may move: as in MedCom's converter, aligned text gets lines of its own (and so gains empty
    lines on each trip) and a paragraph's last line break belongs to its style. Without alignment
    the layout is stable after one trip."""
    blocks = write_text(markup)
    assert all(len(line) <= 70 for block in blocks for line in block.lines)
    assert all(len(block.lines) <= 5 for block in blocks)
    text, unknown = read_text([(block.code, list(block.lines)) for block in blocks])
    assert unknown == []
    assert _styled(text) == _styled(markup)
    if "{Center}" not in markup and "{Right}" not in markup:
        assert write_text(text) == blocks


def _styled(markup: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(char, run.styles) for run in to_runs(markup) for char in run.text or " " if char != "\n"]


def test_character_outside_latin1_is_refused_when_building() -> None:
    _pair("DIS91_1")
    (message,) = read_edifact((PAIRS / "edifact" / "DIS91_1.edi").read_bytes())
    assert isinstance(message, CareMessage)
    from dataclasses import replace

    euro = replace(message, topic="Pris i €")
    with pytest.raises(BuildError, match="U\\+20AC"):
        build_edifact(euro)


def test_separators_default_to_unoc_service_characters() -> None:
    assert Separators().una() == "UNA:+.? '"


# --- rules: the same mistake, the same explanation ------------------------------------------------


def test_same_mistake_gets_same_explanation_as_in_oioxml() -> None:
    edifact, xml = _pair("DIS91_2")
    bad_edifact = edifact.replace(b"2512484916", b"3102484916")  # 31 February
    bad_xml = xml.replace(b"2512484916", b"3102484916")
    ours = {i.rule.partition(".")[2]: i.message("en", mask=False) for i in validate(bad_edifact).issues}
    twin = {i.rule.partition(".")[2]: i.message("en", mask=False) for i in validate(bad_xml).issues}
    assert "cpr-date" in ours
    assert ours["cpr-date"] == twin["cpr-date"]


def test_segment_order_and_values_are_checked() -> None:
    edifact, _ = _pair("DIS91_2")
    missing = edifact.replace(b"PAS+POT'", b"").replace(b"UNT+29+", b"UNT+28+")
    assert ("edifact.segment-missing", "S14") in {
        (i.rule, (i.location or "").split()[2]) for i in validate(missing).issues
    }
    doubled = edifact.replace(b"BGM+EPI++9+NA'", b"BGM+EPI++9+NA'BGM+EPI++9+NA'").replace(
        b"UNT+29+", b"UNT+30+"
    )
    assert "edifact.segment-unexpected" in validate(doubled).rules()
    long_name = edifact.replace(b"FYS-KLINIKKEN", b"F" * 36)
    assert "edifact.value-length" in validate(long_name).rules()
    bad_date = edifact.replace(b"DTM+137:201401151202:203", b"DTM+137:201402301202:203")
    assert "edifact.date" in validate(bad_date).rules()
    bad_code = edifact.replace(b"PAS+POT", b"PAS+XYZ")
    report = validate(bad_code)
    assert not report.valid
    assert "edifact.parse" in report.rules()


def test_a_check_that_breaks_becomes_an_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    from medcomkit.edifact import validate as edifact_validate

    def broken(*_: object) -> None:
        raise IndexError("simulated")

    monkeypatch.setattr(edifact_validate, "_values", broken)
    report = validate(GOOD)
    assert "edifact.check-failed" in report.rules()
    assert "IndexError" in report.to_text("en")


def test_mutated_examples_never_raise() -> None:
    """Segments deleted, doubled, cut or swapped in MedCom's examples: a report, never a traceback."""
    import random

    _pair("DIS91_1")
    chooser = random.Random(15)
    examples = [(PAIRS / "edifact" / f"{name}.edi").read_bytes() for name in NAMES if name != "BIN01_5"]
    for _ in range(300):
        pieces = chooser.choice(examples).split(b"'")
        index = chooser.randrange(len(pieces))
        operation = chooser.randrange(4)
        if operation == 0:
            del pieces[index]
        elif operation == 1:
            pieces.insert(index, chooser.choice(pieces))
        elif operation == 2:
            pieces[index] = pieces[index][: chooser.randrange(len(pieces[index]) + 1)]
        else:
            other = chooser.randrange(len(pieces))
            pieces[index], pieces[other] = pieces[other], pieces[index]
        mutated = b"'".join(pieces)
        report = validate(mutated)
        assert "edifact.check-failed" not in report.rules(), report.to_text("en")
        with contextlib.suppress(ParseError):
            parse_all(mutated)


# --- demo and conversion with attachments ---------------------------------------------------------


def test_demo_km_as_edifact_converts_with_its_attachment_to_fhir(tmp_path: Path) -> None:
    assert main(["demo", "km", "--syntax", "edifact", "--out", str(tmp_path / "demo")]) == 0
    dis91, bin01 = tmp_path / "demo" / "km-dis91.edi", tmp_path / "demo" / "km-bin01.edi"
    assert (validate(dis91).kind, validate(bin01).kind) == (Kind.DIS91, Kind.BIN01)
    assert validate(dis91).valid
    assert validate(bin01).valid
    out = tmp_path / "fhir"
    assert (
        main(["convert", "--to", "fhir", "--registry", "demo", "--out", str(out), str(dis91), str(bin01)])
        == 0
    )
    (bundle,) = messages_in(out)
    (message,) = parse_all(bundle)
    assert isinstance(message, CareMessage)
    pdf = (tmp_path / "demo" / "forloebsplan.pdf").read_bytes()
    assert [a.data for a in message.attachments] == [pdf]


def test_demo_referral_as_edifact_is_what_dnhf_sends(tmp_path: Path) -> None:
    assert main(["demo", "referral", "--syntax", "edifact", "--out", str(tmp_path)]) == 0
    ref01, bin01 = tmp_path / "henvisning-ref01.edi", tmp_path / "henvisning-bin01.edi"
    assert validate(ref01).valid
    assert validate(ref01).kind is Kind.REF01
    assert validate(bin01).valid
    (referral,) = parse_all(ref01)
    (attachments,) = parse_all(bin01)
    assert isinstance(referral, Referral)
    assert isinstance(attachments, AttachmentMessage)
    assert {a.identifier for a in referral.attachments} == {a.identifier for a in attachments.attachments}
    # REF01 is H0130R: the newer XH0131R cannot be written as EDIFACT, and says why.
    assert (
        main(
            ["demo", "referral", "--syntax", "edifact", "--version", "XH0131R", "--out", str(tmp_path / "x")]
        )
        == 2
    )


def test_selftest_xdis91_protocol_accepts_edifact_messages(tmp_path: Path) -> None:
    """A GP system that sends DIS91 + BIN01 and answers with CTL receipts passes the protocol."""
    from medcomkit.receipts import receipt_for
    from medcomkit.selftest import Outcome, Protocol, inputs_for, run_selftest

    dis91, bin01, _ = write_demo_km(tmp_path / "demo", syntax="edifact")
    folder = tmp_path / "selftest"
    folder.mkdir()
    (folder / "XDIS91-A-km.edi").write_bytes(dis91.read_bytes())
    (folder / "XDIS91-B-km.edi").write_bytes(dis91.read_bytes())
    (folder / "XDIS91-B-km-bilag.edi").write_bytes(bin01.read_bytes())
    for item in inputs_for(Protocol.XDIS91).files:
        (received,) = parse_all(item.data)
        assert isinstance(received, CareMessage | AttachmentMessage)
        (folder / f"XDIS91-C-kvittering-{Path(item.name).stem}.edi").write_bytes(
            build_edifact(receipt_for(received))
        )
    result = run_selftest(Protocol.XDIS91, folder)
    assert [c.outcome for c in result.results] == [Outcome.PASSED] * 3, result.to_text("en")


# --- the journal ----------------------------------------------------------------------------------


def test_journal_stores_edifact_and_matches_ctl_receipts(tmp_path: Path) -> None:
    from datetime import timedelta

    from medcomkit import Archive, State, receipt_for
    from medcomkit.model import ReceiptKind, RefuseReason

    dis91, bin01, _ = write_demo_km(tmp_path / "demo", syntax="edifact")
    (letter,) = parse_all(dis91)
    assert isinstance(letter, CareMessage)
    negative = build_edifact(receipt_for(letter, kind=ReceiptKind.NEGATIVE, reason=RefuseReason.SYNTAX_ERROR))
    with Archive(tmp_path / "journal.db") as journal:
        sent = journal.add(dis91, direction="sent")[0]
        binary = journal.add(bin01, direction="sent")[0]
        answer = journal.add(negative, direction="received")[0]
        assert (sent.kind, binary.kind, answer.kind) == (Kind.DIS91, Kind.BIN01, Kind.CTL02)
        assert [e.id for e in journal.linked(sent.entry)] == [binary.entry]
        assert [r.id for r in journal.receipts(sent.entry)] == [answer.entry]
        later = letter.envelope.sent + timedelta(days=3)
        assert journal.status(sent.entry, now=later).state is State.NEGATIVE
        assert journal.add(dis91, direction="sent")[0].entry == sent.entry  # stored once


# --- the fast path ----------------------------------------------------------------------------------


def test_fast_path_takes_clean_dis91_and_leaves_the_rest_to_full_validation() -> None:
    from medcomkit.edifact.fast import dis91_without_issues

    edifact, _ = _pair("DIS91_2")
    assert dis91_without_issues(edifact)  # MedCom's example, with released characters
    assert not dis91_without_issues(_pair("DIS91_1")[0])  # two EAN check-digit warnings …
    from medcomkit.edifact.fast import fast_dis91

    warnings = fast_dis91(_pair("DIS91_1")[0])  # … which the fast path places as the full one does
    assert warnings is not None
    assert [i.rule for i in warnings] == ["edifact.ean-check-digit"] * 2
    assert not dis91_without_issues(edifact.replace(b"UNT+29+", b"UNT+28+"))
    assert not dis91_without_issues(
        edifact.replace(b"FTX+OE+P00++Undtagelsesredeg", b"FTX+OE+P00++.:Undtagelsesredeg")
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    markups(),
    text(1, 70),
    text(1, 70),
    st.text("0123456789", min_size=10, max_size=10),
    st.sampled_from(["5790000121526", "5790000120400"]),  # a right and a wrong check digit
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.sampled_from(
                [b"", b"?", b"'", b"+", b":", b".", b"\n", b"0", b"X", b"\xf8", b"\x07", b"S14+14'"]
            ),
        ),
        max_size=3,
    ),
)
def test_fast_path_never_hides_an_issue(
    markup: str, topic: str, surname: str, cpr: str, ean: str, edits: list[tuple[int, bytes]]
) -> None:
    """Whatever the fast path answers, full validation answers with the very same issues. The
    messages are MedCom's clean DIS91 example with generated text, subject, name and CPR, then
    bytes edited."""
    from dataclasses import replace

    from medcomkit.edifact.fast import fast_dis91
    from medcomkit.edifact.validate import validate_in_full
    from medcomkit.model import PersonId, PersonIdKind

    (message,) = read_edifact(_pair("DIS91_2")[0])
    assert isinstance(message, CareMessage)
    patient = replace(message.patient, family_name=surname, identifier=PersonId(PersonIdKind.CPR, cpr))
    sender = replace(message.sender, ean=ean)
    message = replace(message, patient=patient, sender=sender, topic=topic, segments=(TextSegment(markup),))
    try:
        data = build_edifact(message, check=False)
    except BuildError:
        return  # e.g. a tab in the text, which UNOC cannot carry
    candidates = [data]
    for position, piece in edits:
        at = position % (len(data) + 1)
        data = data[:at] + piece + data[at + 1 :]
        candidates.append(data)
    for candidate in candidates:
        found = fast_dis91(candidate)
        if found is not None:
            assert found == validate_in_full(candidate)[1], candidate


def test_attachment_references_are_checked_as_in_oioxml() -> None:
    from dataclasses import replace

    from medcomkit.model import Attachment

    (message,) = read_edifact(_pair("DIS91_2")[0])
    assert isinstance(message, CareMessage)
    pdf = Attachment(
        title="Plan",
        identifier="5e0f6d9c-3a1b-4c8e-9f21-7b6a4d2c1e90",
        file_type="pdf",
        object_code="billede",
        size=10,
    )
    twice = replace(message, attachments=(pdf, replace(pdf, title="Plan igen")))
    report = validate(build_edifact(twice, check=False))
    assert {"edifact.attachment-id-duplicate", "edifact.object-code"} <= report.rules()
    with pytest.raises(BuildError, match="more than once"):
        build_edifact(twice)
    (back,) = read_edifact(
        build_edifact(replace(message, attachments=(replace(pdf, object_code="vektor_grafik"),)))
    )
    assert isinstance(back, CareMessage)
    assert back.attachments == (replace(pdf, object_code="vektor_grafik"),)
