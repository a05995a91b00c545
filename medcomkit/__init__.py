"""medcomkit: build, parse, validate and convert MedCom messages for Danish healthcare.

The public API is listed here; everything else is internal and may change.

``import medcomkit`` exposes exactly ``__all__`` (tests/test_public_api.py checks it the way httpx
does, against ``vars()``): this module imports nothing public-named itself, its names are
imported on first use (``_LAZY``), and a subpackage imported along the way (``medcomkit.dispatch``
when ``medcomkit.validate`` is first used) is not bound here. Such a module is still reached as
``medcomkit.<name>`` once imported, as Python promises (``__getattr__`` finds it in
``sys.modules``), but it is not part of the curated namespace.
"""

import importlib as _importlib
import sys as _sys
import types as _types
import typing as _typing

if _typing.TYPE_CHECKING:
    from .archive import Archive, ArchiveError, ResendPolicy, State, Status
    from .core.errors import BuildError, MarkupError, MedcomkitError, ParseError, SourceError, UnsafePathError
    from .core.kinds import Kind
    from .core.lang import Bilingual
    from .core.report import Issue, IssueType, Report, Severity
    from .core.rules import Rule
    from .dispatch import parse, parse_all, validate, validate_bytes, validate_many
    from .edifact.build import build_edifact
    from .fhir.acknowledgement import acknowledge, build_acknowledgement, read_acknowledgement
    from .fhir.carecommunication import build_carecommunication, read_carecommunication
    from .model.identifiers import new_letter_id
    from .model.messages import (
        Activity,
        Address,
        Attachment,
        AttachmentMessage,
        Author,
        CareMessage,
        CareTeam,
        Diagnosis,
        Envelope,
        EpisodeOfCare,
        EpisodeStatus,
        LetterStatus,
        Message,
        MessageRef,
        Organisation,
        OrgIdKind,
        Patient,
        PatientTransport,
        PersonId,
        PersonIdKind,
        Phone,
        Priority,
        Receipt,
        ReceiptKind,
        ReceiptLetter,
        Referral,
        ReferralPriority,
        ReferralStatus,
        Referrer,
        RefuseReason,
        Relation,
        Relative,
        TextSegment,
        ThreadEvent,
        VisitationNote,
    )
    from .model.receipts import match_receipt, receipt_for, receipt_matches
    from .model.reliable import Arrival, ArrivalLog, classify_arrival
    from .model.thread import Thread, forward, group_threads, reply, start_thread
    from .oioxml.xbin01 import attachments_for, build_xbin01, join_attachments
    from .oioxml.xctl import build_xctl
    from .oioxml.xdis91 import build_xdis91
    from .oioxml.xref01 import build_xref01, join_referral_attachments, referral_attachments
    from .selftest import SelftestResult, run_selftest
    from .vans import (
        Mailbox,
        MailItem,
        PayloadInfo,
        VansEnvelope,
        describe_payload,
        read_envelope,
        unwrap,
        wrap,
    )

__version__ = "0.1.0"


# Public names are imported on first use, so ``import medcomkit`` (and the command line) loads only
# what is needed: validating one XDIS91 must not pay for the archive, the self-test or FHIR.
_LAZY: dict[str, str] = {
    "BuildError": ".core.errors",
    "MarkupError": ".core.errors",
    "MedcomkitError": ".core.errors",
    "ParseError": ".core.errors",
    "SourceError": ".core.errors",
    "UnsafePathError": ".core.errors",
    "Bilingual": ".core.lang",
    "Rule": ".core.rules",
    "Archive": ".archive",
    "ArchiveError": ".archive",
    "ResendPolicy": ".archive",
    "State": ".archive",
    "Status": ".archive",
    "build_edifact": ".edifact.build",
    "acknowledge": ".fhir.acknowledgement",
    "build_acknowledgement": ".fhir.acknowledgement",
    "read_acknowledgement": ".fhir.acknowledgement",
    "build_carecommunication": ".fhir.carecommunication",
    "read_carecommunication": ".fhir.carecommunication",
    "Activity": ".model.messages",
    "Address": ".model.messages",
    "Attachment": ".model.messages",
    "AttachmentMessage": ".model.messages",
    "Author": ".model.messages",
    "CareMessage": ".model.messages",
    "CareTeam": ".model.messages",
    "Diagnosis": ".model.messages",
    "Envelope": ".model.messages",
    "EpisodeOfCare": ".model.messages",
    "EpisodeStatus": ".model.messages",
    "LetterStatus": ".model.messages",
    "MessageRef": ".model.messages",
    "Organisation": ".model.messages",
    "OrgIdKind": ".model.messages",
    "Patient": ".model.messages",
    "PatientTransport": ".model.messages",
    "PersonId": ".model.messages",
    "PersonIdKind": ".model.messages",
    "Phone": ".model.messages",
    "Priority": ".model.messages",
    "Receipt": ".model.messages",
    "ReceiptKind": ".model.messages",
    "ReceiptLetter": ".model.messages",
    "Referral": ".model.messages",
    "ReferralPriority": ".model.messages",
    "ReferralStatus": ".model.messages",
    "Referrer": ".model.messages",
    "RefuseReason": ".model.messages",
    "Relation": ".model.messages",
    "Relative": ".model.messages",
    "TextSegment": ".model.messages",
    "ThreadEvent": ".model.messages",
    "VisitationNote": ".model.messages",
    "new_letter_id": ".model.identifiers",
    "attachments_for": ".oioxml.xbin01",
    "build_xbin01": ".oioxml.xbin01",
    "join_attachments": ".oioxml.xbin01",
    "build_xctl": ".oioxml.xctl",
    "build_xdis91": ".oioxml.xdis91",
    "build_xref01": ".oioxml.xref01",
    "join_referral_attachments": ".oioxml.xref01",
    "referral_attachments": ".oioxml.xref01",
    "Message": ".model.messages",
    "parse": ".dispatch",
    "parse_all": ".dispatch",
    "match_receipt": ".model.receipts",
    "receipt_for": ".model.receipts",
    "receipt_matches": ".model.receipts",
    "Arrival": ".model.reliable",
    "ArrivalLog": ".model.reliable",
    "classify_arrival": ".model.reliable",
    "Issue": ".core.report",
    "IssueType": ".core.report",
    "Kind": ".core.kinds",
    "Report": ".core.report",
    "Severity": ".core.report",
    "SelftestResult": ".selftest",
    "run_selftest": ".selftest",
    "Thread": ".model.thread",
    "forward": ".model.thread",
    "group_threads": ".model.thread",
    "reply": ".model.thread",
    "start_thread": ".model.thread",
    "validate": ".dispatch",
    "validate_bytes": ".dispatch",
    "validate_many": ".dispatch",
    "Mailbox": ".vans",
    "MailItem": ".vans",
    "PayloadInfo": ".vans",
    "VansEnvelope": ".vans",
    "describe_payload": ".vans",
    "read_envelope": ".vans",
    "unwrap": ".vans",
    "wrap": ".vans",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        submodule = _sys.modules.get(f"{__name__}.{name}")  # imported, but not bound here
        if submodule is not None:
            return submodule
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *(name for name in globals() if name.startswith("_"))})


class _Package(_types.ModuleType):
    """This package's module type: the import system's binding of a submodule is not kept."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, _types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            return  # a submodule, just imported: __getattr__ finds it in sys.modules
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def rules() -> "list[Rule]":
    """Every rule medcomkit can report, sorted by id (for documentation and tooling)."""
    from . import dispatch as _dispatch  # noqa: F401  (the dispatcher's and every codec's shared rules)
    from . import oioxml as _oioxml  # noqa: F401  (importing registers the OIOXML rules)
    from .core.rules import all_rules
    from .edifact import rules as _edifact_rules  # noqa: F401
    from .fhir import rules as _fhir_rules  # noqa: F401  (plain data: no fhir.resources import)
    from .oioxml import rules as _oioxml_rules  # noqa: F401
    from .oioxml import schema as _schema  # noqa: F401
    from .oioxml import validate as _validate  # noqa: F401
    from .vans import rules as _vans_rules  # noqa: F401

    return all_rules()


__all__ = [
    "Activity",
    "Address",
    "Archive",
    "ArchiveError",
    "Arrival",
    "ArrivalLog",
    "Attachment",
    "AttachmentMessage",
    "Author",
    "Bilingual",
    "BuildError",
    "CareMessage",
    "CareTeam",
    "Diagnosis",
    "Envelope",
    "EpisodeOfCare",
    "EpisodeStatus",
    "Issue",
    "IssueType",
    "Kind",
    "LetterStatus",
    "MailItem",
    "Mailbox",
    "MarkupError",
    "MedcomkitError",
    "Message",
    "MessageRef",
    "OrgIdKind",
    "Organisation",
    "ParseError",
    "Patient",
    "PatientTransport",
    "PayloadInfo",
    "PersonId",
    "PersonIdKind",
    "Phone",
    "Priority",
    "Receipt",
    "ReceiptKind",
    "ReceiptLetter",
    "Referral",
    "ReferralPriority",
    "ReferralStatus",
    "Referrer",
    "RefuseReason",
    "Relation",
    "Relative",
    "Report",
    "ResendPolicy",
    "Rule",
    "SelftestResult",
    "Severity",
    "SourceError",
    "State",
    "Status",
    "TextSegment",
    "Thread",
    "ThreadEvent",
    "UnsafePathError",
    "VansEnvelope",
    "VisitationNote",
    "__version__",
    "acknowledge",
    "attachments_for",
    "build_acknowledgement",
    "build_carecommunication",
    "build_edifact",
    "build_xbin01",
    "build_xctl",
    "build_xdis91",
    "build_xref01",
    "classify_arrival",
    "describe_payload",
    "forward",
    "group_threads",
    "join_attachments",
    "join_referral_attachments",
    "match_receipt",
    "new_letter_id",
    "parse",
    "parse_all",
    "read_acknowledgement",
    "read_carecommunication",
    "read_envelope",
    "receipt_for",
    "receipt_matches",
    "referral_attachments",
    "reply",
    "rules",
    "run_selftest",
    "start_thread",
    "unwrap",
    "validate",
    "validate_bytes",
    "validate_many",
    "wrap",
]
