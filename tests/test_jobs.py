"""Batches on every core (issue 17, acceptance 3) for validate, convert and archive add.

1. Pairing twice as many XDIS91/XBIN01 files costs at most about 2.5× the work. The work is
   counted, not timed (a shared, loaded machine makes timings noisy): the lines of Python the
   pairing executes, how often each file is parsed, and the SQLite instructions of the journal.
   Pairing every letter with every XBIN01 would be 4× here.
2. ``--jobs 2`` gives byte for byte the output of ``--jobs 1`` — standard output and error, the
   exit status, the files written, the conversion state and the journal — on a batch of good and
   bad inputs, pairs split up, an XBIN01 without its letter and a letter without its XBIN01, a
   duplicate, a receipt and a message of the wrong direction.

A conversion makes fresh ids (UUIDs, letter ids) and reads the clock, so two runs never match by
chance. Here every step of a batch draws its ids from a sequence seeded by the step and its input,
wherever it runs (the ``reproducible`` fixture); the clocks are fixed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
from support import LineCounter

from bench.batch_corpus import mixed_batch, write_pairs
from medcomkit.cli import main
from medcomkit.core import workers

FIXED = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> _FixedClock:
        moment = FIXED.astimezone(tz) if tz is not None else FIXED.replace(tzinfo=None)
        return cls.fromisoformat(moment.isoformat())


class _Reproducible(NamedTuple):
    marks: Path  # each step that ran in a worker process leaves a mark here
    sequence: dict[str, Any]  # the ids this process draws outside the steps

    def restart(self) -> None:
        """Start this process's ids afresh, as a new run of the command would."""
        self.sequence.update(seed="parent", n=0)

    def in_workers(self) -> bool:
        return any(self.marks.iterdir())


@pytest.fixture
def reproducible(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> _Reproducible:
    """Fresh ids seeded per step and input, and fixed clocks."""
    from medcomkit.archive import _schema, store
    from medcomkit.convert import service, syntaxes
    from medcomkit.core.xmltree import COPENHAGEN
    from medcomkit.fhir import acknowledgement
    from medcomkit.model import identifiers, receipts

    marks = tmp_path / "worker-marks"
    marks.mkdir()
    parent = os.getpid()
    sequence: dict[str, Any] = {"seed": "parent", "n": 0}

    def draw() -> int:
        sequence["n"] += 1
        digest = hashlib.sha256(f"{sequence['seed']}/{sequence['n']}".encode()).digest()
        return int.from_bytes(digest[:16], "big")

    real = workers.perform

    def seeded(step: Callable[[Any, Any], Any], shared: Any, task: Any) -> Any:
        if os.getpid() != parent:
            (marks / str(os.getpid())).touch()
        saved = dict(sequence)
        sequence.update(seed=f"{step.__name__}:{hashlib.sha256(repr(task).encode()).hexdigest()}", n=0)
        try:
            return real(step, shared, task)
        finally:
            sequence.update(saved)

    monkeypatch.setattr(workers, "perform", seeded)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=draw(), version=4))
    monkeypatch.setattr(
        identifiers, "secrets", SimpleNamespace(choice=lambda values: values[draw() % len(values)])
    )
    for module in (syntaxes, service, store, _schema):
        monkeypatch.setattr(module, "datetime", _FixedClock)
    fixed_local = FIXED.astimezone(COPENHAGEN)
    monkeypatch.setattr(receipts, "now_local", lambda: fixed_local)
    monkeypatch.setattr(acknowledgement, "now_local", lambda: fixed_local)
    return _Reproducible(marks, sequence)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix != ".sqlite"}


def _dump(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return list(connection.iterdump())


# --- 2. --jobs 2 == --jobs 1 --------------------------------------------------------------------


def test_validate_jobs_do_not_change_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(p) for p in mixed_batch(tmp_path / "in")]
    for output in ("text", "json"):
        first = _run(["validate", "--format", output, "--jobs", "1", *inputs], capsys)
        second = _run(["validate", "--format", output, "--jobs", "2", *inputs], capsys)
        assert first == second
    status, out, err = first
    assert status == 2  # a file that is not there
    assert "oioxml.attachment" not in out  # each letter found its own XBIN01
    assert "0101011234" not in out + err  # the CPR number in a file name is masked


def _inputs(tmp_path: Path, to: str) -> list[str]:
    batch = mixed_batch(tmp_path / "in")
    if to == "oioxml":  # CareCommunications (each twice) among OIOXML of the wrong direction
        from medcomkit.demo import write_demo_carecommunication

        thread = write_demo_carecommunication(tmp_path / "fhir")
        batch[3:3] = [*thread, *thread]
    return [str(p) for p in batch]


@pytest.mark.parametrize("to", ["fhir", "oioxml", "edifact"])
def test_convert_jobs_do_not_change_the_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    reproducible: _Reproducible,
    to: str,
) -> None:
    inputs = _inputs(tmp_path, to)
    runs = []
    for jobs in ("1", "2"):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        monkeypatch.chdir(folder)  # the same relative --out, so the same names are printed
        reproducible.restart()
        argv = ["convert", "--to", to, "--registry", "demo", "--out", "out", "--receipt-out", "receipts"]
        status, out, err = _run([*argv, "--jobs", jobs, *inputs], capsys)
        receipts = _files(folder / "receipts") if (folder / "receipts").exists() else {}
        runs.append(
            (
                status,
                out,
                err,
                _files(folder / "out"),
                receipts,
                _dump(folder / "out/medcomkit-convert.sqlite"),
            )
        )
        if jobs == "1":
            assert not reproducible.in_workers()  # one job: nothing ran in another process
    assert reproducible.in_workers()  # two jobs: the workers did work
    assert runs[0] == runs[1]
    status, out, err, written, receipts, state = runs[0]
    assert status == 2  # a file that is not there
    assert "missing-xdis91.xml" in err
    assert "0101011234" not in out + err
    if to == "fhir":
        assert sum(name.endswith(".carecommunication.json") for name in written) == 7, " ".join(
            sorted(written)
        )
        assert "BIN0000005ATT.xbin01.xml" in written  # the XBIN01 without its letter, passed on
        assert any(name.endswith(".xctl01.xml") for name in receipts)  # the invalid letter's answer
        assert any('INSERT INTO "pending_receipt"' in line for line in state)  # the receipt waits
        assert out.index("BREV0000000LTR") < out.index("BREV0000002LTR")  # input order
    elif to == "oioxml":
        assert sum(name.endswith(".xdis91.xml") for name in written) == 6
    else:
        assert sum(name.endswith(".dis91.edi") for name in written) == 7


def test_archive_add_jobs_do_not_change_the_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reproducible: _Reproducible
) -> None:
    inputs = [str(p) for p in mixed_batch(tmp_path / "in")]
    key = tmp_path / "key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    runs = []
    for jobs in ("1", "2"):
        journal = tmp_path / f"journal{jobs}.sqlite"
        reproducible.restart()
        argv = ["archive", "add", "--db", str(journal), "--key-file", str(key), "--direction", "received"]
        status, out, err = _run([*argv, "--jobs", jobs, *inputs, *inputs], capsys)  # every file twice
        runs.append((status, out.replace(str(journal), "J"), err.replace(str(journal), "J"), _dump(journal)))
    assert reproducible.in_workers()
    assert runs[0] == runs[1]
    status, out, err, _ = runs[0]
    assert status == 2
    assert out.count("→") == 2 * 16  # 16 letters, each journalised, then found a duplicate
    assert "0101011234" not in out + err


# --- 1. twice the files, at most ~2.5x the work ---------------------------------------------------


@pytest.fixture(scope="module")
def pair_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """200 XDIS91/XBIN01 pairs; the tests take the first 100 or all 200."""
    return write_pairs(tmp_path_factory.mktemp("pairs"), 200)


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    from medcomkit.core import xml as xmlsafe

    counts = {"parse": 0}
    real = xmlsafe.parse_xml

    def counted(*args: Any, **kwargs: Any) -> Any:
        counts["parse"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(xmlsafe, "parse_xml", counted)
    for name in ("medcomkit.codecs", "medcomkit.oioxml.codec", "medcomkit.oioxml.validate"):
        monkeypatch.setattr(sys.modules[name], "parse_xml", counted)
    return counts


def test_validate_pairing_twice_the_files_is_at_most_2_5x_the_work(
    pair_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from medcomkit import dispatch
    from medcomkit.oioxml import link

    work = []
    for count in (100, 200):
        counter = LineCounter()
        monkeypatch.setattr(link, "link_reports", counter.wrap(link.link_reports))
        parses = _counting_parses(monkeypatch)
        reports = dispatch.validate_many(pair_files[: 2 * count], jobs=1)
        monkeypatch.undo()
        assert len(reports) == 2 * count
        assert all(r.valid for r in reports)
        assert not any(rule.startswith("oioxml.attachment") for r in reports for rule in r.rules())
        work.append((counter.lines, parses["parse"]))
    (small_lines, small_parses), (large_lines, large_parses) = work
    assert small_lines > 0
    assert large_lines <= 2.5 * small_lines, work  # all against all: 4x
    assert large_parses == 2 * small_parses, work  # each file parsed the same number of times


def test_convert_pairing_twice_the_files_is_at_most_2_5x_the_work(
    pair_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from medcomkit.convert import registry_lookup, service
    from medcomkit.convert.pairing import pair_attachments
    from medcomkit.convert.syntaxes import convert_any_syntax
    from medcomkit.sor import demo_registry

    lookup = registry_lookup(demo_registry())
    work = []
    for count in (100, 200):
        counter = LineCounter()
        monkeypatch.setattr(service, "pair_attachments", counter.wrap(pair_attachments))
        parses = _counting_parses(monkeypatch)
        inputs = [(str(p), p.read_bytes()) for p in pair_files[: 2 * count]]
        run = convert_any_syntax(inputs, to="fhir", sor=lookup, jobs=1)
        monkeypatch.undo()
        assert not run.refused
        assert not run.notices
        assert len(run.outputs) == count
        work.append((counter.lines, parses["parse"]))
    (small_lines, small_parses), (large_lines, large_parses) = work
    assert small_lines > 0
    assert large_lines <= 2.5 * small_lines, work
    assert large_parses == 2 * small_parses, work


class _Steps:
    """Counts SQLite's progress calls, one per 100 virtual-machine instructions."""

    def __init__(self) -> None:
        self.steps = 0

    def count(self) -> int:
        self.steps += 1
        return 0  # go on


def test_archive_add_twice_the_files_is_at_most_2_5x_the_work(tmp_path: Path, pair_files: list[Path]) -> None:
    """The journal's own work (SQLite instructions) for adding the files and finding each letter's
    XBIN01: a table scan per add or per lookup would grow with the square of the files."""
    from medcomkit.archive import Archive
    from medcomkit.archive.adding import add_files

    work = []
    for count in (100, 200):
        steps = _Steps()
        with Archive(tmp_path / f"journal{count}.sqlite", key=b"k" * 32) as archive:
            archive._db.set_progress_handler(steps.count, 100)
            added = [
                item
                for _, items, error in add_files(
                    archive, pair_files[: 2 * count], direction="received", jobs=1
                )
                for item in items
                if error is None
            ]
            assert len(added) == 2 * count
            linked = [archive.linked(item.entry) for item in added]
            assert all(len(partners) == 1 for partners in linked)
        work.append(steps.steps)
    small, large = work
    assert large <= 2.5 * small, work
