"""The conversion service's memory: the id correlation of every conversion, kept in a small SQLite
file so that a receipt converted later (an XCTL for a message that went out as OIOXML, an
Acknowledgement for one that went out as FHIR) finds the message it answers.

MedCom's service keeps the same ids (use cases 3.1.0, «Stored ids for ack correlation»): the XDIS91
envelope and letter ids beside the Bundle and MessageHeader ids, the same for the XBIN01, and the
version codes. It also keeps XCTL receipts until both letters of a pair are answered, and which
XDIS91 went on without its XBIN01, so an XBIN01 that comes late is recognised.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..core.errors import SourceError
from ..core.lang import Bilingual
from ..model.messages import Activity, Address, MessageRef, Organisation, OrgIdKind, ThreadEvent
from .changes import Correlation
from .codes import STATE_UNREADABLE

__all__ = ["STATE_FILE", "ConversionState", "StateWriter", "StateWrites"]

STATE_FILE = "medcomkit-convert.sqlite"  # the default, inside the output folder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS correlation (
    fhir_header_id TEXT NOT NULL,
    oioxml_envelope_id TEXT NOT NULL,
    oioxml_letter_id TEXT NOT NULL,
    xbin_envelope_id TEXT,
    xbin_letter_id TEXT,
    data TEXT NOT NULL,
    converted TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS correlation_fhir ON correlation (fhir_header_id);
CREATE INDEX IF NOT EXISTS correlation_oioxml ON correlation (oioxml_envelope_id, oioxml_letter_id);
CREATE INDEX IF NOT EXISTS correlation_xbin ON correlation (xbin_envelope_id, xbin_letter_id);
CREATE TABLE IF NOT EXISTS pending_receipt (
    envelope_id TEXT NOT NULL,
    letter_id TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (envelope_id, letter_id)
);
CREATE TABLE IF NOT EXISTS awaited_object (
    object_key TEXT PRIMARY KEY,
    letter_id TEXT NOT NULL,
    converted TEXT NOT NULL
);
"""


class ConversionState:
    """Correlations, pending XCTL receipts and awaited XBIN01 objects in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as error:
            raise SourceError(
                STATE_UNREADABLE,
                Bilingual(
                    f"Konverteringens tilstandsfil {path} kan ikke bruges: {error}.",
                    f"The conversion state file {path} cannot be used: {error}.",
                ),
            ) from None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        with self._db, closing(self._db.cursor()) as cursor:
            yield cursor

    def remember(self, correlation: Correlation, when: datetime) -> None:
        """Keep a conversion's correlation for the receipts that will answer it."""
        with self._write() as cursor:
            cursor.execute(
                "INSERT INTO correlation VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    correlation.fhir_header_id,
                    correlation.oioxml_envelope_id,
                    correlation.oioxml_letter_id,
                    correlation.xbin_envelope_id,
                    correlation.xbin_letter_id,
                    json.dumps(_correlation_json(correlation), ensure_ascii=False),
                    when.isoformat(),
                ),
            )

    def by_fhir(self, header_id: str) -> Correlation | None:
        """The newest correlation of the FHIR message with this MessageHeader id."""
        row = self._db.execute(
            "SELECT data FROM correlation WHERE fhir_header_id = ? ORDER BY rowid DESC LIMIT 1", (header_id,)
        ).fetchone()
        return _correlation_from(json.loads(row[0])) if row else None

    def by_oioxml(self, envelope_id: str, letter_id: str) -> Correlation | None:
        """The correlation of the OIOXML letter (XDIS91 or XBIN01) with these envelope and letter ids."""
        row = self._db.execute(
            "SELECT data FROM correlation WHERE (oioxml_envelope_id = ? AND oioxml_letter_id = ?) "
            "OR (xbin_envelope_id = ? AND xbin_letter_id = ?) ORDER BY rowid DESC LIMIT 1",
            (envelope_id, letter_id, envelope_id, letter_id),
        ).fetchone()
        return _correlation_from(json.loads(row[0])) if row else None

    def keep_receipt(self, envelope_id: str, letter_id: str, data: bytes) -> None:
        """Keep an XCTL until the receipt for the other letter of its pair comes."""
        with self._write() as cursor:
            cursor.execute(
                "INSERT OR REPLACE INTO pending_receipt VALUES (?, ?, ?)", (envelope_id, letter_id, data)
            )

    def receipts_for(self, letters: list[tuple[str, str]]) -> list[bytes]:
        """The kept XCTL receipts answering any of these (envelope id, letter id) pairs."""
        found = []
        for envelope_id, letter_id in letters:
            row = self._db.execute(
                "SELECT data FROM pending_receipt WHERE envelope_id = ? AND letter_id = ?",
                (envelope_id, letter_id),
            ).fetchone()
            if row:
                found.append(bytes(row[0]))
        return found

    def forget_receipts(self, letters: list[tuple[str, str]]) -> None:
        with self._write() as cursor:
            cursor.executemany("DELETE FROM pending_receipt WHERE envelope_id = ? AND letter_id = ?", letters)

    def await_objects(self, keys: list[str], letter_id: str, when: datetime) -> None:
        """Note attachments an XDIS91 went on without: an XBIN01 bringing them later is late."""
        with self._write() as cursor:
            cursor.executemany(
                "INSERT OR REPLACE INTO awaited_object VALUES (?, ?, ?)",
                [(key, letter_id, when.isoformat()) for key in keys],
            )

    def awaited(self, key: str) -> tuple[str, str] | None:
        """(XDIS91 letter id, when it was converted) of the XDIS91 that went on without this object."""
        row = self._db.execute(
            "SELECT letter_id, converted FROM awaited_object WHERE object_key = ?", (key,)
        ).fetchone()
        return (row[0], row[1]) if row else None


class StateWriter(Protocol):
    """What converting a message writes into the state (and it never reads it)."""

    def remember(self, correlation: Correlation, when: datetime) -> None: ...

    def await_objects(self, keys: list[str], letter_id: str, when: datetime) -> None: ...


class StateWrites:
    """The state writes of one message's conversion, kept to be made later by the one process
    that owns the state file, in input order (a worker process never opens it)."""

    def __init__(self) -> None:
        self.correlations: list[tuple[Correlation, datetime]] = []
        self.awaited: list[tuple[list[str], str, datetime]] = []
        self._order: list[bool] = []  # True: a correlation, False: awaited objects

    def remember(self, correlation: Correlation, when: datetime) -> None:
        self.correlations.append((correlation, when))
        self._order.append(True)

    def await_objects(self, keys: list[str], letter_id: str, when: datetime) -> None:
        self.awaited.append((keys, letter_id, when))
        self._order.append(False)

    def replay(self, state: StateWriter) -> None:
        """Make the kept writes in ``state``, in the order they were made."""
        correlations, awaited = iter(self.correlations), iter(self.awaited)
        for is_correlation in self._order:
            if is_correlation:
                state.remember(*next(correlations))
            else:
                state.await_objects(*next(awaited))


# --- correlations as JSON ------------------------------------------------------------------------


def _correlation_json(correlation: Correlation) -> dict[str, Any]:
    data = asdict(correlation)
    event = correlation.fhir_event
    if event is not None:
        data["fhir_event"] = {
            "message_id": event.message_id,
            "activity": event.activity.value,
            "sender": asdict(event.sender),
            "occurred": event.occurred.isoformat(),
            "previous": asdict(event.previous) if event.previous else None,
            "payload_ids": list(event.payload_ids),
            "recorded": event.recorded.isoformat() if event.recorded else None,
        }
    return data


def _organisation(data: dict[str, Any]) -> Organisation:
    kind = data.get("identifier_kind")
    address = data.get("address")
    return Organisation(
        **{
            **data,
            "identifier_kind": OrgIdKind(kind) if kind else None,
            "address": Address(**address) if address else None,
        }
    )


def _correlation_from(data: dict[str, Any]) -> Correlation:
    event = data.get("fhir_event")
    return Correlation(
        **{
            **data,
            "fhir_sender": _organisation(data["fhir_sender"]),
            "fhir_receiver": _organisation(data["fhir_receiver"]),
            "fhir_event": ThreadEvent(
                message_id=event["message_id"],
                activity=Activity(event["activity"]),
                sender=_organisation(event["sender"]),
                occurred=datetime.fromisoformat(event["occurred"]),
                previous=MessageRef(**event["previous"]) if event["previous"] else None,
                payload_ids=tuple(event["payload_ids"]),
                recorded=datetime.fromisoformat(event["recorded"]) if event["recorded"] else None,
            )
            if event
            else None,
        }
    )
