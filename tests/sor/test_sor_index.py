"""The SOR name index finds exactly the units a substring test on every key finds, and lookups are
ranked and limited."""

from __future__ import annotations

from random import Random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcomkit.cli import main
from medcomkit.sor import demo_registry
from medcomkit.sor_index import NameIndex, NameRanks

_WORD = st.text(alphabet="abeor0129", min_size=1, max_size=6)
_KEY = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEY, max_size=40), st.lists(_WORD, min_size=1, max_size=3))
def test_index_finds_what_a_scan_of_every_key_finds(keys: list[str], words: list[str]) -> None:
    expected = [i for i, key in enumerate(keys) if all(word in key for word in words)]
    assert NameIndex(keys).search(words, len(keys)).tolist() == expected


def test_search_ranks_exact_then_prefix_then_the_rest_and_limits() -> None:
    registry = demo_registry()
    every = registry.search("ppr")
    assert len(every) > 2
    assert [u.sor for u in registry.search("ppr", limit=2)] == [u.sor for u in every[:2]]
    assert [u.sor for u in registry.lookup("ppr", limit=2)] == [u.sor for u in every[:2]]
    unit = every[-1]
    assert registry.search(unit.name)[0] == unit  # its exact name ranks it first


def test_cli_lookup_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sor", "lookup", "ppr", "--format", "json", "--limit", "1"]) == 0
    assert capsys.readouterr().out.count('"sor":') == 1
    assert main(["sor", "lookup", "ppr", "--limit", "1", "--lang", "en"]) == 0
    assert "More units match" in capsys.readouterr().out


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEY, max_size=40), _KEY, st.none() | st.integers(0, 10), st.randoms())
def test_ranks_are_exact_then_prefix_then_the_rest_in_registry_order(
    names: list[str], key: str, limit: int | None, chooser: Random
) -> None:
    names = [*names, key, key + " x"]  # some names equal to or starting with the query
    chooser.shuffle(names)
    mask = np.array([chooser.random() < 0.8 for _ in names], dtype=bool)
    hits = [p for p in range(len(names)) if mask[p]]
    expected = sorted(hits, key=lambda p: 0 if names[p] == key else 1 if names[p].startswith(key) else 2)
    assert NameRanks(names).ranked(key, mask, limit).tolist() == expected[:limit]
