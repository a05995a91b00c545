"""Checks for medcomkit's XDIS91 protocol: a valid XDIS91, the XBIN01 that carries its
attachments, and the receipts (XCTL) for received messages.

The pairing of XDIS91 and XBIN01 uses the same checks as ``medcomkit validate`` on the two files
together (ObjectIdentifier compared without hyphens and case; codes, size and parties agree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..core.report import Issue
from ..model.messages import AttachmentMessage, CareMessage, Receipt, ReceiptKind
from ..model.receipts import receipt_matches
from ..oioxml.link import attachment_link_issues
from . import rules as r
from .cases import Case
from .files import Loaded

__all__ = ["XDIS91_CHECKS", "Xdis91Subject"]

Found = list[tuple[str | None, Issue]]


@dataclass(frozen=True, slots=True)
class Xdis91Subject:
    """The vendor's files for a case, and the received messages a receipt case answers."""

    case: Case
    files: tuple[Loaded, ...]
    received: tuple[Loaded, ...] = ()


def _letters(s: Xdis91Subject) -> list[tuple[str, CareMessage]]:
    return [(f.name, f.message) for f in s.files if isinstance(f.message, CareMessage)]


def _binaries(s: Xdis91Subject) -> list[tuple[str, AttachmentMessage]]:
    return [(f.name, f.message) for f in s.files if isinstance(f.message, AttachmentMessage)]


def _count(s: Xdis91Subject) -> Found:
    letters = _letters(s)
    return [] if len(letters) == 1 else [(None, r.XDIS91_COUNT.issue(found=len(letters)))]


def _text(s: Xdis91Subject) -> Found:
    found: Found = []
    for name, letter in _letters(s):
        if not any(segment.text.strip() for segment in letter.segments):
            found.append((name, r.XDIS91_TEXT.issue("/Emessage/ClinicalEmail/ClinicalInformation")))
        if not letter.envelope.positive_receipt:
            found.append((name, r.XDIS91_RECEIPT_WANTED.issue("/Emessage/Envelope/AcknowledgementCode")))
    return found


def _binary(s: Xdis91Subject) -> Found:
    found: Found = []
    binaries = _binaries(s)
    for name, letter in _letters(s):
        referenced = [a for a in letter.attachments if a.url is None and not a.supplementary]
        if not referenced:
            found.append((name, r.XDIS91_NO_BINARY.issue("/Emessage/ClinicalEmail/Reference")))
            continue
        if not binaries:
            found.append((name, r.XBIN01_MISSING.issue(count=len(referenced))))
            continue
        if len(binaries) > 1:
            found.append((None, r.XBIN01_SPLIT.issue(count=len(binaries))))
        # One XBIN01 or several: hold the XDIS91 against every attachment they carry together.
        together = replace(binaries[0][1], attachments=tuple(a for _, b in binaries for a in b.attachments))
        found += [(name, issue) for issue in attachment_link_issues(letter, together)]
    return found


def _receipts(s: Xdis91Subject) -> Found:
    found: Found = []
    receipts = [(f.name, f.message) for f in s.files if isinstance(f.message, Receipt)]
    received = [f for f in s.received if isinstance(f.message, CareMessage | AttachmentMessage)]
    for item in received:
        message = item.message
        assert isinstance(message, CareMessage | AttachmentMessage)
        kind = "XDIS91" if isinstance(message, CareMessage) else "XBIN01"
        match = next(((n, rc) for n, rc in receipts if receipt_matches(rc, message)), None)
        if match is None:
            found.append(
                (
                    None,
                    r.RECEIPT_MISSING.issue(
                        kind=kind, letter=message.message_id, envelope=message.envelope.identifier
                    ),
                )
            )
            continue
        name, receipt = match
        if (
            receipt.kind is not ReceiptKind.POSITIVE
            and item.report.valid
            and message.envelope.positive_receipt
        ):
            found.append(
                (
                    name,
                    r.RECEIPT_KIND.issue(kind=kind, letter=message.message_id, found=_receipt_type(receipt)),
                )
            )
        for role, actual, expected, other in (
            ("afsender/sender", receipt.sender.ean, message.receiver.ean, "modtager/receiver"),
            ("modtager/receiver", receipt.receiver.ean, message.sender.ean, "afsender/sender"),
        ):
            if actual != expected:
                found.append(
                    (name, r.RECEIPT_PARTIES.issue(role=role, found=actual, expected=expected, other=other))
                )
    answered = [item.message for item in received]
    for name, receipt in receipts:
        if not any(
            isinstance(m, CareMessage | AttachmentMessage) and receipt_matches(receipt, m) for m in answered
        ):
            letters = ", ".join(letter.letter_id for letter in receipt.letters) or "-"
            found.append(
                (
                    name,
                    r.RECEIPT_UNMATCHED.issue(envelope=receipt.original_envelope_id or "-", letters=letters),
                )
            )
    return found


def _receipt_type(receipt: Receipt) -> str:
    """The OIOXML receipt type of ``receipt``."""
    return {
        ReceiptKind.POSITIVE: "XCTL03",
        ReceiptKind.NEGATIVE: "XCTL02",
        ReceiptKind.TRANSIENT: "XCTL02",
        ReceiptKind.VANS_NEGATIVE: "XCTL01",
    }[receipt.kind]


XDIS91_CHECKS: dict[str, Callable[[Xdis91Subject], Found]] = {
    "xdis91": _count,
    "xdis91-text": _text,
    "xdis91-binary": _binary,
    "receipts": _receipts,
}
