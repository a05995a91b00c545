"""The error codes of the journal errors, one constant each: a code is typed once and compared by name.

The texts are stable ids (users and tests match them), so a constant is renamed freely, its value never.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BUSY",
    "CORRUPT",
    "DATABASE_ERROR",
    "EXPORT_NOT_EMPTY",
    "FOREIGN",
    "IS_DIRECTORY",
    "KEY_MISMATCH",
    "KEY_REQUIRED",
    "MISSING",
    "NOT_A_MESSAGE",
    "NO_SUCH_ENTRY",
    "UNOPENABLE",
    "VERSION",
]

BUSY: Final = "archive.busy"
CORRUPT: Final = "archive.corrupt"
DATABASE_ERROR: Final = "archive.database-error"
EXPORT_NOT_EMPTY: Final = "archive.export-not-empty"
FOREIGN: Final = "archive.foreign"
IS_DIRECTORY: Final = "archive.is-directory"
KEY_MISMATCH: Final = "archive.key-mismatch"
KEY_REQUIRED: Final = "archive.key-required"
MISSING: Final = "archive.missing"
NO_SUCH_ENTRY: Final = "archive.no-such-entry"
NOT_A_MESSAGE: Final = "archive.not-a-message"
UNOPENABLE: Final = "archive.unopenable"
VERSION: Final = "archive.version"
