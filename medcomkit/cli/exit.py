"""What every command's exit status means, and how every command prints an error.

=====  ==========================================================================================
 0     every input was handled and none has an error
 1     an input has an error: invalid, not a message medcomkit knows, too large, a journal
       conflict, an output refused because its name would leave the folder
 2     the command could not run as asked: usage error, a missing or unreadable path, a folder
       given where a file belongs, a journal that cannot be opened, an output that cannot be written
=====  ==========================================================================================

A batch command handles every input, prints each failure and returns the highest status at the
end. Every error is printed as ``medcomkit: <rule id>: [<input>: ]<text>`` in the chosen language, with quoted
values clipped (:func:`medcomkit.core.files.clip`), never as a traceback.

This is the one exit-code table. Library code never picks an exit status: it raises an error with
a code (see :mod:`medcomkit.core.errors`) or returns a report, and :func:`exit_status` maps it here.
"""

from __future__ import annotations

import re
import sys
from typing import Final

from ..core.errors import MedcomkitError, unexpected
from ..core.files import MAX_QUOTED, clip
from ..core.lang import Lang
from ..core.xml import TOO_LARGE

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "USAGE", "exit_status", "print_error", "unexpected"]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2

USAGE: Final = "cli.usage"  # the rule id of every usage error, whichever command finds it

_MAX_MESSAGE: Final = 1000  # characters; a message that quotes a value is cut before the terminal is flooded
# Problems with the input itself, not with how the command was called, whatever exception carries them.
_INPUT_PROBLEMS: Final = frozenset({TOO_LARGE.id})
# A run of characters no message of ours would quote: twice what a quoted value may be (a quoted
# value may carry its quotes and a few marks beside its MAX_QUOTED characters).
_LONG_WORD: Final = re.compile(rf"[^\s…]{{{2 * MAX_QUOTED + 1},}}")


def exit_status(error: BaseException) -> int:
    """The exit status for ``error``: 2 when the command could not run as asked, else 1."""
    if isinstance(error, MedcomkitError) and error.code in _INPUT_PROBLEMS:
        return EXIT_INVALID
    if isinstance(error, MedcomkitError) and error.code == USAGE:
        return EXIT_USAGE
    # SourceError and the journal's ArchiveError are OSErrors too; LookupError: an id not there.
    if isinstance(error, OSError | LookupError):
        return EXIT_USAGE
    return EXIT_INVALID


def print_error(error: MedcomkitError, lang: Lang, *, where: object = None) -> None:
    """Print ``error`` to standard error with its rule id, in ``lang``, clipped."""
    text = clip(_LONG_WORD.sub(lambda match: clip(match.group()), error.message(lang)), _MAX_MESSAGE)
    place = f"{clip(where)}: " if where is not None else ""
    print(f"medcomkit: {error.code}: {place}{text}", file=sys.stderr)
