"""Hostile input gets a clear error in a report: no file read, no connection, bounded time and memory.

Each case runs in a fresh interpreter so peak memory (ru_maxrss) belongs to that case alone. A
would-be file read is detected with a FIFO: opening it blocks, so the child would hang; a
would-be connection is detected with a listening socket that must see no client.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
from pathlib import Path

import pytest

NS = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/"
CHILD = r"""
import json, sys, time
import medcomkit
start = time.perf_counter()
report = medcomkit.validate(sys.argv[1])
elapsed = time.perf_counter() - start
print(json.dumps({
    "elapsed": elapsed,
    # VmHWM is this process's peak resident memory (ru_maxrss would include the forking parent).
    "maxrss_mb": next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024,
    "report": report.to_dict("en"),
    "da": [i.message("da") for i in report.issues],
}))
"""


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "secret-fifo"
    os.mkfifo(path)
    return path


def _cases(fifo: Path, port: int) -> dict[str, tuple[bytes, str]]:
    url = f"http://127.0.0.1:{port}"
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    quadratic = '<!ENTITY a "' + "x" * 100_000 + '">'
    return {
        "external entity (local file)": (
            f'<?xml version="1.0"?><!DOCTYPE Emessage [<!ENTITY x SYSTEM "file://{fifo}">]>'
            f'<Emessage xmlns="{NS}">&x;</Emessage>'.encode(),
            "xml.dtd-forbidden",
        ),
        "external entity (network)": (
            f'<?xml version="1.0"?><!DOCTYPE Emessage [<!ENTITY x SYSTEM "{url}/x">]>'
            f'<Emessage xmlns="{NS}">&x;</Emessage>'.encode(),
            "xml.dtd-forbidden",
        ),
        "parameter entity": (
            f'<?xml version="1.0"?><!DOCTYPE Emessage [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>'
            f'<Emessage xmlns="{NS}"/>'.encode(),
            "xml.dtd-forbidden",
        ),
        "entity expansion bomb": (
            f'<?xml version="1.0"?><!DOCTYPE Emessage [{laughs}]>'
            f'<Emessage xmlns="{NS}">&l9;</Emessage>'.encode(),
            "xml.dtd-forbidden",
        ),
        "quadratic blowup": (
            f'<?xml version="1.0"?><!DOCTYPE Emessage [{quadratic}]><Emessage xmlns="{NS}">{"&a;" * 20_000}'
            "</Emessage>".encode(),
            "xml.dtd-forbidden",
        ),
        "external DTD": (
            f'<?xml version="1.0"?><!DOCTYPE Emessage SYSTEM "{url}/emessage.dtd">'
            f'<Emessage xmlns="{NS}"/>'.encode(),
            "xml.dtd-forbidden",
        ),
        "schemaLocation and XInclude": (
            f'<?xml version="1.0"?><Emessage xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f' xsi:schemaLocation="{NS} {url}/EMessage.xsd"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
            f' href="file://{fifo}" parse="text"/></Emessage>'.encode(),
            "schema.unexpected-element",
        ),
        "50 MB file": (
            b'<?xml version="1.0"?><Emessage>' + b"a" * (50 * 1024 * 1024) + b"</Emessage>",
            "xml.too-large",
        ),
        "binary garbage": (random.Random(2).randbytes(64 * 1024), "xml.not-xml"),
        "empty file": (b"", "xml.empty"),
        "truncated XML": (
            f'<?xml version="1.0" encoding="ISO-8859-1"?><Emessage xmlns="{NS}">'
            "<Envelope><Sent><Date>2024-".encode(),
            "xml.malformed",
        ),
        "unknown namespace": (
            b'<?xml version="1.0"?><Emessage xmlns="urn:example:evil"><Envelope/></Emessage>',
            "oioxml.namespace-unknown",
        ),
        "deep nesting": (b"<a>" * 100_000 + b"</a>" * 100_000, "xml.malformed"),
    }


CASE_NAMES = list(_cases(Path("/x"), 1))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_input(name: str, tmp_path: Path, fifo: Path, listener: socket.socket) -> None:
    data, expected_rule = _cases(fifo, listener.getsockname()[1])[name]
    path = tmp_path / "input.xml"
    path.write_bytes(data)
    try:
        completed = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=20, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: validation hung — it tried to open the FIFO (read a local file)")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    report = result["report"]
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing may have connected
    assert report["valid"] is False
    assert expected_rule in {issue["rule"] for issue in report["issues"]}, report
    first = report["issues"][0]
    assert first["message"]
    assert result["da"][0]
    assert result["da"][0] != first["message"]
    assert "Traceback" not in completed.stderr
    assert result["elapsed"] < 1.0, f"{name} took {result['elapsed']:.2f} s"
    assert result["maxrss_mb"] < 200, f"{name} peaked at {result['maxrss_mb']:.0f} MB"
    print(f"{name}: {expected_rule}, {result['elapsed'] * 1000:.1f} ms, {result['maxrss_mb']:.0f} MB")
