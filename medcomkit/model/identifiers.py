"""Danish identifiers: CPR, replacement CPR, EAN/GLN location numbers and SOR codes.

Checks return *problems* rather than raising, and never decide severity: OIOXML accepts a CPR
with an impossible date (MedCom's own examples carry one), FHIR's dk-core ``cpr`` invariant
rejects it, and modulus 11 is only ever a warning because national test CPRs fail it on purpose
and CPRs without modulus 11 have been issued since 2007. The rule modules choose severities.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import lru_cache

from ..core.lang import Bilingual

__all__ = [
    "IDENTIFIER_EXPECTATIONS",
    "CprProblem",
    "GlnProblem",
    "ReplacementKind",
    "cached_gln_problems",
    "cpr_birth_date",
    "cpr_modulus11_ok",
    "cpr_problems",
    "dkcore_date_ok",
    "gln_check_digit",
    "gln_problems",
    "new_letter_id",
    "replacement_kind",
    "sor_code_ok",
]

_ALPHANUMERIC = string.ascii_letters + string.digits
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")
# dk-core's date check: day and month plausible, 29 February always allowed (no leap-year logic).
_DKCORE_DATE = re.compile(
    r"((0[1-9]|[12][0-9]|3[01])(01|03|05|07|08|10|12)"
    r"|(0[1-9]|[12][0-9]|30)(04|06|09|11)"
    r"|(0[1-9]|1[0-9]|2[0-9])02)"
)
_X_ECPR = re.compile(r"[0-9]{6}[17][A-Z]{2}[0-9]")
_D_ECPR = re.compile(r"[0-9]{6}[056][A-Z]{2}[0-9]")
_SOR = re.compile(r"[0-9]{11,}")


class CprProblem(StrEnum):
    FORMAT = "format"  # not exactly ten digits
    DATE = "date"  # the first six digits are no real date in the century the 7th digit gives
    MODULUS11 = "modulus11"  # the weighted sum is not divisible by 11


class GlnProblem(StrEnum):
    FORMAT = "format"  # not exactly thirteen digits
    CHECK_DIGIT = "check-digit"  # GS1 modulo-10 check digit does not match


class ReplacementKind(StrEnum):
    """The two kinds of replacement CPR (erstatningspersonnummer) FHIR distinguishes."""

    NATIONAL = "x-ecpr"  # 7th character 1 or 7, urn:oid:1.2.208.176.1.6.1.1
    REGIONAL = "d-ecpr"  # 7th character 0, 5 or 6, urn:oid:1.2.208.176.1.6.1.3


def cpr_birth_date(cpr: str) -> date | None:
    """The birth date a CPR encodes, using the 7th digit's century rules; ``None`` if impossible."""
    return _birth_date(cpr) if _TEN_DIGITS.fullmatch(cpr) else None


def _birth_date(cpr: str) -> date | None:
    """:func:`cpr_birth_date` for a value already known to be ten digits."""
    yy = int(cpr[4:6])
    try:
        return date(_century(yy, cpr[6]) + yy, int(cpr[2:4]), int(cpr[0:2]))
    except ValueError:
        return None


def _century(yy: int, seventh: str) -> int:
    if seventh <= "3":
        return 1900
    if seventh in "49":
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date_possible(cpr: str) -> bool:
    """Whether a ten-digit CPR has a birth date (as :func:`_birth_date`, without building one:
    validation asks this of every CPR it meets)."""
    b = cpr.encode("ascii")
    day = b[0] * 10 + b[1] - 528  # two ASCII digits: 48 * 10 + 48 = 528
    month = b[2] * 10 + b[3] - 528
    if not 1 <= month <= 12 or day < 1:
        return False
    if day <= _DAYS_IN_MONTH[month - 1]:
        return True
    if month != 2 or day != 29:
        return False
    yy = b[4] * 10 + b[5] - 528
    year = _century(yy, cpr[6]) + yy
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def cpr_modulus11_ok(cpr: str) -> bool:
    """True when the classic modulus-11 control holds (ten digits required)."""
    return _TEN_DIGITS.fullmatch(cpr) is not None and _modulus11_ok(cpr)


def _modulus11_ok(cpr: str) -> bool:
    b = cpr.encode("ascii")
    # Weights 4 3 2 7 6 5 4 3 2 1 on the digit values (ASCII code minus 48; the weights sum to 37).
    total = (
        4 * b[0]
        + 3 * b[1]
        + 2 * b[2]
        + 7 * b[3]
        + 6 * b[4]
        + 5 * b[5]
        + 4 * b[6]
        + 3 * b[7]
        + 2 * b[8]
        + b[9]
    )
    return (total - 48 * 37) % 11 == 0


def cpr_problems(cpr: str) -> list[CprProblem]:
    """Everything wrong with a CPR number, in order of importance; empty when it is fine.

    Modulus 11 is not reported for 1 January birth dates: CPR numbers without the control have
    been issued for those dates since 2007 and systems must accept them.
    """
    if not _TEN_DIGITS.fullmatch(cpr):
        return [CprProblem.FORMAT]
    problems = []
    if not _date_possible(cpr):
        problems.append(CprProblem.DATE)
    if not _modulus11_ok(cpr) and not cpr.startswith("0101"):  # 1 January is exempt
        problems.append(CprProblem.MODULUS11)
    return problems


def dkcore_date_ok(value: str) -> bool:
    """The plausibility test dk-core's ``cpr`` invariant applies to day and month (first four characters)."""
    return _DKCORE_DATE.match(value) is not None


def replacement_kind(value: str) -> ReplacementKind | None:
    """Classify a replacement CPR by dk-core's patterns; ``None`` if it fits neither."""
    if not dkcore_date_ok(value):
        return None
    if _X_ECPR.fullmatch(value):
        return ReplacementKind.NATIONAL
    if _D_ECPR.fullmatch(value):
        return ReplacementKind.REGIONAL
    return None


@lru_cache(maxsize=4096)  # location numbers repeat in traffic; they are not personal data
def gln_check_digit(first12: str) -> int:
    """The GS1 check digit for twelve data digits (weights 1, 3, 1, 3 … from the left)."""
    if not _TWELVE_DIGITS.fullmatch(first12):
        raise ValueError(f"expected 12 digits, got {first12!r}")
    b = first12.encode("ascii")
    total = sum(b[0::2]) + 3 * sum(b[1::2]) - 48 * (6 + 3 * 6)  # ASCII codes minus 48 are the digits
    return (10 - total % 10) % 10


@lru_cache(maxsize=4096)  # location numbers repeat in traffic; they are not personal data
def cached_gln_problems(gln: str) -> tuple[GlnProblem, ...]:
    """:func:`gln_problems` as a cached tuple, for validators that meet the same numbers often."""
    if not _THIRTEEN_DIGITS.fullmatch(gln):
        return (GlnProblem.FORMAT,)
    if gln_check_digit(gln[:12]) != gln.encode("ascii")[12] - 48:
        return (GlnProblem.CHECK_DIGIT,)
    return ()


def gln_problems(gln: str) -> list[GlnProblem]:
    """What is wrong with an EAN/GLN location number; empty when it is 13 digits with a valid check digit."""
    return list(cached_gln_problems(gln))


def sor_code_ok(code: str) -> bool:
    """SOR ids are numeric with at least 11 digits (dk-core ``min-digits-sor``)."""
    return _SOR.fullmatch(code) is not None


def new_letter_id() -> str:
    """A fresh 14-character alphanumeric letter or envelope id (random, so never reused).

    OIOXML and EDIFACT letters and receipts carry such ids; the neutral model makes them, so that
    building a receipt needs no codec.
    """
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(14))


# What each OIOXML/EDIFACT identifier code promises about its value (a check, and the expectation
# in words); the OIOXML and EDIFACT validators both judge party identifiers by it.
IDENTIFIER_EXPECTATIONS: dict[str, tuple[Callable[[str], bool], Bilingual]] = {
    "lokationsnummer": (
        lambda v: GlnProblem.FORMAT not in cached_gln_problems(v),
        Bilingual("et 13-cifret lokationsnummer (GLN)", "a 13-digit location number (GLN)"),
    ),
    "ydernummer": (
        lambda v: len(v) == 6 and v.isdigit(),
        Bilingual("et 6-cifret ydernummer", "a 6-digit provider number"),
    ),
    "sygehusafdelingsnummer": (
        lambda v: len(v) == 7,
        Bilingual("en 7-tegns SKS-afdelingskode", "a 7-character SKS department code"),
    ),
    "kommunenummer": (
        lambda v: len(v) == 3 and v.isdigit(),
        Bilingual("et 3-cifret kommunenummer", "a 3-digit municipality number"),
    ),
    "sorkode": (sor_code_ok, Bilingual("en SOR-kode (mindst 11 cifre)", "a SOR code (at least 11 digits)")),
}
