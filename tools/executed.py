"""Executed miniguide notebooks, shared by the site build and the slide decks.

Each notebook is executed once per build (in a fresh ``python3`` kernel, in its own folder) and
both its page and its deck are rendered from that one run. Every cell runs, also the cells tagged
``hide`` that neither the page nor the deck shows, and a cell that raises stops the build.

For quick prose edits, ``reuse=True`` takes the outputs of an earlier run from a cache when
nothing that could change them has changed: the cache key is the notebook's code cells (not its
Markdown) and every file of the medcomkit package. A Markdown edit therefore re-renders without
executing anything, while a change to code, in the guide or in the library, runs the guide again.
"""

from __future__ import annotations

import copy
import hashlib
import html
import os
import re
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "medcomkit"
CACHE_DIR = ROOT / ".cache" / "executed-notebooks"
KEEP = 40  # cached runs kept: every guide, a few times over
CELL_TIMEOUT = 120  # seconds; a cell that hangs fails the build instead of stalling it
KERNEL = "python3"
# Set (to anything but "" or "0") by `make docs-fast` and `make serve`.
REUSE_ENV = "MEDCOMKIT_DOCS_FAST"

IMAGE_TYPES = ("image/png", "image/jpeg")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookFailed(RuntimeError):
    """A cell raised or timed out; the message names the notebook, the cell, its source and error."""


def reuse_requested() -> bool:
    """True when the environment asks for cached outputs (the fast rebuild)."""
    return os.environ.get(REUSE_ENV, "") not in {"", "0"}


def package_digest(package: Path = PACKAGE) -> str:
    """A hash of every file of the library, so that a change to medcomkit invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(nb: nbformat.NotebookNode, library: str) -> str:
    """What the outputs of ``nb`` depend on: its code cells, in order, and the library."""
    digest = hashlib.sha256(f"{KERNEL}\0{library}\0".encode())
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode())
            digest.update(b"\0cell\0")
    return digest.hexdigest()


def execute(path: Path, *, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Every cell of the notebook at ``path`` run top to bottom; raises NotebookFailed."""
    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except CellTimeoutError as exc:
        raise NotebookFailed(f"{path.name}: a cell ran longer than {timeout} s\n{exc}") from None
    except CellExecutionError as exc:
        raise NotebookFailed(_describe_failure(path, nb, exc)) from None
    return nb


def _describe_failure(path: Path, nb: nbformat.NotebookNode, exc: CellExecutionError) -> str:
    for index, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            traceback = _ANSI.sub("", "\n".join(errors[0].traceback))
            return (
                f"{path.name}: cell {index} raised {exc.ename}: {exc.evalue}\n"
                f"--- cell source ---\n{cell.source}\n--- traceback ---\n{traceback}"
            )
    return f"{path.name}: {_ANSI.sub('', str(exc))}"


def with_outputs_of(nb: nbformat.NotebookNode, run: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` (current prose) with the outputs of ``run`` (same code cells, in order).

    Nothing else of the run is kept (cell timings, for one), so two runs with the same outputs
    give the same bytes and the renderers' caches can tell that nothing changed.
    """
    nb = copy.deepcopy(nb)
    if "language_info" in run.metadata:
        nb.metadata["language_info"] = copy.deepcopy(run.metadata["language_info"])
    ran = iter(cell for cell in run.cells if cell.cell_type == "code")
    for cell in nb.cells:
        if cell.cell_type == "code":
            source = next(ran)
            cell.outputs = copy.deepcopy(source.outputs)
            cell.execution_count = source.execution_count
    return nb


def images_with_alt_text(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Images whose output metadata carries ``alt`` get an ``<img alt=…>`` to show instead.

    nbconvert's templates drop the ``alt`` that ``IPython.display.Image(…, metadata={"alt": …})``
    records and write "No description has been provided for this image"; an HTML version of the
    same output, which every renderer prefers to the PNG, keeps it. Changes ``nb`` in place.
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in IMAGE_TYPES:
                meta = output.get("metadata", {}).get(mime, {})
                if mime in data and meta.get("alt") and "text/html" not in data:
                    size = "".join(f' {k}="{int(meta[k])}"' for k in ("width", "height") if meta.get(k))
                    data["text/html"] = (
                        f'<img src="data:{mime};base64,{"".join(data[mime]).strip()}"'
                        f' alt="{html.escape(str(meta["alt"]))}"{size}>'
                    )
    return nb


def executed(
    path: Path, *, reuse: bool = False, library: str | None = None, timeout: int = CELL_TIMEOUT
) -> tuple[nbformat.NotebookNode, bool]:
    """The notebook at ``path`` with outputs, and whether they came from the cache.

    Without ``reuse`` it always runs (and refreshes the cache for a later fast rebuild).
    """
    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)
    cached = CACHE_DIR / f"{cache_key(nb, library or package_digest())}.ipynb"
    if reuse and cached.is_file():
        return images_with_alt_text(with_outputs_of(nb, nbformat.read(cached, as_version=4))), True
    run = with_outputs_of(nb, execute(path, timeout=timeout))
    _write_atomically(cached, run)
    prune(CACHE_DIR)
    return images_with_alt_text(run), False


def _write_atomically(target: Path, nb: nbformat.NotebookNode) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prune(cache_dir: Path, keep: int = KEEP) -> None:
    """Forget all but the ``keep`` most recently written files of a cache folder."""
    files = sorted(cache_dir.glob("*.*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in files[keep:]:
        path.unlink(missing_ok=True)
