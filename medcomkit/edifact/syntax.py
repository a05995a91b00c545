"""UN/EDIFACT syntax 3 as MedCom uses it: segments in, segments out.

Reading never raises: every problem becomes an :class:`~medcomkit.core.report.Issue` located by
segment number, tag, line and column, and the segments that could be read are kept. It is one
pass over the text with a compiled search for the next separator, so time grows linearly with
the input however it is built. A BIN01 ``UNO`` segment is followed by the raw bytes of the
attachment (their length is in the segment), which are taken as they are.

UNOC is ISO-8859-1: the bytes are decoded as Latin-1, where every byte is a character, and the
character checks report what is not a printable Latin-1 character.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..core.report import Issue
from . import rules as r

__all__ = ["Segment", "Separators", "Syntax", "encode_value", "read_segments", "write_segments"]


@dataclass(frozen=True, slots=True)
class Separators:
    """The service characters; the UNA segment may change them."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    terminator: str = "'"

    def una(self) -> str:
        return f"UNA{self.component}{self.element}{self.decimal}{self.release} {self.terminator}"


DEFAULT = Separators()


@dataclass(slots=True)
class Segment:
    """One segment: its tag, its elements (each a list of components), where it starts, and its
    number in the interchange (UNB is 1; the UNA service string is not counted)."""

    tag: str
    elements: list[list[str]]
    number: int = 0
    offset: int = 0
    binary: bytes | None = None  # the object after a BIN01 UNO segment

    def get(self, element: int, component: int = 1) -> str:
        """Component ``component`` of element ``element`` (both 1-based, tag not counted); ``''``
        when absent."""
        try:
            return self.elements[element - 1][component - 1]
        except IndexError:
            return ""

    @property
    def qualifier(self) -> str:
        elements = self.elements
        return elements[0][0] if elements else ""


@dataclass
class Syntax:
    """The outcome of reading: separators, segments, issues, and a way to locate offsets."""

    text: str
    separators: Separators
    segments: list[Segment]
    issues: list[Issue] = field(default_factory=list)
    una: bool = False
    _lines: list[int] | None = None

    def line_column(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [m.end() for m in re.finditer("\n", self.text)]
        line = bisect_right(self._lines, offset)
        start = self._lines[line - 1] if line else 0
        return line + 1, offset - start + 1

    def where(self, segment: Segment | None) -> tuple[str | None, int | None]:
        """The location text and line of ``segment`` for an issue."""
        if segment is None:
            return None, None
        line, column = self.line_column(segment.offset)
        return f"segment {segment.number} {segment.tag} (kolonne/column {column})", line

    def at(self, offset: int, label: str) -> tuple[str, int]:
        line, column = self.line_column(offset)
        return f"{label} (kolonne/column {column})".lstrip(), line


_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_SPACE = re.compile(r"[\r\n]*")
# Printable ISO-8859-1 plus CR/LF (allowed between segments); the rest is outside UNOC.
_OUTSIDE_UNOC = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UTF8_PAIR = re.compile(b"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
MAX_ISSUES = 100


def read_segments(data: bytes) -> Syntax:
    """Split an interchange into segments, honouring UNA and the release character."""
    text = data.decode("latin-1")
    separators = DEFAULT
    position = 0
    issues: list[Issue] = []
    una = text.startswith("UNA")
    if una:
        if len(text) < 9:
            result = Syntax(text, separators, [], issues, una)
            issues.append(r.UNA.issue(*result.at(0, "UNA"), found=text[:9]))
            return result
        candidate = Separators(text[3], text[4], text[5], text[6], text[8])
        if len(set(candidate.una()[3:])) != 6:
            result = Syntax(text, separators, [], issues, una)
            issues.append(r.UNA.issue(*result.at(0, "UNA"), found=text[:9]))
        else:
            separators = candidate
        position = 9
    syntax = Syntax(text, separators, [], issues, una)
    _split(syntax, position)
    _characters(syntax, data)
    return syntax


def _split(syntax: Syntax, position: int) -> None:
    text, sep = syntax.text, syntax.separators
    if f"UNO{sep.element}" in text:
        _split_carefully(syntax, position)
    else:
        _split_plainly(syntax, position)


_PLACEHOLDER_BASE = 0xE000  # private-use characters: never in Latin-1 text


def _split_plainly(syntax: Syntax, position: int) -> None:
    """The common case, no attachment: splitting in C, one pass. Released service characters are
    first swapped for private-use placeholders (Latin-1 text has none), and swapped back in the
    few segments that had them."""
    sep = syntax.separators
    text = syntax.text[position:]  # after UNA, whose own characters are not released
    releases: list[int] = []  # where a release pair became one placeholder (in the new text)
    if sep.release in text:
        service = {c: chr(_PLACEHOLDER_BASE + i) for i, c in enumerate(_service(sep))}

        def collapse(match: re.Match[str]) -> str:
            releases.append(match.start() - len(releases))
            return service.get(match.group(1), match.group(1))

        text = re.sub(re.escape(sep.release) + "(.)", collapse, text, flags=re.DOTALL)
    restore = {_PLACEHOLDER_BASE + i: c for i, c in enumerate(_service(sep))}
    element_sep, component_sep = sep.element, sep.component
    segments = syntax.segments
    start_of_body = position
    position = 0
    pieces = text.split(sep.terminator)
    last = pieces.pop()
    number = 0
    shifted = 0  # releases before the current position: the offset in the original text grows by one each
    for raw in pieces:
        offset = position
        if raw[:1] in ("\r", "\n"):
            stripped = raw.lstrip("\r\n")
            offset += len(raw) - len(stripped)
            raw = stripped
        position = offset + len(raw) + 1
        number += 1
        elements = [element.split(component_sep) for element in raw.split(element_sep)]
        released = 0
        while shifted + released < len(releases) and releases[shifted + released] < position:
            released += 1
        if released:
            elements = [[value.translate(restore) for value in element] for element in elements]
        head = elements[0]
        segment = Segment(head[0], elements[1:], number, start_of_body + offset + shifted)
        shifted += released
        if len(head) > 1 or not _TAG.fullmatch(head[0]):
            syntax.issues.append(r.TAG.issue(*syntax.where(segment), tag=head[0][:20]))
        segments.append(segment)
    rest = last.lstrip("\r\n")
    if rest:
        start = len(syntax.text) - len(rest)
        location, line = syntax.at(start, f"segment {number + 1} {rest[:3]}")
        syntax.issues.append(r.UNTERMINATED.issue(location, line, tag=rest[:3]))


def _service(sep: Separators) -> tuple[str, ...]:
    return (sep.release, sep.terminator, sep.element, sep.component)


def _split_carefully(syntax: Syntax, position: int) -> None:
    """Segment by segment, honouring release characters and the raw bytes after UNO."""
    text, sep = syntax.text, syntax.separators
    release, terminator, element_sep, component_sep = sep.release, sep.terminator, sep.element, sep.component
    length = len(text)
    number = 0
    while True:
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]  # always matches
        if position >= length:
            return
        start = position
        end = text.find(terminator, position)
        while end != -1 and _released(text, end, release, start):
            end = text.find(terminator, end + 1)
        number += 1
        if end == -1:
            tag = text[start : start + 3]
            location, line = syntax.at(start, f"segment {number} {tag}")
            syntax.issues.append(r.UNTERMINATED.issue(location, line, tag=tag))
            return
        raw = text[start:end]
        if release in raw:
            elements = _split_released(raw, sep)
        else:  # the common case: plain splits in C
            elements = [element.split(component_sep) for element in raw.split(element_sep)]
        tag = elements[0][0]
        segment = Segment(tag, elements[1:], number, start)
        if not _TAG.fullmatch(tag) or len(elements[0]) > 1:
            syntax.issues.append(r.TAG.issue(*syntax.where(segment), tag=tag[:20]))
        syntax.segments.append(segment)
        position = end + 1
        if tag == "UNO":
            position = _binary(syntax, segment, position)


def _released(text: str, at: int, release: str, start: int) -> bool:
    """True when the character at ``at`` is released: preceded by an odd number of release
    characters (``??'`` ends a segment, ``?'`` does not)."""
    count = 0
    while at - count - 1 >= start and text[at - count - 1] == release:
        count += 1
    return count % 2 == 1


def _split_released(raw: str, sep: Separators) -> list[list[str]]:
    """Elements and components of one segment's text that contains release characters."""
    elements: list[list[str]] = [[""]]
    pieces: list[str] = []
    index = 0
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == sep.release and index + 1 < length:
            pieces.append(raw[index + 1])
            index += 2
            continue
        if char == sep.element:
            elements[-1][-1] = "".join(pieces)
            elements.append([""])
            pieces = []
        elif char == sep.component:
            elements[-1][-1] = "".join(pieces)
            elements[-1].append("")
            pieces = []
        elif char != sep.release:  # a release character at the very end releases nothing
            pieces.append(char)
        index += 1
    elements[-1][-1] = "".join(pieces)
    return elements


def _binary(syntax: Syntax, segment: Segment, position: int) -> int:
    """Take the raw object that follows a UNO segment; returns where the next segment starts."""
    size_text = segment.get(4)
    if not size_text.isdigit() or len(size_text) > 12:
        syntax.issues.append(r.BINARY_SIZE.issue(*syntax.where(segment), value=size_text[:20]))
        return position
    size = int(size_text)
    end = position + size
    if end > len(syntax.text):
        syntax.issues.append(r.BINARY_SIZE.issue(*syntax.where(segment), value=size_text))
        end = len(syntax.text)
    segment.binary = syntax.text[position:end].encode("latin-1")
    return end


def _characters(syntax: Syntax, data: bytes) -> None:
    """Characters outside UNOC, and UTF-8 bytes where Latin-1 is declared (outside binaries)."""
    spans = _text_spans(syntax)
    reported = 0
    for start, end in spans:
        for match in _OUTSIDE_UNOC.finditer(syntax.text, start, end):
            segment = _segment_at(syntax, match.start())
            location, line = syntax.at(
                match.start(), f"segment {segment.number} {segment.tag}" if segment else ""
            )
            syntax.issues.append(r.CHARACTER.issue(location, line, code=ord(match.group())))
            reported += 1
            if reported >= 10:
                return
    _utf8(syntax, data, spans)


def _utf8(syntax: Syntax, data: bytes, spans: list[tuple[int, int]]) -> None:
    """Warn when the text (not the attachments) is UTF-8 with multi-byte characters: UNOC is
    ISO-8859-1, so the receiver shows two characters for each letter such as 'ø'. Latin-1 text
    is seldom valid UTF-8, so a whole text that is points to the wrong encoding."""
    if data.isascii():
        return
    try:
        for start, end in spans:
            data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return  # Latin-1, as declared (the usual case, found in C)
    pair = next((m for start, end in spans if (m := _UTF8_PAIR.search(data, start, end))), None)
    if pair is None:
        return
    segment = _segment_at(syntax, pair.start())
    location, line = syntax.at(pair.start(), f"segment {segment.number} {segment.tag}" if segment else "")
    sample = data[pair.start() : pair.end()]
    syntax.issues.append(
        r.UTF8.issue(location, line, found=sample.decode("latin-1"), meant=sample.decode("utf-8", "replace"))
    )


def _text_spans(syntax: Syntax) -> list[tuple[int, int]]:
    """The parts of the text that are EDIFACT characters (not the raw objects after UNO)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for segment in syntax.segments:
        if segment.binary is not None:
            end_of_segment = syntax.text.find(syntax.separators.terminator, segment.offset)
            spans.append((start, end_of_segment + 1))
            start = end_of_segment + 1 + len(segment.binary)
    spans.append((start, len(syntax.text)))
    return spans


def _segment_at(syntax: Syntax, offset: int) -> Segment | None:
    offsets = [s.offset for s in syntax.segments]
    index = bisect_right(offsets, offset) - 1
    return syntax.segments[index] if index >= 0 else None


def encode_value(value: str, separators: Separators = DEFAULT) -> str:
    """A value with every service character released (``?`` before it)."""
    special = (separators.release, separators.terminator, separators.element, separators.component)
    if not any(char in value for char in special):
        return value
    return "".join(separators.release + char if char in special else char for char in value)


def write_segments(segments: list[Segment], separators: Separators = DEFAULT, *, una: bool = True) -> bytes:
    """The interchange as ISO-8859-1 bytes, one segment after the other (no line breaks), with
    UNT and UNZ counts taken as given."""
    out: list[bytes] = [separators.una().encode("latin-1")] if una else []
    for segment in segments:
        elements = [segment.tag]
        for element in segment.elements:
            components = [encode_value(c, separators) for c in element]
            while len(components) > 1 and not components[-1]:
                components.pop()
            elements.append(separators.component.join(components))
        while len(elements) > 1 and not elements[-1]:
            elements.pop()
        out.append((separators.element.join(elements) + separators.terminator).encode("latin-1"))
        if segment.binary is not None:
            out.append(segment.binary)
    return b"".join(out)
