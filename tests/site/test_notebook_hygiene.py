"""What the committed notebooks, pages and READMEs must never carry.

Notebooks are committed without outputs (the site and the tests execute them), for the python3
kernel every machine has. No text may hold what looks like a real person's CPR number or a path
from a developer's machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import DOCS, NOTEBOOKS, ROOT, notebooks, read_notebook

from medcomkit.identifiers import cpr_birth_date, cpr_modulus11_ok

# Ten digits, also written ddmmyy-xxxx, not inside a longer number (EAN and SOR codes are longer).
_CPR_LIKE = re.compile(r"(?<![\d-])(\d{6})-?(\d{4})(?![\d-])")
_MACHINE_PATH = re.compile(r"(?<![\w.~/-])(?:/(?:home|Users|root|work|tmp)/|[A-Za-z]:\\)")


def _texts() -> list[tuple[str, str]]:
    """(name, text) of every notebook (sources and metadata), page under docs/ and README."""
    texts = []
    for path in notebooks():
        nb = read_notebook(path)
        sources = "\n".join(cell.source for cell in nb.cells)
        texts.append((path.relative_to(ROOT).as_posix(), f"{sources}\n{nb.metadata}"))
    pages = [*sorted(DOCS.glob("*.md")), ROOT / "README.md", NOTEBOOKS / "README.md"]
    texts += [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in pages if p.is_file()]
    return texts


TEXTS = _texts()
NAMES = [name for name, _ in TEXTS]


def looks_like_real_cpr(text: str) -> list[str]:
    """Ten-digit numbers with a valid birth date that also pass modulus 11.

    The national test CPR numbers fail modulus 11 on purpose, so they are fine to show.
    """
    hits = []
    for m in _CPR_LIKE.finditer(text):
        digits = m[1] + m[2]
        if cpr_birth_date(digits) is not None and cpr_modulus11_ok(digits):
            hits.append(m[0])
    return hits


def machine_paths(text: str) -> list[str]:
    """Absolute paths from a developer's machine, each with the rest of its line."""
    return [text[m.start() :].splitlines()[0] for m in _MACHINE_PATH.finditer(text)]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_committed_without_outputs_for_python3(path: Path) -> None:
    nb = read_notebook(path)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"cells {dirty} have outputs or execution counts; clear them before committing"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=NAMES)
def test_no_real_looking_cpr(name: str, text: str) -> None:
    hits = looks_like_real_cpr(text)
    assert not hits, f"{name}: {hits} look like real CPR numbers; use a national test CPR"


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=NAMES)
def test_no_developer_machine_paths(name: str, text: str) -> None:
    hits = machine_paths(text)
    assert not hits, f"{name}: absolute paths from a developer's machine: {hits}"


def test_the_checks_catch_what_they_are_for() -> None:
    # Made up here rather than written down: a number that passes modulus 11 may be someone's.
    real = next(c for c in (f"010170{n:04d}" for n in range(10_000)) if cpr_modulus11_ok(c))
    dashed = f"{real[:6]}-{real[6:]}"
    assert looks_like_real_cpr(f"CPR {dashed} og {real}.") == [dashed, real]
    assert looks_like_real_cpr("testperson 010170-1234, EAN 5790001234567, dato 3213990000") == []
    assert machine_paths('open("/home/anne/x.xml")\nC:\\Users\\bo\n') == [
        '/home/anne/x.xml")',
        "C:\\Users\\bo",
    ]
    assert machine_paths("https://example.org/work/tmp/ og site/index.html og ~/tmp/x") == []
