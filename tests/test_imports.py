"""The XML path stays light: validating an XDIS91 imports neither pandas nor fhir.resources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from medcomkit.demo import write_demo_km

CHILD = """
import json, sys
from medcomkit.cli import main
main(["validate", "--format", "json", sys.argv[1]])
heavy_roots = ("pandas", "fhir", "fhirpathpy", "numpy", "pydantic")
heavy = sorted(m for m in sys.modules if m.split(".")[0] in heavy_roots)
print(json.dumps(heavy), file=sys.stderr)
"""


def test_validating_xml_imports_no_heavy_modules(tmp_path: Path) -> None:
    xdis91 = next(p for p in write_demo_km(tmp_path) if p.name == "km-xdis91.xml")
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(xdis91)], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(completed.stdout)[0]["valid"]
    assert json.loads(completed.stderr.strip().splitlines()[-1]) == []


def test_public_api_is_curated() -> None:
    import medcomkit

    assert sorted(medcomkit.__all__) == medcomkit.__all__
    for name in medcomkit.__all__:
        assert hasattr(medcomkit, name), name
