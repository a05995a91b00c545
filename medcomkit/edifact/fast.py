"""A fast path for the common case: a DIS91 that is plainly well-formed.

Most messages a receiver validates are fine. For them the whole structure of a DIS91 interchange
(envelopes, segment order and repetition, value lengths, codes and characters) is checked by one
compiled regular expression, run in C, and the few business rules that could still speak (EAN
check digits, CPR, dates, text present, subject present) by looking at the captured values. It
reports only the warnings it can place itself (EAN check digits, CPR, text blocks of more than
nine FTX — a long letter of short lines has them, and the full path costs ten times as much on
one of 31,000 characters) and is deliberately narrower
than the full validation: anything it does not recognise, or any other rule that could fire, sends
the message to the full path, which finds and locates every issue. ``tests/edifact/test_edifact.py``
holds the two to that contract: the same issues, or no answer.
"""

from __future__ import annotations

import re

from ..core.report import Issue
from ..model.identifiers import (
    IDENTIFIER_EXPECTATIONS,
    CprProblem,
    cached_gln_problems,
    cpr_problems,
    gln_check_digit,
)
from . import rules as r
from .common import parse_ccyymmddhhmm, parse_unb_moment

__all__ = ["dis91_without_issues", "fast_dis91"]

# One value character: anything printable in Latin-1 but the service characters, or a released one.
# Texts without a release character use the plain class, which the regular expression engine runs
# much faster than an alternative per character.
_RELEASED_V = r"(?:[^?'+:\x00-\x1f\x7f-\x9f]|\?[?'+:])"
_PLAIN_V = r"[^?'+:\x00-\x1f\x7f-\x9f]"


def _value(v: str, limit: int) -> str:
    # Possessive: a value class excludes the separators, so giving characters back never helps a
    # match, and the engine need not remember where it could (much faster on long texts).
    return f"{v}{{0,{limit}}}+"


def _segment(body: str) -> str:
    return r"[\r\n]*" + body + "'"


def _optional(pattern: str) -> str:
    return f"(?:{pattern})?"


def _address(v: str) -> str:
    return _segment(
        rf"ADR\+\+US:{_value(v, 35)}(?::{_value(v, 35)})?(?:\+{_value(v, 35)}(?:\+{_value(v, 9)})?)?"
    )


def _party(v: str, qualifier: str, sender: bool) -> str:
    code = rf"(?P<{qualifier.lower()}_code>SKS:SST|YNR:SFU|:9|KOM:IM|SOR:SST)"
    nad = rf"NAD\+{qualifier}\+(?P<{qualifier.lower()}_id>{_value(v, 17)}):{code}\+\+{_value(v, 35)}"
    nad += rf"(?::{_value(v, 35)}(?::{_value(v, 35)}(?:::(?::US)?)?)?)?"
    body = _segment(r"S01\+01") + _segment(nad) + _optional(_address(v))
    if sender:
        body += _optional(_segment(rf"CON\+\+{_value(v, 25)}:TE"))
        body += _segment(r"SEQ\+\+1") + _segment(r"SPR\+ORG\+[0-9]{1,4}:SKS:SST\+DIS91:SKS:SST")
    else:
        body += _segment(r"SEQ\+\+2")
    return body


_FORMAT = r"[PF](?:00|0M|0H|F0|K0|U0)"


def _text_ftx(v: str) -> str:
    return _segment(rf"FTX\+NC\+{_FORMAT}\+\+{_value(v, 70)}(?::{_value(v, 70)}){{0,4}}+")


def _subject_ftx(v: str) -> str:
    """A subject whose first line is not empty (a lone full stop or soft wrap would leave it empty)."""
    return _segment(rf"FTX\+OE\+{_FORMAT}\+\+(?![.\\][:'])(?!'){_value(v, 70)}(?::{_value(v, 70)}){{0,4}}+")


def _dis91_pattern(v: str) -> str:
    return (
        r"(?:UNA:\+\.\? ')?"
        + _segment(
            r"(?P<unb_at>)UNB\+UNOC:3\+(?P<sender>[0-9]{13}):14\+(?P<receiver>[0-9]{13}):14\+(?P<day>[0-9]{6}):(?P<clock>[0-9]{4})"
            r"\+(?P<envelope>[A-Za-z0-9]{1,14})\+\+\+\+[01]"
        )
        + r"(?P<unh>[\r\n]*UNH\+(?P<reference>[A-Za-z0-9]{1,14})\+MEDDIS:D:93A:UN:D9134L\+DIS91')"
        + _segment(r"BGM\+EPI\+\+9\+NA")
        + _segment(r"DTM\+137:(?P<authorised>[0-9]{12}):203")
        + _party(v, "SSP", sender=True)
        + _party(v, "PO", sender=False)
        + _segment(r"S02\+02")
        + _segment(r"GIS\+[NM]")
        + _segment(r"RFF\+SRI:(?P=reference)")
        + _optional(_segment(r"RFF\+(?:NO|HI):NC"))
        + _segment(r"DTM\+182:(?P=authorised):203")
        + _segment(r"S07\+07")
        + _segment(
            rf"(?P<pna_at>)PNA\+PAT\+(?P<cpr>[0-9]{{10}}):::CPR:IM\+\+\+SU:{v}{{1,70}}(?:\+FO:{v}{{1,70}})?"
        )
        + _optional(_address(v))
        + _optional(_segment(rf"EMP\+1\+\+:::{v}{{1,35}}"))
        + _segment(r"S11\+11")
        + _segment(r"GIS\+N")
        + _segment(r"RFF\+(?:AHI:1|REI:[0-9A-Za-z]{1,35})")
        + _segment(r"SEQ\+\+1")
        + _segment(r"PAS\+(?:POT|HS|HA|DA|REQ)")
        # The first text block starts with the subject; up to ten blocks of at most 99 FTX (the
        # grammar's limit). More than nine in a block is a warning, counted after the match.
        + _segment(r"(?P<first_s14>)S14\+14")
        + f"(?P<subject>{_subject_ftx(v)})"
        # Possessive too: a segment starts with its tag, so no block can give one back.
        + f"(?:{_text_ftx(v)}){{1,98}}+"
        + "(?:"
        + _segment(r"S14\+14")
        + f"(?:{_text_ftx(v)}){{1,99}}+){{0,9}}+"
        + r"(?P<unt>[\r\n]*UNT\+(?P<count>[0-9]{1,6})\+(?P=reference)')"
        + _segment(r"UNZ\+1\+(?P=envelope)")
        + r"[\r\n]*"
    )


_PLAIN = re.compile(_dis91_pattern(_PLAIN_V))
_RELEASED = re.compile(_dis91_pattern(_RELEASED_V))
# Some text line has a character that is not layout (space, empty-line full stop, soft wrap).
_TEXT_PRESENT = re.compile(r"FTX\+NC\+[PF][0FKU][0MHF]\+\+(?:[ .:\\\xa0]|\?:)*(?:[^ .:\\'?\xa0]|\?[?'+])")
_TEXT_LIMIT = 31150
# Each text FTX+NC+P00++ reads as at most one character per character after its 12-character
# prefix, plus one line break (where the segment has colons between lines, one fewer).
_TEXT_OVERHEAD = 11
_S14 = "S14+14'"
_FTX_PER_BLOCK = 9
_IDENTIFIER_CODES = {
    "SKS:SST": "sygehusafdelingsnummer",
    "YNR:SFU": "ydernummer",
    ":9": "lokationsnummer",
    "KOM:IM": "kommunenummer",
    "SOR:SST": "sorkode",
}


def dis91_without_issues(data: bytes) -> bool:
    """True only when ``data`` is a DIS91 that full validation would pass without any issue;
    ``False`` means "validate in full", not "invalid"."""
    return fast_dis91(data) == []


def fast_dis91(data: bytes) -> list[Issue] | None:
    """The issues of a plainly well-formed DIS91 whose only findings are the warnings this path can
    place itself (EAN check digits on UNB, CPR date and modulus 11 on PNA, more than nine FTX in
    a text block on S14), exactly as full
    validation reports them; ``None`` means "validate in full", not "invalid"."""
    if not data.startswith((b"UNA:+.? '", b"UNB+")):
        return None  # other separators, leading blank lines: the full path decides
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # Latin-1, as UNOC says
        else:
            return None  # UTF-8 bytes under UNOC: the full path warns
    text = data.decode("latin-1")
    start = 9 if text.startswith("UNA") else 0  # UNA names "?" and "'" itself
    released = text.find("?", start) != -1
    found = (_RELEASED if released else _PLAIN).fullmatch(text)
    if found is None or _TEXT_PRESENT.search(text, found.end("unh")) is None:
        return None
    if released and "??" in text:
        return None  # a released release character before a terminator: count in full
    if len(text) > _TEXT_LIMIT and _text_bound(text, found) > _TEXT_LIMIT:
        return None  # the text may be over the limit older receivers allow (each character written counts)
    segments = text.count("'", found.end("unh"), found.start("unt"))
    if released:
        segments -= text.count("?'", found.end("unh"))
    if found["count"] != str(segments + 2):
        return None
    if (
        parse_unb_moment(found["day"], found["clock"]) is None
        or parse_ccyymmddhhmm(found["authorised"]) is None
    ):
        return None
    for party in ("ssp", "po"):
        expectation = IDENTIFIER_EXPECTATIONS.get(_IDENTIFIER_CODES[found[f"{party}_code"]])
        if expectation is not None and not expectation[0](found[f"{party}_id"]):
            return None
    issues = _ftx_groups(text, start, found)
    unb = found.start("unb_at")
    for ean in (found["sender"], found["receiver"]):
        if cached_gln_problems(ean):  # 13 digits, so only the check digit can be wrong
            issues.append(
                r.EAN_CHECK_DIGIT.issue(
                    *_where(text, unb, 1, "UNB"), value=ean, expected=gln_check_digit(ean[:12])
                )
            )
    cpr = found["cpr"]
    problems = cpr_problems(cpr)
    if problems:
        pna = found.start("pna_at")
        if text.count("?'", start, pna):
            return None  # a released terminator before the patient: count segments in full
        place = _where(text, pna, text.count("'", start, pna) + 1, "PNA")
        if CprProblem.DATE in problems:
            issues.append(r.CPR_DATE.issue(*place, value=cpr))
        if CprProblem.MODULUS11 in problems:
            issues.append(r.CPR_MODULUS11.issue(*place, value=cpr))
    issues.sort(key=lambda i: i.line or 0)
    return issues


def _text_bound(text: str, found: re.Match[str]) -> int:
    """At least the number of characters the text FTX read as. The matched text blocks hold only
    S14 and FTX segments and line breaks between them, and no value can hold an unreleased "+"
    or "'", so counting in the blocks' span is exact for the segments and only over for the rest."""
    blocks = text[found.start("first_s14") : found.start("unt")]
    texts = blocks.count("FTX+NC+")
    return len(blocks) - len(found["subject"]) - len(_S14) * blocks.count(_S14) - _TEXT_OVERHEAD * texts


def _ftx_groups(text: str, start: int, found: re.Match[str]) -> list[Issue]:
    """The full path's warning for each text block (S14) of more than nine FTX, the subject
    included, placed at its S14 as the full path places it. The blocks hold only S14 and FTX
    segments (the pattern says so), and no value holds an unreleased "+" or "'"."""
    offset = found.start("first_s14")
    # Segments before the text: every terminator, less the released ones ("??" never gets here).
    number = text.count("'", start, offset) - text.count("?'", start, offset)
    issues: list[Issue] = []
    for block in text[offset : found.start("unt")].split(_S14)[1:]:
        number += 1  # the S14
        count = block.count("FTX+")
        if count > _FTX_PER_BLOCK:
            issues.append(_ftx_group(text, offset, number, count))
        number += count
        offset += len(_S14) + len(block)
    return issues


def _ftx_group(text: str, offset: int, number: int, count: int) -> Issue:
    return r.FTX_GROUP.issue(
        *_where(text, offset, number, "S14"), group="S14", count=count, limit=_FTX_PER_BLOCK
    )


def _where(text: str, offset: int, number: int, tag: str) -> tuple[str, int]:
    """Location and line of a segment, as the full path writes them."""
    line_start = text.rfind("\n", 0, offset) + 1
    line = text.count("\n", 0, line_start) + 1 if line_start else 1  # most interchanges are one line
    return f"segment {number} {tag} (kolonne/column {offset - line_start + 1})", line
