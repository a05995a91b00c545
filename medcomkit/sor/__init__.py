"""SOR, Sundhedsvæsenets Organisationsregister: load an export, look units up, walk the hierarchy."""

from __future__ import annotations

from .registry import (
    COLUMNS,
    DEMO_EAN_PREFIX,
    SorFormat,
    SorLookupError,
    SorProblem,
    SorRegistry,
    SorUnit,
    demo_registry,
    demo_sor,
    is_demo_ean,
    is_demo_sor,
    load_sor,
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
