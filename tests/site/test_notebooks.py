"""Every miniguide runs top to bottom; a cell that raises fails the tests and the site build alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import (
    NotebookCellFailed,
    execute_notebook,
    mkdocs_build,
    notebook,
    notebooks,
    require_site_vendor,
    write_site,
)


def test_the_first_miniguide_is_there() -> None:
    assert "01-km-til-egen-laege.ipynb" in [p.name for p in notebooks()]


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_notebook_runs(path: Path) -> None:
    try:
        execute_notebook(path)
    except NotebookCellFailed as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.mark.slow
def test_a_raising_cell_fails_the_executor_and_the_site_build(tmp_path: Path) -> None:
    broken = notebook(
        ("markdown", "# En miniguide med en fejl"),
        ("code", "x = 1"),
        ("code", 'raise RuntimeError("bevidst fejl i en miniguide")'),
    )
    site = write_site(tmp_path, {"index.md": "# Forside\n", "miniguider/fejl.ipynb": broken})

    with pytest.raises(NotebookCellFailed) as failed:
        execute_notebook(tmp_path / "docs" / "miniguider" / "fejl.ipynb")
    message = str(failed.value)
    assert "cell 2 raised RuntimeError: bevidst fejl i en miniguide" in message
    assert 'raise RuntimeError("bevidst fejl i en miniguide")' in message  # the cell's source

    require_site_vendor()
    build = mkdocs_build("-f", str(site))
    assert build.returncode != 0, build.stdout + build.stderr
    assert "bevidst fejl i en miniguide" in build.stderr
