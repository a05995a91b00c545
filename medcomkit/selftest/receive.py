"""Checks for the receive protocol: the Acknowledgements a vendor's system sent for MedCom's
receive examples.

An acknowledgement must answer the received MessageHeader with the code the case calls for
(``ok`` for a valid message, ``fatal-error`` for an invalid one), go back from the receiver to
the sender, and carry a copy of the message's latest Provenance. A duplicate or resubmission is
acknowledged as the first delivery was: same code, same answered MessageHeader, same error code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.lang import Bilingual
from ..core.report import Issue
from ..model.messages import CareMessage, Receipt, ReceiptKind
from . import rules as r
from .cases import Case

__all__ = ["RECEIVE_CHECKS", "ReceiveSubject", "response_code"]

_CODE = {
    ReceiptKind.POSITIVE: "ok",
    ReceiptKind.NEGATIVE: "fatal-error",
    ReceiptKind.VANS_NEGATIVE: "fatal-error",
    ReceiptKind.TRANSIENT: "transient-error",
}
_WHY = {
    "ok": Bilingual("meddelelsen er gyldig", "the message is valid"),
    "fatal-error": Bilingual(
        "meddelelsen er ugyldig og må ikke sendes igen uændret",
        "the message is invalid and must not be resent",
    ),
}


def response_code(receipt: Receipt) -> str:
    return _CODE[receipt.kind]


@dataclass(frozen=True, slots=True)
class ReceiveSubject:
    """The acknowledgements for one case that could be read (each with its file name), how many
    files there were, the message they answer, and the acknowledgements of the case this one
    duplicates."""

    case: Case
    acks: tuple[tuple[str, Receipt], ...]
    received: CareMessage
    first_delivery: tuple[Receipt, ...] = field(default_factory=tuple)
    files: int | None = None


Found = list[tuple[str | None, Issue]]


def _count(s: ReceiveSubject) -> Found:
    found = len(s.acks) if s.files is None else s.files
    if found == s.case.deliveries:
        return []
    return [(None, r.ACK_COUNT.issue(found=found, case=s.case.id, expected=s.case.deliveries))]


def _answers(s: ReceiveSubject) -> Found:
    found: Found = []
    for name, receipt in s.acks:
        answered = receipt.letters[0].letter_id if receipt.letters else "-"
        if answered != s.received.message_id:
            found.append(
                (
                    name,
                    r.ACK_ANSWERS.issue(
                        "MessageHeader.response.identifier",
                        found=answered,
                        case=s.case.id,
                        expected=s.received.message_id,
                    ),
                )
            )
    return found


def _code(s: ReceiveSubject) -> Found:
    expected = s.case.response or "ok"
    return [
        (
            name,
            r.ACK_CODE.issue(
                "MessageHeader.response.code",
                found=response_code(receipt),
                case=s.case.id,
                expected=expected,
                why=_WHY.get(expected, Bilingual(expected, expected)),
            ),
        )
        for name, receipt in s.acks
        if response_code(receipt) != expected
    ]


def _parties(s: ReceiveSubject) -> Found:
    found: Found = []
    for name, receipt in s.acks:
        for role, actual, expected, other in (
            (
                Bilingual("afsender", "sender"),
                receipt.sender.ean,
                s.received.receiver.ean,
                Bilingual("modtager", "receiver"),
            ),
            (
                Bilingual("modtager", "receiver"),
                receipt.receiver.ean,
                s.received.sender.ean,
                Bilingual("afsender", "sender"),
            ),
        ):
            if actual != expected:
                found.append(
                    (name, r.ACK_PARTIES.issue(role=role, found=actual, expected=expected, other=other))
                )
    return found


def _provenance(s: ReceiveSubject) -> Found:
    return [
        (name, r.ACK_PROVENANCE.issue("Provenance", expected=s.received.message_id))
        for name, receipt in s.acks
        if receipt.acknowledged is None or receipt.acknowledged.message_id != s.received.message_id
    ]


def _difference(receipt: Receipt, first: Receipt) -> Bilingual | None:
    """How ``receipt`` differs from the acknowledgement of the first delivery, if it does."""
    code, first_code = response_code(receipt), response_code(first)
    if code != first_code:
        return Bilingual(
            f"svarkoden er '{code}' og var '{first_code}' første gang",
            f"the response code is '{code}' and was '{first_code}' the first time",
        )
    mine = receipt.letters[0].letter_id if receipt.letters else "-"
    theirs = first.letters[0].letter_id if first.letters else "-"
    if mine != theirs:
        return Bilingual(
            f"den svarer på MessageHeader {mine}, første gang på {theirs}",
            f"it answers MessageHeader {mine}, the first time {theirs}",
        )
    if receipt.detail_code != first.detail_code:
        return Bilingual(
            f"fejlkoden er '{receipt.detail_code}' og var '{first.detail_code}' første gang",
            f"the error code is '{receipt.detail_code}' and was '{first.detail_code}' the first time",
        )
    return None


def _duplicate(s: ReceiveSubject) -> Found:
    found: Found = []
    if s.case.duplicate_of is not None:
        # Compare only with a first acknowledgement that is right itself; a wrong one fails its own case.
        right = [rc for rc in s.first_delivery if response_code(rc) == (s.case.response or "ok")]
        if not right:
            return [(None, r.ACK_DUPLICATE_UNCHECKED.issue(other=s.case.duplicate_of))]
        first, later = right[0], s.acks
    elif s.case.deliveries > 1 and len(s.acks) > 1:
        first, later = s.acks[0][1], s.acks[1:]
    else:
        return []
    for name, receipt in later:
        if (what := _difference(receipt, first)) is not None:
            found.append((name, r.ACK_DUPLICATE.issue(what=what)))
    return found


RECEIVE_CHECKS: dict[str, Callable[[ReceiveSubject], Found]] = {
    "ack-count": _count,
    "ack-answers": _answers,
    "ack-code": _code,
    "ack-parties": _parties,
    "ack-provenance": _provenance,
    "ack-duplicate": _duplicate,
}
