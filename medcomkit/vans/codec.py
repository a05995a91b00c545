"""The VANS codec as the dispatcher sees it: a VANSEnvelope, validated with the message inside it.

The payload is any message, so validating it is the dispatcher's work: the codec is handed the
dispatcher's validation through the probe (:attr:`~medcomkit.codecs.Probe.validate_payload`) and
never imports it. medcomkit does not read an envelope into the neutral model (``read`` is
``None``); :func:`medcomkit.unwrap` gives its payload.
"""

from __future__ import annotations

from ..codecs import Codec, Probe
from ..core.kinds import Kind
from ..core.report import Issue
from .model import VANS_NS

__all__ = ["CODEC"]

_ENVELOPE = f"{{{VANS_NS}}}VANSEnvelope"


def _sniff(probe: Probe) -> Kind | None:
    document = probe.document()
    return Kind.VANS_ENVELOPE if document is not None and document.root.tag == _ENVELOPE else None


def _validate(probe: Probe) -> tuple[Kind, list[Issue]]:
    from .validate import validate_envelope  # the envelope, then the message inside it

    document = probe.document()
    assert document is not None  # sniffed as an envelope
    assert probe.validate_payload is not None  # given by the dispatcher
    return validate_envelope(
        document,
        probe.data,
        validate_payload=probe.validate_payload,
        xsd_dir=probe.xsd_dir,
        max_bytes=probe.max_bytes,
    )


CODEC = Codec(name="vans", kinds=frozenset({Kind.VANS_ENVELOPE}), sniff=_sniff, validate=_validate)
