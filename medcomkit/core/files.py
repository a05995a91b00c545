"""Writing files safely: one way to name a file after a value from a message, one way to write it.

A received message must never choose where medcomkit writes. So every writer goes through two
functions. :func:`safe_name` turns any value taken from a message (a letter id, an attachment
title, an extension code) into one file-name component: an allow-list of characters, no folder
separators, no leading dot, no name Windows reserves (``CON``, ``NUL``, ``COM1`` …), a bounded
length, never empty; and when anything had to be replaced or cut, a short hash of the original is
added, so two different values never end up with the same name by accident.
:func:`write_inside` then writes a file strictly inside a chosen folder: the resolved path must lie
within the resolved folder (symbolic links included), otherwise it refuses with ``file.outside-folder``.

Every file is written atomically: the bytes go to a temporary file in the target folder, are
flushed with ``fsync``, and the file then gets its final name in one rename. A reader sees a
whole file or none, and a failed write (a full disk) leaves nothing behind. :class:`FileBatch`
extends that to a set of files: when one fails, the ones already written in the batch are removed
again, so a retry starts from the same folder as the first attempt.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import unicodedata
from pathlib import Path
from types import TracebackType
from typing import Final

from .errors import UnsafePathError
from .lang import MAX_QUOTED, Bilingual, shorten

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_QUOTED",
    "NO_LINKS",
    "FileBatch",
    "clip",
    "resolve_inside",
    "safe_name",
    "sync_directory",
    "temporary_parts",
    "this_host",
    "write_atomic",
    "write_inside",
]

MAX_NAME_LENGTH: Final = 80  # characters taken from a value; our own suffixes come on top

# Letters and digits (Danish letters included, since titles are Danish), and a few harmless marks.
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9æøåÆØÅ._()+\- ]+")
# Names Windows reserves whatever their extension (CON.txt is the console, not a file).
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in "0123456789¹²³"}
)
_HOST: Final = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.[0-9a-f]{8}\.tmp")
# Errors from os.link on file systems without hard links (FAT, some network shares).
NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS, errno.EINVAL}


def clip(value: object, limit: int = MAX_QUOTED) -> str:
    """``value`` as text of at most about ``limit`` characters, saying how much was left out."""
    return shorten(str(value), limit)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def safe_name(
    value: str, *, fallback: str = "fil", suffix: str = "", max_length: int = MAX_NAME_LENGTH
) -> str:
    """One file-name component made from ``value``, followed by our own ``suffix`` (e.g. ``.xml``).

    The result has only letters, digits, space and ``._()+-``; it does not start with a dot or a
    space nor end with one, is no reserved Windows device name, holds at most ``max_length``
    characters of ``value``, and is never empty (``fallback`` stands in for an empty value).
    When anything was replaced, removed or cut, ``-`` and 8 hex digits of the original's SHA-256
    are added, so different values keep different names.
    """
    original = value
    normalised = unicodedata.normalize("NFC", value)
    cleaned = _NOT_ALLOWED.sub("_", normalised).strip(" .")
    changed = cleaned != value
    if len(cleaned) > max_length:
        cleaned, changed = cleaned[:max_length].rstrip(" ."), True
    if not cleaned:
        cleaned = fallback
    if cleaned.split(".")[0].rstrip(" ").upper() in _RESERVED:
        cleaned, changed = f"_{cleaned}", True
    if changed and original:
        cleaned = f"{cleaned}-{_digest(original)}"
    return cleaned + suffix


def temporary_parts(name: str) -> tuple[str, int] | None:
    """(host, process id) of the writer of a temporary file, or ``None`` for other names."""
    match = _TEMPORARY.fullmatch(name)
    return (match["host"], int(match["pid"])) if match else None


def this_host() -> str:
    """The host part of temporary names written by this machine."""
    return _HOST


def _temporary_name(final: str) -> str:
    # Shortened, so a long final name still leaves room within the usual 255-byte limit.
    return f".{final[:100]}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def write_atomic(path: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` so that no reader ever sees part of it.

    The bytes go to a temporary file in the same folder, are flushed with ``fsync``, and the file
    is then linked (or renamed) to ``path``, which is atomic on one file system. Without
    ``overwrite`` an existing ``path`` raises ``FileExistsError`` and is left as it was. When
    anything fails the temporary file is removed.
    """
    directory = path.parent
    temporary = directory / _temporary_name(path.name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(temporary, flags, 0o666)
    try:
        try:
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _publish(temporary, path, overwrite=overwrite)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    sync_directory(directory)
    return path


def _publish(temporary: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if path exists: never replaces a file
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in NO_LINKS:
            raise
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.rename(temporary, path)
        return
    temporary.unlink()


def sync_directory(directory: Path) -> None:
    """Make a new name in ``directory`` durable (POSIX; Windows has no directory handles for this)."""
    if os.name == "nt":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a directory; the file itself is synced
    finally:
        os.close(descriptor)


def _outside(folder: Path, name: str) -> UnsafePathError:
    return UnsafePathError(
        "file.outside-folder",
        Bilingual(
            f"Filnavnet '{clip(name)}' peger uden for mappen {folder}; medcomkit skriver kun i den valgte "
            "mappe, så filen er ikke skrevet.",
            f"The file name '{clip(name)}' points outside the folder {folder}; medcomkit writes only in "
            "the chosen folder, so the file was not written.",
        ),
    )


def resolve_inside(folder: Path, name: str) -> Path:
    """The path of ``name`` (a relative path, ``/`` between parts) inside ``folder``, checked.

    Refuses (``file.outside-folder``) an absolute name, a ``..`` part, an empty part, and any
    name whose resolved path (symbolic links followed) is not strictly inside the resolved folder.
    """
    parts = name.split("/")
    if not name or any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
        raise _outside(folder, name)
    if Path(name).is_absolute() or Path(name).drive or ":" in parts[0]:
        raise _outside(folder, name)
    root = folder.resolve()
    target = (root / name).resolve()
    if target == root or not target.is_relative_to(root):
        raise _outside(folder, name)
    return target


def write_inside(folder: Path, name: str, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` as ``name`` strictly inside ``folder``, atomically; return its path.

    ``folder`` (and any subfolder in ``name``) is made when missing. The name is checked with
    :func:`resolve_inside`; name parts that come from a message must first go through
    :func:`safe_name`. Returns the path as ``folder / name`` (unresolved, as the user gave it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = resolve_inside(folder, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data, overwrite=overwrite)
    return folder / name


class FileBatch:
    """Files written into one folder as a unit: when the block fails, what it wrote is removed.

    Use as a context manager. Files that existed before and were replaced cannot be brought
    back, but no half-written file and no file of a failed run is left behind, and folders the
    batch made are removed again when they end up empty.
    """

    def __init__(self, folder: Path, *, overwrite: bool = False) -> None:
        self.folder = folder
        self.overwrite = overwrite
        self.written: list[Path] = []  # new files, removed again if the batch fails
        self.written_or_replaced: list[Path] = []  # every file the batch wrote, in order
        self._made: list[Path] = []

    def __enter__(self) -> FileBatch:
        self._mkdir(self.folder)
        return self

    def _mkdir(self, folder: Path) -> None:
        missing = []
        for candidate in (folder, *folder.parents):
            if candidate.exists():
                break
            missing.append(candidate)
        folder.mkdir(parents=True, exist_ok=True)
        self._made.extend(missing)  # innermost first, the order they are removed in

    def write(self, name: str, data: bytes) -> Path:
        """Write one file of the batch (see :func:`write_inside`)."""
        target = resolve_inside(self.folder, name)
        self._mkdir(target.parent)
        path = self.folder / name
        existed = target.exists()
        write_atomic(target, data, overwrite=self.overwrite)
        if not existed:
            self.written.append(path)
        self.written_or_replaced.append(path)
        return path

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is None:
            return
        for path in reversed(self.written):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in sorted(set(self._made), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
