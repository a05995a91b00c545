"""Benchmarks: each prints ratios against a baseline measured in the same process."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["best_time"]


def best_time(function: Callable[[], object], number: int, rounds: int) -> float:
    """Best mean time per call over ``rounds`` rounds of ``number`` calls (the least disturbed round
    on a shared, noisy machine)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best
