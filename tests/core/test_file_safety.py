"""A received message never chooses where medcomkit writes, and a failed write leaves nothing.

Every hostile input here is built by the test from medcomkit's own demo messages: an id or an
extension code is replaced by a path (``../../x``, an absolute path, a long run of ``../``), an
empty value or a name Windows reserves, and the message is sent through every command that
writes files. The files outside the chosen folder must be exactly those that were there before.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import messages_in

from medcomkit import UnsafePathError
from medcomkit.archive import Archive
from medcomkit.cli import main
from medcomkit.convert.files import convert_files
from medcomkit.demo import write_demo_carecommunication, write_demo_km
from medcomkit.files import FileBatch, resolve_inside, safe_name, write_inside
from medcomkit.vans import Mailbox, wrap

LONG = os.environ.get("MEDCOMKIT_LONG") == "1"  # `MEDCOMKIT_LONG=1 pytest ...` for a long run by hand
PROPERTIES = settings(
    max_examples=2000 if LONG else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PIPELINE = settings(
    max_examples=300 if LONG else 25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(10)),
    *(f"LPT{n}" for n in range(10)),
}
ESCAPE_NAME = "medcomkit-hostile-escape"  # what a long run of ../ aims at: /<this>


def hostile_ids(victim: Path) -> list[str]:
    """Values an attacker puts where medcomkit takes a file name from a message."""
    return [
        "../../x",
        "../../../victim/planted",
        str(victim / "planted"),  # an absolute path
        "../" * 40 + ESCAPE_NAME,
        "..\\..\\x",
        "",
        ".",
        "..",
        ".bashrc",
        "CON",
        "nul.txt",
        "COM1",
        "a/b/../../../c",
        "x" * 600,
        "ok\x00../../x",
    ]


def snapshot(root: Path, chosen: Path) -> set[str]:
    """Every file and folder under ``root`` except inside ``chosen``, as relative paths."""
    found = set()
    for path in root.rglob("*"):
        if path == chosen or chosen in path.parents or path in chosen.parents:
            continue  # the chosen folder, what is in it, and the folders on the way to it
        found.add(path.relative_to(root).as_posix())
    return found


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """(root, chosen output folder deep inside it, a victim folder an absolute path aims at)."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("untouched")
    chosen = tmp_path / "a" / "b" / "c" / "out"
    yield tmp_path, chosen, victim
    assert not Path("/", ESCAPE_NAME).exists()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("demo")
    return {p.name: p.read_bytes() for p in write_demo_km(folder) + write_demo_carecommunication(folder)}


def assert_only_inside(root: Path, chosen: Path, before: set[str]) -> None:
    assert snapshot(root, chosen) == before
    for path in chosen.rglob("*") if chosen.exists() else ():
        assert path.resolve().is_relative_to(chosen.resolve())
        assert not path.name.startswith("."), f"hidden or temporary file left: {path}"


# --- the helper itself ----------------------------------------------------------------------------


def check_component(name: str) -> None:
    assert name
    assert "/" not in name
    assert "\\" not in name
    assert "\0" not in name
    assert not name.startswith((".", " "))
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in WINDOWS_RESERVED
    assert re.fullmatch(r"[A-Za-z0-9æøåÆØÅ._()+\- ]+", name)
    assert len(name) <= 80 + 9


@given(st.text(max_size=300))
@PROPERTIES
def test_any_value_becomes_one_safe_component(value: str) -> None:
    name = safe_name(value)
    check_component(name)
    assert name == safe_name(value)  # stable: the same value always gets the same name


@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
@PROPERTIES
def test_different_values_keep_different_names(first: str, second: str) -> None:
    if first != second:
        assert safe_name(first) != safe_name(second) or safe_name(first) == first == second


def test_safe_names_for_the_attacks_in_the_issue(tmp_path: Path) -> None:
    assert safe_name("DEMOBREV000001") == "DEMOBREV000001"  # a plain id is kept as it is
    assert safe_name("Forløbsplan (2026)") == "Forløbsplan (2026)"
    for value in hostile_ids(tmp_path):
        name = safe_name(value, suffix=".xml")
        check_component(name.removesuffix(".xml"))
        assert resolve_inside(tmp_path, name).parent == tmp_path.resolve()
    assert safe_name("") == "fil"
    assert safe_name("", fallback="meddelelse") == "meddelelse"
    assert safe_name("CON").upper() != "CON"
    assert safe_name("con.txt").lower().startswith("_con")
    assert len(safe_name("x" * 10_000)) <= 89
    assert safe_name("../../x") != safe_name("_.._x")  # a hash tells replaced values apart


def test_write_inside_refuses_every_way_out(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "sub").mkdir(parents=True)
    (folder / "link").symlink_to(outside)
    (folder / "file-link").symlink_to(outside / "target")
    for name in ("../x", "/tmp/x", str(outside / "x"), "sub/../../x", "link/x", "file-link", "", ".", "a//b"):
        with pytest.raises(UnsafePathError) as refused:
            write_inside(folder, name, b"data")
        assert refused.value.code == "file.outside-folder"
        assert "uden for mappen" in refused.value.message("da")
        assert "outside the folder" in str(refused.value)
    assert list(outside.iterdir()) == []
    assert write_inside(folder, "sub/ok.txt", b"data").read_bytes() == b"data"


# --- every writing command, fed crafted messages --------------------------------------------------


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def crafted_xdis91(demo: dict[str, bytes], letter_id: str) -> bytes:
    return demo["km-xdis91.xml"].replace(b"DEMOBREV000001", _xml_text(letter_id))


def _xml_text(value: str) -> bytes:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace("\0", "")
    return escaped.encode("iso-8859-1", "replace")


def crafted_carecommunication(demo: dict[str, bytes], header_id: str) -> bytes:
    bundle = json.loads(demo["carecommunication-ny.json"])
    original = bundle["entry"][0]["resource"]["id"]
    text = json.dumps(bundle).replace(
        original, header_id.replace("\0", "").replace('"', "").replace("\\", "/")
    )
    return text.encode()


def test_convert_to_fhir_writes_only_inside_the_chosen_folder(
    sandbox: tuple[Path, Path, Path], demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    root, chosen, victim = sandbox
    inputs = root / "in"
    inputs.mkdir()
    (inputs / "bin.xml").write_bytes(demo["km-xbin01.xml"])
    before = snapshot(root, chosen)
    for number, letter_id in enumerate(hostile_ids(victim)):
        source = inputs / f"letter-{number}.xml"
        source.write_bytes(crafted_xdis91(demo, letter_id))
        before = snapshot(root, chosen)
        status, _out, err = run(
            ["convert", str(source), str(inputs / "bin.xml"), "--to", "fhir", "--out", str(chosen)], capsys
        )
        assert status in (0, 1), err
        assert_only_inside(root, chosen, before)
    written = [p.name for p in messages_in(chosen)]
    assert any(name.endswith(".carecommunication.json") for name in written)
    # An XBIN01 whose letter was refused is passed on unconverted, as MedCom's service does.
    assert all(name.endswith((".carecommunication.json", ".xbin01.xml")) for name in written)


def test_an_empty_letter_identifier_writes_no_hidden_file(
    sandbox: tuple[Path, Path, Path], demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    root, chosen, _ = sandbox
    source = root / "empty-id.xml"
    source.write_bytes(crafted_xdis91(demo, ""))
    status, _out, _ = run(["convert", str(source), "--to", "fhir", "--out", str(chosen)], capsys)
    # Converted under a visible fallback name, or refused as invalid: never a hidden file.
    written = [p.name for p in messages_in(chosen)]
    assert written == (["meddelelse.carecommunication.json"] if status == 0 else [])
    assert not any(p.name.startswith(".") for p in chosen.iterdir())


def test_convert_to_oioxml_writes_only_inside_the_chosen_folder(
    sandbox: tuple[Path, Path, Path], demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    root, chosen, victim = sandbox
    for number, header_id in enumerate(hostile_ids(victim)):
        source = root / f"cc-{number}.json"
        source.write_bytes(crafted_carecommunication(demo, header_id))
        before = snapshot(root, chosen)
        status, _, err = run(["convert", str(source), "--to", "oioxml", "--out", str(chosen)], capsys)
        assert status in (0, 1), err
        assert_only_inside(root, chosen, before)
    assert any(p.name.endswith(".xdis91.xml") for p in chosen.iterdir())


def test_archive_export_writes_attachments_only_inside_the_chosen_folder(
    sandbox: tuple[Path, Path, Path], demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    root, chosen, victim = sandbox
    codes = ["pdf/../../x", "../" * 40 + ESCAPE_NAME, str(victim / "planted"), "", "CON", ".", "pdf\\..\\x"]
    for number, code in enumerate(codes):
        journal = root / f"journal-{number}.db"
        binary = demo["km-xbin01.xml"].replace(
            b"<ObjectExtensionCode>pdf</ObjectExtensionCode>",
            b"<ObjectExtensionCode>" + _xml_text(code) + b"</ObjectExtensionCode>",
        )
        title = crafted_xdis91(demo, "DEMOBREV000001")
        Archive(journal).close()
        with Archive(journal) as archive:
            archive.add(title, direction="received")
            archive.add(binary, direction="received")
        before = snapshot(root, chosen)
        target = chosen / str(number)
        for entry in ("1", "2"):
            status, _, err = run(
                ["archive", "show", "--db", str(journal), entry, "--export", str(target / entry)], capsys
            )
            assert status == 0, err
        assert_only_inside(root, chosen, before)
        attachments = list((target / "2" / "bilag").iterdir())
        assert len(attachments) == 1
        assert attachments[0].read_bytes().startswith(b"%PDF")


def test_vans_unwrap_and_the_mailbox_write_only_inside_their_folders(
    sandbox: tuple[Path, Path, Path], demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    root, chosen, victim = sandbox
    envelope = wrap(demo["km-xdis91.xml"])
    identifier = re.search(rb"<EnvelopeIdentifier>([^<]+)</EnvelopeIdentifier>", envelope)
    assert identifier is not None
    mailbox = Mailbox(chosen / "mailbox")
    for number, value in enumerate(hostile_ids(victim)):
        crafted = envelope.replace(identifier.group(1), _xml_text(value) or b"x")
        before = snapshot(root, chosen)
        # An envelope too broken to read is refused; either way nothing is written anywhere else.
        with contextlib.suppress(ValueError):
            mailbox.deliver(crafted)
        assert_only_inside(root, chosen, before)
        source = root / f"..{number}.vans.xml"
        source.write_bytes(crafted)
        before = snapshot(root, chosen)
        status, _, err = run(["vans", "unwrap", str(source), "--out", str(chosen / "unwrapped")], capsys)
        assert status in (0, 1), err
        assert_only_inside(root, chosen, before)


def test_selftest_and_demo_write_only_inside_their_folders(
    sandbox: tuple[Path, Path, Path], demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    root, chosen, _ = sandbox
    messages = chosen / "messages"
    messages.mkdir(parents=True)
    (messages / "letter.xml").write_bytes(crafted_xdis91(demo, "../../x"))
    before = snapshot(root, chosen)
    run(
        [
            "selftest",
            str(messages),
            "--protocol",
            "xdis91",
            "--no-reference",
            "--report-dir",
            str(chosen / "r"),
        ],
        capsys,
    )
    run(
        ["selftest", str(chosen / "inputs"), "--protocol", "xdis91", "--no-reference", "--write-inputs"],
        capsys,
    )
    run(["demo", "km", "--out", str(chosen / "demo")], capsys)
    assert_only_inside(root, chosen, before)
    assert {p.name for p in (chosen / "r").iterdir()} == {
        "selftest.md",
        "selftest.html",
        "selftest-junit.xml",
    }


@given(
    letter_id=st.text(max_size=120),
    code=st.text(max_size=40),
)
@PIPELINE
def test_every_output_path_stays_inside_its_folder(
    tmp_path: Path, demo: dict[str, bytes], letter_id: str, code: str
) -> None:
    """The path half of the fuzz test: ids and extension codes from a message never lead out."""
    case = Path(os.path.realpath(tmp_path)) / f"case-{abs(hash((letter_id, code)))}"
    source = case / "in" / "letter.xml"
    source.parent.mkdir(parents=True)
    source.write_bytes(crafted_xdis91(demo, letter_id))
    binary = case / "in" / "bin.xml"
    binary.write_bytes(
        demo["km-xbin01.xml"].replace(
            b"<ObjectExtensionCode>pdf</ObjectExtensionCode>",
            b"<ObjectExtensionCode>" + _xml_text(code) + b"</ObjectExtensionCode>",
        )
    )
    chosen = case / "out"
    failures: list[str] = []
    outputs, _ = convert_files([source, binary], to="fhir", on_error=lambda p, e: failures.append(e.code))
    for output in outputs:
        assert resolve_inside(chosen, output.name).parent == chosen
    with Archive(case / "journal.db") as archive:
        for path in (source, binary):
            try:
                archive.add(path, direction="received")
            except ValueError:
                continue  # not a message medcomkit recognises; nothing to export
        for entry in archive.entries():
            for path in archive.export(entry.id, chosen / str(entry.id)):
                assert path.resolve().is_relative_to((chosen / str(entry.id)).resolve())
    assert {p.relative_to(case).parts[0] for p in case.rglob("*")} <= {
        "in",
        "out",
        "journal.db",
        "journal.db-wal",
        "journal.db-shm",
    }


# --- atomic writes: a full disk leaves nothing behind, and a retry works --------------------------


def full_disk_after(monkeypatch: pytest.MonkeyPatch, writes: int) -> Callable[[], None]:
    """Let ``writes`` calls of os.write succeed, then fail with ENOSPC as a full disk does."""
    real = os.write
    count = [0]

    def write(descriptor: int, data: bytes | memoryview) -> int:
        count[0] += 1
        if count[0] > writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(descriptor, data)

    monkeypatch.setattr(os, "write", write)
    return lambda: monkeypatch.setattr(os, "write", real)


def test_a_failed_export_leaves_nothing_and_a_retry_works(
    tmp_path: Path,
    demo: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    journal = tmp_path / "journal.db"
    with Archive(journal) as archive:
        archive.add(demo["km-xdis91.xml"], direction="sent")
        archive.add(demo["km-xbin01.xml"], direction="sent")
    target = tmp_path / "copy"
    for succeeding in range(4):
        restore = full_disk_after(monkeypatch, succeeding)
        status, _, err = run(["archive", "show", "--db", str(journal), "1", "--export", str(target)], capsys)
        restore()
        assert status == 2
        assert "file.os-error" in err
        assert "No space left" in err
        assert not target.exists(), sorted(target.rglob("*"))
    target.mkdir()  # an empty folder the user made stays, and stays empty
    restore = full_disk_after(monkeypatch, 2)
    assert run(["archive", "show", "--db", str(journal), "1", "--export", str(target)], capsys)[0] == 2
    restore()
    assert list(target.iterdir()) == []
    status, _, err = run(["archive", "show", "--db", str(journal), "1", "--export", str(target)], capsys)
    assert status == 0, err
    assert {p.name for p in target.iterdir()} >= {"journalkopi.html", "journalkopi.pdf", "bilag"}


def test_a_failed_conversion_leaves_nothing_and_a_retry_works(
    tmp_path: Path,
    demo: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "cc.json"
    source.write_bytes(demo["carecommunication-ny.json"])
    out = tmp_path / "out"
    restore = full_disk_after(monkeypatch, 1)  # the XDIS91 is written, its XBIN01 is not
    status, _, err = run(["convert", str(source), "--to", "oioxml", "--out", str(out)], capsys)
    restore()
    assert status == 2
    assert "file.os-error" in err
    assert not out.exists()
    status, _out_text, err = run(["convert", str(source), "--to", "oioxml", "--out", str(out)], capsys)
    assert status == 0, err
    assert sorted(p.name.rsplit(".", 2)[-2] for p in messages_in(out)) == ["xbin01", "xdis91"]


def test_a_failed_batch_removes_only_its_own_new_files(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "earlier.txt").write_text("kept")

    def failing_run() -> None:
        with FileBatch(folder) as batch:
            batch.write("one.txt", b"1")
            batch.write("sub/two.txt", b"2")
            raise RuntimeError("a later step failed")

    with pytest.raises(RuntimeError):
        failing_run()
    assert sorted(p.name for p in folder.rglob("*")) == ["earlier.txt"]


@given(header_id=st.text(max_size=120))
@PIPELINE
def test_every_converted_carecommunication_path_stays_inside_its_folder(
    tmp_path: Path, demo: dict[str, bytes], header_id: str
) -> None:
    source = Path(os.path.realpath(tmp_path)) / f"cc-{abs(hash(header_id))}.json"
    source.write_bytes(crafted_carecommunication(demo, header_id))
    chosen = source.parent / "out"
    failures: list[str] = []
    outputs, _ = convert_files(
        [source], to="oioxml", on_error=lambda path, error: failures.append(error.code)
    )
    assert outputs or failures  # converted, or refused with a rule id; never silently nothing
    for output in outputs:
        assert resolve_inside(chosen, output.name).parent == chosen.resolve()
        check_component(output.name.split(".", 1)[0] or "x")
