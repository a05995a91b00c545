"""Wrong types are validation errors, never exceptions: a number where a string belongs, an object
where a list belongs, null for a value, a missing time. ``validate`` reports each with a rule id
and the location; ``parse`` and ``convert`` refuse with medcomkit's own error naming the same rule
and place, the journal keeps or refuses the bytes and can always show what it kept, and the
command line says so without a traceback.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import medcomkit
from medcomkit import MedcomkitError, ParseError
from medcomkit.archive._describe import describe
from medcomkit.convert.files import convert_files
from medcomkit.demo import demo_care_thread
from medcomkit.stats import load_stats


@cache
def _bundle() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        medcomkit.build_carecommunication(demo_care_thread()[0], format="json", check=False)
    )
    return document


def _entry(resource_type: str) -> int:
    return next(i for i, e in enumerate(_bundle()["entry"]) if e["resource"]["resourceType"] == resource_type)


def _mutated(path: tuple[Any, ...], value: object) -> bytes:
    document = copy.deepcopy(_bundle())
    node: Any = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return json.dumps(document).encode()


PATIENT, COMMUNICATION = _entry("Patient"), _entry("Communication")
WRONG = {
    "number for a string": (("entry", PATIENT, "resource", "name", 0, "family"), 42),
    "object for a string": (("id",), {"x": 1}),
    "number for a date-time": (("timestamp",), 42),
    "number for a list": (("entry", PATIENT, "resource", "name"), 42),
    "object for a list": (("entry", COMMUNICATION, "resource", "payload"), {"contentString": "x"}),
    "object for a code": (("entry", COMMUNICATION, "resource", "category", 0, "coding", 0, "code"), {"x": 1}),
    "number for an identifier": (("entry", PATIENT, "resource", "identifier", 0, "value"), 42),
    "null for a value": (("entry", PATIENT, "resource", "identifier", 0, "value"), None),
    "list for an object": (("entry", COMMUNICATION, "resource", "topic"), [{"text": "x"}]),
}


def _location(path: tuple[Any, ...]) -> str:
    location = "Bundle"
    for step in path:
        location += f"[{step}]" if isinstance(step, int) else f".{step}"
    return location


@pytest.mark.parametrize("name", list(WRONG))
def test_a_wrong_type_is_a_validation_error_with_rule_and_location(name: str) -> None:
    path, value = WRONG[name]
    report = medcomkit.validate_bytes(_mutated(path, value))
    assert not report.valid
    located = {(i.rule, i.location) for i in report.errors}
    assert any(location == _location(path) for _, location in located), located


@pytest.mark.parametrize("name", list(WRONG))
def test_parse_refuses_a_wrong_type_naming_rule_and_place(name: str) -> None:
    path, value = WRONG[name]
    with pytest.raises(ParseError) as raised:
        medcomkit.parse(_mutated(path, value))
    assert raised.value.code in {"fhir.json-type", "ele-1"}
    assert _location(path) in raised.value.message("en")
    assert raised.value.message("da") != raised.value.message("en")


@pytest.mark.parametrize("name", list(WRONG))
def test_convert_and_the_journal_refuse_a_wrong_type_without_crashing(name: str, tmp_path: Path) -> None:
    path, value = WRONG[name]
    data = _mutated(path, value)
    source = tmp_path / "message.json"
    source.write_bytes(data)
    with pytest.raises(MedcomkitError):
        convert_files([source], to="oioxml")
    with medcomkit.Archive(tmp_path / "journal.db") as journal:
        try:  # the journal may keep the bytes it received; then reading them back must work too
            journal.add(data, direction="received")
        except MedcomkitError as error:
            assert error.code  # noqa: PT017
        for entry in journal.entries():
            message = journal.message(entry.id)
            assert describe(entry, journal.status(entry.id), message, "en")


def test_a_missing_timestamp_stops_conversion_with_a_rule_id(tmp_path: Path) -> None:
    document = copy.deepcopy(_bundle())
    del document["timestamp"]
    source = tmp_path / "message.json"
    source.write_text(json.dumps(document))
    with pytest.raises(MedcomkitError) as raised:
        convert_files([source], to="oioxml")
    assert raised.value.code == "convert.time-missing"
    assert "Bundle.timestamp" in raised.value.message("da")


def test_the_command_line_reports_wrong_types_without_a_traceback(tmp_path: Path) -> None:
    paths = []
    for number, (path, value) in enumerate(WRONG.values()):
        paths.append(tmp_path / f"m{number}.json")
        paths[-1].write_bytes(_mutated(path, value))
    for command in (
        ["validate", *map(str, paths)],
        ["archive", "add", "--db", str(tmp_path / "j.db"), "--direction", "received", *map(str, paths)],
        *(["convert", "--to", "oioxml", "--out", str(tmp_path / "out"), str(p)] for p in paths),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "medcomkit", *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in done.stderr, (command[0], done.stderr)
        # The journal keeps what it received (how it marks same ids with other bytes is its own
        # matter); validate and convert find every file invalid.
        assert done.returncode in ({0, 1} if command[0] == "archive" else {1}), (command, done.stderr)


def test_a_statistics_csv_with_wrong_types_names_line_and_column() -> None:
    data = (
        b"month,sender_ean,receiver_ean,sender_kind,receiver_kind,message_type,count\n"
        b"2026-01,5790000000001,5790000000002,kommune,region,XDIS91,mange\n"
    )
    with pytest.raises(ParseError) as raised:
        load_stats(data)
    assert raised.value.code == "stats.invalid"
    assert raised.value.line == 2
    assert "count" in raised.value.message("en")
