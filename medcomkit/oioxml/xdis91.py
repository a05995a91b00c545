"""XDIS91, the korrespondancemeddelelse (OIOXML ClinicalEmail): build XD9134L, read XD9133L–XD9135L."""

from __future__ import annotations

from typing import TypeVar

from lxml import etree

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..core.xmltree import line_of, local_name
from ..model.letter import BLOCK_LIMIT, MAX_BLOCKS, refuse_what_xdis91_cannot_carry
from ..model.markup import FORMATTED, length
from ..model.messages import CareMessage, TextSegment
from .codes import EPISODE_STATUS, LETTER_STATUS, PRIORITY, reverse
from .common import Reader, Writer, new_root, serialise
from .formatted import blocks, read_formatted
from .namespaces import NS_2006

__all__ = ["build_xdis91", "code_value", "read_xdis91"]

_PRIORITY_CODES = reverse(PRIORITY)
_STATUS_CODES = reverse(LETTER_STATUS)
_EPISODE_CODES = reverse(EPISODE_STATUS)


T = TypeVar("T")


def code_value(table: dict[str, T], value: str | None, element: str, line: int | None) -> T | None:
    """The model value for an OIOXML code; ``None`` when absent, :class:`ParseError` when unknown."""
    if value is None:
        return None
    try:
        return table[value]
    except KeyError:
        raise ParseError(
            "oioxml.parse-code",
            Bilingual(
                f"<{element}> har den ukendte værdi '{value}'; kendte værdier: {', '.join(table)}.",
                f"<{element}> has the unknown value '{value}'; known values: {', '.join(table)}.",
            ),
            line=line,
        ) from None


def _required_code(table: dict[str, T], element: etree._Element) -> T:
    value = code_value(table, element.text or "", local_name(element), line_of(element))
    assert value is not None  # a present element always yields a value or an error
    return value


def read_xdis91(root: etree._Element, letter: etree._Element, ns: str) -> CareMessage:
    """The neutral model of one ClinicalEmail letter."""
    read = Reader(ns)
    head = read.required(letter, "Letter")
    patient_element = read.required(letter, "Patient")
    additional = letter.find(read.q("AdditionalInformation"))
    status_element = read.required(head, "StatusCode")
    episode_element = read.required(patient_element, "EpisodeOfCareStatusCode")
    priority_element = additional.find(read.q("Priority")) if additional is not None else None
    texts = letter.findall(read.q("ClinicalInformation", "Text01"))
    return CareMessage(
        envelope=read.envelope(root),
        message_id=read.text(head, "Identifier"),
        authorised=read.moment(head, "Authorisation"),
        sender=read.organisation(read.required(letter, "Sender")),
        receiver=read.organisation(read.required(letter, "Receiver")),
        patient=read.patient(patient_element),
        segments=(TextSegment(read_formatted(texts, block_limit=BLOCK_LIMIT)),),
        status=_required_code(LETTER_STATUS, status_element),
        episode_of_care_id=read.optional(head, "EpisodeOfCareIdentifier"),
        episode_status=_required_code(EPISODE_STATUS, episode_element),
        priority=code_value(
            PRIORITY,
            priority_element.text if priority_element is not None else None,
            "Priority",
            line_of(priority_element) if priority_element is not None else None,
        ),
        topic=read.optional(additional, "Subject"),
        attachments=tuple(read.reference(r) for r in letter.iterfind(read.q("Reference"))),
    )


def build_xdis91(message: CareMessage, *, encoding: str = "ISO-8859-1", check: bool = True) -> bytes:
    """Write an XD9134L korrespondancemeddelelse.

    Text longer than 3,150 characters is split into ClinicalInformation blocks (at most ten);
    attachments become ``Reference/BIN`` entries (their bytes go into an XBIN01, see
    :func:`~medcomkit.oioxml.build_xbin01`). With ``check`` (the default) the result is
    validated and a :class:`BuildError` lists anything that would make it invalid.
    """
    refuse_what_xdis91_cannot_carry(message)
    ns = NS_2006
    write = Writer(ns)
    root = new_root(ns)
    write.envelope(root, message.envelope)
    letter = write.element(root, "ClinicalEmail")
    write.letter_head(
        letter,
        message_id=message.message_id,
        version_code="XD9134L",
        type_code="XDIS91",
        authorised=message.authorised,
        status=_STATUS_CODES[message.status],
        episode_of_care_id=message.episode_of_care_id,
    )
    write.organisation(letter, "Sender", message.sender, sender=True)
    write.organisation(letter, "Receiver", message.receiver, sender=False)
    patient = write.element(letter, "Patient")
    write.patient_identity(patient, message.patient)
    write.address(patient, message.patient.address)
    write.optional(patient, "OccupancyText", message.patient.occupation)
    write.element(patient, "EpisodeOfCareStatusCode", _EPISODE_CODES[message.episode_status])
    if message.priority is not None or message.topic is not None:
        additional = write.element(letter, "AdditionalInformation")
        if message.priority is not None:
            write.element(additional, "Priority", _PRIORITY_CODES[message.priority])
        write.optional(additional, "Subject", message.topic)
    text = message.segments[0].text
    text_blocks = blocks(text, BLOCK_LIMIT, FORMATTED)
    if len(text_blocks) > MAX_BLOCKS:
        raise BuildError(
            "xdis91.text-too-long",
            Bilingual(
                f"Teksten er {length(text)} tegn; en XD9134L rummer højst {MAX_BLOCKS} blokke "
                f"à {BLOCK_LIMIT} "
                "tegn. Send resten som bilag.",
                f"The text is {length(text)} characters; an XD9134L holds at most {MAX_BLOCKS} blocks of "
                f"{BLOCK_LIMIT}. Send the rest as an attachment.",
            ),
        )
    formatted = []
    for runs in text_blocks:
        information = write.element(letter, "ClinicalInformation")
        formatted.append((write.element(information, "Text01"), runs))
    for attachment in message.attachments:
        write.reference(letter, attachment)
    data = serialise(root, encoding, formatted, ns)
    if check:
        from .validate import raise_if_invalid

        raise_if_invalid(data, "XDIS91")
    return data
