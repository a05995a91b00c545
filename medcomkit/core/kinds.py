"""The message kinds medcomkit knows, in a module of their own.

Every codec, the dispatcher and the archive name kinds; keeping :class:`Kind` apart from the report
lets them do so without importing the report machinery.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Kind"]


class Kind(StrEnum):
    """The message kinds medcomkit recognises; ``unknown`` when it cannot tell."""

    XDIS91 = "XDIS91"
    XBIN01 = "XBIN01"
    XREF01 = "XREF01"
    XCTL01 = "XCTL01"
    XCTL02 = "XCTL02"
    XCTL03 = "XCTL03"
    VANS_ENVELOPE = "VANSEnvelope"
    CARE_COMMUNICATION = "CareCommunication"
    ACKNOWLEDGEMENT = "Acknowledgement"
    DIS91 = "DIS91"  # EDIFACT
    REF01 = "REF01"
    BIN01 = "BIN01"
    CTL01 = "CTL01"
    CTL02 = "CTL02"
    CTL03 = "CTL03"
    UNKNOWN = "unknown"
