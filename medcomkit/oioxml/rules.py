"""Business rules for OIOXML messages: what MedCom expects beyond what XSD can say.

Each check is a registered :class:`~medcomkit._rule.Rule`; the functions here only look at a
parsed tree and add issues, and never raise on odd structure (the schema reports that).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from .._lang import Bilingual
from .._rule import Rule, rule
from ..identifiers import (
    CprProblem,
    GlnProblem,
    cpr_problems,
    gln_check_digit,
    gln_problems,
    replacement_kind,
    sor_code_ok,
)
from ..report import Issue, IssueType, Kind, Severity
from ._xml import element_path, line_of, local_name
from .codes import EXPECTED_OBJECT_CODE
from .namespaces import NAMESPACES, LetterVersion

__all__ = ["RuleContext", "check_envelope", "check_letter"]

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION
BR = IssueType.BUSINESS_RULE

# --- common to every OIOXML letter -------------------------------------------------------------
NAMESPACE_UNKNOWN = rule(
    "oioxml.namespace-unknown",
    E,
    "Navnerummet '{namespace}' er ikke et MedCom-navnerum, som medcomkit kender. Kendte navnerum: {known}.",
    "The namespace '{namespace}' is not a MedCom namespace medcomkit knows. Known namespaces: {known}.",
    IssueType.NOT_SUPPORTED,
)
LETTER_UNSUPPORTED = rule(
    "oioxml.letter-unsupported",
    E,
    "<{letter}> i navnerummet {namespace} er ikke en meddelelse, medcomkit understøtter. "
    "Understøttet her: {known}.",
    "<{letter}> in the namespace {namespace} is not a message medcomkit supports. Supported here: {known}.",
    IssueType.NOT_SUPPORTED,
)
NO_LETTER = rule(
    "oioxml.no-letter",
    E,
    "Emessage indeholder ingen meddelelse efter <Envelope>.",
    "The Emessage holds no letter after <Envelope>.",
    IssueType.REQUIRED,
)
SEVERAL_LETTERS = rule(
    "oioxml.several-letters",
    W,
    "Emessage indeholder {count} meddelelser. Skemaet tillader det, men i praksis sendes én meddelelse pr. "
    "kuvert (XDIS91 og XBIN01 i hver sin); mange modtagere læser kun den første.",
    "The Emessage holds {count} letters. The schema allows it, but practice is one letter per envelope "
    "(XDIS91 and XBIN01 each in its own); many receivers read only the first.",
    BR,
)
STATISTICAL_CODE = rule(
    "oioxml.statistical-code",
    W,
    "StatisticalCode er '{value}', men forventes at være '{expected}' (samme som meddelelsestypen); VANS-"
    "statistikken tæller efter den.",
    "StatisticalCode is '{value}' but is expected to be '{expected}' (the message type); VANS statistics "
    "count by it.",
    BR,
)
IDENTIFIER_FORMAT = rule(
    "oioxml.identifier-format",
    W,
    "{what} '{value}' indeholder andet end bogstaver og cifre; MedCom-id'er er alfanumeriske, og andre "
    "tegn kan give problemer ved konvertering til EDIFACT.",
    "{what} '{value}' contains characters other than letters and digits; MedCom ids are alphanumeric, and "
    "other characters can break conversion to EDIFACT.",
    BR,
)
EAN_FORMAT = rule(
    "oioxml.ean-format",
    W,
    "EAN-lokationsnummeret '{value}' er ikke 13 cifre. Lokationsnumre fra SOR er 13-cifrede GLN-numre.",
    "The EAN location number '{value}' is not 13 digits. Location numbers from SOR are 13-digit GLNs.",
    IssueType.VALUE,
)
EAN_CHECK_DIGIT = rule(
    "oioxml.ean-check-digit",
    W,
    "EAN-lokationsnummeret '{value}' har et forkert kontrolciffer (GS1 modulus 10 giver {expected}). "
    "Tjek nummeret i SOR; VANS kan afvise en ukendt modtager.",
    "The EAN location number '{value}' has a wrong check digit (GS1 modulo 10 gives {expected}). Check "
    "the number in SOR; VANS may reject an unknown receiver.",
    IssueType.VALUE,
)
IDENTIFIER_CODE = rule(
    "oioxml.identifier-code",
    W,
    "<Identifier> '{value}' passer ikke til IdentifierCode '{code}', som forventer {expected}.",
    "<Identifier> '{value}' does not fit IdentifierCode '{code}', which expects {expected}.",
    IssueType.VALUE,
)
CPR_DATE = rule(
    "oioxml.cpr-date",
    W,
    "CPR-nummeret {value} indeholder ingen gyldig fødselsdato. OIOXML-skemaet accepterer det, men FHIR "
    "(dk-core) afviser det ved konvertering til CareCommunication.",
    "The CPR number {value} holds no valid birth date. The OIOXML schema accepts it, but FHIR (dk-core) "
    "rejects it when converted to CareCommunication.",
    IssueType.VALUE,
)
CPR_MODULUS11 = rule(
    "oioxml.cpr-modulus11",
    W,
    "CPR-nummeret {value} opfylder ikke modulus 11. Det er tilladt: nationale test-CPR-numre fejler med "
    "vilje, og CPR-numre uden modulus 11 udstedes; men tjek nummeret, hvis det er en rigtig patient.",
    "The CPR number {value} fails modulus 11. That is allowed: national test CPR numbers fail it on "
    "purpose, and CPR numbers without modulus 11 are issued; but check it if this is a real patient.",
    IssueType.VALUE,
)
REPLACEMENT_CPR = rule(
    "oioxml.replacement-cpr",
    W,
    "Erstatnings-CPR '{value}' har hverken X-eCPR- eller D-eCPR-form (ddmmåå + 2 cifre + 1/7 eller 0/5/6 + "
    "2 store bogstaver + 1 ciffer), så det kan ikke angives korrekt i FHIR.",
    "The replacement CPR '{value}' has neither X-eCPR nor D-eCPR form (ddmmyy + 2 digits + 1/7 or 0/5/6 + "
    "2 capital letters + 1 digit), so it cannot be identified correctly in FHIR.",
    IssueType.VALUE,
)
DATE_TIMEZONE = rule(
    "oioxml.date-timezone",
    W,
    "Datoen '{value}' har en tidszone. OIOXML-tider er dansk lokaltid uden zone; flere modtagere (fx "
    "OS2korrespondance) afviser datoer med zone.",
    "The date '{value}' carries a time zone. OIOXML times are Danish local time without a zone; several "
    "receivers (e.g. OS2korrespondance) reject dates with a zone.",
    IssueType.VALUE,
)
HTML_IN_TEXT = rule(
    "oioxml.formatted-text-html",
    E,
    "<{tag}> er HTML og ikke MedCom-formatering{times}. {fix} MedCom-formateret tekst kender kun "
    "Break, Space, "
    "Bold, Italic, Underline, Center, Right og FixedFont.",
    "<{tag}> is HTML, not MedCom formatting{times}. {fix} MedCom formatted text knows only "
    "Break, Space, Bold, "
    "Italic, Underline, Center, Right and FixedFont.",
    IssueType.STRUCTURE,
)
ESCAPED_MARKUP = rule(
    "oioxml.formatted-text-escaped",
    W,
    "Teksten indeholder '{sample}' som bogstavelig tekst. Formatering skal være rigtige XML-elementer; "
    "escapede mærker vises ordret hos modtageren (en kendt fejl ved dobbelt-escaping).",
    "The text contains '{sample}' as literal text. Formatting must be real XML elements; escaped tags are "
    "shown verbatim to the receiver (a known double-escaping bug).",
    IssueType.VALUE,
)
NON_LATIN1 = rule(
    "oioxml.non-latin1",
    W,
    "Tegnet '{char}' (U+{code:04X}) findes ikke i ISO-8859-1. Det overlever ikke konvertering til EDIFACT, "
    "og mange modtagere viser det forkert.",
    "The character '{char}' (U+{code:04X}) is not in ISO-8859-1. It does not survive conversion to EDIFACT, "
    "and many receivers display it wrongly.",
    IssueType.VALUE,
)
OBJECT_CODE = rule(
    "oioxml.object-code",
    W,
    "ObjectCode '{code}' passer ikke til filtypen '{extension}'; MedCom bruger '{expected}' for den.",
    "ObjectCode '{code}' does not fit the file type '{extension}'; MedCom uses '{expected}' for it.",
    IssueType.VALUE,
)
ACK_CODE = rule(
    "xctl.acknowledgement-code",
    W,
    "En kvittering skal have AcknowledgementCode 'minuspositivkvitt' (en kvittering kvitteres aldrig).",
    "A receipt must carry AcknowledgementCode 'minuspositivkvitt' (a receipt is never acknowledged).",
    BR,
)

# --- XDIS91 ---------------------------------------------------------------------------------------
TEXT_MISSING = rule(
    "xdis91.text-missing",
    W,
    "Meddelelsen har ingen tekst (ClinicalInformation/Text01). Skemaet tillader det, men MedComs mapning "
    "kræver tekst, og en CareCommunication skal have mindst ét tekstafsnit.",
    "The message has no text (ClinicalInformation/Text01). The schema allows it, but MedCom's mapping "
    "requires text, and a CareCommunication needs at least one text segment.",
    BR,
)
BLOCK_SIZE = rule(
    "xdis91.block-size",
    W,
    "Tekstblokken er {size} tegn; EDIFACT-arven giver højst 3.150 tegn pr. ClinicalInformation. Del teksten "
    "i flere ClinicalInformation-blokke.",
    "The text block is {size} characters; the EDIFACT heritage allows at most 3,150 per ClinicalInformation. "
    "Split the text into more ClinicalInformation blocks.",
    IssueType.TOO_LONG,
)
TEXT_SIZE = rule(
    "xdis91.text-size",
    W,
    "Teksten er i alt {size} tegn, over de 31.150 tegn, som ældre modtagere tillader. MedCom anbefaler "
    "lange noter som bilag.",
    "The text totals {size} characters, over the 31,150 older receivers allow. MedCom recommends sending "
    "long notes as an attachment.",
    IssueType.TOO_LONG,
)
EPISODE_HYPHENS = rule(
    "xdis91.episode-id-hyphens",
    W,
    "EpisodeOfCareIdentifier '{value}' indeholder bindestreger. I OIOXML skrives forløbs-id'et uden "
    "bindestreger (i FHIR med).",
    "EpisodeOfCareIdentifier '{value}' contains hyphens. In OIOXML the episode id is written without "
    "hyphens (in FHIR with them).",
    IssueType.VALUE,
)
SUBJECT_MISSING = rule(
    "xdis91.subject-missing",
    INFO,
    "Meddelelsen har intet emne (AdditionalInformation/Subject); ved konvertering til CareCommunication "
    "bliver emnet 'Ukendt emne'.",
    "The message has no subject (AdditionalInformation/Subject); conversion to CareCommunication sets "
    "the topic to 'Ukendt emne' (unknown subject).",
    BR,
)
ATTACHMENT_ID_DUPLICATE = rule(
    "oioxml.attachment-id-duplicate",
    E,
    "Bilags-id'et '{value}' bruges mere end én gang; hvert bilag skal have sit eget ObjectIdentifier.",
    "The attachment id '{value}' is used more than once; each attachment needs its own ObjectIdentifier.",
    BR,
)

# --- XBIN01 ---------------------------------------------------------------------------------------
SENDER_ADDRESS = rule(
    "xbin01.sender-address",
    E,
    "Afsenderen i en XB0130X skal have adresse: {missing} mangler. (I XB0131X er adressen valgfri.)",
    "The sender of an XB0130X must have an address; missing: {missing}. (In XB0131X the address is "
    "optional.)",
    IssueType.REQUIRED,
)
BASE64 = rule(
    "xbin01.base64",
    E,
    "Object_Base64Encoded er ikke gyldig base64 ({detail}), så bilaget kan ikke læses.",
    "Object_Base64Encoded is not valid base64 ({detail}), so the attachment cannot be read.",
    IssueType.VALUE,
)
OBJECT_SIZE = rule(
    "xbin01.object-size",
    E,
    "OriginalObjectSize er {declared}, men bilaget fylder {actual} byte efter base64-afkodning.",
    "OriginalObjectSize is {declared}, but the attachment is {actual} bytes after base64 decoding.",
    BR,
)
CONTENT_TYPE = rule(
    "xbin01.content-type",
    W,
    "Bilaget er angivet som '{extension}', men indholdet ligner {actual}.",
    "The attachment is declared as '{extension}', but its content looks like {actual}.",
    IssueType.VALUE,
)
TOTAL_SIZE = rule(
    "xbin01.total-size",
    W,
    "Bilagene fylder i alt {size} byte, over MedComs grænse på 100 MB pr. meddelelse.",
    "The attachments total {size} bytes, over MedCom's limit of 100 MB per message.",
    IssueType.TOO_LONG,
)
SYSTEM_CONTENTS = rule(
    "xbin01.system-contents",
    W,
    "SystemInformation er 'true', men <Contents> mangler; beskriv hvad bilaget indeholder.",
    "SystemInformation is 'true' but <Contents> is missing; describe what the attachment holds.",
    BR,
)

# --- XCTL -----------------------------------------------------------------------------------------
RECEIPT_PARTIES = rule(
    "xctl.parties",
    W,
    "Kvitteringens {field} ({value}) er ikke {expected_field} ({expected}); en kvittering går fra den "
    "oprindelige modtager tilbage til den oprindelige afsender.",
    "The receipt's {field} ({value}) is not the {expected_field} ({expected}); a receipt goes from the "
    "original receiver back to the original sender.",
    BR,
)
RECEIPT_NO_LETTERS = rule(
    "xctl.no-letters",
    W,
    "Kvitteringen nævner ingen OriginalLetter; uden brev-id kan afsenderen ikke matche den til sit brev.",
    "The receipt lists no OriginalLetter; without letter ids the sender cannot match it to its letter.",
    BR,
)
RECEIPT_NO_REASON = rule(
    "xctl.no-reason",
    W,
    "Den negative kvittering har hverken RefuseCode eller RefuseText; afsenderen får ikke at vide, hvad der "
    "er galt.",
    "The negative receipt has neither RefuseCode nor RefuseText; the sender is not told what is wrong.",
    BR,
)

_HTML_FIX: dict[str, tuple[str, str]] = {
    "br": ("Brug <Break/> til linjeskift.", "Use <Break/> for line breaks."),
    "b": ("Brug <Bold>.", "Use <Bold>."),
    "strong": ("Brug <Bold>.", "Use <Bold>."),
    "i": ("Brug <Italic>.", "Use <Italic>."),
    "em": ("Brug <Italic>.", "Use <Italic>."),
    "u": ("Brug <Underline>.", "Use <Underline>."),
    "center": ("Brug <Center>.", "Use <Center>."),
    "tt": ("Brug <FixedFont>.", "Use <FixedFont>."),
    "pre": ("Brug <FixedFont> og <Break/>.", "Use <FixedFont> and <Break/>."),
    "code": ("Brug <FixedFont>.", "Use <FixedFont>."),
    "p": ("Brug <Break/> mellem afsnit.", "Use <Break/> between paragraphs."),
    "div": ("Brug <Break/> mellem afsnit.", "Use <Break/> between paragraphs."),
    "span": ("Fjern elementet og behold teksten.", "Remove the element and keep its text."),
    "font": ("Fjern elementet og behold teksten.", "Remove the element and keep its text."),
}
_MEDCOM_FORMATTING = frozenset(
    {"Break", "Space", "Bold", "Italic", "Underline", "Center", "Right", "FixedFont"}
)
_FORMATTED_FIELDS = frozenset(
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
_ESCAPED_TAG = re.compile(r"<\s*/?\s*(?:Break|Space|Bold|Italic|Underline|Center|Right|FixedFont)\s*/?\s*>")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_UUID_HYPHENS = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TIMEZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")
BLOCK_LIMIT = 3150
TEXT_LIMIT = 31150
MESSAGE_LIMIT = 100 * 1024 * 1024

# File signatures by what they are, to compare with the declared ObjectExtensionCode.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "rtf"),
    (b"\xd0\xcf\x11\xe0", "doc"),
    (b"MZ", "exe"),
    (b"RIFF", "wav"),
)
_SIGNED_TYPES = frozenset(name for _, name in _SIGNATURES)
_SIGNATURE_FAMILIES: dict[str, frozenset[str]] = {
    "zip": frozenset({"zip", "doc", "xls", "plo", "fnx", "bin", "inh"}),  # Office Open XML is a zip
    "doc": frozenset({"doc", "xls"}),
    "wav": frozenset({"wav", "avi", "rmi"}),
    "gzip": frozenset({"bin", "zip", "inh"}),
    "exe": frozenset({"exe", "com"}),
}


@dataclass
class RuleContext:
    """What the rules share while checking one document."""

    ns: str
    issues: list[Issue] = field(default_factory=list)

    def q(self, *names: str) -> str:
        """Clark-notation path of ``names`` in the document's namespace."""
        return "/".join(f"{{{self.ns}}}{n}" for n in names)

    def add(self, check: Rule, element: etree._Element | None, **params: object) -> None:
        location = element_path(element) if element is not None else None
        line = line_of(element) if element is not None else None
        self.issues.append(check.issue(location, line, **params))


def check_envelope(ctx: RuleContext, root: etree._Element, letters: list[etree._Element]) -> None:
    envelope = root.find(ctx.q("Envelope"))
    if envelope is not None:
        _check_identifier(ctx, envelope.find(ctx.q("Identifier")), "Envelope/Identifier")
        _check_sent(ctx, envelope.find(ctx.q("Sent")))
    if not letters:
        ctx.add(NO_LETTER, root)
    elif len(letters) > 1:
        ctx.add(SEVERAL_LETTERS, letters[1], count=len(letters))


def check_letter(ctx: RuleContext, letter: etree._Element, version: LetterVersion) -> None:
    """Run the rules for one letter of a supported version."""
    head = letter.find(ctx.q("Letter"))
    if head is not None:
        _check_identifier(ctx, head.find(ctx.q("Identifier")), "Letter/Identifier")
        statistical = head.find(ctx.q("StatisticalCode"))
        if statistical is not None and (statistical.text or "") != version.statistical_code:
            ctx.add(
                STATISTICAL_CODE, statistical, value=statistical.text or "", expected=version.statistical_code
            )
        _check_sent(ctx, head.find(ctx.q("Authorisation")))
    _LETTER_RULES[version.kind](ctx, letter, version)


def _check_identifier(ctx: RuleContext, element: etree._Element | None, what: str) -> None:
    if element is not None and element.text and not _ALNUM.fullmatch(element.text):
        ctx.add(IDENTIFIER_FORMAT, element, what=what, value=element.text)


def _check_sent(ctx: RuleContext, moment: etree._Element | None) -> None:
    if moment is None:
        return
    day = moment.find(ctx.q("Date"))
    if day is not None and day.text and _TIMEZONE.search(day.text.strip()):
        ctx.add(DATE_TIMEZONE, day, value=day.text.strip())


def _check_ean(ctx: RuleContext, element: etree._Element | None, *, vans_allowed: bool = False) -> None:
    if element is None or not element.text:
        return
    value = element.text
    problems = gln_problems(value)
    if GlnProblem.FORMAT in problems:
        if not (vans_allowed and value.isalnum()):
            ctx.add(EAN_FORMAT, element, value=value)
    elif GlnProblem.CHECK_DIGIT in problems:
        ctx.add(EAN_CHECK_DIGIT, element, value=value, expected=gln_check_digit(value[:12]))


_IDENTIFIER_EXPECTATIONS: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "lokationsnummer": (
        lambda v: GlnProblem.FORMAT not in gln_problems(v),
        "et 13-cifret lokationsnummer (GLN)",
        "a 13-digit location number (GLN)",
    ),
    "ydernummer": (
        lambda v: bool(re.fullmatch(r"[0-9]{6}", v)),
        "et 6-cifret ydernummer",
        "a 6-digit provider number",
    ),
    "sygehusafdelingsnummer": (
        lambda v: len(v) == 7,
        "en 7-tegns SKS-afdelingskode",
        "a 7-character SKS department code",
    ),
    "kommunenummer": (
        lambda v: bool(re.fullmatch(r"[0-9]{3}", v)),
        "et 3-cifret kommunenummer",
        "a 3-digit municipality number",
    ),
    "sorkode": (sor_code_ok, "en SOR-kode (mindst 11 cifre)", "a SOR code (at least 11 digits)"),
}


def _check_party(ctx: RuleContext, party: etree._Element | None) -> None:
    if party is None:
        return
    _check_ean(ctx, party.find(ctx.q("EANIdentifier")))
    identifier = party.find(ctx.q("Identifier"))
    code = party.find(ctx.q("IdentifierCode"))
    if identifier is None or code is None or not identifier.text or not code.text:
        return
    expectation = _IDENTIFIER_EXPECTATIONS.get(code.text)
    if expectation and not expectation[0](identifier.text):
        ctx.add(
            IDENTIFIER_CODE,
            identifier,
            value=identifier.text,
            code=code.text,
            expected=Bilingual(expectation[1], expectation[2]),
        )


def _check_patient(ctx: RuleContext, patient: etree._Element | None) -> None:
    if patient is None:
        return
    cpr = patient.find(ctx.q("CivilRegistrationNumber"))
    if cpr is not None and cpr.text:
        problems = cpr_problems(cpr.text)
        if CprProblem.DATE in problems:
            ctx.add(CPR_DATE, cpr, value=cpr.text)
        if CprProblem.MODULUS11 in problems:
            ctx.add(CPR_MODULUS11, cpr, value=cpr.text)
    alternative = patient.find(ctx.q("AlternativeIdentifier"))
    if alternative is not None and alternative.text and replacement_kind(alternative.text) is None:
        ctx.add(REPLACEMENT_CPR, alternative, value=alternative.text)


def _check_formatted(ctx: RuleContext, field_element: etree._Element) -> int:
    """Check one formatted-text field; return its length as MedCom counts it."""
    size = len(field_element.text or "")
    escaped = _escaped_sample(field_element.text)
    html: dict[str, list[etree._Element]] = {}
    for node in field_element.iterdescendants():
        name = local_name(node)
        if name in _MEDCOM_FORMATTING:
            size += name in ("Break", "Space")
        elif name.lower() in _HTML_FIX:
            html.setdefault(name, []).append(node)
        size += len(node.text or "") + len(node.tail or "")
        escaped = escaped or _escaped_sample(node.text) or _escaped_sample(node.tail)
    for name, nodes in html.items():
        times = Bilingual(f" ({len(nodes)} gange i denne tekst)", f" ({len(nodes)} times in this text)")
        fix = Bilingual(*_HTML_FIX[name.lower()])
        ctx.add(HTML_IN_TEXT, nodes[0], tag=name, fix=fix, times=times if len(nodes) > 1 else "")
    if escaped:
        ctx.add(ESCAPED_MARKUP, field_element, sample=escaped)
    return size


def _escaped_sample(text: str | None) -> str | None:
    if not text or "<" not in text:
        return None
    match = _ESCAPED_TAG.search(text)
    return match.group(0) if match else None


def _check_references(ctx: RuleContext, letter: etree._Element) -> None:
    seen: set[str] = set()
    for bin_element in letter.iterfind(ctx.q("Reference", "BIN")):
        identifier = bin_element.find(ctx.q("ObjectIdentifier"))
        if identifier is not None and identifier.text:
            key = identifier.text.replace("-", "").lower()
            if key in seen:
                ctx.add(ATTACHMENT_ID_DUPLICATE, identifier, value=identifier.text)
            seen.add(key)
        _check_object_code(ctx, bin_element)


def _check_object_code(ctx: RuleContext, container: etree._Element) -> None:
    code = container.find(ctx.q("ObjectCode"))
    extension = container.find(ctx.q("ObjectExtensionCode"))
    if code is None or extension is None:
        return
    expected = EXPECTED_OBJECT_CODE.get(extension.text or "")
    if expected and code.text != expected:
        ctx.add(OBJECT_CODE, code, code=code.text or "", extension=extension.text or "", expected=expected)


def _check_xdis91(ctx: RuleContext, letter: etree._Element, version: LetterVersion) -> None:
    head = letter.find(ctx.q("Letter"))
    episode = head.find(ctx.q("EpisodeOfCareIdentifier")) if head is not None else None
    if episode is not None and episode.text and _UUID_HYPHENS.fullmatch(episode.text.strip()):
        ctx.add(EPISODE_HYPHENS, episode, value=episode.text)
    _check_party(ctx, letter.find(ctx.q("Sender")))
    _check_party(ctx, letter.find(ctx.q("Receiver")))
    _check_patient(ctx, letter.find(ctx.q("Patient")))
    additional = letter.find(ctx.q("AdditionalInformation"))
    if version.version_code != "XD9133L" and (
        additional is None or additional.find(ctx.q("Subject")) is None
    ):
        ctx.add(SUBJECT_MISSING, additional if additional is not None else letter)
    total = 0
    texts = letter.findall(ctx.q("ClinicalInformation", "Text01"))
    for text in texts:
        size = _check_formatted(ctx, text)
        if size > BLOCK_LIMIT:
            ctx.add(BLOCK_SIZE, text, size=size)
        total += size
    if not texts or not any((t.text or "").strip() or len(t) for t in texts):
        ctx.add(TEXT_MISSING, letter)
    if total > TEXT_LIMIT:
        ctx.add(TEXT_SIZE, texts[0], size=total)
    _check_references(ctx, letter)


def _check_xref01(ctx: RuleContext, letter: etree._Element, version: LetterVersion) -> None:
    _check_party(ctx, letter.find(ctx.q("Sender")))
    _check_party(ctx, letter.find(ctx.q("Receiver")))
    _check_patient(ctx, letter.find(ctx.q("Patient")))
    for element in letter.iter():
        if local_name(element) in _FORMATTED_FIELDS:
            _check_formatted(ctx, element)
    _check_references(ctx, letter)


def _decode_base64(text: str) -> bytes:
    # Base64 in XBIN01 is wrapped at 76 characters; whitespace is not part of the data.
    return base64.b64decode("".join(text.split()), validate=True)


def sniff_file_type(data: bytes) -> str | None:
    """The file type the first bytes reveal (``pdf``, ``png`` …), or ``None`` when unknown."""
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    return None


def _content_mismatch(declared: str, data: bytes) -> Bilingual | None:
    """What the content really is, when it contradicts the declared file type; else ``None``."""
    actual = sniff_file_type(data)
    if actual is None:
        # Binary formats must show their signature; text formats have none to check.
        if declared in _SIGNED_TYPES:
            return Bilingual(
                f"noget andet (den mangler {declared}-filens signatur)",
                f"something else (it lacks the {declared} file signature)",
            )
        return None
    if actual == declared or declared in _SIGNATURE_FAMILIES.get(actual, frozenset()):
        return None
    return Bilingual(f"en {actual}-fil", f"a {actual} file")


def _check_xbin01(ctx: RuleContext, letter: etree._Element, version: LetterVersion) -> None:
    sender = letter.find(ctx.q("Sender"))
    _check_party(ctx, sender)
    _check_party(ctx, letter.find(ctx.q("Receiver")))
    _check_patient(ctx, letter.find(ctx.q("Patient")))
    if version.version_code == "XB0130X" and sender is not None:
        missing = [
            n for n in ("StreetName", "DistrictName", "PostCodeIdentifier") if sender.find(ctx.q(n)) is None
        ]
        if missing:
            ctx.add(SENDER_ADDRESS, sender, missing=", ".join(missing))
    system = letter.find(ctx.q("SystemInformation"))
    if system is not None and letter.find(ctx.q("Contents")) is None:
        ctx.add(SYSTEM_CONTENTS, system)
    seen: set[str] = set()
    total = 0
    for obj in letter.iterfind(ctx.q("BinaryObject")):
        identifier = obj.find(ctx.q("ObjectIdentifier"))
        if identifier is not None and identifier.text:
            key = identifier.text.replace("-", "").lower()
            if key in seen:
                ctx.add(ATTACHMENT_ID_DUPLICATE, identifier, value=identifier.text)
            seen.add(key)
        _check_object_code(ctx, obj)
        payload = obj.find(ctx.q("Object_Base64Encoded"))
        if payload is None:
            continue
        try:
            data = _decode_base64(payload.text or "")
        except (binascii.Error, ValueError) as error:
            ctx.add(BASE64, payload, detail=str(error))
            continue
        total += len(data)
        size = obj.find(ctx.q("OriginalObjectSize"))
        declared = _int(size.text if size is not None else None)
        if size is not None and declared is not None and declared != len(data):
            ctx.add(OBJECT_SIZE, size, declared=declared, actual=len(data))
        extension = obj.find(ctx.q("ObjectExtensionCode"))
        if extension is not None and extension.text:
            actual = _content_mismatch(extension.text, data)
            if actual:
                ctx.add(CONTENT_TYPE, payload, extension=extension.text, actual=actual)
    if total > MESSAGE_LIMIT:
        ctx.add(TOTAL_SIZE, letter, size=total)


def _int(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def _check_receipt(ctx: RuleContext, letter: etree._Element, version: LetterVersion) -> None:
    sender = letter.find(ctx.q("Sender", "EANIdentifier"))
    receiver = letter.find(ctx.q("Receiver", "EANIdentifier"))
    _check_ean(ctx, sender, vans_allowed=version.kind is Kind.XCTL01)
    _check_ean(ctx, receiver)
    original = letter.find(ctx.q("OriginalEmessage"))
    if original is None:
        return
    original_sender = original.find(ctx.q("OriginalSender", "EANIdentifier"))
    original_receiver = original.find(ctx.q("OriginalReceiver", "EANIdentifier"))
    if receiver is not None and original_sender is not None and receiver.text != original_sender.text:
        ctx.add(
            RECEIPT_PARTIES,
            receiver,
            field="Receiver",
            value=receiver.text or "",
            expected_field=Bilingual("OriginalSender", "OriginalSender"),
            expected=original_sender.text or "",
        )
    if (
        version.kind is not Kind.XCTL01
        and sender is not None
        and original_receiver is not None
        and sender.text != original_receiver.text
    ):
        ctx.add(
            RECEIPT_PARTIES,
            sender,
            field="Sender",
            value=sender.text or "",
            expected_field=Bilingual("OriginalReceiver", "OriginalReceiver"),
            expected=original_receiver.text or "",
        )
    letters = original.findall(ctx.q("OriginalLetter"))
    if version.kind is Kind.XCTL03 and not letters:
        ctx.add(RECEIPT_NO_LETTERS, original)
    if version.kind is not Kind.XCTL03:
        reasons = [*original.findall(ctx.q("RefuseCode")), *original.findall(ctx.q("RefuseText"))]
        for item in letters:
            reasons += [*item.findall(ctx.q("RefuseCode")), *item.findall(ctx.q("RefuseText"))]
        if not reasons:
            ctx.add(RECEIPT_NO_REASON, original)
    for text in original.iter(ctx.q("RefuseText")):
        _check_formatted(ctx, text)


_LETTER_RULES: dict[Kind, Callable[[RuleContext, etree._Element, LetterVersion], None]] = {
    Kind.XDIS91: _check_xdis91,
    Kind.XBIN01: _check_xbin01,
    Kind.XREF01: _check_xref01,
    Kind.XCTL01: _check_receipt,
    Kind.XCTL02: _check_receipt,
    Kind.XCTL03: _check_receipt,
}


def check_text_characters(ctx: RuleContext, root: etree._Element) -> None:
    """Warn once about the first character outside ISO-8859-1 (EDIFACT cannot carry it)."""
    for text in cast("Iterator[str]", root.itertext()):
        for char in text:
            if ord(char) > 0xFF:
                ctx.add(NON_LATIN1, None, char=char, code=ord(char))
                return


def known_namespaces() -> str:
    return ", ".join(NAMESPACES)
