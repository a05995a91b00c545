"""The self-test's own findings: each a registered rule with a stable id and Danish and English text.

Validation issues (``medcomkit.validate``) come on top of these; a case fails when any finding,
its own or validation's, is an error. Information findings say what could not be checked and why.
"""

from __future__ import annotations

from ..core.report import IssueType, Severity
from ..core.rules import rule

E, INFO, W = Severity.ERROR, Severity.INFORMATION, Severity.WARNING
BR = IssueType.BUSINESS_RULE

# --- files -------------------------------------------------------------------------------------------

UNREADABLE = rule(
    "selftest.unreadable",
    E,
    "Filen kan ikke læses som en meddelelse: {reason}",
    "The file cannot be read as a message: {reason}",
    IssueType.STRUCTURE,
)
WRONG_KIND = rule(
    "selftest.wrong-kind",
    E,
    "Filen er en {found}, men sagen forventer en {expected}.",
    "The file is a {found}, but the case expects a {expected}.",
    IssueType.NOT_SUPPORTED,
)
SEVERAL = rule(
    "selftest.several-messages",
    E,
    "Sagen har {count} meddelelser fra jeres system ({files}), men tjekker én. Angiv den rigtige i "
    "manifestet (message).",
    "The case has {count} messages from your system ({files}) but checks one. Name the right one in the "
    "manifest (message).",
    BR,
)

# --- CareCommunication: what a message is and holds --------------------------------------------------

ACTIVITY = rule(
    "selftest.activity",
    E,
    "Meddelelsens egen Provenance har aktiviteten '{found}', men sagen forventer '{expected}'.",
    "The message's own Provenance has the activity '{found}', but the case expects '{expected}'.",
    BR,
)
NEW_WITH_HISTORY = rule(
    "selftest.new-with-history",
    E,
    "En ny meddelelse starter en tråd, men denne peger på en tidligere meddelelse eller har tidligere "
    "Provenance-ressourcer ({what}).",
    "A new message starts a thread, but this one points at an earlier message or carries earlier "
    "Provenance resources ({what}).",
    BR,
)
TOPIC = rule(
    "selftest.topic",
    E,
    "Meddelelsen har intet emne (Communication.topic.text); sagen viser en meddelelse med alt indhold, "
    "også emne.",
    "The message has no topic (Communication.topic.text); the case shows a message with all content, "
    "topic included.",
    IssueType.REQUIRED,
)
AUTHOR = rule(
    "selftest.author",
    E,
    "Tekstsegmentet {segment} mangler {missing} (signaturen: forfatterens navn, rolle og telefonnummer, "
    "tidspunkt og identifier).",
    "The text segment {segment} lacks {missing} (the signature: the author's name, role and phone number, "
    "the time and an identifier).",
    IssueType.REQUIRED,
)
ATTACHMENT_CONTENT = rule(
    "selftest.attachment-content",
    E,
    "Bilaget '{title}' ({identifier}) mangler {missing}.",
    "The attachment '{title}' ({identifier}) lacks {missing}.",
    IssueType.REQUIRED,
)
NO_ATTACHMENT = rule(
    "selftest.no-attachment",
    INFO,
    "Meddelelsen har intet bilag, så bilagstjekket er ikke kørt her. Kan jeres system sende bilag, så "
    "send et med; bilag i svar og videresendelser tjekkes i S-B, S-C og S-D.",
    "The message has no attachment, so the attachment check did not run here. If your system can send "
    "attachments, include one; attachments in replies and forwards are checked in S-B, S-C and S-D.",
    IssueType.INFORMATIONAL,
)
NEW_SEGMENT = rule(
    "selftest.new-segment",
    E,
    "Meddelelsen tilføjer intet nyt tekstsegment. Hver meddelelse skal have mindst ét segment med sin "
    "egen tekst, og dens Provenance skal nævne det (entity 'source').",
    "The message adds no new text segment. Every message needs at least one segment with its own text, "
    "named by its Provenance (entity 'source').",
    BR,
)
NEW_ATTACHMENT = rule(
    "selftest.new-attachment",
    E,
    "Svaret tilføjer intet nyt bilag; sagen viser et svar med et bilag fra den, der svarer.",
    "The reply adds no new attachment; the case shows a reply with an attachment from the one replying.",
    BR,
)

# --- CareCommunication: the thread ------------------------------------------------------------------

THREAD_KEPT = rule(
    "selftest.thread-kept",
    E,
    "Svaret har tråd-id'et {found}, men den besvarede meddelelse har {expected}. Et svar beholder "
    "tråd-id'et (Communication.identifier).",
    "The reply has the thread id {found}, but the message it answers has {expected}. A reply keeps the "
    "thread id (Communication.identifier).",
    BR,
)
THREAD_NEW = rule(
    "selftest.thread-new",
    E,
    "Videresendelsen har samme tråd-id ({found}) som den videresendte meddelelse. En videresendelse "
    "starter en ny tråd med et nyt Communication.identifier.",
    "The forward has the same thread id ({found}) as the message it forwards. A forward starts a new "
    "thread with a new Communication.identifier.",
    BR,
)
UNANSWERED = rule(
    "selftest.answered-missing",
    INFO,
    "Den besvarede meddelelse ({message}) er ikke med, så tråd-id, segmenter, bilag og forløbs-id er kun "
    "sammenholdt med meddelelsens egen historik. Læg MedComs testeksempel i mappen, angiv det i "
    "manifestet (answers), eller giv --reference.",
    "The answered message ({message}) is not available, so thread id, segments, attachments and episode "
    "of care were checked against the message's own history only. Put MedCom's test example in the "
    "folder, name it in the manifest (answers), or give --reference.",
    IssueType.INFORMATIONAL,
)
SEGMENT_MISSING = rule(
    "selftest.segment-missing",
    E,
    "Det tidligere tekstsegment {identifier} ({author}, {written}) mangler, eller det har fået et nyt "
    "identifier. Alle tidligere segmenter skal med, med deres oprindelige identifier.",
    "The earlier text segment {identifier} ({author}, {written}) is missing, or it was given a new "
    "identifier. Every earlier segment must be included with its original identifier.",
    BR,
)
SEGMENT_CHANGED = rule(
    "selftest.segment-changed",
    E,
    "Det tidligere tekstsegment {identifier} er ændret: {field} er '{found}', men var '{expected}'. "
    "Tidligere segmenter sendes uændret med.",
    "The earlier text segment {identifier} was changed: {field} is '{found}' but was '{expected}'. "
    "Earlier segments are included unchanged.",
    BR,
)
ATTACHMENT_MISSING = rule(
    "selftest.attachment-missing",
    E,
    "Det tidligere bilag '{title}' ({identifier}) mangler. Tidligere bilag skal med (i et svar uden data).",
    "The earlier attachment '{title}' ({identifier}) is missing. Earlier attachments must be included "
    "(without data in a reply).",
    BR,
)
ATTACHMENT_DATA_KEPT = rule(
    "selftest.attachment-data-kept",
    E,
    "Det tidligere bilag '{title}' ({identifier}) har sine data eller sin URL med igen. I et svar "
    "medsendes tidligere bilag uden data og URL — kun identifier, tidspunkt og titel.",
    "The earlier attachment '{title}' ({identifier}) carries its data or URL again. A reply includes "
    "earlier attachments without data and URL — only identifier, time and title.",
    BR,
)
ATTACHMENT_DATA_MISSING = rule(
    "selftest.attachment-data-missing",
    E,
    "Bilaget '{title}' ({identifier}) har hverken data eller URL. En videresendelse skal have bilagenes "
    "data med, for modtageren har aldrig set dem.",
    "The attachment '{title}' ({identifier}) has neither data nor URL. A forward must carry the "
    "attachments' data, since its receiver has never seen them.",
    BR,
)
PAYLOAD_MISSING = rule(
    "selftest.payload-missing",
    E,
    "Provenance for meddelelse {message} nævner {identifier}, men intet segment eller bilag i "
    "meddelelsen har det identifier.",
    "The Provenance of message {message} names {identifier}, but no segment or attachment in the "
    "message has that identifier.",
    BR,
)
REVISION = rule(
    "selftest.revision",
    E,
    "Meddelelsens Provenance peger på MessageHeader/{found} (entity 'revision'), men skal pege på den "
    "besvarede meddelelse, MessageHeader/{expected}.",
    "The message's Provenance points at MessageHeader/{found} (entity 'revision'), but must point at "
    "the answered message, MessageHeader/{expected}.",
    BR,
)
REVISION_MISSING = rule(
    "selftest.revision-missing",
    E,
    "Meddelelsens Provenance har ingen entity 'revision', der peger på den besvarede meddelelse{expected}.",
    "The message's Provenance has no entity 'revision' pointing at the answered message{expected}.",
    IssueType.REQUIRED,
)
HISTORY_MISSING = rule(
    "selftest.history-missing",
    E,
    "Provenance for den tidligere meddelelse {message} ({activity}) mangler. Tidligere "
    "Provenance-ressourcer skal med uændret.",
    "The Provenance of the earlier message {message} ({activity}) is missing. Earlier Provenance "
    "resources must be included unchanged.",
    BR,
)
HISTORY_CHANGED = rule(
    "selftest.history-changed",
    E,
    "Provenance for den tidligere meddelelse {message} er ændret: {what}. Tidligere Provenance-ressourcer "
    "skal med uændret.",
    "The Provenance of the earlier message {message} was changed: {what}. Earlier Provenance resources "
    "must be included unchanged.",
    BR,
)
HISTORY_DEPTH = rule(
    "selftest.history-depth",
    E,
    "Meddelelsen har {found} tidligere Provenance-ressourcer, men sagen svarer på en meddelelse, der "
    "selv var et {what}; der skal være mindst {expected}.",
    "The message has {found} earlier Provenance resources, but the case answers a message that was "
    "itself a {what}; there must be at least {expected}.",
    BR,
)
EPISODE = rule(
    "selftest.episode",
    E,
    "Den besvarede meddelelse har forløbs-id'et {expected}, men denne har {found}. Et svar eller en "
    "videresendelse skal have forløbs-id'et med (Encounter.episodeOfCare.identifier).",
    "The answered message has the episode-of-care id {expected}, but this one has {found}. A reply or "
    "forward must carry it (Encounter.episodeOfCare.identifier).",
    BR,
)
EPISODE_MISSING = rule(
    "selftest.episode-missing",
    E,
    "Meddelelsen har intet forløbs-id (Encounter.episodeOfCare.identifier). Sagen svarer på en meddelelse "
    "med forløbs-id, og det skal med.",
    "The message has no episode-of-care id (Encounter.episodeOfCare.identifier). The case answers a "
    "message that has one, and it must be carried on.",
    IssueType.REQUIRED,
)
REPLACEMENT_CPR = rule(
    "selftest.replacement-cpr",
    E,
    "Patienten har intet erstatnings-CPR-nummer (X-eCPR eller D-eCPR); sagen handler om en patient, der "
    "identificeres med erstatnings-CPR.",
    "The patient has no replacement CPR number (X-eCPR or D-eCPR); the case is about a patient identified "
    "by replacement CPR.",
    BR,
)
PATIENT_ID_MISSING = rule(
    "selftest.patient-identifier-missing",
    E,
    "Patientens identifikator {value} ({system}) fra den besvarede meddelelse mangler.",
    "The patient identifier {value} ({system}) of the answered message is missing.",
    BR,
)

# --- Acknowledgements (the receive protocol) ---------------------------------------------------------

INPUT_MISSING = rule(
    "selftest.input-missing",
    INFO,
    "Meddelelsen til {case} findes kun i MedComs referenceeksempler, som ikke blev fundet; sagen er "
    "derfor ikke kørt. Giv --reference eller --inputs.",
    "The message for {case} exists only in MedCom's reference examples, which were not found, so the "
    "case did not run. Give --reference or --inputs.",
    IssueType.INFORMATIONAL,
)
ACK_COUNT = rule(
    "selftest.ack-count",
    E,
    "Der er {found} kvittering(er) for {case}, men MedCom leverer meddelelsen {expected} gange, og hver "
    "levering skal kvitteres.",
    "There are {found} acknowledgement(s) for {case}, but MedCom delivers the message {expected} times "
    "and each delivery must be acknowledged.",
    BR,
)
ACK_ANSWERS = rule(
    "selftest.ack-answers",
    E,
    "Kvitteringen svarer på MessageHeader {found}, men meddelelsen i {case} har MessageHeader {expected} "
    "(response.identifier). Blev kvitteringerne lavet til andre inddata? Giv dem med --inputs.",
    "The acknowledgement answers MessageHeader {found}, but the message in {case} has MessageHeader "
    "{expected} (response.identifier). Were the acknowledgements made for other inputs? Give them with "
    "--inputs.",
    BR,
)
ACK_CODE = rule(
    "selftest.ack-code",
    E,
    "Kvitteringen har svarkoden '{found}', men {case} skal kvitteres med '{expected}' ({why}).",
    "The acknowledgement has the response code '{found}', but {case} must be acknowledged with "
    "'{expected}' ({why}).",
    BR,
)
ACK_PARTIES = rule(
    "selftest.ack-parties",
    E,
    "Kvitteringens {role} har lokationsnummer {found}, men skal være {expected} (den kvitterede "
    "meddelelses {other}).",
    "The acknowledgement's {role} has location number {found}, but must be {expected} (the acknowledged "
    "message's {other}).",
    BR,
)
ACK_PROVENANCE = rule(
    "selftest.ack-provenance",
    E,
    "Kvitteringen har ingen kopi af den kvitterede meddelelses seneste Provenance (target "
    "MessageHeader/{expected}).",
    "The acknowledgement has no copy of the acknowledged message's latest Provenance (target "
    "MessageHeader/{expected}).",
    BR,
)
ACK_DUPLICATE = rule(
    "selftest.ack-duplicate",
    E,
    "Dubletten skal kvitteres som første gang, men {what}.",
    "A duplicate must be acknowledged as the first time, but {what}.",
    BR,
)
ACK_DUPLICATE_UNCHECKED = rule(
    "selftest.ack-duplicate-unchecked",
    INFO,
    "Der er ingen rigtig kvittering for {other}, så det er ikke tjekket, at dubletten kvitteres ens.",
    "There is no correct acknowledgement for {other}, so it was not checked that the duplicate is "
    "acknowledged alike.",
    IssueType.INFORMATIONAL,
)

# --- OIOXML: XDIS91, XBIN01 and receipts ------------------------------------------------------------

XDIS91_COUNT = rule(
    "selftest.xdis91-count",
    E,
    "Sagen skal have præcis ét XDIS91 fra jeres system, men har {found}.",
    "The case needs exactly one XDIS91 from your system, but has {found}.",
    BR,
)
XDIS91_TEXT = rule(
    "selftest.xdis91-text",
    E,
    "XDIS91'et har ingen tekst (ClinicalInformation/Text01). MedComs konvertering til FHIR kræver en tekst.",
    "The XDIS91 has no text (ClinicalInformation/Text01). MedCom's conversion to FHIR needs one.",
    IssueType.REQUIRED,
)
XDIS91_RECEIPT_WANTED = rule(
    "selftest.xdis91-receipt-wanted",
    INFO,
    "XDIS91'et beder ikke om en positiv kvittering (AcknowledgementCode minuspositivkvitt); så kommer der "
    "kun en kvittering, hvis modtageren afviser det.",
    "The XDIS91 asks for no positive receipt (AcknowledgementCode minuspositivkvitt); a receipt then "
    "comes only if the receiver refuses it.",
    IssueType.INFORMATIONAL,
)
XDIS91_NO_BINARY = rule(
    "selftest.xdis91-no-binary",
    E,
    "XDIS91'et henviser ikke til noget bilag (Reference/BIN); sagen viser et XDIS91 med bilag i XBIN01.",
    "The XDIS91 refers to no attachment (Reference/BIN); the case shows an XDIS91 with attachments in "
    "XBIN01.",
    BR,
)
XBIN01_MISSING = rule(
    "selftest.xbin01-missing",
    E,
    "Der er intet XBIN01 med bilagene; XDIS91'et henviser til {count} bilag.",
    "There is no XBIN01 with the attachments; the XDIS91 refers to {count} attachment(s).",
    BR,
)
XBIN01_SPLIT = rule(
    "selftest.xbin01-split",
    W,
    "Bilagene ligger i {count} XBIN01. MedCom samler en meddelelses bilag i ét XBIN01 med et "
    "BinaryObject pr. fil.",
    "The attachments are spread over {count} XBIN01. MedCom puts a message's attachments in one XBIN01 "
    "with one BinaryObject per file.",
    BR,
)
RECEIPT_MISSING = rule(
    "selftest.receipt-missing",
    E,
    "Der er ingen kvittering for {kind} {letter} (kuvert {envelope}).",
    "There is no receipt for {kind} {letter} (envelope {envelope}).",
    BR,
)
RECEIPT_KIND = rule(
    "selftest.receipt-kind",
    E,
    "{kind} {letter} er gyldigt og beder om positiv kvittering, men kvitteringen er en {found}; den skal "
    "være en XCTL03.",
    "{kind} {letter} is valid and asks for a positive receipt, but the receipt is a {found}; it must be "
    "an XCTL03.",
    BR,
)
RECEIPT_UNMATCHED = rule(
    "selftest.receipt-unmatched",
    E,
    "Kvitteringen svarer på kuvert {envelope}, brev {letters}, som ikke er blandt de modtagne meddelelser.",
    "The receipt answers envelope {envelope}, letter {letters}, which is not among the received messages.",
    BR,
)
RECEIPT_PARTIES = rule(
    "selftest.receipt-parties",
    E,
    "Kvitteringens {role} er {found}, men skal være {expected} (den kvitterede meddelelses {other}).",
    "The receipt's {role} is {found}, but must be {expected} (the receipted message's {other}).",
    BR,
)
