"""``medcomkit archive add|list|show``: the journal from the command line.

Exit status (the table in ``medcomkit.cli.exit``): 0 when every file was journalised (byte-identical
duplicates included), 1 when a file is no message medcomkit knows, reuses an envelope id, or
conflicts with a journalised message (same ids, other bytes: kept as its own entry), 2 for
missing or unreadable paths and a journal that cannot be used. Every file is tried, whatever
happened to the ones before it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from ..archive.describe import ARRIVAL_LABELS, DIRECTION_LABELS, KIND_LABELS, RECEIPT_LABELS, describe, when
from ..archive.state import State, Status, state_label
from ..archive.store import Archive, Entry, as_moment
from ..core.errors import MedcomkitError, unexpected
from ..core.files import clip
from ..core.lang import Bilingual, Lang
from ..core.xml import MAX_DOCUMENT_BYTES
from ..model.reliable import Arrival
from .exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE, USAGE, exit_status, print_error

__all__ = ["run"]

# Arrivals that are kept but need a person to look at them.
_WARN = (Arrival.ERROR, Arrival.CONFLICT)


def run(args: argparse.Namespace) -> int:
    """Run ``args.archive`` (add, list or show); errors are printed in ``args.lang``."""
    lang: Lang = args.lang
    try:
        key = args.key_file.read_bytes().strip() if args.key_file else None
        now = _moment(args.now) if getattr(args, "now", None) else None
        max_bytes = getattr(args, "max_size", None) or MAX_DOCUMENT_BYTES
        if args.archive == "add":
            return _add(args, key, lang, max_bytes)
        with Archive(args.db, key=key, create=False, max_bytes=max_bytes) as archive:
            if args.archive == "list":
                return _list(archive, args, now, lang)
            return _show(archive, args, now, lang)
    except MedcomkitError as error:
        print_error(error, lang)
        return exit_status(error)
    except (OSError, ValueError) as error:
        print_error(unexpected(error), lang)
        return EXIT_USAGE


def _moment(text: str) -> datetime:
    try:
        return as_moment(datetime.fromisoformat(text))
    except ValueError:
        raise MedcomkitError(
            USAGE,
            Bilingual(
                f"--now skal være et tidspunkt som 2026-11-26T10:15, ikke {clip(text)!r}.",
                f"--now must be a time such as 2026-11-26T10:15, not {clip(text)!r}.",
            ),
        ) from None


def _add(args: argparse.Namespace, key: bytes | None, lang: Lang, max_bytes: int) -> int:
    from ..archive.adding import add_files

    status = EXIT_OK
    with Archive(args.db, key=key, max_bytes=max_bytes) as archive:
        for path, added, error in add_files(archive, args.paths, direction=args.direction, jobs=args.jobs):
            if error is not None:  # reported; the files after it are journalised all the same
                print_error(error, lang, where=path)
                status = max(status, exit_status(error))
                continue
            for item in added:
                text = ARRIVAL_LABELS[item.arrival].get(lang)
                where = Bilingual(f"post {item.entry}", f"entry {item.entry}").get(lang)
                line = f"{path}: {item.kind.value} {clip(item.message_id or '-')} → {where}: {text}"
                if item.arrival in _WARN:
                    warning = Bilingual("advarsel", "warning").get(lang)
                    print(
                        f"medcomkit: archive.{item.arrival.value}: {path}: {warning}: {text}", file=sys.stderr
                    )
                    status = max(status, EXIT_INVALID)
                print(line)
    return status


def _row(entry: Entry, status: Status, lang: Lang) -> dict[str, Any]:
    data = entry.to_dict()
    data["state"] = status.state.value
    data["state_text"] = state_label(status.state).get(lang)
    data["resends"] = status.resends
    data["receipts"] = list(status.receipts)
    data["due"] = status.due.isoformat() if status.due else None
    return data


def _list(archive: Archive, args: argparse.Namespace, now: datetime | None, lang: Lang) -> int:
    entries = archive.entries(patient=args.patient) if args.patient else archive.entries()
    statuses = archive.statuses(entries, now=now)
    if args.format == "json":
        rows = [_row(e, statuses[e.id], lang) for e in entries]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not entries:
        print(Bilingual("Journalen er tom.", "The journal is empty.").get(lang))
    for entry in entries:
        state = statuses[entry.id].state
        direction = DIRECTION_LABELS[entry.direction.value].get(lang)
        counterpart = entry.counterpart_ean or "-"
        print(
            f"#{entry.id:<5} {when(entry.moment)}  {direction:<8} {entry.kind.value:<17} {counterpart:<13}  "
            f"{state_label(state).get(lang):<34} {entry.message_id or '-'}"
        )
    return EXIT_OK


def _show(archive: Archive, args: argparse.Namespace, now: datetime | None, lang: Lang) -> int:
    entry = archive.entry(args.id)
    status = archive.status(entry.id, now=now)
    receipts = archive.receipts(entry.id)
    linked = archive.linked(entry.id)
    answered = archive.answered(entry.id)
    if args.format == "json":
        data = _row(entry, status, lang)
        data["receipt_entries"] = [r.to_dict() for r in receipts]
        data["linked"] = [e.id for e in linked]
        data["answers"] = [e.id for e in answered]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(KIND_LABELS[entry.kind].get(lang))
        try:
            fields = describe(entry, status, archive.message(entry.id), lang)
        except Exception:  # a stored message whose values have the wrong types: show the index
            fields = describe(entry, status, None, lang)
        width = max(len(label) for label, _ in fields)
        for label, value in fields:
            print(f"  {label + ':':<{width + 1}} {value}")
        _print_entries(Bilingual("Kvitteringer", "Receipts").get(lang), receipts, lang, archive, now)
        if not receipts and status.state not in (State.RECEIPT, State.RECEIVED):
            print(Bilingual("Kvitteringer: ingen", "Receipts: none").get(lang))
        _print_entries(Bilingual("Tilknyttet", "Linked").get(lang), linked, lang, archive, now)
        _print_entries(Bilingual("Kvitterer for", "Answers").get(lang), answered, lang, archive, now)
    if args.export:
        files = archive.export(entry.id, args.export, now=now)
        heading = Bilingual(
            f"Journalkopi skrevet i {args.export}:", f"Journal copy written to {args.export}:"
        )
        print(heading.get(lang), file=sys.stderr if args.format == "json" else sys.stdout)
        for path in files:
            print(f"  {path}", file=sys.stderr if args.format == "json" else sys.stdout)
    return EXIT_OK


def _print_entries(
    title: str, entries: list[Entry], lang: Lang, archive: Archive, now: datetime | None
) -> None:
    if not entries:
        return
    print(f"{title}:")
    statuses = archive.statuses(entries, now=now)
    for entry in entries:
        answer = RECEIPT_LABELS[entry.receipt_kind].get(lang) if entry.receipt_kind else None
        state = answer or state_label(statuses[entry.id].state).get(lang)
        sender, message_id = entry.sender_ean or "-", entry.message_id or "-"
        print(f"  #{entry.id} {entry.kind.value} {message_id} {when(entry.moment)} {sender}: {state}")
