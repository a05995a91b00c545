"""BIN01, attachments in EDIFACT (``MEDBIN:D:93A:UN:B0131X``), to and from the neutral
:class:`~medcomkit.model.messages.AttachmentMessage` — the EDIFACT twin of XBIN01 (XB0131X).

Each attachment is a ``UNO`` segment (number, ``AID:<id without hyphens>``, ``OBJ:<kind>:<format>``,
``<size>:14:1:A``) followed directly by the raw bytes and a ``UNP+<size>+<number>`` segment, all
in group S11. A message about no patient (system information) has the surname ``Data``.
"""

from __future__ import annotations

from ..core.errors import BuildError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..model.messages import Attachment, AttachmentMessage
from ..oioxml.common import canonical_id, describe_binary, xml_id
from .codes import EXTENSIONS, OBJECT_CODES, reverse
from .common import (
    adr,
    build_interchange,
    dtm,
    dtm_moment,
    envelope_of,
    groups,
    nad,
    organisation_of,
    patient_of,
    segment,
    spr,
)
from .dis91 import one_group, party_group
from .envelope import Interchange, Message
from .syntax import Segment

__all__ = ["SYSTEM_SURNAME", "build_bin01", "read_bin01"]

SYSTEM_SURNAME = "Data"
_OBJECT_NAMES = reverse(OBJECT_CODES)
_EXTENSION_NAMES = reverse(EXTENSIONS)


def read_bin01(interchange: Interchange, message: Message) -> AttachmentMessage:
    found = groups(message.body)
    unb = interchange.unb
    assert unb is not None
    envelope = envelope_of(interchange, message)
    patient_group = one_group(message, found, "S07", "PNA")
    pna = patient_group.first("PNA")
    assert pna is not None
    system = pna.get(5, 2) == SYSTEM_SURNAME and pna.get(2, 1) == ""
    attachments: list[Attachment] = []
    for group in found:
        for uno in group.all("UNO"):
            size = uno.get(4, 1)
            object_code = uno.get(3, 2)
            extension = uno.get(3, 3)
            attachments.append(
                Attachment(
                    identifier=canonical_id(uno.get(2, 2)),
                    object_code=_OBJECT_NAMES.get(object_code, object_code or None),
                    file_type=_EXTENSION_NAMES.get(extension, extension.lower() or None),
                    size=int(size) if size.isdigit() else None,
                    data=uno.binary,
                )
            )
    note = pna.get(6, 2)
    return AttachmentMessage(
        envelope=envelope,
        message_id=message.reference,
        authorised=dtm_moment(message, found[0].first("DTM")),
        sender=organisation_of(party_group(message, found, "SSP"), unb.get(2, 1)),
        receiver=organisation_of(party_group(message, found, "PO"), unb.get(3, 1)),
        patient=None if system else patient_of(patient_group, details=False),
        attachments=tuple(attachments),
        system_note=(note if note not in ("", "_") else None) if system else None,
    )


def build_bin01(message: AttachmentMessage) -> bytes:
    """Write a BIN01 (B0131X) interchange; every attachment needs its bytes."""
    sender, receiver = message.sender, message.receiver
    if message.patient is None:
        patient = [
            segment(
                "PNA",
                "PAT",
                "",
                "",
                "",
                ["SU", SYSTEM_SURNAME],
                ["FO" if message.system_note else "", message.system_note or ""],
            ),
            segment("RFF", ["XPI", "SYSTEMPOST"]),
        ]
    else:
        from .common import pna

        patient = pna(message.patient)
    objects: list[Segment] = []
    for number, attachment in enumerate(message.attachments, start=1):
        if attachment.data is None:
            raise BuildError(
                "edifact.build-attachment-data",
                Bilingual(
                    f"Bilag {number} har ingen data; BIN01 bærer selve filen.",
                    f"Attachment {number} has no data; BIN01 carries the file itself.",
                ),
            )
        described = describe_binary(attachment)
        size = str(len(attachment.data))
        uno = segment(
            "UNO",
            str(number),
            ["AID", xml_id(described.identifier or "", hyphens=False)],
            [
                "OBJ",
                OBJECT_CODES.get(described.object_code or "", described.object_code or ""),
                EXTENSIONS.get(described.file_type or "", (described.file_type or "").upper()),
                "91",
            ],
            [size, "14", "1", "A"],
        )
        uno.binary = attachment.data
        objects += [uno, segment("UNP", size, str(number))]
    body: list[Segment] = [
        segment("BGM", "OBJ", "", "9", "NA"),
        dtm("137", message.authorised),
        segment("S01", "01"),
        nad("SSP", sender, placeholder=False, department_placeholder=True),
        *adr(sender.address),
        *([segment("CON", "", [sender.phone, "TE"])] if sender.phone else []),
        segment("SEQ", "", "1"),
        spr(sender, "BIN01"),
        segment("S01", "01"),
        nad("PO", receiver, placeholder=True, department_placeholder=True),
        *adr(receiver.address),
        segment("SEQ", "", "2"),
        segment("S02", "02"),
        segment("GIS", "N"),
        segment("RFF", ["SRI", message.message_id]),
        dtm("182", message.authorised),
        segment("S07", "07"),
        *patient,
        *([segment("S11", "11"), *objects] if objects else []),
    ]
    return build_interchange(message.envelope, sender.ean, receiver.ean, message.message_id, Kind.BIN01, body)
