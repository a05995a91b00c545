"""Running a protocol over a vendor's folder: match files to cases, validate, run each case's checks.

A case passes when no finding is an error, fails when one is, and is *missing* when the folder
has no message from the vendor's system for it (or, for the receive protocol, when the message
the system should have received is not at hand).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import SourceError
from ..core.files import write_inside
from ..core.kinds import Kind
from ..core.lang import Bilingual, Lang
from ..core.report import Severity
from ..core.xml import MAX_DOCUMENT_BYTES
from ..model.messages import CareMessage, Receipt
from . import rules as r
from .cases import PROTOCOLS, Case, Protocol
from .files import (
    MANIFEST_NAMES,
    MAX_BYTES,
    Loaded,
    Manifest,
    case_of,
    load_bytes,
    load_file,
    manifest_template,
    message_files,
    read_manifest,
)
from .inputs import Inputs, find_reference, inputs_for, read_inputs
from .receive import RECEIVE_CHECKS, ReceiveSubject
from .result import CaseIssue, CaseResult, Outcome
from .send import SEND_CHECKS, SendSubject
from .xdis91 import XDIS91_CHECKS, Xdis91Subject

__all__ = ["CaseIssue", "CaseResult", "Outcome", "SelftestResult", "run_selftest", "write_manifest"]


@dataclass(frozen=True, slots=True)
class SelftestResult:
    """The outcome of every case of one protocol run over one folder."""

    protocol: Protocol
    folder: str
    results: tuple[CaseResult, ...]
    unmatched: tuple[str, ...] = ()
    manifest: str | None = None
    inputs: Bilingual | None = None

    @property
    def passed(self) -> bool:
        """True when no case failed (cases without a message do not fail)."""
        return not self.failed

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.results if c.outcome is Outcome.FAILED)

    @property
    def missing(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.results if c.outcome is Outcome.MISSING)

    @property
    def succeeded(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.results if c.outcome is Outcome.PASSED)

    def result(self, case_id: str) -> CaseResult:
        return next(c for c in self.results if c.case.id == case_id)

    def exit_status(self, *, require_all: bool = False) -> int:
        """0 when every case passed (or, unless ``require_all``, had no message); else 1."""
        return 1 if self.failed or (require_all and self.missing) else 0

    def to_text(self, lang: Lang = "da") -> str:
        from .writers import to_text

        return to_text(self, lang)

    def to_markdown(self, lang: Lang = "da") -> str:
        from .writers import to_markdown

        return to_markdown(self, lang)

    def to_html(self, lang: Lang = "da") -> str:
        from .writers import to_html

        return to_html(self, lang)

    def to_junit(self, lang: Lang = "da") -> str:
        from .writers import to_junit

        return to_junit(self, lang)


# --- shared steps ------------------------------------------------------------------------------------


def _validation(loaded: Loaded) -> list[CaseIssue]:
    findings = [
        CaseIssue(loaded.name, i) for i in loaded.report.issues if i.severity is not Severity.INFORMATION
    ]
    if loaded.message is None and loaded.problem is not None:
        findings.append(CaseIssue(loaded.name, r.UNREADABLE.issue(reason=loaded.problem)))
    return findings


def _wrong_kind(loaded: Loaded, expected: str) -> CaseIssue:
    return CaseIssue(loaded.name, r.WRONG_KIND.issue(found=loaded.kind.value, expected=expected))


def _result(
    case: Case, files: Iterable[Loaded], answered: Iterable[str], findings: Iterable[CaseIssue]
) -> CaseResult:
    found = tuple(findings)
    outcome = Outcome.FAILED if any(f.issue.severity is Severity.ERROR for f in found) else Outcome.PASSED
    return CaseResult(case, outcome, tuple(f.name for f in files), tuple(answered), found)


def _missing(case: Case, answered: Iterable[str] = (), findings: Iterable[CaseIssue] = ()) -> CaseResult:
    return CaseResult(case, Outcome.MISSING, (), tuple(answered), tuple(findings))


@dataclass
class _Folder:
    """The vendor's folder: its files grouped by case, from the manifest or the file names."""

    directory: Path
    protocol: Protocol
    manifest: Manifest | None
    groups: dict[str, list[Loaded]]
    answers: dict[str, list[Loaded]]
    unmatched: list[str]

    @classmethod
    def read(cls, directory: Path, protocol: Protocol) -> _Folder:
        if not directory.is_dir():
            raise SourceError(
                "selftest.folder",
                Bilingual(f"Mappen {directory} findes ikke.", f"The folder {directory} does not exist."),
            )
        manifest = read_manifest(directory, protocol)
        names = message_files(directory)
        groups: dict[str, list[Loaded]] = {}
        answers: dict[str, list[Loaded]] = {}
        if manifest is not None:
            for case_id, files in manifest.messages.items():
                groups[case_id] = [load_file(directory, n) for n in files]
            for case_id, files in manifest.answers.items():
                answers[case_id] = [load_file(directory, n) for n in files]
            used = {n for files in (*manifest.messages.values(), *manifest.answers.values()) for n in files}
            unmatched = [n for n in names if n not in used]
        else:
            ids = [case.id for case in PROTOCOLS[protocol]]
            unmatched = []
            for name in names:
                found = case_of(name, ids)
                if found is None:
                    unmatched.append(name)
                else:
                    groups.setdefault(found, []).append(load_file(directory, name))
        return cls(directory, protocol, manifest, groups, answers, unmatched)


# --- the send protocol -------------------------------------------------------------------------------


class _Fixtures:
    """Messages by MessageHeader id: the folder's, then MedCom's send examples (read when needed)."""

    def __init__(self, folder: _Folder, reference: Path | None) -> None:
        self.known: dict[str, Loaded] = {}
        for loaded in (*_flatten(folder.groups.values()), *_flatten(folder.answers.values())):
            if isinstance(loaded.message, CareMessage):
                self.known.setdefault(loaded.message.message_id, loaded)
        self.reference = reference / "send" if reference is not None else None
        self.reference_read = False

    def find(self, header_id: str, exclude: Loaded) -> Loaded | None:
        found = self.known.get(header_id)
        if found is not None and found is not exclude:
            return found
        if not self.reference_read and self.reference is not None and self.reference.is_dir():
            self.reference_read = True
            for name in message_files(self.reference):
                loaded = load_bytes(f"{self.reference.name}/{name}", (self.reference / name).read_bytes())
                if isinstance(loaded.message, CareMessage):
                    self.known.setdefault(loaded.message.message_id, loaded)
            found = self.known.get(header_id)
            return found if found is not exclude else None
        return None


def _flatten(groups: Iterable[list[Loaded]]) -> list[Loaded]:
    return [loaded for group in groups for loaded in group]


def _split_fixtures(case: Case, files: list[Loaded]) -> tuple[list[Loaded], list[Loaded]]:
    """The vendor's messages and MedCom's examples among a case's files. MedCom's example is the
    one another file answers, or one whose Bundle.id carries the case id, as MedCom names them."""
    if not case.answers:
        return files, []
    answered_ids = {
        f.message.previous.message_id
        for f in files
        if isinstance(f.message, CareMessage) and f.message.previous is not None
    }
    theirs = [
        f
        for f in files
        if isinstance(f.message, CareMessage)
        and (f.message.envelope.identifier.startswith(f"{case.id}-") or f.message.message_id in answered_ids)
    ]
    return [f for f in files if f not in theirs], theirs


def _header_id(loaded: Loaded) -> str | None:
    return loaded.message.message_id if isinstance(loaded.message, CareMessage) else None


def _send_case(case: Case, folder: _Folder, fixtures: _Fixtures) -> CaseResult:
    files = folder.groups.get(case.id, [])
    given = folder.answers.get(case.id, [])
    mine, theirs = (files, []) if folder.manifest is not None else _split_fixtures(case, files)
    theirs = [*given, *theirs]
    if not mine:
        return _missing(case, [f.name for f in theirs])
    if len(mine) > 1:
        several = r.SEVERAL.issue(count=len(mine), files=", ".join(f.name for f in mine))
        return _result(case, mine, [f.name for f in theirs], [CaseIssue(None, several)])
    loaded = mine[0]
    findings = _validation(loaded)
    message = loaded.message
    if not isinstance(message, CareMessage):
        if loaded.message is not None:
            findings.append(_wrong_kind(loaded, Kind.CARE_COMMUNICATION.value))
        return _result(case, mine, [f.name for f in theirs], findings)
    answered: Loaded | None = None
    if case.answers:
        wanted = message.previous.message_id if message.previous is not None else None
        candidates = [f for f in theirs if isinstance(f.message, CareMessage)]
        answered = next((f for f in candidates if _header_id(f) == wanted), None)
        if answered is None and len(candidates) == 1:
            answered = candidates[0]  # the case's own example, even if the reply points elsewhere
        if answered is None and wanted is not None:
            answered = fixtures.find(wanted, loaded)
        if answered is None:
            findings.append(CaseIssue(loaded.name, r.UNANSWERED.issue(message=wanted or "?")))
    answered_message = answered.message if answered is not None else None
    assert answered_message is None or isinstance(answered_message, CareMessage)
    subject = SendSubject(case, message, answered_message)
    for check in case.checks:
        if check in SEND_CHECKS:
            findings += [CaseIssue(loaded.name, issue) for issue in SEND_CHECKS[check](subject)]
    return _result(
        case, mine, [answered.name] if answered is not None else [f.name for f in theirs], findings
    )


# --- the receive protocol ----------------------------------------------------------------------------


def _split_received(files: list[Loaded]) -> tuple[list[Loaded], list[Loaded]]:
    """The acknowledgements among a receive case's files, and the received messages beside them."""
    received = [f for f in files if f.kind is Kind.CARE_COMMUNICATION]
    return [f for f in files if f not in received], received


def _receipts(files: Sequence[Loaded]) -> list[tuple[str, Receipt]]:
    return [
        (f.name, f.message)
        for f in files
        if isinstance(f.message, Receipt) and f.kind is Kind.ACKNOWLEDGEMENT
    ]


def _receive_case(case: Case, folder: _Folder, inputs: Inputs) -> CaseResult:
    # The received CareCommunications may lie among the acknowledgements; they are not answers.
    acks, beside = _split_received(folder.groups.get(case.id, []))
    given = folder.answers.get(case.id) or beside
    received_files = given or [load_bytes(f.name, f.data) for f in inputs.for_case(case.id)]
    if not received_files:
        return _missing(case, findings=[CaseIssue(None, r.INPUT_MISSING.issue(case=case.id))])
    names = [f.name for f in received_files]
    if not acks:
        return _missing(case, names)
    findings: list[CaseIssue] = []
    for ack in acks:
        findings += _validation(ack)
        if ack.message is not None and ack.kind is not Kind.ACKNOWLEDGEMENT:
            findings.append(_wrong_kind(ack, Kind.ACKNOWLEDGEMENT.value))
    received = received_files[0].message
    if not isinstance(received, CareMessage):
        problem = received_files[0].problem or Bilingual(
            "ikke en CareCommunication", "not a CareCommunication"
        )
        findings.append(CaseIssue(received_files[0].name, r.UNREADABLE.issue(reason=problem)))
        return _result(case, acks, names, findings)
    first: tuple[Receipt, ...] = ()
    if case.duplicate_of is not None:
        first = tuple(receipt for _, receipt in _receipts(folder.groups.get(case.duplicate_of, [])))
    subject = ReceiveSubject(case, tuple(_receipts(acks)), received, first, len(acks))
    for check in case.checks:
        if check in RECEIVE_CHECKS:
            findings += [CaseIssue(file, issue) for file, issue in RECEIVE_CHECKS[check](subject)]
    return _result(case, acks, names, findings)


# --- the XDIS91 protocol -----------------------------------------------------------------------------

# The protocol's messages in either syntax: OIOXML, or EDIFACT as most GP systems still send them.
_OIOXML_LETTERS = (Kind.XDIS91, Kind.XBIN01, Kind.DIS91, Kind.BIN01)
_RECEIPTS = (Kind.XCTL01, Kind.XCTL02, Kind.XCTL03, Kind.CTL01, Kind.CTL02, Kind.CTL03)


def _xdis91_case(case: Case, folder: _Folder, inputs: Inputs) -> CaseResult:
    files = folder.groups.get(case.id, [])
    receipts_case = case.answers
    received = list(folder.answers.get(case.id, []))
    if receipts_case:
        received += [f for f in files if f.kind in _OIOXML_LETTERS]
        files = [f for f in files if f.kind not in _OIOXML_LETTERS]
    if not files:
        return _missing(case, [f.name for f in received])
    findings: list[CaseIssue] = []
    if receipts_case and not received:
        received = [load_bytes(f.name, f.data) for f in inputs.for_case(case.id)]
    expected = _RECEIPTS if receipts_case else _OIOXML_LETTERS
    for loaded in files:
        findings += _validation(loaded)
        if loaded.message is not None and loaded.kind not in expected:
            findings.append(_wrong_kind(loaded, " / ".join(k.value for k in expected)))
    subject = Xdis91Subject(case, tuple(files), tuple(received))
    for check in case.checks:
        if check in XDIS91_CHECKS:
            findings += [CaseIssue(file, issue) for file, issue in XDIS91_CHECKS[check](subject)]
    return _result(case, files, [f.name for f in received], findings)


# --- the entry point ---------------------------------------------------------------------------------


def run_selftest(
    protocol: Protocol | str,
    directory: str | Path,
    *,
    reference: str | Path | None = None,
    inputs: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> SelftestResult:
    """Run ``protocol`` over the vendor's messages in ``directory``.

    ``reference`` is a folder with MedCom's test examples (see :func:`find_reference`); the send
    protocol looks up the messages a reply or forward answers there, and the receive protocol
    takes the received messages from it. ``inputs`` is a folder the inputs were written to
    (``--write-inputs``). Without either, the receive protocol uses the inputs medcomkit makes from
    its demo thread. Unreadable folders and manifests raise :class:`~medcomkit.SourceError`.
    """
    token = MAX_BYTES.set(max_bytes)  # each message file is read and validated within this bound
    try:
        return _run(Protocol(protocol), Path(directory), reference, inputs)
    finally:
        MAX_BYTES.reset(token)


def _run(
    chosen: Protocol, directory: Path, reference: str | Path | None, inputs: str | Path | None
) -> SelftestResult:
    folder = _Folder.read(directory, chosen)
    examples = find_reference(Path(reference), search=False) if reference is not None else None
    cases = PROTOCOLS[chosen]
    described: Bilingual | None = None
    if chosen is Protocol.CARECOMMUNICATION_SEND:
        fixtures = _Fixtures(folder, examples)
        results = tuple(_send_case(case, folder, fixtures) for case in cases)
    else:
        given = read_inputs(Path(inputs), chosen) if inputs is not None else inputs_for(chosen, examples)
        described = given.describe()
        run = _receive_case if chosen is Protocol.CARECOMMUNICATION_RECEIVE else _xdis91_case
        results = tuple(run(case, folder, given) for case in cases)
    return SelftestResult(
        chosen,
        folder.directory.name,
        results,
        tuple(folder.unmatched),
        folder.manifest.name if folder.manifest is not None else None,
        described,
    )


def write_manifest(protocol: Protocol | str, directory: str | Path) -> Path:
    """Write a manifest template into ``directory``, filled in with the files the naming convention
    finds for each case. An existing manifest is never overwritten (:class:`SourceError`)."""
    chosen, folder_path = Protocol(protocol), Path(directory)
    existing = [folder_path / n for n in MANIFEST_NAMES if (folder_path / n).exists()]
    if existing:
        raise SourceError(
            "selftest.manifest-exists",
            Bilingual(
                f"{existing[0]} findes allerede; ret den, eller flyt den først.",
                f"{existing[0]} already exists; edit it, or move it away first.",
            ),
        )
    folder = _Folder.read(folder_path, chosen)
    messages: dict[str, list[str]] = {}
    answers: dict[str, list[str]] = {}
    for case in PROTOCOLS[chosen]:
        files = folder.groups.get(case.id, [])
        if chosen is Protocol.CARECOMMUNICATION_SEND:
            mine, theirs = _split_fixtures(case, files)
        elif chosen is Protocol.XDIS91 and case.answers:
            mine = [f for f in files if f.kind not in _OIOXML_LETTERS]
            theirs = [f for f in files if f.kind in _OIOXML_LETTERS]
        elif chosen is Protocol.CARECOMMUNICATION_RECEIVE:
            mine, theirs = _split_received(files)
        else:
            mine, theirs = files, []
        if mine:
            messages[case.id] = [f.name for f in mine]
        if theirs:
            answers[case.id] = [f.name for f in theirs]
    return write_inside(
        folder_path,
        MANIFEST_NAMES[0],
        manifest_template(chosen, messages, answers).encode("utf-8"),
        overwrite=True,
    )
