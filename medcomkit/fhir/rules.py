"""The rules for MedCom FHIR messages (CareCommunication 5.0.4, Acknowledgement 2.0.3).

Published invariants keep their published ids and severities (``medcom-careCommunication-5``,
``cpr``, ``gln-modulus-10`` …); where a published expression is defective, the rule checks what it
intends and its text says so. Profile cardinalities and must-haves that have no invariant get ids
by profile: ``msg.`` (MedCom messaging), ``core.`` (MedCom core / dk-core), ``cc.``
(CareCommunication), ``ack.`` (Acknowledgement); required bindings are ``binding.<value set>``;
base FHIR structure is ``fhir.`` or the base invariant id (``bdl-12``, ``ele-1`` …).
Plain data: importing this module does not import fhir.resources.
"""

from __future__ import annotations

from types import MappingProxyType

from ..core.report import IssueType, Severity
from ..core.rules import Rule, rule
from . import terminology as t

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION
REQ, STRUCT, VALUE, INV, CODE = (
    IssueType.REQUIRED,
    IssueType.STRUCTURE,
    IssueType.VALUE,
    IssueType.INVARIANT,
    IssueType.CODE_INVALID,
)
BR = IssueType.BUSINESS_RULE

# --- reading the bytes ----------------------------------------------------------------------------
JSON_SYNTAX = rule(
    "fhir.json-syntax",
    E,
    "Inputtet er ikke gyldig JSON: {detail} (linje {line}, kolonne {column}). En FHIR-meddelelse i JSON er "
    "ét JSON-objekt i UTF-8; ret syntaksfejlen på det sted.",
    "The input is not valid JSON: {detail} (line {line}, column {column}). A FHIR message in JSON is one "
    "JSON object in UTF-8; fix the syntax error at that place.",
    STRUCT,
)
NOT_A_RESOURCE = rule(
    "fhir.not-a-resource",
    E,
    '{what} er ikke en FHIR-ressource: {reason}. En FHIR-meddelelse er et JSON-objekt med "resourceType": '
    '"Bundle" eller XML med rodelementet <Bundle xmlns="http://hl7.org/fhir">.',
    'The {what} is not a FHIR resource: {reason}. A FHIR message is a JSON object with "resourceType": '
    '"Bundle" or XML with the root element <Bundle xmlns="http://hl7.org/fhir">.',
    STRUCT,
)
TOO_DEEP = rule(
    "fhir.too-deep",
    E,
    "Dokumentet er indlejret mere end {limit} niveauer dybt. En MedCom-meddelelse er ca. 10 niveauer dyb; så "
    "dyb indlejring afvises for at beskytte systemet.",
    "The document nests more than {limit} levels deep. A MedCom message is about 10 levels deep; nesting "
    "this deep is refused to protect the system.",
    IssueType.TOO_COSTLY,
)
JSON_DUPLICATE_KEY = rule(
    "fhir.json-duplicate-key",
    E,
    "Nøglen '{key}' står flere gange i samme JSON-objekt. Modtagere læser forskellige af dem; hver egenskab "
    "må kun stå én gang.",
    "The key '{key}' occurs more than once in one JSON object. Receivers read different ones; every "
    "property may occur only once.",
    STRUCT,
)
XML_REPEATED = rule(
    "fhir.xml-repeated",
    E,
    "<{name}> forekommer {count} gange i {element}, men må kun forekomme én gang. Kun den første læses.",
    "<{name}> occurs {count} times in {element} but may occur only once. Only the first is read.",
    STRUCT,
)
XML_TEXT = rule(
    "fhir.xml-text",
    E,
    "Elementet {element} indeholder tekst mellem under-elementerne. I FHIR XML står værdier i value-"
    'attributten (<code value="…"/>), aldrig som tekst.',
    "The element {element} holds text between its child elements. In FHIR XML values go in the value "
    'attribute (<code value="…"/>), never as text.',
    STRUCT,
)

# --- which message ------------------------------------------------------------------------------
NOT_A_MESSAGE = rule(
    "fhir.not-a-message",
    E,
    "{what}. medcomkit validerer FHIR-meddelelser: en Bundle med type 'message', hvis første entry er en "
    "MessageHeader med eventCoding 'care-communication-message' eller 'acknowledgement-message'.",
    "{what}. medcomkit validates FHIR messages: a Bundle of type 'message' whose first entry is a "
    "MessageHeader with eventCoding 'care-communication-message' or 'acknowledgement-message'.",
    IssueType.NOT_SUPPORTED,
)
MESSAGE_GENERIC = rule(
    "fhir.message-generic",
    INFO,
    "MessageHeader.eventCoding er '{code}', MedCom messagings testmeddelelse uden indhold; den er kun "
    "valideret mod MedCom messaging og core.",
    "MessageHeader.eventCoding is '{code}', MedCom messaging's test message without content; it is validated "
    "against MedCom messaging and core only.",
    IssueType.INFORMATIONAL,
)
MESSAGE_NOT_SUPPORTED = rule(
    "fhir.message-not-supported",
    E,
    "MessageHeader.eventCoding er '{code}'. medcomkit validerer kun CareCommunication "
    "('care-communication-message') og Acknowledgement ('acknowledgement-message') fuldt ud; meddelelsen er "
    "kun tjekket mod MedCom messaging og core.",
    "MessageHeader.eventCoding is '{code}'. medcomkit fully validates only CareCommunication "
    "('care-communication-message') and Acknowledgement ('acknowledgement-message'); the message was checked "
    "against MedCom messaging and core only.",
    IssueType.NOT_SUPPORTED,
)
CHECK_FAILED = rule(
    "fhir.check-failed",
    E,
    "medcomkit kunne ikke gøre valideringen færdig ({detail}). Meddelelsen er så forkert opbygget, at flere "
    "regler ikke kunne anvendes; ret de øvrige fejl først. (Meld det gerne som en fejl i medcomkit.)",
    "medcomkit could not finish validating ({detail}). The message is so malformed that some rules could "
    "not be applied; fix the other errors first. (Please report it as a medcomkit bug.)",
    IssueType.INVALID,
)

# --- base FHIR R4 structure -----------------------------------------------------------------------
ELEMENT_UNKNOWN = rule(
    "fhir.element-unknown",
    E,
    "Elementet '{name}' findes ikke i {parent} i FHIR R4. Ret stavningen (store og små bogstaver tæller), "
    "eller læg data, som standarden ikke har plads til, i en extension.",
    "The element '{name}' does not exist in {parent} in FHIR R4. Fix the spelling (case matters), or put "
    "data the standard has no place for in an extension.",
    STRUCT,
)
VALUE_INVALID = rule(
    "fhir.value-invalid",
    E,
    "Værdien {value} er ikke {expected}. ({detail})",
    "The value {value} is not {expected}. ({detail})",
    VALUE,
)
REQUIRED = rule(
    "fhir.required",
    E,
    "{element} mangler; FHIR R4 kræver det i {type}.",
    "{element} is missing; FHIR R4 requires it in {type}.",
    REQ,
)
CHOICE = rule(
    "fhir.choice",
    E,
    "Valgelementet {element}[x] {problem}",
    "The choice element {element}[x] {problem}",
    STRUCT,
)
EMPTY = rule(
    "ele-1",
    E,
    "{element} er {how}. Et FHIR-element har altid en værdi eller under-elementer (ele-1): udelad det "
    "hellere "
    'end at sende null, "", {{}} eller [].',
    "{element} is {how}. A FHIR element always has a value or child elements (ele-1): leave it out rather "
    'than sending null, "", {{}} or [].',
    INV,
)
JSON_TYPE = rule(
    "fhir.json-type",
    E,
    "{element} er {found} i JSON, men FHIR-typen {type} skrives som {expected}.",
    "{element} is {found} in JSON, but the FHIR type {type} is written as {expected}.",
    STRUCT,
)
CODE_INVALID = rule(
    "fhir.code-invalid",
    E,
    "'{code}' er ikke en gyldig kode for {element}. FHIR R4 binder elementet til et påkrævet værdisæt; "
    "tilladt: {allowed}.",
    "'{code}' is not a valid code for {element}. FHIR R4 binds the element to a required value set; "
    "allowed: {allowed}.",
    CODE,
)
URI_INVALID = rule(
    "fhir.uri",
    E,
    "{element} '{value}' er ikke en gyldig URI: den indeholder mellemrum. Fjern mellemrummene eller brug den "
    "korrekte system-URI.",
    "{element} '{value}' is not a valid URI: it contains whitespace. Remove it or use the correct system "
    "URI.",
    VALUE,
)
TIMEZONE = rule(
    "fhir.timezone",
    E,
    "Tidspunktet '{value}' har ingen tidszone. Når et FHIR-tidspunkt har klokkeslæt, skal det have en zone: "
    "skriv fx '{example}' (dansk tid) eller 'Z' for UTC.",
    "The time '{value}' has no time zone. When a FHIR date-time has a time of day it must have a zone: "
    "write e.g. '{example}' (Danish time) or 'Z' for UTC.",
    VALUE,
)
RESOURCE_TYPE = rule(
    "fhir.resource-type",
    E,
    "Ressourcen i {element} kan ikke læses: {problem}.",
    "The resource at {element} cannot be read: {problem}.",
    STRUCT,
)
R4B_ONLY = rule(
    "fhir.r4b-only",
    E,
    "{element} bruger {name}, som kun findes i FHIR R4B. MedCom-meddelelser er FHIR R4 (4.0.1); en "
    "R4-modtager kender det ikke.",
    "{element} uses {name}, which exists only in FHIR R4B. MedCom messages are FHIR R4 (4.0.1); an R4 "
    "receiver does not know it.",
    IssueType.NOT_SUPPORTED,
)
MODEL_FAILED = rule(
    "fhir.model-failed",
    E,
    "FHIR-modellen kunne ikke læse ressourcen: {detail}",
    "The FHIR model could not read the resource: {detail}",
    STRUCT,
)
EXTENSION_VALUE = rule(
    "ext-1",
    E,
    "Extension'en {url} har {how}; en extension skal have enten en værdi (value[x]) eller under-extensions.",
    "The extension {url} has {how}; an extension must have either a value (value[x]) or nested extensions.",
    INV,
)
NARRATIVE_HTML = rule(
    "txt-1",
    E,
    "Narrativen i {element} indeholder {what}. FHIR tillader kun basal HTML-formatering (ingen scripts, "
    "formularer, event-attributter eller eksterne objekter).",
    "The narrative in {element} contains {what}. FHIR allows only basic HTML formatting (no scripts, forms, "
    "event attributes or embedded objects).",
    INV,
)
NARRATIVE_EMPTY = rule(
    "txt-2",
    E,
    "Narrativen i {element} har intet indhold. Den skal indeholde andet end mellemrum; skriv ressourcens "
    "vigtigste oplysninger i den.",
    "The narrative in {element} has no content. It must contain more than whitespace; write the resource's "
    "key facts in it.",
    INV,
)

# --- base Bundle and references --------------------------------------------------------------------
FULLURL_DUPLICATE = rule(
    "bdl-7",
    E,
    "fullUrl '{url}' forekommer {count} gange. Hver entry i en Bundle skal have sin egen fullUrl (bdl-7).",
    "fullUrl '{url}' occurs {count} times. Every entry in a Bundle must have its own fullUrl (bdl-7).",
    INV,
)
HEADER_FIRST = rule(
    "bdl-12",
    E,
    "Første entry er {found}. I en FHIR-meddelelse skal MessageHeader være entry[0] (bdl-12); flyt den "
    "først.",
    "The first entry is {found}. In a FHIR message the MessageHeader must be entry[0] (bdl-12); move it "
    "first.",
    INV,
)
FULLURL_ID = rule(
    "fhir.fullurl-id",
    E,
    "fullUrl '{url}' passer ikke til ressourcen {type}/{id}. fullUrl skal ende på ressourcetype/id "
    "(eller være en urn:uuid:), så referencer kan findes.",
    "fullUrl '{url}' does not match the resource {type}/{id}. fullUrl must end with type/id (or be a "
    "urn:uuid:) so references can be resolved.",
    VALUE,
)
REFERENCE_UNRESOLVED = rule(
    "fhir.reference-unresolved",
    E,
    "Referencen '{reference}' peger ikke på nogen ressource i Bundle. I en MedCom-meddelelse skal alle "
    "refererede ressourcer være med som entry; ret referencen (Type/id eller fullUrl) eller tilføj "
    "ressourcen.",
    "The reference '{reference}' points to no resource in the Bundle. In a MedCom message every referenced "
    "resource must be an entry; fix the reference (Type/id or fullUrl) or add the resource.",
    VALUE,
)
REFERENCE_TYPE = rule(
    "fhir.reference-type",
    E,
    "{element} peger på en {found}, men skal pege på {expected}.",
    "{element} points to a {found} but must point to {expected}.",
    VALUE,
)
ATTACHMENT_TYPE = rule(
    "att-1",
    E,
    "Vedhæftningen i {element} har data, men ingen contentType (att-1). Angiv filtypen, fx "
    "'application/pdf'.",
    "The attachment in {element} has data but no contentType (att-1). Give the file type, e.g. "
    "'application/pdf'.",
    INV,
)
CONTAINED_UNRESOLVED = rule(
    "ref-1",
    E,
    "Referencen '{reference}' er lokal (#), men ressourcen har ingen contained ressource med id '{id}' "
    "(ref-1).",
    "The reference '{reference}' is local (#), but the resource contains no resource with id '{id}' (ref-1).",
    INV,
)

# --- MedCom messaging (4.0.2; 2.1.0 for the Acknowledgement) -----------------------------------------
BUNDLE_ID = rule(
    "msg.bundle-id",
    E,
    "Bundle.id mangler. MedCom bruger det som kuvert-id (OIOXML: Envelope/Identifier); giv hver "
    "afsendelse et "
    "nyt UUID.",
    "Bundle.id is missing. MedCom uses it as the envelope id (OIOXML: Envelope/Identifier); give every "
    "transmission a new UUID.",
    REQ,
)
BUNDLE_TYPE = rule(
    "msg.bundle-type",
    E,
    "Bundle.type er '{value}', men en MedCom-meddelelse skal have type 'message'.",
    "Bundle.type is '{value}', but a MedCom message must have type 'message'.",
    VALUE,
)
ENTRY_RESOURCE = rule(
    "msg.entry-resource",
    E,
    "{element} har ingen resource. Hver entry i en MedCom-meddelelse indeholder en ressource; fjern den "
    "tomme "
    "entry.",
    "{element} has no resource. Every entry of a MedCom message holds a resource; remove the empty entry.",
    REQ,
)
BUNDLE_TIMESTAMP = rule(
    "msg.timestamp",
    E,
    "Bundle.timestamp mangler: tidspunktet, meddelelsen blev dannet, med tidszone.",
    "Bundle.timestamp is missing: the time the message was assembled, with time zone.",
    REQ,
)
PROVENANCE_EXISTS = rule(
    "medcom-messaging-2",
    E,
    "Der skal være mindst én Provenance i en MedCom-meddelelse (medcom-messaging-2). Tilføj meddelelsens "
    "Provenance: target = MessageHeader, occurredDateTime, activity og agent = afsenderen.",
    "There shall be at least one Provenance resource in a MedCom message (medcom-messaging-2). Add the "
    "message's Provenance: target = MessageHeader, occurredDateTime, activity and agent = the sender.",
    INV,
)
HEADER_ID = rule(
    "msg.header-id",
    E,
    "MessageHeader.id mangler. Det er brev-id'et (OIOXML: Letter/Identifier) og skal være globalt unikt "
    "(brug et UUID).",
    "MessageHeader.id is missing. It is the letter id (OIOXML: Letter/Identifier) and must be globally "
    "unique "
    "(use a UUID).",
    REQ,
)
HEADER_EVENT = rule(
    "msg.event",
    E,
    "MessageHeader.eventCoding mangler {what}; angiv system '{system}' og koden for meddelelsestypen.",
    "MessageHeader.eventCoding lacks {what}; give the system '{system}' and the code of the message type.",
    REQ,
)
DESTINATION_PRIMARY = rule(
    "msg.destination-primary",
    E,
    "MessageHeader skal have præcis én destination med use 'primary' (extension'en "
    "medcom-messaging-destinationUseExtension); fundet {count}.",
    "MessageHeader must have exactly one destination with use 'primary' (the extension "
    "medcom-messaging-destinationUseExtension); found {count}.",
    REQ,
)
DESTINATION_USE = rule(
    "msg.destination-use",
    E,
    "{element} mangler en gyldig destinationUse-extension ({problem}). Hver destination skal have netop én "
    "extension {url} med valueCoding system '{system}' og kode 'primary' eller 'cc'.",
    "{element} lacks a valid destinationUse extension ({problem}). Every destination must have exactly one "
    "extension {url} with valueCoding system '{system}' and code 'primary' or 'cc'.",
    STRUCT,
)
DESTINATION_CC = rule(
    "msg.destination-cc",
    E,
    "En {kind} må ikke have cc-modtagere (destination med use 'cc'); send i stedet en separat meddelelse til "
    "hver modtager.",
    "A {kind} must not have cc receivers (a destination with use 'cc'); send a separate message to each "
    "receiver instead.",
    BR,
)
RECEIVER = rule(
    "msg.receiver",
    E,
    "{element}.receiver mangler. Modtageren skal være en Organization i Bundle med SOR-id og "
    "EAN-lokationsnummer.",
    "{element}.receiver is missing. The receiver must be an Organization in the Bundle with a SOR id and an "
    "EAN location number.",
    REQ,
)
SENDER = rule(
    "msg.sender",
    E,
    "MessageHeader.sender mangler. Afsenderen skal være en Organization i Bundle med SOR-id og "
    "EAN-lokationsnummer.",
    "MessageHeader.sender is missing. The sender must be an Organization in the Bundle with a SOR id and an "
    "EAN location number.",
    REQ,
)
ORGANIZATION_IDENTIFIERS = rule(
    "msg.organization-identifiers",
    E,
    "{role} ({name}) {problem}. Afsender og modtager skal hver have præcis ét SOR-id (system {sor}) og ét "
    "EAN/GLN-lokationsnummer (system {gln}); brug et SOR-niveau, der har et lokationsnummer.",
    "The {role} ({name}) {problem}. Sender and receiver must each have exactly one SOR id (system {sor}) and "
    "one EAN/GLN location number (system {gln}); use a SOR level that has a location number.",
    REQ,
)
PROVENANCE_TARGET = rule(
    "msg.provenance-target",
    E,
    "{element}.target skal have præcis én reference til en MessageHeader (fundet {count}).",
    "{element}.target must hold exactly one reference to a MessageHeader (found {count}).",
    STRUCT,
)
PROVENANCE_OCCURRED = rule(
    "msg.provenance-occurred",
    E,
    "{element}.occurredDateTime mangler: det menneskeligt læsbare afsendelsestidspunkt med dato, "
    "klokkeslæt og "
    "tidszone.",
    "{element}.occurredDateTime is missing: the human-readable send time with date, time and time zone.",
    REQ,
)
PROVENANCE_ACTIVITY = rule(
    "msg.provenance-activity",
    E,
    "{element}.activity skal have præcis én coding med system og kode (fundet {problem}).",
    "{element}.activity must have exactly one coding with system and code (found {problem}).",
    REQ,
)
PROVENANCE_CURRENT = rule(
    "msg.provenance-current",
    E,
    "Ingen Provenance har denne meddelelses MessageHeader (MessageHeader/{id}) som target. Meddelelsen skal "
    "have sin egen Provenance med afsendelsestidspunkt, aktivitet og afsender.",
    "No Provenance has this message's MessageHeader (MessageHeader/{id}) as its target. The message must "
    "have its own Provenance with send time, activity and sender.",
    REQ,
)
HEADER_CONFORMS = rule(
    "medcom-messaging-1",
    E,
    "MessageHeader overholder ikke profilen medcom-messaging-messageHeader (medcom-messaging-1): {rules}. "
    "Den publicerede regel bruger conformsTo() med en forældet kanonisk URL (/fhir/messaging/ i stedet for "
    "/ig/messaging/); medcomkit tjekker det, den er ment til: profilens krav.",
    "The MessageHeader does not conform to medcom-messaging-messageHeader (medcom-messaging-1): {rules}. The "
    "published rule uses conformsTo() with an outdated canonical URL (/fhir/messaging/ instead of "
    "/ig/messaging/); medcomkit checks what it intends: the profile's requirements.",
    INV,
)
PROVENANCES_CONFORM = rule(
    "medcom-messaging-3",
    E,
    "{element} overholder ikke profilen medcom-messaging-provenance (medcom-messaging-3): {rules}. Den "
    "publicerede regel bruger conformsTo() med en forældet kanonisk URL (/fhir/messaging/); medcomkit "
    "tjekker det, den er ment til: profilens krav.",
    "{element} does not conform to medcom-messaging-provenance (medcom-messaging-3): {rules}. The published "
    "rule uses conformsTo() with an outdated canonical URL (/fhir/messaging/); medcomkit checks what it "
    "intends: the profile's requirements.",
    INV,
)

# --- Danish identifiers (dk-core 3.4.0) -----------------------------------------------------------
CPR = rule(
    "cpr",
    E,
    "CPR-nummeret {value} har ikke dk-cores form: 10 cifre, der begynder med en mulig dato (ddmmåå) (dk-core "
    "'cpr'). I FHIR er det en fejl (i OIOXML kun en advarsel). Tjek nummeret; kendes CPR ikke, brug et "
    "erstatnings-CPR (X-eCPR eller D-eCPR).",
    "The CPR number {value} does not have dk-core's form: 10 digits starting with a possible date (ddmmyy) "
    "(dk-core 'cpr'). In FHIR this is an error (in OIOXML only a warning). Check the number; if the CPR is "
    "unknown, use a replacement CPR (X-eCPR or D-eCPR).",
    INV,
)
CPR_MODULUS11 = rule(
    "dk.cpr-modulus11",
    W,
    "CPR-nummeret {value} opfylder ikke modulus 11. Det er tilladt: nationale test-CPR-numre fejler med "
    "vilje, "
    "og CPR-numre uden modulus 11 udstedes; men tjek nummeret, hvis det er en rigtig patient.",
    "The CPR number {value} fails modulus 11. That is allowed: national test CPR numbers fail it on purpose, "
    "and CPR numbers without modulus 11 are issued; but check it if this is a real patient.",
    VALUE,
)
X_ECPR = rule(
    "x-ecpr",
    E,
    "X-eCPR '{value}' har ikke formen ddmmåå + 2 cifre + 1 eller 7 + 2 store bogstaver + 1 ciffer (dk-core "
    "'x-ecpr'). Et erstatnings-CPR med 7. tegn 0, 5 eller 6 er et D-eCPR (system "
    "urn:oid:1.2.208.176.1.6.1.3).",
    "The X-eCPR '{value}' does not have the form ddmmyy + 2 digits + 1 or 7 + 2 capital letters + 1 digit "
    "(dk-core 'x-ecpr'). A replacement CPR whose 7th character is 0, 5 or 6 is a D-eCPR (system "
    "urn:oid:1.2.208.176.1.6.1.3).",
    INV,
)
D_ECPR = rule(
    "d-ecpr",
    E,
    "D-eCPR '{value}' har ikke formen ddmmåå + 2 cifre + 0, 5 eller 6 + 2 store bogstaver + 1 ciffer "
    "(dk-core "
    "'d-ecpr'). Et erstatnings-CPR med 7. tegn 1 eller 7 er et X-eCPR (system urn:oid:1.2.208.176.1.6.1.1).",
    "The D-eCPR '{value}' does not have the form ddmmyy + 2 digits + 0, 5 or 6 + 2 capital letters + 1 digit "
    "(dk-core 'd-ecpr'). A replacement CPR whose 7th character is 1 or 7 is an X-eCPR (system "
    "urn:oid:1.2.208.176.1.6.1.1).",
    INV,
)
SOR_DIGITS = rule(
    "min-digits-sor",
    E,
    "SOR-id'et '{value}' er ikke mindst 11 cifre (dk-core 'min-digits-sor'). Slå enheden op i SOR og brug "
    "dens SOR-id.",
    "The SOR id '{value}' is not at least 11 digits (dk-core 'min-digits-sor'). Look the unit up in SOR and "
    "use its SOR id.",
    INV,
)
GLN_LENGTH = rule(
    "gln-length",
    E,
    "EAN/GLN-lokationsnummeret '{value}' er ikke præcis 13 cifre (dk-core 'gln-length'). Lokationsnumre fra "
    "SOR er 13-cifrede.",
    "The EAN/GLN location number '{value}' is not exactly 13 digits (dk-core 'gln-length'). Location numbers "
    "from SOR have 13 digits.",
    INV,
)
GLN_CHECK_DIGIT = rule(
    "gln-modulus-10",
    E,
    "EAN/GLN-lokationsnummeret '{value}' har et forkert kontrolciffer (GS1 modulus 10 giver {expected}; "
    "dk-core "
    "'gln-modulus-10'). Tjek nummeret i SOR; VANS afviser en ukendt modtager.",
    "The EAN/GLN location number '{value}' has a wrong check digit (GS1 modulo 10 gives {expected}; dk-core "
    "'gln-modulus-10'). Check the number in SOR; VANS rejects an unknown receiver.",
    INV,
)
GLN_SYSTEM_HTTP = rule(
    "dk.gln-system-http",
    INFO,
    "Lokationsnummeret bruger system '{system}' (dk-core 3.5.0 og MedCom core 4.0.0). CareCommunication "
    "5.0.2 "
    "bygger på dk-core 3.4.0, hvor systemet er '{expected}'; medcomkit accepterer begge, men en modtager på "
    "5.0.2 kan forvente '{expected}'.",
    "The location number uses system '{system}' (dk-core 3.5.0 and MedCom core 4.0.0). CareCommunication "
    "5.0.2 builds on dk-core 3.4.0, where the system is '{expected}'; medcomkit accepts both, but a 5.0.2 "
    "receiver may expect '{expected}'.",
    VALUE,
)
GLN_SYSTEM_OID = rule(
    "dk.gln-system-oid",
    W,
    "Lokationsnummeret bruger det forældede system '{system}' (fra MedComs gamle mapningsdokumenter). Brug "
    "'{expected}', som profilerne kræver; medcomkit læser det gamle system, men profilernes EAN-krav "
    "opfyldes "
    "først med '{expected}'.",
    "The location number uses the outdated system '{system}' (from MedCom's old mapping documents). Use "
    "'{expected}', which the profiles require; medcomkit reads the old system, but the profiles' EAN "
    "requirement is met only with '{expected}'.",
    VALUE,
)
KOMBIT_UUID = rule(
    "uuid",
    E,
    "KOMBIT-organisations-id'et '{value}' er ikke på formen urn:uuid:<uuid med små bogstaver> (dk-core "
    "'uuid').",
    "The KOMBIT organisation id '{value}' is not of the form urn:uuid:<lower-case uuid> (dk-core 'uuid').",
    INV,
)
CVR_LENGTH = rule(
    "CVR-length",
    E,
    "CVR-nummeret '{value}' er ikke præcis 8 cifre (dk-core 'CVR-length').",
    "The CVR number '{value}' is not exactly 8 digits (dk-core 'CVR-length').",
    INV,
)
CVR_MODULUS11 = rule(
    "CVR-modulus-11",
    E,
    "CVR-nummeret '{value}' opfylder ikke modulus 11 (dk-core 'CVR-modulus-11'); tjek nummeret i "
    "CVR-registret.",
    "The CVR number '{value}' fails modulus 11 (dk-core 'CVR-modulus-11'); check it in the CVR register.",
    INV,
)
ORGANIZATION_IDENTIFIER = rule(
    "dk-core-organization-mandatory-identifier",
    E,
    "Organization {name} har hverken SOR-id, KOMBIT-organisations-id eller CVR-nummer (dk-core-organization-"
    "mandatory-identifier). Angiv mindst ét; i MedCom-meddelelser SOR-id'et.",
    "The Organization {name} has neither a SOR id, a KOMBIT organisation id nor a CVR number (dk-core-"
    "organization-mandatory-identifier). Give at least one; in MedCom messages the SOR id.",
    INV,
)
MARITAL_STATUS = rule(
    "marital-status-unknown-usage",
    W,
    "Civilstanden '{code}' ({display}) findes ikke i dansk ret og bør ikke bruges (dk-core 'marital-status-"
    "unknown-usage'). Den publicerede regel siger 'P eller A er tom' og fanger kun den, der bruger begge; "
    "medcomkit tjekker det tilsigtede: ingen af dem.",
    "The marital status '{code}' ({display}) does not exist in Danish law and should not be used (dk-core "
    "'marital-status-unknown-usage'). The published rule says 'P or A is empty' and only catches both at "
    "once; medcomkit checks the intent: neither.",
    INV,
)
D_ECPR_SYSTEM = rule(
    "binding.DkCoreDeCPRValueSet",
    E,
    "Identifier-systemet '{system}' ligner et D-eCPR-system, men er ikke et af dk-cores D-eCPR-systemer: "
    "{allowed}.",
    "The identifier system '{system}' looks like a D-eCPR system but is not one of dk-core's D-eCPR systems: "
    "{allowed}.",
    CODE,
)
IDENTIFIER_USE = rule(
    "core.identifier-use",
    E,
    "{element}.use er '{value}', men et {what} skal have use '{expected}' (eller ingen use).",
    "{element}.use is '{value}', but a {what} must have use '{expected}' (or no use).",
    VALUE,
)
PATIENT_IDENTIFIER = rule(
    "core.patient-identifier",
    E,
    "Patient {problem}. En patient identificeres med CPR-nummer (system {cpr}) eller, hvis det ikke "
    "kendes, et "
    "erstatnings-CPR; højst ét af hver slags.",
    "The Patient {problem}. A patient is identified by a CPR number (system {cpr}) or, if it is unknown, a "
    "replacement CPR; at most one of each kind.",
    REQ,
)
PATIENT_NAME = rule(
    "core.patient-name",
    E,
    "Patient {problem}. Patienten skal have præcis ét navn med use 'official' og efternavn (family); er "
    "efternavnet ukendt, angives det med extension'en data-absent-reason.",
    "The Patient {problem}. The patient must have exactly one name with use 'official' and a family name; an "
    "unknown family name is given with the data-absent-reason extension.",
    REQ,
)
ORGANIZATION_SOR = rule(
    "core.organization-sor",
    E,
    "Organization {name} {problem}. En MedCom-organisation skal have præcis ét SOR-id (system {sor}).",
    "The Organization {name} {problem}. A MedCom organisation must have exactly one SOR id (system {sor}).",
    REQ,
)
CARETEAM_NAME = rule(
    "core.careteam-name",
    E,
    "CareTeam mangler name. Et specifikt team (afsender eller modtager) skal have et navn, som modtageren "
    "kan vise.",
    "The CareTeam has no name. A specific team (sender or recipient) must have a name the receiver can show.",
    REQ,
)
ENCOUNTER_SUBJECT = rule(
    "core.encounter-subject",
    E,
    "Encounter.subject mangler; den skal pege på meddelelsens Patient.",
    "Encounter.subject is missing; it must point to the message's Patient.",
    REQ,
)
ENCOUNTER_ACCOUNT = rule(
    "core.encounter-account",
    E,
    "Encounter.account må ikke bruges i MedCom-meddelelser (kardinalitet 0..0).",
    "Encounter.account must not be used in MedCom messages (cardinality 0..0).",
    STRUCT,
)
LPR3_SYSTEM = rule(
    "core.lpr3-system",
    W,
    "Forløbs-id'et har systemet '{system}', der ligner LPR3's, men LPR3-systemet er '{expected}'.",
    "The episode-of-care id has the system '{system}', which looks like LPR3's, but the LPR3 system is "
    "'{expected}'.",
    VALUE,
)
LPR3_UUID = rule(
    "uuidv5",
    E,
    "LPR3-forløbs-id'et '{value}' er ikke et UUID version 5 på formen urn:uuid:… (medcom-core 'uuidv5').",
    "The LPR3 episode-of-care id '{value}' is not a version 5 UUID of the form urn:uuid:… (medcom-core "
    "'uuidv5').",
    INV,
)
EXTENSION_SHAPE = rule(
    "core.extension",
    E,
    "Extension'en {name} i {element} {problem}.",
    "The {name} extension in {element} {problem}.",
    STRUCT,
)
CONTACT_PHONE = rule(
    "medcom-core-contact",
    E,
    "Telefonnummeret '{value}' i {element} indeholder ingen cifre. Et telefonnummer må bestå af + og cifrene "
    "0-9 (medcom-core-contact); den publicerede regel er ikke forankret og kræver kun ét ciffer, hvilket "
    "medcomkit følger.",
    "The telephone number '{value}' in {element} contains no digits. A telephone number may consist of + "
    "and the digits 0-9 (medcom-core-contact); the published rule is unanchored and requires only one digit, "
    "which medcomkit follows.",
    INV,
)
CONTACT_CHARACTERS = rule(
    "core.contact-characters",
    W,
    "Telefonnummeret '{value}' i {element} indeholder andet end +, cifre, mellemrum og bindestreg. "
    "medcom-core-contact beskriver '+ og tallene 0-9' (og godtager mellemrum og '-'); skriv nummeret "
    "uden bogstaver og tegn.",
    "The telephone number '{value}' in {element} contains more than +, digits, spaces and hyphens. "
    "medcom-core-contact describes '+ and the numbers 0-9' (and accepts spaces and '-'); write the "
    "number without letters and signs.",
    VALUE,
)
IDENTIFIER_SYSTEM_ABSOLUTE = rule(
    "core.identifier-system-absolute",
    E,
    "{element} er '{system}', men Identifier.system skal være en absolut URI (FHIR R4, Identifier); {hint}",
    "{element} is '{system}', but Identifier.system must be an absolute URI (FHIR R4, Identifier); {hint}",
    VALUE,
)
UUID_V4 = rule(
    "medcom-uuidv4",
    E,
    "'{value}' i {element} er ikke på formen urn:uuid:<uuid med små bogstaver> (medcom-uuidv4). Den "
    "publicerede "
    "regel er ikke forankret; medcomkit kræver hele værdien på den form, som reglens tekst siger.",
    "'{value}' in {element} is not of the form urn:uuid:<lower-case uuid> (medcom-uuidv4). The published "
    "rule is unanchored; medcomkit requires the whole value to have that form, as the rule's text says.",
    INV,
)
UUID_V4_VERSION = rule(
    "core.uuid-version",
    W,
    "'{value}' i {element} er et UUID, men ikke version 4 (13. hex-ciffer er '{version}'). medcom-uuidv4 "
    "beskriver et UUID version 4; generér id'et tilfældigt (uuid4).",
    "'{value}' in {element} is a UUID but not version 4 (its 13th hex digit is '{version}'). medcom-uuidv4 "
    "describes a version 4 UUID; generate the id randomly (uuid4).",
    VALUE,
)

# --- CareCommunication 5.0.4 (5.0.2 with invariant 15 and the definition-url regex fixed) ----------
CC_HEADER_PROFILE = rule(
    "medcom-careCommunication-1",
    E,
    "entry[0] skal være en MessageHeader, hvis meta.profile er medcom-careCommunication-messageHeader "
    "(medcom-careCommunication-1); {problem}.",
    "entry[0] must be a MessageHeader whose meta.profile is medcom-careCommunication-messageHeader "
    "(medcom-careCommunication-1); {problem}.",
    INV,
)
CC_ONE_PATIENT = rule(
    "medcom-careCommunication-2",
    E,
    "Bundle indeholder {count} Patient-ressourcer; en CareCommunication handler om præcis én patient "
    "(medcom-careCommunication-2).",
    "The Bundle holds {count} Patient resources; a CareCommunication is about exactly one patient "
    "(medcom-careCommunication-2).",
    INV,
)
CC_PROVENANCE_PROFILE = rule(
    "medcom-careCommunication-3",
    E,
    "{element} har ikke meta.profile medcom-careCommunication-provenance; alle Provenance-ressourcer i en "
    "CareCommunication skal angive den profil (medcom-careCommunication-3).",
    "{element} lacks meta.profile medcom-careCommunication-provenance; every Provenance in a "
    "CareCommunication "
    "must declare that profile (medcom-careCommunication-3).",
    INV,
)
CC_PRACTITIONER_NAME = rule(
    "medcom-careCommunication-4",
    E,
    "{element} har intet navn; en Practitioner, der bruges via en PractitionerRole, skal have fornavn og "
    "efternavn (medcom-careCommunication-4). Den publicerede regel er opfyldt, blot én Practitioner har "
    "navn; "
    "medcomkit kræver det af hver.",
    "{element} has no name; a Practitioner used through a PractitionerRole must have given and family name "
    "(medcom-careCommunication-4). The published rule holds as soon as one Practitioner has a name; "
    "medcomkit requires it of each.",
    INV,
)
CC_PRIORITY = rule(
    "medcom-careCommunication-5",
    E,
    "Communication.priority ('{priority}') må kun bruges, når kategorien er 'regarding-referral' (her "
    "'{category}') (medcom-careCommunication-5). Fjern priority, eller skriv prioriteten i teksten.",
    "Communication.priority ('{priority}') may only be used when the category is 'regarding-referral' (here "
    "'{category}') (medcom-careCommunication-5). Remove priority, or state the priority in the text.",
    INV,
)
CC_TOPIC_OTHER = rule(
    "medcom-careCommunication-6",
    E,
    "Kategorien er 'other' (Andet), men Communication.topic mangler; med kategorien 'other' skal et emne "
    "angives (medcom-careCommunication-6).",
    "The category is 'other', but Communication.topic is missing; with the category 'other' a topic must be "
    "given (medcom-careCommunication-6).",
    INV,
)
CC_AUTHOR_ROLE = rule(
    "medcom-careCommunication-7",
    E,
    "Forfatteren {element} {problem}; en PractitionerRole, der er forfatter til et afsnit, skal have en "
    "rolle: "
    "enten en kode fra listen eller en fritekst (code.text), ikke begge (medcom-careCommunication-7).",
    "The author {element} {problem}; a PractitionerRole authoring a segment must have a role: either a code "
    "from the list or free text (code.text), not both (medcom-careCommunication-7).",
    INV,
)
CC_AUTHOR_NAME = rule(
    "medcom-careCommunication-8",
    E,
    "Forfatteren af {element} har ingen Practitioner med navn; forfatteren til et afsnit skal have et navn "
    "(medcom-careCommunication-8). Den publicerede regel er opfyldt, blot én forfatter har navn; medcomkit "
    "kræver det af hver.",
    "The author of {element} has no Practitioner with a name; the author of a segment must have a name "
    "(medcom-careCommunication-8). The published rule holds as soon as one author has a name; medcomkit "
    "requires it of each.",
    INV,
)
CC_EPISODE = rule(
    "medcom-careCommunication-9",
    E,
    "Communication.encounter peger på en Encounter uden episodeOfCare.identifier; når en Encounter er med, "
    "skal forløbs-id'et være med (medcom-careCommunication-9).",
    "Communication.encounter points to an Encounter without episodeOfCare.identifier; when an Encounter is "
    "included, its episode-of-care identifier must be too (medcom-careCommunication-9).",
    INV,
)
CC_SENDER_ORGANIZATION = rule(
    "medcom-careCommunication-11",
    E,
    "Den specifikke afsender ({target}) hører ikke til afsenderorganisationen i MessageHeader.sender "
    "(medcom-careCommunication-11); dens organization/managingOrganization skal være samme Organization.",
    "The specific sender ({target}) does not belong to the sending organisation in MessageHeader.sender "
    "(medcom-careCommunication-11); its organization/managingOrganization must be the same Organization.",
    INV,
)
CC_RECIPIENT_ORGANIZATION = rule(
    "medcom-careCommunication-12",
    E,
    "Den specifikke modtager ({target}) hører ikke til modtagerorganisationen i MessageHeader.destination."
    "receiver (medcom-careCommunication-12); dens organization/managingOrganization skal være samme "
    "Organization.",
    "The specific recipient ({target}) does not belong to the receiving organisation in MessageHeader."
    "destination.receiver (medcom-careCommunication-12); its organization/managingOrganization must be the "
    "same Organization.",
    INV,
)
CC_ROLE_PRACTITIONER = rule(
    "medcom-careCommunication-13",
    E,
    "{element} har ingen reference til en Practitioner (medcom-careCommunication-13). Den publicerede "
    "regel er "
    "opfyldt, blot én PractitionerRole har det; medcomkit kræver det af hver.",
    "{element} has no reference to a Practitioner (medcom-careCommunication-13). The published rule holds as "
    "soon as one PractitionerRole has one; medcomkit requires it of each.",
    INV,
)
CC_ENCOUNTER = rule(
    "medcom-careCommunication-15",
    E,
    "{problem} (medcom-careCommunication-15, som CareCommunication 5.0.4 skriver den på Bundle; 5.0.2's "
    "version kunne ikke se Bundle).",
    "{problem} (medcom-careCommunication-15, as CareCommunication 5.0.4 writes it on the Bundle; 5.0.2's "
    "version could not see the Bundle).",
    INV,
)
CC_DEFINITION = rule(
    "medcom-carecommunication-definition-url",
    E,
    "MessageHeader.definition er '{value}', men skal være MedComCareCommunicationMessageDefinition i en "
    "version 5.x: '{expected}' (medcom-carecommunication-definition-url, som CareCommunication 5.0.4 "
    "skriver den; i 5.0.2 gjorde et uescapet '|' reglen til 'starter med URL'en ELLER slutter på 5.x').",
    "MessageHeader.definition is '{value}', but must be MedComCareCommunicationMessageDefinition at a "
    "version 5.x: '{expected}' (medcom-carecommunication-definition-url, as CareCommunication 5.0.4 "
    "writes it; in 5.0.2 an unescaped '|' made the rule 'starts with the URL OR ends in 5.x').",
    INV,
)
CC_HEADER_FOCUS = rule(
    "cc.header-focus",
    E,
    "MessageHeader.focus skal have præcis én reference til meddelelsens Communication (fundet {count}).",
    "MessageHeader.focus must hold exactly one reference to the message's Communication (found {count}).",
    REQ,
)
CC_HEADER_DEFINITION = rule(
    "cc.header-definition",
    E,
    "MessageHeader.definition mangler; en CareCommunication skal angive '{expected}'.",
    "MessageHeader.definition is missing; a CareCommunication must state '{expected}'.",
    REQ,
)
CC_COMMUNICATION = rule(
    "cc.communication",
    E,
    "Bundle indeholder {count} Communication-ressourcer; en CareCommunication har præcis én (den, "
    "MessageHeader.focus peger på).",
    "The Bundle holds {count} Communication resources; a CareCommunication has exactly one (the one "
    "MessageHeader.focus points to).",
    REQ,
)
CC_IDENTIFIER = rule(
    "cc.communication-identifier",
    E,
    "Communication.identifier {problem}. Tråd-id'et er præcis én identifier med en værdi urn:uuid:…; "
    "samme værdi "
    "i svar, ny værdi ved videresendelse.",
    "Communication.identifier {problem}. The thread id is exactly one identifier with a value urn:uuid:…; "
    "the "
    "same value in replies, a new one when forwarding.",
    REQ,
)
CC_STATUS = rule(
    "cc.status",
    E,
    "Communication.status er '{value}', men skal være 'unknown' i en CareCommunication.",
    "Communication.status is '{value}', but must be 'unknown' in a CareCommunication.",
    VALUE,
)
CC_CATEGORY = rule(
    "cc.category",
    E,
    "Communication.category {problem}. En CareCommunication har præcis én kategori med præcis én coding "
    "(system {system} og en kode, fx 'other').",
    "Communication.category {problem}. A CareCommunication has exactly one category with exactly one coding "
    "(system {system} and a code, e.g. 'other').",
    REQ,
)
CC_SUBJECT = rule(
    "cc.subject",
    E,
    "Communication.subject mangler; den skal pege på meddelelsens Patient.",
    "Communication.subject is missing; it must point to the message's Patient.",
    REQ,
)
CC_TOPIC_TEXT = rule(
    "cc.topic-text",
    E,
    "Communication.topic har ingen text. Emnet angives som fri tekst i topic.text.",
    "Communication.topic has no text. The topic is given as free text in topic.text.",
    REQ,
)
CC_RECIPIENT = rule(
    "cc.recipient",
    E,
    "Communication.recipient forekommer {count} gange; der kan højst være én specifik modtager.",
    "Communication.recipient occurs {count} times; there can be at most one specific recipient.",
    STRUCT,
)
CC_TEXT_SEGMENT = rule(
    "cc.payload-text",
    E,
    "Communication har intet tekstafsnit (payload med contentString). Hver CareCommunication skal have "
    "mindst "
    "ét afsnit med tekst; vedhæftninger alene er ikke nok.",
    "The Communication has no text segment (payload with contentString). Every CareCommunication must have "
    "at least one segment with text; attachments alone are not enough.",
    REQ,
)
CC_PAYLOAD_EXTENSION = rule(
    "cc.payload-extension",
    E,
    "{element} {problem}. Et tekstafsnit skal have præcis én af hver: date, author, authorContact og "
    "identifier; en vedhæftning date og identifier (author og authorContact højst én).",
    "{element} {problem}. A text segment must have exactly one each of date, author, authorContact and "
    "identifier; an attachment date and identifier (author and authorContact at most one).",
    REQ,
)
CC_ATTACHMENT_TITLE = rule(
    "cc.attachment-title",
    E,
    "Vedhæftningen i {element} har ingen title. Angiv filens titel (uden at tilføje '.pdf' o.l.).",
    "The attachment in {element} has no title. Give the file's title (without appending '.pdf' or similar).",
    REQ,
)
CC_ATTACHMENT_COUNT = rule(
    "cc.attachment-count",
    W,
    "Meddelelsen har {count} vedhæftninger med data. Mens VANS' konverteringsservice kører, må en "
    "CareCommunication højst have 10 vedhæftninger; en modtager på XDIS91/XBIN01 får ellers ikke dem alle.",
    "The message has {count} attachments with data. While the VANS conversion service runs, a "
    "CareCommunication may have at most 10 attachments; a receiver on XDIS91/XBIN01 would not get them all.",
    IssueType.TOO_LONG,
)
CC_MESSAGE_SIZE = rule(
    "cc.message-size",
    E,
    "Meddelelsen fylder {size} byte; en CareCommunication inklusive vedhæftninger og VANS-kuvert må højst "
    "fylde 100 MB. Afsendersystemet skal advare brugeren; send store filer på anden vis.",
    "The message is {size} bytes; a CareCommunication including attachments and VANS envelope may be at most "
    "100 MB. The sending system must warn the user; send large files another way.",
    IssueType.TOO_LONG,
)
CC_ENTITY_ROLE = rule(
    "cc.provenance-entity",
    E,
    "{element} har role '{role}'. I en CareCommunication må Provenance.entity kun have role 'source' (et "
    "afsnit, meddelelsen tilføjede) eller 'revision' (den forrige meddelelse).",
    "{element} has role '{role}'. In a CareCommunication a Provenance.entity may only have role 'source' (a "
    "segment the message added) or 'revision' (the previous message).",
    STRUCT,
)
CC_ENTITY_SOURCE = rule(
    "cc.provenance-source",
    E,
    "{element} {problem}. Hver Provenance skal have en entity med role 'source' og what.identifier = "
    "identifier-extension'en for hvert afsnit, meddelelsen tilføjede.",
    "{element} {problem}. Every Provenance must have an entity with role 'source' and what.identifier = the "
    "identifier extension of each segment the message added.",
    REQ,
)
CC_ENTITY_REVISION = rule(
    "cc.provenance-revision",
    E,
    "{element} {problem}. Ved svar og videresendelse peger én entity med role 'revision' på den forrige "
    "meddelelse: what.reference = MessageHeader/<id> (FHIR) eller what.identifier = "
    "[lokationsnummer]#[brevid] (OIOXML/EDIFACT).",
    "{element} {problem}. In a reply or forward, one entity with role 'revision' points to the previous "
    "message: what.reference = MessageHeader/<id> (FHIR) or what.identifier = [location number]#[letter id] "
    "(OIOXML/EDIFACT).",
    REQ,
)
CC_REVISION_UNKNOWN = rule(
    "cc.revision-unknown",
    E,
    "{element} peger på den forrige meddelelse '{reference}', men ingen Provenance i Bundle har den "
    "MessageHeader som target. Et svar eller en videresendelse skal medtage de tidligere meddelelsers "
    "Provenance-ressourcer uændret.",
    "{element} points to the previous message '{reference}', but no Provenance in the Bundle has that "
    "MessageHeader as its target. A reply or forward must include the earlier messages' Provenance resources "
    "unchanged.",
    BR,
)
CC_REVISION_IDENTIFIER = rule(
    "cc.revision-identifier",
    W,
    "{element} er '{value}': brev-id'et står før lokationsnummeret. Profilen foreskriver "
    "[lokationsnummer]#[brevid] (MedComs eksempel k7bfbc0c har samme omvendte rækkefølge); en modtager, der "
    "slår den forrige meddelelse op, finder den ellers ikke.",
    "{element} is '{value}': the letter id comes before the location number. The profile prescribes "
    "[location number]#[letter id] (MedCom's example k7bfbc0c has the same reversed order); a receiver "
    "looking "
    "up the previous message will not find it otherwise.",
    VALUE,
)
CC_PAYLOAD_UNTRACED = rule(
    "cc.payload-provenance",
    W,
    "{element} har identifier '{value}', men ingen Provenance har en entity (role 'source') med den "
    "identifier. Hvert afsnit skal spores til den Provenance, der tilføjede det (profilen siger 'must'; "
    "ingen "
    "invariant håndhæver det, og tre af MedComs egne eksempler bryder det, så det er en advarsel).",
    "{element} has identifier '{value}', but no Provenance has an entity (role 'source') with that "
    "identifier. Every segment must be traced to the Provenance that added it (the profile says 'must'; no "
    "invariant enforces it, and three of MedCom's own examples break it, so it is a warning).",
    BR,
)
CC_ENTITY_UNKNOWN = rule(
    "cc.provenance-payload",
    W,
    "{element} nævner afsnittet '{value}', men Communication har intet afsnit med den identifier. Fjernes et "
    "afsnit (fx en vedhæftning), brydes Provenance-sporet.",
    "{element} names the segment '{value}', but the Communication has no segment with that identifier. "
    "Removing a segment (e.g. an attachment) breaks the Provenance trail.",
    BR,
)

# --- Acknowledgement 2.0.3 ------------------------------------------------------------------------
ACK_OPERATION_OUTCOME = rule(
    "medcom-acknowledgement-1",
    E,
    "MessageHeader.response.code er '{code}'. Når koden ikke er 'ok', skal Bundle indeholde en "
    "OperationOutcome, der forklarer fejlen (medcom-acknowledgement-1).",
    "MessageHeader.response.code is '{code}'. When the code is not 'ok', the Bundle must contain an "
    "OperationOutcome explaining the error (medcom-acknowledgement-1).",
    INV,
)
ACK_HEADER = rule(
    "medcom-acknowledgement-2",
    E,
    "MessageHeader overholder ikke profilen medcom-messaging-acknowledgementHeader "
    "(medcom-acknowledgement-2): {problem}. (Den publicerede regel bruger conformsTo(); medcomkit tjekker "
    "profilens krav.)",
    "The MessageHeader does not conform to medcom-messaging-acknowledgementHeader "
    "(medcom-acknowledgement-2): "
    "{problem}. (The published rule uses conformsTo(); medcomkit checks the profile's requirements.)",
    INV,
)
ACK_PROVENANCE = rule(
    "ack.provenance",
    E,
    "Kvitteringens egen Provenance {problem}. En kvittering har en ny Provenance med activity "
    "'acknowledgement' "
    "og en entity med role 'revision', der peger på den kvitterede meddelelses MessageHeader.",
    "The acknowledgement's own Provenance {problem}. An acknowledgement has a new Provenance with activity "
    "'acknowledgement' and an entity with role 'revision' pointing to the acknowledged message's "
    "MessageHeader.",
    REQ,
)
ACK_RESPONSE_IDENTIFIER = rule(
    "ack.response-identifier",
    W,
    "MessageHeader.response.identifier er '{identifier}', men kvitteringens Provenance peger på "
    "'{reference}'. "
    "Begge skal angive den kvitterede meddelelse (dens MessageHeader.id); ret den, der er forkert.",
    "MessageHeader.response.identifier is '{identifier}', but the acknowledgement's Provenance points to "
    "'{reference}'. Both must name the acknowledged message (its MessageHeader.id); fix whichever is wrong.",
    BR,
)
ACK_DETAILS = rule(
    "ack.response-details",
    W,
    "MessageHeader.response.code er '{code}', men response.details peger ikke på OperationOutcome; lad "
    "response.details pege på den OperationOutcome, der forklarer fejlen.",
    "MessageHeader.response.code is '{code}', but response.details does not point to the OperationOutcome; "
    "let response.details point to the OperationOutcome that explains the error.",
    BR,
)


# --- required bindings ------------------------------------------------------------------------------
def _binding(valueset: str, what_da: str, what_en: str) -> Rule:
    name = valueset.rpartition("/")[2]
    return rule(
        f"binding.{name}",
        E,
        "{element}: {found} er ikke i værdisættet " + name + f" ({what_da}). Tilladt: {{allowed}}.",
        "{element}: {found} is not in the value set " + name + f" ({what_en}). Allowed: {{allowed}}.",
        CODE,
    )


BINDING_MESSAGE_TYPES = _binding(t.VS_MESSAGE_TYPES, "meddelelsestyper", "message types")
BINDING_ACTIVITIES = _binding(t.VS_ACTIVITY_CODES, "aktiviteter", "activities")
BINDING_CC_ACTIVITIES = _binding(
    t.VS_CARECOMMUNICATION_ACTIVITIES,
    "CareCommunication kender kun ny, svar og videresend; svar på OIOXML/EDIFACT er 'reply-message'",
    "CareCommunication knows only new, reply and forward; a reply to OIOXML/EDIFACT is 'reply-message'",
)
BINDING_CATEGORIES = _binding(t.VS_CATEGORIES, "CareCommunication-kategorier", "CareCommunication categories")
BINDING_PRIORITY = _binding(t.VS_REQUEST_PRIORITY, "prioritet", "priority")
BINDING_MIME_TYPES = _binding(
    t.VS_ATTACHMENT_MIME_TYPES,
    "vedhæftninger må være PDF eller billeder; video er ikke tilladt",
    "attachments may be PDF or images; video is not allowed",
)
BINDING_ENCOUNTER_CLASS = _binding(t.VS_ENCOUNTER_CLASS, "kontaktklasse", "encounter class")
BINDING_ISSUE_DETAILS = _binding(
    t.VS_ACK_ISSUE_DETAILS, "fejlkoder i kvitteringer", "acknowledgement error codes"
)

# The rule that enforces each required binding of the profiles in play (value set canonical → rule).
BINDINGS = MappingProxyType(
    {
        t.VS_MESSAGE_TYPES: BINDING_MESSAGE_TYPES,
        t.VS_ACTIVITY_CODES: BINDING_ACTIVITIES,
        t.VS_CARECOMMUNICATION_ACTIVITIES: BINDING_CC_ACTIVITIES,
        t.VS_CATEGORIES: BINDING_CATEGORIES,
        t.VS_REQUEST_PRIORITY: BINDING_PRIORITY,
        t.VS_ATTACHMENT_MIME_TYPES: BINDING_MIME_TYPES,
        t.VS_ENCOUNTER_CLASS: BINDING_ENCOUNTER_CLASS,
        t.VS_ACK_ISSUE_DETAILS: BINDING_ISSUE_DETAILS,
        t.VS_D_ECPR: D_ECPR_SYSTEM,
        t.VS_RESPONSE_CODE: CODE_INVALID,  # a base R4 binding: the code check of the structural walk
    }
)
