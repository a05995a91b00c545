"""One convention for every command: what exit 0, 1 and 2 mean, a rule id on every error, the
same rule id and status for the same problem, validated numbers, values quoted only in part."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import messages_in

from medcomkit.cli import main
from medcomkit.demo import write_demo_carecommunication, write_demo_km

ROOT = Path(__file__).resolve().parents[2]
ERROR_LINE = re.compile(r"^medcomkit(?: [a-z ]+)?: (?P<id>[a-z0-9-]+(?:\.[a-z0-9-]+)+): ")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    return {p.name: p for p in write_demo_km(folder) + write_demo_carecommunication(folder)}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as stopped:  # argparse ends usage errors this way
        status = int(stopped.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    for line in captured.err.splitlines():
        if line.startswith("medcomkit"):
            assert ERROR_LINE.match(line), f"an error without a rule id: {line[:200]}"
    return status, captured.out, captured.err


def rule_ids(err: str) -> set[str]:
    return {m["id"] for line in err.splitlines() if (m := ERROR_LINE.match(line))}


def commands_reading(path: str, out: Path, journal: Path) -> dict[str, list[str]]:
    """Every command that reads a message file, given ``path``."""
    return {
        "validate": ["validate", path],
        "convert": ["convert", path, "--to", "fhir", "--out", str(out / "convert")],
        "archive add": ["archive", "add", "--db", str(journal), "--direction", "received", path],
        "vans wrap": ["vans", "wrap", path, "--out", str(out / "wrap")],
        "vans unwrap": ["vans", "unwrap", path, "--out", str(out / "unwrap")],
    }


def test_exit_codes_are_defined_once() -> None:
    definitions = []
    for path in (ROOT / "medcomkit").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*EXIT_[A-Z]+(?:\s*,\s*EXIT_[A-Z]+)*\s*(?::[^=]*)?=\s*[0-9(]", line):
                definitions.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert {d.split(":")[0] for d in definitions} == {"medcomkit/_exit.py"}, definitions


def test_a_missing_file_and_a_folder_are_exit_2_with_the_same_rule_id_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for given in (str(tmp_path / "missing.xml"), str(folder)):
        for name, argv in commands_reading(given, tmp_path / "out", tmp_path / "journal.db").items():
            status, _, err = run(argv, capsys)
            assert (status, rule_ids(err)) == (2, {"source.unreadable"}), (name, err)
    for argv in (
        ["stats", "summary", "--input", str(tmp_path / "missing.csv")],
        ["sor", "lookup", "x", "--registry", str(tmp_path / "missing.csv")],
    ):
        status, _, err = run(argv, capsys)
        assert (status, rule_ids(err)) == (2, {"source.unreadable"}), argv


def test_too_large_is_exit_1_with_the_same_rule_id_everywhere(
    tmp_path: Path, demo: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    message = str(demo["km-xdis91.xml"])
    for name, argv in commands_reading(message, tmp_path / "out", tmp_path / "journal.db").items():
        status, out, err = run([*argv, "--max-size", "1k"], capsys)
        assert status == 1, (name, err)
        assert "xml.too-large" in err + out, name
        status, _, err = run([*argv, "--max-size", "64M"], capsys)  # the hint in the message works
        assert "xml.too-large" not in err, name
    messages = tmp_path / "selftest"
    messages.mkdir()
    (messages / "XDIS91-A-letter.xml").write_bytes(demo["km-xdis91.xml"].read_bytes())
    status, out, _ = run(["selftest", str(messages), "--protocol", "xdis91", "--max-size", "1k"], capsys)
    assert "xml.too-large" in out


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e400", "9" * 400, "99999999999G", "", "32X"])
def test_max_size_is_validated_in_every_command(
    value: str, tmp_path: Path, demo: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    message = str(demo["km-xdis91.xml"])
    journal = str(tmp_path / "journal.db")
    for argv in [
        *commands_reading(message, tmp_path / "out", tmp_path / "journal.db").values(),
        ["archive", "list", "--db", journal],
        ["archive", "show", "--db", journal, "1"],
        ["selftest", str(tmp_path), "--protocol", "xdis91"],
    ]:
        status, _, err = run([*argv, "--max-size", value], capsys)
        assert status == 2, argv
        assert "cli.usage" in err
        assert "--max-size" in err
    assert not (tmp_path / "out").exists()


def test_validate_reads_standard_input(demo: dict[str, Path]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "medcomkit", "validate", "--format", "json", "-"],
        input=demo["km-xdis91.xml"].read_bytes(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    [report] = json.loads(completed.stdout)
    assert (report["kind"], report["valid"], report["path"]) == ("XDIS91", True, "-")
    broken = subprocess.run(
        [sys.executable, "-m", "medcomkit", "validate", "-", "--max-size", "100"],
        input=demo["km-xdis91.xml"].read_bytes(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert broken.returncode == 1
    assert b"xml.too-large" in broken.stdout


def test_convert_given_only_an_xbin01_says_so(
    tmp_path: Path, demo: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # As MedCom's service does, a standalone XBIN01 is passed on unconverted, and the user is told.
    status, _stdout, err = run(
        ["convert", str(demo["km-xbin01.xml"]), "--to", "fhir", "--out", str(out)], capsys
    )
    assert status == 0
    assert rule_ids(err) == {"convert.notice"}
    assert "XBIN01" in err
    assert [p.name.endswith(".xbin01.xml") for p in messages_in(out)] == [True]
    # A file with nothing that converts this way is said so, and nothing is written.
    empty = tmp_path / "empty"
    status, _, err = run(
        ["convert", str(demo["km-xdis91.xml"]), "--to", "oioxml", "--out", str(empty), "--lang", "en"], capsys
    )
    assert status == 1
    assert "nothing to convert" in err or "refused" in err


def test_validate_and_convert_go_on_after_a_bad_input(
    tmp_path: Path, demo: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    bad = tmp_path / "bad.json"
    bundle = json.loads(demo["carecommunication-ny.json"].read_text(encoding="utf-8"))
    bundle["entry"] = {"resource": 1}  # an object where a list belongs
    bad.write_text(json.dumps(bundle), encoding="utf-8")
    letter, binary = str(demo["km-xdis91.xml"]), str(demo["km-xbin01.xml"])
    status, out, err = run(["validate", letter, str(folder), str(bad), binary], capsys)
    assert status == 2
    assert out.count("km-x") == 2  # both good files are reported, before and after the bad ones
    out_dir = tmp_path / "out"
    status, out, err = run(
        ["convert", str(bad), letter, str(folder), binary, "--to", "fhir", "--out", str(out_dir)], capsys
    )
    assert status == 2
    assert "source.unreadable" in rule_ids(err)
    assert [p.name for p in messages_in(out_dir)] == ["DEMOBREV000001.carecommunication.json"]


def test_an_error_never_quotes_a_huge_value_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "2026-11-26T10:15" + "9" * 200_000
    journal = tmp_path / "journal.db"
    run(
        ["archive", "add", "--db", str(journal), "--direction", "sent", str(tmp_path / "missing.xml")], capsys
    )
    status, _, err = run(["archive", "list", "--db", str(journal), "--now", huge], capsys)
    assert status == 2
    assert len(err) < 2_000
    status, _, err = run(
        ["convert", "x.xml", "--to", "fhir", "--out", str(tmp_path), "--sor", "y" * 100_000], capsys
    )
    assert status == 2
    assert len(err) < 2_000
    status, _, err = run(["validate", "z" * 100_000], capsys)
    assert status == 2
    assert len(err) < 2_000
