"""VANS transport: the VANSEnvelope 1.0.4 around a message, and a file mailbox for VANS clients.

    wrap(payload) ─► envelope bytes ─► Mailbox.post ─► out/ ─► VANS ─► in/ ─► Mailbox.take ─► unwrap

:func:`wrap` and :func:`unwrap` turn a message (OIOXML or FHIR, JSON or XML, or any bytes with
explicit metadata) into an envelope and back, byte for byte. :func:`medcomkit.validate` checks an
envelope and the message inside it. :class:`Mailbox` writes envelopes so that the program on the
other side of a folder never sees half a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_names

if TYPE_CHECKING:
    from .envelope import build_envelope, read_envelope, unwrap, wrap
    from .files import unwrap_file, wrap_file
    from .mailbox import BOXES, Box, Mailbox, MailItem, is_message_name, write_atomic
    from .model import EndPoint, MetaInformation, VansEnvelope, VansReceipt
    from .payload import PayloadInfo, describe_payload
    from .validate import validate_envelope

# Imported on first use: the dispatcher imports this package to sniff for an envelope (vans.codec),
# which must not cost the mailbox, the envelope checks and the neutral model.
_LAZY: dict[str, str] = {
    "validate_envelope": ".validate",
    "build_envelope": ".envelope",
    "read_envelope": ".envelope",
    "unwrap": ".envelope",
    "wrap": ".envelope",
    "unwrap_file": ".files",
    "wrap_file": ".files",
    "BOXES": ".mailbox",
    "Box": ".mailbox",
    "Mailbox": ".mailbox",
    "MailItem": ".mailbox",
    "is_message_name": ".mailbox",
    "write_atomic": ".mailbox",
    "EndPoint": ".model",
    "MetaInformation": ".model",
    "VansEnvelope": ".model",
    "VansReceipt": ".model",
    "PayloadInfo": ".payload",
    "describe_payload": ".payload",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())

__all__ = [
    "BOXES",
    "Box",
    "EndPoint",
    "MailItem",
    "Mailbox",
    "MetaInformation",
    "PayloadInfo",
    "VansEnvelope",
    "VansReceipt",
    "build_envelope",
    "describe_payload",
    "is_message_name",
    "read_envelope",
    "unwrap",
    "unwrap_file",
    "validate_envelope",
    "wrap",
    "wrap_file",
    "write_atomic",
]
