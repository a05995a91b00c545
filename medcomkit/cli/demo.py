"""``medcomkit demo km|referral|carecommunication``: write example messages."""

from __future__ import annotations

import argparse
import sys

from ..core.errors import MedcomkitError
from ..demo import write_demo_carecommunication, write_demo_km, write_demo_referral
from .exit import EXIT_OK, EXIT_USAGE

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    try:
        if args.demo == "km":
            paths = write_demo_km(args.out, syntax=args.syntax)
        elif args.demo == "referral":
            paths = write_demo_referral(args.out, version=args.version, syntax=args.syntax)
        else:
            paths = write_demo_carecommunication(args.out, format=args.format)
    except MedcomkitError as error:  # e.g. an XH0131R referral asked for as REF01 (which is H0130R)
        print(f"medcomkit: {error.message(getattr(args, 'lang', 'da'))}", file=sys.stderr)
        return EXIT_USAGE
    for path in paths:
        print(path)
    return EXIT_OK
