"""Fixtures shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import require_reference

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture
def reference() -> Path:
    return require_reference()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium under Playwright, one per test module.

    Per module rather than per session: Playwright's sync API keeps an event loop in this thread
    while it runs, and the notebook tests need asyncio for their kernels.
    """
    from browser import LAUNCH_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
