"""``medcomkit stats summary``: the headline figures of a VANS statistics CSV."""

from __future__ import annotations

import argparse
import json

from ..core.errors import ParseError, SourceError
from ..core.lang import Lang
from ..stats import load_stats, summarise
from .exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE, print_error

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    try:
        summary = summarise(load_stats(args.input))
    except SourceError as error:
        print_error(error, lang)
        return EXIT_USAGE
    except ParseError as error:
        print_error(error, lang)
        return EXIT_INVALID
    text = summary.to_text(lang)
    print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) if args.format == "json" else text)
    return EXIT_OK
