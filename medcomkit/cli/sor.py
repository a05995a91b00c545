"""``medcomkit sor lookup``: look units up in SOR (the demo registry or an export)."""

from __future__ import annotations

import argparse
import json

from ..core.errors import MedcomkitError, SorLookupError
from ..core.lang import Lang
from ..sor import demo_registry, load_sor
from .exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE, print_error

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    try:
        registry = load_sor(args.registry) if args.registry else demo_registry()
    except MedcomkitError as error:  # an unreadable or malformed registry: the command cannot run
        print_error(error, lang)
        return EXIT_USAGE
    try:
        units = registry.lookup(args.query, limit=args.limit + 1)  # one more tells whether there are more
    except SorLookupError as error:
        print_error(error, lang)
        if args.format == "json":
            print("[]")
        return EXIT_INVALID
    more = len(units) > args.limit
    units = units[: args.limit]
    if args.format == "json":
        print(json.dumps([u.to_dict() for u in units], ensure_ascii=False, indent=2))
        return EXIT_OK
    if registry.demo:
        print("Demoregister — fiktive koder\n" if lang == "da" else "Demo registry — fictitious codes\n")
    print("\n\n".join(u.to_text(lang) for u in units))
    if more:
        print(
            f"\nFlere enheder passer; de {args.limit} bedste er vist (se flere med --limit)."
            if lang == "da"
            else f"\nMore units match; the best {args.limit} are shown (see more with --limit)."
        )
    return EXIT_OK
