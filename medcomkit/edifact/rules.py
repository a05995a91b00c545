"""The rules for EDIFACT interchanges: syntax, envelopes, segment order and MedCom's business rules.

Business rules that OIOXML has too are registered here under an ``edifact.`` id with the very
same severity and text as their OIOXML twin (:func:`twin`), so the same mistake gets the same
explanation in both syntaxes.
"""

from __future__ import annotations

from ..core.report import IssueType, Severity
from ..core.rules import Rule, rule
from ..oioxml import rules as oio

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION
BR = IssueType.BUSINESS_RULE
STRUCTURE = IssueType.STRUCTURE


def twin(original: Rule, rule_id: str) -> Rule:
    """An EDIFACT rule with the same meaning and text as an OIOXML rule."""
    return rule(rule_id, original.severity, original.text.da, original.text.en, original.type)


# --- syntax ---------------------------------------------------------------------------------------
UNA = rule(
    "edifact.una",
    E,
    "UNA-segmentet '{found}' er ugyldigt: det skal være 'UNA' efterfulgt af seks forskellige tegn "
    "(komponent-, element- og decimaltegn, frigivelsestegn, mellemrum, segmentafslutning), fx UNA:+.? '.",
    "The UNA segment '{found}' is invalid: it must be 'UNA' followed by six different characters "
    "(component, element and decimal separators, release character, space, segment terminator), "
    "e.g. UNA:+.? '.",
    STRUCTURE,
)
UNTERMINATED = rule(
    "edifact.segment-unterminated",
    E,
    "Segmentet {tag} afsluttes aldrig med segmentafslutningstegnet (normalt '); resten af inputtet kan "
    "ikke læses. Et frigivelsestegn (?) til sidst frigiver afslutningstegnet.",
    "The segment {tag} is never closed by the segment terminator (usually '); the rest of the input "
    "cannot be read. A release character (?) at the end releases the terminator.",
    STRUCTURE,
)
TAG = rule(
    "edifact.segment-tag",
    E,
    "'{tag}' er ikke et segmentnavn: et segment begynder med tre store bogstaver eller cifre (fx NAD).",
    "'{tag}' is not a segment tag: a segment starts with three capital letters or digits (e.g. NAD).",
    STRUCTURE,
)
BINARY_SIZE = rule(
    "edifact.binary-size",
    E,
    "UNO-segmentet angiver bilagets størrelse som '{value}', men det er ikke et antal byte, der findes "
    "efter segmentet.",
    "The UNO segment gives the attachment size as '{value}', but that is not a number of bytes present "
    "after the segment.",
    STRUCTURE,
)
CHARACTER = rule(
    "edifact.character-set",
    E,
    "Tegnet U+{code:04X} er et kontroltegn uden for tegnsættet UNOC (ISO-8859-1's skrivbare tegn). "
    "Fjern det, eller send data som bilag (BIN01).",
    "The character U+{code:04X} is a control character outside the character set UNOC (the printable "
    "characters of ISO-8859-1). Remove it, or send the data as an attachment (BIN01).",
    IssueType.VALUE,
)
UTF8 = rule(
    "edifact.utf8",
    W,
    "Bytene '{found}' ligner UTF-8 ('{meant}'), men UNOC er ISO-8859-1: modtageren viser dem som "
    "'{found}'. Skriv beskeden i ISO-8859-1.",
    "The bytes '{found}' look like UTF-8 ('{meant}'), but UNOC is ISO-8859-1: the receiver shows "
    "them as '{found}'. Write the message in ISO-8859-1.",
    IssueType.VALUE,
)

# --- envelopes ------------------------------------------------------------------------------------
UNB_MISSING = rule(
    "edifact.unb-missing",
    E,
    "Interchangen skal begynde med UNB (efter et eventuelt UNA), men det første segment er {tag}.",
    "The interchange must start with UNB (after an optional UNA), but the first segment is {tag}.",
    IssueType.REQUIRED,
)
UNB_REPEATED = rule(
    "edifact.unb-repeated",
    E,
    "Et UNB mere: en MedCom-forsendelse er én interchange med ét UNB og ét UNZ.",
    "Another UNB: a MedCom transmission is one interchange with one UNB and one UNZ.",
    STRUCTURE,
)
SYNTAX_IDENTIFIER = rule(
    "edifact.syntax-identifier",
    E,
    "UNB angiver syntaks '{found}'; MedCom bruger UNOC:3 (tegnsæt ISO-8859-1, syntaksversion 3).",
    "UNB declares the syntax '{found}'; MedCom uses UNOC:3 (character set ISO-8859-1, syntax version 3).",
    IssueType.VALUE,
)
UNB_FIELD = rule(
    "edifact.unb-field",
    E,
    "UNB mangler {field}.",
    "UNB lacks {field}.",
    IssueType.REQUIRED,
)
UNZ_MISSING = rule(
    "edifact.unz-missing",
    E,
    "Interchangen afsluttes ikke med UNZ; den kan være afkortet.",
    "The interchange does not end with UNZ; it may be truncated.",
    IssueType.REQUIRED,
)
UNZ_COUNT = rule(
    "edifact.unz-count",
    E,
    "UNZ angiver {declared} meddelelse(r), men interchangen indeholder {actual}.",
    "UNZ declares {declared} message(s), but the interchange holds {actual}.",
    IssueType.VALUE,
)
UNZ_REFERENCE = rule(
    "edifact.unz-reference",
    E,
    "UNZ har kontrolreferencen '{found}', men UNB har '{expected}'; de skal være ens.",
    "UNZ has the control reference '{found}', but UNB has '{expected}'; they must be equal.",
    IssueType.VALUE,
)
AFTER_UNZ = rule(
    "edifact.after-unz",
    E,
    "Segmentet står efter UNZ, som afslutter interchangen.",
    "The segment comes after UNZ, which ends the interchange.",
    STRUCTURE,
)
OUTSIDE_MESSAGE = rule(
    "edifact.outside-message",
    E,
    "Segmentet står uden for en meddelelse: alt mellem UNB og UNZ skal ligge mellem UNH og UNT.",
    "The segment is outside a message: everything between UNB and UNZ must be between UNH and UNT.",
    STRUCTURE,
)
UNT_MISSING = rule(
    "edifact.unt-missing",
    E,
    "Meddelelsen '{reference}' (UNH) afsluttes ikke med UNT.",
    "The message '{reference}' (UNH) is not closed by UNT.",
    IssueType.REQUIRED,
)
UNT_COUNT = rule(
    "edifact.unt-count",
    E,
    "UNT angiver {declared} segmenter, men meddelelsen har {actual} (fra UNH til og med UNT).",
    "UNT declares {declared} segments, but the message has {actual} (from UNH up to and including UNT).",
    IssueType.VALUE,
)
UNT_REFERENCE = rule(
    "edifact.unt-reference",
    E,
    "UNT har referencen '{found}', men UNH har '{expected}'; de skal være ens.",
    "UNT has the reference '{found}', but UNH has '{expected}'; they must be equal.",
    IssueType.VALUE,
)
NO_MESSAGE = rule(
    "edifact.no-message",
    E,
    "Interchangen indeholder ingen meddelelse (UNH … UNT).",
    "The interchange holds no message (UNH … UNT).",
    IssueType.REQUIRED,
)
SEVERAL_MESSAGES = twin(oio.SEVERAL_LETTERS, "edifact.several-messages")
MESSAGE_UNSUPPORTED = rule(
    "edifact.message-unsupported",
    E,
    "Meddelelsen er {name} ({type}:{version}); medcomkit kan ikke læse den type endnu. Understøttet: "
    "DIS91, REF01, BIN01, CTL01, CTL02 og CTL03.",
    "The message is {name} ({type}:{version}); medcomkit cannot read that type yet. Supported: DIS91, "
    "REF01, BIN01, CTL01, CTL02 and CTL03.",
    IssueType.NOT_SUPPORTED,
)
MESSAGE_IDENTIFIER = rule(
    "edifact.message-identifier",
    W,
    "UNH's tredje element er '{found}', men meddelelsestypen {type}:{version} hedder {expected} hos MedCom.",
    "UNH's third element is '{found}', but MedCom names the message type {type}:{version} {expected}.",
    IssueType.VALUE,
)

# --- segments -------------------------------------------------------------------------------------
UNEXPECTED_SEGMENT = rule(
    "edifact.segment-unexpected",
    E,
    "Segmentet {tag} er ikke ventet her i en {kind}{expected}.",
    "The segment {tag} is not expected here in a {kind}{expected}.",
    STRUCTURE,
)
MISSING_SEGMENT = rule(
    "edifact.segment-missing",
    E,
    "{kind} mangler segmentet {tag}{where}.",
    "{kind} lacks the segment {tag}{where}.",
    IssueType.REQUIRED,
)
MISSING_VALUE = rule(
    "edifact.value-missing",
    E,
    "{what} mangler.",
    "{what} is missing.",
    IssueType.REQUIRED,
)
VALUE_LENGTH = rule(
    "edifact.value-length",
    E,
    "{what} er {length} tegn; højst {limit} er tilladt.",
    "{what} is {length} characters; at most {limit} are allowed.",
    IssueType.TOO_LONG,
)
VALUE_FORMAT = rule(
    "edifact.value-format",
    E,
    "{what} er '{value}'; forventet {expected}.",
    "{what} is '{value}'; expected {expected}.",
    IssueType.VALUE,
)
CODE_UNKNOWN = rule(
    "edifact.code-unknown",
    E,
    "{what} har den ukendte kode '{value}'; kendte koder: {known}.",
    "{what} has the unknown code '{value}'; known codes: {known}.",
    IssueType.CODE_INVALID,
)
FTX_LINES = rule(
    "edifact.ftx-lines",
    E,
    "FTX har {count} tekstlinjer; et FTX-segment rummer højst 5 linjer à 70 tegn.",
    "FTX has {count} text lines; an FTX segment holds at most 5 lines of 70 characters.",
    IssueType.TOO_LONG,
)
FTX_GROUP = rule(
    "edifact.ftx-group",
    W,
    "Segmentgruppen {group} har {count} FTX-segmenter; MedComs konverter tillader højst {limit} (emnet og "
    "teksten, 5 linjer à 70 tegn pr. FTX) og afviser resten. Del teksten i flere blokke.",
    "The segment group {group} has {count} FTX segments; MedCom's converter allows at most {limit} (the "
    "subject and the text, 5 lines of 70 characters per FTX) and rejects more. Split the text into more "
    "blocks.",
    IssueType.TOO_LONG,
)
FORMAT_CODE = rule(
    "edifact.ftx-format",
    W,
    "FTX-formatkoden '{value}' er ukendt; den læses som fast skrifttype. Kendte koder: P00, P0M, P0H, PF0, "
    "PK0, PU0 og de samme med F (fast skrifttype).",
    "The FTX format code '{value}' is unknown; it is read as fixed font. Known codes: P00, P0M, P0H, PF0, "
    "PK0, PU0 and the same with F (fixed font).",
    IssueType.CODE_INVALID,
)
UNP_MISMATCH = rule(
    "edifact.unp",
    E,
    "UNP skal følge bilaget med dets størrelse ({size}) og nummer ({number}); fandt '{found}'.",
    "UNP must follow the attachment with its size ({size}) and number ({number}); found '{found}'.",
    STRUCTURE,
)

CHECK_FAILED = rule(
    "edifact.check-failed",
    E,
    "medcomkit kunne ikke gøre valideringen af meddelelsen færdig ({detail}). Den er så forkert "
    "opbygget, at flere regler ikke kunne anvendes; ret de øvrige fejl først. (Meld det gerne som en "
    "fejl i medcomkit.)",
    "medcomkit could not finish validating the message ({detail}). It is so malformed that some rules could "
    "not be applied; fix the other errors first. (Please report it as a medcomkit bug.)",
    IssueType.INVALID,
)

# --- the same business rules as OIOXML ------------------------------------------------------------
IDENTIFIER_FORMAT = twin(oio.IDENTIFIER_FORMAT, "edifact.identifier-format")
EAN_FORMAT = twin(oio.EAN_FORMAT, "edifact.ean-format")
EAN_CHECK_DIGIT = twin(oio.EAN_CHECK_DIGIT, "edifact.ean-check-digit")
IDENTIFIER_CODE = twin(oio.IDENTIFIER_CODE, "edifact.identifier-code")
CPR_DATE = twin(oio.CPR_DATE, "edifact.cpr-date")
CPR_MODULUS11 = twin(oio.CPR_MODULUS11, "edifact.cpr-modulus11")
REPLACEMENT_CPR = twin(oio.REPLACEMENT_CPR, "edifact.replacement-cpr")
OBJECT_CODE = twin(oio.OBJECT_CODE, "edifact.object-code")
TEXT_MISSING = twin(oio.TEXT_MISSING, "edifact.text-missing")
TEXT_SIZE = twin(oio.TEXT_SIZE, "edifact.text-size")
EPISODE_HYPHENS = twin(oio.EPISODE_HYPHENS, "edifact.episode-id-hyphens")
SUBJECT_MISSING = twin(oio.SUBJECT_MISSING, "edifact.subject-missing")
ATTACHMENT_ID_DUPLICATE = twin(oio.ATTACHMENT_ID_DUPLICATE, "edifact.attachment-id-duplicate")
CONTENT_TYPE = twin(oio.CONTENT_TYPE, "edifact.content-type")
TOTAL_SIZE = twin(oio.TOTAL_SIZE, "edifact.total-size")
SKS_DIAGNOSIS_CODE = twin(oio.SKS_DIAGNOSIS_CODE, "edifact.sks-diagnosis-code")
RECEIPT_PARTIES = twin(oio.RECEIPT_PARTIES, "edifact.receipt-parties")
RECEIPT_NO_LETTERS = twin(oio.RECEIPT_NO_LETTERS, "edifact.receipt-no-letters")
RECEIPT_NO_REASON = twin(oio.RECEIPT_NO_REASON, "edifact.receipt-no-reason")
DATE = rule(
    "edifact.date",
    E,
    "{what} '{value}' er ikke en gyldig dato og tid (forventet {expected}).",
    "{what} '{value}' is not a valid date and time (expected {expected}).",
    IssueType.VALUE,
)
