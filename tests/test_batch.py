"""Many files at once: XDIS91/XBIN01 pairing grows linearly, and --jobs does not change the output."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from support import LineCounter

from medcomkit.cli import main
from medcomkit.codecs import Probe
from medcomkit.core.kinds import Kind
from medcomkit.core.report import Report
from medcomkit.demo import write_demo_km
from medcomkit.dispatch import validate_bytes
from medcomkit.model.messages import AttachmentMessage, CareMessage
from medcomkit.oioxml.codec import pairing_facts
from medcomkit.oioxml.link import link_reports


def _facts(data: bytes) -> CareMessage | AttachmentMessage | None:
    return pairing_facts(Probe(data), validate_bytes(data))


def _demo_pair(tmp_path: Path) -> tuple[CareMessage, AttachmentMessage]:
    paths = {p.name: p for p in write_demo_km(tmp_path)}
    letter = _facts(paths["km-xdis91.xml"].read_bytes())
    binary = _facts(paths["km-xbin01.xml"].read_bytes())
    assert isinstance(letter, CareMessage)
    assert isinstance(binary, AttachmentMessage)
    assert binary.attachments[0].data is None
    assert binary.attachments[0].size
    return letter, binary


def _batch(
    letter: CareMessage, binary: AttachmentMessage, pairs: int, group: int
) -> tuple[list[Report], list[CareMessage | AttachmentMessage]]:
    """``pairs`` letters with their binaries; ``group`` pairs share each ObjectIdentifier (as
    implementations that number attachments 1, 2, 3 … do) and are told apart by patient."""
    reports: list[Report] = []
    messages: list[CareMessage | AttachmentMessage] = []
    for number in range(pairs):
        identifier = str(uuid.UUID(int=number // group + 1))
        patient = replace(
            letter.patient, identifier=replace(letter.patient.identifier, value=f"{number:010d}")
        )
        own_letter = replace(
            letter,
            patient=patient,
            attachments=tuple(replace(a, identifier=identifier) for a in letter.attachments),
        )
        own_binary = replace(
            binary,
            patient=patient,
            attachments=tuple(replace(a, identifier=identifier) for a in binary.attachments),
        )
        messages += [own_letter, own_binary]
        reports += [
            Report(Kind.XDIS91, (), f"{number}-xdis91.xml"),
            Report(Kind.XBIN01, (), f"{number}-xbin01.xml"),
        ]
    return reports, messages


def _pairing_work(reports: list[Report], messages: list[CareMessage | AttachmentMessage]) -> int:
    """The lines of Python pairing executes: the work, the same on a busy machine as on an idle one."""
    counter = LineCounter()
    linked = counter.wrap(link_reports)(reports, messages)
    assert all(not r.issues for r in linked)  # every letter found its own binary, and only that
    return counter.lines


@pytest.mark.parametrize("group", [1, 4])
def test_pairing_twice_the_files_costs_about_twice_the_work(tmp_path: Path, group: int) -> None:
    letter, binary = _demo_pair(tmp_path)
    small = _pairing_work(*_batch(letter, binary, 500, group))
    large = _pairing_work(*_batch(letter, binary, 1000, group))
    assert small > 0
    assert large <= 2.5 * small, (small, large)  # all against all: 4x


def test_a_letter_is_paired_with_the_binary_of_its_own_parties(tmp_path: Path) -> None:
    letter, binary = _demo_pair(tmp_path)
    reports, messages = _batch(letter, binary, 2, group=2)  # one id, two patients
    assert all(not r.issues for r in link_reports(reports, messages))
    stranger = [messages[0], messages[3]]  # only the other patient's binary is there
    linked = link_reports(reports[:2], stranger)
    assert "oioxml.attachment-parties" in linked[0].rules()


def _files(tmp_path: Path) -> list[str]:
    """Pairs, a pair whose binary disagrees, a file that is no message, one that cannot be read."""
    files: list[Path] = []
    for number in range(4):
        paths = write_demo_km(tmp_path / f"pair{number}")
        files += [p for p in paths if p.suffix == ".xml"]
    changed = tmp_path / "changed-xbin01.xml"
    changed.write_bytes(files[0].read_bytes().replace(b"<ObjectCode>vektor_grafik", b"<ObjectCode>billede"))
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<Emessage><unclosed>")
    return [str(files[1]), str(changed), *map(str, files[2:]), str(broken), str(tmp_path / "missing.xml")]


@pytest.mark.parametrize("output", ["json", "text"])
def test_jobs_do_not_change_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    files = _files(tmp_path)
    runs = []
    for jobs in ("1", "2"):
        status = main(["validate", "--format", output, "--jobs", jobs, *files])
        captured = capsys.readouterr()
        runs.append((status, captured.out, captured.err))
    assert runs[0] == runs[1]
    status, out, err = runs[0]
    assert status == 2
    assert "missing.xml" in err
    assert "oioxml.attachment-mismatch" in out
    assert "xml.malformed" in out
    assert out.index("changed-xbin01") < out.index("broken.xml")  # input order


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "x"):
        with pytest.raises(SystemExit) as stopped:
            main(["validate", "--jobs", bad, "some.xml"])
        assert stopped.value.code == 2
    assert "--jobs" in capsys.readouterr().err
