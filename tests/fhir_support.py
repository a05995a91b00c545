"""Where MedCom's FHIR reference examples live, and which of them are expected to be invalid (and why)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from support import REFERENCE

FHIR_REFERENCE = REFERENCE / "fhir"


def require_fhir_reference() -> Path:
    if not FHIR_REFERENCE.is_dir():
        pytest.skip(
            f"../shared/reference/fhir is missing ({FHIR_REFERENCE}); MedCom's FHIR examples are needed"
        )
    return FHIR_REFERENCE


def fhir_examples() -> list[Path]:
    """Every IG example, every certification test example and the FHIR files of the conversion flows."""
    if not FHIR_REFERENCE.is_dir():
        return []
    examples = FHIR_REFERENCE / "examples"
    found = sorted(FHIR_REFERENCE.glob("ig/*/examples/*.*"))
    found += sorted(p for p in (examples / "carecommunication-testexamples").rglob("*.*") if p.is_file())
    found += sorted(p for p in (examples / "acknowledgement-testexamples").rglob("*.*") if p.is_file())
    found += sorted(
        p
        for p in (examples / "conversion-service" / "flows").glob("*.xml")
        if "CareCommunication" in p.name or "Acknowledgement" in p.name
    )
    return [p for p in found if p.suffix in (".json", ".xml")]


def example_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


# Examples that are expected not to validate, with the rule that names the cause and the evidence.
EXPECTED_INVALID: dict[str, tuple[set[str], str]] = {
    "R-Tek-M-dublicate-inv": (
        {"cc.category"},
        "designed invalid: the Communication's category coding has a system but no code",
    ),
    "R-Tek-N-dublicate-inv": (
        {"cc.category"},
        "designed invalid (XML twin of R-Tek-M): category coding without a code",
    ),
    "Binary-Ack-AE_C": (
        {"binding.medcom-acknowledgement-issue-details"},
        "example defect: details.coding uses the draft code 'message-development-error' of a CodeSystem "
        "'medcom-acknowledgement-issue-details' that was withdrawn (commented out in the Acknowledgement "
        "FSH) "
        "before 2.0.3; the required value set has only operation-outcome MSG_* and "
        "medcom-acknowledgement-error-codes codes",
    ),
    "Binary-Ack-AR_B": (
        {"binding.medcom-acknowledgement-issue-details"},
        "example defect: same withdrawn draft code as Binary-Ack-AE_C",
    ),
}
# R-Tek-O is designed invalid ("no message text is included") but the released file still carries the
# placeholder text "To be removed": its FSH source says "OBS!! * payload.contentString = 'To be removed'"
# — the line was meant to be deleted by hand and never was. The released file is therefore valid; the
# test applies the intended edit and checks that the intended defect is caught.
DESIGNED_INVALID_BUT_SHIPPED_VALID = {"R-Tek-O-invalid": {"cc.payload-text", "fhir.choice"}}


def expectation(path: Path) -> tuple[set[str], str] | None:
    return next((v for k, v in EXPECTED_INVALID.items() if k in path.name), None)


@cache
def _load(relative: str) -> str:
    return (FHIR_REFERENCE / relative).read_text(encoding="utf-8")


def load(relative: str) -> dict[str, Any]:
    """A fresh copy of a reference example in its JSON form."""
    data = json.loads(_load(relative))
    assert isinstance(data, dict)
    return data
