"""The journal itself: adding messages, looking them up, their receipts, state and threads."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from ..core.errors import EntryNotFound
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.source import Source, read_source
from ..core.xml import MAX_DOCUMENT_BYTES
from ..core.xmltree import COPENHAGEN
from ..dispatch import parse_all
from ..model.messages import Message, ReceiptKind
from ..model.reliable import Arrival, classify_arrival
from ._extract import Record, normalise_cpr, records
from ._schema import database_errors, open_journal, transaction
from .codes import NO_SUCH_ENTRY
from .state import FHIR_POLICY, OIOXML_POLICY, Answer, ResendPolicy, State, Status, status_of

__all__ = ["Added", "Archive", "Direction", "Entry", "EntryNotFound", "ReadMessage", "read_message"]

# An XDIS91 or XREF01 names its attachments; an XBIN01 in its own envelope carries their bytes.
_PARTNERS: dict[Kind, tuple[Kind, ...]] = {
    Kind.XDIS91: (Kind.XBIN01,),
    Kind.XREF01: (Kind.XBIN01,),
    Kind.XBIN01: (Kind.XDIS91, Kind.XREF01),
    # The same in EDIFACT: DIS91 and REF01 name their attachments, BIN01 carries them.
    Kind.DIS91: (Kind.BIN01,),
    Kind.REF01: (Kind.BIN01,),
    Kind.BIN01: (Kind.DIS91, Kind.REF01),
}
_CHUNK = 500  # ids per IN (...) list, well below SQLite's variable limit


class Direction(StrEnum):
    SENT = "sent"
    RECEIVED = "received"


@dataclass(frozen=True, slots=True)
class Entry:
    """One journalised message (one letter of an Emessage), as the journal indexes it.

    ``patient`` is for display and has the CPR masked; the full number is only in the stored
    bytes. ``arrival`` is ``new``, ``resubmission`` (the message id was seen before with another
    envelope; ``resubmission_of`` is the first entry with it), ``error`` (an envelope id reused
    for another message) or ``conflict`` (the same envelope id, message id and sender as an earlier
    entry, named in ``resubmission_of``, but other bytes: both are kept).
    """

    id: int
    added: datetime
    direction: Direction
    kind: Kind
    arrival: Arrival
    resubmission_of: int | None
    envelope_id: str | None
    message_id: str | None
    sent: datetime | None
    wants_receipt: bool
    sender_ean: str | None
    receiver_ean: str | None
    counterpart_ean: str | None
    sender_name: str | None
    receiver_name: str | None
    thread_id: str | None
    activity: str | None
    previous_id: str | None
    previous_ean: str | None
    topic: str | None
    patient: str | None
    attachments: int
    receipt_kind: ReceiptKind | None
    original_envelope_id: str | None
    note: str | None
    parsed: bool
    fhir: bool
    part: int
    sha256: str
    size: int

    @property
    def is_receipt(self) -> bool:
        return self.receipt_kind is not None

    @property
    def moment(self) -> datetime:
        """When it was sent as the message says, else when it was journalised."""
        return self.sent or self.added

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times in ISO 8601)."""
        result: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            result[item.name] = value.isoformat() if isinstance(value, datetime) else value
        return result


@dataclass(frozen=True, slots=True)
class Added:
    """What :meth:`Archive.add` did with one message: its entry and how it arrived.

    For a duplicate, ``entry`` is the entry that already holds it and nothing was stored.
    """

    entry: int
    arrival: Arrival
    kind: Kind
    message_id: str | None


_ENTRY_COLUMNS = (
    "e.id, e.added, e.direction, e.kind, e.arrival, e.first_entry, e.envelope_id, e.message_id, e.sent, "
    "e.wants_receipt, e.sender_ean, e.receiver_ean, e.counterpart_ean, e.sender_name, e.receiver_name, "
    "e.thread_id, e.activity, e.previous_id, e.previous_ean, e.topic, e.patient, e.attachments, "
    "e.receipt_kind, e.original_envelope_id, e.note, e.parsed, e.fhir, e.part, e.blob, b.size"
)
_SELECT = f"SELECT {_ENTRY_COLUMNS} FROM entries e JOIN blobs b ON b.sha256 = e.blob"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _entry(row: Sequence[Any]) -> Entry:
    # fmt: off
    (id_, added, direction, kind, arrival, first, envelope, message, sent, wants, sender, receiver,
     counterpart, sender_name, receiver_name, thread, activity, previous_id, previous_ean, topic,
     patient, attachments, receipt_kind, original_envelope, note, parsed, fhir, part, blob, size) = row
    # fmt: on
    return Entry(
        id=id_,
        added=datetime.fromisoformat(added),
        direction=Direction(direction),
        kind=Kind(kind),
        arrival=Arrival(arrival),
        resubmission_of=first,
        envelope_id=envelope,
        message_id=message,
        sent=_time(sent),
        wants_receipt=bool(wants),
        sender_ean=sender,
        receiver_ean=receiver,
        counterpart_ean=counterpart,
        sender_name=sender_name,
        receiver_name=receiver_name,
        thread_id=thread,
        activity=activity,
        previous_id=previous_id,
        previous_ean=previous_ean,
        topic=topic,
        patient=patient,
        attachments=attachments,
        receipt_kind=ReceiptKind(receipt_kind) if receipt_kind else None,
        original_envelope_id=original_envelope,
        note=note,
        parsed=bool(parsed),
        fhir=bool(fhir),
        part=part,
        sha256=blob,
        size=size,
    )


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[Any] | range) -> str:
    return ", ".join("?" * len(values))


def as_moment(value: datetime | None) -> datetime:
    """``value`` as an aware time (naive means Danish local time); now when ``None``."""
    if value is None:
        return datetime.now(UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=COPENHAGEN)


class Archive:
    """The municipality's journal of every MedCom message it sends or receives (SQLite).

    ``key`` is the secret for the patient index; when it is not given, the journal makes one
    and keeps it in its own meta table (see the package docstring for the trade-off).
    ``create=False`` refuses to make a new file. Each :meth:`add` is one transaction.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        key: bytes | None = None,
        create: bool = True,
        fhir_policy: ResendPolicy = FHIR_POLICY,
        oioxml_policy: ResendPolicy = OIOXML_POLICY,
        max_bytes: int = MAX_DOCUMENT_BYTES,
    ) -> None:
        self.path = Path(path)
        self.fhir_policy = fhir_policy
        self.oioxml_policy = oioxml_policy
        self.max_bytes = max_bytes
        self._db, self._key = open_journal(self.path, create=create, key=key)

    # --- lifetime ---------------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        with database_errors(self.path):
            return self._db.execute(sql, tuple(params)).fetchall()

    # --- adding -----------------------------------------------------------------------------------

    def add(self, source: Source, *, direction: Direction | str) -> list[Added]:
        """Journalise a message file or bytes as sent or received; one result per letter.

        A message already in the journal byte for byte is reported as a duplicate and stored once;
        one with the same envelope id, message id and sender but other bytes is stored as its own
        entry with the arrival ``conflict``. Raises :class:`~medcomkit.ParseError` when the
        bytes are no message medcomkit recognises, and :class:`ArchiveError` when the journal
        cannot be written; in both cases nothing is stored.
        """
        chosen = _direction(direction)
        return self.add_read(read_message(source, max_bytes=self.max_bytes), direction=chosen)

    def add_read(self, message: ReadMessage, *, direction: Direction | str) -> list[Added]:
        """Journalise a message :func:`read_message` read (perhaps in another process): as
        :meth:`add`, whose second half it is. Only this half touches the journal."""
        chosen = _direction(direction)
        data, found, digest = message
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        with database_errors(self.path), transaction(self._db) as db:
            verdicts = [self._classify(db, record, chosen, digest) for record in found]
            if any(arrival is not Arrival.DUPLICATE for arrival, _, _ in verdicts):
                db.execute(
                    "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
                    (digest, len(data), data),
                )
            results = []
            for record, (arrival, existing, first) in zip(found, verdicts, strict=True):
                if arrival is not Arrival.DUPLICATE:
                    existing = self._insert(db, record, chosen, digest, arrival, first, now)
                assert existing is not None
                results.append(Added(existing, arrival, record.kind, record.message_id))
        return results

    def _classify(
        self, db: sqlite3.Connection, record: Record, direction: Direction, digest: str
    ) -> tuple[Arrival, int | None, int | None]:
        """(arrival, entry holding a duplicate, first entry with the same message id)."""
        same_bytes = db.execute(
            "SELECT id FROM entries WHERE blob = ? AND part = ? AND direction = ?",
            (digest, record.part, direction.value),
        ).fetchone()
        if same_bytes is not None:
            return Arrival.DUPLICATE, same_bytes[0], None
        if record.envelope_id is None or record.message_id is None:
            return Arrival.NEW, None, None
        # Letter ids are unique per sender, so only the same sender's messages are compared.
        seen = db.execute(
            "SELECT id, envelope_id, message_id FROM entries WHERE direction = ? AND sender_ean IS ? "
            "AND (envelope_id = ? OR message_id = ?) ORDER BY id",
            (direction.value, record.sender_ean, record.envelope_id, record.message_id),
        ).fetchall()
        arrival = classify_arrival(((row[1], row[2]) for row in seen), record.envelope_id, record.message_id)
        duplicate = next(
            (r[0] for r in seen if (r[1], r[2]) == (record.envelope_id, record.message_id)), None
        )
        if arrival is Arrival.DUPLICATE:
            # Same ids, but not the same bytes (those were found above): never drop it as a duplicate.
            return Arrival.CONFLICT, None, duplicate
        first = next((r[0] for r in seen if r[2] == record.message_id), None)
        return arrival, duplicate, first if arrival is Arrival.RESUBMISSION else None

    def _insert(
        self,
        db: sqlite3.Connection,
        record: Record,
        direction: Direction,
        digest: str,
        arrival: Arrival,
        first: int | None,
        now: str,
    ) -> int:
        counterpart = record.receiver_ean if direction is Direction.SENT else record.sender_ean
        keys = tuple(dict.fromkeys(self.patient_key(value) for value in record.patient_ids))
        letters = tuple(dict.fromkeys(record.receipt_letters))
        attachment_keys = tuple(dict.fromkeys(record.attachment_keys))
        cursor = db.execute(
            "INSERT INTO entries (added, direction, kind, blob, part, parsed, fhir, arrival, first_entry, "
            "envelope_id, message_id, sent, wants_receipt, sender_ean, receiver_ean, counterpart_ean, "
            "sender_name, receiver_name, thread_id, activity, previous_id, previous_ean, topic, patient, "
            "attachments, receipt_kind, original_envelope_id, note, patient_keys, receipt_letters, "
            f"attachment_keys) VALUES ({_marks(range(31))})",
            (
                now,
                direction.value,
                record.kind.value,
                digest,
                record.part,
                record.parsed,
                record.fhir,
                arrival.value,
                first,
                record.envelope_id,
                record.message_id,
                record.sent.isoformat() if record.sent else None,
                record.wants_receipt,
                record.sender_ean,
                record.receiver_ean,
                counterpart,
                record.sender_name,
                record.receiver_name,
                record.thread_id,
                record.activity,
                record.previous_id,
                record.previous_ean,
                record.topic,
                record.patient,
                record.attachments,
                record.receipt_kind.value if record.receipt_kind else None,
                record.original_envelope_id,
                record.note,
                len(keys),
                len(letters),
                len(attachment_keys),
            ),
        )
        entry = cursor.lastrowid
        assert entry is not None
        db.executemany(
            "INSERT INTO patient_index (patient_key, entry) VALUES (?, ?)", ((k, entry) for k in keys)
        )
        db.executemany(
            "INSERT INTO receipt_letters (letter_id, entry) VALUES (?, ?)", ((x, entry) for x in letters)
        )
        db.executemany(
            "INSERT INTO attachment_keys (attachment_key, entry) VALUES (?, ?)",
            ((k, entry) for k in attachment_keys),
        )
        return entry

    def patient_key(self, cpr: str) -> str:
        """The index key for a CPR or replacement CPR: HMAC-SHA256 of its normalised form."""
        normalised = normalise_cpr(cpr)
        if not normalised:
            raise ValueError("empty CPR number / tomt CPR-nummer")
        return hmac.new(self._key, b"cpr:" + normalised.encode(), hashlib.sha256).hexdigest()

    # --- reading ----------------------------------------------------------------------------------

    def entry(self, entry_id: int) -> Entry:
        """The entry with this id; :class:`EntryNotFound` if there is none."""
        rows = self._rows(f"{_SELECT} WHERE e.id = ?", (entry_id,))
        if not rows:
            raise EntryNotFound(
                NO_SUCH_ENTRY,
                Bilingual(f"Journalen har ingen post {entry_id}.", f"The journal has no entry {entry_id}."),
            )
        return _entry(rows[0])

    def entries(
        self,
        *,
        direction: Direction | str | None = None,
        patient: str | None = None,
        counterpart: str | None = None,
        receipts: bool = True,
    ) -> list[Entry]:
        """Entries in the order they were journalised, optionally only one direction, one patient
        (CPR or replacement CPR, looked up by its keyed hash), one counterpart EAN, or no receipts."""
        where, params = [], []
        if direction is not None:
            where.append("e.direction = ?")
            params.append(_direction(direction).value)
        if patient is not None:
            where.append("e.id IN (SELECT entry FROM patient_index WHERE patient_key = ?)")
            params.append(self.patient_key(patient))
        if counterpart is not None:
            where.append("e.counterpart_ean = ?")
            params.append(counterpart)
        if not receipts:
            where.append("e.receipt_kind IS NULL")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return [_entry(row) for row in self._rows(f"{_SELECT}{clause} ORDER BY e.id", params)]

    def find_patient(self, cpr: str) -> list[Entry]:
        """Every message about the patient with this CPR (or replacement CPR), in any format."""
        return self.entries(patient=cpr)

    def data(self, entry_id: int) -> bytes:
        """The message's bytes exactly as they were sent or received."""
        entry = self.entry(entry_id)
        row = self._rows("SELECT data FROM blobs WHERE sha256 = ?", (entry.sha256,))
        return bytes(row[0][0])

    def message(self, entry_id: int) -> Message | None:
        """The message read into the neutral model again, or ``None`` if medcomkit cannot read it."""
        entry = self.entry(entry_id)
        if not entry.parsed:
            return None
        try:
            return parse_all(self.data(entry_id), max_bytes=max(self.max_bytes, entry.size))[entry.part]
        except Exception:  # stored bytes that cannot be read again are shown without the model
            return None

    # --- receipts and state -----------------------------------------------------------------------

    def _group(self, entry: Entry) -> list[Entry]:
        """Every send of the same message: same direction, sender and message id."""
        if entry.message_id is None or entry.is_receipt:
            return [entry]
        rows = self._rows(
            f"{_SELECT} WHERE e.message_id = ? AND e.direction = ? AND e.sender_ean IS ? "
            "AND e.receipt_kind IS NULL ORDER BY e.id",
            (entry.message_id, entry.direction.value, entry.sender_ean),
        )
        return [_entry(row) for row in rows]

    def _answering(self, messages: Sequence[Entry]) -> dict[int, list[Entry]]:
        """For each message, the receipts that answer it (``receipts.receipt_matches``' rule)."""
        ids = sorted({m.message_id for m in messages if m.message_id})
        envelopes = sorted({m.envelope_id for m in messages if m.envelope_id})
        by_letter: dict[str, list[tuple[Entry, str]]] = {}
        for chunk in _chunks(ids):
            for row in self._rows(
                f"SELECT rl.letter_id, {_ENTRY_COLUMNS} FROM receipt_letters rl JOIN entries e ON e.id = "
                f"rl.entry JOIN blobs b ON b.sha256 = e.blob WHERE rl.letter_id IN ({_marks(chunk)})",
                chunk,
            ):
                by_letter.setdefault(row[0], []).append((_entry(row[1:]), row[0]))
        by_envelope: dict[str, list[Entry]] = {}
        for chunk in _chunks(envelopes):
            for row in self._rows(
                f"{_SELECT} WHERE e.receipt_letters = 0 AND e.original_envelope_id IN ({_marks(chunk)})",
                chunk,
            ):
                receipt = _entry(row)
                assert receipt.original_envelope_id is not None
                by_envelope.setdefault(receipt.original_envelope_id, []).append(receipt)
        answers: dict[int, list[Entry]] = {}
        for message in messages:
            found = [
                receipt
                for receipt, _ in by_letter.get(message.message_id or "", [])
                if receipt.original_envelope_id in (None, message.envelope_id)
            ]
            found += by_envelope.get(message.envelope_id or "", [])
            # A receipt answers a message going the other way.
            answers[message.id] = [r for r in found if r.direction is not message.direction]
        return answers

    def receipts(self, entry_id: int) -> list[Entry]:
        """The receipts answering the message, for any of its sends, oldest first."""
        group = self._group(self.entry(entry_id))
        found = {r.id: r for rs in self._answering(group).values() for r in rs}
        return sorted(found.values(), key=lambda r: (r.moment, r.id))

    def answered(self, entry_id: int) -> list[Entry]:
        """For a receipt, the journalised messages it answers."""
        receipt = self.entry(entry_id)
        if not receipt.is_receipt:
            return []
        letters = [
            row[0] for row in self._rows("SELECT letter_id FROM receipt_letters WHERE entry = ?", (entry_id,))
        ]
        rows: list[Any] = []
        for chunk in _chunks(letters):
            rows += self._rows(
                f"{_SELECT} WHERE e.message_id IN ({_marks(chunk)}) AND e.receipt_kind IS NULL", chunk
            )
        if not letters and receipt.original_envelope_id:
            rows = self._rows(
                f"{_SELECT} WHERE e.envelope_id = ? AND e.receipt_kind IS NULL",
                (receipt.original_envelope_id,),
            )
        candidates = [_entry(row) for row in rows]
        return [
            m
            for m in candidates
            if m.direction is not receipt.direction and receipt.original_envelope_id in (None, m.envelope_id)
        ]

    def status(self, entry_id: int, *, now: datetime | None = None) -> Status:
        """The message's state as of ``now`` (default: the current time)."""
        return self.statuses([self.entry(entry_id)], now=now)[entry_id]

    def statuses(self, entries: Sequence[Entry], *, now: datetime | None = None) -> dict[int, Status]:
        """The state of each entry as of ``now``, computed together (for listings)."""
        moment = as_moment(now)
        result: dict[int, Status] = {}
        sent_messages = [e for e in entries if e.direction is Direction.SENT and not e.is_receipt]
        groups: dict[tuple[str | None, str | None, int], list[Entry]] = {}
        for entry in sent_messages:
            key = (entry.sender_ean, entry.message_id, entry.id if entry.message_id is None else 0)
            if key not in groups:
                groups[key] = self._group(entry)
        received = [e for e in entries if e.direction is Direction.RECEIVED and not e.is_receipt]
        answers = self._answering([m for group in groups.values() for m in group] + received)
        for entry in entries:
            if entry.is_receipt:
                result[entry.id] = Status(State.RECEIPT, moment)
            elif entry.direction is Direction.RECEIVED:
                receipts = tuple(sorted(r.id for r in answers[entry.id]))
                result[entry.id] = Status(State.RECEIVED, moment, (entry.moment,), receipts)
        for group in groups.values():
            found = {r.id: r for m in group for r in answers.get(m.id, [])}
            policy = self.fhir_policy if group[0].fhir else self.oioxml_policy
            status = status_of(
                [m.moment for m in group],
                [Answer(r.receipt_kind or ReceiptKind.NEGATIVE, r.moment, r.id) for r in found.values()],
                wants_receipt=any(m.wants_receipt for m in group),
                policy=policy,
                now=moment,
            )
            for member in group:
                result[member.id] = status
        return {entry.id: result[entry.id] for entry in entries}

    # --- threads and linked letters ---------------------------------------------------------------

    def linked(self, entry_id: int) -> list[Entry]:
        """The XBIN01 letters that carry an XDIS91's or XREF01's attachments (or, for an XBIN01, the
        letter it belongs to):
        same sender and direction, matched by attachment id."""
        entry = self.entry(entry_id)
        partners = _PARTNERS.get(entry.kind, ())
        if not partners:
            return []
        rows = self._rows(
            f"{_SELECT} WHERE e.id IN (SELECT b2.entry FROM attachment_keys a1 JOIN attachment_keys b2 "
            "ON b2.attachment_key = a1.attachment_key WHERE a1.entry = ? AND b2.entry != a1.entry) "
            f"AND e.kind IN ({_marks(partners)}) AND e.direction = ? AND e.sender_ean IS ? ORDER BY e.id",
            (entry_id, *(k.value for k in partners), entry.direction.value, entry.sender_ean),
        )
        return [_entry(row) for row in rows]

    def thread(self, entry_id: int) -> list[Entry]:
        """Every entry in the message's thread, oldest first, with their receipts.

        FHIR messages share a thread id; an OIOXML letter is a thread of its own, joined by the
        XBIN01 that carries its attachments and by FHIR replies that answer it
        (``[lokationsnummer]#[brevid]``).
        """
        start = self.entry(entry_id)
        base = self.answered(entry_id) if start.is_receipt else [start]
        threads = {e.thread_id for e in base if e.thread_id}
        members: dict[int, Entry] = {e.id: e for e in base}
        while True:
            found: list[Entry] = []
            ordered = sorted(threads)
            for chunk in _chunks(ordered):
                found += [
                    _entry(r) for r in self._rows(f"{_SELECT} WHERE e.thread_id IN ({_marks(chunk)})", chunk)
                ]
            more = set(threads)
            for entry in found:
                members[entry.id] = entry
                if entry.activity == "reply-message" and entry.previous_ean and entry.previous_id:
                    more.add(f"oioxml:{entry.previous_id}")
                if not entry.fhir and entry.message_id:
                    more.update(
                        r[0]
                        for r in self._rows(
                            "SELECT thread_id FROM entries WHERE previous_id = ? AND previous_ean IS ? "
                            "AND activity = 'reply-message' AND thread_id IS NOT NULL",
                            (entry.message_id, entry.sender_ean),
                        )
                    )
                for partner in self.linked(entry.id):
                    if partner.thread_id:
                        more.add(partner.thread_id)
            if more == threads:
                break
            threads = more
        messages = [e for e in members.values() if not e.is_receipt]
        for receipts in self._answering(messages).values():
            members.update((r.id, r) for r in receipts)
        return sorted(members.values(), key=lambda e: (e.moment, e.id))

    # --- journal copy ---------------------------------------------------------------------------

    def export(self, entry_id: int, directory: str | Path, *, now: datetime | None = None) -> list[Path]:
        """Write the journal copy of a message into ``directory`` (new or empty): its bytes, the
        XBIN01 carrying its attachments, each attachment as a file, its receipts, and a readable
        page (``journalkopi.html`` and ``.pdf``, Danish, CPR masked). Returns the files written."""
        from .export import export_entry

        return export_entry(self, entry_id, Path(directory), now=now)

    # --- integrity --------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found in the journal file (empty when sound): SQLite's integrity check, broken
        references, stored bytes that no longer match their hash, and entries missing index rows."""
        problems = [r[0] for r in self._rows("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [f"foreign key: {tuple(r)}" for r in self._rows("PRAGMA foreign_key_check")]
        for column, table in (
            ("patient_keys", "patient_index"),
            ("receipt_letters", "receipt_letters"),
            ("attachment_keys", "attachment_keys"),
        ):
            rows = self._rows(
                f"SELECT e.id FROM entries e "
                f"WHERE e.{column} != (SELECT count(*) FROM {table} t WHERE t.entry = e.id)"
            )
            problems += [f"entry {r[0]}: rows missing in {table}" for r in rows]
        problems += [
            f"blob {r[0]} is not referenced by any entry"
            for r in self._rows("SELECT sha256 FROM blobs WHERE sha256 NOT IN (SELECT blob FROM entries)")
        ]
        for sha, size, data in self._rows("SELECT sha256, size, data FROM blobs"):
            if hashlib.sha256(data).hexdigest() != sha or len(data) != size:
                problems.append(f"blob {sha}: stored bytes do not match their hash")
        return problems


class ReadMessage(NamedTuple):
    """A message read for the journal: its bytes, what the journal indexes, and their SHA-256."""

    data: bytes
    records: list[Record]
    sha256: str


def read_message(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> ReadMessage:
    """Read, parse and describe a message for :meth:`Archive.add_read`, without the journal: the
    costly half of an add, which may run in another process. Raises as :meth:`Archive.add`."""
    data, _ = read_source(source, max_bytes=max_bytes)
    found = records(data, max_bytes=max_bytes)
    return ReadMessage(data, found, hashlib.sha256(data).hexdigest())


def _direction(value: Direction | str) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ValueError(
            f"Retningen skal være 'sent' eller 'received', ikke {value!r}. / "
            f"The direction must be 'sent' or 'received', not {value!r}."
        ) from None
