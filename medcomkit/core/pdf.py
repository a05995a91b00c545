"""A small, dependency-free PDF writer for the documents medcomkit attaches (forms, letters).

It writes real, text-extractable PDF 1.4: A4 pages, Helvetica in WinAnsi encoding (so æ, ø and
å work), headings, paragraphs wrapped to the page and label/value fields. Output is
deterministic: the same content gives the same bytes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

__all__ = ["PdfDocument"]

_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_MARGIN = 56
_FONTS = {"regular": "F1", "bold": "F2"}


@dataclass
class _Line:
    text: str
    size: float
    font: str
    gap_before: float = 0.0


@dataclass
class PdfDocument:
    """Collects text blocks and renders them as a PDF."""

    title: str
    author: str = "medcomkit"
    _lines: list[_Line] = field(default_factory=list)

    def heading(self, text: str, *, size: float = 16) -> PdfDocument:
        self._lines.append(_Line(text, size, "bold", gap_before=size * 0.6))
        return self

    def paragraph(self, text: str, *, size: float = 10.5) -> PdfDocument:
        width = int((_PAGE_WIDTH - 2 * _MARGIN) / (size * 0.5))
        first = True
        for raw_line in text.split("\n") or [""]:
            for line in textwrap.wrap(raw_line, width) or [""]:
                self._lines.append(_Line(line, size, "regular", gap_before=size * 0.5 if first else 0))
                first = False
        return self

    def field(self, label: str, value: str, *, size: float = 10.5) -> PdfDocument:
        self._lines.append(_Line(f"{label}:", size, "bold", gap_before=size * 0.4))
        return self.paragraph(value or "-", size=size)

    def to_bytes(self) -> bytes:
        pages = self._paginate()
        objects: list[bytes] = []
        page_ids = [5 + 2 * i for i in range(len(pages))]
        kids = " ".join(f"{pid} 0 R" for pid in page_ids)
        objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
        objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
        for name in ("Helvetica", "Helvetica-Bold"):
            objects.append(
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>".encode()
            )
        for index, content in enumerate(pages):
            objects.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
                "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                f"/Contents {page_ids[index] + 1} 0 R >>".encode()
            )
            objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        info_id = len(objects) + 1
        objects.append(b"<< /Title " + _string(self.title) + b" /Producer " + _string(self.author) + b" >>")
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            info_id,
            xref,
        )
        return bytes(out)

    def _paginate(self) -> list[bytes]:
        pages: list[bytes] = []
        commands: list[bytes] = []
        y: float = _PAGE_HEIGHT - _MARGIN
        for line in self._lines:
            step = line.size * 1.35 + line.gap_before
            if y - step < _MARGIN and commands:
                pages.append(b"\n".join(commands))
                commands, y = [], _PAGE_HEIGHT - _MARGIN
            y -= step
            commands.append(
                b"BT /%s %.1f Tf %d %.1f Td " % (_FONTS[line.font].encode(), line.size, _MARGIN, y)
                + _string(line.text)
                + b" Tj ET"
            )
        pages.append(b"\n".join(commands))
        return pages


def _string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252); characters it lacks become '?'."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
