"""Benchmarks: each prints ratios against a baseline measured in the same process."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import NamedTuple

__all__ = ["Figure", "alternating_ratio", "best_time"]


class Figure(NamedTuple):
    """One line of the ``make bench`` table: what was measured, the figure, the goal, met or not."""

    name: str
    value: float
    unit: str  # "×" for a ratio, "ms", …
    goal: float  # the figure must be at most this

    @property
    def met(self) -> bool:
        return self.value <= self.goal


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


def _cpu(function: Callable[[], object], number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        function()
    return time.process_time() - start


def alternating_ratio(
    ours: Callable[[], object], baseline: Callable[[], object], *, number: int, rounds: int
) -> float:
    """Median over ``rounds`` of CPU time(ours) ÷ CPU time(baseline), each round timing both, in
    turn first, so load on a shared machine falls on both sides alike."""
    ratios = []
    for round_number in range(rounds):
        if round_number % 2:
            base = _cpu(baseline, number)
            mine = _cpu(ours, number)
        else:
            mine = _cpu(ours, number)
            base = _cpu(baseline, number)
        ratios.append(mine / base if base else float("inf"))
    return statistics.median(ratios)
