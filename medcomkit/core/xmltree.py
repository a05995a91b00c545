"""Small helpers for any parsed XML tree: names, lines, paths, text, and Danish local time.

OIOXML, the VANS envelope, FHIR XML and the archive all read lxml trees; what they share lives here
(the OIOXML wire formats for writing dates and a new ``Emessage`` root live in ``oioxml.common``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import cast
from zoneinfo import ZoneInfo

from lxml import etree

from .errors import BuildError
from .lang import Bilingual

__all__ = [
    "COPENHAGEN",
    "checked_text",
    "child_text",
    "element_path",
    "line_of",
    "local_name",
    "now_local",
    "parse_datetime",
    "to_local",
]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def checked_text(text: str, name: str) -> str:
    """``text`` unchanged, or :class:`BuildError` naming the first character XML cannot carry."""
    bad = _NOT_XML.search(text)
    if bad:
        raise BuildError(
            "oioxml.build-character",
            Bilingual(
                f"<{name}> indeholder tegnet U+{ord(bad.group()):04X}, som XML ikke kan rumme.",
                f"<{name}> contains the character U+{ord(bad.group()):04X}, which XML cannot carry.",
            ),
        )
    return text


def local_name(element: etree._Element) -> str:
    """The element's name without namespace ("" for comments and processing instructions)."""
    tag: object = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def line_of(element: etree._Element) -> int | None:
    """The element's line in its source document, if known."""
    return cast("int | None", element.sourceline)


_CLARK = re.compile(r"\{[^}]*\}")


def element_path(element: etree._Element) -> str:
    """A readable XPath such as ``/Emessage/ClinicalEmail/ClinicalInformation[2]/Text01``.

    Namespace prefixes are left out (every element of a message shares one namespace); an index
    is added only where siblings share the name.
    """
    tree = element.getroottree()
    root = tree.getroot()
    tag: object = root.tag
    if not isinstance(tag, str):
        return "/"
    namespace, _, name = tag[1:].partition("}") if tag[:1] == "{" else ("", "", tag)
    if element is root:
        return "/" + name
    path = tree.getelementpath(element)
    if namespace:
        path = path.replace("{" + namespace + "}", "")
        if "{" in path:  # an element from another namespace
            path = _CLARK.sub("", path)
    return f"/{name}/{path}"


def child_text(parent: etree._Element | None, tag: str) -> str | None:
    """Text of the first child with ``tag`` (Clark notation), or ``None`` when absent."""
    if parent is None:
        return None
    child = parent.find(tag)
    if child is None:
        return None
    return child.text or ""


def now_local() -> datetime:
    """Danish local time now, to the minute (the precision OIOXML carries)."""
    return datetime.now(COPENHAGEN).replace(second=0, microsecond=0)


def to_local(moment: datetime) -> datetime:
    """Danish local time; naive datetimes are taken to be Danish local time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(COPENHAGEN)


def parse_datetime(date_text: str, time_text: str) -> datetime:
    """Combine an OIOXML Date (xs:date, any zone suffix ignored) and Time (HH:MM) as Danish time.

    Raises ``ValueError`` when either part is not a valid value.
    """
    day = date.fromisoformat(date_text.strip()[:10])
    hour, minute = time_text.strip().split(":")
    clock = time(int(hour), int(minute))
    return datetime.combine(day, clock, tzinfo=COPENHAGEN)
