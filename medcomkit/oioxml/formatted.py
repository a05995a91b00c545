"""MedCom formatted text in XML (Text01, RefuseText …) to and from markup runs.

Reading is forgiving, because a codec only refuses what it cannot understand: HTML ``<br>`` is
read as a line break, other unknown elements keep their text, and line breaks that are only XML
layout (indentation) are not mistaken for ``<Break/>``. Validation reports all of these.

XML layout is white space all the same: between two words (``tak</Underline>\n<Bold>for</Bold>``)
it reads as one space, so words are never glued; at the edges of the text and next to a
``<Break/>`` it is dropped.
"""

from __future__ import annotations

import re

from lxml import etree

from ..core.xmltree import checked_text, local_name
from ..model.markup import FORMATTED, STYLES, Grammar, Run, from_runs, normalise, split_runs, to_runs

__all__ = ["read_formatted", "read_runs", "write_runs"]

_LAYOUT = re.compile(r"[ \t]*[\r\n][ \t\r\n]*")
_LINE_BREAK_TAGS = frozenset({"Break", "br", "BR"})
# While reading, XML layout becomes this mark; once the whole element is read, each group of marks
# becomes one space between words or nothing at an edge (neither character can occur in XML 1.0).
_MARK = "\x00"
_MARKS = re.compile("\x00+")
_SPACE_RUN = "\x01"


def _layout_free(text: str | None) -> str:
    """Text with XML layout (white space around raw line breaks) marked; ``<Break/>`` is the only
    line break MedCom text has. :func:`_resolve_layout` decides what each mark becomes."""
    if not text:
        return ""
    if "\n" not in text and "\r" not in text:
        return text
    return _LAYOUT.sub(_MARK, text)


def _resolve_layout(runs: list[Run]) -> list[Run]:
    """Each group of layout marks becomes one space between two words, and nothing at the edges of
    the element, next to a line break or next to other white space."""
    texts = [_SPACE_RUN if run.space else run.text for run in runs]
    joined = "".join(texts)
    if _MARK not in joined:
        return runs
    spaces = set()
    for group in _MARKS.finditer(joined):
        before = joined[group.start() - 1] if group.start() else ""
        after = joined[group.end()] if group.end() < len(joined) else ""
        if (
            before
            and after
            and not before.isspace()
            and not after.isspace()
            and _SPACE_RUN not in (before, after)
        ):
            spaces.add(group.start())
    resolved: list[Run] = []
    position = 0
    for run, text in zip(runs, texts, strict=True):
        if _MARK in text:
            pieces = text.split(_MARK)
            out = [pieces[0]]
            offset = position + len(pieces[0])
            for piece in pieces[1:]:
                out.append(" " if offset in spaces else "")
                out.append(piece)
                offset += 1 + len(piece)
            new_text = "".join(out)
            if new_text:
                resolved.append(Run(run.styles, new_text))
        else:
            resolved.append(run)
        position += len(text)
    return resolved


def read_runs(element: etree._Element) -> list[Run]:
    """The content of a formatted-text element as normalised runs."""
    runs: list[Run] = []
    _collect(element, (), runs)
    return normalise(_resolve_layout(runs))


def _collect(element: etree._Element, styles: tuple[str, ...], runs: list[Run]) -> None:
    text = _layout_free(element.text)
    if text:
        runs.append(Run(styles, text))
    for child in element:
        name = local_name(child)
        if name in _LINE_BREAK_TAGS:
            runs.append(Run(styles, "\n"))
            _collect_inner_text(child, styles, runs)
        elif name == "Space":
            runs.append(Run(styles, space=True))
            _collect_inner_text(child, styles, runs)
        elif name in STYLES and name not in styles:
            _collect(child, (*styles, name), runs)
        elif name:  # unknown element (or a style nested where MedCom forbids it): keep its text
            _collect(child, styles, runs)
        tail = _layout_free(child.tail)
        if tail:
            runs.append(Run(styles, tail))


def _collect_inner_text(element: etree._Element, styles: tuple[str, ...], runs: list[Run]) -> None:
    # Break and Space must be empty; if a sender put text inside, keep it rather than lose it.
    if len(element) or element.text:
        _collect(element, styles, runs)


def read_formatted(elements: list[etree._Element], *, block_limit: int | None = None) -> str:
    """Markup for one or more formatted-text elements read as one continuous text.

    With ``block_limit`` (XDIS91's ClinicalInformation blocks), a block shorter than the limit that
    ends in a word, followed by a block that starts with one, is the sender's own paragraph: a line
    break separates them rather than gluing the words ("skolen.Vi"). A block of exactly the limit
    was cut by a splitter (as :func:`blocks` may cut a very long word) and joins the next directly.
    """
    runs: list[Run] = []
    previous_size = 0
    for element in elements:
        block = read_runs(element)
        if (
            block_limit is not None
            and runs
            and block
            and previous_size < block_limit
            and _glued(runs[-1], block[0])
        ):
            runs.append(Run((), "\n"))
        runs.extend(block)
        previous_size = sum(len(run) for run in block)
    return from_runs(normalise(runs))


def _glued(last: Run, first: Run) -> bool:
    """Whether two blocks would glue a word to a word."""
    if last.space or first.space or not last.text or not first.text:
        return False
    return not last.text[-1].isspace() and not first.text[0].isspace()


def write_runs(element: etree._Element, runs: list[Run], ns: str) -> None:
    """Append runs to an (empty) formatted-text element as MedCom XML."""
    open_elements: list[tuple[str, etree._Element]] = []
    for run in runs:
        common = 0
        while (
            common < len(open_elements)
            and common < len(run.styles)
            and open_elements[common][0] == run.styles[common]
        ):
            common += 1
        del open_elements[common:]
        for style in run.styles[common:]:
            parent = open_elements[-1][1] if open_elements else element
            open_elements.append((style, etree.SubElement(parent, f"{{{ns}}}{style}")))
        target = open_elements[-1][1] if open_elements else element
        if run.space:
            etree.SubElement(target, f"{{{ns}}}Space")
            continue
        for index, line in enumerate(run.text.split("\n")):
            if index:
                etree.SubElement(target, f"{{{ns}}}Break")
            if line:
                _append_text(target, line)


def _append_text(parent: etree._Element, text: str) -> None:
    checked_text(text, local_name(parent))
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def blocks(markup: str, limit: int, grammar: Grammar = FORMATTED) -> list[list[Run]]:
    """Markup split into runs for blocks of at most ``limit`` characters."""
    return [block for block in split_runs(to_runs(markup, grammar), limit) if block]
