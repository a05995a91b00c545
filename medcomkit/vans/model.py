"""A VANSEnvelope 1.0.4 as data: who sends to whom, which envelope, and the message or VANS receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

__all__ = [
    "ENDPOINT_TYPES",
    "FORMATS",
    "MIME_TAG",
    "RECEIPT_KINDS",
    "VANS_NS",
    "EndPoint",
    "MetaInformation",
    "VansEnvelope",
    "VansReceipt",
]

VANS_NS: Final = "urn:oio:medcom:vans-envelope:1.0.4"
ENDPOINT_TYPES: Final = ("EAN", "CVR", "VANS")
FORMATS: Final = ("XML", "EDIFACT", "HL7", "Binary", "Other")
RECEIPT_KINDS: Final = ("NegativeVans", "NegativeMessage", "PositiveMessage")
# The service tag MedCom uses to say whether a FHIR payload is JSON or XML.
MIME_TAG: Final = "MCM:MIME"


@dataclass(frozen=True, slots=True)
class EndPoint:
    """A sender or receiver: a location number (EAN), a CVR number or a VANS provider's id."""

    value: str
    type: str = "EAN"


@dataclass(frozen=True, slots=True)
class MetaInformation:
    """What the envelope says about its message (``MetaInformation``).

    ``name`` is the statistical code VANS counts by (``MCM:XDIS91``, ``MCM:FDIS91#other``);
    ``size`` the payload's length in bytes. ``transport_type`` and ``transform`` are ``None``
    when the envelope has no ``Transport`` element.
    """

    identifier: str
    format: str
    name: str
    size: int
    version: str | None = None
    transport_type: str | None = "reliable"
    transform: bool | None = False
    service_tags: tuple[tuple[str, str], ...] = ()
    provider: str | None = None
    service: str | None = None

    @property
    def mime(self) -> str | None:
        """The MIME type named by the ``MCM:MIME`` service tag, if there is one."""
        return next((value for name, value in self.service_tags if name == MIME_TAG), None)


@dataclass(frozen=True, slots=True)
class VansReceipt:
    """A receipt from the VANS network or the receiving system, instead of a message."""

    kind: str  # one of RECEIPT_KINDS
    original_envelope_id: str
    original: MetaInformation | None = None
    error_code: int | None = None
    error_text: str | None = None


@dataclass(frozen=True, slots=True)
class VansEnvelope:
    """A read VANSEnvelope. Exactly one of ``payload`` (with ``meta``) and ``receipt`` is set."""

    sender: EndPoint
    receiver: EndPoint
    envelope_id: str
    sent: datetime
    meta: MetaInformation | None = None
    payload: bytes | None = None
    receipt: VansReceipt | None = None
