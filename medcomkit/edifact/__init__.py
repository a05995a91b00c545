"""The EDIFACT codec: MedCom's DIS91, REF01, BIN01 and CTL01–03 in UN/EDIFACT syntax 3 (UNOC).

Same shape as :mod:`medcomkit.oioxml`: one module per message type mapping segments to and from
the neutral model, ``read`` and ``build`` dispatching on the kind, ``validate`` for the rules.
"""

from __future__ import annotations

from .build import build_edifact
from .read import looks_like_edifact, read_edifact
from .validate import validate_edifact

__all__ = ["build_edifact", "looks_like_edifact", "read_edifact", "validate_edifact"]
