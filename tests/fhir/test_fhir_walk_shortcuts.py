"""The structural walk's shortcuts never hide what its full checks would find: the narrative's quick
test for event handlers is true wherever the full pattern matches, whatever the letters and spaces,
and text right after a tag always survives removing the markup."""

from __future__ import annotations

import itertools
import random

from medcomkit.fhir.structure import _ACTIVE, _MARKUP, _TEXT, _could_be_active

_PIECES = [
    "<",
    ">",
    " ",
    "\t",
    "\x0b",
    "\x1c",
    "\x85",
    "\xa0",
    "\u2003",
    "on",
    "On",
    "oN",
    "ON",
    "click=",
    "=",
    ":",
    "java",
    "JAVA",
    "jAvA",
    "script",
    "scrıpt",
    "ſcript",
    "p",
    "x",
    "&amp;",
    "æ",
    "Ω",
    "\n",
]


def _samples(count: int) -> list[str]:
    rng = random.Random(17)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_event_handler_shortcut_is_never_wrong() -> None:
    samples = _samples(20_000) + ["".join(p) for p in itertools.product(["<a", " on", "x=", ">"], repeat=3)]
    missed = [s for s in samples if _ACTIVE.search(s) and not _could_be_active(s)]
    assert not missed, missed[:5]
    assert any(_ACTIVE.search(s) for s in samples)  # the samples do contain handlers


def test_text_after_a_tag_means_text_remains() -> None:
    for sample in _samples(20_000):
        if _TEXT.search(sample):
            assert _MARKUP.sub("", sample).strip(), sample
