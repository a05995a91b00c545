"""Derive mutants from one example MedCom OIOXML document, for schema-equivalence tests.

``mutants(document)`` yields small, single-step changes of the document: structural ones (drop,
duplicate or repeat, reorder, retype an element, copy it into ``Local_Elements``, put text or
markup where it may not be) and value ones (out-of-range, too long, empty, badly formatted values
chosen by what the element holds). Each mutant is a complete document serialised with the original
encoding declaration. The order is deterministic and nothing is random, so a failing mutant can
be named and reproduced.

The module knows MedCom element names and code values (facts from ``spec/oioxml.md``) but no
schema: whether a mutant is valid is for the schemas under test to decide.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

__all__ = ["Mutant", "mutants"]


@dataclass(frozen=True)
class Mutant:
    """One changed document: the kind of change, a readable description, and the bytes."""

    operation: str
    description: str
    data: bytes


# fmt: off
# Element names that occur in the letters medcomkit supports (used for "retype" mutants).
MEDCOM_NAMES: tuple[str, ...] = tuple(
    sorted(
        {
            "AcknowledgementCode", "ActualMedicine", "AdditionalInformation", "AlternativeIdentifier",
            "Anamnesis", "AnswerCCReceiver", "Authorisation", "BIN", "BinaryLetter", "BinaryObject", "Bold",
            "Break", "Cave", "Center", "CivilRegistrationNumber", "ClinicalEmail", "ClinicalInformation",
            "ClinicalReason", "Contents", "Date", "DepartmentName", "DiagnoseCode", "DiagnoseDescriptionCode",
            "DiagnoseText", "DiagnoseTypeCode", "DistrictName", "EANIdentifier", "EmailIdentifier",
            "Envelope", "EpisodeOfCare", "EpisodeOfCareIdentifier", "EpisodeOfCareStatusCode",
            "EpisodeOfCareType", "Examination", "FixedFont", "HospitalChoice", "HospitalReferral",
            "HospitalVisitation",
            "Identifier", "IdentifierCode", "Information", "InformationCode", "Italic", "Letter",
            "Local_Elements", "MedicalSpecialityCode", "NegativeReceipt", "NegativeVansReceipt",
            "ObjectCode", "ObjectExtensionCode", "ObjectIdentifier", "Object_Base64Encoded", "OccupancyText",
            "OrganisationName", "OriginalEmessage", "OriginalEnvelopeIdentifier", "OriginalLetter",
            "OriginalLetterIdentifier", "OriginalObjectSize", "OriginalReceiver", "OriginalSender",
            "OriginalVersionCode", "Patient", "PersonGivenName", "PersonIdentifier", "PersonName",
            "PersonSurnameName", "PersonTitle", "PositiveReceipt", "PostCodeIdentifier", "Priority",
            "Receiver", "RefDescription", "Refer", "Reference", "Referral", "ReferralAdditional",
            "ReferralStatus", "Referrer", "RefuseCode", "RefuseText", "RelationCode", "Relative",
            "RelevantClinicalInformation", "Right", "SUP", "Sender", "Sent", "Space", "StatisticalCode",
            "StatusCode", "StreetName", "Subject", "SuburbName", "Supplementary", "SystemInformation",
            "TelephoneSubscriber", "TelephoneSubscriberCode", "TelephoneSubscriberIdentifier", "Text01",
            "Time", "Transport", "TypeCode", "URL", "Underline", "UnitName", "VersionCode",
        }
    )
)

# Code values per element name: every value any covered MedCom namespace allows, plus near
# misses. Each is tried in place of the current value, so every enumeration is probed in full.
CODE_VALUES: dict[str, tuple[str, ...]] = {
    "AcknowledgementCode": ("pluspositivkvitt", "minuspositivkvitt", "positivkvitt"),
    "VersionCode": (
        "XD9133L", "XD9134L", "XD9135L", "XH0130R", "XH0131R", "XB0130X", "XB0131X",
        "XC0130Q", "XC0230Q", "XC0330Q", "XD1531L", "XR0431P", "xd9134l",
    ),
    "TypeCode": ("XDIS91", "XREF01", "XBIN01", "XCTL01", "XRPT04", "XDIS01"),
    "StatusCode": ("nytbrev", "rettetbrev", "annulleretbrev"),
    "IdentifierCode": (
        "sygehusafdelingsnummer", "ydernummer", "lokationsnummer", "kommunenummer", "amt", "sorkode",
        "kommunekode",
    ),
    "MedicalSpecialityCode": (
        "ikkeklassificeret", "intern_medicin_sygehus", "geriatri", "hepatologi", "haematologi",
        "infektionsmedicin", "kardiologi", "med_allergologi", "med_endokrinologi",
        "med_gastroenterologi", "med_lungesygdomme", "nefrologi", "reumatologi",
        "dermato_venerologi_sygehus", "neurologi", "onkologi", "kirurgi_sygehus", "karkirurgi",
        "kir_gastroenterologi", "plastikkirurgi", "thoraxkirurgi", "urologi",
        "gynaekologi_obstetrik_sygehus", "neurokirurgi", "ortopaedisk_kirurgi_sygehus",
        "oftalmologi", "oto_rhino_laryngologi", "hospitalsodontologi", "psykiatri_sygehus",
        "boerne_ungdomspsykiatri", "klin_biokemi", "klin_fys_nuklearmedicin", "klin_immunologi",
        "klin_mikrobiologi", "klin_neurofysiologi", "patologisk_anatomi", "diagnostisk_radiologi",
        "klin_farmakologi", "klin_genetik", "anaestesiologi_sygehus", "arbejdsmedicin",
        "almen_medicin", "samfundsmedicin", "almenlaege_laegevagt", "oejenlaege",
        "oere_naese_halslaege", "anaestesiologi_praksis", "roentgen_kbh",
        "dermato_venerologi_praksis", "roentgen", "reumatologi_fysiurgi",
        "gynaekologi_obstetrik_praksis", "intern_medicin_praksis", "kirurgi_praksis",
        "klinisk_kemi", "neuromedicin", "ortopaedisk_kirurgi_praksis", "patologi", "patologi ",
        "plastkirurgi", "psykiatri_praksis", "paediatri", "boernepsykiatri", "tropemedicin",
        "tandlaege", "fysioterapi", "kiropraktor", "briller", "fodterapi", "fodbehandlking",
        "med_laboratorier", "omegnslaboratorier", "psykolog", "akut", "almenlaege_vagtkoersel",
        "almenlaege_vagtlaegehjaelp", "blandet", "fodterapi_leddegigt", "fodterapi_radioaktiv",
        "fysioterapi_sygehus", "fysioterapi_vederlagsfri", "kiropraktor_64",
        "med_laboratorier_kpll", "med_laboratorier_ssi", "neurokirurgi_praksis",
        "paediatri_sygehus", "palliativ", "retsmedicin", "ridefysioterapi",
        "ridefysioterapi_vederlagsfri", "sexologi", "tandplejere", "teddy", "vagtlaege",
        "vagtlaegehjaelp", "vagtlaegehjaelp_kbh", "fodbehandling", "Almen_medicin",
    ),
    "EpisodeOfCareStatusCode": (
        "inaktiv", "indlagt", "ambulant", "doed", "ambulant_roentgen", "udskrevet_til_hjemmet", "uoplyst",
    ),
    "ObjectCode": (
        "tekstfil", "billede", "program", "vektor_grafik", "biosignaler", "multimedie",
        "proprietaert_indhold", "pdf",
    ),
    "ObjectExtensionCode": (
        "pcx", "tiff", "jpeg", "gif", "bmp", "png", "mpg", "dcm", "scp", "txt", "rtf", "doc", "xls", "wpd",
        "exe", "pdf", "wav", "avi", "mid", "rmi", "com", "zip", "bin", "inh", "plo", "fnx", "mds", "jpg",
        "PDF",
    ),
    "Priority": ("rutine", "høj_prioritet", "hoej_prioritet", "akut", "elektiv", "saerlige_forhold"),
    "RefuseCode": (
        "ikke_specificeret", "ukendt_lokationsnummer", "problem_med_modtagerID", "problem_med_version",
        "syntaksfejl", "problem_med_modtagerid",
    ),
    "RelationCode": ("uspec_paaroerende", "mor", "far", "barn", "soen"),
    "ReferralStatus": ("ambulant", "indlaeggelse", "hjemmet"),
    "Transport": ("ingen", "liggende", "siddende", "gaaende"),
    "InformationCode": (
        "ustruktureret", "egen_laege", "henvisning_modtaget", "visitering", "indkaldt", "indlagt_paa",
        "udenamts_kaution", "ukendt",
    ),
    "DiagnoseTypeCode": (
        "SKSdiagnosekode", "uspecificeretkode", "ICPCkode", "speciallaegehenvisning", "fysioterapihenvisning",
        "psykologhenvisning", "Fysioterapihenvisningsdiagnose", "Psykologhenvisningsdiagnose",
        "fysioterapihenvisningsdiagnose",
    ),
    "DiagnoseDescriptionCode": (
        "uspec_diagnose", "henv_diagnose", "henv_diagnose_ny_sygdom", "henv_diagnose_samme_sygdom",
        "bidiagnose", "tillaegsdiagnose", "aktionsdiagnose", "midlertidig_diagnose", "forloebsdiagnose",
        "operation", "roentgenundersoegelse", "speciallaegehenvisning", "fysioterapihenvisning",
        "psykologhenvisning", "fysioterapihenvisningspgruppe", "fysioterapihenvisningsgruppe",
    ),
    "TelephoneSubscriberCode": ("mobil", "arbejde", "fastnet", "privat"),
    "HospitalChoice": ("ALDB00", "ALDB01", "ALDB02", "ALDB03", "ALDB04"),
}

# A value no MedCom enumeration has.
UNKNOWN_CODE = "ukendt_vaerdi"

# String lengths around every maxLength/length facet in these messages (7, 8, 9, 10, 14, 17, 25,
# 35, 70, 350): each boundary is tried on both sides.
LENGTHS: tuple[int, ...] = (1, 7, 8, 9, 10, 11, 14, 15, 17, 18, 25, 26, 35, 36, 70, 71, 350, 351)

# How often an element is repeated in a row: both sides of every maxOccurs in these messages
# (3, 5, 9, 10, 99). Large elements are not repeated more than REPEAT_BUDGET bytes' worth.
REPEAT_COUNTS: tuple[int, ...] = (3, 4, 5, 6, 9, 10, 11, 99, 100)
REPEAT_BUDGET = 200_000

DATE_VALUES: tuple[str, ...] = (
    "2019-02-30", "2019-02-29", "2020-02-29", "2019-13-01", "2019-1-1", "19-01-01", "2019-01-01Z",
    "2019-01-01+01:00", "2019-01-01-05:00", "2019-01-01T12:00", "01-01-2019", " 2019-01-01 ", "20190101",
)
TIME_VALUES: tuple[str, ...] = (
    "24:00", "12:60", "1:05", "12:00:00", "23:59", "00:00", "12.00", " 12:00", "12:00Z", "1200",
)
SIZE_VALUES: tuple[str, ...] = (
    "0", "-1", "1.5", "+7", "007", " 42 ", "abc", "1e3", "123456789012345678901234567890",
)
TRUE_VALUES: tuple[str, ...] = ("false", "1", "0", "TRUE", " true ", "yes")
CPR_VALUES: tuple[str, ...] = (
    "25124899A6", "251248-9996", "251248999", "25124899961", " 2512489996", "0000000000", "2512489996",
)
UUID_VALUES: tuple[str, ...] = (
    "c39ea6b2-6052-45e4-a207-415e0205ab6f", "C39EA6B2-6052-45E4-A207-415E0205AB6F",
    "c39ea6b2605245e4a207415e0205ab6f", "{c39ea6b2-6052-45e4-a207-415e0205ab6f}",
    "g39ea6b2-6052-45e4-a207-415e0205ab6f", "c39ea6b2-6052-45e4-a207-415e0205ab6f-0",
)
BASE64_VALUES: tuple[str, ...] = ("not base64!", "QUJD=", "====", "QUJD\n  REVG\n", "")

FORMATTED_NAMES: frozenset[str] = frozenset(
    {
        "Text01", "Supplementary", "ClinicalReason", "Cave", "Anamnesis", "Examination", "ActualMedicine",
        "Information", "RefuseText", "Right", "Center", "Bold", "Italic", "Underline", "FixedFont",
    }
)

# Markup put into formatted text: (label, XML fragment). The fragments are parsed in the
# document's namespace.
MARKUP: tuple[tuple[str, str], ...] = (
    ("<br/> (HTML, not MedCom markup)", "<br/>"),
    ("<Break> with text", "<Break>x</Break>"),
    ("<Space/>", "<Space/>"),
    ("<Bold> nested in <Bold>", "<Bold><Bold>x</Bold></Bold>"),
    ("<FixedFont> nested in <FixedFont>", "<FixedFont><FixedFont>x</FixedFont></FixedFont>"),
    ("<FixedFont><Bold>", "<FixedFont><Bold>x<Break/></Bold></FixedFont>"),
    ("<Paragraph>", "<Paragraph>x</Paragraph>"),
)


# fmt: on


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _is_element(node: etree._Element) -> bool:
    return isinstance(node.tag, str)


def _elements(tree: etree._ElementTree) -> list[etree._Element]:
    return [e for e in tree.getroot().iter() if _is_element(e)]


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _path(el: etree._Element) -> str:
    """/Emessage/ClinicalEmail/ClinicalInformation[2]/Text01 (index only where names repeat)."""
    steps: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        name = _local(node)
        parent = node.getparent()
        if parent is not None:
            same = [s for s in parent if _is_element(s) and s.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def _show(value: str) -> str:
    if len(value) > 24:
        return f"{value[:10]!r}… ({len(value)} chars)"
    return repr(value)


def _element_siblings(el: etree._Element) -> list[etree._Element]:
    parent = el.getparent()
    return [] if parent is None else [s for s in parent if _is_element(s)]


def _next_element(el: etree._Element) -> etree._Element | None:
    node = el.getnext()
    while node is not None and not _is_element(node):
        node = node.getnext()
    return node


def _remove_keeping_tail(el: etree._Element) -> None:
    """Remove el but keep the text that follows it (it belongs to el's tail in lxml)."""
    parent = el.getparent()
    assert parent is not None
    tail = el.tail or ""
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _retype_names(el: etree._Element) -> list[str]:
    """Sibling names first, then one more known MedCom name, never el's own name."""
    own = _local(el)
    siblings = _element_siblings(el)
    index = siblings.index(el)
    names: list[str] = []
    for neighbour in siblings[index + 1 : index + 2] + siblings[max(index - 1, 0) : index]:
        name = _local(neighbour)
        if name != own and name not in names:
            names.append(name)
    start = next((i for i, n in enumerate(MEDCOM_NAMES) if n > own), 0)
    for offset in range(len(MEDCOM_NAMES)):
        candidate = MEDCOM_NAMES[(start + offset) % len(MEDCOM_NAMES)]
        if candidate != own and candidate not in names:
            names.append(candidate)
            break
    return names


def _value_candidates(name: str, current: str) -> list[str]:
    """Replacement values for a leaf, chosen by what the element holds."""
    if name == "Date":
        values = list(DATE_VALUES)
    elif name == "Time":
        values = list(TIME_VALUES)
    elif name == "OriginalObjectSize":
        values = list(SIZE_VALUES)
    elif name in ("SUP", "SystemInformation"):
        values = list(TRUE_VALUES)
    elif name == "CivilRegistrationNumber":
        values = list(CPR_VALUES)
    elif name == "ObjectIdentifier":
        values = [*UUID_VALUES, "A" * 35, "A" * 36]
    elif name == "Object_Base64Encoded":
        values = list(BASE64_VALUES)
    elif name in CODE_VALUES:
        values = [*CODE_VALUES[name], UNKNOWN_CODE, current.upper(), f" {current}", f"{current} "]
    else:
        values = ["A" * n for n in LENGTHS]
        values += [f" {current}", f"{current} ", f"{current}\n", "ÆØÅ æøå"]
    values.append("")
    unique: list[str] = []
    for value in values:
        if value != current and value not in unique:
            unique.append(value)
    return unique


Change = Callable[[etree._Element], None]


def _structural(el: etree._Element) -> Iterator[tuple[str, str, Change]]:
    path = _path(el)
    name = _local(el)
    namespace = etree.QName(el).namespace

    def qualified(local: str) -> str:
        return f"{{{namespace}}}{local}" if namespace else local

    yield "drop", f"drop {path}", _remove_keeping_tail

    def duplicate(target: etree._Element) -> None:
        twin = copy.deepcopy(target)
        target.addnext(twin)

    yield "duplicate", f"duplicate {path}", duplicate

    size = len(etree.tostring(el))
    for times in REPEAT_COUNTS:
        if size * times > REPEAT_BUDGET:
            break

        def repeat(target: etree._Element, times: int = times) -> None:
            for _ in range(times - 1):
                target.addnext(copy.deepcopy(target))

        yield "repeat", f"repeat {path} {times} times in a row", repeat

    following = _next_element(el)
    if following is not None and following.tag != el.tag:

        def reorder(target: etree._Element) -> None:
            after = _next_element(target)
            assert after is not None
            after.addnext(target)

        yield "reorder", f"swap {path} with the following {_local(following)}", reorder

    for new_name in _retype_names(el):

        def retype(target: etree._Element, new_name: str = new_name) -> None:
            target.tag = qualified(new_name)

        yield "retype", f"rename {path} to {new_name}", retype

    def to_local_elements(target: etree._Element) -> None:
        holder = etree.Element(qualified("Local_Elements"))
        holder.append(copy.deepcopy(target))
        top = target.getroottree().getroot()
        top.append(holder)

    yield "local", f"copy {path} into a Local_Elements after the letter", to_local_elements

    has_children = any(_is_element(c) for c in el)
    if has_children or not (el.text or "").strip():
        where = "element-only content" if has_children else "an element without text"

        def add_text(target: etree._Element) -> None:
            target.text = "x" + (target.text or "")

        yield "text", f"put text 'x' into {where} {path}", add_text

    if name in FORMATTED_NAMES:
        for label, fragment in MARKUP:
            ns_attr = f' xmlns="{namespace}"' if namespace else ""
            wrapped = f"<w{ns_attr}>{fragment}</w>"

            def add_markup(target: etree._Element, wrapped: str = wrapped) -> None:
                holder = etree.fromstring(wrapped, _parser())
                for child in list(holder):
                    target.append(child)

            yield "markup", f"add {label} to {path}", add_markup


def _values(el: etree._Element) -> Iterator[tuple[str, str, Change]]:
    if any(_is_element(c) for c in el) or not el.text:
        return
    path = _path(el)
    for value in _value_candidates(_local(el), el.text):

        def set_value(target: etree._Element, value: str = value) -> None:
            target.text = value

        yield "value", f"set {path} to {_show(value)}", set_value


def mutants(document: bytes) -> Iterator[Mutant]:
    """Yield single-step mutants of one OIOXML document, in a fixed order, without duplicates.

    For every element but the root: drop, duplicate, repeat (3 to 100 times in a row), reorder
    (swap with the next sibling), retype (rename to a sibling's or another MedCom name), copy into
    Local_Elements, text in the wrong place, markup in formatted text; for every leaf with text:
    replacement values suited to it.
    """
    tree = etree.fromstring(document, _parser()).getroottree()
    encoding = tree.docinfo.encoding or "UTF-8"
    declared = document.lstrip().startswith(b"<?xml")
    count = len(_elements(tree))
    seen: set[bytes] = {document}

    def serialise(changed: etree._ElementTree) -> bytes:
        data = etree.tostring(changed, encoding=encoding, xml_declaration=declared)
        assert isinstance(data, bytes)
        return data

    seen.add(serialise(tree))
    for index in range(1, count):
        original = _elements(tree)[index]
        changes = [*_structural(original), *_values(original)]
        for operation, description, change in changes:
            clone = copy.deepcopy(tree)
            change(_elements(clone)[index])
            data = serialise(clone)
            if data in seen:
                continue
            seen.add(data)
            yield Mutant(operation, description, data)
