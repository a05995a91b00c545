"""No XML reader resolves anything a message names: a DOCTYPE, an external entity, a parameter
entity or an XInclude gets the same answer whatever it points at — a missing file, an existing
one, a FIFO, /dev/zero or a URL — in every encoding the parser accepts, at once.

Each surface runs in a child process with a timeout: a reader that opened the FIFO or read
/dev/zero would hang the child, and the timeout turns that into a failure instead of a stalled run.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_xml import ENCODINGS, FEW_ENCODINGS, ROOTS, attacks, encode, envelope_around
from hypothesis import given, settings
from hypothesis import strategies as st

import medcomkit
from medcomkit import MedcomkitError, ParseError
from medcomkit.xmlsafe import DTD_FORBIDDEN, check_prolog, parse_xml

TESTS = Path(__file__).resolve().parents[1]  # hostile_xml.py lives there
DTD = "xml.dtd-forbidden"
CHILD_TIMEOUT = 120  # seconds for a whole batch; each file must answer in well under a second
PER_FILE = 1.0


@dataclass(frozen=True)
class Targets:
    missing: Path
    existing: Path
    fifo: Path
    url: str

    def uris(self) -> dict[str, str]:
        return {
            "missing file": self.missing.as_uri(),
            "existing file": self.existing.as_uri(),
            "fifo": self.fifo.as_uri(),
            "/dev/zero": "file:///dev/zero",
            "url": self.url,
            "bare path": str(self.existing),
        }


@pytest.fixture
def targets(tmp_path: Path, listener: socket.socket) -> Targets:
    existing = tmp_path / "secret" / "existing.dtd"
    existing.parent.mkdir()
    existing.write_text('<!ENTITY y "hemmelig">\n<!ELEMENT Emessage ANY>\n')
    fifo = tmp_path / "secret" / "fifo"
    os.mkfifo(fifo)
    port = listener.getsockname()[1]
    return Targets(tmp_path / "secret" / "missing.dtd", existing, fifo, f"http://127.0.0.1:{port}/x.dtd")


def _write_cases(
    folder: Path, targets: Targets, root: str, encodings: tuple[str, ...], wrap: int = 0
) -> dict[tuple[str, str, str], Path]:
    """Files per (attack, encoding, target); ``wrap`` nests each in that many VANSEnvelopes."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[tuple[str, str, str], Path] = {}
    for target, uri in targets.uris().items():
        for attack, text in attacks(uri, ROOTS[root]).items():
            for encoding in encodings:
                data = encode(text, encoding)
                for _ in range(wrap):
                    data = envelope_around(data)
                path = folder / f"case{len(files)}.xml"
                path.write_bytes(data)
                files[(attack, encoding, target)] = path
    return files


def _run(surface: str, work: Path, paths: list[Path]) -> dict[str, tuple[str, float]]:
    code = "import hostile_xml; hostile_xml.main()"
    command = [sys.executable, "-c", code, surface, str(work), *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{surface}: the child hung — a reader opened the FIFO or read /dev/zero")
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, tuple[str, float]] = json.loads(done.stdout)
    return result


def _check_same_answer(
    files: dict[tuple[str, str, str], Path],
    results: dict[str, tuple[str, float]],
    expected: str | None,
    listener: socket.socket,
) -> None:
    answers: dict[tuple[str, str], dict[str, str]] = {}
    for (attack, encoding, target), path in files.items():
        verdict, seconds = results[str(path)]
        assert not verdict.startswith("EXCEPTION"), f"{attack}/{encoding}/{target}: {verdict}"
        assert seconds < PER_FILE, f"{attack}/{encoding}/{target} took {seconds:.2f} s"
        answers.setdefault((attack, encoding), {})[target] = verdict
    for (attack, encoding), by_target in answers.items():
        assert len(set(by_target.values())) == 1, (
            f"{attack}/{encoding}: answers differ by target: {by_target}"
        )
        if expected is not None and attack != "xinclude":
            assert expected in next(iter(by_target.values())).split(","), (attack, encoding, by_target)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing connected


# --- the parser itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_a_plain_document_parses_in_every_accepted_encoding(encoding: str) -> None:
    data = encode(ROOTS["oioxml"].format(body="<Letter>æøå</Letter>"), encoding)
    root = parse_xml(data).root
    assert root[-1].text == "æøå"
    assert root[0][0].text == "hø"


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_doctype_is_refused_before_the_parser_sees_it(encoding: str, targets: Targets) -> None:
    for uri in targets.uris().values():
        for attack, text in attacks(uri, ROOTS["oioxml"]).items():
            if attack == "xinclude":
                continue
            start = time.perf_counter()
            with pytest.raises(ParseError) as raised:
                check_prolog(encode(text, encoding))
            assert raised.value.code == DTD, (attack, encoding)
            assert time.perf_counter() - start < 0.05


def test_a_doctype_after_a_prolog_longer_than_any_fixed_window_is_found(tmp_path: Path) -> None:
    text = "<!--" + "x" * 3_000_000 + "-->" + "<?a b?>" * 10_000 + '<!DOCTYPE a SYSTEM "/dev/zero"><a/>'
    for encoding in ("utf-8", "utf-16le with BOM", "utf-32be"):
        data = encode(text, encoding)
        with pytest.raises(ParseError) as raised:
            parse_xml(data)
        assert raised.value.code == DTD
        path = tmp_path / "long.xml"
        path.write_bytes(data)
        with pytest.raises(ParseError) as raised:
            check_prolog(path)
        assert raised.value.code == DTD


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # libxml2 would switch to these after the declaration and read the rest differently.
        (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE a+AD4-<a/>', "xml.encoding-unsupported"),
        (b'<?xml version="1.0" encoding="ISO-2022-JP"?><a/>', "xml.encoding-unsupported"),
        ('<?xml version="1.0" encoding="cp037"?><a/>'.encode("cp037"), "xml.not-xml"),
        (b'<?xml version="1.0" encoding="UTF-16"?><a/>', "xml.encoding-conflict"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'.encode("utf-16"), "xml.encoding-conflict"),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-32"), "xml.encoding-conflict"),
        (b'<?xml version="1.0"?><!-- <!DOCTYPE a SYSTEM "/dev/zero"> <a/>', "xml.prolog-unfinished"),
        (b'<?xml version="1.0"<!DOCTYPE a SYSTEM "/dev/zero"><a/>', "xml.prolog-unfinished"),
        (b"\x00\x00<\x00\x00\x00?\x00", "xml.not-xml"),
        (b" \x00" + '<!DOCTYPE a SYSTEM "/dev/zero"><a/>'.encode("utf-16-le"), "xml.malformed"),
        (b" \x00\x00\x00" + '<!DOCTYPE a SYSTEM "/dev/zero"><a/>'.encode("utf-32-le"), "xml.malformed"),
        (b'<?xml version="1.0"?><![CDATA[x]]><a/>', "xml.malformed"),
        (b'<?xml version="1.0"?><!doctype a SYSTEM "/dev/zero"><a/>', DTD),
        (b'<?xml version="1.0"?><!ENTITY x SYSTEM "/dev/zero"><a/>', DTD),
    ],
)
def test_a_prolog_that_cannot_be_read_safely_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_xml(data)
    assert raised.value.code == code
    assert raised.value.message("da") != raised.value.message("en")


@pytest.mark.parametrize(
    "data", [b'<?xml version="1.0"?>', b'<?xml version="1.0"?>\n  ', b"<!-- x -->", b"<"]
)
def test_a_prolog_without_a_root_element_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError) as raised:
        parse_xml(data)
    assert raised.value.code in {"xml.empty", "xml.malformed"}


def test_comments_and_processing_instructions_before_the_root_are_fine() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment> -->\n<?pi <!DOCTYPE?>\n<a>x</a>'
    assert parse_xml(data).root.text == "x"


def test_the_refusal_names_the_rule_in_both_languages() -> None:
    with pytest.raises(ParseError) as raised:
        parse_xml(b'<!DOCTYPE a SYSTEM "/etc/passwd"><a/>')
    assert raised.value.code == DTD_FORBIDDEN.id
    assert "DOCTYPE" in raised.value.message("da")
    assert "DOCTYPE" in raised.value.message("en")


# --- every reader, through the API -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "root", "wrap", "encodings", "expected"),
    [
        ("validate", "oioxml", 0, tuple(ENCODINGS), DTD),
        ("parse", "oioxml", 0, FEW_ENCODINGS, DTD),
        ("convert", "oioxml", 0, FEW_ENCODINGS, DTD),
        ("archive", "oioxml", 0, FEW_ENCODINGS, "archive.not-a-message"),
        ("validate", "fhir", 0, FEW_ENCODINGS, DTD),
        ("convert", "fhir", 0, FEW_ENCODINGS, DTD),
        ("validate", "envelope", 0, FEW_ENCODINGS, DTD),
        ("unwrap", "envelope", 0, FEW_ENCODINGS, DTD),
        ("archive", "envelope", 0, FEW_ENCODINGS, "archive.not-a-message"),
        ("validate", "oioxml", 1, FEW_ENCODINGS, None),
        ("validate", "oioxml", 2, FEW_ENCODINGS, None),
        ("unwrap", "oioxml", 1, FEW_ENCODINGS, None),
        ("archive", "oioxml", 1, FEW_ENCODINGS, None),
        ("archive", "oioxml", 2, FEW_ENCODINGS, None),
        ("sor", "sor", 0, FEW_ENCODINGS, DTD),
    ],
)
def test_every_reader_gives_one_answer_whatever_the_doctype_names(
    surface: str,
    root: str,
    wrap: int,
    encodings: tuple[str, ...],
    expected: str | None,
    tmp_path: Path,
    targets: Targets,
    listener: socket.socket,
) -> None:
    files = _write_cases(tmp_path / "in", targets, root, encodings, wrap)
    results = _run(surface, tmp_path, list(files.values()))
    _check_same_answer(files, results, expected, listener)


def test_a_hostile_payload_inside_an_envelope_is_reported_by_validate(targets: Targets) -> None:
    payload = encode(attacks(targets.uris()["fifo"], ROOTS["oioxml"])["parameter entity"], "utf-16be")
    for depth in (1, 2):
        data = payload
        for _ in range(depth):
            data = envelope_around(data)
        report = medcomkit.validate_bytes(data)
        assert DTD in {issue.rule for issue in report.issues}, (depth, report.to_dict("en"))


# --- every command, through the CLI -----------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "medcomkit", *args],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"medcomkit {args[0]} hung — it opened the FIFO or read /dev/zero")


def _cli_cases(tmp_path: Path, targets: Targets, root: str, wrap: int = 0) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for target, uri in targets.uris().items():
        for encoding in ("utf-8", "utf-16le"):
            data = encode(attacks(uri, ROOTS[root])["parameter entity"], encoding)
            for _ in range(wrap):
                data = envelope_around(data)
            path = tmp_path / "cli" / f"{root}-{wrap}-{len(files)}.xml"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            files[f"{target}/{encoding}"] = path
    return files


def _same_message_per_file(output: str, files: dict[str, Path]) -> str:
    """The one message every file got (its path taken out), asserting it is the same for all."""
    messages = {}
    for name, path in files.items():
        lines = [line.replace(str(path), "FILE") for line in output.splitlines() if str(path) in line]
        lines = [re.sub(r"entry \d+", "entry N", line) for line in lines]
        messages[name] = "\n".join(lines)
    assert len(set(messages.values())) == 1, messages
    return next(iter(messages.values()))


def test_cli_validate_answers_every_doctype_alike(
    tmp_path: Path, targets: Targets, listener: socket.socket
) -> None:
    files = _cli_cases(tmp_path, targets, "oioxml") | _cli_cases(tmp_path, targets, "oioxml", wrap=1)
    done = _cli("validate", "--format", "json", "--lang", "en", *map(str, files.values()))
    assert done.returncode == 1, done.stderr
    reports = {item["path"]: item for item in json.loads(done.stdout)}
    rules = {name: {i["rule"] for i in reports[str(path)]["issues"]} for name, path in files.items()}
    assert all(DTD in found for found in rules.values()), rules
    with pytest.raises(BlockingIOError):
        listener.accept()


@pytest.mark.parametrize(
    ("command", "root", "wrap"),
    [
        (("convert", "--to", "fhir", "--out", "{out}"), "oioxml", 0),
        (("vans", "unwrap", "--out", "{out}"), "envelope", 0),
        (("archive", "add", "--db", "{out}/journal.db", "--direction", "received"), "oioxml", 0),
        (("archive", "add", "--db", "{out}/journal.db", "--direction", "received"), "oioxml", 1),
    ],
)
def test_cli_commands_answer_every_doctype_alike(
    command: tuple[str, ...], root: str, wrap: int, tmp_path: Path, targets: Targets, listener: socket.socket
) -> None:
    files = _cli_cases(tmp_path, targets, root, wrap)
    out = tmp_path / "out"
    out.mkdir()
    args = [part.format(out=out) for part in command]
    if command[0] == "archive":
        done = _cli(*args, "--lang", "en", *map(str, files.values()))
        output = done.stdout + done.stderr
    else:  # one input per run
        output = ""
        for path in files.values():
            done = _cli(*args, "--lang", "en", str(path))
            output += f"{path}: {done.stdout}{done.stderr}\n"
    assert "Traceback" not in output
    message = _same_message_per_file(output, files)
    if wrap == 0:
        assert DTD_FORBIDDEN.text.en in message, output
    with pytest.raises(BlockingIOError):
        listener.accept()
    assert not list(out.glob("*.xml"))
    assert not list(out.glob("*.json"))


PROLOG_PIECES = st.sampled_from(
    [
        b"<?xml version='1.0'?>",
        b"<!--",
        b"-->",
        b"<?",
        b"?>",
        b"<!DOCTYPE a>",
        b"<a/>",
        b" ",
        b"\n",
        b"<",
        b"\x00",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xfe\xff",
        b'encoding="UTF-16"',
        b"<!",
        b"<![CDATA[",
        b"a",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PROLOG_PIECES, st.binary(max_size=6)), max_size=12).map(b"".join))
def test_any_bytes_get_an_answer_not_an_exception(data: bytes) -> None:
    try:
        parse_xml(data)
    except MedcomkitError as error:
        assert error.code  # noqa: PT017
