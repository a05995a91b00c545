"""Demo codes: SOR codes and location numbers that can never be real ones.

The demo registry (:func:`medcomkit.sor.demo_registry`) is **fictitious**: the 98 real municipalities with
a made-up PPR unit and § 126 a unit each, a few GP clinics, the five regions' child and adolescent
psychiatry and the parties of :mod:`medcomkit.demo`. Its location numbers use GS1 prefix 2 (restricted
circulation, never a real location) and its SOR codes have the pattern of :func:`demo_sor`, which real
SOR does not use.
"""

from __future__ import annotations

import re

from ..model.identifiers import gln_problems

__all__ = ["DEMO_EAN_PREFIX", "demo_sor", "is_demo_ean", "is_demo_sor"]

DEMO_EAN_PREFIX = "2"  # GS1 prefixes 20–29: restricted circulation, never assigned to a real location

# Demo SOR codes: 15 digits, "9999", an eight-digit serial and a three-digit unit number. Real SOR codes
# are SNOMED CT extension identifiers whose seven digits before the last three are Sundhedsdatastyrelsen's
# namespace (1000016, older 1000005); in a demo code those seven digits start with 0, which no namespace
# identifier does (namespaces run from 1000000). So a demo code can never be a real one.
_DEMO_SOR = re.compile(r"9999(0[0-9]{7})[0-9]{3}")
_SOR_NAMESPACES = ("1000016", "1000005")


def demo_sor(serial: int, unit: int = 1) -> str:
    """A fictitious SOR code: ``9999``, the eight-digit ``serial`` and the three-digit ``unit``.

    ``demo_sor(126)`` is the SOR code of :data:`medcomkit.demo.SENDER`, whose location number is
    ``medcomkit.demo.demo_gln(126)``. Serials stay below 1,000,000, so the code cannot be a real SOR code
    (see :func:`is_demo_sor`).
    """
    if not 0 <= serial < 1_000_000 or not 0 <= unit < 1000:
        raise ValueError(f"demo serial must be below 1,000,000 and unit below 1000, got {serial}, {unit}")
    return f"9999{serial:08d}{unit:03d}"


def is_demo_sor(code: str) -> bool:
    """True for a code of :func:`demo_sor`'s pattern — which never holds for a real SOR code.

    Real SOR codes carry Sundhedsdatastyrelsen's SNOMED CT namespace (1000016 or 1000005) in the seven
    digits before the last three; demo codes have a 0 first among those seven digits.
    """
    match = _DEMO_SOR.fullmatch(code)
    return match is not None and code[-10:-3] not in _SOR_NAMESPACES


def is_demo_ean(ean: str) -> bool:
    """True for a well-formed location number in GS1's restricted-circulation range (prefix 2)."""
    return ean.startswith(DEMO_EAN_PREFIX) and not gln_problems(ean)
