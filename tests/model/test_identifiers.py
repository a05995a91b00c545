from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from medcomkit.identifiers import (
    CprProblem,
    GlnProblem,
    ReplacementKind,
    cpr_birth_date,
    cpr_modulus11_ok,
    cpr_problems,
    dkcore_date_ok,
    gln_check_digit,
    gln_problems,
    replacement_kind,
    sor_code_ok,
)


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("2509479989", date(1947, 9, 25)),  # MedCom's example patient (national test CPR)
        ("0101001234", date(1900, 1, 1)),  # 7th digit 0-3: 1900s
        ("0101364234", date(2036, 1, 1)),  # 4 with year <= 36: 2000s
        ("0101374234", date(1937, 1, 1)),  # 4 with year > 36: 1900s
        ("0101575234", date(2057, 1, 1)),  # 5-8 with year <= 57: 2000s
        ("0101585234", date(1858, 1, 1)),  # 5-8 with year > 57: 1800s
        ("0101999234", date(1999, 1, 1)),  # 9 with year > 36: 1900s
        ("2902041234", date(1904, 2, 29)),  # leap year
    ],
)
def test_birth_date_follows_century_rules(cpr: str, born: date) -> None:
    assert cpr_birth_date(cpr) == born


def test_impossible_dates_have_no_birth_date() -> None:
    assert cpr_birth_date("1522824933") is None  # month 22: in MedCom's own example
    assert cpr_birth_date("2902011234") is None  # 1901 is no leap year
    assert cpr_birth_date("12345") is None


def test_modulus11() -> None:
    assert cpr_modulus11_ok("1111111118")
    assert not cpr_modulus11_ok("2509479989")
    assert not cpr_modulus11_ok("abcdefghij")


def test_cpr_problems_never_report_modulus11_for_first_of_january() -> None:
    assert cpr_problems("0101650000") == []  # CPR numbers without modulus 11 are issued for 1 January
    assert cpr_problems("0101651230") == []
    assert cpr_problems("2509479989") == [CprProblem.MODULUS11]
    assert cpr_problems("1522824933") == [CprProblem.DATE, CprProblem.MODULUS11]
    assert cpr_problems("12345678") == [CprProblem.FORMAT]


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
@example("2902001234")  # 2000 is a leap year (seventh digit 0-3: 1900s, so 1900: not one)
@example("2902004234")  # seventh digit 4, year 00: 2000, a leap year
@example("2902961234")
@example("3104651234")
@example("0013651234")
def test_cpr_problems_agree_with_the_birth_date_and_modulus11(cpr: str) -> None:
    problems = cpr_problems(cpr)
    born = cpr_birth_date(cpr)
    assert (CprProblem.DATE in problems) == (born is None)
    exempt = born is not None and (born.month, born.day) == (1, 1)
    assert (CprProblem.MODULUS11 in problems) == (not cpr_modulus11_ok(cpr) and not exempt)


def test_dkcore_date_check_matches_the_invariant() -> None:
    assert dkcore_date_ok("290201")  # dk-core allows 29 February in any year
    assert not dkcore_date_ok("300201")
    assert not dkcore_date_ok("311101")
    assert not dkcore_date_ok("1522824933")


def test_replacement_kinds() -> None:
    assert replacement_kind("0101011AB1") is ReplacementKind.NATIONAL
    assert replacement_kind("1206550VK9") is ReplacementKind.REGIONAL  # MedCom's test D-eCPR
    assert replacement_kind("0101013AB1") is None
    assert replacement_kind("3202011AB1") is None


@pytest.mark.parametrize("gln", ["5790001382445", "5790000121441", "5790000120420"])
def test_valid_glns(gln: str) -> None:
    assert gln_problems(gln) == []
    assert gln_check_digit(gln[:12]) == int(gln[12])


def test_gln_problems() -> None:
    assert gln_problems("5790000120400") == [GlnProblem.CHECK_DIGIT]  # in MedCom test data
    assert gln_problems("DKKMDKMDNET") == [GlnProblem.FORMAT]  # a VANS id in a receipt
    with pytest.raises(ValueError, match="12 digits"):
        gln_check_digit("123")


def test_sor_codes() -> None:
    assert sor_code_ok("265161000016000")
    assert not sor_code_ok("2651610")
    assert not sor_code_ok("26516100001600X")
