"""What validation needs to know about an attachment's base64 text, without decoding all of it.

Checking an XBIN01 needs three facts: whether the text is valid base64, the decoded size (to
compare with OriginalObjectSize) and the first bytes (to compare the file signature with
ObjectExtensionCode). Counting characters answers the first two; only a short head is decoded.
For a large attachment, decoding everything would cost more than the rest of a validation.

Valid means what :func:`medcomkit.parse` accepts: the text with its whitespace removed decodes
strictly (``base64.b64decode(..., validate=True)``).
"""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

__all__ = ["Base64Facts", "base64_facts", "base64_problem", "base64_span_facts"]

_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The whitespace XML text can hold (other ASCII control characters are not allowed in XML 1.0).
_SPACE = b" \t\n\r"
_HEAD = 16  # base64 characters decoded for the head: 12 bytes, more than any file signature
# The padding the strict decoder wants after a last group of 0-3 characters (-1: none will do;
# after a complete group it takes any number of superfluous "=").
_PADDING = (0, -1, 2, 1)
_REST_BYTES = (0, 0, 1, 2)  # bytes decoded from that last group


class Base64Facts(NamedTuple):
    size: int  # decoded bytes
    head: bytes  # the first decoded bytes (up to 12)


def base64_facts(text: str) -> Base64Facts | None:
    """Size and first bytes of the decoded text, or ``None`` when it is not valid base64."""
    if not text.isascii():  # other whitespace may wrap it: let the strict decoder judge
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
        return Base64Facts(len(data), data[:12])
    raw = text.encode("ascii")
    # One pass in C: what is left after deleting the base64 characters must be whitespace.
    others = raw.translate(None, _ALPHABET + b"=")
    if others.translate(None, _SPACE):
        return None
    characters = len(raw) - len(others)
    end = len(raw.rstrip(_SPACE + b"="))
    if raw.find(b"=", 0, end) >= 0:  # padding only at the end
        return None
    padding = raw.count(b"=", end)
    body = characters - padding
    rest = body % 4  # characters in the last, incomplete group
    if not (padding == _PADDING[rest] or (rest == 0 and body)):
        return None
    head = raw[:64].translate(None, _SPACE)
    if len(head) < min(_HEAD, characters):  # whitespace crowds the start: compact it all
        head = raw.translate(None, _SPACE)
    return Base64Facts(body // 4 * 3 + _REST_BYTES[rest], binascii.a2b_base64(head[:_HEAD]))


def base64_problem(text: str) -> str:
    """What the strict decoder says about invalid base64 (for the message)."""
    try:
        base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        return str(error)
    return "invalid padding or characters"


_CHUNK = 1 << 20  # bytes examined at a time, so a large attachment is never copied whole


def base64_span_facts(data: bytes, start: int, end: int) -> Base64Facts | None:
    """:func:`base64_facts` of ``data[start:end]`` read as ASCII, without copying it whole.

    ``None`` when the span is not valid base64, or holds other than ASCII (which the strict
    decoder would have to judge on the decoded text).
    """
    characters = 0
    for at in range(start, end, _CHUNK):
        chunk = data[at : min(at + _CHUNK, end)]
        if not chunk.isascii():
            return None
        others = chunk.translate(None, _ALPHABET + b"=")
        if others.translate(None, _SPACE):
            return None
        characters += len(chunk) - len(others)
    last = end  # just after the last character that is neither whitespace nor padding
    while last > start:
        tail = data[max(start, last - _CHUNK) : last]
        kept = tail.rstrip(_SPACE + b"=")
        last -= len(tail) - len(kept)
        if kept:
            break
    if data.find(b"=", start, last) >= 0:  # padding only at the end
        return None
    padding = data.count(b"=", last, end)
    body = characters - padding
    rest = body % 4
    if not (padding == _PADDING[rest] or (rest == 0 and body)):
        return None
    head = b""
    at = start
    while len(head) < min(_HEAD, characters) and at < end:
        head += data[at : min(at + 64, end)].translate(None, _SPACE)
        at += 64
    return Base64Facts(body // 4 * 3 + _REST_BYTES[rest], binascii.a2b_base64(head[:_HEAD]))
