"""The EDIFACT codec: MedCom's DIS91, REF01, BIN01 and CTL01–03 in UN/EDIFACT syntax 3 (UNOC).

Same shape as :mod:`medcomkit.oioxml`: one module per message type mapping segments to and from
the neutral model, ``read`` and ``build`` dispatching on the kind, ``validate`` for the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_names

if TYPE_CHECKING:
    from .build import build_edifact
    from .read import looks_like_edifact, read_edifact
    from .validate import validate_edifact

# Imported on first use: the dispatcher imports this package to sniff (edifact.codec), which must
# not cost the segment grammar, the readers and the builders.
_LAZY: dict[str, str] = {
    "build_edifact": ".build",
    "looks_like_edifact": ".read",
    "read_edifact": ".read",
    "validate_edifact": ".validate",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())

__all__ = ["build_edifact", "looks_like_edifact", "read_edifact", "validate_edifact"]
