"""A file mailbox shaped like the folders VANS file-sync clients use: ``out/``, ``in/`` and ``archive/``.

The sending system puts envelopes in ``out/`` and the VANS client carries them away; the client
puts what arrives in ``in/``; handled messages are kept in ``archive/``. The other side of each
folder is another program that may read at any moment, so every file is written atomically: the
bytes go to a temporary file in the same folder, are flushed to disk, and the file is then given
its final name in one step. A reader therefore sees a whole message or none. Temporary files start
with a dot and end in ``.tmp``, names that readers of ``*.xml`` never pick up; the ones a crashed
writer leaves behind are removed the next time a mailbox is opened on the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

from ..core.errors import BuildError, SourceError
from ..core.files import (
    NO_LINKS,
    resolve_inside,
    safe_name,
    sync_directory,
    temporary_parts,
    this_host,
    write_atomic,
)
from ..core.lang import Bilingual
from ..core.source import read_source
from ..core.xml import MAX_DOCUMENT_BYTES
from .envelope import read_envelope, unwrap
from .model import VansEnvelope

__all__ = ["BOXES", "Box", "MailItem", "Mailbox", "is_message_name", "write_atomic"]

Box = Literal["out", "in", "archive"]
BOXES: Final[tuple[Box, ...]] = get_args(Box)
STALE_AFTER: Final = 3600.0  # seconds after which any temporary file is a leftover, whoever wrote it


def is_message_name(name: str) -> bool:
    """Whether a file name is a message a reader should take (not a temporary or hidden file)."""
    return not name.startswith(".") and name.lower().endswith(".xml")


def _writer_gone(pid: int) -> bool:
    if os.name == "nt" or pid == os.getpid():
        return False  # on Windows os.kill(pid, 0) would send a signal: rely on age there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


@dataclass(frozen=True, slots=True)
class MailItem:
    """A message taken from a mailbox folder: its path and its bytes."""

    path: Path
    data: bytes

    def envelope(self) -> VansEnvelope:
        """The envelope, read and checked.

        Raises :class:`~medcomkit.ParseError` when it is broken — or still being written, if the
        program that put it there does not write atomically: try again later before giving up.
        """
        return read_envelope(self.data, max_bytes=max(len(self.data), 1))

    def payload(self) -> bytes:
        """The message inside the envelope."""
        return unwrap(self.data, max_bytes=max(len(self.data), 1))


class Mailbox:
    """The folders ``out/``, ``in/`` and ``archive/`` under ``root``, created when missing.

    Opening a mailbox removes temporary files that crashed writers left (``clean=False`` leaves
    them; readers ignore them either way); ``removed`` lists what was removed.
    """

    def __init__(
        self, root: str | os.PathLike[str], *, clean: bool = True, stale_after: float = STALE_AFTER
    ) -> None:
        self.root = Path(root)
        for box in BOXES:
            (self.root / box).mkdir(parents=True, exist_ok=True)
        self.removed: tuple[Path, ...] = self.clean(stale_after=stale_after) if clean else ()

    def __repr__(self) -> str:
        return f"Mailbox({str(self.root)!r})"

    def folder(self, box: Box) -> Path:
        if box not in BOXES:
            raise ValueError(f"unknown mailbox folder {box!r}; expected one of {', '.join(BOXES)}")
        return self.root / box

    def post(self, envelope: bytes, *, name: str | None = None, check: bool = True) -> Path:
        """Put an envelope in ``out/`` for the VANS client to send; returns its path.

        The file is named after the envelope id unless ``name`` is given. With ``check`` (needed
        when there is no ``name``) the envelope is read first, so a broken one never leaves.
        """
        return self._put("out", envelope, name, check)

    def deliver(self, envelope: bytes, *, name: str | None = None, check: bool = True) -> Path:
        """Put an envelope in ``in/``, as a VANS client does with what arrives."""
        return self._put("in", envelope, name, check)

    def _put(self, box: Box, envelope: bytes, name: str | None, check: bool) -> Path:
        if check or name is None:
            envelope_id = read_envelope(envelope, max_bytes=max(len(envelope), 1)).envelope_id
            # The id comes from the envelope, so it is made a safe file name, never used as it is.
            name = name or safe_name(envelope_id, fallback="kuvert", suffix=".xml")
        if not is_message_name(name) or Path(name).name != name or "\\" in name:
            raise BuildError(
                "vans.mailbox-name",
                Bilingual(
                    f"'{name}' kan ikke bruges som filnavn i postkassen: brug et navn på formen <id>.xml "
                    "uden mapper og uden punktum først.",
                    f"'{name}' cannot be used as a file name in the mailbox: use a name like <id>.xml, "
                    "without folders and not starting with a dot.",
                ),
            )
        path = self.folder(box) / name
        try:
            write_atomic(resolve_inside(self.folder(box), name), envelope)
            return path
        except FileExistsError:
            raise SourceError(
                "vans.mailbox-exists",
                Bilingual(
                    f"{path} findes allerede; en kuvert sendes kun én gang (et gensend får ny kuvert-id).",
                    f"{path} already exists; an envelope is sent only once (a resend gets a new "
                    "envelope id).",
                ),
            ) from None

    def messages(self, box: Box = "in") -> list[Path]:
        """The whole messages in a folder, oldest first; temporary and hidden files are skipped."""
        found: list[tuple[int, str, Path]] = []
        with os.scandir(self.folder(box)) as entries:
            for entry in entries:
                if not is_message_name(entry.name):
                    continue
                try:
                    if entry.is_file():
                        found.append((entry.stat().st_mtime_ns, entry.name, Path(entry.path)))
                except FileNotFoundError:
                    continue  # taken by another reader meanwhile
        return [path for _, _, path in sorted(found)]

    def take(self, box: Box = "in", *, max_bytes: int = MAX_DOCUMENT_BYTES) -> MailItem | None:
        """The oldest message in a folder, or ``None`` when it is empty.

        The file stays where it is until :meth:`archive` moves it, so a crash while handling it
        loses nothing (handle it again: reliable messaging recognises the duplicate).
        """
        for path in self.messages(box):
            try:
                data, _ = read_source(path, max_bytes=max_bytes)
            except SourceError:
                if not path.exists():
                    continue  # taken by another reader meanwhile
                raise
            return MailItem(path, data)
        return None

    def archive(self, item: MailItem | Path) -> Path:
        """Move a message into ``archive/`` in one step; returns its new path.

        A name already in the archive (the same envelope received twice) gets a suffix ``-2``, ``-3`` ….
        """
        source = item.path if isinstance(item, MailItem) else Path(item)
        stem, suffix = source.stem, source.suffix
        archive = self.folder("archive")
        number = 1
        while True:
            target = archive / (source.name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                _move_no_clobber(source, target)
            except FileExistsError:
                number += 1
                continue
            sync_directory(archive)
            sync_directory(source.parent)
            return target

    def clean(self, *, stale_after: float = STALE_AFTER) -> tuple[Path, ...]:
        """Remove temporary files whose writer has died (on this host) or older than ``stale_after`` s."""
        removed = []
        now = time.time()
        for box in BOXES:
            with os.scandir(self.folder(box)) as entries:
                for entry in entries:
                    writer = temporary_parts(entry.name)
                    if writer is None:
                        continue
                    try:
                        old = now - entry.stat().st_mtime > stale_after
                    except FileNotFoundError:
                        continue
                    gone = writer[0] == this_host() and _writer_gone(writer[1])
                    if gone or old:
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(entry.path)
                            removed.append(Path(entry.path))
        return tuple(removed)


def _move_no_clobber(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in NO_LINKS:
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.rename(source, target)
        return
    source.unlink()
