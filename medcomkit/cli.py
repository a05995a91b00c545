"""The ``medcomkit`` command. Thin: every command is a library function plus printing.

Exit status, the same in every command (see ``medcomkit._exit``): 0 when no input has an error, 1
when any has, 2 for usage errors, missing or unreadable paths, and folders given as files.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from ._exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE, exit_status, print_error, unexpected
from ._lang import Bilingual, Lang
from ._mask import MaskingWriter

__all__ = ["main"]

MAX_SIZE_LIMIT = 4 * 1024**3  # no message is larger; a larger --max-size is a typo

# argparse speaks English; these are the messages a user meets most, in Danish too.
_DANISH = {
    "the following arguments are required": "følgende argumenter mangler",
    "unrecognized arguments": "ukendte argumenter",
    "invalid choice": "ugyldigt valg",
    "expected one argument": "forventer ét argument",
    "invalid int value": "ugyldigt heltal",
    "not a whole number": "ikke et heltal",
    "at least 1": "mindst 1",
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


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
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
    validate.add_argument(
        "--jobs", type=_jobs, metavar="N", help="validate N files at a time (default: one per core)"
    )

    demo = commands.add_parser("demo", help="write example messages")
    demo_kinds = demo.add_subparsers(dest="demo", required=True, parser_class=_Parser)
    km = demo_kinds.add_parser("km", help="a valid XDIS91 with its XBIN01 (PDF) for a fictitious patient")
    km.add_argument("--out", type=Path, required=True, metavar="DIR")
    km.add_argument(
        "--syntax", choices=("oioxml", "edifact"), default="oioxml", help="edifact: DIS91 + BIN01"
    )
    referral = demo_kinds.add_parser(
        "referral", help="a valid XREF01 to child psychiatry with its XBIN01 and the regional form (PDF)"
    )
    referral.add_argument("--out", type=Path, required=True, metavar="DIR")
    referral.add_argument("--version", choices=("XH0130R", "XH0131R"), default="XH0130R")
    referral.add_argument(
        "--syntax",
        choices=("oioxml", "edifact"),
        default="oioxml",
        help="edifact: REF01 + BIN01, as DNHF sends it",
    )
    for demo_parser in (km, referral):
        demo_parser.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")
    cc = demo_kinds.add_parser(
        "carecommunication", help="a valid FHIR CareCommunication thread: new message, reply, forward"
    )
    cc.add_argument("--out", type=Path, required=True, metavar="DIR")
    cc.add_argument("--format", choices=("json", "xml"), default="json")

    convert = commands.add_parser(
        "convert",
        help="convert XDIS91 (+ XBIN01) to CareCommunication or back, and their receipts, as MedCom's "
        "service does; EDIFACT to OIOXML or back",
        description="Convert as MedCom's conversion service does: XDIS91 (+ XBIN01) and XCTL receipts to "
        "FHIR (--to fhir), CareCommunication and Acknowledgement to OIOXML (--to oioxml); EDIFACT DIS91, "
        "REF01, BIN01 and CTL to OIOXML and back (--to oioxml, --to edifact), and DIS91 (+ BIN01) to FHIR "
        "and back as XDIS91 is. An invalid message is refused (exit 1, its validation report, nothing "
        "written; --receipt-out writes the negative receipt the service would send). The ids of every "
        "conversion are kept in a SQLite state file (--state, default OUT/medcomkit-convert.sqlite), so "
        "the receipts answering a converted message can be converted later with the same --state.",
    )
    convert.add_argument(
        "paths",
        nargs="+",
        metavar="INPUT",
        help="message files: XDIS91 (or DIS91) with its XBIN01 (or BIN01), XCTL, CareCommunication, "
        "Acknowledgement",
    )
    convert.add_argument("--to", choices=("fhir", "oioxml", "edifact"), required=True)
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
    convert.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="SQLite file keeping the id correlation of every conversion, for converting receipts later "
        "(default: medcomkit-convert.sqlite in the --out folder)",
    )
    convert.add_argument(
        "--receipt-out",
        type=Path,
        metavar="DIR",
        help="write the negative receipt for each refused input here (XCTL01 for OIOXML, a fatal-error "
        "Acknowledgement for FHIR)",
    )
    convert.add_argument("--show-cpr", action="store_true", help="do not mask CPR numbers in reports")
    convert.add_argument("--lang", choices=("da", "en"), default="da", help="language of messages")
    _max_size(convert)
    convert.add_argument(
        "--jobs", type=_jobs, metavar="N", help="convert on N processes at a time (default: one per core)"
    )

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
    archive_add.add_argument(
        "--jobs", type=_jobs, metavar="N", help="read N files at a time (default: one per core)"
    )
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
    lookup.add_argument(
        "--limit", type=_jobs, default=20, metavar="N", help="show at most N units, best first (default 20)"
    )
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
    from .batch import validate_files
    from .xmlsafe import MAX_DOCUMENT_BYTES

    lang: Lang = args.lang
    max_bytes = args.max_size or MAX_DOCUMENT_BYTES
    results = validate_files(args.paths, xsd_dir=args.xsd_dir, max_bytes=max_bytes, jobs=args.jobs)
    reports = [r.report for r in results if r.report is not None]
    status = EXIT_OK
    for result in results:  # each input is handled; a failure is reported, never a traceback
        if result.error is not None:
            print_error(result.error, lang)
            status = max(status, exit_status(result.error))
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
    from ._errors import MedcomkitError
    from .demo import write_demo_carecommunication, write_demo_km, write_demo_referral

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


def _archive(args: argparse.Namespace) -> int:
    from .archive.command import run

    return run(args)


def _convert(args: argparse.Namespace) -> int:
    import sqlite3

    from ._errors import MedcomkitError
    from .convert import SorEntry
    from .convert.files import write_converted
    from .convert.state import STATE_FILE, ConversionState
    from .convert.syntaxes import convert_any_syntax
    from .report import mask_cpr
    from .source import read_source
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
    status = EXIT_OK
    inputs: list[tuple[str, bytes]] = []
    for name in args.paths:  # a batch: an unreadable input is reported, the others are converted
        try:
            inputs.append((name, read_source(Path(name), max_bytes=args.max_size or MAX_DOCUMENT_BYTES)[0]))
        except Exception as error:
            known = unexpected(error, name)
            print_error(known, lang)
            status = max(status, exit_status(known))
    made_out = not args.out.exists()  # a failed run leaves no folder it made (see below)
    try:
        if args.state is None:
            args.out.mkdir(parents=True, exist_ok=True)
        state = ConversionState(args.state or args.out / STATE_FILE)
    except Exception as error:  # a state file that cannot be opened: the command cannot run as asked
        print_error(unexpected(error, str(args.state or args.out)), lang)
        return EXIT_USAGE
    try:
        run = convert_any_syntax(
            inputs, to=args.to, fhir_format=args.fhir_format, sor=lookup, state=state, jobs=args.jobs
        )
    except sqlite3.Error as error:  # the state file went bad under us (disk full, locked, read-only)
        print_error(unexpected(OSError(str(error)), str(state.path)), lang)
        return EXIT_USAGE
    finally:
        state.close()
    if not (run.outputs or run.refused or run.notices) and status == EXIT_OK:
        text = Bilingual(
            "intet at konvertere: inputtet rummer ingen meddelelse, der konverteres denne vej; der er ikke "
            "skrevet nogen filer.",
            "nothing to convert: the input holds no message that converts this way; no file was written.",
        )
        print_error(MedcomkitError("convert.nothing", text), lang)
        return EXIT_INVALID
    try:
        written = write_converted(run.outputs, args.out)
        receipts = [r.receipt for r in run.refused if r.receipt is not None]
        if args.receipt_out is not None and receipts:
            written += write_converted(receipts, args.receipt_out)
    except Exception as error:  # a full disk, a folder that cannot be made: nothing of this run is left
        if made_out and args.state is None:  # nor the state of conversions that were not written
            _remove_new_state(state.path)
        known = unexpected(error, str(args.out))
        print_error(known, lang)
        return max(EXIT_USAGE if isinstance(error, OSError) else EXIT_INVALID, status)
    for path in written:
        print(path)
    for conversion in run.conversions:
        for row in conversion.rows(lang):
            print("  " + " | ".join(row.values()))
    mask = not args.show_cpr
    shown = mask_cpr if mask else str  # refusals quote validation messages, which may name a CPR number
    for notice in run.notices:
        print(f"medcomkit: convert.notice: {shown(notice.text.get(lang))}", file=sys.stderr)
    for refusal in run.refused:
        label = "afvist" if lang == "da" else "refused"
        print(f"medcomkit: convert.refused: {label}: {shown(refusal.reason.get(lang))}", file=sys.stderr)
        if refusal.report is not None:
            print(refusal.report.to_text(lang, mask=mask), file=sys.stderr)
    return max(status, EXIT_INVALID if run.refused else EXIT_OK)


def _remove_new_state(path: Path) -> None:
    """Remove a state file this run created, and its folder when nothing else is in it."""
    for leftover in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        leftover.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: something else is there, so it stays
        path.parent.rmdir()


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
    if getattr(args, "show_cpr", False):
        return _run(handlers[args.command], args)
    # Every command prints through the one CPR mask, whatever message value it shows.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = MaskingWriter(sys.stdout), MaskingWriter(sys.stderr)
    try:
        return _run(handlers[args.command], args)
    finally:
        masked = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = streams
        for stream in masked:
            with contextlib.suppress(BrokenPipeError, ValueError):
                stream.flush()


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return handler(args)
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
