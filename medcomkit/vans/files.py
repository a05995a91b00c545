"""Wrapping and unwrapping files: what ``medcomkit vans wrap|unwrap`` does."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.files import resolve_inside, safe_name, write_inside
from ..core.source import read_source
from ..core.xml import MAX_DOCUMENT_BYTES
from .envelope import unwrap, wrap
from .payload import describe_payload

__all__ = ["unwrap_file", "wrap_file"]

_EXTENSION = {"xml": ".xml", "json": ".json", "edifact": ".edi", "binary": ".bin"}


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".xml", ".json", ".edi"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    # A received file's name may come from the sender (a mailbox names files after envelope ids).
    return safe_name(name.removesuffix(".vans"), fallback="message")


def wrap_file(source: str | os.PathLike[str], directory: str | os.PathLike[str], **options: Any) -> Path:
    """Wrap the message in ``source`` and write ``<name>.vans.xml`` into ``directory``.

    ``options`` are those of :func:`~medcomkit.vans.wrap`. The file is written atomically.
    """
    envelope = wrap(source, **options)
    return _write(Path(directory), f"{_stem(Path(source))}.vans.xml", envelope, Path(source))


def unwrap_file(
    source: str | os.PathLike[str],
    directory: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Path:
    """Unwrap the envelope in ``source`` into ``directory``, named after it with the payload's extension."""
    data, _ = read_source(source, max_bytes=max_bytes)
    payload = unwrap(data, max_bytes=max_bytes)
    extension = _EXTENSION[describe_payload(payload).syntax]
    return _write(Path(directory), f"{_stem(Path(source))}{extension}", payload, Path(source))


def _write(directory: Path, name: str, data: bytes, source: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if resolve_inside(directory, name) == source.resolve():  # never write over the input
        name = f"{Path(name).stem}.payload{Path(name).suffix}"
    return write_inside(directory, name, data, overwrite=True)
