"""The landscape tables against their sources: MedCom's approval lists and the project description."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from support import REFERENCE, ROOT

from medcomkit import landscape
from medcomkit.core.errors import LandscapeLookupError
from medcomkit.landscape import fold_name

APPROVAL_LISTS = REFERENCE / "domain" / "medcom-godkendte-systemer"
BRIEF = ROOT.parent / "shared" / "brief" / "projektbeskrivelse.txt"
# The standards the landscape tables cover (the § 126 a offer's messages and their receipts).
STANDARDS = {
    "XDIS91",
    "CareCommunication",
    "Acknowledgement",
    "XBIN01",
    "XREF01",
    "XCTL01",
    "XCTL02",
    "XCTL03",
}
DIRECTION = {"Sende": "send", "Modtage": "modtag"}


def _standard_id(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"(\S+) \((.+)\)", text.strip())
    return (match[1], match[2]) if match else (text.strip(), "")


def _ours() -> set[tuple[str, str, str, str, str]]:
    table = landscape.approvals()
    return {
        (r.system, r.standard, r.version, r.direction, r.status)  # type: ignore[misc]
        for r in table.itertuples(index=False)
    }


def _list_names() -> dict[str, str]:
    """MedCom's name for a system (as in the approval list's column headers) → ours."""
    systems = landscape.systems()
    return {
        str(listed): str(ours)
        for listed, ours in zip(systems["approval_list_name"], systems["system"], strict=True)
        if listed
    }


@pytest.mark.reference
def test_approvals_match_medcoms_ppr_list(reference: Path) -> None:
    rows = list(
        csv.reader((APPROVAL_LISTS / "PPR-systemer.derived.tsv").open(encoding="utf-8"), delimiter="\t")
    )
    header, body = rows[0], rows[1:]
    names = _list_names()
    # Every system column of MedCom's list is one of ours, and the other way round.
    assert set(header[3:]) == set(names)
    theirs = set()
    for row in body:
        standard, version = _standard_id(row[1])
        if standard not in STANDARDS:
            continue
        for column, status in zip(header[3:], row[3:], strict=True):
            if status:
                theirs.add((names[column], standard, version, DIRECTION[row[2]], status))
    ours = _ours()
    assert ours - theirs == set(), "in our table but not on MedCom's list"
    assert theirs - ours == set(), "on MedCom's list but missing from our table"


@pytest.mark.reference
def test_approvals_match_medcoms_full_list_too(reference: Path) -> None:
    """The full list ("Alle systemer") says the same for the PPR systems as the PPR list."""
    by_product = {listed.split(" (")[0]: ours for listed, ours in _list_names().items()}
    theirs = set()
    with (APPROVAL_LISTS / "Alle-systemer-samlet-liste.derived.tsv").open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if row[2] != "PPR-systemer":
                continue
            standard, version = _standard_id(row[4])
            if standard in STANDARDS:
                product = row[0].replace(" [EOJ]", " EOJ")
                theirs.add((by_product[product], standard, version, DIRECTION[row[5]], row[6]))
    assert theirs == _ours()


@pytest.mark.reference
def test_esdh_systems_are_on_no_approval_list(reference: Path) -> None:
    text = (APPROVAL_LISTS / "Alle-systemer-samlet-liste.derived.tsv").read_text(encoding="utf-8").lower()
    esdh = landscape.systems().query("kind == 'ESDH'")
    assert set(esdh["system"]) == {"SBSYS", "Formpipe Acadre"}
    for product in esdh["product"]:
        assert product.lower() not in text
    assert (esdh["approval_list_name"] == "").all()
    matrix = landscape.approval_matrix()
    assert (matrix.loc[["SBSYS", "Formpipe Acadre"]] == "–").all(axis=None)


def _brief_sections() -> dict[str, str]:
    """The appendix of the project description, one text per numbered system section."""
    if not BRIEF.is_file():
        pytest.skip(f"{BRIEF} is missing; the project description is needed")
    text = BRIEF.read_text(encoding="utf-8")
    appendix = text[text.index("Bilag: Gennemgang systemer") :]
    parts = re.split(r"\n\s*(\d)\. ", appendix)
    return {parts[i + 1].split("\n")[0]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


SECTION_OF = {
    "SBSYS": "SBSYS",
    "Novax": "Novax",
    "Netcompany Modulus": "Netcompany",
    "JOSA": "JOSA",
    "OS2korrespondance": "OS2Korrespondance",
    "KMD Nexus": "KMD Nexus",
    "Formpipe Acadre": "Formpipe Acadre",
    "EG Sensum": "EG Sensum",
    "Columna Cura": "Columna Cura",
}


def test_municipalities_per_system_are_those_of_the_project_description() -> None:
    sections = _brief_sections()
    table = landscape.municipality_systems()
    found = table[table["system"] != ""]
    for system, heading in SECTION_OF.items():
        section = next(text for title, text in sections.items() if title.startswith(heading))
        ours = found[found["system"] == system]["short_name"]
        # The section counts its municipalities ("Aktuelt kan 7 kommuner ..."), or says there are none.
        count = re.search(r"Aktuelt kan (\d+) kommune", section)
        assert len(ours) == (int(count[1]) if count else 0), system
        for name in ours:
            assert fold_name(name) in fold_name(section), f"{name} is not named under {heading}"
    assert len(found) == 45  # "Aktuelt er der 45 kommuner registreret i SOR relateret til PPR-området"
    assert found["code"].is_unique


def test_the_98_municipalities() -> None:
    table = landscape.municipalities()
    assert len(table) == 98
    assert table["code"].is_unique
    assert table["name"].is_unique
    assert table["region"].value_counts().to_dict() == {
        "Region Hovedstaden": 29,
        "Region Syddanmark": 22,
        "Region Midtjylland": 19,
        "Region Sjælland": 17,
        "Region Nordjylland": 11,
    }
    codes = table["code"].astype(int)
    assert codes.between(101, 860).all()
    assert table.set_index("code").loc["851", "name"] == "Aalborg Kommune"
    assert table.set_index("code").loc["400", "name"] == "Bornholms Regionskommune"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Aalborg", "851"),
        ("ålborg kommune", "851"),
        ("0851", "851"),
        ("Tårnby", "185"),
        ("Taarnby", "185"),
        ("tarnby", "185"),
        ("Hoersholm", "223"),
        ("ÆRØ", "492"),
        ("Aeroe", "492"),
        ("Bornholms Regionskommune", "400"),
        ("Høje Taastrup", "169"),
    ],
)
def test_municipality_lookup_forgives_danish_spelling(query: str, code: str) -> None:
    assert landscape.municipality(query).code == code


@pytest.mark.parametrize("query", ["999", "Gotham", "Frederiks"])
def test_unknown_or_ambiguous_municipality_explains_in_both_languages(query: str) -> None:
    with pytest.raises(LandscapeLookupError) as raised:
        landscape.municipality(query)
    assert raised.value.code == "landscape.unknown-municipality"
    assert query in raised.value.message("da")
    assert query in raised.value.message("en")
    if query == "Frederiks":  # Frederiksberg, Frederikssund, Frederikshavn
        assert "Frederikshavn" in raised.value.message("da")


def test_what_each_system_may_receive_today() -> None:
    assert landscape.receivable_message_types("Novax") == ("XDIS91", "XBIN01", "XCTL01", "XCTL02", "XCTL03")
    assert "CareCommunication" not in landscape.receivable_message_types("JOSA")  # only in test
    assert landscape.approval_status("JOSA", "CareCommunication", "send") == landscape.TESTING
    assert (
        landscape.approval_status("Columna Cura", "XREF01", "modtag", version="XH0130R") == landscape.APPROVED
    )
    assert landscape.approval_status("KMD Nexus", "XREF01", "modtag", version="XH0130R") is None
    assert landscape.approval_status("nexus", "XREF01", "modtag") == landscape.APPROVED  # forgiving name
    with pytest.raises(LandscapeLookupError, match="not in the landscape"):
        landscape.approval_status("Windows 95", "XDIS91", "send")


def test_nobody_is_approved_to_send_a_referral() -> None:
    matrix = landscape.approval_matrix(("XREF01", "XDIS91"))
    assert (matrix["XREF01 send"] == "–").all()
    assert (matrix.loc[matrix.index[:7], "XDIS91 send"] == "G").all()
    assert matrix.loc["Columna Cura", "XREF01 modtag"] == "G"


def test_fold_name() -> None:
    assert fold_name("Tårnby") == fold_name("TAARNBY") == fold_name("tarnby") == "tarnby"
    assert fold_name("Lyngby-Taarbæk Kommune") == fold_name("lyngby taarbaek kommune")
    assert fold_name("  PPR,  Ærø ") == "ppr aro"
    assert fold_name("Aalborg") != fold_name("Aarhus")
