"""Executed reveal.js decks from the miniguide notebooks, for presenting with no network.

``python -m tools.slides --out build/slides notebooks/*.ipynb`` (what ``make slides`` runs) is
``jupyter nbconvert --to slides --execute`` with the reveal.js, require.js and mermaid that
``make vendor`` fetched from npm, copied into the output folder beside the decks, so the folder
can be copied to a USB stick and opened from ``file://``.

Cell metadata ``slideshow.slide_type`` decides what goes on which slide. A notebook whose cells
say nothing about slides gets one slide per ``#``/``##`` heading rather than one endless slide.
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert.exporters import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "slides_template"
REVEAL = ROOT / "build" / "slides-vendor" / "reveal.js"
REQUIRE_JS = ROOT / "build" / "slides-vendor" / "require.js"
MERMAID_JS = ROOT / "docs" / "vendor" / "mermaid.min.js"
CELL_TIMEOUT = 120  # seconds; a cell that hangs fails the deck instead of the presenter

_HEADING = re.compile(r"\s*#{1,2} ")
_STARTS_SUBSLIDE = {"slide", "subslide"}


class VendorMissing(RuntimeError):
    """The vendored browser assets are not there; ``make vendor`` fetches them."""


def missing_vendor() -> list[Path]:
    """The vendored files a deck needs that are not on disk."""
    return [p for p in (REVEAL / "dist" / "reveal.js", REQUIRE_JS, MERMAID_JS) if not p.is_file()]


def with_default_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook, or when no cell has slide metadata a copy where each heading starts a slide."""
    if any("slideshow" in cell.metadata for cell in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and _HEADING.match(cell.source):
            cell.metadata["slideshow"] = {"slide_type": "slide"}
    return nb


def slide_count(nb: nbformat.NotebookNode) -> int:
    """How many slides (horizontal and vertical) the deck of this notebook has.

    Mirrors nbconvert's reveal preprocessor: the first visible cell opens a slide, and every
    later ``slide`` or ``subslide`` cell opens another.
    """
    types = [
        cell.metadata.get("slideshow", {}).get("slide_type", "-") for cell in with_default_slides(nb).cells
    ]
    visible = [i for i, t in enumerate(types) if t not in {"notes", "skip"}]
    if not visible:
        return 0
    return 1 + sum(t in _STARTS_SUBSLIDE for t in types[visible[0] + 1 :])


def _exporter(timeout: int) -> SlidesExporter:
    c = Config()
    # Paths relative to the deck: the assets sit beside it (see copy_vendor).
    c.SlidesExporter.reveal_url_prefix = "reveal.js"
    c.SlidesExporter.require_js_url = "require.js"
    c.SlidesExporter.jquery_url = ""
    c.SlidesExporter.reveal_theme = "white"  # "simple", the default, imports Google Fonts
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.SlidesExporter.template_name = "medcomkit-reveal"
    # What `--execute` does: switch on the ExecutePreprocessor in the exporter's default chain.
    c.ExecutePreprocessor.enabled = True
    c.ExecutePreprocessor.timeout = timeout
    c.ExecutePreprocessor.kernel_name = "python3"
    return SlidesExporter(config=c)


def build_deck(notebook: Path, out_dir: Path, *, timeout: int = CELL_TIMEOUT) -> Path:
    """Execute ``notebook`` and write its deck into ``out_dir``; returns the deck's path.

    Raises nbclient's ``CellExecutionError`` when a cell raises, like the site build does.
    """
    nb: nbformat.NotebookNode = nbformat.read(notebook, as_version=4)
    nb = with_default_slides(nb)
    # The kernel runs in the notebook's folder, as in JupyterLab and the site build.
    resources = {
        "metadata": {"name": notebook.stem, "path": str(notebook.parent.resolve())},
        # nbconvert's own mermaid_js_url is not configurable, and it wants an ES module.
        "medcomkit": {"mermaid_js_url": MERMAID_JS.name},
    }
    body, _ = _exporter(timeout).from_notebook_node(nb, resources=resources)
    out_dir.mkdir(parents=True, exist_ok=True)
    deck = out_dir / f"{notebook.stem}.slides.html"
    deck.write_text(body, encoding="utf-8")
    return deck


def copy_vendor(out_dir: Path) -> None:
    """Put reveal.js, require.js and mermaid beside the decks."""
    if missing := missing_vendor():
        raise VendorMissing(f"missing {', '.join(map(str, missing))}; run `make vendor`")
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REVEAL, out_dir / "reveal.js", dirs_exist_ok=True)
    shutil.copy2(REQUIRE_JS, out_dir / "require.js")
    shutil.copy2(MERMAID_JS, out_dir / "mermaid.min.js")


def write_index(out_dir: Path, decks: Sequence[Path]) -> Path:
    """A Danish start page linking every deck, for the presenter who opens the folder."""
    items = "\n".join(
        f'    <li><a href="{html.escape(d.name)}">{html.escape(d.stem.removesuffix(".slides"))}</a></li>'
        for d in sorted(decks)
    )
    page = out_dir / "index.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="da">\n<head><meta charset="utf-8"><title>medcomkit – slides</title>'
        f"</head>\n<body>\n  <h1>Miniguides som slides</h1>\n  <ul>\n{items}\n  </ul>\n</body>\n</html>\n",
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
    except VendorMissing as exc:
        parser.exit(2, f"{parser.prog}: {exc}\n")
    decks = [build_deck(nb, args.out, timeout=args.timeout) for nb in args.notebooks]
    for deck in decks:
        print(deck)
    print(write_index(args.out, decks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
