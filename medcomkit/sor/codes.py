"""The error codes of the SOR errors, one constant each: a code is typed once and compared by name.

The texts are stable ids (users and tests match them), so a constant is renamed freely, its value never.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CSV_FIELDS",
    "EMPTY",
    "INVALID_EXPORT",
    "MALFORMED_CODE",
    "MALFORMED_EAN",
    "MISSING_COLUMN",
    "NO_LOCATION_NUMBER",
    "NO_MATCH",
    "NO_MESSAGE_TYPES",
    "TOO_LARGE",
    "UNKNOWN_CODE",
    "UNKNOWN_EAN",
    "UNKNOWN_FORMAT",
    "UNKNOWN_MUNICIPALITY",
    "XML_MALFORMED",
]

CSV_FIELDS: Final = "sor.csv-fields"
EMPTY: Final = "sor.empty"
INVALID_EXPORT: Final = "sor.invalid-export"
MALFORMED_CODE: Final = "sor.malformed-code"
MALFORMED_EAN: Final = "sor.malformed-ean"
MISSING_COLUMN: Final = "sor.missing-column"
NO_LOCATION_NUMBER: Final = "sor.no-location-number"
NO_MATCH: Final = "sor.no-match"
NO_MESSAGE_TYPES: Final = "sor.no-message-types"
TOO_LARGE: Final = "sor.too-large"
UNKNOWN_CODE: Final = "sor.unknown-code"
UNKNOWN_EAN: Final = "sor.unknown-ean"
UNKNOWN_FORMAT: Final = "sor.unknown-format"
UNKNOWN_MUNICIPALITY: Final = "sor.unknown-municipality"
XML_MALFORMED: Final = "sor.xml-malformed"
