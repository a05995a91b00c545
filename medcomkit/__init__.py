"""medcomkit: build, parse, validate and convert MedCom messages for Danish healthcare.

The public API is listed here; everything else is internal and may change.
"""

from __future__ import annotations

from ._errors import BuildError, MarkupError, MedcomkitError, ParseError, SourceError
from ._lang import Bilingual
from ._rule import Rule
from .model import (
    Activity,
    Address,
    Attachment,
    AttachmentMessage,
    Author,
    CareMessage,
    CareTeam,
    Envelope,
    EpisodeStatus,
    LetterStatus,
    MessageRef,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    Phone,
    Priority,
    Receipt,
    ReceiptKind,
    ReceiptLetter,
    RefuseReason,
    TextSegment,
    ThreadEvent,
)
from .oioxml.common import new_letter_id
from .oioxml.xbin01 import attachments_for, build_xbin01, join_attachments
from .oioxml.xctl import build_xctl
from .oioxml.xdis91 import build_xdis91
from .parsing import Message, parse, parse_all
from .receipts import match_receipt, receipt_for, receipt_matches
from .report import Issue, IssueType, Kind, Report, Severity
from .thread import Thread, forward, group_threads, reply
from .validation import validate, validate_bytes

__version__ = "0.1.0"


def rules() -> list[Rule]:
    """Every rule medcomkit can report, sorted by id (for documentation and tooling)."""
    from . import oioxml as _oioxml  # noqa: F401  (importing registers the OIOXML rules)
    from ._rule import all_rules
    from .oioxml import rules as _oioxml_rules  # noqa: F401
    from .oioxml import schema as _schema  # noqa: F401
    from .oioxml import validate as _validate  # noqa: F401

    return all_rules()


__all__ = [
    "Activity",
    "Address",
    "Attachment",
    "AttachmentMessage",
    "Author",
    "Bilingual",
    "BuildError",
    "CareMessage",
    "CareTeam",
    "Envelope",
    "EpisodeStatus",
    "Issue",
    "IssueType",
    "Kind",
    "LetterStatus",
    "MarkupError",
    "MedcomkitError",
    "Message",
    "MessageRef",
    "OrgIdKind",
    "Organisation",
    "ParseError",
    "Patient",
    "PersonId",
    "PersonIdKind",
    "Phone",
    "Priority",
    "Receipt",
    "ReceiptKind",
    "ReceiptLetter",
    "RefuseReason",
    "Report",
    "Rule",
    "Severity",
    "SourceError",
    "TextSegment",
    "Thread",
    "ThreadEvent",
    "__version__",
    "attachments_for",
    "build_xbin01",
    "build_xctl",
    "build_xdis91",
    "forward",
    "group_threads",
    "join_attachments",
    "match_receipt",
    "new_letter_id",
    "parse",
    "parse_all",
    "receipt_for",
    "receipt_matches",
    "reply",
    "rules",
    "validate",
    "validate_bytes",
]
