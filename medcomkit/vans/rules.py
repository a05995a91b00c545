"""The rules for a VANSEnvelope: its structure, its Data, and whether it describes its payload truly.

Structure rules restate what the VANSEnvelope 1.0.4 schema demands; the others are MedCom's
conventions for the metadata (statistical codes, MIME service tag) and medcomkit's own
consistency checks between the envelope and the message inside it.
"""

from __future__ import annotations

from ..core.report import IssueType, Severity
from ..core.rules import rule

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

# --- structure ------------------------------------------------------------------------------------
ELEMENT_MISSING = rule(
    "vans.element-missing",
    E,
    "<{parent}> mangler {expected}.",
    "<{parent}> lacks {expected}.",
    IssueType.REQUIRED,
)
ELEMENT_UNEXPECTED = rule(
    "vans.element-unexpected",
    E,
    "<{element}> er ikke tilladt her i <{parent}>. Forventet: {expected}.",
    "<{element}> is not allowed here in <{parent}>. Expected: {expected}.",
    IssueType.STRUCTURE,
)
TEXT_NOT_ALLOWED = rule(
    "vans.text-not-allowed",
    E,
    "<{element}> må kun indeholde elementer, men indeholder teksten '{text}'.",
    "<{element}> may hold only elements, but holds the text '{text}'.",
    IssueType.STRUCTURE,
)
ATTRIBUTE_MISSING = rule(
    "vans.attribute-missing",
    E,
    "<{element}> mangler attributten {attribute}.",
    "<{element}> lacks the attribute {attribute}.",
    IssueType.REQUIRED,
)
ATTRIBUTE_UNEXPECTED = rule(
    "vans.attribute-unexpected",
    E,
    "Attributten {attribute} er ikke tilladt på <{element}>.",
    "The attribute {attribute} is not allowed on <{element}>.",
    IssueType.STRUCTURE,
)
UUID = rule(
    "vans.uuid",
    E,
    "<{element}> er '{value}', men skal være en UUID (32 hex-cifre i grupperne 8-4-4-4-12).",
    "<{element}> is '{value}' but must be a UUID (32 hex digits grouped 8-4-4-4-12).",
    IssueType.VALUE,
)
DATE_TIME = rule(
    "vans.date-time",
    E,
    "<{element}> er '{value}', men skal være et tidspunkt som 2026-11-26T10:15:00 (evt. med tidszone).",
    "<{element}> is '{value}' but must be a date and time such as 2026-11-26T10:15:00 (time zone optional).",
    IssueType.VALUE,
)
CODE = rule(
    "vans.code",
    E,
    "{what} er '{value}', men skal være en af: {allowed}.",
    "{what} is '{value}' but must be one of: {allowed}.",
    IssueType.CODE_INVALID,
)
LENGTH = rule(
    "vans.length",
    E,
    "{what} har {length} tegn, men skal have {minimum}–{maximum}.",
    "{what} has {length} characters but must have {minimum}–{maximum}.",
    IssueType.VALUE,
)
NUMBER = rule(
    "vans.number",
    E,
    "<{element}> er '{value}', men skal være {expected}.",
    "<{element}> is '{value}' but must be {expected}.",
    IssueType.VALUE,
)

# --- Data -----------------------------------------------------------------------------------------
DATA_BASE64 = rule(
    "vans.data-base64",
    E,
    "<Data> er ikke gyldig base64: {detail}. Meddelelsen kan ikke pakkes ud; den er formentlig "
    "beskadiget undervejs.",
    "<Data> is not valid base64: {detail}. The message cannot be unwrapped; it was probably damaged in "
    "transit.",
    IssueType.STRUCTURE,
)
SIZE_MISMATCH = rule(
    "vans.size-mismatch",
    E,
    "<SizeInBytes> siger {declared} byte, men <Data> indeholder {actual} byte. Kuverten er afkortet, "
    "beskadiget eller forkert bygget.",
    "<SizeInBytes> says {declared} bytes, but <Data> holds {actual} bytes. The envelope is truncated, "
    "damaged or built wrongly.",
    IssueType.INVARIANT,
)
PAYLOAD_TOO_LARGE = rule(
    "vans.payload-too-large",
    W,
    "Meddelelsen fylder {size} byte. MedCom tillader højst 100 MB inklusive VANS-kuvert; afsenderens "
    "system skal gøre brugeren opmærksom på det.",
    "The message is {size} bytes. MedCom allows at most 100 MB including the VANS envelope; the sending "
    "system must tell the user.",
    IssueType.TOO_COSTLY,
)
NO_MESSAGE = rule(
    "vans.no-message",
    E,
    "Kuverten er en VANS-kvittering ({receipt}) og indeholder ingen meddelelse at pakke ud.",
    "The envelope is a VANS receipt ({receipt}) and holds no message to unwrap.",
    IssueType.NOT_SUPPORTED,
)
NOT_ENVELOPE = rule(
    "vans.not-envelope",
    E,
    "Dokumentet er ikke en VANSEnvelope 1.0.4 (rodelementet er <{root}>{namespace}).",
    "The document is not a VANSEnvelope 1.0.4 (the root element is <{root}>{namespace}).",
    IssueType.NOT_SUPPORTED,
)

# --- the envelope's description of its payload ----------------------------------------------------
MIME_MISMATCH = rule(
    "vans.mime-mismatch",
    E,
    "ServiceTag MCM:MIME siger '{declared}', men indholdet er {actual}. Modtageren læser meddelelsen "
    "forkert; MCM:MIME skal være '{expected}'.",
    "ServiceTag MCM:MIME says '{declared}', but the payload is {actual}. The receiver will read the "
    "message wrongly; MCM:MIME must be '{expected}'.",
    IssueType.VALUE,
)
MIME_MISSING = rule(
    "vans.mime-missing",
    W,
    "Kuverten med en FHIR-meddelelse har ingen ServiceTag MCM:MIME; MedCom angiver den som '{expected}'.",
    "The envelope of a FHIR message has no ServiceTag MCM:MIME; MedCom gives it as '{expected}'.",
    IssueType.REQUIRED,
)
FORMAT_MISMATCH = rule(
    "vans.format-mismatch",
    W,
    "<Format> er '{declared}', men indholdet er {actual}, som har Format '{expected}'.",
    "<Format> is '{declared}', but the payload is {actual}, whose Format is '{expected}'.",
    IssueType.BUSINESS_RULE,
)
NAME_MISMATCH = rule(
    "vans.name-mismatch",
    W,
    "<Name> er '{declared}', men indholdet er {actual}, så den statistiske kode er '{expected}'. VANS-"
    "statistikken tæller efter <Name>.",
    "<Name> is '{declared}', but the payload is {actual}, so the statistical code is '{expected}'. VANS "
    "statistics count by <Name>.",
    IssueType.BUSINESS_RULE,
)
VERSION_MISMATCH = rule(
    "vans.version-mismatch",
    W,
    "<Version> er '{declared}', men indholdet er {actual} i version '{expected}'.",
    "<Version> is '{declared}', but the payload is {actual} in version '{expected}'.",
    IssueType.BUSINESS_RULE,
)
ENDPOINT_MISMATCH = rule(
    "vans.endpoint-mismatch",
    W,
    "<{element}> er {declared}, men meddelelsens {party} har lokationsnummer {expected}. VANS leverer "
    "efter kuverten; tjek at det er meningen (fx en kopi til en anden modtager).",
    "<{element}> is {declared}, but the message's {party} has location number {expected}. VANS delivers "
    "by the envelope; check that this is intended (e.g. a copy to another receiver).",
    IssueType.BUSINESS_RULE,
)
PAYLOAD = rule(
    "vans.payload",
    INFO,
    "Kuverten indeholder {what}, {size} byte. Fund i indholdet er markeret 'Data →'; deres linjenumre "
    "gælder det udpakkede dokument (medcomkit vans unwrap).",
    "The envelope holds {what}, {size} bytes. Findings in the payload are marked 'Data →'; their line "
    "numbers refer to the unwrapped document (medcomkit vans unwrap).",
    IssueType.INFORMATIONAL,
)
PAYLOAD_NOT_VALIDATED = rule(
    "vans.payload-not-validated",
    INFO,
    "Indholdet har Format '{format}' og valideres ikke af medcomkit ({size} byte).",
    "The payload has Format '{format}' and is not validated by medcomkit ({size} bytes).",
    IssueType.INFORMATIONAL,
)
RECEIPT = rule(
    "vans.receipt",
    INFO,
    "Kuverten er en VANS-kvittering ({receipt}) for kuverten {original}.",
    "The envelope is a VANS receipt ({receipt}) for the envelope {original}.",
    IssueType.INFORMATIONAL,
)
