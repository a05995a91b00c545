"""What an executed miniguide may show a reader: no test code, no raw Python, no cut tables, no mute images.

The site and the decks show every cell except those tagged ``hide`` (set-up and assert cells, still
executed, still failing the build), and only the output of cells tagged ``hide-input``. This test
executes each miniguide and looks at exactly what is shown: an ``assert`` line, a Python repr of an
enum, object or container, a pandas ``dtype`` line, a table cell cut with "...", an image without
Danish alt text, or nbconvert's English placeholder for such an image fails it. It also renders the
pages with nbconvert, the way the site does, and looks for that placeholder in the HTML.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from support import NotebookCellFailed, execute_notebook, first_heading, notebook, notebooks, read_notebook

HIDE = "hide"
HIDE_INPUT = "hide-input"
PLACEHOLDER = "No description has been provided for this image"
XML_SNIPPET = '<?xml version="1.0"?>\n<Emessage xmlns="x">\n  <Break/>\n  <Text>Tekst</Text>\n</Emessage>\n'

_ASSERT = re.compile(r"^\s*assert\b")
_ENUM_REPR = re.compile(r"<[A-Za-z_][\w.]*\.[A-Za-z_]\w*: [^<>\n]*>")
# <SorRegistry demo: 488 units> or <Foo object at 0x…>; XML tags have no space before '>' or carry '='.
_OBJECT_REPR = re.compile(r"<[A-Za-z_][\w.]*(?: object at 0x[0-9a-fA-F]+| [^<>=\"/\n]*)>")
_CONTAINER_LINE = re.compile(r"^\s*(?:[\[({]\s*['\"(<\[{]|\[\]|\{\}|\(\))", re.MULTILINE)
_DTYPE = re.compile(r"\bdtype: \w+")
_TRUNCATED_CELL = re.compile(r"<t[dh]\b[^>]*>[^<]*\.\.\.[^<]*</t[dh]>")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_RAW_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
_DANISH_WORDS = frozenset(
    {"og", "af", "med", "pr", "for", "i", "på", "til", "der", "som", "hvor", "viser", "antal"}
    | {"kommuner", "måned", "måneder", "andel", "henvisninger", "godkendt", "system", "systemer"}
    | {"rapport", "syntetiske", "data"}
)


def is_danish(alt: str) -> bool:
    """A rough test that alt text is Danish: a Danish letter or a common Danish word."""
    if re.search(r"[æøåÆØÅ]", alt):
        return True
    return bool(_DANISH_WORDS & set(re.findall(r"\w+", alt.lower())))


def _text_problems(text: str, *, whole_repr: bool) -> list[str]:
    problems = []
    if m := _ENUM_REPR.search(text):
        problems.append(f"a Python enum repr: {m[0]!r}")
    if m := _OBJECT_REPR.search(text):
        problems.append(f"a Python object repr: {m[0]!r}")
    if m := _CONTAINER_LINE.search(text):
        problems.append(f"a Python list/tuple/dict repr: {text[m.start() :].splitlines()[0]!r}")
    elif whole_repr and text.lstrip()[:1] in ("[", "(", "{"):
        problems.append(f"a Python container repr: {text.splitlines()[0]!r}")
    if m := _DTYPE.search(text):
        problems.append(f"a pandas dtype line: {m[0]!r}")
    if re.search(r"^\s*\.\.\.\s*$|\s\.\.\.\s*$", text, re.MULTILINE):
        problems.append("a table cut with '...'")
    return problems


def _html_problems(page: str) -> list[str]:
    problems = []
    if m := _TRUNCATED_CELL.search(page):
        problems.append(f"a table cell cut with '...': {m[0][:80]!r}")
    if m := _DTYPE.search(page):
        problems.append(f"a pandas dtype line: {m[0]!r}")
    for img in _IMG.findall(page):
        alt = _ALT.search(img)
        text = (alt[1] or alt[2] or "") if alt else ""
        if not text.strip():
            problems.append("an image without alt text")
        elif not is_danish(text):
            problems.append(f"an image whose alt text is not Danish: {text!r}")
    return problems


def output_problems(output: nbformat.NotebookNode) -> list[str]:
    """What is wrong with showing one cell output to a reader."""
    if output.output_type == "stream":
        return _text_problems(output.text, whole_repr=False)
    if output.output_type not in ("execute_result", "display_data"):
        return []
    data = output.get("data", {})
    problems = [f"an image output ({kind}) with no alt text" for kind in _RAW_IMAGES if kind in data]
    shown = data.get("text/html") or data.get("text/markdown")
    if shown is not None:
        problems += _html_problems(shown)
    elif "text/plain" in data and not problems:
        problems += _text_problems(data["text/plain"], whole_repr=output.output_type == "execute_result")
    if any(PLACEHOLDER in str(value) for value in data.values()):
        problems.append(f"the English placeholder {PLACEHOLDER!r}")
    return problems


def shown_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Every problem in what the page shows, as ``cell N: …``."""
    problems = []
    for index, cell in enumerate(nb.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if HIDE in tags:
            continue
        if cell.cell_type == "code" and HIDE_INPUT not in tags:
            problems += [
                f"cell {index}: shows an assert line: {line.strip()!r}"
                for line in cell.source.splitlines()
                if _ASSERT.match(line)
            ]
        if cell.cell_type == "markdown" and PLACEHOLDER in cell.source:
            problems.append(f"cell {index}: the English placeholder {PLACEHOLDER!r}")
        for output in cell.get("outputs", []):
            problems += [f"cell {index}: {p}" for p in output_problems(output)]
    return problems


def rendered_page(nb: nbformat.NotebookNode) -> str:
    """The page as nbconvert renders it, with the cell tags applied as on the site."""
    exporter = HTMLExporter(template_name="lab")
    remover = TagRemovePreprocessor(  # type: ignore[no-untyped-call]  # unannotated in nbconvert
        remove_cell_tags={HIDE}, remove_input_tags={HIDE_INPUT}, enabled=True
    )
    exporter.register_preprocessor(remover, enabled=True)
    page, _ = exporter.from_notebook_node(nb)
    return page


@functools.cache
def _executed(path: Path) -> nbformat.NotebookNode:
    return execute_notebook(path)


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_a_page_shows_no_test_code_raw_python_or_mute_images(path: Path) -> None:
    nb = _executed(path)
    problems = shown_problems(nb)
    assert not problems, f"{path.name} shows:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_the_rendered_page_has_no_english_image_placeholder(path: Path) -> None:
    page = rendered_page(_executed(path))
    assert PLACEHOLDER not in page
    problems = _html_problems(page)
    assert not [p for p in problems if "image" in p], problems


def _uses_synthetic_data(path: Path) -> bool:
    return any("synthetic_stats(" in cell.source for cell in read_notebook(path).cells)


SYNTHETIC_GUIDES = [path for path in notebooks() if _uses_synthetic_data(path)]


def test_the_statistics_guide_is_known_to_use_synthetic_data() -> None:
    assert [p.stem[:2] for p in SYNTHETIC_GUIDES] == ["05"]


@pytest.mark.slow
@pytest.mark.parametrize("path", SYNTHETIC_GUIDES, ids=lambda p: p.stem)
def test_every_chart_of_synthetic_data_says_so(path: Path) -> None:
    nb = _executed(path)
    alts = [m[1] or m[2] for m in _ALT.finditer(rendered_page(nb))]
    assert alts, "a guide of synthetic statistics with no chart"
    assert all("syntetiske data" in alt.lower() for alt in alts), alts


_SECTION = re.compile(r"^## +\d+\.", re.MULTILINE)


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_a_guide_is_numbered_and_each_section_has_speaker_notes(path: Path) -> None:
    nb = read_notebook(path)
    title = first_heading(nb)
    assert title is not None
    assert title.startswith(f"Miniguide {int(path.stem[:2])}: ")
    sections = [
        i for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown" and _SECTION.search(cell.source)
    ]
    ends = [*sections[1:], len(nb.cells)]
    silent = [
        nb.cells[start].source.splitlines()[0]
        for start, end in zip(sections, ends, strict=True)
        if not any(
            cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"
            for cell in nb.cells[start:end]
        )
    ]
    assert not silent, f"sections without speaker notes: {silent}"


def test_a_hidden_cell_still_runs_and_fails_the_guide() -> None:
    nb = notebook(("markdown", "# Miniguide 9: En side"), ("code", "assert 1 + 1 == 3, 'skjult påstand'"))
    nb.cells[1].metadata["tags"] = [HIDE]
    with pytest.raises(NotebookCellFailed, match="skjult påstand"):
        _run(nb)
    assert "skjult påstand" not in rendered_page(nb)


def _run(nb: nbformat.NotebookNode) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "side.ipynb")
        nbformat.write(nb, path)
        execute_notebook(path)


def _with_outputs(nb: nbformat.NotebookNode, outputs: dict[int, list[dict[str, object]]]) -> None:
    for index, cell_outputs in outputs.items():
        nb.cells[index].outputs = [nbformat.from_dict(o) for o in cell_outputs]


def _result(data: dict[str, str]) -> dict[str, object]:
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": data}


def _stream(text: str) -> dict[str, object]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_the_checks_catch_what_they_are_for() -> None:
    bad = notebook(
        ("markdown", "# En side"),
        ("code", "x = 1\nassert x == 1"),
        ("code", "gln_problems('2000000001266')"),
        ("code", "print(register)"),
        ("code", "fordeling"),
        ("code", "tabel"),
        ("code", "billede"),
        ("code", "figur"),
        ("code", "print(sorted(filer))"),
    )
    _with_outputs(
        bad,
        {
            2: [_result({"text/plain": "[<GlnProblem.CHECK_DIGIT: 'check-digit'>]"})],
            3: [_stream("<SorRegistry demo: 488 units, demo>\n")],
            4: [_result({"text/plain": "system\nJOSA    16\nName: count, dtype: int64"})],
            5: [_result({"text/html": "<table><tr><td>Svar på tidligere korresp...</td></tr></table>"})],
            6: [_result({"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"})],
            7: [_result({"text/html": '<img src="data:image/png;base64,AA==" alt="A chart of uptake">'})],
            8: [_stream("['a.html', 'b.xml']\n")],
        },
    )
    found = "\n".join(shown_problems(bad))
    for expected in (
        "cell 1: shows an assert line",
        "cell 2: a Python enum repr",
        "cell 3: a Python object repr",
        "cell 4: a pandas dtype line",
        "cell 5: a table cell cut with '...'",
        "cell 6: an image output (image/png) with no alt text",
        "cell 7: an image whose alt text is not Danish",
        "cell 8: a Python list/tuple/dict repr",
    ):
        assert expected in found, f"{expected!r} not reported in:\n{found}"
    assert PLACEHOLDER in rendered_page(bad)  # what nbconvert writes for cell 6's image

    good = notebook(
        ("markdown", "# En side"),
        ("code", "x = 1\nassert x == 1"),
        ("code", "x"),
        ("code", "figur"),
        ("code", "xml"),
    )
    good.cells[1].metadata["tags"] = [HIDE]
    good.cells[2].metadata["tags"] = [HIDE_INPUT]
    _with_outputs(
        good,
        {
            2: [_stream("Afsender: Demo Kommune — EAN 2000000001265\n")],
            3: [_result({"text/html": '<img src="data:image/png;base64,AA==" alt="Kommuner pr. system">'})],
            4: [_stream(XML_SNIPPET)],
        },
    )
    assert shown_problems(good) == []
    page = rendered_page(good)
    assert "assert x == 1" not in page
    assert PLACEHOLDER not in page
