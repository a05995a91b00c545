"""Speed work must not change what medcomkit reports: every report of the recorded corpus (reference
examples, their mutants, the project's own messages) is the same as when it was recorded."""

from __future__ import annotations

import json

import pytest
from report_snapshot import DIGESTS, current_digests
from support import require_reference

pytestmark = pytest.mark.reference


def test_every_report_is_as_recorded() -> None:
    require_reference()
    stored: dict[str, str] = json.loads(DIGESTS.read_text(encoding="utf-8"))
    current = dict(current_digests())
    missing = sorted(stored.keys() - current.keys())
    changed = sorted(name for name, digest in current.items() if stored.get(name) != digest)
    assert not missing, f"no longer in the corpus: {missing}"
    assert not changed, f"reports differ from the recorded ones: {changed}"
