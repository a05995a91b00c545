"""Reading input: bytes as they are, or a file by path, never more than the size bound."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import SourceError
from .lang import Bilingual
from .xml import MAX_DOCUMENT_BYTES, TOO_LARGE

__all__ = ["Source", "read_source", "unreadable"]

Source = bytes | bytearray | memoryview | str | os.PathLike[str]


def read_source(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[bytes, str | None]:
    """The bytes of ``source`` and its path (``None`` for bytes).

    A ``str`` is always a path, never XML text. Raises :class:`SourceError` with code
    ``xml.too-large`` when the input exceeds ``max_bytes`` (checked before reading a file), or
    ``source.unreadable`` when a path cannot be read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=len(data), limit=max_bytes))
        return data, None
    path = Path(source)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(str(path))
        if size > max_bytes:
            raise SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=size, limit=max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except SourceError:
        raise
    except OSError as error:
        raise unreadable(path, error) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=len(data), limit=max_bytes))
    return data, str(path)


def unreadable(path: Path, error: OSError) -> SourceError:
    """The ``source.unreadable`` error for a path the operating system would not let us read."""
    reason = error.strerror or type(error).__name__
    return SourceError(
        "source.unreadable",
        Bilingual(f"Kan ikke læse {path}: {reason}.", f"Cannot read {path}: {reason}."),
    )
