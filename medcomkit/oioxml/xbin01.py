"""XBIN01, attachments in their own envelope (OIOXML BinaryLetter): build XB0131X, read XB0130X/XB0131X."""

from __future__ import annotations

import base64
import binascii

from lxml import etree

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..core.xmltree import line_of
from ..model.identifiers import new_letter_id
from ..model.messages import Attachment, AttachmentMessage, CareMessage, Envelope
from .common import Reader, Writer, canonical_id, describe_binary, new_root, serialise, xml_id
from .namespaces import NS_2012

__all__ = ["attachments_for", "build_xbin01", "join_attachments", "object_key", "read_xbin01"]

MAX_OBJECTS = 10


def read_xbin01(root: etree._Element, letter: etree._Element, ns: str) -> AttachmentMessage:
    """The neutral model of one BinaryLetter, attachment bytes decoded."""
    read = Reader(ns)
    head = read.required(letter, "Letter")
    patient = letter.find(read.q("Patient"))
    attachments = []
    for obj in letter.iterfind(read.q("BinaryObject")):
        payload = read.required(obj, "Object_Base64Encoded")
        try:
            data = base64.b64decode("".join((payload.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise ParseError(
                "xbin01.base64",
                Bilingual(
                    "Object_Base64Encoded er ikke gyldig base64, så bilaget kan ikke læses.",
                    "Object_Base64Encoded is not valid base64, so the attachment cannot be read.",
                ),
                line=line_of(payload),
            ) from None
        attachments.append(
            Attachment(
                identifier=canonical_id(read.text(obj, "ObjectIdentifier")),
                file_type=read.optional(obj, "ObjectExtensionCode"),
                object_code=read.optional(obj, "ObjectCode"),
                size=read.integer(obj, "OriginalObjectSize"),
                data=data,
            )
        )
    return AttachmentMessage(
        envelope=read.envelope(root),
        message_id=read.text(head, "Identifier"),
        authorised=read.moment(head, "Authorisation"),
        sender=read.organisation(read.required(letter, "Sender")),
        receiver=read.organisation(read.required(letter, "Receiver")),
        patient=read.patient(patient, with_address=False) if patient is not None else None,
        attachments=tuple(attachments),
        system_note=read.optional(letter, "Contents"),
    )


def build_xbin01(message: AttachmentMessage, *, encoding: str = "ISO-8859-1", check: bool = True) -> bytes:
    """Write an XB0131X with every attachment's bytes (1–10 objects, UUID identifiers)."""
    if not 1 <= len(message.attachments) <= MAX_OBJECTS:
        raise BuildError(
            "xbin01.build-count",
            Bilingual(
                f"En XBIN01 rummer 1–{MAX_OBJECTS} bilag; her er {len(message.attachments)}.",
                f"An XBIN01 holds 1–{MAX_OBJECTS} attachments; this has {len(message.attachments)}.",
            ),
        )
    ns = NS_2012
    write = Writer(ns)
    root = new_root(ns)
    write.envelope(root, message.envelope)
    letter = write.element(root, "BinaryLetter")
    write.letter_head(
        letter,
        message_id=message.message_id,
        version_code="XB0131X",
        type_code="XBIN01",
        authorised=message.authorised,
    )
    write.organisation(letter, "Sender", message.sender, sender=True)
    write.organisation(letter, "Receiver", message.receiver, sender=False)
    if message.patient is not None:
        write.patient_identity(write.element(letter, "Patient"), message.patient)
    else:
        write.element(letter, "SystemInformation", "true")
        write.optional(letter, "Contents", message.system_note)
    for attachment in message.attachments:
        described = describe_binary(attachment)
        if described.data is None:
            raise BuildError(
                "xbin01.build-data",
                Bilingual(
                    f"Bilaget '{attachment.title or attachment.identifier}' har ingen data at sende.",
                    f"The attachment '{attachment.title or attachment.identifier}' has no data to send.",
                ),
            )
        obj = write.element(letter, "BinaryObject")
        write.element(obj, "ObjectIdentifier", xml_id(described.identifier or "", hyphens=True))
        write.element(obj, "ObjectCode", described.object_code)
        write.element(obj, "ObjectExtensionCode", described.file_type)
        write.element(obj, "OriginalObjectSize", str(len(described.data)))
        write.element(obj, "Object_Base64Encoded", base64.encodebytes(described.data).decode("ascii").strip())
    data = serialise(root, encoding, [], ns)
    if check:
        from .validate import raise_if_invalid

        raise_if_invalid(data, "XBIN01")
    return data


def attachments_for(
    message: CareMessage, *, message_id: str | None = None, envelope_id: str | None = None
) -> AttachmentMessage | None:
    """The XBIN01 that carries a korrespondancemeddelelse's attachment bytes, in its own envelope
    (new ids unless given); ``None`` when no attachment has bytes to send."""
    with_data = tuple(a for a in message.attachments if a.data is not None and a.url is None)
    if not with_data:
        return None
    return AttachmentMessage(
        envelope=Envelope(
            identifier=envelope_id or new_letter_id(),
            sent=message.envelope.sent,
            positive_receipt=message.envelope.positive_receipt,
        ),
        message_id=message_id or new_letter_id(),
        authorised=message.authorised,
        sender=message.sender,
        receiver=message.receiver,
        patient=message.patient,
        attachments=with_data,
    )


def join_attachments(message: CareMessage, binary: AttachmentMessage) -> CareMessage:
    """The message with attachment bytes filled in from its XBIN01, matched by ObjectIdentifier
    (case and hyphens ignored, as implementations differ)."""
    from dataclasses import replace

    by_id = {object_key(a.identifier): a for a in binary.attachments if a.identifier}
    joined = []
    for attachment in message.attachments:
        match = by_id.get(object_key(attachment.identifier)) if attachment.identifier else None
        joined.append(replace(attachment, data=match.data) if match is not None else attachment)
    return replace(message, attachments=tuple(joined))


def object_key(identifier: str | None) -> str:
    """An ObjectIdentifier as XDIS91 and XBIN01 are matched by it: case and hyphens ignored
    (XDIS91 often writes it without hyphens, XBIN01 with)."""
    return (identifier or "").replace("-", "").lower()
