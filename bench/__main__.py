"""Run every benchmark: ``python -m bench`` (or ``make bench``)."""

from __future__ import annotations

from . import validate_corpus, validate_edifact, validate_fhir

validate_corpus.main()
print()
validate_fhir.main()
print()
validate_edifact.main()
