"""The journal file: its SQLite schema, opening it safely, and the key for the patient index.

A file is accepted only when it carries the journal's SQLite application id and a schema
version this code knows; anything else (not SQLite, another program's database, a newer
journal) is refused with a clear error before anything is written to it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import ArchiveError
from ..core.lang import Bilingual
from .codes import (
    BUSY,
    CORRUPT,
    DATABASE_ERROR,
    FOREIGN,
    IS_DIRECTORY,
    KEY_MISMATCH,
    KEY_REQUIRED,
    MISSING,
    UNOPENABLE,
    VERSION,
)

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "ArchiveError",
    "database_errors",
    "open_journal",
    "transaction",
]

APPLICATION_ID = 0x4D434A31  # "MCJ1": marks the SQLite file as a medcomkit journal
SCHEMA_VERSION = 2  # 2: the arrival 'conflict' (same ids, other bytes)
_KEY_CHECK = b"medcomkit journal: patient key check"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL) STRICT;
-- The bytes exactly as sent or received, stored once however many letters or adds refer to them.
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL) STRICT;
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    added TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    kind TEXT NOT NULL,
    blob TEXT NOT NULL REFERENCES blobs (sha256),
    part INTEGER NOT NULL,
    parsed INTEGER NOT NULL,
    fhir INTEGER NOT NULL,
    arrival TEXT NOT NULL CHECK (arrival IN ('new', 'resubmission', 'error', 'conflict')),
    first_entry INTEGER REFERENCES entries (id),
    envelope_id TEXT,
    message_id TEXT,
    sent TEXT,
    wants_receipt INTEGER NOT NULL,
    sender_ean TEXT,
    receiver_ean TEXT,
    counterpart_ean TEXT,
    sender_name TEXT,
    receiver_name TEXT,
    thread_id TEXT,
    activity TEXT,
    previous_id TEXT,
    previous_ean TEXT,
    topic TEXT,
    patient TEXT,
    attachments INTEGER NOT NULL,
    receipt_kind TEXT,
    original_envelope_id TEXT,
    note TEXT,
    -- How many rows the entry owns in the tables below, so a check can prove none is missing.
    patient_keys INTEGER NOT NULL,
    receipt_letters INTEGER NOT NULL,
    attachment_keys INTEGER NOT NULL,
    UNIQUE (blob, part, direction)
) STRICT;
CREATE INDEX entries_message ON entries (message_id);
CREATE INDEX entries_envelope ON entries (envelope_id);
CREATE INDEX entries_thread ON entries (thread_id);
CREATE INDEX entries_counterpart ON entries (counterpart_ean);
CREATE TABLE receipt_letters (
    entry INTEGER NOT NULL REFERENCES entries (id),
    letter_id TEXT NOT NULL,
    PRIMARY KEY (letter_id, entry)
) STRICT, WITHOUT ROWID;
CREATE INDEX receipt_letters_entry ON receipt_letters (entry);
CREATE INDEX entries_original_envelope ON entries (original_envelope_id);
-- Keyed hashes (HMAC-SHA256) of normalised CPR numbers; never the number itself.
CREATE TABLE patient_index (
    patient_key TEXT NOT NULL,
    entry INTEGER NOT NULL REFERENCES entries (id),
    PRIMARY KEY (patient_key, entry)
) STRICT, WITHOUT ROWID;
CREATE INDEX patient_index_entry ON patient_index (entry);
CREATE TABLE attachment_keys (
    attachment_key TEXT NOT NULL,
    entry INTEGER NOT NULL REFERENCES entries (id),
    PRIMARY KEY (attachment_key, entry)
) STRICT, WITHOUT ROWID;
CREATE INDEX attachment_keys_entry ON attachment_keys (entry);
"""


_OPEN_PATIENCE = 30.0  # seconds, as the busy timeout of each statement


def _error(code: str, da: str, en: str) -> ArchiveError:
    return ArchiveError(code, Bilingual(da, en))


@contextmanager
def database_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's exceptions into an :class:`ArchiveError` naming the file."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            raise _error(
                BUSY,
                f"Journalen {path} er optaget af et andet program ({text}). Prøv igen.",
                f"The journal {path} is busy in another program ({text}). Try again.",
            ) from None
        raise _error(
            DATABASE_ERROR,
            f"Journalen {path} kan ikke læses eller skrives: {text}.",
            f"The journal {path} cannot be read or written: {text}.",
        ) from None
    except sqlite3.DatabaseError as error:
        raise _error(
            CORRUPT,
            f"Journalen {path} er beskadiget eller ikke en SQLite-database: {error}.",
            f"The journal {path} is damaged or not an SQLite database: {error}.",
        ) from None


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken with the write lock at once so checks and writes agree."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def open_journal(path: Path, *, create: bool, key: bytes | None) -> tuple[sqlite3.Connection, bytes]:
    """Open (and with ``create``, make) the journal at ``path``; return it and the patient key."""
    if path.is_dir():
        raise _error(
            IS_DIRECTORY,
            f"{path} er en mappe, ikke en journalfil.",
            f"{path} is a folder, not a journal.",
        )
    if not path.exists() and not create:
        raise _error(
            MISSING,
            f"Journalen {path} findes ikke. Den oprettes, når den første meddelelse tilføjes.",
            f"The journal {path} does not exist. It is created when the first message is added.",
        )
    try:
        return _open_waiting(path, create=create, key=key)
    except ArchiveError as error:
        if create or error.code not in (DATABASE_ERROR, UNOPENABLE):
            raise
        # Read-only media: a WAL journal needs its -shm file, which a read-only folder cannot hold.
        # Nothing can write there, so the file is opened as immutable, for reading only.
        return _open(path, create=False, key=key, read_only=True)


def _open_waiting(path: Path, *, create: bool, key: bytes | None) -> tuple[sqlite3.Connection, bytes]:
    """Open for writing, waiting out another process that is creating the journal or switching it
    to WAL: SQLite answers "locked" at once there instead of calling its busy handler."""
    deadline = time.monotonic() + _OPEN_PATIENCE
    pause = 0.02
    while True:
        try:
            return _open(path, create=create, key=key, read_only=False)
        except ArchiveError as error:
            if error.code != BUSY or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _open(
    path: Path, *, create: bool, key: bytes | None, read_only: bool
) -> tuple[sqlite3.Connection, bytes]:
    try:
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
        else:
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as error:
        raise _error(
            UNOPENABLE,
            f"Journalen {path} kan ikke åbnes: {error}.",
            f"The journal {path} cannot be opened: {error}.",
        ) from None
    try:
        with database_errors(path):
            patient_key = _prepare(connection, path, create=create, key=key, read_only=read_only)
    except BaseException:
        connection.close()
        raise
    return connection, patient_key


def _prepare(
    connection: sqlite3.Connection, path: Path, *, create: bool, key: bytes | None, read_only: bool = False
) -> bytes:
    application_id, tables = _identity(connection)
    if application_id != APPLICATION_ID:
        if application_id != 0 or tables or not create:
            raise _error(
                FOREIGN,
                f"{path} er en SQLite-database, men ikke en medcomkit-journal; den røres ikke.",
                f"{path} is an SQLite database but not a medcomkit journal; it is left untouched.",
            )
        connection.execute("PRAGMA journal_mode = WAL")
        with transaction(connection):
            # Another process may have made the journal while this one waited for the lock.
            if _identity(connection)[0] != APPLICATION_ID:
                _initialise(connection, key)
    if read_only:
        connection.execute("PRAGMA query_only = ON")
    else:
        connection.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk before add() returns, so a power cut cannot lose a returned add.
        connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    try:
        version = connection.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError:
        raise _error(
            CORRUPT,
            f"Journalen {path} mangler sine tabeller og er beskadiget.",
            f"The journal {path} lacks its tables and is damaged.",
        ) from None
    if version == 1 and SCHEMA_VERSION == 2 and not read_only:
        _upgrade_from_1(connection)
        version = 2
    if version is None or version > SCHEMA_VERSION:
        raise _error(
            VERSION,
            f"Journalen {path} har skemaversion {version}; denne medcomkit kender version {SCHEMA_VERSION}. "
            "Brug en nyere medcomkit.",
            f"The journal {path} has schema version {version}; this medcomkit knows version "
            f"{SCHEMA_VERSION}. Use a newer medcomkit.",
        )
    return _patient_key(meta, key, path)


def _upgrade_from_1(connection: sqlite3.Connection) -> None:
    """Version 1 allowed no 'conflict' arrival. SQLite cannot change a CHECK constraint in place,
    so the entries table is rebuilt in one transaction (SQLite's documented procedure)."""
    create = next(
        statement for statement in _statements() if statement.lstrip().startswith("CREATE TABLE entries ")
    )
    indexes = [statement for statement in _statements() if " ON entries " in statement]
    connection.execute("PRAGMA foreign_keys = OFF")
    with transaction(connection):
        if connection.execute("SELECT max(version) FROM schema_version").fetchone()[0] != 1:
            return  # another process upgraded it while this one waited
        connection.execute(create.replace("CREATE TABLE entries ", "CREATE TABLE entries_new ", 1))
        connection.execute("INSERT INTO entries_new SELECT * FROM entries")
        connection.execute("DROP TABLE entries")
        connection.execute("ALTER TABLE entries_new RENAME TO entries")
        for statement in indexes:
            connection.execute(statement)
        if connection.execute("PRAGMA foreign_key_check").fetchall():
            raise sqlite3.DatabaseError("foreign keys broken while upgrading the journal")
        connection.execute(
            "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
            (2, datetime.now(UTC).isoformat(timespec="seconds")),
        )


def _statements() -> list[str]:
    code = "\n".join(line.partition("--")[0] for line in _SCHEMA.splitlines())
    return [statement for statement in code.split(";") if statement.strip()]


def _identity(connection: sqlite3.Connection) -> tuple[int, int]:
    # One statement, so one snapshot: read apart, another process could finish making the journal
    # in between, and its tables without its id would look like a foreign database.
    application_id, tables = connection.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()), (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    return int(application_id), int(tables)


def _initialise(connection: sqlite3.Connection, key: bytes | None) -> None:
    # executescript() would commit the open transaction, so the statements run one by one.
    for statement in _statements():
        connection.execute(statement)
    stored = key if key is not None else secrets.token_bytes(32)
    meta = {"created": datetime.now(UTC).isoformat(timespec="seconds"), "key-check": key_check(stored)}
    if key is None:
        meta["patient-key"] = stored.hex()  # kept in the file; see the package docstring
    connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    connection.execute(
        "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
        (SCHEMA_VERSION, meta["created"]),
    )
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def key_check(key: bytes) -> str:
    """A value that shows whether a key is the journal's, without revealing the key."""
    return hmac.new(key, _KEY_CHECK, hashlib.sha256).hexdigest()


def _patient_key(meta: dict[str, str], key: bytes | None, path: Path) -> bytes:
    stored = bytes.fromhex(meta["patient-key"]) if "patient-key" in meta else None
    chosen = key if key is not None else stored
    if chosen is None:
        raise _error(
            KEY_REQUIRED,
            f"Journalen {path} bruger en nøgle til patientindekset, som ikke ligger i filen. Angiv nøglen.",
            f"The journal {path} uses a patient-index key that is not kept in the file. Supply the key.",
        )
    if not hmac.compare_digest(key_check(chosen), meta.get("key-check", "")):
        raise _error(
            KEY_MISMATCH,
            f"Nøglen passer ikke til journalen {path}.",
            f"The key does not match the journal {path}.",
        )
    return chosen
