"""What every step of one conversion run needs besides its input, given once to every worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .to_fhir import SorLookup

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    """The target, the FHIR format, the SOR lookup and the one time stamp of a run."""

    to: Literal["fhir", "oioxml", "edifact"]
    fhir_format: Literal["json", "xml"]
    sor: SorLookup | None
    when: datetime
