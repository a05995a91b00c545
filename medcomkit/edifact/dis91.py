"""DIS91, the korrespondancemeddelelse in EDIFACT (``MEDDIS:D:93A:UN:D9134L``), to and from the
neutral :class:`~medcomkit.model.messages.CareMessage` — the EDIFACT twin of XDIS91 (XD9134L).

Segment layout (as MedCom's converter writes it)::

    BGM+EPI++9+NA  DTM+137 (authorised)
    S01 NAD+SSP [ADR] [CON] SEQ++1 SPR+ORG      sender
    S01 NAD+PO  [ADR] SEQ++2                    receiver
    S02 GIS (N new / M corrected) RFF+SRI (letter id) [RFF+NO|HI (priority)] DTM+182
    S07 PNA+PAT [RFF+XPI] [ADR] [EMP]           patient
    S11 GIS+N RFF+REI (episode id) | RFF+AHI:1, SEQ++1, PAS (episode status)
    S14 [FTX+OE (subject)] FTX+NC …             one group per text block of 3,150 characters
    S14 FTX+BIN|URL|SUP …                       attachment references
"""

from __future__ import annotations

from typing import TypeVar

from ..core.errors import BuildError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..model.letter import (
    BLOCK_LIMIT,
    MAX_BLOCKS,
    refuse_what_xdis91_cannot_carry,
)
from ..model.markup import from_runs, length
from ..model.messages import Attachment, CareMessage, TextSegment
from ..oioxml.common import canonical_id, describe_binary, xml_id
from ..oioxml.formatted import blocks
from .codes import EPISODE_STATUS, EXTENSIONS, LETTER_STATUS, OBJECT_CODES, PRIORITY, reverse
from .common import (
    Group,
    adr,
    build_interchange,
    dtm,
    dtm_moment,
    envelope_of,
    groups,
    nad,
    organisation_of,
    parse_error,
    patient_of,
    pna,
    segment,
    spr,
)
from .envelope import Interchange, Message
from .ftx import read_text, write_text
from .syntax import Segment

T = TypeVar("T")

__all__ = ["REFERENCE_QUALIFIERS", "build_dis91", "read_dis91", "read_references", "reference_segments"]

REFERENCE_QUALIFIERS = ("BIN", "URL", "SUP")
_OBJECT_NAMES = reverse(OBJECT_CODES)
_EXTENSION_NAMES = reverse(EXTENSIONS)
_STATUS_CODES = reverse(LETTER_STATUS)
_PRIORITY_CODES = reverse(PRIORITY)
_EPISODE_CODES = reverse(EPISODE_STATUS)


def party_group(message: Message, found: list[Group], qualifier: str) -> Group:
    for group in found:
        if group.marker == "S01":
            nad_segment = group.first("NAD")
            if nad_segment is not None and nad_segment.qualifier == qualifier:
                return group
    raise parse_error(
        message, message.unh, f"NAD+{qualifier} (part) mangler.", f"NAD+{qualifier} (party) is missing."
    )


def one_group(message: Message, found: list[Group], marker: str, tag: str) -> Group:
    for group in found:
        if group.marker == marker and group.first(tag) is not None:
            return group
    raise parse_error(
        message, message.unh, f"{marker} med {tag} mangler.", f"{marker} with {tag} is missing."
    )


def code(message: Message, table: dict[str, T], item: Segment | None, value: str, what: str) -> T:
    try:
        return table[value]
    except KeyError:
        raise parse_error(
            message,
            item,
            f"{what} har den ukendte kode '{value}'.",
            f"{what} has the unknown code '{value}'.",
        ) from None


def logical_lines(ftxs: list[Segment]) -> list[str]:
    """The lines of FTX segments with soft wraps joined and ``.`` read as an empty line."""
    text, _ = read_text([("P00", _lines(item)) for item in ftxs])
    return text.replace("{{", "{").split("\n")


def _lines(item: Segment) -> list[str]:
    return item.elements[3] if len(item.elements) >= 4 else []


def read_references(ftxs: list[Segment]) -> tuple[Attachment, ...]:
    """Attachment references from FTX+BIN/URL/SUP segments (title, then id, kind, format and size)."""
    found: list[Attachment] = []
    current: list[Segment] = []
    for item in ftxs:
        # A reference's lines may wrap over several FTX segments; a new one starts after a full stop.
        current.append(item)
        lines = _lines(item)
        if lines and lines[-1].endswith("\\"):
            continue
        found.append(_reference(current))
        current = []
    if current:
        found.append(_reference(current))
    return tuple(found)


def _reference(ftxs: list[Segment]) -> Attachment:
    qualifier = ftxs[0].qualifier
    lines = logical_lines(ftxs)
    if lines and lines[-1] == "":
        lines.pop()
    title = lines[0] if lines else ""
    if qualifier == "URL":
        return Attachment(title=title, url="".join(lines[1:2]))
    if qualifier == "SUP":
        return Attachment(title=title, supplementary=True)
    fields = [*lines[1:5], "", "", "", ""]
    size = fields[3].strip()
    return Attachment(
        title=title,
        identifier=canonical_id(fields[0]),
        object_code=_OBJECT_NAMES.get(fields[1], fields[1] or None),
        file_type=_EXTENSION_NAMES.get(fields[2], fields[2].lower() or None),
        size=int(size) if size.isdigit() else None,
    )


def read_dis91(interchange: Interchange, message: Message) -> CareMessage:
    """The neutral model of a DIS91 message."""
    found = groups(message.body)
    head = found[0]
    letter = one_group(message, found, "S02", "GIS")
    patient = one_group(message, found, "S07", "PNA")
    status_group = one_group(message, found, "S11", "PAS")
    unb = interchange.unb
    assert unb is not None  # envelope_of checks
    envelope = envelope_of(interchange, message)
    gis = letter.first("GIS")
    assert gis is not None
    pas = status_group.first("PAS")
    assert pas is not None
    priority = next((r for r in letter.all("RFF") if r.qualifier in PRIORITY), None)
    texts: list[Segment] = []
    references: list[Segment] = []
    subject: Segment | None = None
    for group in found:
        if group.marker != "S14":
            continue
        for item in group.all("FTX"):
            if item.qualifier in REFERENCE_QUALIFIERS:
                references.append(item)
            elif item.qualifier == "OE":
                subject = subject or item
            else:
                texts.append(item)
    text, _ = read_text([(item.get(2), _lines(item)) for item in texts])
    episode = status_group.first("RFF", "REI")
    return CareMessage(
        envelope=envelope,
        message_id=message.reference,
        authorised=dtm_moment(message, head.first("DTM")),
        sender=organisation_of(party_group(message, found, "SSP"), unb.get(2, 1)),
        receiver=organisation_of(party_group(message, found, "PO"), unb.get(3, 1)),
        patient=patient_of(patient),
        segments=(TextSegment(text),),
        status=code(message, LETTER_STATUS, gis, gis.get(1), "GIS"),
        episode_of_care_id=episode.get(1, 2) or None if episode is not None else None,
        episode_status=code(message, EPISODE_STATUS, pas, pas.get(1), "PAS"),
        priority=PRIORITY[priority.qualifier] if priority is not None else None,
        topic="\n".join(logical_lines([subject])).rstrip("\n") or None if subject is not None else None,
        attachments=read_references(references),
    )


def reference_segments(attachments: tuple[Attachment, ...]) -> list[Segment]:
    """FTX+BIN/URL/SUP segments for attachment references."""
    found: list[Segment] = []
    for attachment in attachments:
        if attachment.title is None:
            raise BuildError(
                "edifact.build-attachment-title",
                Bilingual("Et bilag skal have en titel.", "An attachment needs a title."),
            )
        if attachment.url is not None:
            qualifier, lines = "URL", [attachment.title, attachment.url]
        elif attachment.supplementary:
            qualifier, lines = "SUP", [attachment.title, ""]
        else:
            described = describe_binary(attachment)
            qualifier = "BIN"
            lines = [
                attachment.title,
                xml_id(described.identifier or "", hyphens=False),
                OBJECT_CODES.get(described.object_code or "", described.object_code or ""),
                EXTENSIONS.get(described.file_type or "", (described.file_type or "").upper()),
                str(described.size),
            ]
        markup = "\n".join(line.replace("{", "{{") for line in lines).rstrip("\n")
        found.extend(ftx_segments(qualifier, markup))
    return found


def ftx_segments(qualifier: str, markup: str) -> list[Segment]:
    return [segment("FTX", qualifier, block.code, "", list(block.lines)) for block in write_text(markup)]


def build_dis91(message: CareMessage) -> bytes:
    """Write a DIS91 (D9134L) interchange, as MedCom's converter writes the XDIS91 twin."""
    refuse_what_xdis91_cannot_carry(message)
    text = message.segments[0].text
    text_blocks = blocks(text, BLOCK_LIMIT)
    if len(text_blocks) > MAX_BLOCKS:
        raise BuildError(
            "dis91.text-too-long",
            Bilingual(
                f"Teksten er {length(text)} tegn; en DIS91 rummer højst {MAX_BLOCKS} blokke "
                f"à {BLOCK_LIMIT} tegn. Send resten som bilag.",
                f"The text is {length(text)} characters; a DIS91 holds at most {MAX_BLOCKS} blocks of "
                f"{BLOCK_LIMIT}. Send the rest as an attachment.",
            ),
        )
    sender, receiver = message.sender, message.receiver
    body: list[Segment] = [
        segment("BGM", "EPI", "", "9", "NA"),
        dtm("137", message.authorised),
        segment("S01", "01"),
        nad("SSP", sender, placeholder=False),
        *adr(sender.address),
        *([segment("CON", "", [sender.phone, "TE"])] if sender.phone else []),
        segment("SEQ", "", "1"),
        spr(sender, "DIS91", unknown="99"),
        segment("S01", "01"),
        nad("PO", receiver, placeholder=True),
        *adr(receiver.address),
        segment("SEQ", "", "2"),
        segment("S02", "02"),
        segment("GIS", _STATUS_CODES[message.status]),
        segment("RFF", ["SRI", message.message_id]),
        *([segment("RFF", [_PRIORITY_CODES[message.priority], "NC"])] if message.priority else []),
        dtm("182", message.authorised),
        segment("S07", "07"),
        *pna(message.patient),
        *adr(message.patient.address),
        *(
            [segment("EMP", "1", "", ["", "", "", message.patient.occupation])]
            if message.patient.occupation
            else []
        ),
        segment("S11", "11"),
        segment("GIS", "N"),
        segment("RFF", ["REI", message.episode_of_care_id] if message.episode_of_care_id else ["AHI", "1"]),
        segment("SEQ", "", "1"),
        segment("PAS", _EPISODE_CODES[message.episode_status]),
    ]
    for index, runs in enumerate(text_blocks or [[]]):
        body.append(segment("S14", "14"))
        if index == 0 and message.topic is not None:
            body.extend(ftx_segments("OE", message.topic.replace("{", "{{")))
        body.extend(ftx_segments("NC", from_runs(runs)))
    if message.attachments:
        body.append(segment("S14", "14"))
        body.extend(reference_segments(message.attachments))
    return build_interchange(message.envelope, sender.ean, receiver.ean, message.message_id, Kind.DIS91, body)
