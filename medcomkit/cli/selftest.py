"""``medcomkit selftest``: the vendor self-test from the command line.

Exit status: 0 when no case failed (with ``--require-all``: when every case passed), 1 when a case
failed, 2 for usage errors and unreadable folders, files or manifests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import MedcomkitError, unexpected
from ..core.files import FileBatch
from ..core.lang import Lang
from ..core.xml import MAX_DOCUMENT_BYTES
from ..selftest.cases import Protocol
from ..selftest.inputs import find_reference, inputs_for, write_inputs
from ..selftest.run import run_selftest, write_manifest
from .exit import EXIT_OK, EXIT_USAGE, USAGE, print_error

__all__ = ["REPORT_NAMES", "run"]

REPORT_NAMES = {"markdown": "selftest.md", "html": "selftest.html", "junit": "selftest-junit.xml"}


def _say(lang: Lang, da: str, en: str) -> str:
    return da if lang == "da" else en


def _reference(args: argparse.Namespace) -> Path | None:
    if args.no_reference:
        return None
    return find_reference(args.reference)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command described by ``args`` (see ``medcomkit selftest --help``)."""
    lang: Lang = args.lang
    protocol = Protocol(args.protocol)
    try:
        if args.write_inputs:
            return _write_inputs(protocol, args, lang)
        if args.write_manifest:
            path = write_manifest(protocol, args.directory)
            print(path)
            return EXIT_OK
        result = run_selftest(
            protocol,
            args.directory,
            reference=_reference(args),
            inputs=args.inputs,
            max_bytes=args.max_size or MAX_DOCUMENT_BYTES,
        )
    except MedcomkitError as error:
        print_error(error, lang)
        return EXIT_USAGE
    print(result.to_text(lang))
    if args.report_dir is not None:
        reports = {
            "markdown": result.to_markdown(lang),
            "html": result.to_html(lang),
            "junit": result.to_junit(lang),
        }
        try:  # the three reports are written as a unit, each atomically
            with FileBatch(args.report_dir, overwrite=True) as batch:
                for kind, text in reports.items():
                    batch.write(REPORT_NAMES[kind], text.encode("utf-8"))
        except OSError as error:
            print_error(unexpected(error, str(args.report_dir)), lang)
            return EXIT_USAGE
        for path in batch.written_or_replaced:
            print(path)
    return result.exit_status(require_all=args.require_all)


def _write_inputs(protocol: Protocol, args: argparse.Namespace, lang: Lang) -> int:
    if protocol is Protocol.CARECOMMUNICATION_SEND:
        print(
            f"medcomkit: {USAGE}: "
            + _say(
                lang,
                "--write-inputs gælder modtageprotokollen og xdis91; til afsendelse svarer jeres system på "
                "MedComs testeksempler.",
                "--write-inputs is for the receive protocol and xdis91; for sending, your system answers "
                "MedCom's test examples.",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    inputs = inputs_for(protocol, _reference(args))
    for path in write_inputs(inputs, args.directory):
        print(path)
    print(_say(lang, "Inddata: ", "Inputs: ") + inputs.describe().get(lang), file=sys.stderr)
    return EXIT_OK
