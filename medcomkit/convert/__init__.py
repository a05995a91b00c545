"""Conversion between the two generations of the korrespondancemeddelelse, as MedCom's conversion
service at the VANS providers does it: XDIS91 (+ XBIN01) ⇄ CareCommunication, and XCTL receipts ⇄
Acknowledgement. Every conversion returns the result, the changes made on the way (what was lost,
invented or rewritten, each citing the row of MedCom's mapping spreadsheet it follows) and the id
correlation that ties the two generations together. :func:`convert_like_service` converts files as
the conversion service does, invalid input and receipts included; :class:`ConversionState` keeps
the correlations between runs."""

from __future__ import annotations

from .changes import Change, ChangeKind, Conversion, Correlation, cite
from .outcome import ConvertedFile, Notice, Refusal, ServiceRun
from .receipts import acknowledgement_to_xctl, xctl_to_acknowledgement
from .service import convert_like_service
from .state import ConversionState
from .to_fhir import (
    CONVERSION_PROBLEM_NOTE,
    HIGH_PRIORITY_NOTE,
    NO_PHONE,
    UNKNOWN_ROLE,
    UNKNOWN_TOPIC,
    SorEntry,
    SorLookup,
    registry_lookup,
    xdis91_to_carecommunication,
)
from .to_oioxml import MORE_CPR_NOTE, UNKNOWN_FAMILY_NAME, carecommunication_to_xdis91

__all__ = [
    "CONVERSION_PROBLEM_NOTE",
    "HIGH_PRIORITY_NOTE",
    "MORE_CPR_NOTE",
    "NO_PHONE",
    "UNKNOWN_FAMILY_NAME",
    "UNKNOWN_ROLE",
    "UNKNOWN_TOPIC",
    "Change",
    "ChangeKind",
    "Conversion",
    "ConversionState",
    "ConvertedFile",
    "Correlation",
    "Notice",
    "Refusal",
    "ServiceRun",
    "SorEntry",
    "SorLookup",
    "acknowledgement_to_xctl",
    "carecommunication_to_xdis91",
    "cite",
    "convert_like_service",
    "registry_lookup",
    "xctl_to_acknowledgement",
    "xdis91_to_carecommunication",
]
