"""Formatted text as plain text with markup, and back, without loss.

MedCom formatted text (OIOXML ``FormattedTextType``) is mixed XML content with the elements
Break, Space, Bold, Italic, Underline, Center, Right and FixedFont. medcomkit represents it as a
string a person can read and type:

* a newline is ``<Break/>``; ``{Space}`` is ``<Space/>``;
* ``{Bold}…{/Bold}``, ``{Italic}``, ``{Underline}``, ``{Center}``, ``{Right}`` and
  ``{FixedFont}`` wrap formatted text, with MedCom's nesting: only FixedFont may contain other
  formatting, and nothing else nests;
* ``{{`` is a literal ``{`` (a lone ``{`` that starts no tag is literal too).

Internally text is a sequence of :class:`Run` s (a style stack plus text), which is what the
OIOXML codec reads and writes and what block splitting works on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..core.errors import MarkupError
from ..core.lang import Bilingual

__all__ = [
    "BREAKABLE",
    "FORMATTED",
    "INLINE_STYLES",
    "STYLES",
    "Run",
    "escape",
    "from_runs",
    "length",
    "plain_text",
    "split_runs",
    "to_runs",
]

INLINE_STYLES = ("Right", "Center", "Bold", "Italic", "Underline")
STYLES = (*INLINE_STYLES, "FixedFont")
SPACE_TAG = "Space"

Grammar = Literal["formatted", "breakable"]
FORMATTED: Grammar = "formatted"  # FormattedTextType: all formatting (Text01, XREF01 texts)
BREAKABLE: Grammar = "breakable"  # BreakableText: only text, Space and Break (RefuseText)

_TOKEN = re.compile(r"\{\{|\{(/?)([A-Za-z][A-Za-z0-9]*)\}")


@dataclass(frozen=True, slots=True)
class Run:
    """Text in one style stack (outermost first). ``"\\n"`` in ``text`` is a Break.

    A Space run has ``space=True`` and empty text.
    """

    styles: tuple[str, ...]
    text: str = ""
    space: bool = False

    def __len__(self) -> int:
        return 1 if self.space else len(self.text)


def escape(text: str) -> str:
    """Markup for literal text: braces doubled, so nothing is read as a tag."""
    return text.replace("{", "{{")


def _allowed(styles: tuple[str, ...], grammar: Grammar) -> bool:
    if grammar == BREAKABLE:
        return not styles
    if len(styles) <= 1:
        return True
    return len(styles) == 2 and styles[0] == "FixedFont" and styles[1] in INLINE_STYLES


def _error(code: str, da: str, en: str, **params: object) -> MarkupError:
    return MarkupError(code, Bilingual(da, en).format(**params))


def to_runs(markup: str, grammar: Grammar = FORMATTED) -> list[Run]:
    """Parse markup into runs; raises :class:`MarkupError` with the position of any problem."""
    runs: list[Run] = []
    stack: list[str] = []
    pos = 0

    def add_text(text: str) -> None:
        if text:  # merged with its neighbours at the end, in one pass (see normalise)
            runs.append(Run(tuple(stack), text))

    for match in _TOKEN.finditer(markup):
        add_text(markup[pos : match.start()])
        pos = match.end()
        if match.group(0) == "{{":
            add_text("{")
            continue
        closing, tag = match.group(1), match.group(2)
        if tag == SPACE_TAG and not closing:
            runs.append(Run(tuple(stack), space=True))
        elif tag not in STYLES:
            raise _error(
                "markup.unknown-tag",
                "Ukendt formateringsmærke {tag} ved position {pos}. Kendte mærker: {known}, {{Space}}. "
                "Skriv {{{{ for en bogstavelig {{.",
                "Unknown formatting tag {tag} at position {pos}. Known tags: {known}, {{Space}}. "
                "Write {{{{ for a literal {{.",
                tag=match.group(0),
                pos=match.start(),
                known=", ".join("{" + s + "}" for s in STYLES),
            )
        elif closing:
            if not stack or stack[-1] != tag:
                expected = "{/" + stack[-1] + "}" if stack else "ingen / none"
                raise _error(
                    "markup.unbalanced",
                    "{found} ved position {pos} lukker ikke det åbne mærke (forventet: {expected}).",
                    "{found} at position {pos} does not close the open tag (expected: {expected}).",
                    found=match.group(0),
                    pos=match.start(),
                    expected=expected,
                )
            stack.pop()
        else:
            nested = (*stack, tag)
            if not _allowed(nested, grammar):
                raise _error(
                    "markup.nesting",
                    "{{{tag}}} ved position {pos} kan ikke stå inden i {outer}: kun FixedFont må "
                    "indeholde anden formatering, og {where} tillader {allowed}.",
                    "{{{tag}}} at position {pos} cannot be inside {outer}: only FixedFont may contain "
                    "other formatting, and {where} allows {allowed}.",
                    tag=tag,
                    pos=match.start(),
                    outer=" > ".join(stack) or "(top)",
                    where="this field" if grammar == BREAKABLE else "MedCom formatted text",
                    allowed="only text, {Space} and line breaks" if grammar == BREAKABLE else "one level",
                )
            stack.append(tag)
    add_text(markup[pos:])
    if stack:
        raise _error(
            "markup.unclosed",
            "Mærket {{{tag}}} lukkes aldrig; tilføj {{/{tag}}}.",
            "The tag {{{tag}}} is never closed; add {{/{tag}}}.",
            tag=stack[-1],
        )
    # Break is a newline; a carriage return (Windows line ends) is one too.
    return [
        Run(r.styles, r.text.replace("\r\n", "\n").replace("\r", "\n"), r.space) if "\r" in r.text else r
        for r in normalise(runs)
    ]


def from_runs(runs: Iterable[Run]) -> str:
    """Render runs as canonical markup (adjacent runs with equal styles merged)."""
    out: list[str] = []
    open_styles: tuple[str, ...] = ()
    for run in runs:
        if not run.space and not run.text:
            continue
        common = 0
        while (
            common < len(open_styles)
            and common < len(run.styles)
            and open_styles[common] == run.styles[common]
        ):
            common += 1
        out.extend("{/" + s + "}" for s in reversed(open_styles[common:]))
        out.extend("{" + s + "}" for s in run.styles[common:])
        open_styles = run.styles
        out.append("{" + SPACE_TAG + "}" if run.space else escape(run.text))
    out.extend("{/" + s + "}" for s in reversed(open_styles))
    return "".join(out)


def normalise(runs: Iterable[Run]) -> list[Run]:
    """Merge adjacent text runs with the same styles and drop empty ones."""
    merged: list[Run] = []
    # Pieces of the run being merged, joined once: adding them one by one would copy the text so
    # far each time, quadratic in a text of many short runs (hundreds of thousands of <Break/>).
    pieces: list[str] = []
    styles: tuple[str, ...] = ()
    for run in runs:
        if run.space:
            if pieces:
                merged.append(Run(styles, "".join(pieces)))
                pieces = []
            merged.append(run)
        elif run.text:
            if pieces and run.styles != styles:
                merged.append(Run(styles, "".join(pieces)))
                pieces = []
            styles = run.styles
            pieces.append(run.text)
    if pieces:
        merged.append(Run(styles, "".join(pieces)))
    return merged


def plain_text(markup: str) -> str:
    """The text without formatting: line breaks stay newlines, ``{Space}`` becomes a space."""
    return "".join(" " if run.space else run.text for run in to_runs(markup))


def length(markup: str) -> int:
    """Characters as MedCom counts them: each character, line break and Space counts one."""
    return sum(len(run) for run in to_runs(markup))


def split_runs(runs: Sequence[Run], limit: int) -> list[list[Run]]:
    """Split runs into blocks of at most ``limit`` characters, preferring to cut after a line
    break, then after whitespace; formatting that spans a cut is closed and reopened."""
    if limit < 1:
        raise ValueError("limit must be positive")
    blocks: list[list[Run]] = []
    current: list[Run] = []
    size = 0
    for run in runs:
        remaining = run
        while len(remaining) > limit - size:
            room = limit - size
            if remaining.space or room == 0:
                blocks.append(current)
                current, size = [], 0
                continue
            cut = _cut_point(remaining.text, room)
            if cut == 0 and current:
                # Nothing natural fits: close the block and start the run afresh.
                blocks.append(current)
                current, size = [], 0
                continue
            cut = cut or room
            current.append(Run(remaining.styles, remaining.text[:cut]))
            blocks.append(current)
            current, size = [], 0
            remaining = Run(remaining.styles, remaining.text[cut:])
        if len(remaining):
            current.append(remaining)
            size += len(remaining)
    if current or not blocks:
        blocks.append(current)
    return blocks


def _cut_point(text: str, room: int) -> int:
    """Where to cut ``text`` to fit ``room`` characters: after a line break in the second half of
    the room, else after whitespace, else 0 (no natural point)."""
    head = text[:room]
    newline = head.rfind("\n")
    if newline >= room // 2:
        return newline + 1
    for index in range(len(head) - 1, -1, -1):
        if head[index].isspace():
            return index + 1
    return 0
