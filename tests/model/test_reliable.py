from __future__ import annotations

import pytest

from medcomkit.reliable import Arrival, ArrivalLog, classify_arrival

SEEN = [("bundle-1", "header-1"), ("bundle-2", "header-2")]


@pytest.mark.parametrize(
    ("envelope", "message", "expected"),
    [
        ("bundle-3", "header-3", Arrival.NEW),
        ("bundle-1", "header-1", Arrival.DUPLICATE),
        ("bundle-9", "header-1", Arrival.RESUBMISSION),  # resent after a lost acknowledgement
        ("bundle-1", "header-9", Arrival.ERROR),  # an envelope id is never reused
    ],
)
def test_classify_arrival(envelope: str, message: str, expected: Arrival) -> None:
    assert classify_arrival(SEEN, envelope, message) is expected


def test_log_remembers() -> None:
    log = ArrivalLog()
    assert log.record("b1", "h1") is Arrival.NEW
    assert log.record("b1", "h1") is Arrival.DUPLICATE
    assert log.record("b2", "h1") is Arrival.RESUBMISSION
    assert log.record("b2", "h2") is Arrival.ERROR
