"""The decks: what a slide shows, that every slide fits a 1280 × 720 screen, and offline use.

The browser tests step through every slide of every deck in Debian's chromium from ``file://``
and fail on a slide taller than the slide area or a diagram label cut off by its box. Screenshots
of the first slides of every deck (and of any slide that does not fit) go to test-artifacts/.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import pytest
from browser import Watch, screenshot
from support import NOTEBOOKS, ROOT, notebook, notebooks

from tools.executed import executed
from tools.slides import (
    BUDGET,
    HIDE,
    HIDE_INPUT,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    cell_height,
    deck_title,
    for_slides,
    missing_vendor,
    slide_count,
    slide_type,
    write_index,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

FIRST_GUIDE = NOTEBOOKS / "01-km-til-egen-laege.ipynb"
SCREENSHOT_FIRST = 3  # slides per deck kept as pictures for a human to look at

# --- what a slide shows (no browser) ----------------------------------------------------------


def _with_types(nb: nbformat.NotebookNode, *kinds: str) -> nbformat.NotebookNode:
    for cell, kind in zip(nb.cells, kinds, strict=True):
        cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


def _tag(cell: nbformat.NotebookNode, tag: str) -> None:
    cell.metadata.setdefault("tags", []).append(tag)


def _output(cell: nbformat.NotebookNode, text: str) -> nbformat.NotebookNode:
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


def test_hidden_cells_are_left_out_but_the_slide_they_started_stays() -> None:
    nb = _with_types(
        notebook(
            ("markdown", "# Titel"),
            ("code", "assert True  # skjult"),
            ("markdown", "Fortsætter den nye slide"),
            ("code", "print('kun output')"),
        ),
        "slide",
        "slide",
        "-",
        "-",
    )
    _tag(nb.cells[1], HIDE)
    _tag(nb.cells[3], HIDE_INPUT)

    deck = for_slides(nb)

    assert [c.source for c in deck.cells] == ["# Titel", "Fortsætter den nye slide", "print('kun output')"]
    assert [slide_type(c) for c in deck.cells] == ["slide", "slide", "-"]
    assert deck.cells[2].metadata["transient"] == {"remove_source": True}
    assert "transient" not in deck.cells[1].metadata
    assert nb.cells[1].source == "assert True  # skjult", "the notebook itself is not changed"


def test_a_slide_too_tall_continues_below_with_its_heading() -> None:
    cells = [("markdown", "## Mange resultater")] + [("code", f"print({i})") for i in range(8)]
    nb = _with_types(notebook(*cells), "slide", *["-"] * 8)
    for i, cell in enumerate(nb.cells[1:]):
        _output(cell, "\n".join(f"linje {i}.{n}" for n in range(12)))
    assert sum(cell_height(c) for c in nb.cells) > BUDGET

    deck = for_slides(nb)

    slides: list[list[nbformat.NotebookNode]] = []
    for cell in deck.cells:
        if not slides or slide_type(cell) in {"slide", "subslide"}:
            slides.append([])
        slides[-1].append(cell)
    assert len(slides) > 1
    assert all(sum(cell_height(c) for c in cells) <= BUDGET for cells in slides)
    assert all(cells[0].source == "### Mange resultater (fortsat)" for cells in slides[1:])
    assert [c.source for c in deck.cells if c.cell_type == "code"] == [f"print({i})" for i in range(8)]


def test_frames_pictures_and_folded_blocks_count_as_a_full_output_box() -> None:
    cells = [("markdown", "## Rapporten"), ("code", "vis_rapport()"), ("code", "vis_xml()")]
    nb = _with_types(notebook(*cells), "slide", "-", "-")
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": '<iframe srcdoc="…" height="600"></iframe>'}
        )
    ]
    nb.cells[2].outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": "<details><summary>XML</summary>…</details>"}
        )
    ]

    deck = for_slides(nb)

    assert [slide_type(c) for c in deck.cells].count("subslide") == 1, "one box per slide"


def test_a_tall_markdown_cell_is_split_between_paragraphs_never_inside_a_fence() -> None:
    fence = "```mermaid\nflowchart LR\n  A --> B\n\n  B --> C\n```"
    paragraphs = [f"Afsnit {i}: " + "ord " * 60 for i in range(12)]
    source = "## Lang tekst\n\n" + "\n\n".join([*paragraphs[:6], fence, *paragraphs[6:]])
    nb = _with_types(notebook(("markdown", source)), "slide")

    deck = for_slides(nb)

    assert len(deck.cells) > 2
    assert any(fence in c.source for c in deck.cells), "a fenced block was cut in two"
    assert "".join(c.source for c in deck.cells if "(fortsat)" not in c.source).count("Afsnit") == 12
    assert len({c.id for c in deck.cells}) == len(deck.cells), "split cells need their own ids"


def test_deck_titles_and_index_name_the_guides(tmp_path: Path) -> None:
    nb = notebook(("markdown", "# Overgangen til FHIR\n\nTekst"))
    assert deck_title(Path("02-overgangen-til-fhir.ipynb"), nb) == "2 · Overgangen til FHIR"
    deck = tmp_path / "02-overgangen-til-fhir.slides.html"

    index = write_index(tmp_path, [(deck, "2 · Overgangen til FHIR")]).read_text(encoding="utf-8")

    assert '<a href="02-overgangen-til-fhir.slides.html">2 · Overgangen til FHIR' in index
    assert "<style>" in index
    assert 'lang="da"' in index


# --- every slide of every deck in the browser --------------------------------------------------

# Show slide i (vertical ones included), draw its diagrams, and measure it in slide pixels.
_MEASURE = """async (i) => {
  const slide = Reveal.getSlides()[i];
  const at = Reveal.getIndices(slide);
  Reveal.slide(at.h, at.v);
  await window.medcomkitDrawDiagrams(slide);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const area = document.querySelector('.reveal .slides').getBoundingClientRect();
  const scale = area.height / Reveal.getConfig().height;
  const box = slide.getBoundingClientRect();
  const clipped = [];
  for (const fo of slide.querySelectorAll('pre.mermaid svg foreignObject')) {
    const inner = fo.firstElementChild;
    const w = fo.width.baseVal.value, h = fo.height.baseVal.value;
    if (inner && (inner.scrollWidth > w + 1 || inner.scrollHeight > h + 1)) {
      clipped.push(inner.textContent.trim());
    }
  }
  for (const node of slide.querySelectorAll('pre.mermaid svg g.node')) {
    const shape = node.querySelector('rect, polygon, circle, ellipse, path');
    const label = node.querySelector('text, .label');
    if (!shape || !label) continue;
    const s = shape.getBoundingClientRect(), l = label.getBoundingClientRect();
    const slack = 2 * scale;
    if (l.left < s.left - slack || l.right > s.right + slack
        || l.top < s.top - slack || l.bottom > s.bottom + slack) {
      clipped.push(label.textContent.trim());
    }
  }
  const title = slide.querySelector('h1, h2, h3');
  return {
    title: title ? title.textContent.replace('¶', '').trim() : '',
    bottom: (box.bottom - area.top) / scale,
    right: (box.right - area.left) / scale,
    overflowing: [...slide.querySelectorAll('*')]
      .filter(el => el.getBoundingClientRect().right > area.right + scale
                    && getComputedStyle(el).visibility !== 'hidden'
                    && !el.closest('.jp-OutputArea-output, .jp-InputArea-editor, aside.notes'))
      .map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 40)).slice(0, 3),
    clipped: clipped,
    notes: Reveal.getSlideNotes(slide) || '',
    number: (document.querySelector('.reveal .slide-number') || {}).textContent || '',
    text: slide.textContent,
  };
}"""


def open_deck(browser: Browser, deck: Path) -> tuple[Page, Watch]:
    page = browser.new_page(viewport={"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT})
    watch = Watch.on(page)
    page.goto(deck.as_uri(), wait_until="load")
    page.wait_for_function("window.Reveal && window.Reveal.isReady()", timeout=15_000)
    page.evaluate("Reveal.configure({ transition: 'none', backgroundTransition: 'none' })")
    return page, watch


def present(browser: Browser, deck: Path, name: str) -> tuple[list[dict[str, Any]], Watch]:
    """Every slide of the deck, measured; screenshots of the first ones and of any that overflow."""
    page, watch = open_deck(browser, deck)
    slides: list[dict[str, Any]] = []
    try:
        total: int = page.evaluate("Reveal.getTotalSlides()")
        for i in range(total):
            slide: dict[str, Any] = page.evaluate(_MEASURE, i)
            slides.append(slide)
            if i < SCREENSHOT_FIRST or slide["bottom"] > SLIDE_HEIGHT + 1 or slide["clipped"]:
                screenshot(page, f"slides-{name}-{i + 1:02d}", full_page=False)
        page.wait_for_timeout(300)  # let late script errors arrive
    finally:
        page.close()
    return slides, watch


def misfits(slides: list[dict[str, Any]]) -> list[str]:
    """The slides that do not fit the slide area, or whose diagram labels are cut off."""
    problems = []
    for i, slide in enumerate(slides, start=1):
        where = f"slide {i} ({slide['title'] or 'no heading'})"
        if slide["bottom"] > SLIDE_HEIGHT + 1:
            problems.append(f"{where} is {slide['bottom']:.0f} px tall, over {SLIDE_HEIGHT}")
        if slide["right"] > SLIDE_WIDTH + 1 or slide["overflowing"]:
            problems.append(f"{where} is wider than {SLIDE_WIDTH} px: {slide['overflowing']}")
        problems += [f"{where}: diagram label cut off: {label!r}" for label in slide["clipped"]]
    return problems


def _site_decks() -> list[str]:
    return [p.stem for p in notebooks()]


@pytest.mark.slow
@pytest.mark.parametrize("name", _site_decks())
def test_every_slide_fits_the_screen(browser: Browser, built_site: Path, name: str) -> None:
    deck = built_site / "slides" / f"{name}.slides.html"

    slides, watch = present(browser, deck, name)

    watch.assert_clean()
    assert slides, "an empty deck"
    assert not misfits(slides), "\n".join(misfits(slides))
    assert all(re.fullmatch(r"\d+\s*/\s*\d+", s["number"].strip()) for s in slides), "slide numbers"
    assert all(not re.search(r"(In|Out)\s*\[\d*\]:", s["text"]) for s in slides), "a prompt on a slide"
    nb, _ = executed(NOTEBOOKS / f"{name}.ipynb", reuse=True)
    assert len(slides) == slide_count(nb)


@pytest.mark.slow
def test_site_deck_index_lists_every_deck_by_title(built_site: Path) -> None:
    index = (built_site / "slides" / "index.html").read_text(encoding="utf-8")
    for path in notebooks():
        assert f'href="{path.stem}.slides.html"' in index
        number = int(path.name.split("-")[0])
        assert re.search(rf">{number} · [^<]+<small>", index), f"{path.name} has no title in the index"


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


@pytest.mark.slow
def test_make_slides_gives_an_offline_deck(browser: Browser, tmp_path: Path) -> None:
    build_decks(tmp_path, FIRST_GUIDE)
    deck = tmp_path / "01-km-til-egen-laege.slides.html"
    assert "Korrespondancemeddelelse" in (tmp_path / "index.html").read_text(encoding="utf-8")

    slides, watch = present(browser, deck, "make-slides-01")

    watch.assert_clean()
    assert any(url.startswith("file:") and "reveal.js/dist/reveal.js" in url for url in watch.requests)
    assert not misfits(slides), "\n".join(misfits(slides))
    assert len(slides) > 1


LONG_LABELS = (
    "```mermaid\nflowchart LR\n"
    "    P[MedComs testprotokol] --> S[Jeres system laver en meddelelse til hver sag i protokollen]\n"
    "    S --> T[medcomkit selftest kører sagernes tjek og skriver rapporten]\n```"
)


@pytest.mark.slow
def test_tags_notes_and_metadata_decide_the_slides(browser: Browser, tmp_path: Path) -> None:
    guide = notebook(
        ("markdown", "# Titel"),
        ("code", "skjult = 41\nprint('SKJULT' + 'UDDATA')"),
        ("markdown", "## Ikke en ny slide, for metadata siger andet"),
        ("code", "print('kørt', skjult + 1)"),
        ("code", "print('KUN' + 'UDDATA')"),
        ("markdown", "Næste slide"),
        ("markdown", f"Under-slide med et diagram\n\n{LONG_LABELS}"),
        ("markdown", "Springes over"),
        ("markdown", "Husk at nævne kvitteringen"),
        *[("code", f"print('\\n'.join(['række {i}'] * 10))") for i in range(6)],
    )
    kinds = ["slide", "subslide", "-", "fragment", "-", "slide", "subslide", "skip", "notes", *["-"] * 6]
    _with_types(guide, *kinds)
    _tag(guide.cells[1], HIDE)
    _tag(guide.cells[4], HIDE_INPUT)
    source = tmp_path / "guide.ipynb"
    nbformat.write(guide, source)
    build_decks(tmp_path / "out", source)

    slides, watch = present(browser, tmp_path / "out" / "guide.slides.html", "tags")

    watch.assert_clean()
    text = "\n".join(s["text"] for s in slides)
    assert "SKJULTUDDATA" not in text, "a hidden cell's output is on a slide"
    assert "skjult = 41" not in text, "a hidden cell's source is on a slide"
    assert "kørt 42" in text, "the hidden cell was not executed"
    assert "KUNUDDATA" in text, "hide-input hides the output"
    assert "'KUN' + 'UDDATA'" not in text, "hide-input shows its source"
    assert "Springes over" not in text
    assert any("Husk at nævne kvitteringen" in s["notes"] for s in slides), "no speaker notes"
    assert not misfits(slides), "\n".join(misfits(slides))
    nb, _ = executed(source, reuse=True)
    # Title, the hidden cell's subslide (with the next cells), "Næste slide", the diagram, and the
    # twelve-line outputs continued over more subslides below it.
    assert len(slides) == slide_count(nb) > 4
