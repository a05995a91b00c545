"""Shared test helpers: where MedCom's reference data lives, and skipping when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
OIOXML_EXAMPLES = REFERENCE / "oioxml" / "examples"
OFFICIAL_XSD = REFERENCE / "oioxml" / "xsd" / "medcom-via-glasdam"


def require_reference() -> Path:
    """The reference folder, or skip the calling test with the reason."""
    if not REFERENCE.is_dir():
        pytest.skip(f"../shared/reference is missing ({REFERENCE}); MedCom reference data is needed")
    return REFERENCE


def oioxml_examples() -> list[Path]:
    """Every XDIS91/XBIN01/XCTL/XREF01 example message (not the VANSEnvelope one)."""
    if not OIOXML_EXAMPLES.is_dir():
        return []
    return sorted(p for p in OIOXML_EXAMPLES.rglob("*.xml") if "vansenvelope" not in p.parts)
