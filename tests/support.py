"""Shared test helpers: where MedCom's reference data lives, and skipping when it is absent."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

import nbformat
import pytest
from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
OIOXML_EXAMPLES = REFERENCE / "oioxml" / "examples"
OFFICIAL_XSD = REFERENCE / "oioxml" / "xsd" / "medcom-via-glasdam"


def require_reference() -> Path:
    """The reference folder, or skip the calling test with the reason."""
    if not REFERENCE.is_dir():
        pytest.skip(f"../shared/reference is missing ({REFERENCE}); MedCom reference data is needed")
    return REFERENCE


def oioxml_examples() -> list[Path]:
    """Every XDIS91/XBIN01/XCTL/XREF01 example message (not the VANSEnvelope one)."""
    if not OIOXML_EXAMPLES.is_dir():
        return []
    return sorted(p for p in OIOXML_EXAMPLES.rglob("*.xml") if "vansenvelope" not in p.parts)


# --- notebooks and the documentation site -------------------------------------------------------

NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
SITE_VENDOR = (
    DOCS / "vendor" / "mermaid.min.js",
    DOCS / "vendor" / "iframe-worker-shim" / "index.js",
    # The site build writes a reveal.js deck for every notebook page.
    ROOT / "build" / "slides-vendor" / "reveal.js" / "dist" / "reveal.js",
    ROOT / "build" / "slides-vendor" / "require.js",
)
CELL_TIMEOUT = 120  # seconds per cell; a hanging cell fails instead of stalling CI
SITE_BUILD_TIMEOUT = 600

_H1 = re.compile(r"^# +(.+?)\s*#*\s*$", re.MULTILINE)


def notebooks() -> list[Path]:
    """The miniguides, in the order their file names give."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)
    return nb


def first_heading(nb: nbformat.NotebookNode) -> str | None:
    """The text of the first ``#`` heading in a Markdown cell; mkdocs-jupyter titles the page by it."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (m := _H1.search(cell.source)):
            return m[1]
    return None


class NotebookCellFailed(AssertionError):
    """A notebook cell raised or timed out; the message has the cell's source and the error."""


def execute_notebook(path: Path, *, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Run every cell of ``path`` in a fresh ``python3`` kernel, in the notebook's own folder, as the
    site build does (:func:`tools.executed.execute`)."""
    from tools.executed import NotebookFailed, execute

    try:
        return execute(path, timeout=timeout)
    except NotebookFailed as exc:
        raise NotebookCellFailed(str(exc)) from None


def require_site_vendor() -> None:
    """Skip the calling test when the vendored browser assets are missing."""
    if missing := [p for p in SITE_VENDOR if not p.is_file()]:
        pytest.skip(f"vendored browser assets missing ({', '.join(map(str, missing))}); run `make vendor`")


def mkdocs_build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` in this interpreter's environment, output captured."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=SITE_BUILD_TIMEOUT,
        check=False,
    )


def write_site(root: Path, pages: Mapping[str, str | nbformat.NotebookNode]) -> Path:
    """A throwaway site under ``root``: the project's mkdocs.yml, but these pages and this nav.

    ``pages`` maps a path under docs/ to Markdown text or a notebook; the nav lists them in order.
    Returns the config file to build with ``mkdocs_build("-f", ...)``.
    """
    docs = root / "docs"
    for rel, content in pages.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            nbformat.write(content, target)
    (docs / "vendor").symlink_to(DOCS / "vendor", target_is_directory=True)
    with MKDOCS_YML.open(encoding="utf-8") as f:
        project = yaml_load(f)
    config = {
        "INHERIT": str(MKDOCS_YML),
        "docs_dir": str(docs),
        "site_dir": str(root / "site"),
        # MkDocs resolves hook paths against the config that inherits, so name them absolutely.
        "hooks": [str(ROOT / hook) for hook in project.get("hooks", [])],
        "theme": {**project["theme"], "custom_dir": str(ROOT / project["theme"]["custom_dir"])},
        "nav": list(pages),
    }
    path = root / "mkdocs.yml"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is YAML
    return path


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    """A notebook from ``("markdown" | "code", source)`` pairs, with the project's kernelspec."""
    nb: nbformat.NotebookNode = nbformat.v4.new_notebook()
    for kind, source in cells:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def messages_in(folder: Path) -> list[Path]:
    """The message files convert wrote into ``folder`` (not its state file)."""
    from medcomkit.convert.state import STATE_FILE

    return sorted(p for p in folder.iterdir() if p.name != STATE_FILE)


class LineCounter:
    """Counts the lines of Python executed inside a function and everything it calls (a loop
    counts each turn): the work done, the same on a busy machine as on an idle one."""

    def __init__(self) -> None:
        self.lines = 0

    def _trace(self, frame: FrameType, event: str, arg: object) -> Callable[..., Any]:
        if event == "line":
            self.lines += 1
        return self._trace

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            previous = sys.gettrace()
            sys.settrace(self._trace)
            try:
                return function(*args, **kwargs)
            finally:
                sys.settrace(previous)

        return counted


def record_or_compare(digests: Mapping[str, str], stored_at: Path, argv: list[str], noun: str) -> int:
    """A snapshot script's end: ``--write`` records ``digests`` in ``stored_at``; otherwise the names
    whose digest differs from the recorded one are printed, and the exit status says whether any did."""
    if "--write" in argv:
        stored_at.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {len(digests)} digests to {stored_at}")
        return 0
    stored = json.loads(stored_at.read_text(encoding="utf-8"))
    changed = sorted(k for k in stored.keys() | digests.keys() if stored.get(k) != digests.get(k))
    print("\n".join(changed) or f"all {len(digests)} {noun} as recorded")
    return 1 if changed else 0
