"""The one XML parser medcomkit uses: no network, no DTD, no entity expansion, bounded size.

Everything that reads XML goes through :func:`parse_xml`, which also works out the document's
declared encoding and spots the most common encoding fault in MedCom traffic: UTF-8 bytes under an
ISO-8859-1 declaration (``høj`` read as ``hÃ¸j``).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from .errors import ParseError, SourceError
from .lang import Bilingual
from .report import IssueType, Severity
from .rules import rule
from .search import contains
from .transcode import declares_1252, native_encoding

__all__ = [
    "LATIN1_NAMES",
    "MAX_DOCUMENT_BYTES",
    "MAX_ELEMENTS",
    "XmlDocument",
    "check_prolog",
    "declared_encoding",
    "mojibake_sample",
    "parse_xml",
    "repair_mojibake",
]

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# libxml2 spends about 120 bytes per element: 32 MB of "<a/>" would take a gigabyte. A million is
# far above any real message (800,000 <Break/> in one text is already absurd) and costs ~150 MB.
MAX_ELEMENTS = 1_000_000
_HUGE_TEXT = 9 * 1024 * 1024  # libxml2 refuses single text nodes above ~10 MB unless told otherwise

LATIN1_NAMES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "iso_8859-1", "cp819"})
_WINDOWS1252_NAMES = frozenset({"windows-1252", "cp1252"})
_LATIN1_FAMILY = LATIN1_NAMES | _WINDOWS1252_NAMES
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
# Two-byte UTF-8 sequences for Latin-1 letters, read as ISO-8859-1 ("Ã¸" for "ø").
_WORD_END = frozenset(" \t\r\n<>\"'=&;")
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")

EMPTY = rule(
    "xml.empty",
    Severity.ERROR,
    "Filen er tom. Der skal være et XML-dokument (fx en XDIS91) eller en FHIR-meddelelse.",
    "The file is empty. Expected an XML document (such as an XDIS91) or a FHIR message.",
    IssueType.STRUCTURE,
)
TOO_LARGE = rule(
    "xml.too-large",
    Severity.ERROR,
    "Inputtet fylder {size} byte, mere end grænsen på {limit} byte. Store filer afvises for at beskytte "
    "systemet; hæv grænsen med --max-size (eller max_bytes=), hvis filen er legitim.",
    "The input is {size} bytes, more than the limit of {limit} bytes. Large inputs are refused to protect "
    "the system; raise the limit with --max-size (or max_bytes=) if the file is legitimate.",
    IssueType.TOO_COSTLY,
)
NOT_XML = rule(
    "xml.not-xml",
    Severity.ERROR,
    "Inputtet er ikke XML{what}. En MedCom-meddelelse starter med '<' (eventuelt efter en XML-erklæring).",
    "The input is not XML{what}. A MedCom message starts with '<' (possibly after an XML declaration).",
    IssueType.STRUCTURE,
)
MALFORMED = rule(
    "xml.malformed",
    Severity.ERROR,
    "XML-dokumentet er ikke velformet: {detail}{hint}",
    "The XML document is not well-formed: {detail}{hint}",
    IssueType.STRUCTURE,
)
DTD_FORBIDDEN = rule(
    "xml.dtd-forbidden",
    Severity.ERROR,
    "Dokumentet indeholder en DOCTYPE/DTD. MedCom-meddelelser har aldrig en DTD, og DTD'er kan bruges "
    "til angreb (entity-udvidelse, læsning af lokale filer); dokumentet behandles derfor ikke. Fjern "
    "DOCTYPE-erklæringen.",
    "The document contains a DOCTYPE/DTD. MedCom messages never have one, and DTDs enable attacks "
    "(entity expansion, reading local files), so the document is not processed. Remove the DOCTYPE.",
    IssueType.SECURITY,
)
ENCODING_INVALID = rule(
    "xml.encoding-invalid",
    Severity.ERROR,
    "Bytes i linje {line} passer ikke med tegnsættet {encoding}.{hint}",
    "Bytes on line {line} are not valid {encoding}.{hint}",
    IssueType.STRUCTURE,
)
ENCODING_UNSUPPORTED = rule(
    "xml.encoding-unsupported",
    Severity.ERROR,
    "Tegnsættet '{encoding}' i XML-erklæringen kendes ikke. Brug ISO-8859-1 (MedComs praksis) eller UTF-8.",
    "The encoding '{encoding}' in the XML declaration is unknown. Use ISO-8859-1 (MedCom practice) or UTF-8.",
    IssueType.STRUCTURE,
)
ENCODING_MISMATCH = rule(
    "xml.encoding-mismatch",
    Severity.WARNING,
    "Dokumentet erklærer encoding=\"{declared}\", men indholdet er UTF-8: '{sample}' læses, "
    "hvor '{repaired}' var ment. Æ, ø og å bliver til fx 'Ã¸' hos modtageren, og kodeværdier som "
    "'høj_prioritet' bliver "
    'ugyldige. Ret det ved at skrive encoding="UTF-8" i XML-erklæringen eller ved at gemme filen som '
    "ISO-8859-1.",
    "The document declares encoding=\"{declared}\" but its bytes are UTF-8: '{sample}' is read where "
    "'{repaired}' was meant. Danish letters arrive as e.g. 'Ã¸', and codes such as 'høj_prioritet' become "
    'invalid. Fix it by declaring encoding="UTF-8" or by saving the file as ISO-8859-1.',
    IssueType.VALUE,
)

TOO_MANY_ELEMENTS = rule(
    "xml.too-many-elements",
    Severity.ERROR,
    "Dokumentet har omkring {count} elementer (og kommentarer), mere end grænsen på {limit}. En "
    "MedCom-meddelelse har langt færre; så mange afvises, da de ville fylde gigabytes i hukommelsen.",
    "The document has about {count} elements (and comments), more than the limit of {limit}. A MedCom "
    "message has far fewer; this many are refused, as they would take gigabytes of memory.",
    IssueType.TOO_COSTLY,
)
ENCODING_CONFLICT = rule(
    "xml.encoding-conflict",
    Severity.ERROR,
    "Dokumentets første bytes viser, at det er skrevet i {detected}, men XML-erklæringen siger "
    'encoding="{declared}". Dokumentet behandles ikke, da de to læsninger kan give forskelligt indhold. '
    "Skriv den rigtige encoding i XML-erklæringen.",
    "The document's first bytes show it is written in {detected}, but its XML declaration says "
    'encoding="{declared}". The document is not processed, as the two readings can differ. '
    "Declare the encoding the file is written in.",
    IssueType.SECURITY,
)
UNFINISHED_PROLOG = rule(
    "xml.prolog-unfinished",
    Severity.ERROR,
    "En kommentar eller en processing instruction før rodelementet slutter aldrig (der mangler '{close}'). "
    "Filen er afkortet eller ikke velformet.",
    "A comment or processing instruction before the root element never ends ('{close}' is missing). "
    "The file is truncated or not well-formed.",
    IssueType.STRUCTURE,
)


class XmlDocument(NamedTuple):
    """A safely parsed document and what is known about its encoding (a named tuple: built once
    per validation, so it should cost next to nothing)."""

    root: etree._Element
    encoding: str
    # A word showing UTF-8 bytes under a Latin-1 declaration, if that is the case.
    mojibake: str | None = None


def declared_encoding(data: bytes) -> str | None:
    """The encoding named in the XML declaration, lower-cased; ``None`` when there is none."""
    match = _DECLARATION.match(data[:200].removeprefix(b"\xef\xbb\xbf"))
    return match.group(1).decode("ascii").lower() if match else None


_SAMPLE_REACH = 40  # bytes either side of a mojibake pair; a sample word reaches at most 30


def mojibake_sample(text: str) -> str | None:
    """The first word of ``text`` that looks like UTF-8 read as ISO-8859-1, or ``None``."""
    match = _MOJIBAKE.search(text)
    if match is None:
        return None
    start = match.start()
    while start > 0 and text[start - 1] not in _WORD_END and start > match.start() - 30:
        start -= 1
    end = match.end()
    while end < len(text) and text[end] not in _WORD_END and end < match.end() + 30:
        end += 1
    return text[start:end]


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1 where that gives valid UTF-8; other text is returned unchanged."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _parser(huge: bool, encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        collect_ids=False,
        encoding=encoding,
    )


_PARSERS = {False: _parser(False), True: _parser(True)}
_UTF8_PARSERS = {False: _parser(False, "utf-8"), True: _parser(True, "utf-8")}
_NATIVE_PARSERS = {
    "iso-8859-1": {False: _parser(False, "iso-8859-1"), True: _parser(True, "iso-8859-1")},
    "utf-8": _UTF8_PARSERS,
}

_NOTHING = Bilingual("", "")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x89PNG", "PNG"),
    (b"GIF8", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x1f\x8b", "gzip"),
    (b"UNA", "EDIFACT"),
    (b"UNB", "EDIFACT"),
)


def _not_xml(data: bytes) -> ParseError:
    kind = next((name for magic, name in _MAGIC if data.startswith(magic)), None)
    if kind:
        what = Bilingual(f" — det ligner en {kind}-fil", f" — it looks like a {kind} file")
    else:
        head = " ".join(f"{b:02x}" for b in data[:8])
        what = Bilingual(f" (de første bytes er {head})", f" (the first bytes are {head})")
    return ParseError(NOT_XML.id, NOT_XML.text.format(what=what))


# --- the prolog, read before libxml2 sees the document -------------------------------------------
# libxml2 acts on a DOCTYPE while it parses (it may open an external subset or a parameter entity),
# before any check on the finished tree can run. So everything before the root element is read
# here first, in the encoding the first bytes announce, and any "<!" declaration there is refused
# before libxml2 sees it: the same answer, in microseconds, whatever the DOCTYPE names. Only
# encodings whose prolog can be read this way are accepted: those that spell ASCII as ASCII
# (UTF-8, ISO-8859-x, windows-125x) and UTF-16/32; a declaration naming any other (UTF-7, EBCDIC,
# ISO-2022, ...) is refused, since libxml2 would switch to it and read the rest differently.

_PROLOG_HEAD = 4096  # bytes read first; a longer prolog is read in growing steps (linear overall)
_WIDE_STARTS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_ASCII_FAMILY = frozenset(
    {"ascii", "utf-8", *(f"iso8859-{n}" for n in range(1, 17)), *(f"cp125{n}" for n in range(9))}
)
_WIDE_FAMILIES = {
    "utf-16": frozenset({"utf-16", "utf-16-le", "utf-16-be"}),
    "utf-32": frozenset({"utf-32", "utf-32-le", "utf-32-be"}),
}
_ENCODING_ALIASES = {
    "ucs-2": "utf-16",
    "iso-10646-ucs-2": "utf-16",
    "ucs-4": "utf-32",
    "ucs4": "utf-32",
    "iso-10646-ucs-4": "utf-32",
}
_XML_DECLARATION = re.compile(r"<\?xml[ \t\r\n]")
_ENCODING_ATTRIBUTE = re.compile(r"[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*([\"'])(.*?)\1", re.DOTALL)
_XML_SPACE = " \t\r\n"


# The prolog nearly every message has: an optional byte order mark, an XML declaration and the
# root element's start tag, with nothing but whitespace between. Matched on the bytes in one step;
# anything else (comments, other processing instructions, a "?" inside the declaration, wide
# text) takes the full reading below, which gives the same answer for this shape.
_PLAIN_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(?:<\?xml([ \t\r\n][^?]*)\?>[ \t\r\n]*)?<[A-Za-z_]")
# Declarations found acceptable (say ' version="1.0" encoding="windows-1252"'): a message stream
# repeats a handful of them. Only accepted ones are kept, and only so many.
_ACCEPTED_DECLARATIONS: set[bytes] = set()
_ACCEPTED_KEPT = 64


def check_prolog(source: bytes | Path) -> None:
    """Refuse, before any XML parser sees it, a document whose prolog has a DOCTYPE (or any other
    ``<!`` declaration) or an encoding the prolog cannot be safely read in.

    Raises :class:`ParseError` with rule ``xml.dtd-forbidden``, ``xml.encoding-unsupported``,
    ``xml.encoding-conflict`` or ``xml.prolog-unfinished``; returns when the root element is reached.
    Reads only as far as the root element's start (a file is read from disk step by step).
    """
    if isinstance(source, Path):
        with source.open("rb") as handle:
            head = handle.read(_PROLOG_HEAD)
            if _plain_prolog(head) is not None:
                return
            while not _prolog_read(head, complete=len(head) < _PROLOG_HEAD):
                more = handle.read(3 * len(head))
                head += more
                if not more:
                    _prolog_read(head, complete=True)
                    return
        return
    if _plain_prolog(source) is None:
        _read_prolog(source)


def _read_prolog(source: bytes) -> None:
    size = _PROLOG_HEAD
    while not _prolog_read(source[:size], complete=size >= len(source)):
        size *= 4


def _plain_prolog(data: bytes) -> bytes | None:
    """The prolog, up to and with the root's "<" and first letter, when ``data`` opens with the
    plain prolog and its declaration is acceptable; else ``None``. The answer
    :func:`_prolog_read` gives, without decoding the prolog (it raises as that would)."""
    match = _PLAIN_PROLOG.match(data)
    if match is None:
        return None
    declaration = match.group(1)
    if declaration is not None and declaration not in _ACCEPTED_DECLARATIONS:
        _check_declared_encoding("<?xml" + declaration.decode("latin-1"), "latin-1")
        if len(_ACCEPTED_DECLARATIONS) < _ACCEPTED_KEPT:
            _ACCEPTED_DECLARATIONS.add(declaration)
    return match.group(0)


class _PrologFacts(NamedTuple):
    declared: str | None  # what declared_encoding() says
    windows_1252: bool  # what declares_1252() says


# Both facts are read from the XML declaration only, so a plain prolog of at most this many bytes
# (declared_encoding looks no further) decides them, and the few prologs a stream repeats are kept.
_FACTS_REACH = 200
_PROLOG_FACTS: dict[bytes, _PrologFacts] = {}


def _prolog_read(head: bytes, *, complete: bool) -> bool:
    """Check the prolog in ``head``: True once decided, False when more bytes are needed."""
    codec = next((name for start, name in _WIDE_STARTS if head.startswith(start)), "latin-1")
    if codec == "latin-1":  # any ASCII-compatible encoding: markup bytes are ASCII either way
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    else:
        text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=complete)
    return _scan_prolog(text, codec, complete=complete)


def _scan_prolog(text: str, codec: str, *, complete: bool) -> bool:
    at = 1 if text.startswith("\ufeff") else 0
    end = len(text)
    while True:
        while at < end and text[at] in _XML_SPACE:
            at += 1
        if end - at < 4 and not complete:
            return False  # too little left to tell a comment from a declaration
        if at >= end:
            return True  # no root element: libxml2 says the document is empty or truncated
        if text.startswith("<?", at):
            close = text.find("?>", at + 2)
            if close < 0:
                return _unfinished("?>", complete)
            if _XML_DECLARATION.match(text, at):
                _check_declared_encoding(text[at:close], codec)
            at = close + 2
        elif text.startswith("<!--", at):
            close = text.find("-->", at + 4)
            if close < 0:
                return _unfinished("-->", complete)
            at = close + 3
        elif text.startswith("<![", at):
            detail = Bilingual("'<![' før rodelementet", "'<![' before the root element")
            raise ParseError(MALFORMED.id, MALFORMED.text.format(detail=detail, hint=_NOTHING), line=1)
        elif text.startswith("<!", at):
            raise ParseError(DTD_FORBIDDEN.id, DTD_FORBIDDEN.text, line=text.count("\n", 0, at) + 1)
        elif text[at] == "\x00":  # wide text the first bytes did not announce: never guess at it
            detail = Bilingual(
                "en NUL-byte før rodelementet (UTF-16/32 uden byte order mark?)",
                "a NUL byte before the root element (UTF-16/32 without a byte order mark?)",
            )
            raise ParseError(MALFORMED.id, MALFORMED.text.format(detail=detail, hint=_NOTHING), line=1)
        else:
            return True  # the root element, or text that libxml2 reports as not well-formed


def _unfinished(close: str, complete: bool) -> bool:
    if not complete:
        return False
    raise ParseError(UNFINISHED_PROLOG.id, UNFINISHED_PROLOG.text.format(close=close))


def _check_declared_encoding(declaration: str, codec: str) -> None:
    match = _ENCODING_ATTRIBUTE.search(declaration)
    if match is None:
        return
    declared = match.group(2)
    named = declared.strip().lower()
    named = _ENCODING_ALIASES.get(named, named)
    try:
        known = codecs.lookup(named).name
    except LookupError:
        known = ""
    family = codec[:6] if codec.startswith("utf-") and codec != "utf-8" else "ascii"
    if (family == "ascii" and known in _ASCII_FAMILY) or known in _WIDE_FAMILIES.get(family, ()):
        return
    shown = declared[:40]
    if known in _ASCII_FAMILY or any(known in names for names in _WIDE_FAMILIES.values()):
        detected = family.upper() if family != "ascii" else "ASCII/UTF-8/ISO-8859-1"
        text = ENCODING_CONFLICT.text.format(detected=detected, declared=shown)
        raise ParseError(ENCODING_CONFLICT.id, text, line=1)
    raise ParseError(ENCODING_UNSUPPORTED.id, ENCODING_UNSUPPORTED.text.format(encoding=shown), line=1)


def parse_xml(
    data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES, repair: bool = False, size: int | None = None
) -> XmlDocument:
    """Parse bytes safely.

    Raises :class:`ParseError` (code = the rule id) for anything that is not a safe, well-formed
    XML document, and :class:`SourceError` when the input exceeds ``max_bytes``. With
    ``repair=True`` a document whose bytes are UTF-8 under a Latin-1 declaration is read as UTF-8.
    """
    if len(data) > max_bytes:
        raise SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=len(data), limit=max_bytes))
    if data[:1] != b"<":  # the common case needs no copy
        body = data.lstrip(b" \t\r\n\xef\xbb\xbf")
        if not body:
            raise ParseError(EMPTY.id, EMPTY.text)
        if not body.startswith(
            (b"<", b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff", b"\x00<", b"\x00\x00\x00<")
        ):
            raise _not_xml(body)
    prolog = _plain_prolog(data)
    if prolog is None:
        _read_prolog(data)
    if len(data) > 4 * MAX_ELEMENTS:  # "<a/>" is the smallest element; shorter input cannot be over
        # Every node libxml2 keeps (element, comment, processing instruction) opens with "<", and
        # so does an end tag, "</". One quick count rules out almost every real message.
        opened = data.count(b"<")
        elements = opened - data.count(b"</") if opened > MAX_ELEMENTS else 0
        if elements > MAX_ELEMENTS:
            text = TOO_MANY_ELEMENTS.text.format(count=elements, limit=MAX_ELEMENTS)
            raise ParseError(TOO_MANY_ELEMENTS.id, text)
    key = prolog if prolog is not None and len(prolog) <= _FACTS_REACH else None
    facts = _PROLOG_FACTS.get(key) if key is not None else None
    if facts is None:
        facts = _PrologFacts(declared_encoding(data), declares_1252(data))
        if key is not None and len(_PROLOG_FACTS) < _ACCEPTED_KEPT:
            _PROLOG_FACTS[key] = facts
    # The declared encoding only matters when there are non-ASCII bytes to interpret.
    declared = facts.declared if not data.isascii() else None
    # ``size``: of the document the bytes stand for, when they are shortened (see oioxml/elide.py).
    huge = (len(data) if size is None else size) > _HUGE_TEXT
    mojibake = None
    if declared in _LATIN1_FAMILY:
        mojibake = _utf8_sample(data)
    parsers = _UTF8_PARSERS if (repair and mojibake) else _PARSERS
    source, native = (
        native_encoding(data, declared_1252=facts.windows_1252) if parsers is _PARSERS else (data, None)
    )
    if native is not None:  # windows-1252 read by libxml2 itself instead of through iconv
        parsers = _NATIVE_PARSERS[native]
    try:
        root = etree.fromstring(source, parsers[huge])
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, declared or declared_encoding(data), data) from None
    except (ValueError, LookupError) as error:  # e.g. an encoding name libxml2 does not know
        named = declared or declared_encoding(data) or str(error)
        raise ParseError(ENCODING_UNSUPPORTED.id, ENCODING_UNSUPPORTED.text.format(encoding=named)) from None
    # A DOCTYPE spells out "DOCTYPE" in any ASCII-compatible encoding; UTF-16/32 text has a BOM or a
    # NUL beside its first "<", so only such documents need a look at what libxml2 found.
    if contains(data, b"!DOCTYPE") or data[:1] != b"<" or data[1:2] == b"\x00":
        docinfo = root.getroottree().docinfo
        if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
            raise ParseError(DTD_FORBIDDEN.id, DTD_FORBIDDEN.text, line=1)
    return XmlDocument(root, declared or "utf-8", mojibake)


def _utf8_sample(data: bytes) -> str | None:
    """A mojibake word if the bytes decode as UTF-8 with non-ASCII letters, else ``None``."""
    # 0xC2 and 0xC3 lead the UTF-8 bytes of every Latin-1 letter.
    lead = [at for at in (data.find(b"\xc3"), data.find(b"\xc2")) if at >= 0]
    if not lead:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # In valid UTF-8 the first lead byte starts the first such letter: decode only around it.
    first = min(lead)
    start = max(first - _SAMPLE_REACH, 0)
    return mojibake_sample(data[start : first + _SAMPLE_REACH].decode("latin-1"))


def _syntax_error(error: etree.XMLSyntaxError, declared: str | None, data: bytes) -> ParseError:
    message = str(error.msg or error)
    line = error.lineno if error.lineno and error.lineno > 0 else None
    lowered = message.lower()
    if "document is empty" in lowered or ("start tag expected" in lowered and not data.strip(b" \t\r\n")):
        return ParseError(EMPTY.id, EMPTY.text)
    if "not proper utf-8" in lowered or "invalid byte" in lowered or "encoding error" in lowered:
        latin1 = declared in (None, "utf-8", "utf8")
        hint = (
            Bilingual(
                ' Filen er sandsynligvis skrevet som ISO-8859-1: skriv encoding="ISO-8859-1" '
                "i XML-erklæringen.",
                ' The file is probably written as ISO-8859-1: declare encoding="ISO-8859-1".',
            )
            if latin1
            else _NOTHING
        )
        text = ENCODING_INVALID.text.format(line=line or "?", encoding=declared or "UTF-8", hint=hint)
        return ParseError(ENCODING_INVALID.id, text, line=line)
    if "unsupported encoding" in lowered or "unknown encoding" in lowered:
        return ParseError(
            ENCODING_UNSUPPORTED.id, ENCODING_UNSUPPORTED.text.format(encoding=declared), line=line
        )
    if "doctype" in lowered or ("entity" in lowered and "not defined" not in lowered):
        return ParseError(DTD_FORBIDDEN.id, DTD_FORBIDDEN.text, line=line)
    truncated = "premature end" in lowered or "end of data" in lowered or "eof" in lowered.split()
    hint = (
        Bilingual(" Filen ser ud til at være afkortet.", " The file appears to be truncated.")
        if truncated
        else _NOTHING
    )
    where = Bilingual(f" (linje {line})", f" (line {line})") if line and "line" not in message else _NOTHING
    detail = Bilingual(message + where.da, message + where.en)
    return ParseError(MALFORMED.id, MALFORMED.text.format(detail=detail, hint=hint), line=line)
