"""Peak memory of validating an XBIN01 with a 50 MB attachment, against the file's size.

Each measurement runs in a fresh subprocess and reads its own peak resident size (Linux's VmHWM,
else ``ru_maxrss``). The interpreter's own is measured the same way, with medcomkit's validation
modules imported but nothing validated, and subtracted. Target: the validation adds at most 2×
the file's size.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bench import Figure

ATTACHMENT_BYTES = 50 * 1024 * 1024
TARGET = 2.0

# The peak of this process only: VmHWM where Linux gives it (ru_maxrss would include the peak of
# the process that started it, which Linux carries across exec).
_CHILD = """
import resource, sys
from medcomkit.dispatch import validate
if sys.argv[1] == "validate":
    report = validate(sys.argv[2], max_bytes=200 * 1024 * 1024)
    assert report.valid, report.to_text("en")
try:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    print(int(line.split()[1]) * 1024)
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def write_xbin01(folder: Path, size: int = ATTACHMENT_BYTES) -> Path:
    """An XBIN01 carrying one PDF-like attachment of ``size`` bytes."""
    from medcomkit.demo import demo_care_message
    from medcomkit.oioxml.xbin01 import attachments_for, build_xbin01

    message = demo_care_message()
    data = b"%PDF-1.4\n" + os.urandom(size - 9)
    attachment = replace(message.attachments[0], data=data, size=len(data))
    message = replace(message, attachments=(attachment,))
    binary = attachments_for(message, message_id="BENCHBIN000001", envelope_id="BENCHKUV000001")
    assert binary is not None
    path = folder / "large-xbin01.xml"
    path.write_bytes(build_xbin01(binary, check=False))
    return path


def _peak(*args: str) -> int:
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=True, timeout=600
    )
    return int(completed.stdout.split()[-1])


def figures() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        path = write_xbin01(Path(folder))
        size = path.stat().st_size
        interpreter = min(_peak("idle") for _ in range(3))
        peak = min(_peak("validate", str(path)) for _ in range(3))
    added = peak - interpreter
    print(
        f"XBIN01 of {size / 1e6:.0f} MB: validation peaks {added / 1e6:.0f} MB above the interpreter's "
        f"{interpreter / 1e6:.0f} MB ({added / size:.2f}× the file)"
    )
    return [Figure("XBIN01 validate peak memory ÷ file size (50 MB attachment)", added / size, "×", TARGET)]


def main() -> None:
    figures()


if __name__ == "__main__":
    main()
