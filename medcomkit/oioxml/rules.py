"""The business rules for OIOXML messages: what MedCom expects beyond what XSD can say.

Each is a registered :class:`~medcomkit.core.rules.Rule` with a stable id, severity and Danish and
English text; :mod:`medcomkit.oioxml.checks` applies them to a document.
"""

from __future__ import annotations

from ..core.report import IssueType, Severity
from ..core.rules import rule

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

# --- XREF01 ---------------------------------------------------------------------------------------
SKS_DIAGNOSIS_CODE = rule(
    "xref01.sks-diagnosis-code",
    W,
    "Diagnosekoden '{value}' er angivet som SKS-kode (SKSdiagnosekode), men SKS-diagnosekoder skrives med "
    "et foranstillet D og et bogstav, fx DF930 eller DI10.",
    "The diagnosis code '{value}' is declared an SKS code (SKSdiagnosekode), but SKS diagnosis codes are "
    "written with a leading D and a letter, e.g. DF930 or DI10.",
    IssueType.VALUE,
)
EPISODE_OF_CARE = rule(
    "xref01.episode-of-care",
    E,
    "En XH0131R skal have mindst ét <EpisodeOfCare> (forløbsnummer med type, fx henviserens eller LPR3) "
    "sidst i <Letter>.{found}",
    "An XH0131R needs at least one <EpisodeOfCare> (an episode number with its type, e.g. the referrer's "
    "or LPR3) at the end of <Letter>.{found}",
    IssueType.REQUIRED,
)
REASON_MISSING = rule(
    "xref01.reason-missing",
    W,
    "Henvisningen har hverken en henvisningsårsag (AdditionalInformation/ClinicalReason) eller en "
    "henvisningsdiagnose (Referral/Refer). Skemaet tillader det, men modtageren kan ikke visitere uden.",
    "The referral has neither a reason (AdditionalInformation/ClinicalReason) nor a referral diagnosis "
    "(Referral/Refer). The schema allows it, but the receiver cannot triage a referral without one.",
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

# How to write common HTML formatting as MedCom formatting.
HTML_FIX: dict[str, tuple[str, str]] = {
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
