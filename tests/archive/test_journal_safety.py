"""The journal never loses content: conflicts are kept, first writers race safely, read-only
media can be read, a stored entry can always be shown, and a bad file never stops a batch."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medcomkit import Arrival
from medcomkit.archive import Archive, _schema
from medcomkit.cli import main
from medcomkit.demo import write_demo_carecommunication, write_demo_km

ROOT = Path(__file__).resolve().parents[2]
LONG = os.environ.get("MEDCOMKIT_LONG") == "1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("demo")
    return {p.name: p.read_bytes() for p in write_demo_km(folder) + write_demo_carecommunication(folder)}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def numbered(demo: dict[str, bytes], number: int) -> bytes:
    """The demo CareCommunication with its own ids, so each copy is a new message."""
    bundle = json.loads(demo["carecommunication-ny.json"])
    text = json.dumps(bundle)
    text = text.replace(bundle["id"], f"{number:08d}-0000-4000-8000-000000000000")
    text = text.replace(bundle["entry"][0]["resource"]["id"], f"{number:08d}-1111-4000-8000-000000000000")
    return text.encode()


# --- conflicts ------------------------------------------------------------------------------------


def test_the_same_ids_with_other_content_are_kept_as_a_conflict_with_exit_1(
    tmp_path: Path, demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "journal.db")
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    first.write_bytes(demo["km-xdis91.xml"])
    second.write_bytes(demo["km-xdis91.xml"].replace(b"Forl\xf8bsplan", b"Andet bilag"))
    assert first.read_bytes() != second.read_bytes()
    assert run(["archive", "add", "--db", journal, "--direction", "received", str(first)], capsys)[0] == 0
    status, out, err = run(
        ["archive", "add", "--db", journal, "--direction", "received", str(second)], capsys
    )
    assert status == 1
    assert "archive.conflict" in err
    assert "konflikt" in err
    assert "advarsel" in err
    assert "post 2" in out
    status, _, err = run(
        ["archive", "add", "--db", journal, "--direction", "received", "--lang", "en", str(second)], capsys
    )
    assert status == 0
    assert not err
    with Archive(journal) as archive:
        entries = archive.entries()
        assert [e.arrival for e in entries] == [Arrival.NEW, Arrival.CONFLICT]
        assert archive.data(entries[0].id) == first.read_bytes()
        assert archive.data(entries[1].id) == second.read_bytes()
        assert entries[1].resubmission_of == entries[0].id
    status, out, _ = run(["archive", "show", "--db", journal, "2", "--lang", "en"], capsys)
    assert status == 0
    assert "conflict: the same envelope id, message id and sender" in out
    assert "(entry 1)" in out


def test_a_journal_of_schema_version_1_is_upgraded_and_keeps_everything(
    tmp_path: Path, demo: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as old:
        old.setattr(_schema, "SCHEMA_VERSION", 1)
        old.setattr(_schema, "_SCHEMA", _schema._SCHEMA.replace(", 'conflict')", ")"))
        with Archive(path) as archive:
            archive.add(demo["km-xdis91.xml"], direction="received")
            archive.add(demo["km-xbin01.xml"], direction="received")
    with sqlite3.connect(path) as raw:
        assert (
            "conflict"
            not in raw.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'").fetchone()[0]
        )
    with Archive(path) as archive:
        changed = demo["km-xdis91.xml"].replace(b"Forl\xf8bsplan", b"Andet bilag")
        assert archive.add(changed, direction="received")[0].arrival is Arrival.CONFLICT
        assert len(archive.entries()) == 3
        assert archive.linked(1)[0].id == 2
        assert archive.check() == []
    with sqlite3.connect(path) as raw:
        assert [r[0] for r in raw.execute("SELECT version FROM schema_version ORDER BY version")] == [1, 2]


# --- concurrency and crashes ----------------------------------------------------------------------

_FIRST_WRITER = """
import sys, time
from medcomkit.archive import Archive
path, data, start = sys.argv[1], open(sys.argv[2], "rb").read(), float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
with Archive(path) as archive:
    archive.add(data, direction="sent")
"""


def test_several_first_writers_create_one_journal_together(tmp_path: Path, demo: dict[str, bytes]) -> None:
    writers, rounds = 5, 30 if LONG else 6
    inputs = []
    for number in range(writers):
        path = tmp_path / f"message-{number}.json"
        path.write_bytes(numbered(demo, number))
        inputs.append(path)
    for round_number in range(rounds):
        journal = tmp_path / f"journal-{round_number}.db"
        start = time.time() + 1.5  # every writer is started and waiting when the moment comes
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", _FIRST_WRITER, str(journal), str(path), str(start)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for path in inputs
        ]
        errors = [p.communicate(timeout=120)[1] for p in processes]
        assert [p.returncode for p in processes] == [0] * writers, errors
        with Archive(journal, create=False) as archive:
            assert len(archive.entries()) == writers
            assert archive.check() == []


def _create_and_add(path: Path, items: list[bytes]) -> None:
    with Archive(path) as archive:
        for data in items:
            archive.add(data, direction="sent")


def test_a_writer_killed_while_creating_a_journal_leaves_one_that_opens(
    tmp_path: Path, demo: dict[str, bytes]
) -> None:
    items = [numbered(demo, n) for n in range(20)]
    rng = random.Random(20261202)
    for round_number in range(60 if LONG else 15):
        path = tmp_path / f"journal-{round_number}.db"
        pid = os.fork()
        if pid == 0:
            try:
                _create_and_add(path, items)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with Archive(path) as archive:  # whatever moment it was killed at, the journal can be used
            assert archive.check() == []
            before = len(archive.entries())
            added = archive.add(items[-1], direction="sent")[0]
            assert added.arrival in (Arrival.NEW, Arrival.DUPLICATE)
            assert len(archive.entries()) == before + (added.arrival is Arrival.NEW)


# --- read-only media ------------------------------------------------------------------------------


def _read_only_runner(folder: Path) -> list[str]:
    """A command prefix under which ``folder`` is read-only, as on a CD or a read-only share.

    Root may write to any file whatever its mode, so as root the folder is bind-mounted read-only
    in a private mount namespace; other users get the file modes alone.
    """
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root without unshare(1): cannot make a read-only folder")
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", f'mount --bind -o ro "{folder}" "{folder}" && ! touch "{folder}/probe"'],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"running as root and cannot bind-mount read-only: {probe.stderr!r}")
    return [unshare, "-m", "sh", "-c", f'mount --bind -o ro "{folder}" "{folder}" && exec "$@"', "sh"]


@pytest.fixture
def read_only_journal(tmp_path: Path, demo: dict[str, bytes]) -> Iterator[Path]:
    """A journal in a folder where neither the file nor the folder can be written."""
    folder = tmp_path / "media"
    folder.mkdir()
    path = folder / "journal.db"
    with Archive(path) as archive:
        archive.add(demo["km-xdis91.xml"], direction="sent")
        archive.add(demo["km-xbin01.xml"], direction="sent")
    assert sorted(p.name for p in folder.iterdir()) == ["journal.db"]  # no -wal or -shm left
    os.chmod(path, 0o444)
    os.chmod(folder, 0o555)
    try:
        yield path
    finally:
        os.chmod(folder, 0o755)


def test_a_journal_on_read_only_media_can_be_listed_and_shown(read_only_journal: Path) -> None:
    prefix = _read_only_runner(read_only_journal.parent)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "medcomkit", "archive", *args, "--db", str(read_only_journal)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )

    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "XDIS91" in listed.stdout
    assert "XBIN01" in listed.stdout
    shown = cli("show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "DEMOBREV000001" in shown.stdout
    added = cli("add", "--direction", "sent", str(read_only_journal))
    assert added.returncode == 2
    assert "Traceback" not in added.stderr
    assert sorted(p.name for p in read_only_journal.parent.iterdir()) == ["journal.db"]


# --- stored entries always show; a batch never stops at a bad file --------------------------------


def wrong_types(demo: dict[str, bytes]) -> list[bytes]:
    """CareCommunications with a number, an object or a list where something else belongs."""
    bundle = json.loads(demo["carecommunication-ny.json"])
    variants = []
    changes: list[tuple[tuple[object, ...], str, object]] = [
        (("entry", 0, "resource"), "id", 12345),
        (("entry", 0, "resource"), "timestamp", {"not": "a time"}),
        ((), "timestamp", 7),
        (("entry", 1, "resource"), "payload", {"contentString": 1}),
        (("entry", 1, "resource"), "subject", [1, 2]),
        (("entry", 0, "resource"), "destination", "x"),
        ((), "entry", {"resource": 1}),
        # These are read back into a model holding the wrong types; showing one used to crash.
        (("entry", 4, "resource", "name", 0), "family", 123),
        (("entry", 5, "resource", "code", 0, "coding", 0), "code", {"x": 1}),
        (("entry", 6, "resource", "category", 0, "coding", 0), "code", 123),
        (("entry", 6, "resource", "payload", 1, "contentAttachment"), "contentType", 123),
    ]
    for where, key, value in changes:
        copy: Any = json.loads(json.dumps(bundle))
        target = copy
        for step in where:
            target = target[step]
        target[key] = value
        variants.append(json.dumps(copy).encode())
    return variants


def test_archive_show_list_and_export_never_crash_on_what_was_stored(
    tmp_path: Path, demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    shown = 0
    for number, data in enumerate(wrong_types(demo)):  # one journal each: none is a duplicate
        journal = tmp_path / f"journal-{number}.db"
        path = tmp_path / f"bad-{number}.json"
        path.write_bytes(data)
        status, _, err = run(
            ["archive", "add", "--db", str(journal), "--direction", "received", str(path)], capsys
        )
        assert status in (0, 1), err
        if status == 1:
            continue  # refused as no message medcomkit knows: nothing stored, nothing to show
        for extra in ([], ["--format", "json"], ["--export", str(tmp_path / f"copy-{number}")]):
            status, out, err = run(["archive", "show", "--db", str(journal), "1", *extra], capsys)
            assert status == 0, err
            assert "CareCommunication" in out
        assert (tmp_path / f"copy-{number}" / "meddelelse-CareCommunication.json").read_bytes() == data
        assert run(["archive", "list", "--db", str(journal)], capsys)[0] == 0
        shown += 1
    assert shown >= 5, "hardly any malformed message was journalised; the test would prove little"


def test_a_bad_file_in_the_middle_of_archive_add_stops_nothing(
    tmp_path: Path, demo: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "journal.db")
    good = []
    for number in range(2):
        path = tmp_path / f"good-{number}.json"
        path.write_bytes(numbered(demo, number))
        good.append(str(path))
    bad = tmp_path / "bad.json"
    bad.write_bytes(wrong_types(demo)[-1])
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"<not-a-message/>")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    missing = tmp_path / "missing.xml"
    batch = [good[0], str(bad), str(garbage), str(folder), str(missing), good[1]]
    status, out, err = run(["archive", "add", "--db", journal, "--direction", "received", *batch], capsys)
    assert status == 2  # a folder and a missing file are usage errors; the highest status wins
    assert "source.unreadable" in err
    assert "a-folder" in err
    assert "missing.xml" in err
    assert "garbage.xml" in err
    with Archive(journal) as archive:
        assert len([e for e in archive.entries() if e.message_id]) >= 2
    assert good[0] in out
    assert good[1] in out
    status, _, err = run(
        [
            "archive",
            "add",
            "--db",
            str(tmp_path / "j2.db"),
            "--direction",
            "sent",
            good[0],
            str(garbage),
            good[1],
        ],
        capsys,
    )
    assert status == 1
    assert "garbage.xml" in err
    with Archive(tmp_path / "j2.db") as archive:
        assert len(archive.entries()) == 2
