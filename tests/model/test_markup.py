from __future__ import annotations

import pytest

from medcomkit import MarkupError
from medcomkit.markup import BREAKABLE, Run, escape, from_runs, length, plain_text, split_runs, to_runs


def test_plain_text_with_line_breaks_is_its_own_markup() -> None:
    assert to_runs("Hej\nverden") == [Run((), "Hej\nverden")]
    assert plain_text("Hej\nverden") == "Hej\nverden"


def test_formatting_and_space() -> None:
    runs = to_runs("A{Space}B {FixedFont}f{Bold}b{/Bold}{/FixedFont}")
    assert runs == [
        Run((), "A"),
        Run((), space=True),
        Run((), "B "),
        Run(("FixedFont",), "f"),
        Run(("FixedFont", "Bold"), "b"),
    ]
    assert plain_text("A{Space}B") == "A B"
    assert length("A{Space}B\n") == 4


def test_braces_are_escaped_and_lone_braces_are_literal() -> None:
    assert escape("{Bold}") == "{{Bold}"
    assert plain_text("{{Bold}") == "{Bold}"
    assert plain_text("a { b }") == "a { b }"
    assert from_runs([Run((), "{x}")]) == "{{x}"


def test_windows_line_ends_become_breaks() -> None:
    assert to_runs("a\r\nb\rc") == [Run((), "a\nb\nc")]


@pytest.mark.parametrize(
    ("markup", "code"),
    [
        ("{Bold}{Italic}x{/Italic}{/Bold}", "markup.nesting"),
        ("{FixedFont}{FixedFont}x{/FixedFont}{/FixedFont}", "markup.nesting"),
        ("{Bold}x", "markup.unclosed"),
        ("x{/Bold}", "markup.unbalanced"),
        ("{Bold}x{/Italic}", "markup.unbalanced"),
        ("{bold}x{/bold}", "markup.unknown-tag"),
    ],
)
def test_invalid_markup_is_refused_with_a_clear_error(markup: str, code: str) -> None:
    with pytest.raises(MarkupError) as raised:
        to_runs(markup)
    assert raised.value.code == code
    assert raised.value.message("da") != raised.value.message("en")


def test_breakable_text_refuses_formatting() -> None:
    assert to_runs("a{Space}b\nc", BREAKABLE)
    with pytest.raises(MarkupError, match="only text"):
        to_runs("{Bold}x{/Bold}", BREAKABLE)


def test_split_prefers_line_breaks_then_spaces() -> None:
    blocks = split_runs(to_runs("aaaa bbbb\ncccc dddd"), 12)
    assert ["".join(r.text for r in block) for block in blocks] == ["aaaa bbbb\n", "cccc dddd"]
    blocks = split_runs(to_runs("aaaa bbbb cccc"), 7)
    assert ["".join(r.text for r in block) for block in blocks] == ["aaaa ", "bbbb ", "cccc"]


def test_split_closes_and_reopens_formatting() -> None:
    blocks = split_runs(to_runs("{Bold}" + "x" * 10 + "{/Bold}"), 4)
    assert [from_runs(b) for b in blocks] == ["{Bold}xxxx{/Bold}", "{Bold}xxxx{/Bold}", "{Bold}xx{/Bold}"]
    assert all(sum(len(r) for r in block) <= 4 for block in blocks)
