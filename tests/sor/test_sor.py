"""SOR: the three export formats load into one table; lookups; the hierarchy; clear errors; demo data."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcomkit import ParseError, SourceError
from medcomkit.cli import main
from medcomkit.demo import HOSPITAL, RECEIVER, SENDER, demo_care_message, demo_gln
from medcomkit.identifiers import gln_check_digit, gln_problems, sor_code_ok
from medcomkit.landscape import municipalities
from medcomkit.sor import (
    COLUMNS,
    SorLookupError,
    SorRegistry,
    demo_registry,
    demo_sor,
    is_demo_ean,
    is_demo_sor,
    load_sor,
    location_number_request,
)


@dataclass(frozen=True)
class Unit:
    """One unit of a test export, described once and written in every format."""

    sor: str
    parent: str
    level: str
    name: str
    type: str
    ean: str = ""
    inherits_ean: bool = False
    street: str = ""
    number: str = ""
    postcode: str = ""
    city: str = ""
    type_code: str = ""  # the SNOMED code the XML export uses instead of the name, where one is known


A, B, C, D = demo_sor(700851), demo_sor(700851, 2), demo_sor(700851, 3), demo_sor(700851, 4)
E, F, G = demo_sor(701081), demo_sor(701081, 2), demo_sor(701081, 3)
H, K, J = demo_sor(702001), demo_sor(702001, 2), demo_sor(702001, 3)
PPR_EAN, PSYK_EAN, GP_EAN = demo_gln(70001), demo_gln(70002), demo_gln(70003)

UNITS = (
    Unit(
        A,
        "",
        "IE",
        "Aalborg Kommune",
        "Kommune",
        street="Testvej",
        number="1",
        postcode="9000",
        city="Aalborg",
    ),
    Unit(B, A, "SI", "Børne- og Ungeforvaltningen, Aalborg (test)", "Kommunal forvaltning"),
    Unit(
        C,
        B,
        "OE",
        "PPR Aalborg (test)",
        "PPR",
        ean=PPR_EAN,
        street="Skolevej",
        number="2",
        postcode="9000",
        city="Aalborg",
    ),
    Unit(D, C, "OE", "Lettilgængeligt tilbud, Aalborg (test)", "§ 126 a", inherits_ean=True),
    Unit(
        E,
        "",
        "IE",
        "Region Nordjylland",
        "Region",
        street="Regionsvej",
        number="30",
        postcode="9220",
        city="Aalborg Øst",
    ),
    Unit(F, E, "SI", "Psykiatrien (test)", "Sygehus", ean=PSYK_EAN, type_code="22232009"),
    Unit(G, F, "OE", "Børne- og Ungdomspsykiatri (test)", "Sygehusafdeling", inherits_ean=True),
    Unit(
        H,
        "",
        "IE",
        "Lægerne Østergade ApS (test)",
        "Privat",
        street="Østergade",
        number="5",
        postcode="9000",
        city="Aalborg",
    ),
    Unit(K, H, "SI", "Lægehuset Østergade (test)", "Lægepraksis", ean=GP_EAN, type_code="394761003"),
    Unit(J, K, "OE", "Læge Åse Ærø (test)", "Alment praktiserende læge", inherits_ean=True),
)


def _resolved(units: tuple[Unit, ...]) -> dict[str, Unit]:
    """Each unit with its inherited location number and address filled in, as the CSV exports show them."""
    done: dict[str, Unit] = {}
    for unit in units:  # parents come first
        parent = done.get(unit.parent)
        if parent and unit.inherits_ean and not unit.ean:
            unit = replace(unit, ean=parent.ean)
        if parent and not unit.street:
            unit = replace(
                unit, street=parent.street, number=parent.number, postcode=parent.postcode, city=parent.city
            )
        done[unit.sor] = unit
    return done


def legacy_csv(units: tuple[Unit, ...] = UNITS) -> str:
    """The legacy sor.csv: semicolons, inherited values filled in, Nedarvningsstatus egen/nedarvet."""
    lines = [
        "SOR-kode;Parent-SOR-kode;Enhedsnavn;Enhedstype;Lokationsnummer;Nedarvningsstatus;P_Adresse;P_Postnummer;P_By;CVR"
    ]
    for u in _resolved(units).values():
        status = "nedarvet" if u.inherits_ean else ("egen" if u.ean else "")
        street = f"{u.street} {u.number}".strip()
        lines.append(f"{u.sor};{u.parent};{u.name};{u.type};{u.ean};{status};{street};{u.postcode};{u.city};")
    return "\n".join(lines) + "\n"


def sor2_csv(units: tuple[Unit, ...] = UNITS, *, sep: str = ";") -> str:
    """The SOR2 daily SorEntity CSV: SorId as ="…" (for Excel), SorType IE/SI/OE, address prefixes."""
    header = [
        "SorId", "SorType", "EntityName", "EntityTypeName", "ParentSorId", "HealthInstitutionSorId",
        "EanLocationCode", "EanLocationCodeInheritedIndicator", "PostalAddressStreetName",
        "PostalAddressStreetBuildingId", "PostalAddressPostCodeId", "PostalAddressDistrictName", "FromDate",
    ]  # fmt: skip
    institution: dict[str, str] = {}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    for u in units:
        institution[u.sor] = u.sor if u.level == "SI" else institution.get(u.parent, "")
        writer.writerow([
            f'="{u.sor}"', u.level, u.name, u.type, u.parent, institution[u.sor] if u.level == "OE" else "",
            u.ean, str(u.inherits_ean).lower(), u.street, u.number, u.postcode, u.city, "2024-07-01",
        ])  # fmt: skip
    return out.getvalue()


def sor_xml(units: tuple[Unit, ...] = UNITS) -> str:
    """The SOR XML export v2: nested entities, own fields in a wrapper, inheritance by omission."""
    children: dict[str, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent, []).append(u)
    wrapper = {"IE": "InstitutionOwner", "SI": "HealthInstitution", "OE": "OrganizationalUnit"}
    entity = {
        "IE": "InstitutionOwnerEntity",
        "SI": "HealthInstitutionEntity",
        "OE": "OrganizationalUnitEntity",
    }
    kind = {"IE": "OwnerType", "SI": "InstitutionType", "OE": "UnitType"}

    def write(u: Unit, depth: int) -> str:
        pad = "  " * depth
        fields = [f"<SorIdentifier>{u.sor}</SorIdentifier>", f"<EntityName>{escape(u.name)}</EntityName>"]
        fields.append(f"<{kind[u.level]}>{escape(u.type_code or u.type)}</{kind[u.level]}>")
        if u.ean:
            fields.append(
                f"<OptionalEanLocationCode><EanLocationCodeEntity><EanLocationCode>{u.ean}</EanLocationCode>"
                "<SystemType>Demosystem</SystemType></EanLocationCodeEntity></OptionalEanLocationCode>"
            )
        elif u.inherits_ean:
            fields.append(
                "<OptionalEanLocationCode><EntityInheritedIndicator>true</EntityInheritedIndicator></OptionalEanLocationCode>"
            )
        if u.street:
            fields.append(
                "<PostalAddressInformation>"
                f"<dkcc2005:StreetName>{escape(u.street)}</dkcc2005:StreetName>"
                f"<dkcc:StreetBuildingIdentifier>{u.number}</dkcc:StreetBuildingIdentifier>"
                f"<dkcc2005:PostCodeIdentifier>{u.postcode}</dkcc2005:PostCodeIdentifier>"
                f"<dkcc2005:DistrictName>{escape(u.city)}</dkcc2005:DistrictName>"
                "</PostalAddressInformation>"
            )
        inner = "".join(write(child, depth + 1) for child in children.get(u.sor, []))
        own = f"<{wrapper[u.level]}>{''.join(fields)}</{wrapper[u.level]}>"
        return f"{pad}<{entity[u.level]}>{own}\n{inner}{pad}</{entity[u.level]}>\n"

    roots = "".join(write(u, 1) for u in children[""])
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<SorTreeType xmlns="urn:oio:sundhedsstyrelsen:organisation:1.0.0"'
        ' xmlns:dkcc="http://rep.oio.dk/ebxml/xml/schemas/dkcc/2003/02/13/"'
        ' xmlns:dkcc2005="http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/03/15/">\n'
        f"  <SnapshotDate>2025-06-01</SnapshotDate>\n{roots}</SorTreeType>\n"
    )


COMPARED = [
    c for c in COLUMNS if c not in ("line", "message_types", "system", "phone", "email", "speciality")
]


def _frame(registry: SorRegistry, columns: list[str] = COMPARED) -> pd.DataFrame:
    return registry.table[columns].sort_index().astype(object).reset_index(drop=True)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SorRegistry]:
    folder = tmp_path_factory.mktemp("sor")
    files = {
        "sor.csv": legacy_csv().encode("cp1252"),  # the legacy export is Windows Danish
        "SorEntity_daily.csv": sor2_csv().encode("utf-8-sig"),
        "sor.xml": sor_xml().encode("utf-8"),
    }
    registries = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        registries[name] = load_sor(folder / name)
    return registries


def test_the_three_formats_load_into_the_same_table(loaded: dict[str, SorRegistry]) -> None:
    xml = _frame(loaded["sor.xml"])
    pd.testing.assert_frame_equal(_frame(loaded["SorEntity_daily.csv"]), xml)
    # The legacy CSV cannot show whether an address is inherited; everything else is the same.
    without = [c for c in COMPARED if c != "address_inherited"]
    pd.testing.assert_frame_equal(_frame(loaded["sor.csv"], without), _frame(loaded["sor.xml"], without))


def test_the_normalised_table(loaded: dict[str, SorRegistry]) -> None:
    registry = loaded["sor.xml"]
    assert list(registry.table.columns[: len(COLUMNS)]) == list(COLUMNS)
    table = registry.table
    assert list(table.loc[[A, B, C, D], "level"]) == ["IE", "SI", "OE", "OE"]
    # Location numbers: own, inherited down the branch, none above the unit that has one.
    assert table.at[D, "ean"] == PPR_EAN
    assert table.at[D, "ean_inherited"]
    assert table.at[C, "ean"] == PPR_EAN
    assert not table.at[C, "ean_inherited"]
    assert table.at[B, "ean"] == ""
    assert table.at[G, "ean"] == PSYK_EAN
    assert table.at[J, "ean"] == GP_EAN
    # Addresses: inherited when missing (SOR XML's rule), own when given.
    assert (table.at[B, "street"], table.at[B, "postcode"], table.at[B, "address_inherited"]) == (
        "Testvej 1",
        "9000",
        True,
    )
    assert (table.at[D, "street"], table.at[D, "address_inherited"]) == ("Skolevej 2", True)
    assert (table.at[C, "street"], table.at[C, "address_inherited"]) == ("Skolevej 2", False)
    # The branch: owner and health institution; the municipality from the owning municipality.
    assert table.at[D, "institution_owner_sor"] == A
    assert table.at[D, "health_institution_sor"] == B
    assert table.at[A, "health_institution_sor"] == ""
    assert table.at[B, "health_institution_sor"] == B
    assert set(table.loc[[A, B, C, D], "municipality"]) == {"Aalborg Kommune"}
    assert set(table.loc[[E, F, G], "region"]) == {"Region Nordjylland"}
    assert table.at[H, "municipality"] == ""
    # SNOMED codes of the XML export are named, and the EAN's system is kept.
    assert table.at[K, "type"] == "Lægepraksis"
    assert table.at[F, "type"] == "Sygehus"
    assert table.at[D, "system"] == "Demosystem"


def test_xml_without_wrapper_elements_is_read_too() -> None:
    """The older layout NSP's importer reads: each entity's fields directly inside the entity."""
    flat = sor_xml()
    for wrapper in ("InstitutionOwner", "HealthInstitution", "OrganizationalUnit"):
        flat = flat.replace(f"<{wrapper}>", "").replace(f"</{wrapper}>", "")
    assert "<HealthInstitution>" not in flat
    pd.testing.assert_frame_equal(_frame(load_sor(flat.encode())), _frame(load_sor(sor_xml().encode())))


def test_sor2_without_a_parent_column_hangs_units_under_their_health_institution() -> None:
    text = sor2_csv(sep=",").replace(",ParentSorId,", ",Parent,")  # the column is not there any more
    registry = load_sor(text.encode())
    assert registry.unit(D).parent_sor == B  # PPR's § 126 a unit now hangs directly under the SI
    assert registry.unit(C).parent_sor == B
    assert registry.unit(B).parent_sor is None  # and the SI has no owner without InstitutionOwnerSorId


def test_legacy_municipality_code_and_activity_address() -> None:
    text = (
        "SOR-kode;Parent-SOR-kode;Enhedsnavn;A_Adresse;A_Postnummer;A_By;A_KK\n"
        f"{H};;Klinik (test);Torvet 1;4000;Roskilde;0265\n"
    )
    unit = load_sor(text.encode()).unit(H)
    assert (unit.street, unit.postcode, unit.city) == ("Torvet 1", "4000", "Roskilde")
    assert (unit.municipality_code, unit.municipality, unit.region) == (
        "265",
        "Roskilde Kommune",
        "Region Sjælland",
    )


# --- lookups -------------------------------------------------------------------------------------------


def test_lookup_by_code_ean_and_forgiving_name(loaded: dict[str, SorRegistry]) -> None:
    registry = loaded["sor.xml"]
    assert registry.unit(C).name == "PPR Aalborg (test)"
    assert [u.sor for u in registry.by_ean(PPR_EAN)] == [C, D]  # the owner of the number first
    assert [u.sor for u in registry.lookup(GP_EAN)] == [K, J]
    for query in ("læge åse ærø", "LAEGE AASE AEROE", "Laege Ase Aro", "åse"):
        assert [u.sor for u in registry.search(query)] == [J], query
    assert [u.sor for u in registry.search("østergade")] == [H, K]  # registry order
    assert [u.sor for u in registry.search("lægehuset østergade (test)")] == [K]
    assert [u.sor for u in registry.search("psykiatri")] == [F, G]  # a name that starts so comes first
    assert {u.sor for u in registry.lookup("851")} == {A, B, C, D}
    assert {u.sor for u in registry.in_municipality("Ålborg")} == {A, B, C, D}


@pytest.mark.parametrize(
    ("query", "code", "danish", "english"),
    [
        ("12345", "sor.malformed-code", "hverken en SOR-kode", "neither a SOR code"),
        ("99990070085", "sor.unknown-code", "findes ikke", "is not in"),
        (
            PPR_EAN[:-1] + str((int(PPR_EAN[-1]) + 1) % 10),
            "sor.malformed-ean",
            "kontrolcifferet passer ikke",
            "check digit",
        ),
        (demo_gln(99999), "sor.unknown-ean", "findes ikke", "is not in"),
        ("Gotham General", "sor.no-match", "Ingen enheder", "No unit"),
    ],
)
def test_lookup_errors_are_clear_in_both_languages(
    loaded: dict[str, SorRegistry], query: str, code: str, danish: str, english: str
) -> None:
    with pytest.raises(SorLookupError) as raised:
        loaded["sor.xml"].lookup(query)
    assert raised.value.code == code
    assert danish in raised.value.message("da")
    assert english in raised.value.message("en")
    assert isinstance(raised.value, LookupError)


def test_a_malformed_code_is_not_a_lookup_of_something_else(loaded: dict[str, SorRegistry]) -> None:
    with pytest.raises(SorLookupError, match="is not a SOR code") as raised:
        loaded["sor.xml"].unit("12-34")
    assert "er ikke en SOR-kode" in raised.value.message("da")
    expected = gln_check_digit(PPR_EAN[:12])
    with pytest.raises(SorLookupError, match=f"should be {expected}"):
        loaded["sor.xml"].by_ean(PPR_EAN[:12] + str((expected + 1) % 10))


# --- the hierarchy -------------------------------------------------------------------------------------


def test_walking_up_and_down(loaded: dict[str, SorRegistry]) -> None:
    registry = loaded["sor.xml"]
    assert [u.sor for u in registry.ancestors(D)] == [C, B, A]
    assert registry.parent(A) is None
    assert registry.parent(D) is not None
    assert [u.sor for u in registry.children(A)] == [B]
    assert [u.sor for u in registry.descendants(A)] == [B, C, D]
    assert registry.children(D) == []
    tree = registry.tree(E).splitlines()
    assert tree[0].startswith("IE Region Nordjylland")
    assert tree[2].startswith("        OE Børne")
    assert tree[2].endswith(f"EAN {PSYK_EAN} (arvet)")
    with pytest.raises(SorLookupError):
        registry.children("999900000000000")


# --- malformed exports ---------------------------------------------------------------------------------


def _error(data: str | bytes, **options: bool) -> ParseError:
    with pytest.raises(ParseError) as raised:
        load_sor(data.encode("utf-8") if isinstance(data, str) else data, **options)  # type: ignore[arg-type]
    return raised.value


def test_a_malformed_sor_code_names_line_and_column() -> None:
    lines = legacy_csv().splitlines()
    lines[3] = lines[3].replace(C, "12345abc", 1)  # line 4 of the file
    error = _error("\n".join(lines).replace(f";{C};", ";;"))
    assert error.line == 4
    assert "linje 4, kolonne sor: '12345abc' er ikke en SOR-kode" in error.message("da")
    assert "line 4, column sor: '12345abc' is not a SOR code" in error.message("en")


def test_a_row_with_too_many_fields_names_its_line() -> None:
    lines = legacy_csv().splitlines()
    lines[2] += ";ekstra;felter"
    error = _error("\n".join(lines))
    assert error.code == "sor.csv-fields"
    assert error.line == 3
    assert "linje 3" in error.message("da")
    assert "expected 10 fields, found 12" in error.message("en")


def test_an_unknown_parent_strict_and_lenient() -> None:
    text = legacy_csv().replace(f"{D};{C};", f"{D};{demo_sor(123456)};")
    error = _error(text)
    assert error.line == 5
    assert "kolonne parent_sor" in error.message("da")
    assert f"the parent SOR code {demo_sor(123456)} is not in the export" in error.message("en")
    registry = load_sor(text.encode(), strict=False)
    assert len(registry) == len(UNITS)
    assert registry.unit(D).parent_sor is None
    assert [(p.line, p.column) for p in registry.problems] == [(5, "parent_sor")]


def test_duplicates_bad_location_numbers_and_cycles() -> None:
    duplicate = legacy_csv() + f"{C};{B};Dobbelt;;;;;;;\n"
    assert "occurs twice" in _error(duplicate).message("en")
    bad_ean = legacy_csv().replace(PSYK_EAN, PSYK_EAN[:-1] + str((int(PSYK_EAN[-1]) + 3) % 10))
    error = _error(bad_ean)
    assert error.line == 7
    assert "the check digit does not match" in error.message("en")
    lenient = load_sor(bad_ean.encode(), strict=False)
    assert lenient.problems[0].column == "ean"
    assert lenient.unit(F).ean is not None
    cycle = legacy_csv().replace(f"{A};;", f"{A};{D};")
    assert "circle" in _error(cycle).message("en")


def test_malformed_xml_names_its_line() -> None:
    text = sor_xml().replace("</EntityName>", "</EntityNam>", 3)
    error = _error(text)
    assert error.code == "sor.xml-malformed"
    assert error.line == 4
    assert "linje 4" in error.message("da")
    assert "not well-formed" in error.message("en")


def test_xml_with_a_doctype_is_refused() -> None:
    text = sor_xml().replace("<SorTreeType", '<!DOCTYPE x [<!ENTITY a "a">]>\n<SorTreeType', 1)
    assert _error(text).code == "xml.dtd-forbidden"


def test_unknown_formats_missing_columns_and_empty_files(tmp_path: Path) -> None:
    error = _error("navn,adresse\nx,y\n")
    assert error.code == "sor.unknown-format"
    assert "SOR-kode" in error.message("da")
    assert _error("").code == "sor.empty"
    assert _error(b"<html><body/></html>").code == "sor.unknown-format"
    missing = _error("SorId;SorType;EntityName\n", format="sor-csv")  # type: ignore[arg-type]
    assert missing.code == "sor.missing-column"
    assert "Parent-SOR-kode" in missing.message("en")
    with pytest.raises(SourceError, match="Cannot read"):
        load_sor(tmp_path / "missing.csv")


# --- the demo registry ---------------------------------------------------------------------------------


def test_demo_codes_are_well_formed_unique_and_not_real() -> None:
    """Every code in the demo registry is made so that it cannot be a real one: location numbers in GS1
    prefix 2 (restricted circulation; no real location has one) with valid check digits; SOR codes of
    :func:`demo_sor`'s pattern, whose SNOMED namespace digits start with 0 where real SOR codes carry
    Sundhedsdatastyrelsen's namespace 1000016 or 1000005."""
    table = demo_registry().table
    own = table[(table["ean"] != "") & ~table["ean_inherited"]]["ean"]
    assert own.is_unique
    assert len(own) > 200
    assert all(
        gln_problems(e) == [] and e.startswith("2000000") and is_demo_ean(e) for e in table["ean"] if e
    )
    assert table["sor"].is_unique
    assert all(sor_code_ok(c) and is_demo_sor(c) and len(c) == 15 for c in table["sor"])
    assert all(c[-10:-3] not in ("1000016", "1000005") and c[-10] == "0" for c in table["sor"])
    # Real SOR codes (from MedCom's EER examples) are recognised as not demo.
    for real in ("311000016009", "1280171000016004", "937961000016000", "6501000016006"):
        assert sor_code_ok(real)
        assert not is_demo_sor(real)
    assert not is_demo_ean("5790000123117")


def test_demo_names_say_they_are_made_up() -> None:
    table = demo_registry().table
    real_names = set(municipalities()["name"]) | set(municipalities()["region"])
    made_up = ~table["name"].isin(real_names)
    assert table.loc[made_up, "name"].str.contains(r"\((?:demo|fiktiv)\)|\(demo\)").all()
    assert demo_registry().demo
    assert "fiktive" in demo_registry().label.da


def test_demo_registry_covers_every_municipality_and_region() -> None:
    registry = demo_registry()
    table = registry.table
    for code in municipalities()["code"]:
        mine = table[(table["municipality_code"] == code) & ~table["ean_inherited"] & (table["ean"] != "")]
        types = mine["type"].str.split(" ").str[0].tolist()
        assert (types.count("Pædagogisk"), types.count("Lettilgængeligt")) == (1, 1), code
    for region in municipalities()["region"].unique():
        assert len(registry.child_psychiatry(region)) == 1, region
    assert len(registry.select(level="SI", type="almen lægepraksis")) >= 10
    assert registry.general_practices("Aalborg")
    assert registry.general_practices("København")


def test_the_demo_parties_of_medcomkit_demo_are_in_the_registry() -> None:
    registry = demo_registry()
    for party in (SENDER, RECEIVER, HOSPITAL):
        unit = registry.by_ean(party.ean)[0]
        assert unit.sor == party.sor
        assert not unit.ean_inherited
        assert unit.is_demo
    sender = registry.by_ean(SENDER.ean)[0]
    assert sender.receives("XDIS91")
    assert registry.can_receive(RECEIVER.ean, "XBIN01")
    assert registry.can_receive(HOSPITAL.ean, "XREF01")
    assert sender.city == "Demoby"


def test_a_demo_unit_addresses_a_valid_message() -> None:
    from medcomkit import build_xdis91, validate

    registry = demo_registry()
    gp = registry.general_practices("Odense")[0].to_organisation()
    offer = registry.select(municipality="Odense", type="lettilgængeligt").iloc[0]["sor"]
    sender = registry.unit(offer).to_organisation(name="Odense Kommune", department="PPR", unit="§ 126 a")
    message = replace(demo_care_message(), sender=sender, receiver=gp)
    report = validate(build_xdis91(message))
    assert report.valid, report.to_text("en")
    with pytest.raises(SorLookupError, match="no location number"):
        registry.unit(registry.unit(offer).health_institution_sor or "").to_organisation()


def test_message_types_follow_the_system() -> None:
    from medcomkit.landscape import municipality_systems, receivable_message_types

    registry = demo_registry()
    systems = municipality_systems().set_index("code")["system"]
    for code in ("851", "461", "740", "101"):
        ppr = registry.select(municipality=code, type="pædagogisk").iloc[0]
        expected = receivable_message_types(systems[code]) if systems[code] else ()
        assert tuple(ppr["message_types"]) == expected
        assert ppr["system"] == systems[code]
    team = registry.search("§ 126 a-team Nord Aarhus")[0]
    assert team.ean_inherited
    assert team.message_types == registry.unit(team.parent_sor or "").message_types


def test_with_message_types_and_can_receive(loaded: dict[str, SorRegistry]) -> None:
    registry = loaded["sor.xml"]
    with pytest.raises(SorLookupError, match="no message types"):
        registry.can_receive(PPR_EAN, "XDIS91")
    edi = pd.DataFrame({"ean": [PPR_EAN, PPR_EAN, GP_EAN], "message_type": ["XDIS91", "XBIN01", "XDIS91"]})
    with_types = registry.with_message_types(edi)
    assert with_types.can_receive(PPR_EAN, "XBIN01")
    assert not with_types.can_receive(GP_EAN, "XBIN01")
    assert with_types.unit(D).message_types == ("XDIS91", "XBIN01")  # through the inherited number
    assert registry.unit(D).message_types == ()  # the original is unchanged


def test_location_number_request_names_what_sundhedsdatastyrelsen_needs() -> None:
    unit = demo_registry().search("lettilgængeligt tilbud roskilde")[0]
    order = location_number_request(unit, system="JOSA")
    assert order.startswith("Til: SORpost@sundhedsdata.dk")
    assert f"SOR-kode: {unit.sor}" in order
    assert "Journalsystem: JOSA" in order
    assert unit.ean is not None
    assert unit.ean not in order  # a new number is ordered; the old one is not the point
    change = location_number_request(unit, system="Novax", action="ændre")
    assert f"Lokationsnummer: {unit.ean}" in change
    assert "ændre" in change


DANISH_SPELLINGS = {"æ": ("æ", "ae", "Æ", "AE"), "ø": ("ø", "oe", "Ø", "OE"), "å": ("å", "aa", "Å", "AA")}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_name_search_forgives_spelling(data: st.DataObject) -> None:
    registry = demo_registry()
    code = data.draw(st.sampled_from(list(registry.table.index)))
    name = registry.unit(code).name
    spelled = "".join(
        data.draw(st.sampled_from(DANISH_SPELLINGS[ch.lower()])) if ch.lower() in DANISH_SPELLINGS else ch
        for ch in name
    )
    spelled = data.draw(st.sampled_from((spelled, spelled.upper(), spelled.lower())))
    assert code in [u.sor for u in registry.search(spelled)]


# --- the command line ----------------------------------------------------------------------------------


def test_cli_lookup_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sor", "lookup", "--format", "json", SENDER.ean]) == 0
    units = json.loads(capsys.readouterr().out)
    assert units == [
        {
            "sor": SENDER.sor,
            "ean": SENDER.ean,
            "name": "Lettilgængeligt tilbud, § 126 a, børn og unge, Demo Kommune (fiktiv)",
            "parent_sor": demo_sor(10999),
            "municipality": "Demo Kommune (fiktiv)",
            "type": "Lettilgængeligt behandlingstilbud (§ 126 a)",
        }
    ]


def test_cli_lookup_text_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sor", "lookup", "ålborg ppr"]) == 0
    out = capsys.readouterr().out
    assert "Demoregister" in out
    assert "PPR, Aalborg Kommune (demo)" in out
    assert "meddelelsestyper: XDIS91" in out
    assert main(["sor", "lookup", "--lang", "en", "12"]) == 1
    assert "is neither a SOR code" in capsys.readouterr().err
    assert main(["sor", "lookup", "--format", "json", "Gotham"]) == 1
    assert json.loads(capsys.readouterr().out) == []
    export = tmp_path / "sor.xml"
    export.write_text(sor_xml(), encoding="utf-8")
    assert main(["sor", "lookup", "--registry", str(export), "--format", "json", "østergade"]) == 0
    assert [u["sor"] for u in json.loads(capsys.readouterr().out)] == [H, K]
    assert main(["sor", "lookup", "--registry", str(tmp_path / "nej.csv"), "x"]) == 2
    broken = tmp_path / "broken.xml"
    broken.write_text(sor_xml()[:-30], encoding="utf-8")
    assert main(["sor", "lookup", "--registry", str(broken), "x"]) == 2
    assert "linje" in capsys.readouterr().err
