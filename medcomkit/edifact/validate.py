"""Validation of EDIFACT interchanges: envelopes, segment order, values, then MedCom's business
rules on the message as read — the same rules, with the same texts, as for the OIOXML twin.

Every issue names the segment (number and tag) with its line and column. Nothing here raises
for bad input; a message that cannot be read becomes an issue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..core.errors import ParseError
from ..core.kinds import Kind
from ..core.report import Issue, Severity
from ..core.rules import IssueCollector, issue_for_error
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
from ..model.markup import length
from ..model.messages import (
    Attachment,
    AttachmentMessage,
    CareMessage,
    Organisation,
    PersonIdKind,
    Receipt,
    ReceiptKind,
    Referral,
)
from ..oioxml.codes import EXPECTED_OBJECT_CODE
from ..oioxml.common import IDENTIFIER_CODE_NAMES
from . import rules as r
from .codes import EXTENSIONS, OBJECT_CODES, reverse
from .common import parse_ccyymmddhhmm, parse_unb_moment
from .envelope import Interchange, Message, open_interchange
from .fast import fast_dis91
from .ftx import FORMAT_STYLES, LINE, LINES_PER_FTX
from .grammar import GRAMMARS, match
from .read import EdifactMessage, _readers
from .syntax import Segment

__all__ = ["validate_edifact", "validate_in_full"]

TEXT_LIMIT = 31150
FTX_PER_BLOCK = 9
MESSAGE_LIMIT = 100 * 1024 * 1024
_UUID_HYPHENS = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SKS_DIAGNOSIS = re.compile(r"D[A-Z]")
_MEDCOM_TYPES = ("MED", "CONTRL", "PRODAT")
_EXTENSION_NAMES = reverse(EXTENSIONS)
_OBJECT_NAMES = reverse(OBJECT_CODES)


class _Collector(IssueCollector):
    """The issues of one interchange, placed by segment."""

    __slots__ = ("interchange",)

    def __init__(self, interchange: Interchange) -> None:
        super().__init__()
        self.interchange = interchange

    def locate(self, segment: Segment | None) -> tuple[str | None, int | None]:
        return self.interchange.syntax.where(segment)


def validate_edifact(data: bytes) -> tuple[Kind, list[Issue]]:
    """Validate an EDIFACT interchange; returns its kind and every issue in segment order."""
    found = fast_dis91(data)  # the common case, checked in C (see .fast)
    if found is not None:
        return Kind.DIS91, found
    return validate_in_full(data)


def validate_in_full(data: bytes) -> tuple[Kind, list[Issue]]:
    """:func:`validate_edifact` without the fast path (every check, every time)."""
    interchange = open_interchange(data)
    collector = _Collector(interchange)
    collector.issues.extend(interchange.issues)
    if interchange.unb is not None:
        _unb_values(collector, interchange.unb)
    kind = interchange.kind
    for message in interchange.messages:
        found = message.type
        if found is None or found.kind is None:
            _unsupported(collector, message)
            continue
        if message.unh.get(3) != found.name:
            collector.add(
                r.MESSAGE_IDENTIFIER,
                message.unh,
                found=message.unh.get(3),
                type=found.type,
                version=found.version,
                expected=found.name,
            )
        try:
            _message(collector, message, found.kind)
        except Exception as error:  # a check that breaks on a malformed message becomes an issue
            collector.add(r.CHECK_FAILED, message.unh, detail=type(error).__name__)
    issues = collector.issues
    issues.sort(key=lambda i: i.line or 0)
    return kind, issues


def _message(collector: _Collector, message: Message, kind: Kind) -> None:
    """Order and values; then, when those allow reading, the business rules on the model."""
    interchange = collector.interchange
    before = len(collector.issues)
    _order(collector, message, kind)
    _values(collector, message)
    if any(i.severity is Severity.ERROR for i in collector.issues[before:]) or not _readable(interchange):
        return
    try:
        model = _readers()[kind](interchange, message)
    except ParseError as error:
        collector.issues.append(issue_for_error(error))
        return
    _business(collector, message, kind, model)


def _readable(interchange: Interchange) -> bool:
    unb = interchange.unb
    return unb is not None and parse_unb_moment(unb.get(4, 1), unb.get(4, 2)) is not None


def _unsupported(collector: _Collector, message: Message) -> None:
    message_type, version = message.unh.get(2, 1), message.unh.get(2, 5)
    medcom = message_type.startswith(_MEDCOM_TYPES)
    collector.add(
        r.MESSAGE_UNSUPPORTED,
        message.unh,
        name=message.unh.get(3) or ("MedCom" if medcom else "?"),
        type=message_type or "?",
        version=version or "?",
    )


# --- structure ------------------------------------------------------------------------------------


def _order(collector: _Collector, message: Message, kind: Kind) -> None:
    grammar = GRAMMARS[kind]
    body = message.body
    mismatch = match(grammar, [s.tag for s in body])
    if mismatch is None:
        return
    at = body[mismatch.index] if mismatch.index < len(body) else message.unt or message.unh
    order = " ".join(item.tag for item in grammar)
    if mismatch.missing is not None:
        collector.add(
            r.MISSING_SEGMENT,
            at,
            kind=kind.value,
            tag=mismatch.missing,
            where=f" (før / before {at.tag})",
        )
    else:
        collector.add(
            r.UNEXPECTED_SEGMENT,
            at,
            tag=at.tag,
            kind=kind.value,
            expected=f" (rækkefølge / order: {order})",
        )


# --- values ---------------------------------------------------------------------------------------

_Check = tuple[int, int, int, str]  # element, component, maximum length, what
_LENGTHS: dict[str, tuple[_Check, ...]] = {
    "NAD": (
        (2, 1, 17, "NAD identifikator / identifier"),
        (4, 1, 35, "NAD organisationsnavn / organisation name"),
        (4, 2, 35, "NAD afdeling / department"),
        (4, 3, 35, "NAD enhed / unit"),
    ),
    "ADR": (
        (2, 2, 35, "ADR gade / street"),
        (2, 3, 35, "ADR bydel / suburb"),
        (3, 1, 35, "ADR by / city"),
        (4, 1, 9, "ADR postnummer / postcode"),
    ),
    "PNA": (
        (2, 1, 10, "PNA CPR-nummer / CPR number"),
        (5, 2, 70, "PNA efternavn / surname"),
        (6, 2, 70, "PNA fornavn / given name"),
    ),
    "CON": ((2, 1, 25, "CON telefonnummer / telephone number"),),
}


def _unb_values(collector: _Collector, unb: Segment) -> None:
    if parse_unb_moment(unb.get(4, 1), unb.get(4, 2)) is None and unb.get(4, 1):
        collector.add(
            r.DATE,
            unb,
            what="UNB",
            value=f"{unb.get(4, 1)}:{unb.get(4, 2)}",
            expected="ÅÅMMDD:TTMM / YYMMDD:HHMM",
        )
    if len(unb.get(5)) > 14:
        collector.add(
            r.VALUE_LENGTH,
            unb,
            what="UNB kontrolreference / control reference",
            length=len(unb.get(5)),
            limit=14,
        )
    ack = unb.get(9)
    if ack not in ("", "0", "1"):
        collector.add(
            r.VALUE_FORMAT,
            unb,
            what="UNB kvitteringskode / acknowledgement request",
            value=ack,
            expected="0 eller/or 1",
        )


def _values(collector: _Collector, message: Message) -> None:
    reference = message.reference
    if not reference:
        collector.add(r.MISSING_VALUE, message.unh, what="UNH meddelelsesreference / message reference")
    elif len(reference) > 14:
        collector.add(
            r.VALUE_LENGTH,
            message.unh,
            what="UNH meddelelsesreference / message reference",
            length=len(reference),
            limit=14,
        )
    _ftx_groups(collector, message)
    for item in message.body:
        for element, component, limit, what in _LENGTHS.get(item.tag, ()):
            value = item.get(element, component)
            if len(value) > limit:
                collector.add(r.VALUE_LENGTH, item, what=what, length=len(value), limit=limit)
        check = _VALUE_CHECKS.get(item.tag)
        if check is not None:
            check(collector, item)


def _ftx_groups(collector: _Collector, message: Message) -> None:
    """A DIS91 text block (S14) holds at most nine FTX (the subject and eight, or nine), as MedCom's
    converter requires; more is read, but the converter and older receivers reject it."""
    if message.unh.get(2, 1) != "MEDDIS":
        return
    group: Segment | None = None
    count = 0
    for item in [*message.body, None]:
        if item is None or item.tag == "S14":
            if group is not None and count > FTX_PER_BLOCK:
                collector.add(r.FTX_GROUP, group, group="S14", count=count, limit=FTX_PER_BLOCK)
            group, count = item, 0
        elif item.tag == "FTX" and item.qualifier not in ("BIN", "URL", "SUP"):
            count += 1


def _dtm(collector: _Collector, item: Segment) -> None:
    if item.get(1, 3) != "203" or parse_ccyymmddhhmm(item.get(1, 2)) is None:
        collector.add(
            r.DATE,
            item,
            what=f"DTM+{item.get(1)}",
            value=f"{item.get(1, 2)}:{item.get(1, 3)}",
            expected="ÅÅÅÅMMDDTTMM:203 / CCYYMMDDHHMM:203",
        )


def _ftx(collector: _Collector, item: Segment) -> None:
    lines = item.elements[3] if len(item.elements) >= 4 else []
    if len(lines) > LINES_PER_FTX:
        collector.add(r.FTX_LINES, item, count=len(lines))
    for line in lines:
        if len(line) > LINE:
            collector.add(
                r.VALUE_LENGTH, item, what="FTX tekstlinje / text line", length=len(line), limit=LINE
            )
            break
    code = item.get(2)
    if code and code not in FORMAT_STYLES:
        collector.add(r.FORMAT_CODE, item, value=code)


def _gis(collector: _Collector, item: Segment) -> None:
    if item.get(1) not in ("N", "M"):
        collector.add(r.CODE_UNKNOWN, item, what="GIS", value=item.get(1), known="N, M")


def _pna(collector: _Collector, item: Segment) -> None:
    if item.qualifier != "PAT":
        return  # a relative (REF01 PNA+PAS) may be identified otherwise
    cpr = item.get(2, 1)
    if cpr and not (len(cpr) == 10 and cpr.isdigit()):
        collector.add(
            r.VALUE_FORMAT,
            item,
            what="PNA CPR-nummer / CPR number",
            value=cpr,
            expected="10 cifre / 10 digits",
        )
    if not item.get(5, 2):
        collector.add(r.MISSING_VALUE, item, what="PNA efternavn / surname")


_VALUE_CHECKS: dict[str, Callable[[_Collector, Segment], None]] = {
    "DTM": _dtm,
    "FTX": _ftx,
    "GIS": _gis,
    "PNA": _pna,
}


# --- business rules (the OIOXML twin's) -----------------------------------------------------------


def _business(collector: _Collector, message: Message, kind: Kind, model: EdifactMessage) -> None:
    interchange = collector.interchange
    unb = interchange.unb
    _identifier(collector, unb, "UNB kontrolreference / control reference", unb.get(5) if unb else "")
    _identifier(collector, message.unh, "UNH meddelelsesreference / message reference", message.reference)
    receipt = isinstance(model, Receipt)
    if unb is not None:
        _ean(collector, unb, unb.get(2, 1), vans_allowed=kind is Kind.CTL01)
        _ean(collector, unb, unb.get(3, 1), vans_allowed=False)
    if isinstance(model, CareMessage | AttachmentMessage | Referral):
        _party(collector, message, "NAD", model.sender)
        _party(collector, message, "NAD", model.receiver)
        if model.patient is not None:
            _patient(collector, message, model.patient.identifier.kind, model.patient.identifier.value)
    if isinstance(model, CareMessage):
        _care_message(collector, message, model)
    elif isinstance(model, Referral):
        _referral(collector, message, model)
    elif isinstance(model, AttachmentMessage):
        _attachments(collector, message)
    elif receipt:
        _receipt(collector, message, model, kind)


def _identifier(collector: _Collector, segment: Segment | None, what: str, value: str) -> None:
    if value and not value.isalnum():
        collector.add(r.IDENTIFIER_FORMAT, segment, what=what, value=value)


def _ean(collector: _Collector, segment: Segment, value: str, *, vans_allowed: bool) -> None:
    problems = cached_gln_problems(value) if value else ()
    if not problems:
        return
    if problems[0] is GlnProblem.FORMAT:
        if not (vans_allowed and value.isalnum()):
            collector.add(r.EAN_FORMAT, segment, value=value)
    else:
        collector.add(r.EAN_CHECK_DIGIT, segment, value=value, expected=gln_check_digit(value[:12]))


def _first(message: Message, tag: str, qualifier: str | None = None) -> Segment | None:
    return next(
        (s for s in message.body if s.tag == tag and (qualifier is None or s.qualifier == qualifier)), None
    )


def _party(collector: _Collector, message: Message, tag: str, party: Organisation) -> None:
    if party.identifier is None or party.identifier_kind is None:
        return
    code = IDENTIFIER_CODE_NAMES.get(party.identifier_kind)
    expectation = IDENTIFIER_EXPECTATIONS.get(code or "")
    if expectation and not expectation[0](party.identifier):
        item = next((s for s in message.body if s.tag == tag and s.get(2, 1) == party.identifier), None)
        collector.add(r.IDENTIFIER_CODE, item, value=party.identifier, code=code, expected=expectation[1])


def _patient(collector: _Collector, message: Message, kind: PersonIdKind, value: str) -> None:
    if kind is PersonIdKind.CPR:
        item = _first(message, "PNA", "PAT")
        problems = cpr_problems(value) if len(value) == 10 and value.isdigit() else []
        if CprProblem.DATE in problems:
            collector.add(r.CPR_DATE, item, value=value)
        if CprProblem.MODULUS11 in problems:
            collector.add(r.CPR_MODULUS11, item, value=value)
    elif value and replacement_kind(value) is None:
        collector.add(r.REPLACEMENT_CPR, _first(message, "RFF", "XPI"), value=value)


def _care_message(collector: _Collector, message: Message, model: CareMessage) -> None:
    text = model.segments[0].text if model.segments else ""
    text_ftx = next(
        (s for s in message.body if s.tag == "FTX" and s.qualifier not in ("OE", "BIN", "URL", "SUP")), None
    )
    if not text.strip():
        collector.add(r.TEXT_MISSING, message.unh)
    elif length(text) > TEXT_LIMIT:
        collector.add(r.TEXT_SIZE, text_ftx, size=length(text))
    if model.topic is None:
        collector.add(r.SUBJECT_MISSING, message.unh)
    episode = model.episode_of_care_id
    if episode and _UUID_HYPHENS.fullmatch(episode.strip()):
        collector.add(r.EPISODE_HYPHENS, _first(message, "RFF", "REI"), value=episode)
    _references(collector, message, model.attachments)


def _references(collector: _Collector, message: Message, attachments: tuple[Attachment, ...]) -> None:
    seen: set[str] = set()
    references = [s for s in message.body if s.tag == "FTX" and s.qualifier == "BIN"]
    for attachment in attachments:
        identifier = attachment.identifier
        item = references[0] if references else None
        if identifier:
            key = identifier.replace("-", "").lower()
            if key in seen:
                collector.add(r.ATTACHMENT_ID_DUPLICATE, item, value=identifier)
            seen.add(key)
        _object_code(collector, item, attachment.object_code, attachment.file_type)


def _object_code(
    collector: _Collector, item: Segment | None, code: str | None, extension: str | None
) -> None:
    expected = EXPECTED_OBJECT_CODE.get(extension or "")
    if code and expected and code != expected:
        collector.add(r.OBJECT_CODE, item, code=code, extension=extension or "", expected=expected)


def _referral(collector: _Collector, message: Message, model: Referral) -> None:
    for diagnosis in (model.diagnosis, *model.additional_diagnoses):
        if diagnosis is None or not diagnosis.code or diagnosis.system != "SKSdiagnosekode":
            continue
        if not _SKS_DIAGNOSIS.match(diagnosis.code):
            item = next((s for s in message.body if s.tag == "CIN" and s.get(2, 1) == diagnosis.code), None)
            collector.add(r.SKS_DIAGNOSIS_CODE, item, value=diagnosis.code)
    _references(collector, message, model.attachments)


def _attachments(collector: _Collector, message: Message) -> None:
    body = message.body
    seen: set[str] = set()
    total = 0
    for index, item in enumerate(body):
        if item.tag != "UNO":
            continue
        data = item.binary or b""
        total += len(data)
        identifier = item.get(2, 2)
        key = identifier.replace("-", "").lower()
        if key and key in seen:
            collector.add(r.ATTACHMENT_ID_DUPLICATE, item, value=identifier)
        seen.add(key)
        unp = body[index + 1] if index + 1 < len(body) and body[index + 1].tag == "UNP" else None
        if unp is not None and (unp.get(1) != item.get(4, 1) or unp.get(2) != item.get(1)):
            collector.add(
                r.UNP_MISMATCH,
                unp,
                size=item.get(4, 1),
                number=item.get(1),
                found=f"{unp.get(1)}+{unp.get(2)}",
            )
        extension = _EXTENSION_NAMES.get(item.get(3, 3), item.get(3, 3).lower())
        _object_code(collector, item, _OBJECT_NAMES.get(item.get(3, 2)), extension)
        actual = content_mismatch(extension, data[:16]) if extension and data else None
        if actual is not None:
            collector.add(r.CONTENT_TYPE, item, extension=extension, actual=actual)
    if total > MESSAGE_LIMIT:
        collector.add(r.TOTAL_SIZE, message.unh, size=total)


def _receipt(collector: _Collector, message: Message, model: Receipt, kind: Kind) -> None:
    uci = _first(message, "UCI")
    if model.kind is not ReceiptKind.VANS_NEGATIVE and model.sender.ean != model.original_receiver.ean:
        collector.add(
            r.RECEIPT_PARTIES,
            uci,
            field="afsender / sender",
            value=model.sender.ean,
            expected_field="oprindelig modtager / original receiver",
            expected=model.original_receiver.ean,
        )
    if model.receiver.ean != model.original_sender.ean:
        collector.add(
            r.RECEIPT_PARTIES,
            uci,
            field="modtager / receiver",
            value=model.receiver.ean,
            expected_field="oprindelig afsender / original sender",
            expected=model.original_sender.ean,
        )
    if not model.letters and kind is Kind.CTL03:
        collector.add(r.RECEIPT_NO_LETTERS, uci)
    if kind is not Kind.CTL03 and not any(s.tag == "FTX" for s in message.body):
        collector.add(r.RECEIPT_NO_REASON, uci)
    action = "7" if kind is Kind.CTL03 else "4"
    for item in message.body:
        if item.tag in ("UCI", "UCM") and item.get(4 if item.tag == "UCI" else 3) != action:
            collector.add(
                r.VALUE_FORMAT,
                item,
                what=f"{item.tag} handlingskode / action code",
                value=item.get(4 if item.tag == "UCI" else 3),
                expected=f"{action} ({'accepteret / accepted' if action == '7' else 'afvist / rejected'})",
            )
