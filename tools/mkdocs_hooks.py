"""MkDocs hooks for the site (listed under ``hooks:`` in mkdocs.yml).

mkdocs-jupyter 0.26 renders notebook Markdown through nbconvert, which turns a ```mermaid fence
into ``<div class="jp-Mermaid"><pre class="mermaid">…</pre></div>`` plus a script that imports
mermaid from a CDN. Rewriting that to the markup pymdownx.superfences writes for Markdown pages
hands the diagram to Material's own mermaid integration (the vendored copy, offline, themed), and
leaves nbconvert's loader nothing to load.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

from mkdocs.structure.pages import Page

# nbconvert's markdown_mistune.block_mermaidjs (the source arrives HTML-escaped, once).
_NBCONVERT_MERMAID = re.compile(
    r'<div class="jp-Mermaid"><pre class="mermaid">\n?(?P<source>.*?)\n?</pre></div>', re.DOTALL
)


def mermaid_for_material(content: str) -> str:
    """nbconvert's mermaid markup replaced by superfences' ``<pre class="mermaid"><code>``."""
    return _NBCONVERT_MERMAID.sub(
        lambda m: f'<pre class="mermaid"><code>{escape(unescape(m["source"]), quote=False)}</code></pre>',
        content,
    )


def on_page_content(html: str, page: Page, **kwargs: Any) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    return mermaid_for_material(html)
