"""``medcomkit.parse``: a message's bytes to the neutral model."""

from __future__ import annotations

from .core.errors import ParseError
from .core.kinds import Kind
from .core.lang import Bilingual
from .core.source import Source, read_source
from .core.xml import MAX_DOCUMENT_BYTES, parse_xml
from .model.messages import AttachmentMessage, CareMessage, Receipt, Referral
from .sniff import FHIR_NS, fhir_kind, is_edifact, xml_kind

__all__ = ["Message", "parse", "parse_all"]

Message = CareMessage | AttachmentMessage | Receipt | Referral


def parse_all(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Message]:
    """Every message in ``source`` (an OIOXML Emessage or EDIFACT interchange may carry several).

    Parsing is forgiving where meaning is clear (UTF-8 bytes under an ISO-8859-1 declaration are
    read as UTF-8; ``<br/>`` is read as a line break) and raises :class:`ParseError` only when
    the input cannot be understood. Use :func:`medcomkit.validate` to learn what is wrong.
    """
    data, _ = read_source(source, max_bytes=max_bytes)
    if is_edifact(data):
        from .edifact.read import read_edifact

        return list(read_edifact(data))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        from .fhir.document import read_fhir

        return [_read_fhir(read_fhir(data, max_bytes=max_bytes).resource)]
    document = parse_xml(data, max_bytes=max_bytes, repair=True)
    if document.root.tag.startswith(f"{{{FHIR_NS}}}"):
        from .fhir.document import read_fhir_xml

        return [_read_fhir(read_fhir_xml(document, data).resource)]
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


# Structural faults the FHIR readers cannot read past: a value of the wrong JSON type (a number
# where a string belongs, an object where a list belongs), null for a value, a resource without a
# type, nesting too deep. They are refused here with the rule id and location validation gives.
_UNREADABLE = frozenset({"fhir.json-type", "fhir.resource-type", "fhir.too-deep"})
_NULL = Bilingual("null", "null")


def _refuse_wrong_types(resource: dict[str, object]) -> None:
    from .core.report import Issue
    from .core.rules import Rule
    from .fhir.structure import walk

    found: list[Issue] = []

    def add(check: Rule, location: str | None, node: object = None, **params: object) -> None:
        unreadable = check.id in _UNREADABLE or (check.id == "ele-1" and params.get("how") == _NULL)
        if unreadable and not found:
            params.setdefault("element", location or "?")
            found.append(check.issue(location, None, **params))

    walk(resource, add)
    if found:
        issue = found[0]
        where = f"{issue.location}: " if issue.location else ""
        text = issue.text
        raise ParseError(issue.rule, Bilingual(where + text.da, where + text.en))


def _read_fhir(resource: dict[str, object]) -> Message:
    _refuse_wrong_types(resource)
    kind = fhir_kind(resource)
    if kind is Kind.CARE_COMMUNICATION:
        from .fhir.carecommunication import read_carecommunication

        return read_carecommunication(resource)
    if kind is Kind.ACKNOWLEDGEMENT:
        from .fhir.acknowledgement import read_acknowledgement

        return read_acknowledgement(resource)
    raise _unsupported(kind)


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
