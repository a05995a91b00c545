"""Reliable messaging: deciding whether a message that arrives is new, a duplicate, a resubmission
or an error, from the envelope id (Bundle.id / Envelope/Identifier) and the message id
(MessageHeader.id / Letter/Identifier) seen before.

MedCom's rule (reliable messaging for FHIR and VANSEnvelope): both ids new — process it; both
seen together — a duplicate, acknowledge it exactly as before and never show it twice; only the
message id seen — the sender resent it because the acknowledgement was lost, so acknowledge
again; only the envelope id seen — an error, since an envelope id is never reused.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = ["Arrival", "ArrivalLog", "classify_arrival"]


class Arrival(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    RESUBMISSION = "resubmission"
    ERROR = "error"
    CONFLICT = "conflict"  # the same envelope and message id as an earlier message, other content


def classify_arrival(seen: Iterable[tuple[str, str]], envelope_id: str, message_id: str) -> Arrival:
    """Classify ``(envelope_id, message_id)`` against the pairs received before."""
    envelope_seen = message_seen = False
    for seen_envelope, seen_message in seen:
        if (seen_envelope, seen_message) == (envelope_id, message_id):
            return Arrival.DUPLICATE
        envelope_seen = envelope_seen or seen_envelope == envelope_id
        message_seen = message_seen or seen_message == message_id
    if envelope_seen:
        return Arrival.ERROR
    if message_seen:
        return Arrival.RESUBMISSION
    return Arrival.NEW


class ArrivalLog:
    """An in-memory record of what has arrived (the archive keeps the durable one)."""

    def __init__(self) -> None:
        self._pairs: set[tuple[str, str]] = set()
        self._envelopes: set[str] = set()
        self._messages: set[str] = set()

    def record(self, envelope_id: str, message_id: str) -> Arrival:
        """Classify an arrival and remember it."""
        if (envelope_id, message_id) in self._pairs:
            verdict = Arrival.DUPLICATE
        elif envelope_id in self._envelopes:
            verdict = Arrival.ERROR
        elif message_id in self._messages:
            verdict = Arrival.RESUBMISSION
        else:
            verdict = Arrival.NEW
        self._pairs.add((envelope_id, message_id))
        self._envelopes.add(envelope_id)
        self._messages.add(message_id)
        return verdict
