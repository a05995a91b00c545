"""The SOR name index finds exactly the units a substring test on every key finds, and lookups are
ranked and limited."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcomkit.cli import main
from medcomkit.sor import demo_registry
from medcomkit.sor_index import NameIndex

_WORD = st.text(alphabet="abeor0129", min_size=1, max_size=6)
_KEY = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEY, max_size=40), st.lists(_WORD, min_size=1, max_size=3))
def test_index_finds_what_a_scan_of_every_key_finds(keys: list[str], words: list[str]) -> None:
    expected = [i for i, key in enumerate(keys) if all(word in key for word in words)]
    assert NameIndex(keys).search(words).tolist() == expected


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
