"""Windows-1252 documents read by libxml2 in an encoding it decodes itself.

Most Danish OIOXML is windows-1252 or ISO-8859-1. libxml2 decodes ISO-8859-1 and UTF-8 natively
but windows-1252 through iconv, which costs more than the rest of the parse. The two character
sets differ only in the bytes 0x80–0x9F, so a windows-1252 document without such bytes is read as
ISO-8859-1 (the same bytes, no copy); one with them is decoded here and read as UTF-8. The tree,
its lines and libxml2's messages are the same; bytes Python's codec cannot decode are left for
libxml2 to judge, as before.
"""

from __future__ import annotations

import re

__all__ = ["declares_1252", "native_encoding"]

_DECLARED_1252 = re.compile(
    rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"'](?:windows-1252|cp1252)[\"']", re.IGNORECASE
)
_C1 = bytes(range(0x80, 0xA0))
# Above this size a decoded copy costs more memory than the faster decoding is worth.
_MAX_COPY = 4 * 1024 * 1024


def declares_1252(data: bytes) -> bool:
    """Whether the XML declaration names windows-1252 (decided by the declaration alone)."""
    return data.find(b"1252", 0, 200) >= 0 and _DECLARED_1252.match(data) is not None


def native_encoding(data: bytes, *, declared_1252: bool | None = None) -> tuple[bytes, str | None]:
    """The bytes to hand libxml2 and the encoding to read them in (``None``: as declared).

    ``declared_1252``: what :func:`declares_1252` says of ``data``, when the caller knows it.
    """
    if not (declares_1252(data) if declared_1252 is None else declared_1252):
        return data, None
    # (One pass of bytes.translate in C is many times quicker than a regular expression.)
    if data.isascii() or len(data.translate(None, _C1)) == len(data):
        return data, "iso-8859-1"
    if len(data) > _MAX_COPY:
        return data, None
    try:
        return data.decode("cp1252").encode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data, None
