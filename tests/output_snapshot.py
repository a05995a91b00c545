"""Digests of everything medcomkit writes or prints on a fixed corpus, to show that a change keeps it.

:mod:`report_snapshot` keeps the reports; this keeps the rest: what ``convert`` makes of every
reference example (the bytes of each file, the change list and the notes, in Danish and English,
through the Python API and the command line; receipts converted back through the state of the
conversion they answer), and what every deterministic command prints and writes (``validate``,
``convert``, ``demo``, ``vans``, ``archive``, ``sor``, ``stats``, ``selftest``, and argparse's
usage errors): exit status, standard output, standard error, and the name and bytes of each file
written. Only digests are stored (``output_digests.json``), never
third-party content.

The command line is run in this process through ``medcomkit.cli.main`` (a subprocess per run would
cost a second each); commands that take ``--jobs`` get ``--jobs 1`` so that the pins below reach
the work.

What is pinned, because it differs from run to run in real use:

- the clock: ``datetime.now()`` (and ``today``, ``utcnow``) in every ``medcomkit`` module is
  2026-03-02 10:15:30 Copenhagen time, with ``TZ=Europe/Copenhagen``;
- random ids: ``uuid.uuid4()`` gives ``5eed0000-0000-4000-8000-<counter>``, ``secrets.choice``
  spells 14-character letter ids ``RND<11-digit counter>``, ``secrets.token_bytes`` counts. In
  the digested text these pinned ids are then numbered by their first appearance (hyphens and case
  kept), so an id drawn once more or once less somewhere else does not change the digest, while
  which id stands where still does. Ids medcomkit derives (from the message, by UUID v5) are kept
  as they are.

What is normalised, because it depends on the machine: the temporary folder and the reference
folder in printed paths (``<TMP>``, ``<REF>``). SQLite files (the conversion state, the journal)
are not digested byte by byte; what the commands print from them is.

The few entry points that are not ``medcomkit.cli.main`` or public names are listed in
``ENTRY_POINTS`` below, so a move of modules is one edit here.

Record anew (only when an output is meant to change, and say why in the commit)::

    .venv/bin/python tests/output_snapshot.py --write

Print the normalised output of one item (to see what changed)::

    .venv/bin/python tests/output_snapshot.py --show "cli/demo km oioxml"
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib
import io
import itertools
import json
import os
import pkgutil
import re
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date as _real_date
from datetime import datetime as _real_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support import OFFICIAL_XSD, REFERENCE, record_or_compare  # noqa: E402

import medcomkit  # noqa: E402

DIGESTS = TESTS / "output_digests.json"
OIOXML_REFERENCE = REFERENCE / "oioxml" / "examples"
EDIFACT_PAIRS = OIOXML_REFERENCE / "glasdam-edifact_converter"
FHIR_EXAMPLES = REFERENCE / "fhir" / "examples"
FLOWS = FHIR_EXAMPLES / "conversion-service" / "flows"
CARECOMMUNICATION_EXAMPLES = FHIR_EXAMPLES / "carecommunication-testexamples"

# Entry points besides ``medcomkit.cli.main`` and ``medcomkit.__all__`` ("module:name"). When a
# module moves, change it here and nowhere else.
ENTRY_POINTS = {
    "cli": "medcomkit.cli:main",
    "convert_like_service": "medcomkit.convert:convert_like_service",
    "synthetic_stats": "medcomkit.stats:synthetic_stats",
}


def entry(name: str) -> Any:
    module, _, attribute = ENTRY_POINTS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


# --- pins -------------------------------------------------------------------------------------------

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
FROZEN = _real_datetime(2026, 3, 2, 10, 15, 30, tzinfo=COPENHAGEN)
PIN_UUID = "5eed0000-0000-4000-8000-"
PIN_LETTER = "RND"


class _FrozenMeta(type):
    """Real datetimes (from parsers, from libraries) still pass ``isinstance`` against the stand-in."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls._real)  # type: ignore[attr-defined]

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls._real)  # type: ignore[attr-defined]


class _FrozenDatetime(_real_datetime, metaclass=_FrozenMeta):
    """``datetime`` whose ``now`` is :data:`FROZEN`; every instance it makes is a real ``datetime``."""

    _real = _real_datetime

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _real_datetime(*args, **kwargs)

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return FROZEN.astimezone(tz) if tz is not None else FROZEN.replace(tzinfo=None)

    @classmethod
    def today(cls) -> Any:
        return FROZEN.replace(tzinfo=None)

    @classmethod
    def utcnow(cls) -> Any:
        return FROZEN.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


class _FrozenDate(_real_date, metaclass=_FrozenMeta):
    _real = _real_date

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _real_date(*args, **kwargs)

    @classmethod
    def today(cls) -> Any:
        return FROZEN.date()


def _import_all() -> None:
    """Every medcomkit module, so that the clock is pinned in modules imported lazily too."""
    for module in pkgutil.walk_packages(medcomkit.__path__, "medcomkit."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """The clock and the random ids fixed (see the module docstring), fresh counters each time."""
    _import_all()
    uuids = itertools.count(1)
    letters = itertools.count(1)
    spelled: list[str] = []
    token = itertools.count(1)

    def uuid4() -> uuid.UUID:
        return uuid.UUID(f"{PIN_UUID}{next(uuids):012d}")

    def choice(seq: Sequence[Any]) -> Any:
        if not spelled:
            spelled.extend(reversed(f"{PIN_LETTER}{next(letters):011d}"))
        char = spelled.pop()
        return char if char in seq else seq[0]

    def token_bytes(nbytes: int | None = None) -> bytes:
        return next(token).to_bytes(nbytes or 32, "big")

    # Replaced where they are looked up: in the stdlib modules, and in every medcomkit module that
    # imported the name itself (``from datetime import datetime``, ``from uuid import uuid4``).
    swapped = [(uuid, "uuid4", uuid4), (secrets, "choice", choice), (secrets, "token_bytes", token_bytes)]
    stand_ins: dict[int, Any] = {id(getattr(owner, attr)): value for owner, attr, value in swapped}
    stand_ins |= {id(_real_datetime): _FrozenDatetime, id(_real_date): _FrozenDate}
    for name, module in list(sys.modules.items()):
        if name == "medcomkit" or name.startswith("medcomkit."):
            for attribute, value in list(vars(module).items()):
                if id(value) in stand_ins:
                    swapped.append((module, attribute, stand_ins[id(value)]))
    saved = [(owner, attribute, getattr(owner, attribute)) for owner, attribute, _ in swapped]
    old_tz = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Copenhagen"
    time.tzset()
    for owner, attribute, value in swapped:
        setattr(owner, attribute, value)
    try:
        yield
    finally:
        for owner, attribute, value in saved:
            setattr(owner, attribute, value)
        if old_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old_tz
        time.tzset()


_PINNED_UUID = re.compile(rb"(?i)(5eed0000-?0000-?4000-?8000-?)([0-9]{12})")
_PINNED_LETTER = re.compile(rb"RND([0-9]{11})")


def without_folders(blob: bytes, folders: dict[str, str]) -> bytes:
    """Machine paths replaced by their labels, the longest first."""
    for path, label in sorted(folders.items(), key=lambda item: -len(item[0])):
        blob = blob.replace(path.encode(), label.encode())
    return blob


def normalise(blob: bytes, folders: dict[str, str]) -> bytes:
    """Machine paths replaced, pinned ids numbered by first appearance (see the module docstring)."""
    blob = without_folders(blob, folders)
    for pattern, width in ((_PINNED_UUID, 12), (_PINNED_LETTER, 11)):
        order: dict[bytes, int] = {}

        def number(match: re.Match[bytes], order: dict[bytes, int] = order, width: int = width) -> bytes:
            seen = order.setdefault(match.group(match.lastindex or 0), len(order) + 1)
            head = match.group(1) if match.lastindex == 2 else match.group(0)[:-width]
            return head + str(seen).zfill(width).encode()

        blob = pattern.sub(number, blob)
    return blob


def digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()[:20]


# --- one item: what it printed and wrote --------------------------------------------------------


class Capture:
    """Collects what one item of the snapshot gives, as bytes in a fixed order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts: list[bytes] = []

    def add(self, label: str, data: bytes | str) -> None:
        # Folders are replaced before the length is taken, so a record does not depend on where
        # the checkout (and the reference data beside it) happens to be.
        raw = without_folders(data.encode() if isinstance(data, str) else data, self._folders())
        self.parts.append(f"\n### {label} ({len(raw)})\n".encode() + raw)

    def _folders(self) -> dict[str, str]:
        return {str(self.folder): "<TMP>", str(REFERENCE): "<REF>", str(REFERENCE.resolve()): "<REF>"}

    def add_json(self, label: str, value: Any) -> None:
        self.add(label, json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1, default=str))

    def cli(self, *argv: str | Path) -> int:
        """Run the command line in this process; record argv, exit status, stdout and stderr."""
        args = [str(a) for a in argv]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = entry("cli")(args)
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code if isinstance(stop.code, int) else 2
        self.add("argv", " ".join(_without_jobs(args)))
        self.add(f"exit {code} stdout", out.getvalue())
        self.add("stderr", err.getvalue())
        return int(code)

    def files(self, folder: Path, label: str = "files") -> None:
        """The name and bytes of every file under ``folder`` (SQLite files: only their names)."""
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            sqlite = ".sqlite" in path.name or path.suffix == ".db" or path.name.endswith(("-wal", "-shm"))
            self.add(f"{label}: {name}", b"(sqlite)" if sqlite else path.read_bytes())

    def blob(self) -> bytes:
        return normalise(b"".join(self.parts), {})


Item = Callable[[Capture], None]


def _without_jobs(args: list[str]) -> list[str]:
    """The arguments as recorded. ``convert`` and ``archive add`` gained ``--jobs`` after these
    records were made; there ``--jobs 1`` only keeps the work in this process, so it is left out of
    the record and the outputs recorded before still apply (``validate`` had the option already)."""
    if args[:1] != ["convert"] and args[:2] != ["archive", "add"]:
        return args
    for at in range(len(args) - 1):
        if args[at : at + 2] == ["--jobs", "1"]:
            return args[:at] + args[at + 2 :]
    return args


@functools.cache
def _takes_jobs(*command: str) -> bool:
    """Whether ``medcomkit COMMAND`` has ``--jobs`` (asked of its own help, so it follows the CLI)."""
    out = io.StringIO()
    quiet = contextlib.redirect_stderr(io.StringIO())
    with contextlib.redirect_stdout(out), quiet, contextlib.suppress(SystemExit):
        entry("cli")([*command, "--help"])
    return "--jobs" in out.getvalue()


# --- the corpus ------------------------------------------------------------------------------------


def _files(folder: Path, *patterns: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})


def edifact_examples() -> list[Path]:
    return _files(EDIFACT_PAIRS / "edifact", "*.edi")


def oioxml_groups() -> dict[str, list[Path]]:
    """Reference OIOXML files, in the groups they convert in (a letter with its XBIN01)."""
    groups: dict[str, list[Path]] = {}
    for path in _files(OIOXML_REFERENCE, "*/*.xml"):
        folder = path.parent.name
        if folder == "medcom-conversionservice":  # Flow1-XDIS91 with Flow1-XBIN01, and so on
            key = f"{folder}/{path.name.split('_')[0].rsplit('-', 1)[0]}"
        else:
            key = f"{folder}/{path.stem}"
        groups.setdefault(key, []).append(path)
    return groups


def fhir_convertible() -> list[Path]:
    """Every CareCommunication and Acknowledgement MedCom publishes, and the conversion flows."""
    found = _files(CARECOMMUNICATION_EXAMPLES, "*/Bundle-*")
    found += _files(FLOWS, "*CareCommunication*", "*Acknowledgement*")
    found += _files(FHIR_EXAMPLES / "acknowledgement-testexamples" / "receive", "*")
    return found


def _label(path: Path) -> str:
    return path.relative_to(REFERENCE).as_posix()


def _sor_options(paths: Sequence[Path]) -> list[str]:
    """``--sor EAN=SOR`` for the parties of a FHIR message, so that its conversion back to FHIR works."""
    options: list[str] = []
    for path in paths:
        try:
            message = medcomkit.parse(path)
        except medcomkit.MedcomkitError:
            continue
        for party in (getattr(message, "sender", None), getattr(message, "receiver", None)):
            if party is not None and getattr(party, "sor", None) and party.ean:
                options += ["--sor", f"{party.ean}={party.sor}"]
    return options


def _convert_item(paths: Sequence[Path], to: str, extra: Sequence[str] = ()) -> Item:
    def item(capture: Capture) -> None:
        for lang, shown in (("da", ()), ("en", ("--show-cpr",))):
            out = capture.folder / f"out-{lang}"
            receipts = capture.folder / f"receipts-{lang}"
            jobs = ("--jobs", "1") if _takes_jobs("convert") else ()
            capture.cli(
                "convert", "--to", to, "--out", out, "--receipt-out", receipts, "--lang", lang,
                *shown, *jobs, *extra, *paths,
            )  # fmt: skip
            for folder in (out, receipts):
                if folder.is_dir():
                    capture.files(folder, folder.name)

    return item


def _api_convert_item(paths: Sequence[Path], to: str) -> Item:
    """The conversion service through the Python API: outputs, change rows, notices, refusals."""

    def item(capture: Capture) -> None:
        convert = entry("convert_like_service")
        inputs = [(p.name, p.read_bytes()) for p in paths]
        run = convert(inputs, to=to, now=FROZEN)
        for output in run.outputs:
            capture.add(f"output {output.name}", output.data)
        for conversion in run.conversions:
            for lang in ("da", "en"):
                capture.add_json(f"changes {lang}", [dict(row) for row in conversion.rows(lang)])
            correlation = conversion.correlation
            if dataclasses.is_dataclass(correlation) and not isinstance(correlation, type):
                capture.add_json("correlation", dataclasses.asdict(correlation))
        for notice in run.notices:
            capture.add_json("notice", [notice.text.get("da"), notice.text.get("en")])
        for refusal in run.refused:
            capture.add_json("refused", [refusal.source, refusal.reason.get("da"), refusal.reason.get("en")])
            if refusal.report is not None:
                capture.add_json(
                    "report", [refusal.report.to_dict(lang, mask=False) for lang in ("da", "en")]
                )
            if refusal.receipt is not None:
                capture.add(f"receipt {refusal.receipt.name}", refusal.receipt.data)

    return item


def conversion_items() -> Iterator[tuple[str, Item]]:
    """Every reference example that converts, each way it converts (and one way it does not)."""
    for path in edifact_examples():
        for to in ("oioxml", "fhir"):
            yield f"convert/{_label(path)} to {to}", _convert_item([path], to, ["--registry", "demo"])
    for key, paths in oioxml_groups().items():
        if "vansenvelope" in key:
            continue
        for to in ("fhir", "edifact"):
            yield f"convert/oioxml/{key} to {to}", _convert_item(paths, to, ["--registry", "demo"])
        yield f"api-convert/oioxml/{key} to fhir", _api_convert_item(paths, "fhir")
    for path in fhir_convertible():
        yield f"convert/{_label(path)} to oioxml", _convert_item([path], "oioxml")
        yield f"api-convert/{_label(path)} to oioxml", _api_convert_item([path], "oioxml")
    for path in _files(CARECOMMUNICATION_EXAMPLES / "send", "*")[:3]:
        yield f"convert/{_label(path)} to edifact", _convert_item([path], "edifact")
        yield f"convert/{_label(path)} to oioxml and back", _there_and_back(path)


def _there_and_back(path: Path) -> Item:
    """FHIR → OIOXML → FHIR with the SOR codes of the original, through one conversion state."""

    def item(capture: Capture) -> None:
        state = capture.folder / "state.sqlite"
        there, back = capture.folder / "there", capture.folder / "back"
        capture.cli("convert", "--to", "oioxml", "--state", state, "--out", there, path)
        written = sorted(there.glob("*.xml"))
        capture.cli(
            "convert", "--to", "fhir", "--state", state, "--out", back, *_sor_options([path]), *written
        )
        capture.files(there, "there")
        capture.files(back, "back")

    return item


# --- the command line ------------------------------------------------------------------------------


def _demo(capture: Capture, *argv: str) -> Path:
    out = capture.folder / "demo"
    capture.cli("demo", *argv, "--out", out)
    return out


def _validate_item(paths: Sequence[Path]) -> Item:
    def item(capture: Capture) -> None:
        jobs = ("--jobs", "1") if _takes_jobs("validate") else ()
        capture.cli("validate", *jobs, *paths)
        capture.cli("validate", "--lang", "en", "--show-cpr", *jobs, *paths)
        capture.cli("validate", "--format", "json", "--lang", "en", *jobs, *paths)
        capture.cli("validate", "--format", "json", "--show-cpr", *jobs, *paths)

    return item


def _official_xsd_item(paths: Sequence[Path]) -> Item:
    def item(capture: Capture) -> None:
        jobs = ("--jobs", "1") if _takes_jobs("validate") else ()
        capture.cli("validate", "--lang", "en", "--xsd-dir", OFFICIAL_XSD, *jobs, *paths)

    return item


def _demo_item(*argv: str) -> Item:
    def item(capture: Capture) -> None:
        out = _demo(capture, *argv)
        capture.files(out)
        written = sorted(p for p in out.iterdir() if p.suffix in (".xml", ".json", ".edi"))
        jobs = ("--jobs", "1") if _takes_jobs("validate") else ()
        capture.cli("validate", *jobs, *written)
        capture.cli("validate", "--format", "json", "--lang", "en", "--show-cpr", *jobs, *written)

    return item


def _demo_convert_item(demo: Sequence[str], to: str, extra: Sequence[str] = ()) -> Item:
    def item(capture: Capture) -> None:
        out = _demo(capture, *demo)
        written = sorted(p for p in out.iterdir() if p.suffix in (".xml", ".json", ".edi"))
        _convert_item(written, to, extra)(capture)

    return item


def _receipts_item(capture: Capture) -> None:
    """Receipts converted through the state of the conversion they answer, both ways: the demo XDIS91
    (+ XBIN01) to FHIR, its Acknowledgement back to XCTL; a demo CareCommunication to OIOXML, its
    XCTL receipts (positive, then negative) back to an Acknowledgement."""
    state, fhir, xctl = capture.folder / "state.sqlite", capture.folder / "fhir", capture.folder / "xctl"
    km = sorted(p for p in _demo(capture, "km").iterdir() if p.suffix == ".xml")
    capture.cli("convert", "--to", "fhir", "--registry", "demo", "--state", state, "--out", fhir, *km)
    acks = capture.folder / "acks"
    acks.mkdir()
    for path in sorted(fhir.glob("*.json")):
        _, ack = medcomkit.acknowledge(path.read_bytes())
        (acks / f"ack-{path.name}").write_bytes(ack)
    for lang in ("da", "en"):
        capture.cli(
            "convert",
            "--to",
            "oioxml",
            "--state",
            state,
            "--out",
            xctl / lang,
            "--lang",
            lang,
            *acks.iterdir(),
        )
    thread = sorted(p for p in _demo(capture, "carecommunication").iterdir() if p.suffix == ".json")
    oioxml = capture.folder / "oioxml"
    capture.cli("convert", "--to", "oioxml", "--state", state, "--out", oioxml, thread[0])
    for kind in (medcomkit.ReceiptKind.POSITIVE, medcomkit.ReceiptKind.NEGATIVE):
        receipts = capture.folder / f"receipts-{kind.name.lower()}"
        receipts.mkdir()
        for path in sorted(oioxml.glob("*.xml")):
            message = medcomkit.parse(path)
            options: dict[str, Any] = {"kind": kind}
            if kind is medcomkit.ReceiptKind.NEGATIVE:
                options["text"] = "Meddelelsen kunne ikke læses."
            receipt = medcomkit.build_xctl(medcomkit.receipt_for(message, **options))  # type: ignore[arg-type]
            (receipts / f"xctl-{path.name}").write_bytes(receipt)
        capture.files(receipts, receipts.name)
        back = capture.folder / f"back-{kind.name.lower()}"
        capture.cli("convert", "--to", "fhir", "--state", state, "--out", back, *sorted(receipts.iterdir()))
        capture.files(back, back.name)
    for folder in (fhir, acks, xctl, oioxml):
        capture.files(folder, folder.name)


def _vans_item(capture: Capture) -> None:
    """Wrap each demo message (OIOXML, FHIR, EDIFACT, a PDF) in a VANSEnvelope and take it out again."""
    sources = [
        *sorted((_demo(capture, "km")).iterdir()),
        *sorted(p for p in _demo(capture, "carecommunication").iterdir() if p.suffix == ".json")[:1],
    ]
    edifact = capture.folder / "edifact"
    capture.cli("demo", "km", "--syntax", "edifact", "--out", edifact)
    sources += sorted(p for p in edifact.iterdir() if p.suffix == ".edi")
    for index, source in enumerate(sources):
        wrapped, back = capture.folder / f"wrapped{index}", capture.folder / f"back{index}"
        options: tuple[str, ...] = ()
        if source.suffix == ".pdf":
            options = ("--name", "MCM:BIN", "--doc-format", "Binary", "--sender", "5790000123456")
            options += (
                "--receiver",
                "5790000654321",
                "--envelope-id",
                "4c8e2a1b-9f3d-4e6a-8b7c-1d2e3f4a5b6c",
            )
        for lang in ("da", "en"):
            capture.cli("vans", "wrap", source, "--out", wrapped, "--lang", lang, *options)
        for envelope in sorted(wrapped.glob("*")):
            capture.cli("vans", "unwrap", envelope, "--out", back)
        capture.files(wrapped, f"wrapped {source.name}")
        capture.files(back, f"unwrapped {source.name}")
    for envelope in _files(OIOXML_REFERENCE / "vansenvelope", "*.xml"):
        for lang in ("da", "en"):
            capture.cli("vans", "unwrap", envelope, "--out", capture.folder / "reference", "--lang", lang)
    capture.files(capture.folder / "reference", "reference")
    capture.cli("vans", "wrap", capture.folder / "missing.xml", "--out", capture.folder / "x", "--lang", "en")


def _archive_item(capture: Capture) -> None:
    """A journal of the demo messages sent and their receipts received: list, show, export."""
    km = sorted(p for p in _demo(capture, "km").iterdir() if p.suffix == ".xml")
    thread = sorted(p for p in _demo(capture, "carecommunication").iterdir() if p.suffix == ".json")
    receipts = capture.folder / "receipts"
    receipts.mkdir()
    for path in [*km, *thread]:
        message = medcomkit.parse(path)
        if isinstance(message, medcomkit.CareMessage) and path.suffix == ".xml":
            receipt = medcomkit.build_xctl(medcomkit.receipt_for(message))
            (receipts / f"kvittering-{path.name}").write_bytes(receipt)
        elif isinstance(message, medcomkit.CareMessage):
            _, ack = medcomkit.acknowledge(path.read_bytes())
            (receipts / f"ack-{path.name}").write_bytes(ack)
    db = capture.folder / "journal.sqlite"
    jobs = ("--jobs", "1") if _takes_jobs("archive", "add") else ()
    capture.cli("archive", "add", "--db", db, "--direction", "sent", *jobs, *km, *thread)
    capture.cli("archive", "add", "--db", db, "--direction", "received", *jobs, *sorted(receipts.iterdir()))
    later = "2026-03-09T12:00:00+01:00"
    for lang in ("da", "en"):
        capture.cli("archive", "list", "--db", db, "--lang", lang)
        capture.cli("archive", "list", "--db", db, "--lang", lang, "--format", "json", "--now", later)
        capture.cli("archive", "list", "--db", db, "--lang", lang, "--patient", "1203134996")
    for number in range(1, len(km) + len(thread) + 2):
        capture.cli("archive", "show", "--db", db, str(number))
        capture.cli(
            "archive", "show", "--db", db, str(number), "--lang", "en", "--format", "json", "--now", later
        )
    capture.cli("archive", "show", "--db", db, "1", "--export", capture.folder / "export")
    capture.files(capture.folder / "export", "export")
    capture.cli("archive", "list", "--db", capture.folder / "none.sqlite", "--lang", "en")


def _sor_item(capture: Capture) -> None:
    queries = ["ppr", "ålborg ppr", "Gotham", "12", "østergade", "hjemmepleje", "0101", "psykiatri"]
    parsed = medcomkit.parse(sorted(p for p in _demo(capture, "km").iterdir() if p.suffix == ".xml")[-1])
    queries += [parsed.sender.ean, parsed.receiver.ean]
    for query in queries:
        capture.cli("sor", "lookup", query)
        capture.cli("sor", "lookup", query, "--lang", "en", "--format", "json", "--limit", "3")
    capture.cli("sor", "lookup", "ppr", "--limit", "1", "--lang", "en")
    capture.cli("sor", "lookup", "x", "--registry", capture.folder / "none.csv")


def _stats_item(capture: Capture) -> None:
    path = capture.folder / "statistik.csv"
    entry("synthetic_stats")().to_csv(path, index=False)
    for lang in ("da", "en"):
        capture.cli("stats", "summary", "--input", path, "--lang", lang)
        capture.cli("stats", "summary", "--input", path, "--lang", lang, "--format", "json")
    capture.cli("stats", "summary", "--input", capture.folder / "none.csv")


def _selftest_send_item(capture: Capture) -> None:
    send = CARECOMMUNICATION_EXAMPLES / "send"
    for lang in ("da", "en"):
        capture.cli(
            "selftest", "--protocol", "carecommunication-send", send, "--reference", FHIR_EXAMPLES,
            "--lang", lang, "--report-dir", capture.folder / f"report-{lang}",
        )  # fmt: skip
        capture.files(capture.folder / f"report-{lang}", f"report-{lang}")
    capture.cli(
        "selftest",
        "--protocol",
        "carecommunication-send",
        send,
        "--reference",
        FHIR_EXAMPLES,
        "--require-all",
    )


def _selftest_inputs_item(capture: Capture) -> None:
    for protocol in ("carecommunication-send", "carecommunication-receive", "xdis91"):
        folder = capture.folder / protocol
        folder.mkdir()
        capture.cli("selftest", "--protocol", protocol, folder, "--write-inputs", "--write-manifest")
        capture.files(folder, protocol)


def _selftest_xdis91_item(capture: Capture) -> None:
    """The demo XDIS91 and XBIN01 as cases A and B, and receipts for the inputs as case C."""
    demo = sorted(_demo(capture, "km").glob("*.xml"))
    xbin01, xdis91 = demo
    inputs = capture.folder / "inputs"
    inputs.mkdir()
    capture.cli("selftest", "--protocol", "xdis91", inputs, "--write-inputs")
    folder = capture.folder / "xdis91"
    folder.mkdir()
    shutil.copy(xdis91, folder / "XDIS91-A-km.xml")
    shutil.copy(xdis91, folder / "XDIS91-B-km.xml")
    shutil.copy(xbin01, folder / "XDIS91-B-km-bilag.xml")
    for path in sorted(inputs.rglob("*.xml")):
        message = medcomkit.parse(path)
        if isinstance(message, medcomkit.CareMessage | medcomkit.AttachmentMessage):
            receipt = medcomkit.build_xctl(medcomkit.receipt_for(message))
            (folder / f"XDIS91-C-kvittering-{path.name}").write_bytes(receipt)
    for lang in ("da", "en"):
        capture.cli(
            "selftest", "--protocol", "xdis91", folder, "--inputs", inputs, "--no-reference", "--lang", lang
        )


def _usage_item(capture: Capture) -> None:
    """Usage errors: the bilingual argparse message and exit 2."""
    capture.cli("validate")
    capture.cli("validate", "--format", "xml", "x.xml")
    capture.cli("validate", "--max-size", "0", "x.xml")
    capture.cli("validate", capture.folder / "missing.xml")
    capture.cli("convert", "--to", "fhir", "--out", capture.folder / "o", "--sor", "nocode", "x.xml")
    capture.cli(
        "demo", "referral", "--version", "XH0131R", "--syntax", "edifact", "--out", capture.folder / "r"
    )
    capture.cli("sor", "lookup", "x", "--limit", "0")
    capture.cli("selftest", "--protocol", "hl7v2", capture.folder)


def cli_items() -> Iterator[tuple[str, Item]]:
    yield "cli/usage errors", _usage_item
    for argv in (
        ("km",),
        ("km", "--syntax", "edifact"),
        ("referral",),
        ("referral", "--version", "XH0131R", "--lang", "en"),
        ("referral", "--syntax", "edifact"),
        ("carecommunication",),
        ("carecommunication", "--format", "xml"),
    ):
        yield f"cli/demo {' '.join(argv)}", _demo_item(*argv)
    yield "cli/demo km to fhir", _demo_convert_item(("km",), "fhir", ["--registry", "demo"])
    yield (
        "cli/demo km edifact to fhir",
        _demo_convert_item(("km", "--syntax", "edifact"), "fhir", ["--registry", "demo"]),
    )
    yield "cli/demo km to edifact", _demo_convert_item(("km",), "edifact")
    yield (
        "cli/demo referral edifact to oioxml",
        _demo_convert_item(("referral", "--syntax", "edifact"), "oioxml"),
    )
    yield "cli/demo carecommunication to oioxml", _demo_convert_item(("carecommunication",), "oioxml")
    yield (
        "cli/demo carecommunication xml to edifact",
        _demo_convert_item(("carecommunication", "--format", "xml"), "edifact"),
    )
    oioxml = [p for paths in oioxml_groups().values() for p in paths]
    if oioxml:
        yield "cli/validate oioxml examples", _validate_item(oioxml)
        if OFFICIAL_XSD.is_dir():
            yield "cli/validate oioxml examples --xsd-dir", _official_xsd_item(oioxml)
    if edifact_examples():
        yield "cli/validate edifact examples", _validate_item(edifact_examples())
    if fhir_convertible():
        yield "cli/validate fhir examples", _validate_item(fhir_convertible())
    yield "cli/convert receipts through the state", _receipts_item
    yield "cli/vans wrap and unwrap", _vans_item
    yield "cli/archive", _archive_item
    yield "cli/sor lookup", _sor_item
    yield "cli/stats summary", _stats_item
    yield "cli/selftest inputs", _selftest_inputs_item
    yield "cli/selftest xdis91", _selftest_xdis91_item
    if CARECOMMUNICATION_EXAMPLES.is_dir():
        yield "cli/selftest carecommunication-send", _selftest_send_item


def items() -> Iterator[tuple[str, Item]]:
    yield from cli_items()
    if REFERENCE.is_dir():
        yield from conversion_items()


def output_of(item: Item) -> bytes:
    """The normalised bytes of one item, run in a fresh temporary folder with the pins on."""
    with tempfile.TemporaryDirectory(prefix="medcomkit-snapshot-") as folder, pinned():
        capture = Capture(Path(folder))
        cwd = Path.cwd()
        os.chdir(folder)  # nothing may land in the working tree
        try:
            item(capture)
        finally:
            os.chdir(cwd)
        return capture.blob()


def current_digests(only: Callable[[str], bool] = lambda name: True) -> Iterator[tuple[str, str]]:
    """(name, digest) for every item, as the code gives them now."""
    for name, item in items():
        if only(name):
            yield name, digest(output_of(item))


def main(argv: list[str]) -> int:
    if "--show" in argv:
        wanted = argv[argv.index("--show") + 1]
        for name, item in items():
            if name == wanted:
                sys.stdout.buffer.write(output_of(item))
                return 0
        print(f"no item named {wanted!r}", file=sys.stderr)
        return 2
    return record_or_compare(dict(current_digests()), DIGESTS, argv, "outputs")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
