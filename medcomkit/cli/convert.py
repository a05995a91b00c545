"""``medcomkit convert``: convert as MedCom's conversion service does; report what was refused."""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
from pathlib import Path

from ..convert import SorEntry
from ..convert.codes import NOTHING
from ..convert.files import write_converted
from ..convert.state import STATE_FILE, ConversionState
from ..convert.syntaxes import convert_any_syntax
from ..core.errors import MedcomkitError, unexpected
from ..core.lang import Bilingual, Lang
from ..core.mask import mask_cpr
from ..core.source import read_source
from ..core.xml import MAX_DOCUMENT_BYTES
from .exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE, USAGE, exit_status, print_error

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    sor = {}
    for pair in args.sor:
        ean, _, code = pair.partition("=")
        if not code:
            message = "--sor skal skrives EAN=SOR" if lang == "da" else "--sor must be written EAN=SOR"
            print(f"medcomkit: {USAGE}: {message} ({pair[:200]})", file=sys.stderr)
            return EXIT_USAGE
        sor[ean.strip()] = SorEntry(code.strip())

    def lookup(ean: str) -> SorEntry | None:
        return sor.get(ean) or (found(ean) if found else None)  # given codes win over the registry

    found = None
    try:
        if args.registry:
            from ..convert import registry_lookup
            from ..sor import demo_registry, load_sor

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
        print_error(MedcomkitError(NOTHING, text), lang)
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
