"""``medcomkit.parse``: a message's bytes to the neutral model."""

from __future__ import annotations

from ._errors import ParseError
from ._lang import Bilingual
from .model import AttachmentMessage, CareMessage, Receipt
from .report import Kind
from .sniff import fhir_kind, json_document, xml_kind
from .source import Source, read_source
from .xmlsafe import MAX_DOCUMENT_BYTES, parse_xml

__all__ = ["Message", "parse", "parse_all"]

Message = CareMessage | AttachmentMessage | Receipt


def parse_all(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Message]:
    """Every message in ``source`` (an OIOXML Emessage may carry several letters).

    Parsing is forgiving where meaning is clear (UTF-8 bytes under an ISO-8859-1 declaration are
    read as UTF-8; ``<br/>`` is read as a line break) and raises :class:`ParseError` only when
    the input cannot be understood. Use :func:`medcomkit.validate` to learn what is wrong.
    """
    data, _ = read_source(source, max_bytes=max_bytes)
    resource = json_document(data)
    if resource is not None:
        raise _unsupported(fhir_kind(resource))
    document = parse_xml(data, max_bytes=max_bytes, repair=True)
    if document.root.tag.rpartition("}")[2] != "Emessage":
        raise _unsupported(xml_kind(document.root))
    from .oioxml.read import read_emessage

    return list(read_emessage(document))


def parse(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Message:
    """The one message in ``source``; raises :class:`ParseError` if there are several."""
    messages = parse_all(source, max_bytes=max_bytes)
    if len(messages) != 1:
        raise ParseError(
            "parse.several-messages",
            Bilingual(
                f"Inputtet indeholder {len(messages)} meddelelser; brug medcomkit.parse_all.",
                f"The input holds {len(messages)} messages; use medcomkit.parse_all.",
            ),
        )
    return messages[0]


def _unsupported(kind: Kind) -> ParseError:
    if kind is Kind.UNKNOWN:
        return ParseError(
            "validate.kind-unknown",
            Bilingual(
                "medcomkit kan ikke genkende meddelelsestypen.",
                "medcomkit cannot recognise the message type.",
            ),
        )
    return ParseError(
        "validate.kind-not-supported",
        Bilingual(
            f"Denne version af medcomkit kan ikke læse {kind.value}.",
            f"This version of medcomkit cannot read {kind.value}.",
        ),
    )
