"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_reference


@pytest.fixture
def reference() -> Path:
    return require_reference()
