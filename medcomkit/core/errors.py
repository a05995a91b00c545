"""The exception tree of medcomkit.

    MedcomkitError
     ├── ParseError       (ValueError)  the bytes cannot be understood as a message at all
     ├── BuildError       (ValueError)  the model cannot be written as the requested message
     │    └── MarkupError               formatted-text markup that MedCom formatting cannot express
     ├── SourceError      (OSError)     a path cannot be read, or the input is too large to accept
     ├── UnsafePathError  (ValueError)  a file would be written outside the folder chosen for it
     ├── ArchiveError     (OSError)     the journal file cannot be used: missing, damaged, too new, locked
     ├── EntryNotFound    (LookupError) no journal entry has the id asked for
     ├── SorLookupError   (LookupError) a SOR code, location number or name the registry does not hold
     └── LandscapeLookupError (LookupError) a municipality or system the landscape tables do not know

All of them live here, so one glance shows what medcomkit can raise; each is also importable from the
module that raises it (``medcomkit.archive``, ``medcomkit.sor``, ``medcomkit.landscape``).

Every error carries a stable ``code`` (the same ids validation issues use) and its message in
Danish and English; ``str(error)`` is the English text. Each class is also the matching builtin
exception, so ``except ValueError`` keeps working for callers who do not know medcomkit.
Validation never raises these for bad input: it returns a :class:`~medcomkit.core.report.Report`.

:func:`unexpected` turns any other exception into a :class:`MedcomkitError` with a rule id, so a
batch can report it and go on; which exit status an error means is the CLI's business
(:mod:`medcomkit.cli.exit`), not the library's.
"""

from __future__ import annotations

from .lang import Bilingual, Lang, shorten
from .mask import mask_cpr

__all__ = [
    "ArchiveError",
    "BuildError",
    "EntryNotFound",
    "LandscapeLookupError",
    "MarkupError",
    "MedcomkitError",
    "ParseError",
    "SorLookupError",
    "SourceError",
    "UnsafePathError",
    "unexpected",
]


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


class ArchiveError(MedcomkitError, OSError):
    """The journal file cannot be used: missing, not a journal, damaged, too new, or locked."""


class EntryNotFound(MedcomkitError, LookupError):
    """No journal entry has the id asked for."""


class SorLookupError(MedcomkitError, LookupError):
    """A SOR code, location number or name the registry does not hold, or a query that is no code at all."""


class LandscapeLookupError(MedcomkitError, LookupError):
    """A municipality or system the landscape tables do not know."""


def unexpected(error: BaseException, where: str | None = None) -> MedcomkitError:
    """An error medcomkit did not foresee, as a :class:`MedcomkitError` with a rule id, so a batch
    can report it and go on with the next input instead of ending in a traceback."""
    if isinstance(error, MedcomkitError):
        return error
    if isinstance(error, OSError):
        reason = shorten(str(error.strerror or error), 200)
        name = shorten(str(error.filename if error.filename is not None else where or ""), 200)
        return SourceError(
            "file.os-error",
            Bilingual(
                f"{name}: styresystemet svarede: {reason}.", f"{name}: the operating system said: {reason}."
            ),
        )
    detail = shorten(f"{type(error).__name__}: {error}", 200)
    return MedcomkitError(
        "internal.unexpected",
        Bilingual(
            f"{where + ': ' if where else ''}medcomkit kunne ikke behandle inputtet ({detail}). De øvrige "
            "input behandles; meld gerne fejlen med filen.",
            f"{where + ': ' if where else ''}medcomkit could not handle the input ({detail}). The other "
            "inputs are handled; please report this with the file.",
        ),
    )
