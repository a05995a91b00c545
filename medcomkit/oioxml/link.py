"""Checking that an XDIS91 and the XBIN01 carrying its attachments belong together.

They travel in separate envelopes and are linked only by ObjectIdentifier, which implementations
write differently (with or without hyphens, upper or lower case), so ids are compared with case
and hyphens ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from ..core.report import Issue, IssueType, Report, Severity
from ..core.rules import rule

if TYPE_CHECKING:  # the model is imported only when there is something to pair
    from ..model.messages import AttachmentMessage, CareMessage

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
    from .xbin01 import object_key

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


def _parties(message: CareMessage | AttachmentMessage) -> tuple[str | None, str | None, str | None]:
    patient = message.patient.identifier.value if message.patient is not None else "-"
    return message.sender.ean, message.receiver.ean, patient


def link_reports(
    reports: list[Report], messages: Sequence[CareMessage | AttachmentMessage | None]
) -> list[Report]:
    """Add link issues to XDIS91 reports whose XBIN01 was validated alongside (by shared ids).

    ``messages`` are what :func:`medcomkit.oioxml.codec.pairing_facts` kept of each report's
    input (``None`` for anything else). Binaries are found through a
    dictionary of their ObjectIdentifiers, so the time grows with the number of files, not its
    square. Where several binaries share an id with a letter, those with the letter's sender,
    receiver and patient are its own; only when none is, all of them are compared.
    """
    from ..model.messages import AttachmentMessage, CareMessage
    from .xbin01 import object_key

    binaries: dict[str, list[int]] = {}  # object key -> positions of the binaries holding it
    for position, message in enumerate(messages):
        if isinstance(message, AttachmentMessage):
            for key in {object_key(a.identifier) for a in message.attachments if a.identifier}:
                binaries.setdefault(key, []).append(position)
    if not binaries:
        return reports
    linked = []
    for report, message in zip(reports, messages, strict=True):
        if isinstance(message, CareMessage):
            keys = {object_key(a.identifier) for a in message.attachments if a.identifier}
            found = sorted({p for key in keys for p in binaries.get(key, ())})  # in input order
            candidates = [cast(AttachmentMessage, messages[p]) for p in found]
            if len(candidates) > 1:
                own = [b for b in candidates if _parties(b) == _parties(message)]
                candidates = own or candidates
            extra = [i for b in candidates for i in attachment_link_issues(message, b)]
            if extra:
                report = replace(report, issues=report.issues + tuple(extra))
        linked.append(report)
    return linked
