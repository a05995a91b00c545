"""Validating a large XBIN01 without holding its attachments several times over.

An attachment's base64 text is most of an XBIN01, and parsing it would put it in memory again in
libxml2's tree, as a Python string and as bytes to examine. The schema only requires the element
to be there (``xs:string``), and the rules need three facts about the text: valid base64, decoded
size, first bytes. So, before parsing, each attachment's text is examined in place in the input
bytes and replaced by a short marker that keeps every line break and the last line, so lines and
columns of everything else stay as they were; the checks take the facts from the marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .base64text import Base64Facts, base64_span_facts

__all__ = ["ELIDE_ABOVE", "Elided", "elide_payloads"]

ELIDE_ABOVE = 1024 * 1024  # smaller messages are parsed as they are
_SMALL = 64 * 1024  # attachment texts shorter than this are parsed as they are
_OPEN = b"<Object_Base64Encoded>"
_CLOSE = b"</Object_Base64Encoded>"


class Elided(NamedTuple):
    data: bytes  # the message with every attachment text replaced by its marker
    facts: Mapping[str, Base64Facts]  # marker text -> the facts of the text it replaced


def elide_payloads(data: bytes) -> Elided | None:
    """The message with its attachment texts set aside, or ``None`` when it is better parsed whole
    (small, or an attachment text that is not plain valid base64 over several lines)."""
    if len(data) <= ELIDE_ABOVE:
        return None
    parts: list[bytes] = []
    facts: dict[str, Base64Facts] = {}
    done = 0
    opened = data.find(_OPEN)
    while opened >= 0:
        start = opened + len(_OPEN)
        end = data.find(_CLOSE, start)
        if end < 0:
            return None
        if end - start < _SMALL:  # not worth setting aside
            opened = data.find(_OPEN, end)
            continue
        first_break, last_break = data.find(b"\n", start, end), data.rfind(b"\n", start, end)
        # libxml2 counts a lone carriage return as a line break: only CR LF keeps the count simple.
        lone_returns = data.count(b"\r", start, end) != data.count(b"\r\n", start, end)
        found = base64_span_facts(data, start, end) if first_break >= 0 and not lone_returns else None
        if found is None:
            return None
        marker = f"medcomkitAttachment{len(facts):09d}"  # base64 letters, like what it replaces
        kept = b"\n" * data.count(b"\n", first_break, last_break) + data[last_break:end]
        parts += [data[done:start], marker.encode("ascii"), kept]
        facts[marker + kept.decode("ascii")] = found
        done = end
        opened = data.find(_OPEN, end)
    if not facts:
        return None
    parts.append(data[done:])
    return Elided(b"".join(parts), facts)
