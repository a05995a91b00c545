"""Checking that an XDIS91 and the XBIN01 carrying its attachments belong together.

They travel in separate envelopes and are linked only by ObjectIdentifier, which implementations
write differently (with or without hyphens, upper or lower case), so ids are compared with case
and hyphens ignored.
"""

from __future__ import annotations

from dataclasses import replace

from .._errors import MedcomkitError
from .._rule import rule
from ..model import AttachmentMessage, CareMessage
from ..report import Issue, IssueType, Kind, Report, Severity
from .xbin01 import object_key

__all__ = ["attachment_link_issues", "link_reports"]

MISSING = rule(
    "oioxml.attachment-missing",
    Severity.ERROR,
    "Bilaget '{title}' (ObjectIdentifier {identifier}) findes ikke i den tilhørende XBIN01 {binary}.",
    "The attachment '{title}' (ObjectIdentifier {identifier}) is not in the accompanying XBIN01 {binary}.",
    IssueType.BUSINESS_RULE,
)
MISMATCH = rule(
    "oioxml.attachment-mismatch",
    Severity.WARNING,
    "Bilaget '{title}': {field} er '{reference}' i XDIS91, men '{actual}' i XBIN01.",
    "The attachment '{title}': {field} is '{reference}' in the XDIS91 but '{actual}' in the XBIN01.",
    IssueType.BUSINESS_RULE,
)
UNREFERENCED = rule(
    "oioxml.attachment-unreferenced",
    Severity.WARNING,
    "XBIN01 {binary} indeholder bilaget {identifier}, som XDIS91'en ikke henviser til.",
    "The XBIN01 {binary} holds the attachment {identifier}, which the XDIS91 does not refer to.",
    IssueType.BUSINESS_RULE,
)
PARTIES = rule(
    "oioxml.attachment-parties",
    Severity.WARNING,
    "XDIS91 og XBIN01 har ikke samme {field} ('{reference}' og '{actual}').",
    "The XDIS91 and the XBIN01 do not share {field} ('{reference}' and '{actual}').",
    IssueType.BUSINESS_RULE,
)


def attachment_link_issues(message: CareMessage, binary: AttachmentMessage) -> list[Issue]:
    """Issues about how ``binary`` fits the attachments ``message`` refers to."""
    issues: list[Issue] = []
    objects = {object_key(a.identifier): a for a in binary.attachments}
    referenced = set()
    for attachment in message.attachments:
        if attachment.url is not None or attachment.supplementary:
            continue
        key = object_key(attachment.identifier)
        referenced.add(key)
        location = f"/Emessage/ClinicalEmail/Reference[BIN/ObjectIdentifier='{attachment.identifier}']"
        obj = objects.get(key)
        title = attachment.title or ""
        if obj is None:
            issues.append(
                MISSING.issue(
                    location, None, title=title, identifier=attachment.identifier, binary=binary.message_id
                )
            )
            continue
        actual_size = len(obj.data) if obj.data is not None else obj.size
        for field, reference, actual in (
            ("OriginalObjectSize", attachment.size, actual_size),
            ("ObjectCode", attachment.object_code, obj.object_code),
            ("ObjectExtensionCode", attachment.file_type, obj.file_type),
        ):
            if reference is not None and actual is not None and reference != actual:
                issues.append(
                    MISMATCH.issue(
                        location, None, title=title, field=field, reference=reference, actual=actual
                    )
                )
    for key, obj in objects.items():
        if key not in referenced:
            issues.append(UNREFERENCED.issue(None, None, binary=binary.message_id, identifier=obj.identifier))
    for field, reference, actual in (
        ("afsender/sender", message.sender.ean, binary.sender.ean),
        ("modtager/receiver", message.receiver.ean, binary.receiver.ean),
        (
            "patient",
            message.patient.identifier.value,
            binary.patient.identifier.value if binary.patient is not None else "-",
        ),
    ):
        if reference != actual:
            issues.append(PARTIES.issue(None, None, field=field, reference=reference, actual=actual))
    return issues


def _belongs(message: CareMessage, binary: AttachmentMessage) -> bool:
    ours = {object_key(a.identifier) for a in message.attachments if a.identifier}
    theirs = {object_key(a.identifier) for a in binary.attachments if a.identifier}
    return bool(ours & theirs)


def link_reports(reports: list[Report]) -> list[Report]:
    """Add link issues to XDIS91 reports whose XBIN01 was validated alongside (by shared ids)."""
    from ..parsing import parse

    def load(report: Report) -> object | None:
        if report.path is None or report.kind not in (Kind.XDIS91, Kind.XBIN01):
            return None
        try:
            return parse(report.path)
        except (MedcomkitError, OSError):
            return None

    parsed = [load(r) for r in reports]
    binaries = [p for p in parsed if isinstance(p, AttachmentMessage)]
    if not binaries:
        return reports
    linked = []
    for report, message in zip(reports, parsed, strict=True):
        if isinstance(message, CareMessage):
            extra = [i for b in binaries if _belongs(message, b) for i in attachment_link_issues(message, b)]
            if extra:
                report = replace(report, issues=report.issues + tuple(extra))
        linked.append(report)
    return linked
