"""Formatted text in FTX segments, to and from medcomkit markup.

MedCom's EDIFACT carries text as lines of at most 70 characters in FTX element 4 (five lines
per segment). A line ending in a backslash continues on the next line (a soft wrap); a line
``.`` is an empty line; any other line ends with a line break. The FTX format code (element 2)
says font and style for the whole segment: ``P``/``F`` proportional or fixed font, then ``00``
plain, ``0M`` centred, ``0H`` right-aligned, ``F0`` bold, ``K0`` italic, ``U0`` underlined.

Writing follows MedCom's converter so that the segments come out the same: the text is cut into
paragraphs wherever the style changes, centred and right-aligned text stands on lines of its
own, lines are wrapped after the last blank before the 70th character (or hard, with a
backslash, when there is none), and a paragraph's last line is padded with empty lines, all as
that converter does (see :func:`write_text`). One thing is not copied: the converter drops the
text before a ``<Space/>`` on the same line; here it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.markup import FORMATTED, Grammar, Run, from_runs, normalise, to_runs

__all__ = ["FORMAT_STYLES", "FtxBlock", "read_text", "write_text"]

LINE = 70
LINES_PER_FTX = 5

_ALIGN = {"0M": "Center", "0H": "Right", "00": None}
_STYLE = {"F0": "Bold", "K0": "Italic", "U0": "Underline"}
FORMAT_STYLES: dict[str, tuple[str, ...]] = {}
for _font, _outer in (("P", ()), ("F", ("FixedFont",))):
    for _code, _name in (*_ALIGN.items(), *_STYLE.items()):
        FORMAT_STYLES[_font + _code] = (*_outer, _name) if _name else _outer
_FORMAT_CODE = {styles: code for code, styles in FORMAT_STYLES.items()}


def read_text(ftxs: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """Markup for FTX segments given as (format code, lines); also the unknown format codes
    (read as fixed font, as MedCom's converter does)."""
    runs: list[Run] = []
    unknown: list[str] = []
    for code, lines in ftxs:
        styles = FORMAT_STYLES.get(code)
        if styles is None:
            unknown.append(code)
            styles = ("FixedFont",)
        parts: list[str] = []
        for line in lines:
            if line == ".":
                parts.append("\n")
            elif line.endswith("\\"):
                parts.append(line[:-1])
            else:
                parts.append(line + "\n")
        runs.append(Run(styles, "".join(parts)))
    return from_runs(normalise(runs)), unknown


# --- writing --------------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    code: str
    items: list[str | None] = field(default_factory=list)  # text, or None for a line break

    def starts_with_break(self) -> bool:
        return bool(self.items) and self.items[0] is None

    def ends_with_break(self) -> bool:
        return bool(self.items) and self.items[-1] is None


@dataclass(frozen=True, slots=True)
class FtxBlock:
    """One FTX segment's worth: format code and up to five lines."""

    code: str
    lines: tuple[str, ...]


def _paragraphs(runs: list[Run]) -> list[_Paragraph]:
    """The text cut where the style changes; alignment opens and closes its own lines.

    An aligned run starts on a new line unless text of the enclosing style just ended one.
    """
    paragraphs: list[_Paragraph] = []
    previous: Run | None = None
    for run in runs:
        styles = run.styles
        if previous is None or styles != previous.styles:
            if previous is not None and _aligned(previous.styles) and paragraphs:
                paragraphs[-1].items.append(None)
            paragraphs.append(_Paragraph(_FORMAT_CODE.get(styles, "P00")))
            if _aligned(styles):
                line_ended = (
                    previous is not None
                    and previous.styles == styles[:-1]
                    and not previous.space
                    and previous.text.endswith("\n")
                )
                if not line_ended:
                    paragraphs[-1].items.append(None)
        paragraph = paragraphs[-1]
        previous = run
        if run.space:
            paragraph.items.append(" ")
            continue
        for index, piece in enumerate(run.text.split("\n")):
            if index:
                paragraph.items.append(None)
            if piece:
                paragraph.items.append(piece)
    if previous is not None and _aligned(previous.styles) and paragraphs:
        paragraphs[-1].items.append(None)
    return [p for p in paragraphs if p.items]


def _aligned(styles: tuple[str, ...]) -> bool:
    return bool(styles) and styles[-1] in ("Center", "Right")


def _wrap(value: str, lines: list[str]) -> str:
    """Append full lines of ``value`` to ``lines``; return what is left for the current line."""
    buffer = ""
    several = len(value) > 1
    for char in value:
        if len(buffer) == LINE - 1 and several:
            blank = max(buffer.rfind(" "), buffer.rfind("\t"))
            if blank > 2:
                lines.append(buffer[: blank + 1] + "\\")
                buffer = buffer[blank + 1 :]
            else:
                lines.append(buffer + "\\")
                buffer = ""
        buffer += char
    return buffer


def _lines(paragraph: _Paragraph, following: _Paragraph | None) -> list[str]:
    lines: list[str] = []
    buffer = ""
    for item in paragraph.items:
        if item is None:
            lines.append(buffer or ".")
            buffer = ""
        else:
            # MedCom's converter starts the line afresh with each piece of text (a Space element
            # splits a text): what was pending is dropped there; here it is kept.
            buffer = _wrap(buffer + item, lines) if buffer else _wrap(item, lines)
    if buffer:
        if following is not None:
            if following.starts_with_break():
                following.items.pop(0)
            else:
                if len(buffer) == LINE:
                    lines.append(buffer[:-1] + "\\")
                    buffer = buffer[-1]
                buffer += "\\"
        lines.append(buffer)
    return lines


def write_text(markup: str, grammar: Grammar = FORMATTED) -> list[FtxBlock]:
    """FTX segments (format code and lines) for markup text."""
    paragraphs = _paragraphs(to_runs(markup, grammar))
    blocks: list[FtxBlock] = []
    # MedCom's converter decides how a paragraph's last line ends (and pads it with the empty lines
    # that follow) by looking at the *second* paragraph of the text, whichever paragraph it is
    # writing. The meaning survives (a soft wrap followed by an empty line reads as a line break),
    # so the layout is kept identical to what VANS delivers.
    following = paragraphs[1] if len(paragraphs) > 1 else None
    for paragraph in paragraphs:
        lines = _lines(paragraph, following)
        for start in range(0, len(lines), LINES_PER_FTX):
            chunk = lines[start : start + LINES_PER_FTX]
            while following is not None and len(chunk) < LINES_PER_FTX and following.starts_with_break():
                chunk.append(".")
                following.items.pop(0)
            blocks.append(FtxBlock(paragraph.code, tuple(chunk)))
    return blocks
