"""Run every benchmark and print one table with the goal beside each figure: ``python -m bench``
(or ``make bench``). Each benchmark prints its own detail first."""

from __future__ import annotations

import platform
import sys

from . import Figure, batches, sor_load, validate_corpus, validate_edifact, validate_fhir, xbin01_memory

figures: list[Figure] = []
for benchmark in (validate_corpus, validate_fhir, validate_edifact, xbin01_memory, sor_load, batches):
    figures += benchmark.figures()
    print()

print(f"medcomkit benchmarks — Python {platform.python_version()}, {platform.machine()}, {sys.platform}")
width = max(len(f.name) for f in figures)
print(f"{'figure':{width}}  {'measured':>10}  {'goal':>10}  met")
for figure in figures:
    value = f"{figure.value:.2f}{figure.unit}"
    goal = f"≤ {figure.goal:g}{figure.unit}"
    print(f"{figure.name:{width}}  {value:>10}  {goal:>10}  {'yes' if figure.met else 'NO'}")
