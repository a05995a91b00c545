"""Wrapping a message in a VANSEnvelope 1.0.4 and unwrapping it again.

``wrap`` reads the payload (OIOXML, an EDIFACT interchange, or FHIR in JSON or XML) to fill in the
envelope: sender and receiver, identifiers, send time, Format, statistical Name, Version and the
MIME service tag (see :mod:`medcomkit.vans.payload` for MedCom's values and which of them are
inferred). Every value can be given explicitly, which is how any other data (a PDF) is wrapped.
``unwrap`` gives back exactly the bytes that were wrapped, or raises a
:class:`~medcomkit.ParseError` that says what is wrong with the envelope.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from lxml import etree

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..core.report import Severity, raise_for_errors
from ..core.source import Source, read_source
from ..core.xml import MAX_DOCUMENT_BYTES, parse_xml
from ..core.xmltree import COPENHAGEN, checked_text
from . import rules as r
from .model import MIME_TAG, VANS_NS, EndPoint, MetaInformation, VansEnvelope
from .payload import describe_payload
from .validate import inspect_envelope, q

__all__ = ["build_envelope", "read_envelope", "unwrap", "wrap"]

# Error codes of building an envelope.
BUILD_MISSING: Final = "vans.build-missing"
BUILD_INVALID: Final = "vans.build-invalid"

_DIGITS = re.compile(r"[0-9]+")


def wrap(
    payload: Source,
    *,
    sender: str | None = None,
    receiver: str | None = None,
    sender_type: str | None = None,
    receiver_type: str | None = None,
    envelope_id: str | None = None,
    message_id: str | None = None,
    sent: datetime | None = None,
    format: str | None = None,
    name: str | None = None,
    version: str | None = None,
    mime: str | None = None,
    reliable: bool = True,
    transform: bool = False,
    service_tags: Iterable[tuple[str, str]] = (),
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> bytes:
    """Wrap a message (bytes or a path) in a VANSEnvelope and return the envelope's bytes.

    What the payload says fills in what is not given. An end point is of type EAN when it is all
    digits and VANS otherwise, unless ``sender_type``/``receiver_type`` says so (EAN, CVR, VANS).
    Without ``sent`` the payload's own send time is used (so wrapping is repeatable), else now;
    without ``envelope_id`` one is derived from the payload's ids, else a new random UUID is used.
    Raises :class:`BuildError` when a value the envelope needs is neither given nor in the payload,
    or when a given value does not fit the envelope.
    """
    data, _ = read_source(payload, max_bytes=max_bytes)
    info = describe_payload(data)
    sender = sender or info.sender
    receiver = receiver or info.receiver
    # Data that names no envelope gets a fresh id: an EnvelopeIdentifier is new for every sending.
    envelope_id = envelope_id or info.envelope_id or str(uuid.uuid4())
    message_id = message_id or info.message_id or envelope_id
    name = name or info.name
    missing = [
        label for label, value in (("sender", sender), ("receiver", receiver), ("name", name)) if not value
    ]
    if missing or sender is None or receiver is None or name is None:
        raise BuildError(
            BUILD_MISSING,
            Bilingual(
                f"Kuverten kan ikke bygges: indholdet ({info.what.da}) oplyser ikke {', '.join(missing)}; "
                "angiv dem.",
                f"The envelope cannot be built: the payload ({info.what.en}) does not give "
                f"{', '.join(missing)}; pass them.",
            ),
        )
    tags = [(MIME_TAG, mime or info.mime)] if (mime or info.mime) else []
    tags.extend(service_tags)
    envelope = VansEnvelope(
        sender=EndPoint(sender, sender_type or _endpoint_type(sender)),
        receiver=EndPoint(receiver, receiver_type or _endpoint_type(receiver)),
        envelope_id=envelope_id,
        sent=sent or info.sent or datetime.now(COPENHAGEN),
        meta=MetaInformation(
            identifier=message_id or envelope_id,
            format=format or info.format,
            name=name,
            size=len(data),
            version=version or info.version,
            transport_type="reliable" if reliable else "unreliable",
            transform=transform,
            service_tags=tuple((tag, value) for tag, value in tags if value is not None),
        ),
        payload=data,
    )
    return build_envelope(envelope)


def _endpoint_type(value: str) -> str:
    # Assumption: location numbers are digits; anything else names a VANS provider (as XCTL01 senders do).
    return "EAN" if _DIGITS.fullmatch(value) else "VANS"


def build_envelope(envelope: VansEnvelope) -> bytes:
    """Write a message envelope (``meta`` and ``payload`` set) as UTF-8 XML.

    The result is checked like a received envelope; a value that does not fit the VANSEnvelope
    schema raises :class:`BuildError` naming it.
    """
    meta, payload = envelope.meta, envelope.payload
    if meta is None or payload is None:
        raise BuildError(
            BUILD_MISSING,
            Bilingual(
                "En kuvert skal have en meddelelse (meta og payload).",
                "An envelope needs a message (meta and payload).",
            ),
        )
    root = etree.Element(q("VANSEnvelope"), nsmap={None: VANS_NS})  # type: ignore[dict-item]

    def add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, q(name))
        if text is not None:
            child.text = checked_text(text, name)
        return child

    for name, point in (("SenderID", envelope.sender), ("ReceiverID", envelope.receiver)):
        add(root, name, point.value).set("EndPointType", point.type)
    add(root, "EnvelopeIdentifier", envelope.envelope_id)
    add(root, "SentDateTime", envelope.sent.replace(microsecond=0).isoformat())
    message = add(root, "Message")
    information = add(message, "MetaInformation")
    add(information, "Identifier", meta.identifier)
    if meta.provider is not None or meta.service is not None:
        processing = add(information, "Processing")
        add(processing, "ProviderIdentifier", meta.provider or "")
        add(processing, "ServiceIdentifier", meta.service or "")
    document = add(information, "Document")
    add(document, "Format", meta.format)
    add(document, "Name", meta.name)
    if meta.version is not None:
        add(document, "Version", meta.version)
    add(document, "SizeInBytes", str(meta.size))
    if meta.transform is not None or meta.transport_type is not None or meta.service_tags:
        transport = add(information, "Transport")
        if meta.transport_type is not None:
            add(transport, "Type", meta.transport_type)
        add(transport, "TransformMessage", "true" if meta.transform else "false")
        for tag, value in meta.service_tags:
            add(transport, "ServiceTag", value).set("name", checked_text(tag, "ServiceTag"))
    add(message, "Data", base64.b64encode(payload).decode("ascii"))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    raise_for_errors(
        inspect_envelope(parse_xml(data, max_bytes=len(data)).root).issues,
        BUILD_INVALID,
        Bilingual("Kuverten bliver ugyldig: ", "The envelope would be invalid: "),
    )
    return data


def read_envelope(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> VansEnvelope:
    """Read a VANSEnvelope (bytes or a path), checking its structure and Data.

    Raises :class:`ParseError` for anything that is not a whole, well-formed envelope (naming
    every problem found, in Danish and English), and :class:`SourceError` when the input is
    larger than ``max_bytes`` or cannot be read. The payload is not validated here; use
    :func:`medcomkit.validate` for that.
    """
    data, _ = read_source(source, max_bytes=max_bytes)
    inspection = inspect_envelope(parse_xml(data, max_bytes=max_bytes).root)
    errors = [i for i in inspection.issues if i.severity is Severity.ERROR]
    if errors or inspection.envelope is None:
        first = errors[0]
        more = (
            Bilingual(f" (og {len(errors) - 1} fejl mere)", f" (and {len(errors) - 1} more)")
            if errors[1:]
            else Bilingual("", "")
        )
        where = f"{first.location}: " if first.location else ""
        raise ParseError(
            first.rule,
            Bilingual(
                f"VANS-kuverten kan ikke læses. {where}{first.message('da')}{more.da}",
                f"The VANS envelope cannot be read. {where}{first.message('en')}{more.en}",
            ),
            line=first.line,
        )
    return inspection.envelope


def unwrap(source: Source, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The message a VANSEnvelope carries, byte for byte as it was wrapped (see :func:`read_envelope`)."""
    envelope = read_envelope(source, max_bytes=max_bytes)
    if envelope.payload is None:
        kind = envelope.receipt.kind if envelope.receipt is not None else "?"
        raise ParseError(r.NO_MESSAGE.id, r.NO_MESSAGE.text.format(receipt=kind))
    return envelope.payload
