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


def test_import_medcomkit_loads_no_feature_module_until_a_name_is_used() -> None:
    code = (
        "import sys, medcomkit\n"
        "before = sorted(m for m in sys.modules if m.startswith('medcomkit'))\n"
        "medcomkit.Archive\n"
        "print(before, 'medcomkit.archive' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "['medcomkit'] True"


def test_validating_one_xdis91_loads_only_the_validation_modules(tmp_path: Path) -> None:
    xdis91 = next(p for p in write_demo_km(tmp_path) if p.name == "km-xdis91.xml")
    code = (
        "import sys\n"
        "from medcomkit.cli import main\n"
        "main(['validate', sys.argv[1]])\n"
        "unused = ('medcomkit.archive', 'medcomkit.selftest', 'medcomkit.vans', 'medcomkit.fhir',\n"
        "          'medcomkit.model.messages', 'medcomkit.edifact', 'medcomkit.convert', 'medcomkit.sor')\n"
        "print(sorted(m for m in sys.modules if m.startswith(unused)), file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(xdis91)], capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.strip().splitlines()[-1] == "[]"
