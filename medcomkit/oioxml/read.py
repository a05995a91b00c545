"""Reading OIOXML documents into the neutral model."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..core.errors import ParseError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.xml import XmlDocument
from ..core.xmltree import line_of, local_name
from ..model.messages import AttachmentMessage, CareMessage, Receipt, Referral
from .common import letters_of
from .namespaces import NAMESPACES, version
from .xbin01 import read_xbin01
from .xctl import read_xctl
from .xdis91 import read_xdis91
from .xref01 import read_xref01

__all__ = ["OioxmlMessage", "read_emessage"]

OioxmlMessage = CareMessage | AttachmentMessage | Receipt | Referral

_READERS: dict[Kind, Callable[[etree._Element, etree._Element, str], OioxmlMessage]] = {
    Kind.XDIS91: read_xdis91,
    Kind.XBIN01: read_xbin01,
    Kind.XREF01: read_xref01,
    Kind.XCTL01: read_xctl,
    Kind.XCTL02: read_xctl,
    Kind.XCTL03: read_xctl,
}


def read_emessage(document: XmlDocument) -> list[OioxmlMessage]:
    """Every letter of an Emessage as a neutral model object (usually exactly one)."""
    root = document.root
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace not in NAMESPACES:
        raise ParseError(
            "oioxml.namespace-unknown",
            Bilingual(
                f"Navnerummet '{namespace}' er ikke et MedCom-navnerum, som medcomkit kender.",
                f"The namespace '{namespace}' is not a MedCom namespace medcomkit knows.",
            ),
        )
    messages = []
    for letter in letters_of(root):
        letter_version = version(namespace, local_name(letter))
        reader = _READERS.get(letter_version.kind) if letter_version else None
        if reader is None:
            raise ParseError(
                "oioxml.letter-unsupported",
                Bilingual(
                    f"<{local_name(letter)}> kan ikke læses af medcomkit (endnu ikke understøttet).",
                    f"<{local_name(letter)}> cannot be read by medcomkit (not supported).",
                ),
                line=line_of(letter),
            )
        messages.append(reader(root, letter, namespace))
    if not messages:
        raise ParseError(
            "oioxml.no-letter",
            Bilingual("Emessage indeholder ingen meddelelse.", "The Emessage holds no letter."),
        )
    return messages
