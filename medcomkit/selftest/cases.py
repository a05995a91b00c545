"""MedCom's test protocols as data: each case, what MedCom looks for, and the checks medcomkit runs.

The case ids are MedCom's (S-A … S-Tek-CPR for sending, R-A … R-Tek-CPR-3 for receiving), as in
the names of MedCom's certification test examples. Where the protocol says little about a case,
``reading`` says what medcomkit checks and that it is medcomkit's reading. The XDIS91 protocol is
medcomkit's own: MedCom's XDIS91 test protocol is not public, so its cases follow the OIOXML
specification (a valid XDIS91, the XBIN01 that carries its attachments, receipts).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..core.lang import Bilingual

__all__ = ["PROTOCOLS", "Case", "Protocol", "case_ids", "protocol_intro"]


class Protocol(StrEnum):
    CARECOMMUNICATION_SEND = "carecommunication-send"
    CARECOMMUNICATION_RECEIVE = "carecommunication-receive"
    XDIS91 = "xdis91"


@dataclass(frozen=True, slots=True)
class Case:
    """One test case of a protocol.

    ``checks`` names the checks run on the vendor's message(s) on top of full validation.
    ``answers`` is true when the vendor's message answers one MedCom gives (a reply or forward
    to a test example; for the receive protocol, the received message). ``response`` is the
    Acknowledgement code a receive case expects, ``deliveries`` how often MedCom delivers the
    message, and ``duplicate_of`` the case whose acknowledgement this one must equal.
    ``activity`` is the Provenance activity the vendor's message must have (``None``: any), and
    ``min_history`` how many earlier Provenances it must carry.
    """

    id: str
    title: Bilingual
    looks_for: Bilingual
    checks: tuple[str, ...]
    answers: bool = False
    reading: Bilingual | None = None
    optional: bool = False
    response: str | None = None
    deliveries: int = 1
    duplicate_of: str | None = None
    activity: str | None = None
    min_history: int = 0


_REPLY = (
    "valid",
    "activity",
    "revision",
    "history-kept",
    "thread-kept",
    "segments-kept",
    "attachments-without-data",
    "new-segment",
    "signatures",
    "episode-kept",
)
_FORWARD = (
    "valid",
    "activity",
    "revision",
    "history-kept",
    "thread-new",
    "segments-kept",
    "attachments-with-data",
    "new-segment",
    "signatures",
    "episode-kept",
)
_OPTIONAL_FORWARD = Bilingual(
    "Det er valgfrit for et system at kunne videresende; understøtter jeres system det ikke, er sagen "
    "uden meddelelse.",
    "Forwarding is optional for a system; if yours does not support it, the case has no message.",
)

SEND: tuple[Case, ...] = (
    Case(
        "S-A",
        Bilingual("Ny meddelelse med alt indhold", "New message with all content"),
        Bilingual(
            "En ny korrespondancemeddelelse fra jeres system: aktivitet new-message, intet svar på en "
            "tidligere meddelelse, kategori, emne og en tekst med fuld signatur — forfatterens navn, rolle "
            "og telefonnummer, tidspunkt og identifier. Bilag, når de er med, har titel, identifier, "
            "tidspunkt, MIME-type og data eller URL.",
            "A new CareCommunication from your system: activity new-message, answering no earlier message, "
            "with category, topic and a text with a full signature — the author's name, role and phone "
            "number, the time and an identifier. Attachments, when present, have a title, identifier, "
            "time, MIME type and data or URL.",
        ),
        ("valid", "activity", "topic", "signatures", "attachments-content"),
        activity="new-message",
        reading=Bilingual(
            "MedComs eksempel til S-A har intet bilag; medcomkit tjekker bilag, når de er med, men kræver "
            "dem ikke her.",
            "MedCom's example for S-A has no attachment; medcomkit checks attachments when present but "
            "does not require one here.",
        ),
    ),
    Case(
        "S-B",
        Bilingual("Svar på en meddelelse med bilag", "Reply to a message with an attachment"),
        Bilingual(
            "Jeres system svarer på MedComs meddelelse S-B (ny meddelelse med bilag). Svaret beholder "
            "tråd-id'et, har alle tidligere tekstsegmenter med deres oprindelige identifier, tidspunkt og "
            "forfatter, har det tidligere bilag med uden data, har en Provenance med aktiviteten "
            "reply-message, hvis 'revision' peger på den besvarede MessageHeader, beholder de tidligere "
            "Provenance-ressourcer uændret og har den besvarede meddelelses forløbs-id med.",
            "Your system replies to MedCom's message S-B (a new message with an attachment). The reply "
            "keeps the thread id, has every earlier text segment with its original identifier, time and "
            "author, keeps the earlier attachment without data, has a Provenance with activity "
            "reply-message whose 'revision' points at the answered MessageHeader, keeps the earlier "
            "Provenance resources unchanged and carries the answered message's episode of care.",
        ),
        _REPLY,
        answers=True,
        activity="reply-message",
    ),
    Case(
        "S-C",
        Bilingual("Svar med eget bilag", "Reply with an attachment of its own"),
        Bilingual(
            "Jeres system svarer på MedComs meddelelse S-C, som et svar skal (se S-B), og lægger et nyt "
            "bilag ved: med data eller URL, titel, tidspunkt, MIME-type og identifier.",
            "Your system replies to MedCom's message S-C as a reply must (see S-B) and adds a new "
            "attachment: with data or URL, title, time, MIME type and identifier.",
        ),
        (*_REPLY, "new-attachment", "attachments-content"),
        answers=True,
        activity="reply-message",
        reading=Bilingual(
            "Protokollen siger ikke, hvad S-C viser ud over et svar; medcomkit læser S-C som use case "
            "S2.A1: et svar, der tilføjer et bilag.",
            "The protocol does not say what S-C shows beyond a reply; medcomkit reads S-C as use case "
            "S2.A1: a reply that adds an attachment.",
        ),
    ),
    Case(
        "S-D",
        Bilingual("Videresendelse af en meddelelse med bilag", "Forward of a message with an attachment"),
        Bilingual(
            "Jeres system videresender MedComs meddelelse S-D (med PDF-bilag). Videresendelsen får et nyt "
            "tråd-id, har de tidligere segmenter med deres oprindelige identifier og forfatter, har "
            "bilaget med data, har en Provenance med aktiviteten forward-message, hvis 'revision' peger "
            "på den videresendte MessageHeader, og beholder de tidligere Provenance-ressourcer.",
            "Your system forwards MedCom's message S-D (with a PDF attachment). The forward gets a new "
            "thread id, has the earlier segments with their original identifier and author, carries the "
            "attachment with its data, has a Provenance with activity forward-message whose 'revision' "
            "points at the forwarded MessageHeader, and keeps the earlier Provenance resources.",
        ),
        _FORWARD,
        answers=True,
        activity="forward-message",
        optional=True,
        reading=_OPTIONAL_FORWARD,
    ),
    Case(
        "S-E",
        Bilingual("Videresendelse af en videresendt meddelelse", "Forward of a forwarded message"),
        Bilingual(
            "Jeres system videresender MedComs meddelelse S-E, som selv er en videresendelse: som i S-D, "
            "og begge tidligere Provenance-ressourcer (den nye meddelelse og videresendelsen) er med.",
            "Your system forwards MedCom's message S-E, itself a forward: as in S-D, and both earlier "
            "Provenance resources (the new message and the forward) are kept.",
        ),
        _FORWARD,
        answers=True,
        activity="forward-message",
        optional=True,
        min_history=2,
        reading=Bilingual(
            "medcomkits læsning: MedComs eksempel S-E er en videresendelse, som jeres system sender "
            "videre. " + _OPTIONAL_FORWARD.da,
            "medcomkit's reading: MedCom's example S-E is a forward that your system passes on. "
            + _OPTIONAL_FORWARD.en,
        ),
    ),
    Case(
        "S-Tek-A",
        Bilingual("Forløbs-id i et svar", "Episode of care in a reply"),
        Bilingual(
            "Jeres system svarer på MedComs meddelelse S-Tek-A, som har et forløbs-id "
            "(Encounter.episodeOfCare.identifier). Svaret har samme forløbs-id, og dets Encounter har "
            "status og class.",
            "Your system replies to MedCom's message S-Tek-A, which has an episode-of-care id "
            "(Encounter.episodeOfCare.identifier). The reply has the same id, and its Encounter has a "
            "status and class.",
        ),
        (*_REPLY, "episode-required"),
        answers=True,
        activity="reply-message",
    ),
    Case(
        "S-Tek-B",
        Bilingual("Forløbs-id i en videresendelse", "Episode of care in a forward"),
        Bilingual(
            "Jeres system videresender MedComs meddelelse S-Tek-B, som har et forløbs-id. "
            "Videresendelsen har samme forløbs-id.",
            "Your system forwards MedCom's message S-Tek-B, which has an episode-of-care id. The forward "
            "has the same id.",
        ),
        (*_FORWARD, "episode-required"),
        answers=True,
        activity="forward-message",
        optional=True,
        reading=_OPTIONAL_FORWARD,
    ),
    Case(
        "S-Tek-C",
        Bilingual("Svar på et svar", "Reply to a reply"),
        Bilingual(
            "Jeres system svarer på MedComs meddelelse S-Tek-C, som selv er et svar i en tråd, jeres "
            "system ikke har startet. Svaret har hele tråden med — begge tidligere Provenance-ressourcer "
            "og alle segmenter — og peger med 'revision' på det modtagne svar, ikke på trådens første "
            "meddelelse.",
            "Your system replies to MedCom's message S-Tek-C, itself a reply in a thread your system did "
            "not start. The reply carries the whole thread — both earlier Provenance resources and every "
            "segment — and its 'revision' points at the received reply, not at the thread's first message.",
        ),
        _REPLY,
        answers=True,
        activity="reply-message",
        min_history=2,
        reading=Bilingual(
            "medcomkits læsning: MedComs eksempel S-Tek-C er et svar (aktivitet reply-message), så sagen "
            "tjekker et svar på et svar.",
            "medcomkit's reading: MedCom's example S-Tek-C is a reply (activity reply-message), so the "
            "case checks a reply to a reply.",
        ),
    ),
    Case(
        "S-Tek-CPR",
        Bilingual("Patient med erstatnings-CPR", "Patient with replacement CPR"),
        Bilingual(
            "En meddelelse om en patient uden CPR-nummer, identificeret med erstatnings-CPR (X-eCPR "
            "urn:oid:1.2.208.176.1.6.1.1 eller D-eCPR). Hvert nummer har sit eget system og den rette form; "
            "svarer meddelelsen på en anden, er alle patientens identifikatorer med.",
            "A message about a patient without a CPR number, identified by replacement CPR (X-eCPR "
            "urn:oid:1.2.208.176.1.6.1.1 or D-eCPR). Each number has its own system and the right form; "
            "when the message answers another, every patient identifier is kept.",
        ),
        ("valid", "replacement-cpr", "patient-identifiers-kept", "signatures"),
        reading=Bilingual(
            "medcomkits læsning: MedComs eksempel har både et X-eCPR og et D-eCPR; medcomkit kræver mindst "
            "ét erstatnings-CPR og lader valideringen tjekke numrenes form.",
            "medcomkit's reading: MedCom's example has both an X-eCPR and a D-eCPR; medcomkit requires at "
            "least one replacement CPR and leaves the numbers' form to validation.",
        ),
    ),
)

_ACK = ("ack-valid", "ack-count", "ack-answers", "ack-code", "ack-parties", "ack-provenance", "ack-duplicate")
_DISPLAY = Bilingual(
    " MedCom ser desuden i jeres brugerflade, at meddelelsen vises rigtigt; det kan medcomkit ikke se.",
    " MedCom also looks in your user interface that the message is shown right; medcomkit cannot see that.",
)


def _receive(
    case_id: str,
    da_title: str,
    en_title: str,
    da: str,
    en: str,
    *,
    response: str = "ok",
    deliveries: int = 1,
    duplicate_of: str | None = None,
    reading: Bilingual | None = None,
) -> Case:
    code = Bilingual(
        f" Jeres system kvitterer med en Acknowledgement '{response}', der svarer på meddelelsens "
        "MessageHeader, går fra modtageren til afsenderen og har en kopi af meddelelsens seneste "
        "Provenance.",
        f" Your system acknowledges with an Acknowledgement '{response}' that answers the message's "
        "MessageHeader, goes from the receiver to the sender and holds a copy of the message's latest "
        "Provenance.",
    )
    return Case(
        case_id,
        Bilingual(da_title, en_title),
        Bilingual(da + code.da + _DISPLAY.da, en + code.en + _DISPLAY.en),
        _ACK,
        answers=True,
        response=response,
        deliveries=deliveries,
        duplicate_of=duplicate_of,
        reading=reading,
    )


RECEIVE: tuple[Case, ...] = (
    _receive(
        "R-A",
        "Ny meddelelse",
        "New message",
        "Jeres system modtager en ny meddelelse med alt indhold.",
        "Your system receives a new message with all content.",
    ),
    _receive(
        "R-B",
        "Svar",
        "Reply",
        "Jeres system modtager et svar og viser det i tråden.",
        "Your system receives a reply and shows it in its thread.",
    ),
    _receive(
        "R-C",
        "Videresendelse",
        "Forward",
        "Jeres system modtager en videresendelse som en ny tråd.",
        "Your system receives a forward as a new thread.",
    ),
    _receive(
        "R-Tek-A",
        "Prioritet og bilag",
        "Priority and attachments",
        "Jeres system modtager en meddelelse med prioritet og bilag.",
        "Your system receives a message with priority and attachments.",
    ),
    _receive(
        "R-Tek-B",
        "Tidszoner",
        "Time zones",
        "Jeres system modtager en meddelelse med tidspunkter i forskellige tidszoner.",
        "Your system receives a message with times in different time zones.",
    ),
    _receive(
        "R-Tek-C",
        "Ukendte elementer",
        "Unknown elements",
        "Jeres system modtager en meddelelse med ekstra elementer, som det skal se bort fra.",
        "Your system receives a message with extra elements, which it must ignore.",
    ),
    _receive(
        "R-Tek-D",
        "Organisation uden navn",
        "Organisation without a name",
        "Jeres system modtager en meddelelse uden Organization.name og slår navnet op i SOR.",
        "Your system receives a message without Organization.name and looks the name up in SOR.",
    ),
    _receive(
        "R-Tek-E",
        "Parallelle svar (1)",
        "Parallel replies (1)",
        "Jeres system modtager den første af to meddelelser i en tråd med parallelle svar.",
        "Your system receives the first of two messages in a thread with parallel replies.",
    ),
    _receive(
        "R-Tek-F",
        "Parallelle svar (2)",
        "Parallel replies (2)",
        "Jeres system modtager et svar, der er parallelt med et andet, og beholder begge.",
        "Your system receives a reply parallel to another and keeps both.",
    ),
    _receive(
        "R-Tek-G",
        "Modtag og kvittér",
        "Receive and acknowledge",
        "Jeres system modtager en meddelelse og sender kvitteringen tilbage.",
        "Your system receives a message and sends the acknowledgement back.",
    ),
    _receive(
        "R-Tek-H",
        "Svar før den nye meddelelse",
        "Reply before the new message",
        "Jeres system modtager et svar, før den meddelelse, det svarer på, er kommet.",
        "Your system receives a reply before the message it answers has arrived.",
    ),
    _receive(
        "R-Tek-I",
        "Den nye meddelelse efter svaret",
        "The new message after its reply",
        "Jeres system modtager den nye meddelelse efter svaret på den og samler tråden.",
        "Your system receives the new message after its reply and joins the thread.",
    ),
    _receive(
        "R-Tek-J",
        "Dublet",
        "Duplicate",
        "MedCom leverer samme meddelelse to gange (samme Bundle.id og MessageHeader.id); dubletten vises "
        "ikke to gange, og begge leveringer kvitteres ens.",
        "MedCom delivers the same message twice (same Bundle.id and MessageHeader.id); the duplicate is "
        "not shown twice, and both deliveries are acknowledged alike.",
        deliveries=2,
    ),
    _receive(
        "R-Tek-K",
        "Genfremsendelse (1)",
        "Resubmission (1)",
        "Jeres system modtager en meddelelse, som derefter sendes igen i en ny kuvert (R-Tek-L).",
        "Your system receives a message that is then sent again in a new envelope (R-Tek-L).",
    ),
    _receive(
        "R-Tek-L",
        "Genfremsendelse (2)",
        "Resubmission (2)",
        "Jeres system modtager R-Tek-K igen med nyt Bundle.id og samme MessageHeader.id; den vises ikke to "
        "gange og kvitteres som R-Tek-K.",
        "Your system receives R-Tek-K again with a new Bundle.id and the same MessageHeader.id; it is not "
        "shown twice and is acknowledged as R-Tek-K.",
        duplicate_of="R-Tek-K",
    ),
    _receive(
        "R-Tek-M",
        "Ugyldig meddelelse (1)",
        "Invalid message (1)",
        "Jeres system modtager en ugyldig meddelelse (kategorien mangler sin kode) og afviser den.",
        "Your system receives an invalid message (its category lacks a code) and refuses it.",
        response="fatal-error",
    ),
    _receive(
        "R-Tek-N",
        "Ugyldig dublet",
        "Invalid duplicate",
        "Jeres system modtager R-Tek-M igen i en ny kuvert og afviser den på samme måde.",
        "Your system receives R-Tek-M again in a new envelope and refuses it the same way.",
        response="fatal-error",
        duplicate_of="R-Tek-M",
    ),
    _receive(
        "R-Tek-O",
        "Ugyldig meddelelse (2)",
        "Invalid message (2)",
        "Jeres system modtager en ugyldig meddelelse og afviser den.",
        "Your system receives an invalid message and refuses it.",
        response="fatal-error",
        reading=Bilingual(
            "MedComs fil til R-Tek-O er beregnet til at være uden meddelelsestekst, men den udgivne fil har "
            "stadig pladsholderteksten 'To be removed' og er derfor gyldig; medcomkit skriver den med den "
            "tilsigtede fejl (teksten fjernet).",
            "MedCom's file for R-Tek-O is meant to have no message text, but the released file still has "
            "the placeholder text 'To be removed' and is therefore valid; medcomkit writes it with the "
            "intended defect (the text removed).",
        ),
    ),
    _receive(
        "R-Tek-CPR-1",
        "Flere CPR-numre (1)",
        "Several CPR numbers (1)",
        "Jeres system modtager en meddelelse, hvor patienten har flere identifikatorer.",
        "Your system receives a message in which the patient has several identifiers.",
    ),
    _receive(
        "R-Tek-CPR-2",
        "Flere CPR-numre (2)",
        "Several CPR numbers (2)",
        "Jeres system modtager en meddelelse, hvor patienten har flere identifikatorer.",
        "Your system receives a message in which the patient has several identifiers.",
    ),
    _receive(
        "R-Tek-CPR-3",
        "Erstatnings-CPR og ukendt efternavn",
        "Replacement CPR and unknown family name",
        "Jeres system modtager en meddelelse om en patient med erstatnings-CPR og ukendt efternavn.",
        "Your system receives a message about a patient with replacement CPR and an unknown family name.",
    ),
)

_OWN = Bilingual(
    "medcomkits egen sag ud fra OIOXML-specifikationen; MedComs testprotokol for XDIS91 er ikke offentligt "
    "tilgængelig.",
    "medcomkit's own case, from the OIOXML specification; MedCom's XDIS91 test protocol is not public.",
)

XDIS91: tuple[Case, ...] = (
    Case(
        "XDIS91-A",
        Bilingual("Gyldigt XDIS91", "Valid XDIS91"),
        Bilingual(
            "Et XDIS91 fra jeres system, gyldigt efter MedComs skema og forretningsreglerne, med tekst "
            "(ClinicalInformation/Text01).",
            "An XDIS91 from your system, valid by MedCom's schema and the business rules, with text "
            "(ClinicalInformation/Text01).",
        ),
        ("valid", "xdis91", "xdis91-text"),
        reading=_OWN,
    ),
    Case(
        "XDIS91-B",
        Bilingual("XDIS91 med bilag i XBIN01", "XDIS91 with attachments in XBIN01"),
        Bilingual(
            "Et XDIS91 med bilag og det XBIN01, der bærer dem. Hver Reference/BIN har sit BinaryObject i "
            "XBIN01 med samme ObjectIdentifier (uden hensyn til bindestreger og store bogstaver), samme "
            "ObjectCode, filtype og størrelse, og de to har samme afsender, modtager og patient.",
            "An XDIS91 with attachments and the XBIN01 that carries them. Each Reference/BIN has its "
            "BinaryObject in the XBIN01 with the same ObjectIdentifier (ignoring hyphens and case), the "
            "same ObjectCode, file type and size, and the two share sender, receiver and patient.",
        ),
        ("valid", "xdis91", "xdis91-binary"),
        reading=_OWN,
    ),
    Case(
        "XDIS91-C",
        Bilingual("Kvitteringer", "Receipts"),
        Bilingual(
            "Jeres system modtager et XDIS91 og dets XBIN01 og kvitterer hvert af dem med en XCTL03, der "
            "nævner den modtagne kuvert og det modtagne brev og går fra modtageren til afsenderen.",
            "Your system receives an XDIS91 and its XBIN01 and acknowledges each with an XCTL03 that names "
            "the received envelope and letter and goes from the receiver to the sender.",
        ),
        ("valid", "receipts"),
        answers=True,
        reading=_OWN,
    ),
)

PROTOCOLS: dict[Protocol, tuple[Case, ...]] = {
    Protocol.CARECOMMUNICATION_SEND: SEND,
    Protocol.CARECOMMUNICATION_RECEIVE: RECEIVE,
    Protocol.XDIS91: XDIS91,
}

_INTRO: dict[Protocol, Bilingual] = {
    Protocol.CARECOMMUNICATION_SEND: Bilingual(
        "Testprotokol for afsendelse af korrespondancemeddelelser (FHIR CareCommunication). De fleste af "
        "MedComs testeksempler til afsendelse er meddelelser, jeres system modtager og svarer på eller "
        "videresender; sagen tjekker jeres svar eller videresendelse. Alle meddelelser valideres fuldt ud "
        "først.",
        "Test protocol for sending CareCommunications (FHIR). Most of MedCom's test examples for sending "
        "are messages your system receives and answers or forwards; the case checks your reply or forward. "
        "Every message is fully validated first.",
    ),
    Protocol.CARECOMMUNICATION_RECEIVE: Bilingual(
        "Testprotokol for modtagelse af korrespondancemeddelelser (FHIR CareCommunication). Jeres system "
        "modtager MedComs testeksempler og kvitterer hvert med en Acknowledgement; sagen tjekker "
        "kvitteringen. Hvordan meddelelserne vises, ser MedCom selv på ved testen.",
        "Test protocol for receiving CareCommunications (FHIR). Your system receives MedCom's test examples "
        "and acknowledges each with an Acknowledgement; the case checks the acknowledgement. How the "
        "messages are shown, MedCom looks at in the test itself.",
    ),
    Protocol.XDIS91: Bilingual(
        "medcomkits egen selvtest for OIOXML-korrespondancemeddelelsen (XDIS91) med bilag (XBIN01) og "
        "kvitteringer (XCTL), ud fra specifikationen. MedComs testprotokol for XDIS91 er ikke offentligt "
        "tilgængelig.",
        "medcomkit's own self-test for the OIOXML CareCommunication (XDIS91) with attachments (XBIN01) and "
        "receipts (XCTL), from the specification. MedCom's XDIS91 test protocol is not public.",
    ),
}


def case_ids(protocol: Protocol) -> list[str]:
    return [case.id for case in PROTOCOLS[protocol]]


def protocol_intro(protocol: Protocol) -> Bilingual:
    """What the protocol is and what the self-test of it does."""
    return _INTRO[protocol]
