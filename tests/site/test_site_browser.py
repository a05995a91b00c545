"""The built site in a real browser, served over http and opened from file://, with no network.

A webinar presenter may open site/index.html from a USB stick, so every check runs both ways:
pages render with their executed notebook outputs, search works, mermaid diagrams are drawn,
no script fails, and no request leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser import Watch, screenshot, serve
from support import (
    DOCS,
    first_heading,
    mkdocs_build,
    notebook,
    notebooks,
    read_notebook,
    require_site_vendor,
    write_site,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

MODES = ["http", "file"]
MINIGUIDES = {f"miniguider/{p.stem}.html": p for p in notebooks()}
# The offline plugin turns off directory URLs: docs/x.md is x.html.
PAGES = ["index.html", *sorted(f"{p.stem}.html" for p in DOCS.glob("*.md") if p.stem != "index"), *MINIGUIDES]
SETTLE_MS = 10_000


def _build(site_dir: Path, *args: str) -> Path:
    build = mkdocs_build(*args)
    assert build.returncode == 0, f"mkdocs build failed:\n{build.stdout}\n{build.stderr}"
    return site_dir


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


@pytest.fixture(scope="module")
def base_urls(site: Path) -> Iterator[dict[str, str]]:
    with serve(site) as http:
        yield {"http": http, "file": site.as_uri() + "/"}


def open_page(browser: Browser, url: str) -> tuple[Page, Watch]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch.on(page)
    page.goto(url, wait_until="load")
    # Material mounts its components, then replaces each pre.mermaid by a drawn div.mermaid.
    page.wait_for_selector("[data-md-component=content]")
    page.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0", timeout=SETTLE_MS)
    return page, watch


def assert_diagrams_drawn(page: Page) -> int:
    """Every diagram is a visible div.mermaid (drawn into a closed shadow root); returns how many."""
    assert page.locator("pre.mermaid").count() == 0, "a mermaid diagram was not drawn"
    diagrams = page.locator("div.mermaid")
    for i in range(diagrams.count()):
        box = diagrams.nth(i).bounding_box()
        assert box is not None, f"diagram {i} is not displayed"
        assert box["height"] > 20, f"diagram {i} is not visible: {box}"
    return diagrams.count()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline(browser: Browser, base_urls: dict[str, str], mode: str, path: str) -> None:
    page, watch = open_page(browser, base_urls[mode] + path)
    try:
        assert page.locator("article h1").count() >= 1
        assert page.locator("html").get_attribute("lang") == "da"
        assert_diagrams_drawn(page)
        if path in MINIGUIDES:
            assert_executed_miniguide(page, MINIGUIDES[path])
        page.wait_for_timeout(300)  # let late script errors arrive
    finally:
        screenshot(page, f"{mode}-{path.removesuffix('.html')}")
        page.close()
    watch.assert_clean()


def assert_executed_miniguide(page: Page, source: Path) -> None:
    heading = first_heading(read_notebook(source))
    assert heading, f"{source.name} has no # heading to title its page"
    assert heading in page.locator("article h1").first.inner_text()
    number = int(source.name.split("-")[0])
    assert page.title().startswith(f"{number} · "), "the numbered title from the nav names the page"
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.count() > 0, "no executed outputs on the page"
    assert any(outputs.nth(i).inner_text().strip() for i in range(outputs.count()))
    assert not page.evaluate(_BADLY_SET_OUTPUTS), "tables and text output are set for reading"


# Table cells not left-aligned or cut off, and text output that may break inside a word.
_BADLY_SET_OUTPUTS = """() => {
  const bad = [];
  for (const cell of document.querySelectorAll('.jp-OutputArea-output td, .jp-OutputArea-output th')) {
    const style = getComputedStyle(cell);
    if (!['left', 'start'].includes(style.textAlign)) bad.push('not left-aligned: ' + cell.textContent);
    if (cell.scrollWidth > cell.clientWidth + 1) bad.push('cut off: ' + cell.textContent);
  }
  for (const pre of document.querySelectorAll('.jp-OutputArea-output pre')) {
    const style = getComputedStyle(pre);
    if (style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere') bad.push('breaks words');
  }
  return bad;
}"""


@pytest.mark.parametrize("mode", MODES)
def test_a_miniguide_opens_its_deck(browser: Browser, base_urls: dict[str, str], mode: str) -> None:
    path = next(iter(MINIGUIDES))
    page, watch = open_page(browser, base_urls[mode] + path)
    try:
        page.wait_for_load_state("networkidle")  # leaving earlier would abort the search index load
        page.locator(".medcomkit-deck a").click()
        page.wait_for_function("window.Reveal && window.Reveal.isReady()", timeout=SETTLE_MS)
        assert page.url.endswith(f"slides/{MINIGUIDES[path].stem}.slides.html") or "#/" in page.url
        page.wait_for_timeout(300)
    finally:
        screenshot(page, f"{mode}-deck-from-page", full_page=False)
        page.close()
    watch.assert_clean()


def test_the_404_page_works_from_the_file_system(browser: Browser, site: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch.on(page)
    try:
        page.goto((site / "404.html").as_uri(), wait_until="load")
        page.wait_for_selector("[data-md-component=content]")
        links = page.eval_on_selector_all("nav a[href]", "els => els.map(a => a.href)")
        local = [url for url in links if url.startswith("file:")]
        assert local, "no navigation on the 404 page"
        assert all(Path(url.split("#")[0].removeprefix("file://")).is_file() for url in local), local
        page.wait_for_load_state("networkidle")
        page.locator("a.md-tabs__link:visible").first.click()
        page.wait_for_selector("article h1")
        assert page.url.endswith("index.html")
    finally:
        screenshot(page, "file-404")
        page.close()
    watch.assert_clean()


@pytest.mark.parametrize("mode", MODES)
def test_search_finds_korrespondancemeddelelse(
    browser: Browser, base_urls: dict[str, str], mode: str
) -> None:
    page, watch = open_page(browser, base_urls[mode] + "index.html")
    try:
        query = page.locator("input.md-search__input")
        query.click()
        query.press_sequentially("korrespondancemeddelelse")
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=SETTLE_MS)
        assert results.count() >= 1
    finally:
        screenshot(page, f"{mode}-search")
        page.close()
    watch.assert_clean()


# --- the recipe notebooks/README.md gives authors for mermaid in a notebook ---------------------

FENCE = "```mermaid\nflowchart LR\n  A[Tilbud] -->|XDIS91| B[Egen læge]\n```"
RAW = '<pre class="mermaid">\nflowchart LR\n  C[Egen læge] -->|XCTL03| D[Tilbud]\n</pre>'
RAW_WITH_CODE = '<pre class="mermaid"><code>sequenceDiagram\n  E->>F: a &lt; b\n</code></pre>'


@pytest.fixture(scope="module")
def recipe_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    require_site_vendor()
    root = tmp_path_factory.mktemp("recipe")
    guide = notebook(
        ("markdown", f"# Diagrammer i en miniguide\n\n{FENCE}"),
        ("markdown", RAW),
        ("markdown", RAW_WITH_CODE),
        ("code", "print('kørt')"),
    )
    config = write_site(root, {"index.md": f"# Forside\n\n{FENCE}\n", "miniguider/diagram.ipynb": guide})
    site = _build(root / "site", "-f", str(config))
    with serve(site) as http:
        yield {"http": http, "file": site.as_uri() + "/"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("path", "diagrams"), [("index.html", 1), ("miniguider/diagram.html", 3)])
def test_mermaid_recipe_renders(
    browser: Browser, recipe_site: dict[str, str], mode: str, path: str, diagrams: int
) -> None:
    page, watch = open_page(browser, recipe_site[mode] + path)
    try:
        assert assert_diagrams_drawn(page) == diagrams
    finally:
        screenshot(page, f"recipe-{mode}-{path.removesuffix('.html')}")
        page.close()
    watch.assert_clean()
