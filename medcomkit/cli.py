"""The ``medcomkit`` command. Thin: every command is a library function plus printing.

Exit status: 0 when no input has an error, 1 when any has, 2 for usage errors or unreadable paths.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ._lang import Lang

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# argparse speaks English; these are the messages a user meets most, in Danish too.
_DANISH = {
    "the following arguments are required": "følgende argumenter mangler",
    "unrecognized arguments": "ukendte argumenter",
    "invalid choice": "ugyldigt valg",
    "expected one argument": "forventer ét argument",
    "invalid int value": "ugyldigt heltal",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        danish = message
        for english, translated in _DANISH.items():
            danish = danish.replace(english, translated)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: fejl: {danish}\n{self.prog}: error: {message}\n")


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = text.strip().lower().removesuffix("b")
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 32M)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the size must be positive")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="medcomkit",
        description="Build, validate and convert MedCom messages (XDIS91, XBIN01, XCTL, CareCommunication).",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="validate messages; the kind is detected")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="message files (XML or JSON)")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")
    validate.add_argument(
        "--xsd-dir", type=Path, metavar="DIR", help="validate against official MedCom XSDs in DIR"
    )
    validate.add_argument(
        "--max-size", type=_size, metavar="SIZE", help="largest input accepted (default 32M)"
    )
    validate.add_argument("--show-cpr", action="store_true", help="do not mask CPR numbers in messages")

    demo = commands.add_parser("demo", help="write example messages")
    demo_kinds = demo.add_subparsers(dest="demo", required=True, parser_class=_Parser)
    km = demo_kinds.add_parser("km", help="a valid XDIS91 with its XBIN01 (PDF) for a fictitious patient")
    km.add_argument("--out", type=Path, required=True, metavar="DIR")
    return parser


def _validate(args: argparse.Namespace) -> int:
    from ._errors import SourceError
    from .oioxml.link import link_reports
    from .validation import validate
    from .xmlsafe import MAX_DOCUMENT_BYTES

    lang: Lang = args.lang
    reports = []
    unreadable = False
    for path in args.paths:
        try:
            reports.append(
                validate(path, xsd_dir=args.xsd_dir, max_bytes=args.max_size or MAX_DOCUMENT_BYTES)
            )
        except SourceError as error:
            unreadable = True
            print(f"medcomkit: {error.message(lang)}", file=sys.stderr)
    reports = link_reports(reports)
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
    if unreadable:
        return EXIT_USAGE
    return EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID


def _demo(args: argparse.Namespace) -> int:
    from .demo import write_demo_km

    for path in write_demo_km(args.out):
        print(path)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"validate": _validate, "demo": _demo}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"medcomkit: fejl/error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
