"""parse(build(m)) == m for every message an OIOXML letter can carry, by property-based tests."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import attachment_messages, care_messages, markups, receipts

import medcomkit
from medcomkit import AttachmentMessage, CareMessage, TextSegment
from medcomkit.markup import BREAKABLE, from_runs, to_runs

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(care_messages())
def test_xdis91_round_trip(message: CareMessage) -> None:
    assert medcomkit.parse(medcomkit.build_xdis91(message)) == message


@SETTINGS
@given(care_messages(), st.sampled_from(["ISO-8859-1", "UTF-8"]))
def test_xdis91_round_trip_in_both_encodings(message: CareMessage, encoding: str) -> None:
    data = medcomkit.build_xdis91(message, encoding=encoding)
    assert data.startswith(f'<?xml version="1.0" encoding="{encoding}"?>'.encode())
    assert medcomkit.parse(data) == message


@SETTINGS
@given(care_messages(with_data=True, max_attachments=10).filter(lambda m: len(m.attachments) == 10))
def test_ten_attachments_round_trip_through_xdis91_and_xbin01(message: CareMessage) -> None:
    binary = medcomkit.attachments_for(message, message_id="BIN1", envelope_id="KUV2")
    assert binary is not None
    xdis91, xbin01 = medcomkit.build_xdis91(message), medcomkit.build_xbin01(binary)
    reference_only = medcomkit.parse(xdis91)
    assert isinstance(reference_only, CareMessage)
    assert all(a.data is None for a in reference_only.attachments)
    attachments = medcomkit.parse(xbin01)
    assert isinstance(attachments, AttachmentMessage)
    assert medcomkit.join_attachments(reference_only, attachments) == message


@SETTINGS
@given(attachment_messages())
def test_xbin01_round_trip(message: AttachmentMessage) -> None:
    assert medcomkit.parse(medcomkit.build_xbin01(message)) == message


@SETTINGS
@given(receipts())
def test_receipt_round_trip(receipt: medcomkit.Receipt) -> None:
    assert medcomkit.parse(medcomkit.build_xctl(receipt)) == receipt


@settings(max_examples=300, deadline=None)
@given(markups())
def test_markup_is_canonical(markup: str) -> None:
    assert from_runs(to_runs(markup)) == markup


@settings(max_examples=200, deadline=None)
@given(markups(BREAKABLE))
def test_breakable_markup_has_no_formatting(markup: str) -> None:
    assert all(not run.styles for run in to_runs(markup, BREAKABLE))


@settings(max_examples=25, deadline=None)
@given(care_messages(), st.integers(3_200, 31_000))
def test_long_text_is_split_into_blocks_and_joined_again(message: CareMessage, size: int) -> None:
    pattern = "Lang tekst med {Bold}fed{/Bold} skrift, æøå og linjeskift.\n"
    text = pattern * (size // 48) + "{Italic}slut{/Italic}"
    long_message = replace(message, segments=(TextSegment(text),))
    data = medcomkit.build_xdis91(long_message)
    assert medcomkit.parse(data) == long_message
