"""The municipality's own journal of every MedCom message it sends or receives.

DNHF and VANS only pass messages on and delete them (DNHF "is not a journal"), so the municipality
keeps its own copy: :class:`Archive` stores each message in an SQLite file together with what it
needs to find it again, its receipts, and where it stands.

What is stored
    The bytes exactly as sent or received (once, by SHA-256), and per letter the metadata
    :func:`medcomkit.parse` gives: kind, envelope and message ids, send time, parties (EAN and
    name), thread id, the patient (masked, for display), attachment ids, and for receipts what they
    answer. Kinds parse cannot read yet (XREF01, VANSEnvelope) are stored with the kind
    :func:`medcomkit.validate` reports and the ids read from the OIOXML head or FHIR MessageHeader.
    Bytes that are no message medcomkit recognises are refused with a clear error.

Duplicates
    An add is classified by :func:`medcomkit.classify_arrival` against the same sender's earlier
    messages in the same direction: a duplicate (same envelope id and message id) is stored once
    and reported; a resubmission (same message id, new envelope) and an error (envelope id reused)
    are stored and marked, since a journal must not lose what was actually sent or received.

Receipts and state
    A receipt is matched as :func:`medcomkit.receipt_matches` does: OIOXML XCTL by original envelope
    id and letter id, FHIR Acknowledgement by MessageHeader id. Matching happens when reading, so
    messages and receipts may be added in any order. A sent message's state (:class:`State`) is
    computed for a given ``now`` from its sends and receipts under a :class:`ResendPolicy` (FHIR:
    30 minutes, at most 2 resends, MedCom's rule; OIOXML: 120 minutes, MedCom's recommendation to
    receivers). An XBIN01 is linked to the XDIS91 whose attachments it carries (by attachment id).

Threads
    FHIR messages share a thread id; an OIOXML letter is a thread of its own, joined by its XBIN01
    and by FHIR replies that name it as ``[lokationsnummer]#[brevid]`` (:meth:`Archive.thread`).

Patient lookup without CPR numbers in the index
    The index column holds HMAC-SHA256(key, normalised CPR), never the number. A plain hash would
    not do: there are few enough CPR numbers to hash them all, so an unkeyed index is a CPR list in
    disguise. The key is 32 random bytes made with the journal and kept in its ``meta`` table, or,
    when the caller supplies ``key=``, kept outside the file (then only a check value is stored and
    a wrong key is refused). With the key in the file the index keeps CPR numbers out of indexes,
    listings, logs and exports, but anyone holding the whole file can still read the messages
    themselves: the file is health data and must be protected as such. Supply the key from a key
    store when the index must stay opaque to someone who has a copy of the file.

Crash safety
    SQLite in WAL mode with ``synchronous=FULL``; each add is one ``BEGIN IMMEDIATE`` transaction,
    so a writer killed at any moment leaves either the whole record or nothing, and every add that
    returned is on disk. The file carries its own SQLite application id and a schema version table;
    a foreign or damaged file is refused with a clear error. :meth:`Archive.check` verifies the file.
"""

from __future__ import annotations

from ..core.errors import ArchiveError, EntryNotFound
from .state import FHIR_POLICY, OIOXML_POLICY, ResendPolicy, State, Status
from .store import Added, Archive, Direction, Entry

__all__ = [
    "FHIR_POLICY",
    "OIOXML_POLICY",
    "Added",
    "Archive",
    "ArchiveError",
    "Direction",
    "Entry",
    "EntryNotFound",
    "ResendPolicy",
    "State",
    "Status",
]
