"""The one XML parser medcomkit uses: no network, no DTD, no entity expansion, bounded size.

Everything that reads XML goes through :func:`parse_xml`, which also works out the document's
declared encoding and spots the most common encoding fault in MedCom traffic: UTF-8 bytes under an
ISO-8859-1 declaration (``høj`` read as ``hÃ¸j``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree

from ._errors import ParseError, SourceError
from ._lang import Bilingual
from ._rule import rule
from ._search import contains
from ._transcode import native_encoding
from .report import IssueType, Severity

__all__ = [
    "LATIN1_NAMES",
    "MAX_DOCUMENT_BYTES",
    "XmlDocument",
    "declared_encoding",
    "mojibake_sample",
    "parse_xml",
    "repair_mojibake",
]

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
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
        if not body.startswith((b"<", b"\xfe\xff", b"\xff\xfe")):
            raise _not_xml(body)
    # The declared encoding only matters when there are non-ASCII bytes to interpret.
    declared = declared_encoding(data) if not data.isascii() else None
    # ``size``: of the document the bytes stand for, when they are shortened (see oioxml/elide.py).
    huge = (len(data) if size is None else size) > _HUGE_TEXT
    mojibake = None
    if declared in _LATIN1_FAMILY:
        mojibake = _utf8_sample(data)
    parsers = _UTF8_PARSERS if (repair and mojibake) else _PARSERS
    source, native = native_encoding(data) if parsers is _PARSERS else (data, None)
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
