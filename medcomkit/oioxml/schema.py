"""Structural validation with XSD: the project's own schema files, or official MedCom XSDs.

libxml2 (through lxml) does the validating, which keeps it fast; this module turns libxml2's
terse English errors into issues with a stable rule id, an element path, a line number and a
message in Danish and English that says what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import cast

from lxml import etree

from ..core.errors import SourceError
from ..core.lang import Bilingual
from ..core.report import Issue, IssueType, Severity
from ..core.rules import rule
from ..core.xml import repair_mojibake
from ..core.xmltree import element_path, line_of
from .checks import explain_html
from .namespaces import NAMESPACES

__all__ = ["find_official_schemas", "schema_for", "schema_issues"]

UNEXPECTED = rule(
    "schema.unexpected-element",
    Severity.ERROR,
    "Elementet <{name}> er ikke tilladt her. {expected}",
    "The element <{name}> is not allowed here. {expected}",
    IssueType.STRUCTURE,
)
MISSING = rule(
    "schema.missing-element",
    Severity.ERROR,
    "<{name}> mangler et påkrævet underelement. {expected}",
    "<{name}> is missing a required child element. {expected}",
    IssueType.REQUIRED,
)
ENUMERATION = rule(
    "schema.enumeration",
    Severity.ERROR,
    "Værdien '{value}' i <{name}> er ikke tilladt. Tilladte værdier: {allowed}.",
    "The value '{value}' in <{name}> is not allowed. Allowed values: {allowed}.",
    IssueType.CODE_INVALID,
)
PATTERN = rule(
    "schema.pattern",
    Severity.ERROR,
    "Værdien '{value}' i <{name}> har ikke det krævede format: {expected}.",
    "The value '{value}' in <{name}> does not have the required format: {expected}.",
    IssueType.VALUE,
)
LENGTH = rule(
    "schema.length",
    Severity.ERROR,
    "Værdien i <{name}> er {actual} tegn lang; {expected}.",
    "The value in <{name}> is {actual} characters long; {expected}.",
    IssueType.TOO_LONG,
)
DATATYPE = rule(
    "schema.datatype",
    Severity.ERROR,
    "Værdien '{value}' i <{name}> er ikke {expected}.",
    "The value '{value}' in <{name}> is not {expected}.",
    IssueType.VALUE,
)
RANGE = rule(
    "schema.range",
    Severity.ERROR,
    "Værdien '{value}' i <{name}> er uden for det tilladte område ({expected}).",
    "The value '{value}' in <{name}> is out of range ({expected}).",
    IssueType.VALUE,
)
TEXT_NOT_ALLOWED = rule(
    "schema.text-not-allowed",
    Severity.ERROR,
    "<{name}> må kun indeholde underelementer, ikke tekst.",
    "<{name}> may only contain child elements, not text.",
    IssueType.STRUCTURE,
)
MUST_BE_EMPTY = rule(
    "schema.must-be-empty",
    Severity.ERROR,
    "<{name}> skal være tomt, fx <{name}/>.",
    "<{name}> must be empty, e.g. <{name}/>.",
    IssueType.STRUCTURE,
)
ATTRIBUTE = rule(
    "schema.attribute",
    Severity.ERROR,
    "Attributten '{attribute}' er ikke tilladt på <{name}>.",
    "The attribute '{attribute}' is not allowed on <{name}>.",
    IssueType.STRUCTURE,
)
OTHER = rule(
    "schema.invalid",
    Severity.ERROR,
    "XML-skemaet afviser <{name}>: {detail}",
    "The XML schema rejects <{name}>: {detail}",
    IssueType.STRUCTURE,
)
MOJIBAKE_VALUE = rule(
    "xml.mojibake-value",
    Severity.ERROR,
    "Værdien '{value}' i <{name}> er '{repaired}' skrevet som UTF-8 under en ISO-8859-1-erklæring; derfor "
    "er den ugyldig. Ret tegnsættet (se xml.encoding-mismatch).",
    "The value '{value}' in <{name}> is '{repaired}' written as UTF-8 under an ISO-8859-1 declaration, "
    "which makes it invalid. Fix the encoding (see xml.encoding-mismatch).",
    IssueType.VALUE,
)

_OR = Bilingual("eller", "or")
_CLARK = re.compile(r"\{[^}]*\}")
_ELEMENT = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: ")
_EXPECTED = re.compile(r"Expected is(?: one of)? \( ([^)]*) \)")
_VALUE = re.compile(r"The value '(.*)' is not (?:an element of the set|accepted by the pattern)", re.S)
_SET = re.compile(r"set \{(.*)\}\.$", re.S)
_PATTERN = re.compile(r"by the pattern '(.*)'\.$", re.S)
_LENGTHS = re.compile(
    r"length of '(\d+)'; this (exceeds|underruns|differs from) the allowed \w* ?length of '(\d+)'"
)
_DATATYPE = re.compile(r"^'(.*)' is not a valid value of the (?:local )?atomic type(?: '([^']+)')?", re.S)
_FACET_VALUE = re.compile(r"The value '(.*)' is (?:less|greater) than the minimum|The value '(.*)' is", re.S)
_RANGE = re.compile(
    r"The value '(.*)' is (less than the minimum value allowed|greater than the maximum value allowed)"
    r" \('([^']*)'\)",
    re.S,
)

# Human descriptions of the patterns MedCom schemas use.
_PATTERNS: dict[str, Bilingual] = {
    "[0-9]{10}": Bilingual(
        "10 cifre (CPR-nummer uden bindestreg)", "10 digits (a CPR number without hyphen)"
    ),
    "(([0-1][0-9])|(2[0-3])):[0-5][0-9]": Bilingual(
        "TT:MM mellem 00:00 og 23:59", "HH:MM between 00:00 and 23:59"
    ),
    "true": Bilingual("teksten 'true'", "the text 'true'"),
    "[^:Z]*": Bilingual("en dato uden tidszone", "a date without a time zone"),
}
_UUID_PATTERN = re.compile(r"^\[0-9A-Fa-f\]\{8\}")
_DATATYPES: dict[str, Bilingual] = {
    "xs:date": Bilingual("en gyldig dato (ÅÅÅÅ-MM-DD)", "a valid date (YYYY-MM-DD)"),
    "xs:positiveInteger": Bilingual("et positivt heltal", "a positive whole number"),
    "xs:int": Bilingual("et heltal", "a whole number"),
    "xs:integer": Bilingual("et heltal", "a whole number"),
    "xs:boolean": Bilingual("en sandhedsværdi (true eller false)", "a boolean (true or false)"),
    "xs:dateTime": Bilingual(
        "et gyldigt tidspunkt (ÅÅÅÅ-MM-DDTtt:mm:ss)", "a valid date-time (YYYY-MM-DDThh:mm:ss)"
    ),
}


def _choice(names: list[str]) -> Bilingual:
    if not names:
        return Bilingual("", "")
    if len(names) == 1:
        return Bilingual(names[0], names[0])
    head = ", ".join(names[:-1])
    return Bilingual(f"{head} {_OR.da} {names[-1]}", f"{head} {_OR.en} {names[-1]}")


def _expected_elements(message: str) -> Bilingual:
    match = _EXPECTED.search(message)
    if not match:
        return Bilingual("Der må ikke komme flere elementer her.", "No further element may follow here.")
    names = [f"<{_CLARK.sub('', n.strip())}>" for n in match.group(1).split(",")]
    choice = _choice(names)
    return Bilingual(f"Forventet: {choice.da}.", f"Expected: {choice.en}.")


def _pattern_text(pattern: str) -> Bilingual:
    if pattern in _PATTERNS:
        return _PATTERNS[pattern]
    if _UUID_PATTERN.match(pattern):
        return Bilingual(
            "et UUID med bindestreger (8-4-4-4-12 hexadecimale tegn)",
            "a UUID with hyphens (8-4-4-4-12 hexadecimal characters)",
        )
    if re.fullmatch(r"[A-Za-z0-9_]+", pattern):
        return Bilingual(f"præcis '{pattern}' i dette navnerum", f"exactly '{pattern}' in this namespace")
    return Bilingual(f"mønsteret {pattern}", f"the pattern {pattern}")


def _length_text(kind: str, limit: str) -> Bilingual:
    if kind == "exceeds":
        return Bilingual(f"højst {limit} tegn er tilladt", f"at most {limit} characters are allowed")
    if kind == "underruns":
        return Bilingual(f"mindst {limit} tegn kræves", f"at least {limit} characters are required")
    return Bilingual(f"præcis {limit} tegn kræves", f"exactly {limit} characters are required")


def _translate(error: etree._LogEntry, element: etree._Element | None, mojibake: bool) -> Issue:
    message = error.message
    head = _ELEMENT.match(message)
    name = _CLARK.sub("", head.group(1)) if head else "?"
    body = message[head.end() :] if head else message
    location = element_path(element) if element is not None else None
    line = error.line or (line_of(element) if element is not None else None)
    kind = error.type_name

    value_match = _VALUE.search(body)
    value = value_match.group(1) if value_match else None
    datatype = _DATATYPE.match(body)
    if datatype:
        value = datatype.group(1)
    if mojibake and value is not None and repair_mojibake(value) != value:
        return MOJIBAKE_VALUE.issue(location, line, value=value, name=name, repaired=repair_mojibake(value))

    if kind == "SCHEMAV_ELEMENT_CONTENT":
        html = (
            explain_html(element, location)
            if element is not None and location is not None and "Missing child" not in body
            else None
        )
        if html is not None:
            return html
        expected = _expected_elements(body)
        if "Missing child element" in body:
            return MISSING.issue(location, line, name=name, expected=expected)
        return UNEXPECTED.issue(location, line, name=name, expected=expected)
    if kind == "SCHEMAV_CVC_ENUMERATION_VALID":
        allowed_match = _SET.search(body)
        allowed = allowed_match.group(1) if allowed_match else "?"
        return ENUMERATION.issue(location, line, value=value, name=name, allowed=allowed)
    if kind == "SCHEMAV_CVC_PATTERN_VALID":
        pattern_match = _PATTERN.search(body)
        expected_format = _pattern_text(pattern_match.group(1) if pattern_match else "?")
        return PATTERN.issue(location, line, value=value, name=name, expected=expected_format)
    if kind in ("SCHEMAV_CVC_MAXLENGTH_VALID", "SCHEMAV_CVC_MINLENGTH_VALID", "SCHEMAV_CVC_LENGTH_VALID"):
        lengths = _LENGTHS.search(body)
        if lengths:
            actual, how, limit = lengths.groups()
            return LENGTH.issue(location, line, name=name, actual=actual, expected=_length_text(how, limit))
    if datatype:
        type_name = datatype.group(2) or ""
        expected_type = _DATATYPES.get(type_name, Bilingual(f"af typen {type_name}", f"of type {type_name}"))
        if not type_name and element is not None:
            expected_type = Bilingual("en gyldig værdi for elementet", "a valid value for this element")
        return DATATYPE.issue(location, line, value=value, name=name, expected=expected_type)
    range_match = _RANGE.search(body)
    if range_match:
        bound = range_match.group(3)
        expected_range = (
            Bilingual(f"mindst {bound}", f"at least {bound}")
            if "minimum" in range_match.group(2)
            else Bilingual(f"højst {bound}", f"at most {bound}")
        )
        return RANGE.issue(location, line, value=range_match.group(1), name=name, expected=expected_range)
    if kind in ("SCHEMAV_CVC_COMPLEX_TYPE_2_3", "SCHEMAV_CVC_TYPE_3_1_2"):
        return TEXT_NOT_ALLOWED.issue(location, line, name=name)
    if kind in ("SCHEMAV_CVC_COMPLEX_TYPE_2_1", "SCHEMAV_CVC_ELT_3_2_1"):
        return MUST_BE_EMPTY.issue(location, line, name=name)
    if head and head.group(2):
        return ATTRIBUTE.issue(location, line, attribute=head.group(2), name=name)
    detail = _CLARK.sub("", body)
    return OTHER.issue(location, line, name=name, detail=Bilingual(detail, detail))


_VALUE_RULES = frozenset(r.id for r in (ENUMERATION, PATTERN, LENGTH, DATATYPE, RANGE, OTHER, MOJIBAKE_VALUE))


def schema_issues(schema: etree.XMLSchema, root: etree._Element, *, mojibake: bool = False) -> list[Issue]:
    """Validate ``root`` and translate every libxml2 error; one issue per element and line."""
    if schema.validate(root):
        return []
    issues: list[Issue] = []
    seen: set[tuple[int, str | None]] = set()
    for error in cast("Iterable[etree._LogEntry]", schema.error_log):
        element = _element_at(root, error.path) if error.path else None
        issue = _translate(error, element, mojibake)
        key = (issue.line or 0, issue.location)
        # libxml2 reports every failing facet, then the failing type, for one value; keep the first.
        if key in seen and issue.rule in _VALUE_RULES:
            continue
        seen.add(key)
        issues.append(issue)
    return issues


def _element_at(root: etree._Element, path: str) -> etree._Element | None:
    """The element libxml2 names by ``path``.

    For elements in a default namespace libxml2 writes ``/*/*[2]/*[5]``: each step counts element
    siblings, which is quicker to follow by hand than to compile as XPath. Other paths (prefixed
    or unqualified names) go to XPath.
    """
    steps = path.split("/")
    if steps[:2] == ["", "*"]:
        element = root
        for step in steps[2:]:
            if step == "*":
                index = 0
            elif step[:2] == "*[" and step[-1:] == "]" and step[2:-1].isdigit():
                index = int(step[2:-1]) - 1
            else:
                break
            child = next(islice(element.iterchildren(etree.Element), index, None), None)
            if child is None:
                return None
            element = child
        else:
            return element
    prefixes = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    try:
        found = root.getroottree().xpath(path, namespaces=prefixes)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


def _load(source: Path | bytes) -> etree.XMLSchema:
    # Schemas may include sibling files from disk, but never anything from the network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    if isinstance(source, bytes):
        document = etree.fromstring(source, parser).getroottree()
    else:
        document = etree.parse(str(source), parser)
    return etree.XMLSchema(document)


@cache
def _own_schema(namespace: str) -> etree.XMLSchema:
    name = NAMESPACES[namespace]
    data = resources.files("medcomkit.oioxml").joinpath("schemas", name).read_bytes()
    return _load(data)


@cache
def _official_schema(path: Path) -> etree.XMLSchema:
    return _load(path)


_OFFICIAL_NAMES = {"emessage.xsd"}


@cache
def find_official_schemas(directory: Path) -> dict[str, Path]:
    """Map each namespace to the EMessage.xsd entry point found under ``directory``.

    Works for a directory holding one schema set or a tree of ``yyyy/mm/dd`` folders, as MedCom
    publishes them.
    """
    if not directory.is_dir():
        raise SourceError(
            "schema.xsd-dir",
            Bilingual(
                f"XSD-mappen {directory} findes ikke eller er ikke en mappe.",
                f"The XSD directory {directory} does not exist or is not a directory.",
            ),
        )
    found: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.xsd")):
        if path.name.lower() not in _OFFICIAL_NAMES:
            continue
        for _event, element in etree.iterparse(
            str(path), events=("start",), no_network=True, resolve_entities=False
        ):
            namespace = element.get("targetNamespace")
            if namespace and namespace not in found:
                found[namespace] = path
            break
    return found


def schema_for(namespace: str, xsd_dir: Path | None = None) -> etree.XMLSchema | None:
    """The schema to validate ``namespace`` with: official from ``xsd_dir``, else the project's own."""
    if xsd_dir is not None:
        path = find_official_schemas(xsd_dir.resolve()).get(namespace)
        return _official_schema(path) if path else None
    if namespace not in NAMESPACES:
        return None
    return _own_schema(namespace)
