"""Running the OIOXML business rules over a parsed document, in one pass.

Validation has to stay within a small factor of a bare schema check, so the checks walk each
letter once with lxml's C-level tag filter (``iter(*tags)``) and decide per element; anything
costly (formatted-text walks, CPR and EAN arithmetic) only runs where the bytes say it can
matter. Rules that merely explain a schema error are applied by the schema translation instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import cast

from lxml import etree

from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import MAX_ISSUES, Issue, Severity, omitted_issue
from ..core.rules import IssueCollector, Rule
from ..core.search import contains
from ..core.xmltree import line_of
from ..model.filetypes import content_mismatch
from ..model.identifiers import (
    IDENTIFIER_EXPECTATIONS,
    CprProblem,
    GlnProblem,
    cached_gln_problems,
    cpr_problems,
    gln_check_digit,
    replacement_kind,
)
from . import rules as r
from .base64text import Base64Facts, base64_facts, base64_problem
from .namespaces import LetterVersion
from .object_codes import EXPECTED_OBJECT_CODE

__all__ = ["Checker", "check_escaped_markup", "explain_html", "formatted_length"]

BLOCK_LIMIT = 3150
TEXT_LIMIT = 31150
MESSAGE_LIMIT = 100 * 1024 * 1024

_UUID_HYPHENS = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TIMEZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")
_ESCAPED_TAG = re.compile(r"<\s*/?\s*(?:Break|Space|Bold|Italic|Underline|Center|Right|FixedFont)\s*/?\s*>")
_CHARACTER_REFERENCE = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")
_NON_LATIN1 = re.compile("[^\x00-\xff]")
_SKS_DIAGNOSIS = re.compile(r"D[A-Z]")  # SKS diagnosis codes are written with their leading D

# Elements the checks look at, per message type; everything else is the schema's business.
# (lxml's C-level tag filter is far cheaper than reading every element's tag in Python.)
_COMMON = ("Identifier", "StatisticalCode", "Date", "EANIdentifier")
_PARTY = ("IdentifierCode",)  # receipts name their parties by EAN only
_PATIENT = ("CivilRegistrationNumber", "AlternativeIdentifier")
_FORMATTED = frozenset(
    {
        "Text01",
        "RefuseText",
        "Cave",
        "Anamnesis",
        "Examination",
        "ActualMedicine",
        "Supplementary",
        "ClinicalReason",
        "Information",
    }
)
_WATCHED: dict[Kind, tuple[str, ...]] = {
    Kind.XDIS91: (
        *_COMMON,
        *_PARTY,
        *_PATIENT,
        "EpisodeOfCareIdentifier",
        "Subject",
        "Text01",
        "ObjectIdentifier",
    ),
    Kind.XBIN01: (*_COMMON, *_PARTY, *_PATIENT, "BinaryObject", "SystemInformation"),
    Kind.XREF01: (
        *_COMMON,
        *_PARTY,
        *_PATIENT,
        "EpisodeOfCareIdentifier",
        "ObjectIdentifier",
        "DiagnoseCode",
        *sorted(_FORMATTED),
    ),
    # A negative receipt must give a reason; only a positive one must list the letters it accepts.
    Kind.XCTL01: (*_COMMON, "AcknowledgementCode", "RefuseCode", "RefuseText"),
    Kind.XCTL03: (*_COMMON, "AcknowledgementCode", "OriginalLetter"),
}
_WATCHED[Kind.XCTL02] = _WATCHED[Kind.XCTL01]
_MEDCOM_FORMATTING = frozenset(
    {"Break", "Space", "Bold", "Italic", "Underline", "Center", "Right", "FixedFont"}
)
_RECEIPTS = frozenset({Kind.XCTL01, Kind.XCTL02, Kind.XCTL03})
_FILE_FACTS = (
    "ObjectIdentifier",
    "ObjectCode",
    "ObjectExtensionCode",
    "OriginalObjectSize",
    "Object_Base64Encoded",
)
_PARTIES = frozenset(
    {"Sender", "Receiver", "AnswerCCReceiver", "CCReceiver", "Referrer", "OriginalSender", "OriginalReceiver"}
)


_Handler = Callable[["_LetterState", etree._Element], None]  # one per watched element name


@dataclass(frozen=True)
class _Names:
    """Clark names for one namespace, computed once."""

    ns: str
    local: dict[str, str]  # Clark name -> local name
    handlers: dict[str, _Handler]  # Clark name -> what to do with such an element
    identifier: str  # the Clark name of Identifier, which one handler compares against
    # A formatted text's length as MedCom counts it. (Namespaced steps: libxml2 evaluates them
    # far faster than a local-name() test.)
    text_length: etree.XPath

    def __call__(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"


@cache
def _names(ns: str) -> _Names:
    everything = {n for names in _WATCHED.values() for n in names}
    everything |= {*_PARTIES, "Letter", "Envelope", "Contents", *_FILE_FACTS}
    return _Names(
        ns,
        {f"{{{ns}}}{n}": n for n in everything},
        {f"{{{ns}}}{n}": handler for n, handler in _HANDLERS.items()},
        f"{{{ns}}}Identifier",
        etree.XPath(
            "string-length(.) + count(.//m:Break) + count(.//m:Space)",
            namespaces={"m": ns},
            smart_strings=False,
        ),
    )


# The tag filter per message type, written "{*}Name": lxml sets up a wildcard-namespace filter
# faster than a namespaced one, and that set-up is a large part of walking a short receipt.
# Elements of a foreign namespace that match are skipped by the handler lookup.
_FILTERS: dict[Kind, tuple[str, ...]] = {
    kind: tuple(f"{{*}}{name}" for name in names) for kind, names in _WATCHED.items()
}


class Checker(IssueCollector):
    """Business-rule issues for one Emessage."""

    __slots__ = ("_clark_prefix", "_omitted", "_tree", "_worst", "data", "ns", "payloads")

    def __init__(self, ns: str, data: bytes, payloads: Mapping[str, Base64Facts] | None = None) -> None:
        super().__init__()
        self.ns = ns
        self.data = data
        self.payloads = payloads  # attachment texts set aside before parsing, by their marker
        self._clark_prefix = f"{{{ns}}}"
        self._omitted = 0
        self._worst = Severity.INFORMATION
        self._tree: etree._ElementTree | None = None  # the document's, once an issue needs a path

    def locate(self, element: etree._Element | None) -> tuple[str | None, int | None]:
        """The element's path below ``/Emessage`` (without namespace) and its line."""
        if element is None:
            return None, None
        tree = self._tree
        if tree is None:
            tree = self._tree = element.getroottree()
        path = tree.getelementpath(element)
        location = "/Emessage" if path == "." else "/Emessage/" + path.replace(self._clark_prefix, "")
        return location, line_of(element)

    def add(self, check: Rule, element: etree._Element | None, /, **params: object) -> None:
        if len(self.issues) >= MAX_ISSUES:
            # Past what a report shows, only count: an element path costs time linear in the
            # element's siblings, so a million of them would take hours and gigabytes.
            self.count_omitted(1, check.severity)
            return
        super().add(check, element, **params)

    def count_omitted(self, count: int, severity: Severity) -> None:
        """Count ``count`` issues of ``severity`` that the report will not list."""
        if count:
            self._omitted += count
            if severity is Severity.ERROR or self._worst is Severity.INFORMATION:
                self._worst = severity

    def all_issues(self) -> list[Issue]:
        """The issues kept, then one standing for those only counted."""
        if not self._omitted:
            return self.issues
        return [*self.issues, omitted_issue(self._omitted, self._worst)]

    # --- the envelope -----------------------------------------------------------------------------

    def document(
        self,
        root: etree._Element,
        envelope: etree._Element | None,
        letters: list[tuple[etree._Element, LetterVersion]],
        letter_count: int,
    ) -> None:
        """Check the envelope and every supported letter."""
        if not letter_count:
            self.add(r.NO_LETTER, root)
        elif letter_count > 1:
            self.add(r.SEVERAL_LETTERS, letters[1][0] if len(letters) > 1 else root, count=letter_count)
        if len(letters) == 1 and len(root) == 2 and envelope is not None:
            # The usual shape, Envelope plus one letter: one walk covers both.
            self._letter(root, *letters[0])
            return
        if envelope is not None:
            names = _names(self.ns)
            identifier, date = names("Identifier"), names("Date")
            for element in envelope.iter(identifier, date, names("AcknowledgementCode")):
                if element.tag == identifier:
                    self._alphanumeric(element, "Envelope/Identifier")
                elif element.tag == date:
                    self._date(element)
                elif letters and letters[0][1].kind in _RECEIPTS:
                    _check_receipt_acknowledgement(self, element)
        for letter, version in letters:
            self._letter(letter, letter, version)

    def _letter(self, scope: etree._Element, letter: etree._Element, version: LetterVersion) -> None:
        names = _names(self.ns)
        state = _LetterState(self, names, version, len(self.data) > BLOCK_LIMIT)
        handler_for = names.handlers.get
        for element in scope.iter(*_FILTERS[version.kind]):
            handler = handler_for(element.tag)
            if handler is not None:
                handler(state, element)
        kind = version.kind
        if kind is Kind.XDIS91:
            self._xdis91_summary(letter, version, state.texts, state.has_subject, state.text_size)
        elif kind is Kind.XREF01:
            self._xref01_summary(letter, version, names)
        elif kind is Kind.XBIN01:
            self._xbin01_summary(letter, version, names, state.text_size)
        elif kind in _RECEIPTS:
            self._receipt_summary(letter, state)

    # --- single values ----------------------------------------------------------------------------

    def _alphanumeric(self, element: etree._Element, what: str) -> None:
        if element.text and not _alphanumeric(element.text):
            self.add(r.IDENTIFIER_FORMAT, element, what=what, value=element.text)

    def _date(self, element: etree._Element) -> None:
        text = element.text
        if text and len(text) > 10 and _TIMEZONE.search(text.strip()):
            self.add(r.DATE_TIMEZONE, element, value=text.strip())

    def _ean(self, element: etree._Element, value: str, problem: GlnProblem, *, vans_allowed: bool) -> None:
        if problem is GlnProblem.FORMAT:
            if not (vans_allowed and value.isalnum()):
                self.add(r.EAN_FORMAT, element, value=value)
        else:
            self.add(r.EAN_CHECK_DIGIT, element, value=value, expected=gln_check_digit(value[:12]))

    def _cpr(self, element: etree._Element) -> None:
        value = element.text
        if not value:
            return
        problems = cpr_problems(value)
        if CprProblem.DATE in problems:
            self.add(r.CPR_DATE, element, value=value)
        if CprProblem.MODULUS11 in problems:
            self.add(r.CPR_MODULUS11, element, value=value)

    def _identifier_code(self, identifier: etree._Element | None, code: etree._Element | None) -> None:
        if identifier is None or code is None or not identifier.text or not code.text:
            return
        expectation = IDENTIFIER_EXPECTATIONS.get(code.text)
        if expectation and not expectation[0](identifier.text):
            self.add(
                r.IDENTIFIER_CODE, identifier, value=identifier.text, code=code.text, expected=expectation[1]
            )

    def _object_id(self, element: etree._Element, seen: dict[str, etree._Element]) -> None:
        if not element.text:
            return
        key = element.text.replace("-", "").lower()
        if key in seen:
            self.add(r.ATTACHMENT_ID_DUPLICATE, element, value=element.text)
        seen[key] = element

    def _object_code(self, code: etree._Element | None, extension: etree._Element | None) -> None:
        if code is None or extension is None:
            return
        expected = EXPECTED_OBJECT_CODE.get(extension.text or "")
        if expected and code.text != expected:
            self.add(
                r.OBJECT_CODE, code, code=code.text or "", extension=extension.text or "", expected=expected
            )

    def _binary_object(self, obj: etree._Element, object_ids: dict[str, etree._Element]) -> int:
        """Check one XBIN01 BinaryObject; return its decoded size."""
        local = _names(self.ns).local
        fields = {local.get(child.tag): child for child in obj}  # comments map to None
        identifier = fields.get("ObjectIdentifier")
        if identifier is not None:
            self._object_id(identifier, object_ids)
        self._object_code(fields.get("ObjectCode"), fields.get("ObjectExtensionCode"))
        payload = fields.get("Object_Base64Encoded")
        if payload is None:
            return 0
        text = payload.text or ""
        facts = self.payloads.get(text) if self.payloads else None
        if facts is None:
            facts = base64_facts(text)
        if facts is None:
            self.add(r.BASE64, payload, detail=base64_problem(text))
            return 0
        size = fields.get("OriginalObjectSize")
        declared = _int(size.text if size is not None else None)
        if size is not None and declared is not None and declared != facts.size:
            self.add(r.OBJECT_SIZE, size, declared=declared, actual=facts.size)
        extension = fields.get("ObjectExtensionCode")
        if extension is not None and extension.text:
            actual = content_mismatch(extension.text, facts.head)
            if actual is not None:
                self.add(r.CONTENT_TYPE, payload, extension=extension.text, actual=actual)
        return facts.size

    # --- per message type -------------------------------------------------------------------------

    def _xdis91_summary(
        self,
        letter: etree._Element,
        version: LetterVersion,
        texts: list[etree._Element],
        subject: bool,
        size: int,
    ) -> None:
        if version.version_code != "XD9133L" and not subject:
            self.add(r.SUBJECT_MISSING, letter)
        if not any((text.text and text.text.strip()) or len(text) for text in texts):
            self.add(r.TEXT_MISSING, letter)
        if size > TEXT_LIMIT:
            self.add(r.TEXT_SIZE, texts[0], size=size)

    def _xref01_summary(self, letter: etree._Element, version: LetterVersion, names: _Names) -> None:
        head = next(letter.iterchildren(names("Letter")), None)
        if version.version_code == "XH0131R" and head is not None:
            self._episode_of_care(head, names)
        additional = next(letter.iterchildren(names("AdditionalInformation")), None)
        reason = (
            next(additional.iterchildren(names("ClinicalReason")), None) if additional is not None else None
        )
        diagnoses = next(letter.iterchildren(names("Referral")), None)
        refer = next(diagnoses.iterchildren(names("Refer")), None) if diagnoses is not None else None
        has_reason = reason is not None and bool((reason.text and reason.text.strip()) or len(reason))
        if refer is None and not has_reason:
            self.add(r.REASON_MISSING, letter)

    def _episode_of_care(self, head: etree._Element, names: _Names) -> None:
        """XH0131R: name the missing EpisodeOfCare where the schema complains about it (the end of
        Letter, or an XH0130R-style EpisodeOfCareIdentifier in its place)."""
        children = [child for child in head if isinstance(child.tag, str)]
        tags = [child.tag for child in children]
        if names("EpisodeOfCare") in tags or names("StatusCode") not in tags:
            return
        following = children[tags.index(names("StatusCode")) + 1 :]
        if not following:
            self.add(r.EPISODE_OF_CARE, head, found="")
        elif following[0].tag == names("EpisodeOfCareIdentifier"):
            found = Bilingual(
                " Her står <EpisodeOfCareIdentifier> direkte i <Letter> som i XH0130R; i XH0131R hører det "
                "til i <EpisodeOfCare> sammen med <EpisodeOfCareType>.",
                " Here <EpisodeOfCareIdentifier> stands directly in <Letter>, as in XH0130R; in XH0131R it "
                "belongs in <EpisodeOfCare> together with <EpisodeOfCareType>.",
            )
            self.add(r.EPISODE_OF_CARE, following[0], found=found)

    def _xbin01_summary(
        self, letter: etree._Element, version: LetterVersion, names: _Names, size: int
    ) -> None:
        if version.version_code == "XB0130X":
            sender = next(letter.iterchildren(names("Sender")), None)
            if sender is not None:
                present = {child.tag for child in sender}
                missing = [
                    n for n in ("StreetName", "DistrictName", "PostCodeIdentifier") if names(n) not in present
                ]
                if missing:
                    self.add(r.SENDER_ADDRESS, sender, missing=", ".join(missing))
        if size > MESSAGE_LIMIT:
            self.add(r.TOTAL_SIZE, letter, size=size)

    def _receipt_summary(self, letter: etree._Element, state: _LetterState) -> None:
        eans, kind = state.receipt_eans, state.kind
        # A receipt answers the original letter, so its parties are the original's, swapped. The
        # schema orders the numbers Sender, Receiver, OriginalSender, OriginalReceiver: values that
        # read x, y, y, x agree, and only otherwise is it worth looking up whose each number is.
        # (Where the order is not the schema's, the schema reports that.)
        values = [value for _, value in eans]
        agree = (
            len(values) == 4 and values[1] == values[2] and (values[0] == values[3] or kind is Kind.XCTL01)
        )
        if not agree:
            self._receipt_parties({_party(state.names, e): (e, v) for e, v in eans}, kind)
        if kind is Kind.XCTL03:
            missing = None if state.original_letters else r.RECEIPT_NO_LETTERS
        else:
            missing = None if state.refusals else r.RECEIPT_NO_REASON
        if missing is not None:  # said at OriginalEmessage; if that is missing, the schema says so
            original = next(letter.iterchildren(self._clark_prefix + "OriginalEmessage"), None)
            if original is not None:
                self.add(missing, original)

    def _receipt_parties(self, eans: dict[str, tuple[etree._Element, str]], kind: Kind) -> None:
        pairs = [("Receiver", "OriginalSender")]
        if kind is not Kind.XCTL01:  # VANS itself sends XCTL01, from its own address
            pairs.append(("Sender", "OriginalReceiver"))
        for party, original_party in pairs:
            ours, theirs = eans.get(party), eans.get(original_party)
            if ours is not None and theirs is not None and ours[1] != theirs[1]:
                self.add(
                    r.RECEIPT_PARTIES,
                    ours[0],
                    field=party,
                    value=ours[1],
                    expected_field=Bilingual(original_party, original_party),
                    expected=theirs[1],
                )

    # --- whole document ---------------------------------------------------------------------------

    def characters(self, root: etree._Element, encoding: str) -> None:
        """Warn once about a character outside ISO-8859-1 (EDIFACT cannot carry it)."""
        data = self.data
        suspicious = (encoding in ("utf-8", "utf8") and not _latin1_only(data)) or (
            contains(data, b"&#")
            and any(
                int(v[1:], 16) > 0xFF if v[:1] == b"x" else int(v) > 0xFF
                for v in _CHARACTER_REFERENCE.findall(data)
            )
        )
        if not suspicious:
            return
        for text in root.itertext():
            match = _NON_LATIN1.search(str(text))
            if match:
                self.add(r.NON_LATIN1, None, char=match.group(), code=ord(match.group()))
                return


class _LetterState:
    """What the checks collect while walking one letter."""

    __slots__ = (
        "checker",
        "escaped",
        "has_subject",
        "identifier",
        "kind",
        "long_text",
        "names",
        "object_ids",
        "original_letters",
        "receipt",
        "receipt_eans",
        "refusals",
        "text_size",
        "texts",
        "version",
    )

    def __init__(self, checker: Checker, names: _Names, version: LetterVersion, long_text: bool) -> None:
        self.checker = checker
        self.names = names
        self.version = version
        self.kind = version.kind
        self.receipt = version.kind in _RECEIPTS
        self.identifier = names.identifier
        self.long_text = long_text
        self.escaped: bool | None = None
        self.receipt_eans: list[tuple[etree._Element, str]] = []  # EAN elements and values, in order
        self.object_ids: dict[str, etree._Element] = {}
        self.texts: list[etree._Element] = []
        self.has_subject = False
        self.original_letters = 0
        self.refusals = 0
        self.text_size = 0


def _on_identifier(state: _LetterState, element: etree._Element) -> None:
    # Envelope and letter ids must be alphanumeric; only a value that is not needs its place known.
    text = element.text
    if text and not (text.isascii() and text.isalnum()):
        parent = state.names.local.get(element.getparent().tag)  # type: ignore[union-attr]
        if parent == "Letter" or parent == "Envelope":
            state.checker.add(r.IDENTIFIER_FORMAT, element, what=f"{parent}/Identifier", value=text)


def _on_identifier_code(state: _LetterState, element: etree._Element) -> None:
    identifier = element.getprevious()
    if identifier is not None and identifier.tag == state.identifier:
        state.checker._identifier_code(identifier, element)


def _on_ean(state: _LetterState, element: etree._Element) -> None:
    value = element.text or ""
    problems = cached_gln_problems(value) if value else ()
    if state.receipt:
        state.receipt_eans.append((element, value))
        if problems:
            vans_allowed = state.kind is Kind.XCTL01 and _party(state.names, element) == "Sender"
            state.checker._ean(element, value, problems[0], vans_allowed=vans_allowed)
    elif problems:
        state.checker._ean(element, value, problems[0], vans_allowed=False)


def _party(names: _Names, ean: etree._Element) -> str:
    """Whose EANIdentifier this is: Sender, Receiver, OriginalSender …"""
    parent = ean.getparent()
    return names.local.get(parent.tag, "") if parent is not None else ""


def _on_date(state: _LetterState, element: etree._Element) -> None:
    text = element.text
    if text and len(text) > 10:  # only a date with a zone suffix is longer than YYYY-MM-DD
        state.checker._date(element)


def _on_cpr(state: _LetterState, element: etree._Element) -> None:
    state.checker._cpr(element)


def _on_statistical_code(state: _LetterState, element: etree._Element) -> None:
    expected = state.version.statistical_code
    if (element.text or "") != expected:
        state.checker.add(r.STATISTICAL_CODE, element, value=element.text or "", expected=expected)


def _on_replacement_cpr(state: _LetterState, element: etree._Element) -> None:
    if element.text and replacement_kind(element.text) is None:
        state.checker.add(r.REPLACEMENT_CPR, element, value=element.text)


def _on_episode(state: _LetterState, element: etree._Element) -> None:
    text = element.text
    if text and "-" in text and _UUID_HYPHENS.fullmatch(text.strip()):
        state.checker.add(r.EPISODE_HYPHENS, element, value=text)


def _on_diagnose_code(state: _LetterState, element: etree._Element) -> None:
    text = element.text
    if not text or _SKS_DIAGNOSIS.match(text):
        return
    system = element.getnext()
    if (
        system is not None
        and system.tag == state.names("DiagnoseTypeCode")
        and system.text == "SKSdiagnosekode"
    ):
        state.checker.add(r.SKS_DIAGNOSIS_CODE, element, value=text)


def _on_subject(state: _LetterState, element: etree._Element) -> None:
    state.has_subject = True


def _on_formatted(state: _LetterState, element: etree._Element) -> None:
    name = element.tag.rpartition("}")[2]
    if name == "Text01":
        state.texts.append(element)
    elif name == "RefuseText":
        state.refusals += 1
    if state.escaped is None:  # decided once, when the first formatted text turns up
        data = state.checker.data
        # Text can only hold a "<" written as a reference or inside CDATA.
        state.escaped = contains(data, b"&lt;") or contains(data, b"&#") or contains(data, b"![CDATA[")
    if state.escaped:
        check_escaped_markup(state.checker, element)
    # Only Text01 has size limits; a shorter document cannot hold a text over them.
    if name == "Text01" and state.long_text:
        size = formatted_length(state.names, element)
        state.text_size += size
        if size > BLOCK_LIMIT:
            state.checker.add(r.BLOCK_SIZE, element, size=size)


def _on_object_identifier(state: _LetterState, element: etree._Element) -> None:
    # An attachment reference (Reference/BIN): its id, then the file kind, which must fit the format.
    state.checker._object_id(element, state.object_ids)
    local = state.names.local
    code = element.getnext()
    extension = code.getnext() if code is not None else None
    if (
        code is None
        or extension is None
        or local.get(code.tag) != "ObjectCode"
        or local.get(extension.tag) != "ObjectExtensionCode"
    ):  # not in the schema's order, which the schema reports: find the two by name
        parent = element.getparent()
        if parent is None:
            return
        code = next(parent.iterchildren(state.names("ObjectCode")), None)
        extension = next(parent.iterchildren(state.names("ObjectExtensionCode")), None)
    state.checker._object_code(code, extension)


def _on_binary_object(state: _LetterState, element: etree._Element) -> None:
    state.text_size += state.checker._binary_object(element, state.object_ids)


def _on_system_information(state: _LetterState, element: etree._Element) -> None:
    following = element.getnext()
    if following is None or following.tag != state.names("Contents"):
        state.checker.add(r.SYSTEM_CONTENTS, element)


def _check_receipt_acknowledgement(checker: Checker, element: etree._Element) -> None:
    if element.text == "pluspositivkvitt":
        checker.add(r.ACK_CODE, element)


def _on_acknowledgement_code(state: _LetterState, element: etree._Element) -> None:
    _check_receipt_acknowledgement(state.checker, element)


def _on_original_letter(state: _LetterState, element: etree._Element) -> None:
    state.original_letters += 1


def _on_refuse_code(state: _LetterState, element: etree._Element) -> None:
    state.refusals += 1


# One small function per watched element: a dict lookup is cheaper than a chain of comparisons.
_HANDLERS: dict[str, _Handler] = {
    "Identifier": _on_identifier,
    "IdentifierCode": _on_identifier_code,
    "EANIdentifier": _on_ean,
    "Date": _on_date,
    "StatisticalCode": _on_statistical_code,
    "CivilRegistrationNumber": _on_cpr,
    "AlternativeIdentifier": _on_replacement_cpr,
    "EpisodeOfCareIdentifier": _on_episode,
    "Subject": _on_subject,
    "DiagnoseCode": _on_diagnose_code,
    **dict.fromkeys(_FORMATTED, _on_formatted),
    "ObjectIdentifier": _on_object_identifier,
    "BinaryObject": _on_binary_object,
    "SystemInformation": _on_system_information,
    "AcknowledgementCode": _on_acknowledgement_code,
    "OriginalLetter": _on_original_letter,
    "RefuseCode": _on_refuse_code,
}


def explain_html(element: etree._Element, location: str) -> Issue | None:
    """The ``oioxml.formatted-text-html`` issue when ``element`` (at ``location``) is HTML inside
    formatted text.

    Called for the element a schema check found unexpected; it counts every element of the same
    name in that text, since the schema reports only the first.
    """
    name = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
    fix = r.HTML_FIX.get(name.lower())
    if fix is None or name in _MEDCOM_FORMATTING:
        return None
    field_element = next((a for a in element.iterancestors() if a.tag.rpartition("}")[2] in _FORMATTED), None)
    if field_element is None:
        return None
    count = sum(1 for node in field_element.iter(element.tag))
    times = (
        Bilingual(f" ({count} gange i denne tekst)", f" ({count} times in this text)") if count > 1 else ""
    )
    return r.HTML_IN_TEXT.issue(location, line_of(element), tag=name, fix=Bilingual(*fix), times=times)


_TEXTS = etree.XPath(".//text()", smart_strings=False)


def _alphanumeric(text: str) -> bool:
    """Only A-Z, a-z and 0-9 (string methods are quicker than a regular expression here)."""
    return text.isascii() and text.isalnum()


def _latin1_only(utf8: bytes) -> bool:
    """True when UTF-8 bytes hold no character above U+00FF (encoding to Latin-1 is C-fast)."""
    try:
        utf8.decode("utf-8").encode("latin-1")
    except UnicodeError:
        return False
    return True


def check_escaped_markup(checker: Checker, field_element: etree._Element) -> None:
    """Warn when a formatted-text field holds MedCom markup written as escaped text."""
    # Text nodes joined with a character no tag contains, so a match cannot span two of them.
    match = _ESCAPED_TAG.search("\x00".join(cast("list[str]", _TEXTS(field_element))))
    if match:
        checker.add(r.ESCAPED_MARKUP, field_element, sample=match.group(0))


def formatted_length(names: _Names, field_element: etree._Element) -> int:
    """A formatted text's length as MedCom counts it: characters, plus one per Break and Space."""
    return int(cast(float, names.text_length(field_element)))


def _int(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None
