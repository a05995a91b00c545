"""The ``medcomkit`` command. Thin: every command is a library function plus printing.

Exit status, the same in every command (see ``medcomkit.cli.exit``): 0 when no input has an error, 1
when any has, 2 for usage errors, missing or unreadable paths, and folders given as files.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from ..core.errors import unexpected
from ..core.mask import MaskingWriter
from .exit import EXIT_OK, exit_status, print_error
from .parser import build_parser

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "show_cpr", False):
        return _run(args)
    # Every command prints through the one CPR mask, whatever message value it shows.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = MaskingWriter(sys.stdout), MaskingWriter(sys.stderr)
    try:
        return _run(args)
    finally:
        masked = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = streams
        for stream in masked:
            with contextlib.suppress(BrokenPipeError, ValueError):
                stream.flush()


def _run(args: argparse.Namespace) -> int:
    try:
        # The command's module is imported only now, so ``validate`` does not pay for pandas or the journal.
        command = importlib.import_module(f"{__name__}.{args.command}")
        status: int = command.run(args)
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # the last guard: a rule id and a clear text, never a traceback
        known = unexpected(error)
        print_error(known, getattr(args, "lang", "da"))
        return exit_status(known)


if __name__ == "__main__":
    sys.exit(main())
