"""``medcomkit vans wrap|unwrap``: put a message into a VANSEnvelope, or take it out again."""

from __future__ import annotations

import argparse

from ..core.errors import unexpected
from ..core.lang import Lang
from ..core.xml import MAX_DOCUMENT_BYTES
from ..vans.files import unwrap_file, wrap_file
from .exit import EXIT_OK, exit_status, print_error

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    try:
        if args.vans == "wrap":
            path = wrap_file(
                args.input,
                args.out,
                sender=args.sender,
                receiver=args.receiver,
                envelope_id=args.envelope_id,
                name=args.name,
                format=args.doc_format,
                version=args.doc_version,
                max_bytes=args.max_size or MAX_DOCUMENT_BYTES,
            )
        else:
            path = unwrap_file(args.input, args.out, max_bytes=args.max_size or MAX_DOCUMENT_BYTES)
    except Exception as error:  # reported with its rule id, never as a traceback
        known = unexpected(error, str(args.input))
        print_error(known, lang)
        return exit_status(known)
    print(path)
    return EXIT_OK
