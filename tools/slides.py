"""Executed reveal.js decks from the miniguide notebooks, for presenting with no network.

``python -m tools.slides --out build/slides notebooks/*.ipynb`` (what ``make slides`` runs)
executes each notebook and writes its deck with the reveal.js, require.js and mermaid that
``make vendor`` fetched from npm beside it, so the folder can be copied to a USB stick and opened
from ``file://``. The site build (tools/mkdocs_hooks.py) writes the same decks into ``site/slides/``
from the runs that made the pages.

What a slide shows, for any notebook and without editing it:

* cell metadata ``slideshow.slide_type`` decides the slides (as in nbconvert; ``notes`` cells
  are speaker notes); a notebook whose cells say nothing gets one slide per ``#``/``##`` heading;
* a cell tagged ``hide`` is executed but never shown, one tagged ``hide-input`` shows its output
  only, and no cell shows an ``In [n]:`` prompt;
* a slide whose cells would not fit 1280 × 720 continues on a new slide below it; a single output
  too tall for a slide scrolls inside its own box (the template's CSS).
"""

from __future__ import annotations

import argparse
import base64
import copy
import functools
import hashlib
import html
import re
import shutil
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.exporters import SlidesExporter
from traitlets.config import Config

from tools.executed import CELL_TIMEOUT, NotebookFailed, executed, prune

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "slides_template"
REVEAL = ROOT / "build" / "slides-vendor" / "reveal.js"
REQUIRE_JS = ROOT / "build" / "slides-vendor" / "require.js"
MERMAID_JS = ROOT / "docs" / "vendor" / "mermaid.min.js"

SLIDE_WIDTH = 1280
SLIDE_HEIGHT = 720
HIDE = "hide"
HIDE_INPUT = "hide-input"

_HEADING = re.compile(r"\s*#{1,2} ")
_TITLE = re.compile(r"^(#{1,6}) +(.+?)\s*#*\s*$", re.MULTILINE)
_STARTS_SUBSLIDE = {"slide", "subslide"}
_INVISIBLE = {"notes", "skip"}


class VendorMissing(RuntimeError):
    """The vendored browser assets are not there; ``make vendor`` fetches them."""


def missing_vendor() -> list[Path]:
    """The vendored files a deck needs that are not on disk."""
    return [p for p in (REVEAL / "dist" / "reveal.js", REQUIRE_JS, MERMAID_JS) if not p.is_file()]


def slide_type(cell: nbformat.NotebookNode) -> str:
    kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
    return str(kind) if kind else "-"


def _set_slide_type(cell: nbformat.NotebookNode, kind: str) -> None:
    cell.metadata.setdefault("slideshow", {})["slide_type"] = kind


def tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.metadata.get("tags", []))


def title(nb: nbformat.NotebookNode) -> str | None:
    """The text of the notebook's first ``#`` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for m in _TITLE.finditer(cell.source):
                if len(m[1]) == 1:
                    return m[2]
    return None


def deck_title(notebook: Path, nb: nbformat.NotebookNode) -> str:
    """ "2 · Overgangen til FHIR …": the guide's number (from its file name) and its heading."""
    heading = title(nb) or notebook.stem
    number = re.match(r"0*(\d+)-", notebook.name)
    return f"{number[1]} · {heading}" if number else heading


def with_default_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook, or when no cell has slide metadata a copy where each heading starts a slide."""
    if any("slideshow" in cell.metadata for cell in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and _HEADING.match(cell.source):
            _set_slide_type(cell, "slide")
    return nb


def without_hidden(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the cells tagged ``hide``; a slide that one of them started still starts.

    Cells tagged ``hide-input`` keep their outputs and lose their source.
    """
    nb = copy.deepcopy(nb)
    kept = []
    pending: str | None = None  # a slide start carried over from a hidden cell
    for cell in nb.cells:
        kind = slide_type(cell)
        if HIDE in tags(cell):
            if kind in _STARTS_SUBSLIDE and pending != "slide":
                pending = kind
            continue
        if pending and kind not in _INVISIBLE:
            if kind in {"-", "fragment"} or (kind == "subslide" and pending == "slide"):
                _set_slide_type(cell, pending)
            pending = None
        if HIDE_INPUT in tags(cell) and cell.cell_type == "code":
            cell.metadata["transient"] = {"remove_source": True}
        kept.append(cell)
    nb.cells = kept
    return nb


# --- fitting slides into 1280 × 720 ------------------------------------------------------------
# Heights in CSS pixels of the slide, for the sizes the template's stylesheet sets. They are
# estimates: the browser test measures the real slides, and an output that is taller than its
# estimate scrolls inside its box instead of pushing the slide over the edge.

BUDGET = SLIDE_HEIGHT - 90  # the slide's padding, the slide number and some air
TEXT_LINE = 32  # 20 px text, line height 1.5, and the odd wrapped line
TEXT_CHARS = 105  # characters per line of text across the slide
CODE_LINE = 23  # 16 px monospace
CODE_CHARS = 120
HEADING = {1: 62, 2: 52, 3: 42}
TABLE_ROW = 33
BLOCK_GAP = 14
INPUT_MAX = 300  # the stylesheet's max-height for code input
OUTPUT_MAX = 400  # and for one output
IMAGE_MAX = 440
MERMAID = 380  # a diagram is scaled to fit this height


def _lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(line) // width)) for line in text.splitlines()) if text.strip() else 0


_EMBEDDED = re.compile(r"<(?:iframe|img|svg|video|details|object|embed)\b", re.IGNORECASE)
_MERMAID = re.compile(r'```mermaid.*?```|<pre class="mermaid">.*?</pre>', re.DOTALL)


def _markdown_height(source: str) -> int:
    diagrams = len(_MERMAID.findall(source))
    if diagrams:
        return diagrams * MERMAID + _markdown_height(_MERMAID.sub("", source))
    height = 0
    for block in re.split(r"\n\s*\n", source.strip()):
        if not block.strip():
            continue
        heading = re.match(r"(#{1,6}) ", block)
        if heading:
            height += HEADING.get(len(heading[1]), 36)
            block = block.split("\n", 1)[1] if "\n" in block else ""
        rows = [line for line in block.splitlines() if line.lstrip().startswith("|")]
        height += len(rows) * TABLE_ROW
        rest = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("|"))
        height += _lines(rest, TEXT_CHARS) * TEXT_LINE + BLOCK_GAP
    return height


def _png_size(data: str) -> tuple[int, int] | None:
    head = base64.b64decode(data[:64] + "=" * (-len(data[:64]) % 4))
    if head[:8] != b"\x89PNG\r\n\x1a\n" or len(head) < 24:
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _output_height(output: nbformat.NotebookNode) -> int:
    if output.output_type == "stream":
        return _lines(output.text, CODE_CHARS) * CODE_LINE + BLOCK_GAP
    if output.output_type == "error":
        return OUTPUT_MAX
    data = output.get("data", {})
    if {"image/svg+xml", "image/jpeg", "image/gif"} & set(data) and "image/png" not in data:
        return IMAGE_MAX
    if "image/png" in data:
        meta = output.get("metadata", {}).get("image/png", {})
        size = (meta.get("width"), meta.get("height")) if "height" in meta else _png_size(data["image/png"])
        if size and size[0] and size[1]:
            width, height = size
            return min(IMAGE_MAX, int(height * min(1.0, (SLIDE_WIDTH - 80) / width))) + BLOCK_GAP
        return IMAGE_MAX
    if "text/html" in data:
        markup = "".join(data["text/html"])
        if _EMBEDDED.search(markup):  # a frame, picture or folded block: as tall as its box allows
            return OUTPUT_MAX + BLOCK_GAP
        rows = markup.count("<tr")
        height = rows * TABLE_ROW if rows else _lines(re.sub("<[^>]+>", "", markup), TEXT_CHARS) * TEXT_LINE
        return min(OUTPUT_MAX, height) + BLOCK_GAP
    if "text/markdown" in data:
        return min(OUTPUT_MAX, _markdown_height("".join(data["text/markdown"])))
    if "text/plain" in data:
        return min(OUTPUT_MAX, _lines("".join(data["text/plain"]), CODE_CHARS) * CODE_LINE) + BLOCK_GAP
    return 0


def cell_height(cell: nbformat.NotebookNode) -> int:
    """About how tall the cell is on a slide, in CSS pixels."""
    if slide_type(cell) in _INVISIBLE:
        return 0
    if cell.cell_type == "markdown":
        return _markdown_height(cell.source)
    if cell.cell_type != "code":
        return 0
    height = 0
    if not cell.metadata.get("transient", {}).get("remove_source") and cell.source.strip():
        height += min(INPUT_MAX, _lines(cell.source, CODE_CHARS) * CODE_LINE + 16) + BLOCK_GAP
    return height + sum(min(OUTPUT_MAX, _output_height(o)) for o in cell.get("outputs", []))


@dataclass
class _Slide:
    heading: str | None
    height: int = 0


def _markdown_blocks(source: str) -> list[str]:
    """Markdown split at blank lines, never inside a fenced block or an HTML ``<pre>``."""
    blocks: list[str] = []
    current: list[str] = []
    fenced = False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif ("<pre" in line) != ("</pre>" in line):
            fenced = "<pre" in line
        if not line.strip() and not fenced and current:
            blocks.append("\n".join(current))
            current = []
        elif line.strip() or current:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _split_tall_markdown(cell: nbformat.NotebookNode, budget: int) -> list[nbformat.NotebookNode]:
    """A Markdown cell too tall for a slide as several cells, a paragraph or more each."""
    if cell.cell_type != "markdown" or cell_height(cell) <= budget:
        return [cell]
    pieces: list[nbformat.NotebookNode] = []
    for block in _markdown_blocks(cell.source):
        if pieces and _markdown_height(pieces[-1].source + "\n\n" + block) <= budget // 2:
            pieces[-1].source += "\n\n" + block
            continue
        piece = nbformat.v4.new_markdown_cell(block, metadata=copy.deepcopy(cell.metadata))
        if pieces:
            _set_slide_type(piece, "-")
        pieces.append(piece)
    return pieces


def split_long_slides(nb: nbformat.NotebookNode, budget: int = BUDGET) -> nbformat.NotebookNode:
    """A copy where a slide too tall for the screen goes on over new slides below it.

    It breaks between cells, and a Markdown cell taller than a slide between its paragraphs; a
    continued slide repeats its heading with "(fortsat)".
    """
    nb = copy.deepcopy(nb)
    cells: list[nbformat.NotebookNode] = []
    current: _Slide | None = None
    for cell in (piece for original in nb.cells for piece in _split_tall_markdown(original, budget)):
        kind = slide_type(cell)
        height = cell_height(cell)
        if current is None or kind in _STARTS_SUBSLIDE:
            heading = _TITLE.search(cell.source) if cell.cell_type == "markdown" else None
            current = _Slide(heading[2] if heading else None)
        elif height and current.height and current.height + height > budget:
            if current.heading:
                more = nbformat.v4.new_markdown_cell(f"### {current.heading} (fortsat)")
                _set_slide_type(more, "subslide")
                more.metadata["medcomkit"] = {"continued": True}
                cells.append(more)
                current = _Slide(current.heading, HEADING[3])
            else:
                _set_slide_type(cell, "subslide")
                current = _Slide(None)
        current.height += height
        cells.append(cell)
    nb.cells = cells
    return nb


def for_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What the deck of an executed notebook shows (see the module docstring)."""
    return split_long_slides(without_hidden(with_default_slides(nb)))


def slide_count(nb: nbformat.NotebookNode) -> int:
    """How many slides (horizontal and vertical) the deck of this executed notebook has.

    Mirrors nbconvert's reveal preprocessor: the first visible cell opens a slide, and every
    later ``slide`` or ``subslide`` cell opens another.
    """
    types = [slide_type(cell) for cell in for_slides(nb).cells]
    visible = [i for i, t in enumerate(types) if t not in _INVISIBLE]
    if not visible:
        return 0
    return 1 + sum(t in _STARTS_SUBSLIDE for t in types[visible[0] + 1 :])


@functools.cache
def _exporter() -> SlidesExporter:
    """One exporter for every deck: it compiles its templates once."""
    c = Config()
    # Paths relative to the deck: the assets sit beside it (see copy_vendor).
    c.SlidesExporter.reveal_url_prefix = "reveal.js"
    c.SlidesExporter.require_js_url = "require.js"
    c.SlidesExporter.jquery_url = ""
    c.SlidesExporter.reveal_theme = "white"  # "simple", the default, imports Google Fonts
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_width = str(SLIDE_WIDTH)
    c.SlidesExporter.reveal_height = str(SLIDE_HEIGHT)
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.SlidesExporter.template_name = "medcomkit-reveal"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    return SlidesExporter(config=c)


def render_deck(
    nb: nbformat.NotebookNode,
    name: str,
    out_dir: Path,
    *,
    deck_title: str,
    mermaid_url: str = "mermaid.min.js",
    cache_dir: Path | None = None,
) -> Path:
    """Write the deck of the executed notebook ``nb`` as ``out_dir/<name>.slides.html``.

    With ``cache_dir``, a deck rendered before from the same executed notebook (outputs
    included) by the same code and template is copied instead of rendered again.
    """
    deck = out_dir / f"{name}.slides.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"{_deck_key(nb, name, deck_title, mermaid_url)}.html" if cache_dir else None
    if cached and cached.is_file():
        shutil.copyfile(cached, deck)
        return deck
    nb = for_slides(nb)
    nb.metadata["title"] = deck_title
    resources = {
        "metadata": {"name": name},
        "language_code": "da",
        # nbconvert's own mermaid_js_url is not configurable, and it wants an ES module.
        "medcomkit": {"mermaid_js_url": mermaid_url},
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    deck.write_text(body, encoding="utf-8")
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(deck, cached)
        prune(cached.parent)
    return deck


def _deck_key(nb: nbformat.NotebookNode, *parts: str) -> str:
    digest = hashlib.sha256(nbformat.writes(nb).encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    for source in sorted([Path(__file__), *TEMPLATES.rglob("*.*")]):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def build_deck(notebook: Path, out_dir: Path, *, timeout: int = CELL_TIMEOUT) -> tuple[Path, str]:
    """Execute ``notebook`` and write its deck into ``out_dir``; returns the deck and its title.

    Raises ``NotebookFailed`` when a cell raises, like the site build does.
    """
    nb, _ = executed(notebook, timeout=timeout)
    name = deck_title(notebook, nb)
    return render_deck(nb, notebook.stem, out_dir, deck_title=name), name


def copy_vendor(out_dir: Path, *, mermaid: bool = True) -> None:
    """Put reveal.js (the parts a deck uses), require.js and mermaid beside the decks."""
    if missing := missing_vendor():
        raise VendorMissing(f"missing {', '.join(map(str, missing))}; run `make vendor`")
    out_dir.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("*.map", "*.esm.js")
    shutil.copytree(REVEAL / "dist", out_dir / "reveal.js" / "dist", ignore=skip, dirs_exist_ok=True)
    shutil.copytree(
        REVEAL / "plugin" / "notes",
        out_dir / "reveal.js" / "plugin" / "notes",
        ignore=skip,
        dirs_exist_ok=True,
    )
    shutil.copy2(REQUIRE_JS, out_dir / "require.js")
    if mermaid:
        shutil.copy2(MERMAID_JS, out_dir / "mermaid.min.js")


_INDEX_STYLE = """
    body { font-family: system-ui, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0;
           color: #1f2328; background: #f6f8fa; }
    header { background: #3f51b5; color: #fff; padding: 2rem 3rem 1.5rem; }
    header h1 { margin: 0 0 .4rem; font-size: 2rem; font-weight: 600; }
    header p { margin: 0; opacity: .9; }
    main { max-width: 56rem; margin: 2rem auto; padding: 0 1.5rem; }
    ol { list-style: none; padding: 0; display: grid; gap: .8rem; }
    li a { display: block; padding: 1rem 1.25rem; background: #fff; border-radius: .5rem;
           border: 1px solid #d0d7de; color: inherit; text-decoration: none; font-size: 1.15rem; }
    li a:hover, li a:focus { border-color: #3f51b5; box-shadow: 0 2px 8px rgba(63, 81, 181, .2); }
    li small { display: block; margin-top: .3rem; color: #57606a; font-size: .9rem; }
    footer { max-width: 56rem; margin: 0 auto 2rem; padding: 0 1.5rem; color: #57606a; }
"""


def write_index(out_dir: Path, decks: Iterable[tuple[Path, str]], *, site_link: str | None = None) -> Path:
    """A Danish start page listing every deck by its title, for the presenter who opens the folder."""
    items = "\n".join(
        f'      <li><a href="{html.escape(deck.name)}">{html.escape(name)}'
        f"<small>{html.escape(deck.name)}</small></a></li>"
        for deck, name in sorted(decks)
    )
    back = (
        f'\n  <footer><a href="{html.escape(site_link)}">Til miniguiderne på sitet</a></footer>'
        if site_link
        else ""
    )
    page = out_dir / "index.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '  <link rel="icon" href="data:,">\n'
        f"  <title>medcomkit – miniguides som slides</title>\n  <style>{_INDEX_STYLE}  </style>\n</head>\n"
        "<body>\n  <header>\n    <h1>Miniguides som slides</h1>\n"
        "    <p>Piletasterne bladrer, <kbd>s</kbd> åbner talernoter, <kbd>f</kbd> fylder skærmen.</p>\n"
        f"  </header>\n  <main>\n    <ol>\n{items}\n    </ol>\n  </main>{back}\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return page


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.slides", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    try:
        copy_vendor(args.out)
        decks = [build_deck(nb, args.out, timeout=args.timeout) for nb in args.notebooks]
    except (VendorMissing, NotebookFailed) as exc:
        parser.exit(2 if isinstance(exc, VendorMissing) else 1, f"{parser.prog}: {exc}\n")
    for deck, _ in decks:
        print(deck)
    print(write_index(args.out, decks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
