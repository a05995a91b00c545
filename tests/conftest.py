"""Fixtures shared by the tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import mkdocs_build, require_reference, require_site_vendor

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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site (pages and decks), built once with `mkdocs build --strict`."""
    require_site_vendor()
    site_dir = tmp_path_factory.mktemp("site")
    build = mkdocs_build("--site-dir", str(site_dir))
    assert build.returncode == 0, f"mkdocs build failed:\n{build.stdout}\n{build.stderr}"
    return site_dir


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket on loopback: a hostile-input test checks that nothing connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()
