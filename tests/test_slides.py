"""`make slides` gives decks a presenter can open from file:// with no network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from browser import Watch, screenshot
from support import NOTEBOOKS, ROOT, notebook, read_notebook

from tools.slides import missing_vendor, slide_count

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow

FIRST_GUIDE = NOTEBOOKS / "01-km-til-egen-laege.ipynb"


# Visit slide i of Reveal.getSlides(), vertical ones included (next() would stop at fragments).
_SHOW_SLIDE = "i => { const at = Reveal.getIndices(Reveal.getSlides()[i]); Reveal.slide(at.h, at.v); }"


def build_decks(out: Path, *notebooks: Path) -> None:
    """What `make slides` runs, into ``out``."""
    if missing := missing_vendor():
        pytest.skip(f"vendored slide assets missing ({', '.join(map(str, missing))}); run `make vendor`")
    run = subprocess.run(
        [sys.executable, "-m", "tools.slides", "--out", str(out), *map(str, notebooks)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def present(browser: Browser, deck: Path, name: str) -> tuple[int, Watch]:
    """Open a deck from file://, step through every slide; returns the slide count."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    watch = Watch.on(page)
    try:
        page.goto(deck.as_uri(), wait_until="load")
        page.wait_for_function("window.Reveal && window.Reveal.isReady()", timeout=15_000)
        page.evaluate("Reveal.configure({ transition: 'none', backgroundTransition: 'none' })")
        total: int = page.evaluate("Reveal.getTotalSlides()")
        for i in range(total):
            page.evaluate(_SHOW_SLIDE, i)
            page.wait_for_timeout(100)
            screenshot(page, f"slides-{name}-{i + 1:02d}")
        page.wait_for_function("document.querySelectorAll('pre.mermaid:not([data-processed])').length === 0")
        page.wait_for_timeout(300)  # let late script errors arrive
    finally:
        page.close()
    return total, watch


def test_first_miniguide_deck_works_offline(browser: Browser, tmp_path: Path) -> None:
    build_decks(tmp_path, FIRST_GUIDE)
    deck = tmp_path / "01-km-til-egen-laege.slides.html"
    assert (tmp_path / "index.html").is_file()

    total, watch = present(browser, deck, "01-km-til-egen-laege")

    watch.assert_clean()
    assert any(url.startswith("file:") and "reveal.js/dist/reveal.js" in url for url in watch.requests)
    assert total == slide_count(read_notebook(FIRST_GUIDE))
    # One slide per heading when the cells say nothing, so a real guide is never a single slide.
    assert total > 1


def test_slide_metadata_decides_the_slides(browser: Browser, tmp_path: Path) -> None:
    guide = notebook(
        ("markdown", "# Titel"),
        ("markdown", "## Ikke en ny slide, for metadata siger andet"),
        ("code", "print('kørt')"),
        ("markdown", "Næste slide"),
        ("markdown", "Under-slide med et diagram\n\n```mermaid\nflowchart LR\n  A --> B\n```"),
        ("markdown", "Springes over"),
        ("markdown", "Noter til oplægsholderen"),
    )
    kinds = ["slide", "-", "fragment", "slide", "subslide", "skip", "notes"]
    for cell, kind in zip(guide.cells, kinds, strict=True):
        cell.metadata["slideshow"] = {"slide_type": kind}
    source = tmp_path / "guide.ipynb"
    nbformat.write(guide, source)
    build_decks(tmp_path / "out", source)

    total, watch = present(browser, tmp_path / "out" / "guide.slides.html", "metadata")

    watch.assert_clean()
    assert total == slide_count(guide) == 3
