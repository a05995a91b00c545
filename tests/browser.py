"""Helpers for the tests that open the site and the slide decks in Debian's chromium.

Playwright drives the system browser (``executable_path``); ``playwright install`` is never run,
because it downloads a browser build at test time.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request
from support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox: CI runs as root. The rest keeps chromium from phoning home on its own.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def require_chromium() -> str:
    """The browser to drive, or skip the calling test saying how to install it."""
    if not CHROMIUM.is_file():
        pytest.skip(
            f"{CHROMIUM} is missing; install Debian's chromium: apt-get update && apt-get install -y chromium"
        )
    return str(CHROMIUM)


def is_local(url: str) -> bool:
    """True for a URL that does not leave the machine."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1; yields the base URL (ending in /)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Watch:
    """Everything a page requested, and every script error or console error it reported."""

    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def on(cls, page: Page) -> Watch:
        watch = cls()
        page.on("request", watch._request)
        page.on("console", watch._console)
        page.on("pageerror", lambda error: watch.problems.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda r: watch.problems.append(f"request failed: {r.url} {r.failure}"))
        return watch

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def outside(self) -> list[str]:
        """Requests that left (or tried to leave) the machine."""
        return [url for url in self.requests if not is_local(url)]

    def assert_clean(self) -> None:
        assert not self.outside(), f"requests left the machine: {self.outside()}"
        assert not self.problems, "\n".join(self.problems)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A screenshot under test-artifacts/screenshots/, for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=path, full_page=full_page)
    return path
