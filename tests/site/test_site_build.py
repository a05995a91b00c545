"""What the site build writes, read from the files: tags, anchors, search, navigation, decks, cache.

The browser tests (test_site_browser.py, test_slides.py) look at the same site in chromium.
"""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from pathlib import Path

import nbformat
import pytest
from lxml import html as lxml_html
from support import DOCS, mkdocs_build, notebook, notebooks, read_notebook, require_site_vendor, write_site

from tools import executed as executed_module
from tools.executed import REUSE_ENV, executed

pytestmark = pytest.mark.slow

MINIGUIDES = {f"miniguider/{p.stem}.html": p for p in notebooks()}
PAGES = ["index.html", *sorted(f"{p.stem}.html" for p in DOCS.glob("*.md") if p.stem != "index"), *MINIGUIDES]


def _page(site: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((site / path).read_text(encoding="utf-8"))


def _strings(element: lxml_html.HtmlElement, xpath: str) -> list[str]:
    """The attribute values an XPath selects."""
    found = element.xpath(xpath)
    assert isinstance(found, list)
    return [str(value) for value in found]


def test_search_has_no_prompts_button_text_or_pilcrows(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    noisy = [
        f"{doc['location']}: {doc['title']!r}"
        for doc in index["docs"]
        if re.search(r"(In|Out)\s*\[\d*\]:|Copied!|Kopieret|¶", doc["title"] + doc["text"])
    ]
    assert not noisy, noisy
    assert any(doc["location"].startswith("miniguider/") for doc in index["docs"])


@pytest.mark.parametrize("path", PAGES)
def test_heading_anchors_keep_danish_letters_and_the_toc_finds_them(built_site: Path, path: str) -> None:
    page = _page(built_site, path)
    ids = {el.get("id") for el in page.iter() if el.get("id")}
    for heading in page.xpath("//article//*[self::h1 or self::h2 or self::h3 or self::h4]"):
        text = heading.text_content().replace("¶", "").strip().lower()
        for letter in "æøå":
            if letter in text:
                assert letter in heading.get("id", ""), f"{path}: {heading.get('id')!r} for {text!r}"
        assert "¶" not in (heading.text or ""), "the permalink is Material's headerlink"
    toc = page.xpath("//nav[contains(@class, 'md-nav--secondary')]//a[starts-with(@href, '#')]/@href")
    missing = [href for href in toc if href[1:] not in ids]
    assert not missing, f"{path}: table of contents points nowhere: {missing}"


def test_guide_titles_are_numbered_in_the_nav_and_pages_link_on(built_site: Path) -> None:
    page = _page(built_site, "index.html")
    titles = [
        a.text_content().strip()
        for a in page.xpath("//nav[contains(@class,'md-nav--primary')]//a")
        if "miniguider/" in a.get("href", "")
    ]
    numbered = [t for t in titles if re.fullmatch(r"\d · \S.*", t)]
    assert sorted(set(numbered)) == sorted(set(titles)), titles
    assert len(set(numbered)) == len(MINIGUIDES)
    for path in PAGES:
        footer = _page(built_site, path).xpath("//nav[contains(@class, 'md-footer__inner')]//a/@href")
        assert footer, f"{path} has no previous/next links"
        assert all((built_site / path).parent.joinpath(href).resolve().is_file() for href in footer)


def test_footer_is_danish(built_site: Path) -> None:
    for path in PAGES:
        footer = _page(built_site, path).xpath("//div[@class='md-copyright']")[0].text_content()
        assert "Bygget med" in footer
        assert "Made with" not in footer


def test_404_page_links_relatively(built_site: Path) -> None:
    page = _page(built_site, "404.html")
    links = page.xpath("//a/@href | //link/@href | //script/@src")
    absolute = [link for link in links if link.startswith("/")]
    assert not absolute, f"dead from file://: {absolute}"
    local = [link for link in links if not re.match(r"[a-z]+:", link) and not link.startswith("#")]
    assert all((built_site / link.split("#")[0]).is_file() for link in local)


def test_every_miniguide_links_to_its_deck_and_publishes_its_source(built_site: Path) -> None:
    for path, source in MINIGUIDES.items():
        links = _page(built_site, path).xpath("//p[@class='medcomkit-deck']/a/@href")
        assert links == [f"../slides/{source.stem}.slides.html"], f"{path}: {links}"
        assert (built_site / "slides" / f"{source.stem}.slides.html").is_file()
        published = nbformat.read(built_site / "miniguider" / source.name, as_version=4)
        assert published == read_notebook(source), "the notebook as written, without outputs"


@pytest.mark.parametrize("path", sorted(MINIGUIDES))
def test_no_tagged_cell_shows_its_code_on_the_page(built_site: Path, path: str) -> None:
    """Every code cell shown on a page carries its source for the copy button; none is tagged."""
    page = (built_site / path).read_text(encoding="utf-8")
    shown = {
        unescape(code) for code in re.findall(r'class="clipboard-copy-txt"[^>]*>(.*?)</div>', page, re.S)
    }
    assert shown, "no code cells found on the page"
    tagged = [
        cell.source
        for cell in read_notebook(MINIGUIDES[path]).cells
        if cell.cell_type == "code" and {"hide", "hide-input"} & set(cell.metadata.get("tags", []))
    ]
    assert not [source for source in tagged if source.strip() in {code.strip() for code in shown}]


# --- tags, on a small site of its own ------------------------------------------------------------


# A one-pixel PNG.
DOT = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _tagged_guide(*, failing_hidden: bool = False) -> nbformat.NotebookNode:
    guide = notebook(
        ("markdown", "# Mærkede celler"),
        ("code", "skjult_tal = 41\nprint('SKJULT' + 'UDDATA')"),
        ("markdown", "## Skjult overskrift"),
        ("code", "print('synlig', skjult_tal + 1)"),
        ("code", "print('KUN' + 'UDDATA')"),
        ("markdown", "## Øvrige æbler på én side"),
        ("code", f"from IPython.display import Image\nImage({DOT!r}, metadata={{'alt': 'Et prik-billede'}})"),
    )
    for index, tag in ((1, "hide"), (2, "hide"), (4, "hide-input")):
        guide.cells[index].metadata["tags"] = [tag]
    if failing_hidden:
        guide.cells[1].source = "assert 1 == 2, 'et skjult assert fejler'"
    return guide


@pytest.fixture(scope="module")
def tagged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_site_vendor()
    root = tmp_path_factory.mktemp("tagged")
    config = write_site(root, {"index.md": "# Forside\n", "miniguider/tags.ipynb": _tagged_guide()})
    build = mkdocs_build("-f", str(config))
    assert build.returncode == 0, build.stdout + build.stderr
    return root / "site"


def test_hidden_cells_run_but_are_not_on_the_page_or_the_deck(tagged_site: Path) -> None:
    page = (tagged_site / "miniguider" / "tags.html").read_text(encoding="utf-8")
    deck = (tagged_site / "slides" / "tags.slides.html").read_text(encoding="utf-8")
    for shown in (page, deck):
        assert "synlig 42" in shown, "the hidden set-up cell did not run first"
        assert "SKJULTUDDATA" not in shown
        assert "skjult_tal = 41" not in shown
        assert "Skjult overskrift" not in shown
        assert "KUNUDDATA" in shown
        assert "'KUN' + 'UDDATA'" not in shown, "hide-input shows its source"
        assert not re.search(r"In&nbsp;\[\d+\]|In \[\d+\]:", shown)
        assert 'alt="Et prik-billede"' in shown, "the image's alt text from its output metadata"
        assert "No description has been provided" not in shown
    toc = _strings(lxml_html.fromstring(page), "//nav[contains(@class, 'md-nav--secondary')]//a/@href")
    assert "#øvrige-æbler-på-én-side" in toc
    assert not [href for href in toc if "skjult" in href]


def test_a_failing_hidden_cell_fails_the_build(tmp_path: Path) -> None:
    require_site_vendor()
    guide = _tagged_guide(failing_hidden=True)
    config = write_site(tmp_path, {"index.md": "# Forside\n", "miniguider/tags.ipynb": guide})

    build = mkdocs_build("-f", str(config))

    assert build.returncode != 0
    assert "et skjult assert fejler" in build.stderr


# --- the fast rebuild ----------------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(executed_module, "CACHE_DIR", folder)
    return folder


def test_outputs_are_reused_only_while_the_code_is_unchanged(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "guide.ipynb"
    guide = notebook(("markdown", "# Før"), ("code", "import random\nprint(random.random())"))
    nbformat.write(guide, path)

    first, cached = executed(path, reuse=True, library="v1")
    assert not cached
    again, cached = executed(path, reuse=True, library="v1")
    assert cached
    assert again.cells[1].outputs == first.cells[1].outputs

    guide.cells[0].source = "# Efter en rettelse i prosaen"
    nbformat.write(guide, path)
    prose, cached = executed(path, reuse=True, library="v1")
    assert cached, "a Markdown edit needs no run"
    assert prose.cells[0].source == "# Efter en rettelse i prosaen"
    assert prose.cells[1].outputs == first.cells[1].outputs

    assert not executed(path, reuse=True, library="v2")[1], "a change to medcomkit runs the guide"
    assert not executed(path, reuse=False, library="v2")[1], "without reuse every build runs it"
    guide.cells[1].source = "print('ny kode')"
    nbformat.write(guide, path)
    code, cached = executed(path, reuse=True, library="v2")
    assert not cached
    assert code.cells[1].outputs[0].text == "ny kode\n"


def test_fast_build_reuses_outputs_and_the_full_build_runs(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_site_vendor()
    config = write_site(tmp_path, {"index.md": "# Forside\n", "miniguider/tags.ipynb": _tagged_guide()})
    # The build runs in its own process: the cache is the project's, so count runs by the log.
    monkeypatch.setenv(REUSE_ENV, "1")
    mkdocs_build("-f", str(config))  # fills the cache if it is cold
    fast = mkdocs_build("-f", str(config))
    monkeypatch.setenv(REUSE_ENV, "0")
    full = mkdocs_build("-f", str(config))

    assert fast.returncode == full.returncode == 0, fast.stderr + full.stderr
    assert "miniguider/tags.ipynb: outputs reused" in fast.stderr
    assert "miniguider/tags.ipynb: executed" in full.stderr
