"""MedCom formatted text in XML (Text01, RefuseText …) to and from markup runs.

Reading is forgiving, because a codec only refuses what it cannot understand: HTML ``<br>`` is
read as a line break, other unknown elements keep their text, and line breaks that are only XML
layout (indentation) are not mistaken for ``<Break/>``. Validation reports all of these.
"""

from __future__ import annotations

import re

from lxml import etree

from ..markup import FORMATTED, STYLES, Grammar, Run, from_runs, normalise, split_runs, to_runs
from ._xml import checked_text, local_name

__all__ = ["read_formatted", "read_runs", "write_runs"]

_LAYOUT = re.compile(r"[ \t]*[\r\n][ \t\r\n]*")
_LEADING = re.compile(r"^[ \t]*[\r\n][ \t\r\n]*")
_TRAILING = re.compile(r"[ \t]*[\r\n][ \t\r\n]*$")
_LINE_BREAK_TAGS = frozenset({"Break", "br", "BR"})


def _layout_free(text: str | None) -> str:
    """Text with XML layout removed: whitespace around raw line breaks at either edge goes, inner
    raw line breaks become one space (``<Break/>`` is the only line break MedCom text has)."""
    if not text:
        return ""
    if "\n" not in text and "\r" not in text:
        return text
    leading = _LEADING.match(text)
    trailing = _TRAILING.search(text)
    start = leading.end() if leading else 0
    end = trailing.start() if trailing else len(text)
    if start >= end:
        return ""
    return _LAYOUT.sub(" ", text[start:end])


def read_runs(element: etree._Element) -> list[Run]:
    """The content of a formatted-text element as normalised runs."""
    runs: list[Run] = []
    _collect(element, (), runs)
    return normalise(runs)


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


def read_formatted(elements: list[etree._Element]) -> str:
    """Markup for one or more formatted-text elements read as one continuous text."""
    runs: list[Run] = []
    for element in elements:
        runs.extend(read_runs(element))
    return from_runs(normalise(runs))


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
