"""The exception tree of medcomkit.

    MedcomkitError
     ├── ParseError       (ValueError)  the bytes cannot be understood as a message at all
     ├── BuildError       (ValueError)  the model cannot be written as the requested message
     │    └── MarkupError               formatted-text markup that MedCom formatting cannot express
     ├── SourceError      (OSError)     a path cannot be read, or the input is too large to accept
     └── UnsafePathError  (ValueError)  a file would be written outside the folder chosen for it

Every error carries a stable ``code`` (the same ids validation issues use) and its message in
Danish and English; ``str(error)`` is the English text. Each class is also the matching builtin
exception, so ``except ValueError`` keeps working for callers who do not know medcomkit.
Validation never raises these for bad input: it returns a :class:`~medcomkit.core.report.Report`.
"""

from __future__ import annotations

from .lang import Bilingual, Lang
from .mask import mask_cpr

__all__ = ["BuildError", "MarkupError", "MedcomkitError", "ParseError", "SourceError", "UnsafePathError"]


class MedcomkitError(Exception):
    """Base class of every error medcomkit raises on purpose."""

    code: str
    text: Bilingual
    line: int | None

    def __init__(self, code: str, text: Bilingual, *, line: int | None = None) -> None:
        super().__init__(text.en)
        self.code = code
        self.text = text
        self.line = line

    def message(self, lang: Lang = "da", *, mask: bool = True) -> str:
        """The message in ``lang``, with CPR numbers masked unless ``mask=False``."""
        text = self.text.get(lang)
        return mask_cpr(text) if mask else text

    def __str__(self) -> str:
        return mask_cpr(self.text.en)  # tracebacks and logs never show a full CPR number


class ParseError(MedcomkitError, ValueError):
    """The input is not a message medcomkit can make sense of (not XML, unsafe, unknown kind)."""


class BuildError(MedcomkitError, ValueError):
    """The neutral model holds something the requested wire format cannot carry."""


class MarkupError(BuildError):
    """Formatted-text markup is malformed or nests formatting MedCom does not allow."""


class SourceError(MedcomkitError, OSError):
    """A path cannot be read, or the input is larger than the configured bound."""


class UnsafePathError(MedcomkitError, ValueError):
    """A file name would lead outside the folder chosen for the output; nothing was written."""
