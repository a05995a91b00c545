"""MkDocs hooks for the site (listed under ``hooks:`` in mkdocs.yml).

* **Execution.** The hook, not mkdocs-jupyter, executes the miniguides (tools/executed.py): once
  per build, every cell, failing the build on the first cell that raises. mkdocs-jupyter then
  only renders the executed copy, so its ``remove_tag_config`` can drop the cells tagged ``hide``
  after they ran (its own execution would run after the removal). ``MEDCOMKIT_DOCS_FAST=1``
  reuses earlier outputs when no code changed (``make docs-fast``).
* **Decks.** The same executed notebooks become the reveal.js decks in ``slides/``, and every
  miniguide page links to its deck.
* **Markup.** mkdocs-jupyter 0.26 renders notebook Markdown through nbconvert: a ```mermaid
  fence becomes ``<div class="jp-Mermaid"><pre class="mermaid">…</pre></div>`` plus a script that
  imports mermaid from a CDN, headings get ASCII-only ids and a "¶" that search takes for part
  of the title, and the copy button's "Copied!" ends up in the search index. The page is
  rewritten to the markup Material writes for Markdown pages.
* **404.** MkDocs links the error page absolutely ("/index.html") when ``site_url`` is unset,
  dead from ``file://``; this site is built to be opened from the file system, so it links
  relatively (the page sits at the site's root).
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html import escape, unescape
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext
from pymdownx.slugs import slugify  # type: ignore[import-untyped]

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # MkDocs loads this file by path; its helpers live beside it
    sys.path.insert(0, str(_ROOT))

from tools import slides  # noqa: E402
from tools.executed import NotebookFailed, executed, package_digest, reuse_requested  # noqa: E402

log = logging.getLogger("mkdocs.hooks.medcomkit")

SLIDES_DIR = "slides"
# Decks rendered from the same executed notebook by the same code are copied, not rendered again.
DECK_CACHE = _ROOT / ".cache" / "decks"
JOBS = 2  # notebooks executed at once (each in its own kernel process)

# nbconvert's markdown_mistune.block_mermaidjs (the source arrives HTML-escaped, once).
_NBCONVERT_MERMAID = re.compile(
    r'<div class="jp-Mermaid"><pre class="mermaid">\n?(?P<source>.*?)\n?</pre></div>', re.DOTALL
)
_HEADING = re.compile(
    r'<h(?P<level>[1-6]) id="(?P<id>[^"]*)">(?P<text>.*?)'
    r'<a class="anchor-link" href="#[^"]*">¶</a></h(?P=level)>',
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")
_UNICODE_SLUG = slugify(case="lower")

_state: dict[str, Any] = {"executed": {}, "workdir": None, "files": None}


def mermaid_for_material(content: str) -> str:
    """nbconvert's mermaid markup replaced by superfences' ``<pre class="mermaid"><code>``."""
    return _NBCONVERT_MERMAID.sub(
        lambda m: f'<pre class="mermaid"><code>{escape(unescape(m["source"]), quote=False)}</code></pre>',
        content,
    )


def anchor(text: str, seen: set[str]) -> str:
    """The id Markdown pages give a heading (æ, ø and å kept), unique on the page."""
    base = _UNICODE_SLUG(unescape(_TAG.sub("", text)).strip(), "-") or "afsnit"
    slug, n = base, 0
    while slug in seen:
        n += 1
        slug = f"{base}_{n}"
    seen.add(slug)
    return slug


def headings_as_markdown_pages(content: str) -> tuple[str, list[str]]:
    """Headings with unicode ids and Material's permalink; returns the page and the ids, in order."""
    seen: set[str] = set()
    ids: list[str] = []

    def rewrite(m: re.Match[str]) -> str:
        new = anchor(m["text"], seen)
        ids.append(new)
        return (
            f'<h{m["level"]} id="{new}">{m["text"]}'
            f'<a class="headerlink" href="#{new}" title="Fast link til dette afsnit">¶</a></h{m["level"]}>'
        )

    return _HEADING.sub(rewrite, content), ids


def copy_button_in_danish(content: str) -> str:
    """The copy button says "Kopieret", and neither it nor its hidden copy of the code is searched."""
    return (
        content.replace(
            '<span class="notice" hidden>Copied!</span>', '<span class="notice" hidden>Kopieret</span>'
        )
        .replace('aria-label="Copy to Clipboard"', 'aria-label="Kopiér til udklipsholderen"')
        .replace(
            '<div class="zeroclipboard-container">',
            '<div class="zeroclipboard-container" data-search-exclude>',
        )
        .replace('class="clipboard-copy-txt">', 'class="clipboard-copy-txt" data-search-exclude>')
    )


def toc_with_ids(toc: TableOfContents, ids: list[str]) -> TableOfContents:
    """The notebook's table of contents, with the page's heading ids; hidden headings left out."""
    seen: set[str] = set()
    present = set(ids)

    def walk(items: list[AnchorLink]) -> list[AnchorLink]:
        kept = []
        for item in items:
            item.id = anchor(item.title, seen)
            item.children = walk(item.children)
            if item.id in present:
                kept.append(item)
            else:
                kept.extend(item.children)
        return kept

    return TableOfContents(walk(list(toc.items)))


def deck_name(src_uri: str) -> str:
    return Path(src_uri).stem


def deck_link(page: Page) -> str:
    href = get_relative_url(f"{SLIDES_DIR}/{deck_name(page.file.src_uri)}.slides.html", page.url)
    return (
        f'<p class="medcomkit-deck"><a class="md-button" href="{escape(href)}">'
        "Vis miniguiden som slides</a></p>"
    )


# --- events --------------------------------------------------------------------------------------


def on_pre_build(config: MkDocsConfig) -> None:
    _state["executed"] = {}
    _state["workdir"] = Path(tempfile.mkdtemp(prefix="medcomkit-executed-"))


def _notebooks(files: Files) -> list[File]:
    return [f for f in files.documentation_pages() if f.src_uri.endswith(".ipynb")]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Execute every miniguide (or reuse its outputs) and hand mkdocs-jupyter the executed copy."""
    _state["files"] = files
    notebooks = _notebooks(files)
    if not notebooks:
        return files
    reuse = reuse_requested()
    library = package_digest()

    def run(file: File) -> tuple[File, nbformat.NotebookNode, bool]:
        assert file.abs_src_path is not None
        nb, cached = executed(Path(file.abs_src_path), reuse=reuse, library=library)
        return file, nb, cached

    try:
        with ThreadPoolExecutor(max_workers=JOBS) as pool:
            results = list(pool.map(run, notebooks))
    except NotebookFailed as exc:
        raise PluginError(f"a miniguide cell failed:\n{exc}") from None
    workdir: Path = _state["workdir"]
    for file, nb, cached in results:
        log.info("%s: %s", file.src_uri, "outputs reused" if cached else "executed")
        target = workdir / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        _state["executed"][file.src_uri] = (Path(str(file.abs_src_path)), nb)
        file.abs_src_path = str(target)
    return files


def on_page_content(html: str, page: Page, **kwargs: Any) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = copy_button_in_danish(mermaid_for_material(html))
    html, ids = headings_as_markdown_pages(html)
    page.toc = toc_with_ids(page.toc, ids)
    if page.file.src_uri in _state["executed"]:
        html = re.sub(r"(</h1>)", lambda m: m[1] + deck_link(page), html, count=1)
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Publish the notebook as written (mkdocs-jupyter copied the executed one)."""
    if page.file.src_uri in _state["executed"] and page.file.abs_dest_path:
        source, _ = _state["executed"][page.file.src_uri]
        target = Path(page.file.abs_dest_path).with_name(source.name)
        if target.is_file():
            shutil.copyfile(source, target)
    return output


def on_template_context(
    context: TemplateContext, template_name: str, config: MkDocsConfig
) -> TemplateContext:
    if template_name != "404.html" or _state["files"] is None:
        return context
    return get_context(context["nav"], _state["files"], config, base_url=".")


def on_post_build(config: MkDocsConfig) -> None:
    """The decks, from the runs that made the pages, into site/slides/."""
    try:
        if not _state["executed"]:
            return
        out = Path(config.site_dir) / SLIDES_DIR
        try:
            slides.copy_vendor(out, mermaid=False)
        except slides.VendorMissing as exc:
            raise PluginError(str(exc)) from None
        mermaid = get_relative_url("vendor/mermaid.min.js", f"{SLIDES_DIR}/index.html")
        decks = []
        for src_uri, (source, nb) in sorted(_state["executed"].items()):
            name = slides.deck_title(source, nb)
            decks.append(
                (
                    slides.render_deck(
                        nb,
                        deck_name(src_uri),
                        out,
                        deck_title=name,
                        mermaid_url=mermaid,
                        cache_dir=DECK_CACHE,
                    ),
                    name,
                )
            )
        slides.write_index(out, decks, site_link="../index.html")
    finally:
        _cleanup()


def on_build_error(error: Exception) -> None:
    _cleanup()


def _cleanup() -> None:
    if _state["workdir"] is not None:
        shutil.rmtree(_state["workdir"], ignore_errors=True)
        _state["workdir"] = None
