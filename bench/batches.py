"""Batches: messages per second with one process and with every core, and how pairing XDIS91 with
XBIN01 grows with the number of files. Run: ``python -m bench.batches``.

- **Throughput**: ``validate``, ``convert --to fhir`` and ``archive add`` over the same batch of
  XDIS91/XBIN01 pairs (:func:`bench.batch_corpus.write_pairs`), with ``jobs=1`` and with one job per
  core, through the functions the commands call. Work spread over processes is wall-clock time
  by nature, so this is the one figure here taken by the clock: the least of a few alternating
  rounds. Goal: every core is no slower than one (on a machine with cores to spare it is about
  1 ÷ cores).
- **Pairing**: the CPU time of the pairing step alone on twice the pairs, as a ratio (the median of
  alternating rounds), for validate (:func:`medcomkit.oioxml.link.link_reports`), convert
  (:func:`medcomkit.convert.pairing.pair_attachments`) and archive add (journalising the files and
  finding each letter's XBIN01 in the journal). Goal: at most 2.5× (all against all would be 4×).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bench import Figure
from bench.batch_corpus import write_pairs

THROUGHPUT_PAIRS = 100  # 200 files
PAIRING_PAIRS = 800  # against 1,600: the sizes the issue measured
JOURNAL_PAIRS = 100  # against 200
ROUNDS = 3
PAIRING_GOAL = 2.5

if TYPE_CHECKING:
    from medcomkit.model.messages import AttachmentMessage, CareMessage


def _clock(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _cpu(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def _all_cpu(action: Callable[[], object]) -> float:
    """CPU time of this process and of the workers it started (and ended) meanwhile."""
    import resource

    def total() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    start = total()
    action()
    return total() - start


def _alternating(
    one: Callable[[], object], other: Callable[[], object], measure: Callable[..., float]
) -> tuple[float, float]:
    """The least time of each over :data:`ROUNDS` rounds, each round taking both in turn first."""
    first, second = [], []
    for number in range(ROUNDS):
        if number % 2:
            second.append(measure(other))
            first.append(measure(one))
        else:
            first.append(measure(one))
            second.append(measure(other))
    return min(first), min(second)


def _throughput(folder: Path, jobs: int) -> list[Figure]:
    from medcomkit.archive import Archive
    from medcomkit.archive.adding import add_files
    from medcomkit.convert import registry_lookup
    from medcomkit.convert.syntaxes import convert_any_syntax
    from medcomkit.dispatch import validate_many
    from medcomkit.sor import demo_registry

    paths = write_pairs(folder / "pairs", THROUGHPUT_PAIRS)
    lookup = registry_lookup(demo_registry())
    journals = iter(range(1_000))

    def validate(n: int) -> None:
        validate_many(paths, jobs=n)

    def convert(n: int) -> None:
        inputs = [(str(p), p.read_bytes()) for p in paths]  # the command reads the files first too
        run = convert_any_syntax(inputs, to="fhir", sor=lookup, jobs=n)
        assert len(run.outputs) == THROUGHPUT_PAIRS
        assert not run.refused

    def archive(n: int) -> None:
        with Archive(folder / f"journal{next(journals)}.sqlite", key=b"k" * 32) as journal:
            for _, _, error in add_files(journal, paths, direction="received", jobs=n):
                assert error is None

    figures = []
    for name, action in (("validate", validate), ("convert", convert), ("archive add", archive)):
        action(1)  # imports and caches are paid before timing
        single, every = _alternating(lambda a=action: a(1), lambda a=action: a(jobs), _clock)  # type: ignore[misc]
        cpu_single, cpu_every = _alternating(lambda a=action: a(1), lambda a=action: a(jobs), _all_cpu)  # type: ignore[misc]
        print(
            f"{name:12} {len(paths)} files: {len(paths) / single:5.0f} messages/s with 1 job, "
            f"{len(paths) / every:5.0f} with {jobs} ({single / every:.2f}× as fast; CPU time of all "
            f"processes {cpu_every / cpu_single:.2f}× that of one)"
        )
        figures.append(
            Figure(
                f"{name} --jobs {jobs} ÷ --jobs 1 wall time ({len(paths)} files)", every / single, "×", 1.0
            )
        )
    return figures


def _pairing_ratio(small: Callable[[], object], large: Callable[[], object]) -> float:
    small(), large()  # imports and caches are paid before timing
    ratios = []
    for number in range(2 * ROUNDS + 1):
        if number % 2:
            big = _cpu(large)
            little = _cpu(small)
        else:
            little = _cpu(small)
            big = _cpu(large)
        ratios.append(big / little if little else float("inf"))
    return statistics.median(ratios)


def _messages(count: int) -> tuple[list[CareMessage], list[AttachmentMessage]]:
    """``count`` XDIS91 letters and their XBIN01s as the model, attachment bytes left out."""
    from medcomkit.demo import demo_care_message
    from medcomkit.oioxml.xbin01 import attachments_for

    base = demo_care_message()
    letters, binaries = [], []
    for number in range(count):
        identifier = str(uuid.UUID(int=number + 1, version=4))
        attachment = replace(base.attachments[0], identifier=identifier)
        letter = replace(base, message_id=f"L{number}", attachments=(attachment,))
        binary = attachments_for(letter, message_id=f"B{number}", envelope_id=f"K{number}")
        assert binary is not None
        binary = replace(binary, attachments=tuple(replace(a, data=None) for a in binary.attachments))
        letters.append(
            replace(
                letter, attachments=(replace(attachment, identifier=identifier.replace("-", "").upper()),)
            )
        )
        binaries.append(binary)
    return letters, binaries


def _pairing(folder: Path) -> list[Figure]:
    from medcomkit.archive import Archive
    from medcomkit.archive.adding import add_files
    from medcomkit.convert.pairing import pair_attachments
    from medcomkit.core.kinds import Kind
    from medcomkit.core.report import Report
    from medcomkit.oioxml.link import link_reports

    letters, binaries = _messages(2 * PAIRING_PAIRS)

    def validate(count: int) -> Callable[[], object]:
        messages = [m for pair in zip(letters[:count], binaries[:count], strict=True) for m in pair]
        reports = [
            Report(Kind.XDIS91 if i % 2 == 0 else Kind.XBIN01, (), f"{i}.xml") for i in range(2 * count)
        ]
        return lambda: link_reports(reports, messages)

    def convert(count: int) -> Callable[[], object]:
        return lambda: pair_attachments(letters[:count], binaries[count - 1 :: -1])

    paths = write_pairs(folder / "journal-pairs", 2 * JOURNAL_PAIRS)
    journals = iter(range(1_000))

    def archive(count: int) -> Callable[[], object]:
        def add_and_link() -> None:
            with Archive(folder / f"pairing{next(journals)}.sqlite", key=b"k" * 32) as journal:
                added = [
                    a
                    for _, items, _ in add_files(journal, paths[: 2 * count], direction="sent", jobs=1)
                    for a in items
                ]
                for item in added:
                    journal.linked(item.entry)

        return add_and_link

    figures = []
    for name, make, count in (
        ("validate", validate, PAIRING_PAIRS),
        ("convert", convert, PAIRING_PAIRS),
        ("archive add", archive, JOURNAL_PAIRS),
    ):
        ratio = _pairing_ratio(make(count), make(2 * count))
        print(f"{name:12} pairing {count} → {2 * count} pairs: {ratio:.2f}× the CPU time")
        figures.append(
            Figure(f"{name}: pairing 2× the XDIS91/XBIN01 files, CPU time", ratio, "×", PAIRING_GOAL)
        )
    return figures


def figures() -> list[Figure]:
    from medcomkit.core.workers import default_jobs

    jobs = max(2, default_jobs())
    with tempfile.TemporaryDirectory() as folder:
        return _throughput(Path(folder), jobs) + _pairing(Path(folder))


def main() -> None:
    figures()


if __name__ == "__main__":
    main()
