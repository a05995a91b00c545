"""Property-based fuzzing: valid messages (OIOXML, FHIR JSON and XML, VANSEnvelope) mutated by
type and structure never make ``validate``, ``parse``, ``convert`` or the journal (``add``, then
reading the entry back as ``archive show`` does) raise anything but medcomkit's own errors.

Bounded for the suite (``MEDCOMKIT_FUZZ_EXAMPLES`` examples per seed, 25 by default); set it to
a few thousand by hand for a long run.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import medcomkit
from medcomkit import MedcomkitError
from medcomkit.archive._describe import describe
from medcomkit.convert.files import convert_files
from medcomkit.demo import demo_care_message, demo_care_thread, demo_referral

EXAMPLES = int(os.environ.get("MEDCOMKIT_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# --- the seeds ----------------------------------------------------------------------------------------


@cache
def seeds() -> dict[str, bytes]:
    message = demo_care_message()
    binary = medcomkit.attachments_for(message, message_id="DEMOBIN0000001", envelope_id="DEMOKUV0000002")
    assert binary is not None
    thread = demo_care_thread()
    care = thread[0]
    xdis91 = medcomkit.build_xdis91(message)
    fhir_json = medcomkit.build_carecommunication(thread[1], format="json", check=False)
    referral = medcomkit.build_xref01(demo_referral())
    return {
        "xdis91": xdis91,
        "xbin01": medcomkit.build_xbin01(binary),
        "xctl": medcomkit.build_xctl(medcomkit.receipt_for(message)),
        "xref01": referral,
        "fhir json": medcomkit.build_carecommunication(care, format="json", check=False),
        "fhir json reply": fhir_json,
        "fhir xml": medcomkit.build_carecommunication(care, format="xml", check=False),
        "acknowledgement": medcomkit.acknowledge(fhir_json, when=datetime(2026, 11, 27, tzinfo=UTC))[1],
        "envelope": medcomkit.wrap(xdis91),
        "envelope fhir": medcomkit.wrap(fhir_json),
    }


# --- values and mutations -------------------------------------------------------------------------------

TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1203134996",
            "120313–4996",
            "２０２６-１１-２６",
            "9999-99-99",
            "2026-02-30",
            "0000-01-01T00:00:00Z",
            "urn:uuid:x",
            "../../x",
            "/etc/passwd",
            "{Bold}",
            "{/Bold}",
            "{{",
            "nan",
            "true",
            "x" * 5000,
            "\u202e",
            "Ã¸",
            "høj_prioritet",
            "5790000000001",
        ]
    ),
)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), TEXTS)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXTS, inner, max_size=3)),
    max_leaves=8,
)


def _json_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            paths.extend(_json_paths(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths.extend(_json_paths(value, (*path, index)))
    return paths


@st.composite
def mutated_json(draw: st.DrawFn, data: bytes) -> bytes:
    document = json.loads(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = _json_paths(document)[1:]
        path = draw(st.sampled_from(paths))
        parent: Any = document
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "wrap", "unwrap", "duplicate", "stringify"]))
        value = parent[key]
        if action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "delete":
            del parent[key]
        elif action == "wrap":
            parent[key] = [value] if draw(st.booleans()) else {"value": value}
        elif action == "unwrap" and isinstance(value, list) and value:
            parent[key] = value[0]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(value)
        elif action == "stringify":
            parent[key] = json.dumps(value)
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


XML_TEXTS = TEXTS.map(lambda t: re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", t))


@st.composite
def mutated_xml(draw: st.DrawFn, data: bytes) -> bytes:
    root = etree.fromstring(data)
    for _ in range(draw(st.integers(1, 3))):
        elements = list(root.iter(etree.Element))
        element = draw(st.sampled_from(elements))
        parent = element.getparent()
        action = draw(
            st.sampled_from(
                ["text", "remove", "duplicate", "empty", "foreign", "move", "attribute", "rename"]
            )
        )
        if action == "text":
            element.text = draw(XML_TEXTS)
        elif action == "remove" and parent is not None:
            parent.remove(element)
        elif action == "duplicate" and parent is not None:
            parent.insert(parent.index(element), copy.deepcopy(element))
        elif action == "empty":
            element.clear()
        elif action == "foreign":
            element.append(etree.Element(draw(st.sampled_from(["{urn:x}y", "Unknown", element.tag]))))
        elif action == "move" and parent is not None:
            target = draw(st.sampled_from(elements))
            if element not in target.iterancestors() and element is not target:
                target.append(element)
        elif action == "attribute":
            element.set(draw(st.sampled_from(["value", "id", "EndPointType", "name", "x"])), draw(XML_TEXTS))
        elif action == "rename":
            element.tag = draw(st.sampled_from([e.tag for e in elements]))
    written: str | bytes = etree.tostring(
        root, xml_declaration=True, encoding=draw(st.sampled_from(["UTF-8", "ISO-8859-1"]))
    )
    return written.encode() if isinstance(written, str) else written


@st.composite
def mutated_envelope(draw: st.DrawFn, data: bytes) -> bytes:
    if draw(st.booleans()):
        return draw(mutated_xml(data))
    payload = base64.b64decode(re.search(rb"<Data>(.*?)</Data>", data, re.S)[1])  # type: ignore[index]
    inner = draw(mutated_json(payload)) if payload.lstrip().startswith(b"{") else draw(mutated_xml(payload))
    return re.sub(rb"<Data>.*?</Data>", b"<Data>" + base64.b64encode(inner) + b"</Data>", data, flags=re.S)


def mutants(name: str) -> st.SearchStrategy[bytes]:
    data = seeds()[name]
    if name.startswith("envelope"):
        return mutated_envelope(data)
    if data.lstrip().startswith(b"{"):
        return mutated_json(data)
    return mutated_xml(data)


# --- what must hold -------------------------------------------------------------------------------------


def _allowed(action: Callable[[], object]) -> None:
    """Run ``action``: medcomkit's own errors (with a rule id and both languages) are fine."""
    failure: MedcomkitError | None = None
    try:
        action()
    except MedcomkitError as error:
        failure = error
    if failure is not None:
        assert failure.code
        assert failure.message("da")
        assert failure.message("en")


def _everything(data: bytes) -> None:
    report = medcomkit.validate_bytes(data)
    assert report.to_text("en")
    assert report.to_operation_outcome("da")["issue"]
    _allowed(lambda: medcomkit.parse_all(data))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message.xml"
        path.write_bytes(data)
        for to in ("fhir", "oioxml"):
            _allowed(lambda: convert_files([path], to=to, fhir_format="xml"))  # noqa: B023
        with medcomkit.Archive(Path(folder) / "journal.db") as journal:
            _allowed(lambda: journal.add(data, direction="received"))
            for entry in journal.entries():
                status = journal.status(entry.id)
                for lang in ("da", "en"):
                    assert describe(entry, status, journal.message(entry.id), lang)
                journal.receipts(entry.id)
                journal.thread(entry.id)


@pytest.mark.parametrize("name", list(seeds()))
def test_the_seeds_are_valid_and_go_through_everything(name: str) -> None:
    data = seeds()[name]
    report = medcomkit.validate_bytes(data)
    assert report.valid, report.to_text("en")
    _everything(data)


@pytest.mark.parametrize("name", list(seeds()))
def test_mutated_messages_never_raise_anything_but_medcomkit_errors(name: str) -> None:
    @FUZZ
    @given(data=mutants(name))
    def check(data: bytes) -> None:
        _everything(data)

    check()
