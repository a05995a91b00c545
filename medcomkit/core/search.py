"""Substring tests on raw message bytes, quick where the needle's first byte is rare."""

from __future__ import annotations

__all__ = ["contains"]


def contains(data: bytes, needle: bytes) -> bool:
    """``needle in data``, faster where the needle's first byte is rare in ``data``.

    A one-byte search runs at memchr speed, while ``in`` compares a longer needle along the
    whole input; the checks look for markers such as ``&#`` or ``!DOCTYPE`` whose first byte
    seldom occurs.
    """
    first = needle[:1]
    at = data.find(first)
    while at != -1:
        if data.startswith(needle, at):
            return True
        at = data.find(first, at + 1)
    return False
