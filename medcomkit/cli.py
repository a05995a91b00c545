"""The ``medcomkit`` command. Thin: every command is a library function plus printing.

Exit status, the same in every command (see ``medcomkit._exit``): 0 when no input has an error, 1
when any has, 2 for usage errors, missing or unreadable paths, and folders given as files.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ._exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE, exit_status, print_error, unexpected
from ._lang import Lang

__all__ = ["main"]

MAX_SIZE_LIMIT = 4 * 1024**3  # no message is larger; a larger --max-size is a typo

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
        self.exit(
            EXIT_USAGE, f"{self.prog}: cli.usage: fejl: {danish}\n{self.prog}: cli.usage: error: {message}\n"
        )


_SIZE = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[kmg]?)b?")


def _size(text: str) -> int:
    """A size such as ``32M``, ``500k`` or ``1048576``: positive, finite, at most 4G."""
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    match = _SIZE.fullmatch(text.strip().lower())
    value = int(float(match["number"]) * units[match["unit"]]) if match and len(text) < 20 else 0
    if not 0 < value <= MAX_SIZE_LIMIT:
        raise argparse.ArgumentTypeError(
            f"ikke en størrelse mellem 1 og 4G / not a size between 1 and 4G: {text[:40]!r} (e.g. 32M)"
        )
    return value


def _max_size(parser: argparse.ArgumentParser, what: str = "input") -> None:
    parser.add_argument(
        "--max-size", type=_size, metavar="SIZE", help=f"largest {what} accepted, e.g. 64M (default 32M)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="medcomkit",
        description="Build, validate and convert MedCom messages (XDIS91, XBIN01, XCTL, CareCommunication).",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="validate messages; the kind is detected")
    validate.add_argument(
        "paths", nargs="+", metavar="PATH", help="message files (XML or JSON); - reads standard input"
    )
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")
    validate.add_argument(
        "--xsd-dir", type=Path, metavar="DIR", help="validate against official MedCom XSDs in DIR"
    )
    _max_size(validate)
    validate.add_argument("--show-cpr", action="store_true", help="do not mask CPR numbers in messages")

    demo = commands.add_parser("demo", help="write example messages")
    demo_kinds = demo.add_subparsers(dest="demo", required=True, parser_class=_Parser)
    km = demo_kinds.add_parser("km", help="a valid XDIS91 with its XBIN01 (PDF) for a fictitious patient")
    km.add_argument("--out", type=Path, required=True, metavar="DIR")
    referral = demo_kinds.add_parser(
        "referral", help="a valid XREF01 to child psychiatry with its XBIN01 and the regional form (PDF)"
    )
    referral.add_argument("--out", type=Path, required=True, metavar="DIR")
    referral.add_argument("--version", choices=("XH0130R", "XH0131R"), default="XH0130R")
    cc = demo_kinds.add_parser(
        "carecommunication", help="a valid FHIR CareCommunication thread: new message, reply, forward"
    )
    cc.add_argument("--out", type=Path, required=True, metavar="DIR")
    cc.add_argument("--format", choices=("json", "xml"), default="json")

    convert = commands.add_parser(
        "convert", help="convert XDIS91 (+ XBIN01) to CareCommunication or back, as MedCom's service does"
    )
    convert.add_argument("paths", nargs="+", metavar="INPUT", help="message files; an XDIS91 with its XBIN01")
    convert.add_argument("--to", choices=("fhir", "oioxml"), required=True)
    convert.add_argument("--fhir-format", choices=("json", "xml"), default="json")
    convert.add_argument("--out", type=Path, required=True, metavar="DIR")
    convert.add_argument(
        "--sor", action="append", default=[], metavar="EAN=SOR", help="SOR code of a location number (repeat)"
    )
    convert.add_argument(
        "--registry",
        metavar="FILE",
        help="look SOR codes up in a SOR export, or 'demo' for the demo registry",
    )
    convert.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")
    _max_size(convert)

    archive = commands.add_parser("archive", help="the journal of every message sent or received (SQLite)")
    archive_commands = archive.add_subparsers(dest="archive", required=True, parser_class=_Parser)
    journal = _Parser(add_help=False)
    journal.add_argument("--db", type=Path, required=True, metavar="FILE", help="the journal file")
    journal.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")
    journal.add_argument("--key-file", type=Path, metavar="FILE", help="patient-index key, kept apart")
    _max_size(journal, "message")
    archive_add = archive_commands.add_parser("add", parents=[journal], help="journalise message files")
    archive_add.add_argument("paths", nargs="+", metavar="PATH", help="message files (XML or JSON)")
    archive_add.add_argument("--direction", choices=("sent", "received"), required=True)
    archive_list = archive_commands.add_parser("list", parents=[journal], help="one line per message")
    archive_list.add_argument("--format", choices=("text", "json"), default="text")
    archive_list.add_argument("--patient", metavar="CPR", help="only messages about this patient")
    archive_list.add_argument("--now", metavar="TIME", help="state as of this time (ISO 8601)")
    archive_show = archive_commands.add_parser("show", parents=[journal], help="one message, receipts, state")
    archive_show.add_argument("id", type=int, metavar="ID")
    archive_show.add_argument("--format", choices=("text", "json"), default="text")
    archive_show.add_argument("--now", metavar="TIME", help="state as of this time (ISO 8601)")
    archive_show.add_argument("--export", type=Path, metavar="DIR", help="write the journal copy into DIR")

    vans = commands.add_parser("vans", help="wrap a message in a VANSEnvelope, or take it out again")
    vans_actions = vans.add_subparsers(dest="vans", required=True, parser_class=_Parser)
    vans_wrap = vans_actions.add_parser("wrap", help="wrap a message (OIOXML, FHIR or other data)")
    vans_wrap.add_argument("input", type=Path, metavar="INPUT", help="the message file")
    vans_wrap.add_argument("--sender", metavar="EAN", help="sender (default: from the message)")
    vans_wrap.add_argument("--receiver", metavar="EAN", help="receiver (default: from the message)")
    vans_wrap.add_argument("--envelope-id", metavar="UUID", help="EnvelopeIdentifier (default: derived)")
    vans_wrap.add_argument("--name", metavar="CODE", help="Name, e.g. MCM:XDIS91 (default: derived)")
    vans_wrap.add_argument("--doc-format", choices=("XML", "EDIFACT", "HL7", "Binary", "Other"))
    vans_wrap.add_argument("--doc-version", metavar="VERSION", help="Version (default: derived)")
    vans_unwrap = vans_actions.add_parser("unwrap", help="take the message out of a VANSEnvelope")
    vans_unwrap.add_argument("input", type=Path, metavar="INPUT", help="the envelope file")
    for action in (vans_wrap, vans_unwrap):
        _max_size(action, "message or envelope")
        action.add_argument("--out", type=Path, required=True, metavar="DIR")
        action.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")

    sor_parser = commands.add_parser("sor", help="look units up in SOR (the demo registry or an export)")
    sor_commands = sor_parser.add_subparsers(dest="sor", required=True, parser_class=_Parser)
    lookup = sor_commands.add_parser("lookup", help="by SOR code, location number, municipality code or name")
    lookup.add_argument("query", metavar="QUERY")
    lookup.add_argument(
        "--registry", type=Path, metavar="FILE", help="sor.csv, SorEntity CSV or SOR XML (default: demo)"
    )
    lookup.add_argument("--format", choices=("text", "json"), default="text")
    lookup.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")

    stats_parser = commands.add_parser("stats", help="VANS traffic statistics")
    stats_commands = stats_parser.add_subparsers(dest="stats", required=True, parser_class=_Parser)
    stats_summary = stats_commands.add_parser("summary", help="headline figures of a statistics CSV")
    stats_summary.add_argument("--input", type=Path, required=True, metavar="CSV")
    stats_summary.add_argument("--format", choices=("text", "json"), default="text")
    stats_summary.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")

    selftest = commands.add_parser(
        "selftest", help="check your system's messages against MedCom's test protocol, case by case"
    )
    selftest.add_argument("directory", type=Path, metavar="DIR", help="the messages your system produced")
    selftest.add_argument(
        "--protocol", required=True, choices=("carecommunication-send", "carecommunication-receive", "xdis91")
    )
    selftest.add_argument("--lang", choices=("da", "en"), default="da", help="language of the report")
    selftest.add_argument("--report-dir", type=Path, metavar="DIR", help="write Markdown, HTML and JUnit XML")
    selftest.add_argument("--write-manifest", action="store_true", help="write a template manifest into DIR")
    selftest.add_argument(
        "--write-inputs", action="store_true", help="write the messages your system must receive into DIR"
    )
    selftest.add_argument("--inputs", type=Path, metavar="DIR", help="inputs written before (--write-inputs)")
    selftest.add_argument(
        "--reference", type=Path, metavar="DIR", help="MedCom's test examples (default: ../shared/reference)"
    )
    selftest.add_argument("--no-reference", action="store_true", help="do not look for MedCom's examples")
    selftest.add_argument("--require-all", action="store_true", help="a case without a message fails too")
    _max_size(selftest, "message")
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .oioxml.link import link_reports
    from .report import Report
    from .validation import validate
    from .xmlsafe import MAX_DOCUMENT_BYTES

    lang: Lang = args.lang
    max_bytes = args.max_size or MAX_DOCUMENT_BYTES
    reports: list[Report] = []
    status = EXIT_OK
    for path in args.paths:
        try:
            if path == "-":  # standard input, read no further than the bound
                report = validate(
                    sys.stdin.buffer.read(max_bytes + 1), xsd_dir=args.xsd_dir, max_bytes=max_bytes
                )
                reports.append(Report(report.kind, report.issues, path="-"))
            else:
                reports.append(validate(path, xsd_dir=args.xsd_dir, max_bytes=max_bytes))
        except Exception as error:  # each input is handled; a failure is reported, never a traceback
            known = unexpected(error, path)
            print_error(known, lang)
            status = max(status, exit_status(known))
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
    return max(status, EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID)


def _demo(args: argparse.Namespace) -> int:
    from .demo import write_demo_carecommunication, write_demo_km, write_demo_referral

    if args.demo == "km":
        paths = write_demo_km(args.out)
    elif args.demo == "referral":
        paths = write_demo_referral(args.out, version=args.version)
    else:
        paths = write_demo_carecommunication(args.out, format=args.format)
    for path in paths:
        print(path)
    return EXIT_OK


def _archive(args: argparse.Namespace) -> int:
    from .archive.command import run

    return run(args)


def _convert(args: argparse.Namespace) -> int:
    from ._errors import MedcomkitError
    from .convert import SorEntry
    from .convert.files import convert_files, write_converted
    from .xmlsafe import MAX_DOCUMENT_BYTES

    lang: Lang = args.lang
    sor = {}
    for pair in args.sor:
        ean, _, code = pair.partition("=")
        if not code:
            message = "--sor skal skrives EAN=SOR" if lang == "da" else "--sor must be written EAN=SOR"
            print(f"medcomkit: cli.usage: {message} ({pair[:200]})", file=sys.stderr)
            return EXIT_USAGE
        sor[ean.strip()] = SorEntry(code.strip())

    def lookup(ean: str) -> SorEntry | None:
        return sor.get(ean) or (found(ean) if found else None)  # given codes win over the registry

    status = EXIT_OK

    def failed(path: Path, error: MedcomkitError) -> None:
        nonlocal status
        print_error(error, lang)
        status = max(status, exit_status(error))

    found = None
    try:
        if args.registry:
            from .convert import registry_lookup
            from .sor import demo_registry, load_sor

            registry = demo_registry() if args.registry == "demo" else load_sor(Path(args.registry))
            found = registry_lookup(registry)
    except MedcomkitError as error:  # a registry that cannot be read: the command cannot run as asked
        print_error(error, lang)
        return EXIT_USAGE
    outputs, conversions = convert_files(
        [Path(p) for p in args.paths],
        to=args.to,
        fhir_format=args.fhir_format,
        sor=lookup,
        max_bytes=args.max_size or MAX_DOCUMENT_BYTES,
        on_error=failed,
    )
    if not outputs and status == EXIT_OK:
        wanted = "XDIS91" if args.to == "fhir" else "CareCommunication"
        text = (
            f"convert.nothing: intet at konvertere: input skal rumme en {wanted} (en XBIN01 konverteres "
            "sammen med sin XDIS91, ikke alene); der er ikke skrevet nogen filer."
            if lang == "da"
            else f"convert.nothing: nothing to convert: the input must hold a {wanted} (an XBIN01 is "
            "converted together with its XDIS91, not alone); no file was written."
        )
        print(f"medcomkit: {text}", file=sys.stderr)
        return EXIT_INVALID
    try:
        written = write_converted(outputs, args.out)
    except Exception as error:  # a full disk, a folder that cannot be made: nothing of this run is left
        known = unexpected(error, str(args.out))
        print_error(known, lang)
        return max(EXIT_USAGE if isinstance(error, OSError) else EXIT_INVALID, status)
    for path in written:
        print(path)
    for conversion in conversions:
        for row in conversion.rows(lang):
            print("  " + " | ".join(row.values()))
    return status


def _vans(args: argparse.Namespace) -> int:
    from .vans.files import unwrap_file, wrap_file
    from .xmlsafe import MAX_DOCUMENT_BYTES

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


def _sor(args: argparse.Namespace) -> int:
    from ._errors import MedcomkitError
    from .sor import SorLookupError, demo_registry, load_sor

    lang: Lang = args.lang
    try:
        registry = load_sor(args.registry) if args.registry else demo_registry()
    except MedcomkitError as error:  # an unreadable or malformed registry: the command cannot run
        print_error(error, lang)
        return EXIT_USAGE
    try:
        units = registry.lookup(args.query)
    except SorLookupError as error:
        print_error(error, lang)
        if args.format == "json":
            print("[]")
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps([u.to_dict() for u in units], ensure_ascii=False, indent=2))
        return EXIT_OK
    if registry.demo:
        print("Demoregister — fiktive koder\n" if lang == "da" else "Demo registry — fictitious codes\n")
    print("\n\n".join(u.to_text(lang) for u in units))
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from ._errors import ParseError, SourceError
    from .stats import load_stats, summarise

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


def _selftest(args: argparse.Namespace) -> int:
    from .selftest.command import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {
        "validate": _validate,
        "demo": _demo,
        "archive": _archive,
        "convert": _convert,
        "vans": _vans,
        "sor": _sor,
        "stats": _stats,
        "selftest": _selftest,
    }
    try:
        return handlers[args.command](args)
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
