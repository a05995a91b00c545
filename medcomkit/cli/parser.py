"""The command line's grammar: every command, its arguments and their checked values.

The only argparse in medcomkit lives in this package. Usage errors are answered in Danish and English
with the rule id ``cli.usage`` and exit status 2 (see :mod:`medcomkit.cli.exit`); what each command does
is in its own module beside this one.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import NoReturn

from .exit import EXIT_USAGE, USAGE

__all__ = ["MAX_SIZE_LIMIT", "Parser", "build_parser", "size"]

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


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        danish = message
        for english, translated in _DANISH.items():
            danish = danish.replace(english, translated)
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE, f"{self.prog}: {USAGE}: fejl: {danish}\n{self.prog}: {USAGE}: error: {message}\n"
        )


_SIZE = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[kmg]?)b?")


def size(text: str) -> int:
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
        "--max-size", type=size, metavar="SIZE", help=f"largest {what} accepted, e.g. 64M (default 32M)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="medcomkit",
        description="Build, validate and convert MedCom messages (XDIS91, XBIN01, XCTL, CareCommunication).",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

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
    demo_kinds = demo.add_subparsers(dest="demo", required=True, parser_class=Parser)
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
    archive_commands = archive.add_subparsers(dest="archive", required=True, parser_class=Parser)
    journal = Parser(add_help=False)
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
    vans_actions = vans.add_subparsers(dest="vans", required=True, parser_class=Parser)
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
    sor_commands = sor_parser.add_subparsers(dest="sor", required=True, parser_class=Parser)
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
    stats_commands = stats_parser.add_subparsers(dest="stats", required=True, parser_class=Parser)
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
