"""Restructuring and speed work must not change what medcomkit writes or prints: every conversion
output (files, change lists, notes) and every command's output on the recorded corpus is the same,
byte for byte, as when it was recorded (see :mod:`output_snapshot` for what is pinned)."""

from __future__ import annotations

import json

import pytest
from output_snapshot import DIGESTS, current_digests, normalise
from support import require_reference

pytestmark = pytest.mark.reference


def test_every_output_is_as_recorded() -> None:
    require_reference()
    stored: dict[str, str] = json.loads(DIGESTS.read_text(encoding="utf-8"))
    current = dict(current_digests())
    missing = sorted(stored.keys() - current.keys())
    added = sorted(current.keys() - stored.keys())
    changed = sorted(name for name in current.keys() & stored.keys() if stored[name] != current[name])
    show = "see one with: .venv/bin/python tests/output_snapshot.py --show NAME"
    assert not missing, f"no longer in the corpus: {missing}"
    assert not changed, f"outputs differ from the recorded ones ({show}): {changed}"
    assert not added, f"not recorded (record with --write and say why): {added}"


def test_only_pinned_ids_are_numbered_and_machine_paths_replaced() -> None:
    pinned = b"5eed0000-0000-4000-8000-000000000007 5EED0000000040008000000000000007 RND00000000003"
    again = b" 5eed0000-0000-4000-8000-000000000002 RND00000000003 RND00000000009"
    real = b" 0c8dddf2-c882-4b00-8870-5035279e7d01 /tmp/x/a.xml"
    assert normalise(pinned + again + real, {"/tmp/x": "<TMP>"}) == (
        b"5eed0000-0000-4000-8000-000000000001 5EED0000000040008000000000000001 RND00000000001"
        b" 5eed0000-0000-4000-8000-000000000002 RND00000000001 RND00000000002"
        b" 0c8dddf2-c882-4b00-8870-5035279e7d01 <TMP>/a.xml"
    )
