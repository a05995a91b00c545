"""A journal copy of one message: its bytes, its attachments as files, its receipts, and a page
a person can read (HTML, and PDF), in Danish, with CPR numbers masked.

The HTML page is self-contained (styles inline, no scripts, no external assets), so it can be
opened from a USB stick or filed in an ESDH system as it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ArchiveError, MedcomkitError
from ..core.files import FileBatch, safe_name
from ..core.lang import Bilingual
from ..core.mask import mask_cpr
from ..core.pdf import PdfDocument
from ..core.xmltree import COPENHAGEN
from ..model.messages import Attachment, AttachmentMessage, Author, CareMessage, CareTeam, Receipt, Referral
from ._extract import attachment_key, plain
from .codes import EXPORT_NOT_EMPTY
from .describe import KIND_LABELS, RECEIPT_LABELS, describe, party, when
from .state import Status, state_label

if TYPE_CHECKING:
    from .store import Archive, Entry

__all__ = ["export_entry"]

_PLAIN_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


@dataclass(frozen=True, slots=True)
class _File:
    path: Path
    label: str


def _extension(data: bytes) -> str:
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")) else "xml"


def _attachment_name(attachment: Attachment, index: int, taken: set[str]) -> str:
    from ..fhir.vocabulary import oioxml_file_type_for

    # Title and extension code both come from the message. The extension is used only when it is
    # a plain code ('pdf'); anything else ('pdf/../../x') gives '.bin'. The title goes through the
    # one sanitising helper.
    code = (attachment.file_type or oioxml_file_type_for(attachment.media_type) or "bin").lower()
    extension = code if _PLAIN_EXTENSION.fullmatch(code) else "bin"
    title = attachment.title or attachment.identifier or ""
    if title.lower().endswith(f".{code}"):
        title = title[: -len(code) - 1]
    stem = safe_name(mask_cpr(title), fallback=f"bilag-{index}")
    name, counter = f"{stem}.{extension}", 1
    while name.lower() in taken:
        counter += 1
        name = f"{stem}-{counter}.{extension}"
    taken.add(name.lower())
    return name


def export_entry(
    archive: Archive, entry_id: int, directory: Path, *, now: datetime | None = None
) -> list[Path]:
    """Write the journal copy of entry ``entry_id`` into ``directory`` (new or empty); return the files."""
    entry = archive.entry(entry_id)
    if directory.exists() and (not directory.is_dir() or _has_files(directory)):
        raise ArchiveError(
            EXPORT_NOT_EMPTY,
            Bilingual(
                f"{directory} findes og er ikke en tom mappe; journalkopien skrives kun i en ny eller "
                "tom mappe.",
                f"{directory} exists and is not an empty folder; the journal copy is written only to a "
                "new or empty folder.",
            ),
        )
    # Written as a unit: if any file fails (a full disk), the files already written are removed,
    # so a retry finds the folder as the first attempt did.
    try:
        with FileBatch(directory) as batch:
            return _export(archive, entry, directory, batch, now, readable=True)
    except (OSError, MedcomkitError):
        raise
    except Exception:
        # The stored bytes read into a model holding values of the wrong type (a malformed message
        # that was journalised as it came). The copy is then made from the journal's index alone:
        # every stored byte is still in it, only the page shows less.
        with FileBatch(directory) as batch:
            return _export(archive, entry, directory, batch, now, readable=False)


def _has_files(directory: Path) -> bool:
    return any(directory.iterdir())


def _export(
    archive: Archive, entry: Entry, directory: Path, batch: FileBatch, now: datetime | None, *, readable: bool
) -> list[Path]:
    entry_id = entry.id
    status = archive.status(entry_id, now=now)
    files: list[_File] = []

    def write(name: str, data: bytes, label: str) -> None:
        files.append(_File(batch.write(name, data), label))

    data = archive.data(entry_id)
    write(f"meddelelse-{entry.kind.value}.{_extension(data)}", data, "Meddelelsen som sendt/modtaget")
    linked = archive.linked(entry_id)
    for number, partner in enumerate(linked, start=1):
        partner_data = archive.data(partner.id)
        write(
            f"tilknyttet-{number}-{partner.kind.value}.{_extension(partner_data)}",
            partner_data,
            f"Tilknyttet {KIND_LABELS[partner.kind].da} (post {partner.id})",
        )
    message = archive.message(entry_id) if readable else None
    attachments: list[tuple[Attachment, str]] = []
    taken: set[str] = set()
    linked_messages = [archive.message(p.id) for p in linked] if readable else []
    for attachment in _attachments([message, *linked_messages]):
        assert attachment.data is not None
        name = f"bilag/{_attachment_name(attachment, len(attachments) + 1, taken)}"
        write(name, attachment.data, f"Bilag: {attachment.title or name}")
        attachments.append((attachment, name))
    answers: dict[int, list[int]] = {}
    found: list[Entry] = []
    for owner in [entry, *linked]:
        for receipt in archive.receipts(owner.id):
            answers.setdefault(receipt.id, []).append(owner.id)
            found.append(receipt)
    receipts = _unique(found)
    for number, receipt in enumerate(receipts, start=1):
        receipt_data = archive.data(receipt.id)
        write(
            f"kvittering-{number}-{receipt.kind.value}.{_extension(receipt_data)}",
            receipt_data,
            f"{KIND_LABELS[receipt.kind].da} (post {receipt.id})",
        )
    answered = archive.answered(entry_id)
    page = _Page(entry, status, message, attachments, receipts, answers, answered, files)
    write("journalkopi.pdf", page.pdf(), "Journalkopien som PDF")
    html_label = "Journalkopien som HTML (denne side)"
    # The page lists itself among the files, so its entry is there before the page is rendered.
    files.append(_File(directory / "journalkopi.html", html_label))
    batch.write("journalkopi.html", page.html().encode("utf-8"))
    return [f.path for f in files]


def _attachments(messages: list[object]) -> list[Attachment]:
    """Attachments with bytes, once each: an XDIS91 names them, its XBIN01 carries the bytes."""
    merged: dict[str, Attachment] = {}
    for number, message in enumerate(messages):
        if not isinstance(message, CareMessage | AttachmentMessage | Referral):
            continue
        for index, attachment in enumerate(message.attachments):
            key = attachment_key(attachment.identifier or "") or f"{number}:{index}"
            kept = merged.get(key)
            if kept is None:
                merged[key] = attachment
            else:
                merged[key] = replace(
                    kept,
                    title=kept.title or attachment.title,
                    file_type=kept.file_type or attachment.file_type,
                    media_type=kept.media_type or attachment.media_type,
                    data=kept.data if kept.data is not None else attachment.data,
                )
    return [a for a in merged.values() if a.data is not None]


def _unique(entries: list[Entry]) -> list[Entry]:
    return sorted({e.id: e for e in entries}.values(), key=lambda e: (e.moment, e.id))


def _author(author: Author | CareTeam | None) -> str | None:
    if author is None:
        return None
    if isinstance(author, CareTeam):
        return author.name
    from ..fhir.vocabulary import ROLE_DISPLAY

    role = ROLE_DISPLAY.get(author.role or "", author.role) or author.role_text
    return ", ".join(p for p in (author.name, role) if p) or None


@dataclass(frozen=True, slots=True)
class _Page:
    entry: Entry
    status: Status
    message: object
    attachments: list[tuple[Attachment, str]]
    receipts: list[Entry]
    answers: dict[int, list[int]]  # receipt entry -> the entries it answers
    answered: list[Entry]
    files: list[_File]

    def fields(self) -> list[tuple[str, str]]:
        return describe(self.entry, self.status, self.message, "da")

    def segments(self) -> list[tuple[str, str]]:
        """(byline, text) for each text segment, oldest first."""
        if isinstance(self.message, Referral):
            referral = self.message
            texts = [
                ("Henvisningsårsag", referral.reason),
                ("Supplerende oplysninger", referral.supplementary),
                ("CAVE", referral.cave),
                ("Anamnese", referral.anamnesis),
                ("Undersøgelser", referral.examination),
                ("Aktuel medicin", referral.medication),
            ]
            return [(heading, mask_cpr(plain(text))) for heading, text in texts if text]
        if not isinstance(self.message, CareMessage):
            return []
        result = []
        for segment in self.message.segments:
            who = _author(segment.author)
            byline = f"Skrevet {when(segment.written or self.message.authorised)}" + (
                f" af {who}" if who else ""
            )
            result.append((mask_cpr(byline), mask_cpr(plain(segment.text))))
        return result

    def receipt_rows(self) -> list[list[str]]:
        rows = []
        for receipt in self.receipts:
            kind = RECEIPT_LABELS[receipt.receipt_kind].da if receipt.receipt_kind else "–"
            rows.append(
                [
                    str(receipt.id),
                    ", ".join(str(owner) for owner in self.answers.get(receipt.id, [])),
                    KIND_LABELS[receipt.kind].da,
                    kind,
                    when(receipt.sent),
                    party(receipt.sender_name, receipt.sender_ean),
                    receipt.note or "",
                ]
            )
        return [[mask_cpr(cell) for cell in row] for row in rows]

    def receipt_detail(self) -> list[tuple[str, str]]:
        """For a receipt entry: what it answers and why."""
        if not isinstance(self.message, Receipt):
            return []
        rows = []
        for letter in self.message.letters:
            text = letter.refuse_text or (letter.refuse_reason.value if letter.refuse_reason else "")
            rows.append(("Kvitterer for meddelelses-id", letter.letter_id + (f": {text}" if text else "")))
        rows += [(f"Kvitterer for post {m.id}", KIND_LABELS[m.kind].da) for m in self.answered]
        return [(label, mask_cpr(value)) for label, value in rows]

    def elsewhere(self) -> list[str]:
        """Titles of attachments the message names without their bytes (a reply repeats the thread's
        attachments without data; the bytes are in the journal copy of the message that brought them)."""
        if not isinstance(self.message, CareMessage | Referral):
            return []
        included = {attachment_key(a.identifier or "") for a, _ in self.attachments}
        return [
            mask_cpr(a.title or a.identifier or "bilag")
            for a in self.message.attachments
            if a.data is None and attachment_key(a.identifier or "") not in included
        ]

    def title(self) -> str:
        return f"Journalkopi: {KIND_LABELS[self.entry.kind].da}"

    def html(self) -> str:
        from .. import __version__

        e = html.escape
        parts = [
            "<!DOCTYPE html>",
            '<html lang="da"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(self.title())}</title><style>{_CSS}</style></head><body>",
            f"<h1>{e(self.title())}</h1>",
            f'<p class="state state-{e(self.status.state.value)}">{e(state_label(self.status.state).da)}</p>',
            _table([[label, value] for label, value in self.fields() + self.receipt_detail()], header=False),
        ]
        if segments := self.segments():
            parts.append("<h2>Tekst</h2>")
            for byline, text in segments:
                body = "<br>".join(e(line) for line in text.split("\n"))
                parts.append(
                    f'<section class="segment"><p class="byline">{e(byline)}</p><p>{body}</p></section>'
                )
        if self.attachments or self.elsewhere():
            parts.append("<h2>Bilag</h2><ul>")
            for attachment, name in self.attachments:
                size = len(attachment.data or b"")
                title, extension = mask_cpr(attachment.title or name), name.rpartition(".")[2].upper()
                parts.append(f'<li><a href="{e(name)}">{e(title)}</a> ({e(extension)}, {size} bytes)</li>')
            # FHIR replies leave out earlier attachments' bytes; OIOXML sends them in an XBIN01.
            where = (
                "en tidligere meddelelse i tråden"
                if self.entry.fhir
                else "en XBIN01, der ikke er journaliseret"
            )
            for title in self.elsewhere():
                parts.append(f"<li>{e(title)} (filen er ikke i denne meddelelse, men i {where})</li>")
            parts.append("</ul>")
        parts.append("<h2>Kvitteringer</h2>")
        if self.receipts:
            parts.append(
                _table(
                    [
                        ["Post", "Til post", "Type", "Svar", "Afsendt", "Fra", "Begrundelse"],
                        *self.receipt_rows(),
                    ]
                )
            )
        elif not self.entry.is_receipt:
            parts.append("<p>Ingen kvittering er journaliseret.</p>")
        parts.append("<h2>Filer i journalkopien</h2><ul>")
        base = self.files[0].path.parent if self.files else Path()
        for item in self.files:
            relative = item.path.relative_to(base).as_posix()
            parts.append(f'<li><a href="{e(relative)}">{e(relative)}</a> – {e(mask_cpr(item.label))}</li>')
        parts.append("</ul>")
        stamp = datetime.now(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
        parts.append(
            f"<footer>Dannet af medcomkit {e(__version__)} den {e(stamp)}. CPR-numre er maskeret; "
            "det fulde nummer står i den vedlagte meddelelse.</footer></body></html>"
        )
        return "\n".join(parts) + "\n"

    def pdf(self) -> bytes:
        document = PdfDocument(self.title())
        document.heading(self.title())
        document.paragraph(f"Status: {state_label(self.status.state).da}")
        for label, value in self.fields()[:] + self.receipt_detail():
            if label != "Status":
                document.field(label, value)
        for byline, text in self.segments():
            document.heading(byline, size=11)
            document.paragraph(text)
        if self.attachments:
            document.heading("Bilag", size=12)
            for attachment, name in self.attachments:
                document.paragraph(f"{mask_cpr(attachment.title or name)} – {name}")
        document.heading("Kvitteringer", size=12)
        for row in self.receipt_rows() or [["Ingen kvittering er journaliseret."]]:
            document.paragraph(" · ".join(cell for cell in row if cell))
        return document.to_bytes()


def _table(rows: list[list[str]], *, header: bool = True) -> str:
    e = html.escape
    out = ["<table>"]
    for index, row in enumerate(rows):
        if header and index == 0:
            out.append("<tr>" + "".join(f"<th>{e(cell)}</th>" for cell in row) + "</tr>")
        elif not header:
            out.append(
                f"<tr><th>{e(row[0])}</th>" + "".join(f"<td>{e(cell)}</td>" for cell in row[1:]) + "</tr>"
            )
        else:
            out.append("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}"
    "th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #ddd}"
    "th{width:14rem;font-weight:600}"
    ".state{display:inline-block;padding:.2rem .6rem;border-radius:.3rem;background:#eee}"
    ".state-positive{background:#d8f0dc}.state-negative,.state-no-receipt{background:#f6d5d5}"
    ".state-resend-due{background:#fbecc8}"
    ".segment{border-left:3px solid #999;padding-left:.8rem;margin:1rem 0}"
    ".byline{color:#555;font-size:.9rem}footer{margin-top:2rem;color:#555;font-size:.85rem}"
    "@media print{body{margin:0}}"
)
