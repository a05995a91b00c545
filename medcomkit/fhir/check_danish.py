"""Danish identifiers (dk-core 3.4.0): CPR and replacement CPRs; SOR, GLN, KOMBIT and CVR numbers.

Severities follow the published invariants: an impossible CPR date is an error in FHIR (dk-core
``cpr``; OIOXML only warns), modulus 11 is never more than a warning, a GLN check digit is an
error (``gln-modulus-10``). Location numbers are accepted under all three systems in use, with a
note for the two that are not CareCommunication 5.0.4's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..core.lang import Bilingual
from ..model.identifiers import cpr_birth_date, cpr_modulus11_ok, gln_check_digit
from . import invariants as inv
from . import rules as r
from . import terminology as t
from .finding import Finding, finding
from .index import Entry, MessageIndex, codings, dicts, text

__all__ = ["identifiers"]

_KINDS = {
    t.CPR_SYSTEM: Bilingual("CPR-nummer", "CPR number"),
    t.X_ECPR_SYSTEM: Bilingual("X-eCPR", "X-eCPR"),
}
_D_ECPR = Bilingual("D-eCPR", "D-eCPR")
_CPR_USE, _REPLACEMENT_USE = "official", "temp"


def identifiers(index: MessageIndex) -> Iterator[Finding]:
    for entry in index.of_type("Patient"):
        yield from _patient(entry, index)
    for entry in index.of_type("Organization"):
        yield from _organization(entry, index)


def _patient(entry: Entry, index: MessageIndex) -> Iterator[Finding]:
    resource = entry.resource
    found = dicts(resource.get("identifier"))
    if not found:
        problem = Bilingual("har ingen identifier", "has no identifier")
        yield finding(
            r.PATIENT_IDENTIFIER, f"{entry.path}.identifier", resource, problem=problem, cpr=t.CPR_SYSTEM
        )
    counts: Counter[str] = Counter()
    for number, identifier in enumerate(found):
        system, value = identifier.get("system"), identifier.get("value")
        where = f"{entry.path}.identifier[{number}]"
        if system == t.CPR_SYSTEM:
            counts[t.CPR_SYSTEM] += 1
            yield from _use(identifier, where, _CPR_USE, _KINDS[t.CPR_SYSTEM])
            if isinstance(value, str):
                if not inv.cpr(value, index):
                    yield finding(r.CPR, f"{where}.value", identifier, value=value)
                elif not cpr_modulus11_ok(value) and _not_january_first(value):
                    yield finding(r.CPR_MODULUS11, f"{where}.value", identifier, value=value)
        elif system == t.X_ECPR_SYSTEM:
            counts[t.X_ECPR_SYSTEM] += 1
            yield from _use(identifier, where, _REPLACEMENT_USE, _KINDS[t.X_ECPR_SYSTEM])
            if isinstance(value, str) and not inv.x_ecpr(identifier, index):
                yield finding(r.X_ECPR, f"{where}.value", identifier, value=value)
        elif isinstance(system, str) and system.startswith(t.D_ECPR_SYSTEM):
            counts[t.D_ECPR_SYSTEM] += 1
            yield from _use(identifier, where, _REPLACEMENT_USE, _D_ECPR)
            if system not in t.D_ECPR_SYSTEMS:
                yield finding(
                    r.D_ECPR_SYSTEM,
                    f"{where}.system",
                    identifier,
                    system=system,
                    allowed=", ".join(sorted(t.D_ECPR_SYSTEMS)),
                )
            if isinstance(value, str) and not inv.d_ecpr(identifier, index):
                yield finding(r.D_ECPR, f"{where}.value", identifier, value=value)
    for system, count in counts.items():
        if count > 1:
            kind = _KINDS.get(system, _D_ECPR)
            problem = Bilingual(
                f"har {count} identifikatorer af typen {kind.da}",
                f"has {count} identifiers of kind {kind.en}",
            )
            yield finding(
                r.PATIENT_IDENTIFIER, f"{entry.path}.identifier", resource, problem=problem, cpr=t.CPR_SYSTEM
            )
    if not inv.marital_status(resource, index):
        for coding in codings(resource.get("maritalStatus")):
            if coding.get("system") == t.V3_MARITAL_STATUS_SYSTEM and coding.get("code") in ("P", "A"):
                display = "Polygamous" if coding.get("code") == "P" else "Annulled"
                yield finding(
                    r.MARITAL_STATUS,
                    f"{entry.path}.maritalStatus",
                    resource,
                    code=coding["code"],
                    display=display,
                )


def _not_january_first(cpr: str) -> bool:
    # CPR numbers without modulus 11 have been issued for 1 January birth dates since 2007.
    born = cpr_birth_date(cpr)
    return born is None or (born.month, born.day) != (1, 1)


def _use(identifier: dict[str, object], where: str, expected: str, what: Bilingual) -> Iterator[Finding]:
    use = identifier.get("use")
    if isinstance(use, str) and use != expected:
        yield finding(
            r.IDENTIFIER_USE,
            f"{where}.use",
            identifier,
            element=where,
            value=use,
            expected=expected,
            what=what,
        )


def _organization(entry: Entry, index: MessageIndex) -> Iterator[Finding]:
    resource = entry.resource
    for number, identifier in enumerate(dicts(resource.get("identifier"))):
        system, value = identifier.get("system"), identifier.get("value")
        where = f"{entry.path}.identifier[{number}]"
        if not isinstance(value, str):
            continue
        if system == t.SOR_SYSTEM:
            if not inv.sor_digits(value, index):
                yield finding(r.SOR_DIGITS, f"{where}.value", identifier, value=value)
        elif system in t.GLN_SYSTEMS:
            if not inv.gln_length(value, index):
                yield finding(r.GLN_LENGTH, f"{where}.value", identifier, value=value)
            elif not inv.gln_modulus_10(value, index):
                yield finding(
                    r.GLN_CHECK_DIGIT,
                    f"{where}.value",
                    identifier,
                    value=value,
                    expected=gln_check_digit(value[:12]),
                )
            if system == t.GLN_SYSTEM_HTTP:
                yield finding(
                    r.GLN_SYSTEM_HTTP, f"{where}.system", identifier, system=system, expected=t.GLN_SYSTEM
                )
            elif system == t.GLN_SYSTEM_LEGACY_OID:
                yield finding(
                    r.GLN_SYSTEM_OID, f"{where}.system", identifier, system=system, expected=t.GLN_SYSTEM
                )
        elif system == t.KOMBIT_SYSTEM:
            if not inv.kombit_uuid(value, index):
                yield finding(r.KOMBIT_UUID, f"{where}.value", identifier, value=value)
        elif system == t.CVR_SYSTEM:
            if not inv.cvr_length(value, index):
                yield finding(r.CVR_LENGTH, f"{where}.value", identifier, value=value)
            elif not inv.cvr_modulus_11(value, index):
                yield finding(r.CVR_MODULUS11, f"{where}.value", identifier, value=value)
    if not inv.organization_identifier(resource, index):
        name = text(resource.get("name")) or entry.key
        yield finding(r.ORGANIZATION_IDENTIFIER, f"{entry.path}.identifier", resource, name=name)
