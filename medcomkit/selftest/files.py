"""The vendor's folder: reading the message files, and finding which case each belongs to.

A small manifest (``selftest.toml`` or ``selftest.json``) names the files of each case; without
one, the case id in a file name decides, as in MedCom's own example names
(``Bundle-S-B-new-720f….xml``, ``S-B-svar.json``). A case id counts only as a whole word:
``S-Tek-C`` does not match ``S-Tek-CPR-…``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import MedcomkitError, SourceError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import Report
from ..core.xml import MAX_DOCUMENT_BYTES
from ..dispatch import parse, validate_bytes
from ..model.messages import Message
from .cases import PROTOCOLS, Protocol

__all__ = [
    "MANIFEST_NAMES",
    "Loaded",
    "Manifest",
    "case_of",
    "load_bytes",
    "load_file",
    "manifest_template",
    "message_files",
    "read_manifest",
]

MANIFEST_NAMES = ("selftest.toml", "selftest.json")
# The size bound of one run (``--max-size``): set by run_selftest, read by the loaders below.
MAX_BYTES: ContextVar[int] = ContextVar("selftest_max_bytes", default=MAX_DOCUMENT_BYTES)
MESSAGE_SUFFIXES = (".json", ".xml", ".edi")  # .edi: EDIFACT (DIS91, BIN01, CTL01-03)


@dataclass(frozen=True, slots=True)
class Loaded:
    """One message file: its bytes, its validation report, and its neutral model when readable."""

    name: str
    data: bytes
    report: Report
    message: Message | None
    problem: Bilingual | None = None

    @property
    def kind(self) -> Kind:
        return self.report.kind


def load_bytes(name: str, data: bytes) -> Loaded:
    """Validate and read ``data``; a message that cannot be read keeps the reason in ``problem``."""
    limit = MAX_BYTES.get()
    report = validate_bytes(data, path=name, max_bytes=limit)
    try:
        message: Message | None = parse(data, max_bytes=limit)
    except MedcomkitError as error:
        return Loaded(name, data, report, None, error.text)
    return Loaded(name, data, report, message)


def load_file(directory: Path, name: str) -> Loaded:
    path = directory / name
    try:
        with path.open("rb") as handle:  # one byte more than the bound: validation reports the size
            data = handle.read(MAX_BYTES.get() + 1)
    except OSError as error:
        raise SourceError(
            "selftest.unreadable-file",
            Bilingual(f"Filen {name} kan ikke læses: {error}", f"The file {name} cannot be read: {error}"),
        ) from None
    return load_bytes(name, data)


def message_files(directory: Path) -> list[str]:
    """The names of the message files (JSON, XML or EDIFACT) in ``directory``, not in its sub-folders."""
    return sorted(
        p.name
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in MESSAGE_SUFFIXES and not p.name.startswith(".")
    )


def case_of(name: str, ids: Iterable[str]) -> str | None:
    """The case id that ``name`` carries as a whole word (the longest, if several would)."""
    for case_id in sorted(ids, key=len, reverse=True):
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(case_id)}(?![A-Za-z0-9])", name):
            return case_id
    return None


# --- the manifest ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Manifest:
    """Which files belong to which case: the vendor's ``message`` files and the ``answers`` files
    (the messages MedCom gave, which the vendor's system answered)."""

    name: str
    messages: dict[str, list[str]] = field(default_factory=dict)
    answers: dict[str, list[str]] = field(default_factory=dict)


def _manifest_error(name: str, da: str, en: str) -> SourceError:
    return SourceError(
        "selftest.manifest", Bilingual(f"Manifestet {name}: {da}", f"The manifest {name}: {en}")
    )


def _names(value: object, where: str, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _manifest_error(
        name,
        f"{where} skal være et filnavn eller en liste af filnavne.",
        f"{where} must be a file name or a list.",
    )


def read_manifest(directory: Path, protocol: Protocol) -> Manifest | None:
    """The manifest in ``directory``, or ``None`` when there is none. A manifest that cannot be
    read, names an unknown case or a missing file raises :class:`SourceError`."""
    found = [directory / n for n in MANIFEST_NAMES if (directory / n).is_file()]
    if not found:
        return None
    path = found[0]
    try:
        text = path.read_text(encoding="utf-8")
        data: dict[str, Any] = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _manifest_error(path.name, f"kan ikke læses ({error}).", f"cannot be read ({error}).") from None
    if not isinstance(data, dict):
        raise _manifest_error(path.name, "skal være en tabel.", "must be a table.")
    declared = data.get("protocol")
    if declared is not None and declared != protocol.value:
        raise _manifest_error(
            path.name,
            f"gælder protokollen {declared}, ikke {protocol.value}.",
            f"is for the protocol {declared}, not {protocol.value}.",
        )
    cases = data.get("cases", {})
    if not isinstance(cases, dict):
        raise _manifest_error(path.name, "'cases' skal være en tabel.", "'cases' must be a table.")
    known = {case.id for case in PROTOCOLS[protocol]}
    manifest = Manifest(path.name)
    for case_id, entry in cases.items():
        if case_id not in known:
            raise _manifest_error(
                path.name,
                f"ukendt sag {case_id!r} (kendte: {', '.join(sorted(known))}).",
                f"unknown case {case_id!r} (known: {', '.join(sorted(known))}).",
            )
        if not isinstance(entry, dict):
            raise _manifest_error(path.name, f"{case_id} skal være en tabel.", f"{case_id} must be a table.")
        for key, target in (("message", manifest.messages), ("answers", manifest.answers)):
            if key in entry:
                names = _names(entry[key], f"{case_id}.{key}", path.name)
                missing = [n for n in names if not (directory / n).is_file()]
                if missing:
                    raise _manifest_error(
                        path.name,
                        f"{case_id}.{key} nævner filer, der ikke findes: {', '.join(missing)}.",
                        f"{case_id}.{key} names files that do not exist: {', '.join(missing)}.",
                    )
                target[case_id] = names
    return manifest


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def manifest_template(
    protocol: Protocol, messages: dict[str, list[str]], answers: dict[str, list[str]]
) -> str:
    """A manifest for ``protocol`` listing every case, filled in with the files given."""
    lines = [
        "# medcomkit selftest: which files belong to which test case.",
        "# message = the file(s) your system produced for the case;",
        "# answers = the message(s) MedCom gave that your system answered (optional).",
        "# Cases left commented out have no message and are reported as such.",
        f"protocol = {_toml_string(protocol.value)}",
        "",
    ]
    for case in PROTOCOLS[protocol]:
        mine, theirs = messages.get(case.id, []), answers.get(case.id, [])
        prefix = "" if mine or theirs else "# "
        lines.append(f"{prefix}[cases.{case.id}]  # {case.title.da} / {case.title.en}")
        if mine:
            lines.append(f"message = [{', '.join(_toml_string(n) for n in mine)}]")
        else:
            lines.append('# message = ["…"]')
        if theirs:
            lines.append(f"answers = [{', '.join(_toml_string(n) for n in theirs)}]")
        lines.append("")
    return "\n".join(lines)
