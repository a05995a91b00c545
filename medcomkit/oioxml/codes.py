"""OIOXML code values and the neutral model values they stand for."""

from __future__ import annotations

from typing import TypeVar

from ..model.messages import EpisodeStatus, LetterStatus, Priority, ReceiptKind, RefuseReason
from .object_codes import EXPECTED_OBJECT_CODE

__all__ = [
    "EPISODE_STATUS",
    "EXPECTED_OBJECT_CODE",
    "LETTER_STATUS",
    "PRIORITY",
    "RECEIPT_LETTERS",
    "REFUSE_REASON",
    "reverse",
]

EPISODE_STATUS: dict[str, EpisodeStatus] = {
    "inaktiv": EpisodeStatus.INACTIVE,
    "indlagt": EpisodeStatus.INPATIENT,
    "ambulant": EpisodeStatus.OUTPATIENT,
    "doed": EpisodeStatus.DECEASED,
    "ambulant_roentgen": EpisodeStatus.OUTPATIENT_XRAY,
}
PRIORITY: dict[str, Priority] = {"rutine": Priority.ROUTINE, "høj_prioritet": Priority.HIGH}
LETTER_STATUS: dict[str, LetterStatus] = {"nytbrev": LetterStatus.NEW, "rettetbrev": LetterStatus.CORRECTED}
REFUSE_REASON: dict[str, RefuseReason] = {
    "ikke_specificeret": RefuseReason.UNSPECIFIED,
    "ukendt_lokationsnummer": RefuseReason.UNKNOWN_LOCATION_NUMBER,
    "problem_med_modtagerID": RefuseReason.RECEIVER_ID_PROBLEM,
    "problem_med_version": RefuseReason.VERSION_PROBLEM,
    "syntaksfejl": RefuseReason.SYNTAX_ERROR,
}
# Receipt letter element by kind, with its VersionCode.
RECEIPT_LETTERS: dict[ReceiptKind, tuple[str, str]] = {
    ReceiptKind.VANS_NEGATIVE: ("NegativeVansReceipt", "XC0130Q"),
    ReceiptKind.NEGATIVE: ("NegativeReceipt", "XC0230Q"),
    ReceiptKind.TRANSIENT: ("NegativeReceipt", "XC0230Q"),  # OIOXML has no "try again later"
    ReceiptKind.POSITIVE: ("PositiveReceipt", "XC0330Q"),
}

K = TypeVar("K")
V = TypeVar("V")


def reverse(table: dict[K, V]) -> dict[V, K]:
    return {value: key for key, value in table.items()}
