"""Counting base64 gives the same verdict, size and first bytes as decoding it strictly."""

from __future__ import annotations

import base64
import binascii

from hypothesis import example, given
from hypothesis import strategies as st

from medcomkit.oioxml.base64text import base64_facts, base64_problem


def strictly_decoded(text: str) -> bytes | None:
    """What the XBIN01 reader makes of the text (``None``: it refuses it)."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def wrapped(data: bytes, width: int, newline: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return newline.join(encoded[i : i + width] for i in range(0, len(encoded), width)) + newline


# Characters that turn up in broken payloads: padding, the URL-safe alphabet, other whitespace.
NOISE = st.sampled_from(["=", "-", "_", "*", "A", "/", " ", "\t", "\r\n", "\xa0", "\u2028", "é", "==", "==="])


@st.composite
def payloads(draw: st.DrawFn) -> str:
    text = wrapped(
        draw(st.binary(max_size=200)),
        draw(st.sampled_from([4, 64, 76, 1000])),
        draw(st.sampled_from(["\n", "\r\n"])),
    )
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        noise = draw(NOISE) if draw(st.booleans()) else ""  # insert noise, or delete a character
        text = text[:at] + noise + text[at + (0 if noise else 1) :]
    return text


@given(payloads())
@example("")
@example("====")
@example("QQ==QQ==")
@example("QQ=\n=")
@example("Q===")
@example("QUJD=====")
@example("QUJ==")
@example("\n" * 70 + "QUJD REVG\nR0hJ\n")
@example("QUJD\xa0REVG")
def test_counting_agrees_with_strict_decoding(text: str) -> None:
    decoded = strictly_decoded(text)
    facts = base64_facts(text)
    if decoded is None:
        assert facts is None
        assert base64_problem(text)
    else:
        assert facts is not None
        assert facts.size == len(decoded)
        assert facts.head == decoded[:12]


def test_a_large_attachment_is_sized_without_decoding_it() -> None:
    data = bytes(range(256)) * 4000
    facts = base64_facts(wrapped(data, 76, "\n"))
    assert facts == (len(data), data[:12])
