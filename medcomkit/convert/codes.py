"""The error codes of the conversion errors, one constant each: a code is typed once and compared by name.

The texts are stable ids (users and tests match them), so a constant is renamed freely, its value never.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "INPUT",
    "NOTHING",
    "NOT_FHIR",
    "NOT_OIOXML",
    "RECEIPT_MISMATCH",
    "RECEIPT_MISSING",
    "SOR_MISSING",
    "STATE_UNREADABLE",
    "TIME_MISSING",
    "XBIN01_UNREFERENCED",
]

INPUT: Final = "convert.input"
NOT_FHIR: Final = "convert.not-fhir"
NOT_OIOXML: Final = "convert.not-oioxml"
NOTHING: Final = "convert.nothing"
RECEIPT_MISMATCH: Final = "convert.receipt-mismatch"
RECEIPT_MISSING: Final = "convert.receipt-missing"
SOR_MISSING: Final = "convert.sor-missing"
STATE_UNREADABLE: Final = "convert.state-unreadable"
TIME_MISSING: Final = "convert.time-missing"
XBIN01_UNREFERENCED: Final = "convert.xbin01-unreferenced"
