"""``medcomkit validate``: validate message files of any kind, one report each, and a count."""

from __future__ import annotations

import argparse
import json

from ..core.errors import MedcomkitError
from ..core.lang import Lang
from ..core.xml import MAX_DOCUMENT_BYTES
from ..dispatch import validate_many
from .exit import EXIT_INVALID, EXIT_OK, exit_status, print_error

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    max_bytes = args.max_size or MAX_DOCUMENT_BYTES
    status = EXIT_OK

    def failed(_: str | None, error: MedcomkitError) -> None:  # each input is handled, never a traceback
        nonlocal status
        print_error(error, lang)
        status = max(status, exit_status(error))

    reports = validate_many(
        args.paths, xsd_dir=args.xsd_dir, max_bytes=max_bytes, jobs=args.jobs, on_error=failed
    )
    mask = not args.show_cpr
    if args.format == "json":
        print(json.dumps([r.to_dict(lang, mask=mask) for r in reports], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(r.to_text(lang, mask=mask) for r in reports))
        if len(reports) > 1:
            invalid = sum(not r.valid for r in reports)
            summary = (
                f"{len(reports)} filer, {invalid} ugyldige"
                if lang == "da"
                else f"{len(reports)} files, {invalid} invalid"
            )
            print(f"\n{summary}")
    return max(status, EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID)
