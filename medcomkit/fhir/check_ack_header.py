"""The acknowledgement header profile: what medcom-messaging-acknowledgementHeader adds to a MessageHeader.

Apart from :mod:`~medcomkit.fhir.check_acknowledgement` because the invariant ``medcom-messaging-4``
evaluates this profile, and the acknowledgement checks in turn evaluate invariants.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.lang import Bilingual
from . import rules as r
from .check_messaging import cc_destinations
from .finding import Finding, finding
from .index import Entry, MessageIndex

__all__ = ["header_profile"]


def header_profile(entry: Entry, index: MessageIndex) -> Iterator[Finding]:
    """What medcom-messaging-acknowledgementHeader adds to the messaging header (reported as -2)."""
    resource, path = entry.resource, entry.path
    response = resource.get("response")
    if not isinstance(response, dict):
        problem = Bilingual(
            "response mangler (en kvittering angiver det kvitterede MessageHeader.id og en svarkode)",
            "response is missing (an acknowledgement states the acknowledged MessageHeader.id and a "
            "response code)",
        )
        yield finding(r.ACK_HEADER, f"{path}.response", resource, problem=problem)
    else:
        details = response.get("details")
        target = index.resolve(details) if details is not None else None
        if target is not None and target.type != "OperationOutcome":
            problem = Bilingual(
                f"response.details peger på en {target.type}, ikke en OperationOutcome",
                f"response.details points to a {target.type}, not an OperationOutcome",
            )
            yield finding(r.ACK_HEADER, f"{path}.response.details", details, problem=problem)
    for number, destination in cc_destinations(entry):
        problem = Bilingual(
            "en kvittering må ikke have cc-modtagere (destination:cc 0..0)",
            "an acknowledgement must not have cc receivers (destination:cc 0..0)",
        )
        yield finding(r.ACK_HEADER, f"{path}.destination[{number}]", destination, problem=problem)
