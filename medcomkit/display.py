"""Readable, Danish display of what the miniguides show: tables, long texts, charts, reports, commands.

Jupyter shows an object through its ``_repr_html_``; pandas and Python's own reprs show an index
column, ``dtype`` lines, cells cut at 50 characters and enum reprs that mean nothing to a
caseworker. The helpers here return :class:`Html`, a small value that renders as plain HTML with
inline styles — no script, nothing loaded from the network — so the same output works on the site,
on a slide and from a USB stick. Its plain-text form (``repr``) is readable Danish too.

pandas and matplotlib are imported inside the functions that need them, so importing this module
costs nothing.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from .archive.state import State, state_label
from .core.report import Severity
from .model.identifiers import GlnProblem, cpr_birth_date, gln_check_digit, gln_problems
from .model.messages import Priority, ReceiptKind, ReferralPriority

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "SYNTHETIC_LABEL",
    "Command",
    "Html",
    "approval_grid",
    "bar_chart",
    "danish",
    "describe_gln",
    "figure",
    "folded",
    "inline_page",
    "run_command",
    "segment_guide",
    "segments",
    "table",
    "text",
]

SYNTHETIC_LABEL: Final = "SYNTETISKE DATA"
_COMMAND_LINES: Final = 16  # a command's output longer than this is folded

# Wrap long lines at spaces; break a word only when it alone is wider than the column.
_WRAP: Final = "white-space:pre-wrap;word-break:normal;overflow-wrap:break-word"
_MONO: Final = "font-family:var(--md-code-font-family,ui-monospace,SFMono-Regular,Menlo,Consolas,monospace)"
_PRE: Final = (
    f"{_WRAP};{_MONO};font-size:0.85em;line-height:1.4;margin:0.3em 0;padding:0.6em;"
    "border-radius:4px;background:rgba(127,127,127,0.08)"
)
_CELL: Final = (
    "text-align:left;vertical-align:top;padding:0.25em 0.6em;"
    "white-space:normal;word-break:normal;overflow-wrap:break-word"
)


@dataclass(frozen=True, slots=True)
class Html:
    """HTML for a notebook output, with a plain-text form for terminals and ``print``."""

    html: str
    plain: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain

    def __str__(self) -> str:
        return self.plain


def _escape(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def text(content: str, *, caption: str | None = None) -> Html:
    """Preformatted text (a report, a mail, a tree) that wraps at spaces, never inside a word."""
    head = f"<p><strong>{_escape(caption)}</strong></p>" if caption else ""
    return Html(f'{head}<pre style="{_PRE}">{_escape(content)}</pre>', content)


def folded(content: str, *, summary: str, head: int = 8) -> Html:
    """A long XML or JSON text: the first ``head`` lines, and the whole text in a ``<details>`` block."""
    lines = content.splitlines()
    if len(lines) <= head:
        return text(content)
    preview = "\n".join(lines[:head])
    rest = len(lines) - head
    note = f"{summary}: de første {head} af {len(lines)} linjer; fold ud for resten"
    page = (
        f'<pre style="{_PRE}">{_escape(preview)}\n…</pre>'
        f"<details><summary>{_escape(summary)} — vis alle {len(lines)} linjer ({rest} mere)</summary>"
        f'<pre style="{_PRE}">{_escape(content)}</pre></details>'
    )
    return Html(page, f"{preview}\n… ({note})")


# One EDIFACT segment up to its terminator, a released character ("?'") included (UNA as well).
_SEGMENT: Final = re.compile(r"[^'?]*(?:\?.[^'?]*)*'", re.DOTALL)
_TEN_DIGITS: Final = re.compile(r"(?<![0-9])([0-9]{6})-?([0-9]{4})(?![0-9])")


def _mask_cpr(text: str) -> str:
    """Ten digits that encode a birth date become ``ddmmyy-****``. Unlike the reports' masking,
    which hides any ten digits, a letter id such as ``BREV2026112601`` stays readable here: a CPR
    number always starts with a date, and the segments shown are MedCom's, not free text."""

    def masked(match: re.Match[str]) -> str:
        digits = match[1] + match[2]
        return f"{match[1]}-****" if cpr_birth_date(digits) is not None else match[0]

    return _TEN_DIGITS.sub(masked, text)


def _segments_of(data: bytes) -> list[str]:
    text = data.decode("latin-1")  # UNOC is ISO-8859-1
    return [m.group(0).strip("\r\n") for m in _SEGMENT.finditer(text) if m.group(0).strip("\r\n")]


def segments(data: bytes, *, summary: str, head: int = 10) -> Html:
    """An EDIFACT interchange one segment per line (on the wire it is one long line), with CPR
    numbers masked, folded after the first ``head`` segments."""
    return folded(_mask_cpr("\n".join(_segments_of(data))), summary=summary, head=head)


def segment_guide(
    data: bytes, meanings: Sequence[tuple[str, str]], *, caption: str | None = None, width: int = 56
) -> Html:
    """The first segment starting with each prefix in ``meanings`` (``("NAD+SSP", "afsenderen")``),
    cut after ``width`` characters, beside what it means; CPR numbers masked. A prefix with no
    segment is left out."""
    found = _segments_of(data)
    rows = []
    for prefix, meaning in meanings:
        segment = next((s for s in found if s.startswith(prefix)), None)
        if segment is None:
            continue
        shown = _mask_cpr(segment)
        if len(shown) > width:
            shown = shown[: width - 1].rstrip() + " …"
        rows.append({"segment": shown, "betyder": meaning})
    return table(rows, caption=caption)


def _cell_text(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value != value:  # NaN
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_cell_text(v) for v in value) or "–"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def table(
    rows: pd.DataFrame | Sequence[Mapping[str, object]],
    *,
    columns: Mapping[str, str] | None = None,
    caption: str | None = None,
    styles: Mapping[tuple[int, str], str] | None = None,
) -> Html:
    """A table with whole cells, left-aligned, with no index column and no truncation.

    ``columns`` picks and renames columns (source name → heading shown), in the order given.
    ``styles`` adds inline CSS to single cells, keyed by (row number, shown heading).
    """
    import pandas as pd

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if columns is not None:
        frame = frame.loc[:, list(columns)].rename(columns=dict(columns))
    headings = [str(c) for c in frame.columns]
    body = [[_cell_text(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    extra = styles or {}
    parts = ['<table style="border-collapse:collapse;width:auto;max-width:100%">']
    if caption:
        parts.append(f'<caption style="text-align:left;caption-side:top">{_escape(caption)}</caption>')
    parts.append("<thead><tr>")
    parts += [f'<th style="{_CELL}">{_escape(h)}</th>' for h in headings]
    parts.append("</tr></thead><tbody>")
    for i, record in enumerate(body):
        parts.append("<tr>")
        for heading, value in zip(headings, record, strict=True):
            style = _CELL + (";" + extra[(i, heading)] if (i, heading) in extra else "")
            parts.append(f'<td style="{style}">{_escape(value)}</td>')
        parts.append("</tr>")
    parts.append("</tbody></table>")
    plain_lines = [" | ".join(headings)] + [" | ".join(r) for r in body]
    if caption:
        plain_lines.insert(0, caption)
    return Html("".join(parts), "\n".join(plain_lines))


_STATUS: Final = {
    "G": ("godkendt", "background:#1a7f37;color:#fff"),
    "T": ("i test", "background:#f2c744;color:#000"),
    "–": ("ingen godkendelse", "background:#e1e4e8;color:#57606a"),
}


def approval_grid(matrix: pd.DataFrame, *, caption: str | None = None) -> Html:
    """MedCom approval statuses (``G``/``T``/``–`` from :func:`medcomkit.landscape.approval_matrix`)
    as a coloured grid: one row per system, one column per standard and direction.

    Each cell says its status in words as well as colour, so the grid reads in black and white and
    to a screen reader.
    """
    systems = [str(s) for s in matrix.index]
    headings = [str(c).replace(" send", " sende").replace(" modtag", " modtage") for c in matrix.columns]
    parts = ['<table style="border-collapse:separate;border-spacing:2px;width:auto;max-width:100%">']
    if caption:
        parts.append(f'<caption style="text-align:left;caption-side:top">{_escape(caption)}</caption>')
    parts.append(f'<thead><tr><th style="{_CELL}">system</th>')
    parts += [f'<th style="{_CELL};font-size:0.85em">{_escape(h)}</th>' for h in headings]
    parts.append("</tr></thead><tbody>")
    plain = ["system | " + " | ".join(headings)]
    for system, values in zip(systems, matrix.itertuples(index=False, name=None), strict=True):
        parts.append(f'<tr><th scope="row" style="{_CELL}">{_escape(system)}</th>')
        words = []
        for value in values:
            word, colour = _STATUS.get(str(value), (str(value), ""))
            words.append(word)
            style = f"{_CELL};{colour};text-align:center;font-size:0.85em"
            parts.append(f'<td style="{style}">{_escape(word)}</td>')
        parts.append("</tr>")
        plain.append(f"{system} | " + " | ".join(words))
    parts.append("</tbody></table>")
    legend = " ".join(
        f'<span style="{colour};padding:0.1em 0.5em;border-radius:3px;font-size:0.85em">{word}</span>'
        for word, colour in _STATUS.values()
    )
    parts.append(f'<p style="margin-top:0.4em">{legend}</p>')
    return Html("".join(parts), "\n".join(plain))


def figure(fig: Figure, *, alt: str, synthetic: bool = False) -> Html:
    """A matplotlib figure as an ``<img>`` with Danish alt text, embedded as PNG (works offline).

    With ``synthetic`` the words SYNTETISKE DATA are written on the image itself, so a screenshot
    of the chart cannot pass for real statistics.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not alt.strip():
        raise ValueError("a figure needs alt text that says what it shows")
    if synthetic:
        # Across the middle of the plot, where no tick label or legend can cover it.
        fig.text(
            0.5,
            0.5,
            SYNTHETIC_LABEL,
            ha="center",
            va="center",
            rotation=20,
            fontsize=34,
            fontweight="bold",
            color="#b42318",
            alpha=0.22,
        )
        alt = f"{alt} ({SYNTHETIC_LABEL.lower()})" if SYNTHETIC_LABEL.lower() not in alt.lower() else alt
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    page = f'<img src="data:image/png;base64,{data}" alt="{_escape(alt)}" style="max-width:100%;height:auto">'
    return Html(page, f"[billede: {alt}]")


def bar_chart(
    counts: Mapping[str, int], *, title: str, xlabel: str, alt: str, synthetic: bool = False
) -> Html:
    """Horizontal bars, largest first, each labelled with its number."""
    from matplotlib.figure import Figure

    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    fig = Figure(figsize=(7.5, 0.45 * len(items) + 1.2))
    axes = fig.add_subplot()
    names = [name for name, _ in items][::-1]
    values = [value for _, value in items][::-1]
    bars = axes.barh(names, values, color="#1f6feb")
    axes.bar_label(bars, padding=3, fontsize=9)
    axes.set_title(title, fontsize=11, loc="left")
    axes.set_xlabel(xlabel)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max(values, default=1) * 1.15)
    fig.tight_layout()
    return figure(fig, alt=alt, synthetic=synthetic)


def inline_page(page: str, *, title: str, height: int = 480) -> Html:
    """A whole HTML page (a report) shown inside the guide in an ``<iframe srcdoc>``.

    The frame is sandboxed (no scripts) and loads nothing, so it works offline and from ``file://``.
    """
    frame = (
        f'<iframe srcdoc="{_escape(page)}" title="{_escape(title)}" sandbox="" loading="lazy" '
        f'style="width:100%;height:{height}px;border:1px solid #d0d7de;border-radius:4px;background:#fff">'
        "</iframe>"
    )
    return Html(frame, f"[{title}]")


@dataclass(frozen=True, slots=True)
class Command:
    """A ``medcomkit`` command line that was run, shown as the user would type it, with its output."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def line(self) -> str:
        return "medcomkit " + " ".join(_quote(a) for a in self.args)

    def _repr_html_(self) -> str:
        shown = self.stdout.rstrip("\n")
        if self.stderr.strip():
            shown = f"{shown}\n{self.stderr.rstrip()}" if shown else self.stderr.rstrip()
        lines = shown.splitlines()
        prompt = (
            f'<pre style="{_PRE}"><span style="user-select:none;opacity:0.6">$ </span>'
            f"<strong>{_escape(self.line)}</strong>\n"
        )
        if len(lines) <= _COMMAND_LINES:
            return f"{prompt}{_escape(shown)}</pre>"
        head = "\n".join(lines[: _COMMAND_LINES - 2])
        return (
            f"{prompt}{_escape(head)}\n…</pre>"
            f"<details><summary>Hele uddata — {len(lines)} linjer</summary>"
            f'<pre style="{_PRE}">{_escape(shown)}</pre></details>'
        )

    def __repr__(self) -> str:
        return f"$ {self.line}\n{self.stdout}{self.stderr}"


def _quote(arg: str) -> str:
    return f"'{arg}'" if not arg or any(c in arg for c in " '\"$&;|<>*?") else arg


def run_command(*args: str, cwd: str | os.PathLike[str] | None = None) -> Command:
    """Run ``medcomkit ARGS`` in this Python (``python -m medcomkit``) and keep what it printed."""
    run = subprocess.run(
        [sys.executable, "-m", "medcomkit", *args],
        cwd=Path(cwd) if cwd is not None else None,
        capture_output=True,
        text=True,
        check=False,
    )
    return Command(tuple(args), run.returncode, run.stdout, run.stderr)


_GLN_TEXT: Final = {
    GlnProblem.FORMAT: "er ikke 13 cifre",
    GlnProblem.CHECK_DIGIT: "har et forkert kontrolciffer",
}


def describe_gln(gln: str) -> str:
    """In Danish: is ``gln`` a well-formed location number, and if not, what is wrong."""
    problems = gln_problems(gln)
    if not problems:
        return f"{gln}: i orden (13 cifre, kontrolcifferet passer)"
    reasons = [_GLN_TEXT[p] for p in problems]
    if GlnProblem.CHECK_DIGIT in problems:
        reasons[-1] += f" — det sidste ciffer skulle have været {gln_check_digit(gln[:12])}"
    return f"{gln}: " + " og ".join(reasons)


_DANISH_WORDS: Final[Mapping[Enum, str]] = {  # StrEnum members compare as strings: look up by type too
    Severity.ERROR: "fejl",
    Severity.WARNING: "advarsel",
    Severity.INFORMATION: "information",
    ReceiptKind.POSITIVE: "positiv kvittering",
    ReceiptKind.NEGATIVE: "negativ kvittering",
    ReceiptKind.TRANSIENT: "midlertidig fejl",
    ReceiptKind.VANS_NEGATIVE: "negativ kvittering fra VANS",
    Priority.ROUTINE: "rutine",
    Priority.HIGH: "høj prioritet",
    ReferralPriority.ELECTIVE: "planlagt (elektiv)",
    ReferralPriority.ACUTE: "akut",
    ReferralPriority.SPECIAL_CIRCUMSTANCES: "særlige forhold",
    GlnProblem.FORMAT: "ikke 13 cifre",
    GlnProblem.CHECK_DIGIT: "forkert kontrolciffer",
}

_BY_TYPE: Final = {(type(member), member.value): word for member, word in _DANISH_WORDS.items()}


def danish(value: Enum | str | None) -> str:
    """A status or code value in Danish words, as a reader expects it (``None`` is a dash).

    Covers the values the guides show: severities, receipt kinds, priorities, journal states and
    location-number problems; any other value is shown as it is.
    """
    if value is None:
        return "–"
    if isinstance(value, State):
        return state_label(value).da
    if isinstance(value, Enum):
        word = _BY_TYPE.get((type(value), value.value))
        return word if word is not None else str(value.value)
    return str(value)
