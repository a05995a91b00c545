"""SOR, Sundhedsvæsenets Organisationsregister: load an export, look units up, walk the hierarchy.

One job per module: :mod:`.registry` (units and lookups), :mod:`.index` (finding units by part of
their name), :mod:`.readers` (:func:`load_sor`, :func:`demo_registry`) with :mod:`.csv_reader`,
:mod:`.xml_reader` and :mod:`.normalise`, and :mod:`.demo` (codes that can never be real).
"""

from __future__ import annotations

from .demo import DEMO_EAN_PREFIX, demo_sor, is_demo_ean, is_demo_sor
from .readers import demo_registry, load_sor
from .registry import (
    COLUMNS,
    SorFormat,
    SorLookupError,
    SorProblem,
    SorRegistry,
    SorUnit,
    location_number_request,
)

__all__ = [
    "COLUMNS",
    "DEMO_EAN_PREFIX",
    "SorFormat",
    "SorLookupError",
    "SorProblem",
    "SorRegistry",
    "SorUnit",
    "demo_registry",
    "demo_sor",
    "is_demo_ean",
    "is_demo_sor",
    "load_sor",
    "location_number_request",
]
