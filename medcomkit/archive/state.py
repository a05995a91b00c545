"""Where a journalised message stands: sent and waiting, receipted, or due to be sent again.

MedCom's reliable-messaging rule for FHIR: without an Acknowledgement within 30 minutes the
sender sends the message again (new envelope id, same MessageHeader id), at most twice. OIOXML
receivers are recommended to receipt within 120 minutes; the same two resends apply here. Both
are defaults of :class:`ResendPolicy` and can be changed per journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ..core.lang import Bilingual
from ..model.messages import ReceiptKind

__all__ = ["FHIR_POLICY", "OIOXML_POLICY", "ResendPolicy", "State", "Status", "state_label", "status_of"]


class State(StrEnum):
    """The state of a journalised message as of a given moment."""

    SENT = "sent"  # waiting for a receipt, still within the deadline (or no positive receipt wanted)
    POSITIVE = "positive"  # the newest receipt is positive
    NEGATIVE = "negative"  # the newest receipt is negative: do not resend unchanged
    RESEND_DUE = "resend-due"  # no receipt by the deadline (or a transient error): send again
    NO_RECEIPT = "no-receipt"  # still no receipt after the last allowed resend: follow up by hand
    RECEIVED = "received"  # a message the municipality received
    RECEIPT = "receipt"  # the entry is itself a receipt


_LABELS = {
    State.SENT: Bilingual("sendt, afventer kvittering", "sent, awaiting receipt"),
    State.POSITIVE: Bilingual("positiv kvittering", "positive receipt"),
    State.NEGATIVE: Bilingual("negativ kvittering", "negative receipt"),
    State.RESEND_DUE: Bilingual("ingen kvittering, skal sendes igen", "no receipt, resend due"),
    State.NO_RECEIPT: Bilingual(
        "ingen kvittering efter sidste genafsendelse", "no receipt after the last resend"
    ),
    State.RECEIVED: Bilingual("modtaget", "received"),
    State.RECEIPT: Bilingual("kvittering", "receipt"),
}


def state_label(state: State) -> Bilingual:
    """The state in words, Danish and English."""
    return _LABELS[state]


@dataclass(frozen=True, slots=True)
class ResendPolicy:
    """How long a sender waits for a receipt, and how many times it sends again."""

    deadline: timedelta
    max_resends: int = 2


FHIR_POLICY = ResendPolicy(timedelta(minutes=30), 2)
OIOXML_POLICY = ResendPolicy(timedelta(minutes=120), 2)


@dataclass(frozen=True, slots=True)
class Answer:
    """A receipt that answers a message: its kind, when it was sent, and its journal entry."""

    kind: ReceiptKind
    sent: datetime
    entry: int


@dataclass(frozen=True, slots=True)
class Status:
    """A message's state as of ``now``, with what it was decided from.

    ``sends`` are the times of every send of the message (the first and each resend, oldest
    first); ``receipts`` the journal ids of the receipts that answer it, oldest first; ``due``
    when a receipt is or was due for the newest send (``None`` when none is expected).
    """

    state: State
    now: datetime
    sends: tuple[datetime, ...] = ()
    receipts: tuple[int, ...] = ()
    due: datetime | None = None

    @property
    def resends(self) -> int:
        return max(len(self.sends) - 1, 0)


def status_of(
    sends: Sequence[datetime],
    answers: Sequence[Answer],
    *,
    wants_receipt: bool,
    policy: ResendPolicy,
    now: datetime,
) -> Status:
    """The state of a sent message from its sends, the receipts answering it and the time.

    The newest receipt decides (a positive receipt for an earlier send still counts: the letter
    arrived). A transient error, or no receipt by the deadline, means resend while resends are
    left. Without a request for a positive receipt (OIOXML ``minuspositivkvitt``) silence is
    not a failure.
    """
    ordered = sorted(answers, key=lambda a: (a.sent, a.entry))
    times = tuple(sorted(sends))
    receipts = tuple(a.entry for a in ordered)
    last = times[-1] if times else now
    due = last + policy.deadline if wants_receipt else None
    resends_left = len(times) - 1 < policy.max_resends
    if ordered:
        newest = ordered[-1]
        if newest.kind is ReceiptKind.POSITIVE:
            return Status(State.POSITIVE, now, times, receipts, None)
        if newest.kind is not ReceiptKind.TRANSIENT:
            return Status(State.NEGATIVE, now, times, receipts, None)
        if newest.sent >= last:  # "try again later", about the newest send
            return Status(State.RESEND_DUE if resends_left else State.NO_RECEIPT, now, times, receipts, due)
    if due is None or now <= due:
        return Status(State.SENT, now, times, receipts, due)
    return Status(State.RESEND_DUE if resends_left else State.NO_RECEIPT, now, times, receipts, due)
