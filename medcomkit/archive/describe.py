"""Words for journal entries, in Danish and English: kinds, directions, arrivals, receipts, fields."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..core.kinds import Kind
from ..core.lang import Bilingual, Lang
from ..core.mask import mask_cpr
from ..core.xmltree import COPENHAGEN
from ..model.messages import CareMessage, Priority, ReceiptKind
from ..model.reliable import Arrival
from .state import Status, state_label

if TYPE_CHECKING:
    from .store import Entry

__all__ = ["ARRIVAL_LABELS", "DIRECTION_LABELS", "KIND_LABELS", "RECEIPT_LABELS", "describe", "when"]

KIND_LABELS: dict[Kind, Bilingual] = {
    Kind.XDIS91: Bilingual("Korrespondancemeddelelse (XDIS91)", "Correspondence message (XDIS91)"),
    Kind.XBIN01: Bilingual("Bilagsmeddelelse (XBIN01)", "Attachment message (XBIN01)"),
    Kind.XREF01: Bilingual("Henvisning (XREF01)", "Referral (XREF01)"),
    Kind.XCTL01: Bilingual("Negativ VANS-kvittering (XCTL01)", "Negative VANS receipt (XCTL01)"),
    Kind.XCTL02: Bilingual("Negativ kvittering (XCTL02)", "Negative receipt (XCTL02)"),
    Kind.XCTL03: Bilingual("Positiv kvittering (XCTL03)", "Positive receipt (XCTL03)"),
    Kind.CARE_COMMUNICATION: Bilingual(
        "Korrespondancemeddelelse (FHIR CareCommunication)", "Correspondence message (FHIR CareCommunication)"
    ),
    Kind.ACKNOWLEDGEMENT: Bilingual("Kvittering (FHIR Acknowledgement)", "Receipt (FHIR Acknowledgement)"),
    Kind.VANS_ENVELOPE: Bilingual("VANS-kuvert (VANSEnvelope)", "VANS envelope (VANSEnvelope)"),
    Kind.DIS91: Bilingual(
        "Korrespondancemeddelelse (EDIFACT DIS91)", "Correspondence message (EDIFACT DIS91)"
    ),
    Kind.BIN01: Bilingual("Bilagsmeddelelse (EDIFACT BIN01)", "Attachment message (EDIFACT BIN01)"),
    Kind.REF01: Bilingual("Henvisning (EDIFACT REF01)", "Referral (EDIFACT REF01)"),
    Kind.CTL01: Bilingual("Negativ VANS-kvittering (EDIFACT CTL01)", "Negative VANS receipt (EDIFACT CTL01)"),
    Kind.CTL02: Bilingual("Negativ kvittering (EDIFACT CTL02)", "Negative receipt (EDIFACT CTL02)"),
    Kind.CTL03: Bilingual("Positiv kvittering (EDIFACT CTL03)", "Positive receipt (EDIFACT CTL03)"),
    Kind.UNKNOWN: Bilingual("Ukendt type", "Unknown kind"),
}
RECEIPT_LABELS: dict[ReceiptKind, Bilingual] = {
    ReceiptKind.POSITIVE: Bilingual("positiv", "positive"),
    ReceiptKind.NEGATIVE: Bilingual("negativ", "negative"),
    ReceiptKind.TRANSIENT: Bilingual("midlertidig fejl, send igen", "transient error, try again"),
    ReceiptKind.VANS_NEGATIVE: Bilingual("negativ fra VANS", "negative from VANS"),
}
DIRECTION_LABELS: dict[str, Bilingual] = {
    "sent": Bilingual("sendt", "sent"),
    "received": Bilingual("modtaget", "received"),
}
ARRIVAL_LABELS: dict[Arrival, Bilingual] = {
    Arrival.NEW: Bilingual("ny", "new"),
    Arrival.DUPLICATE: Bilingual("dublet, allerede journaliseret", "duplicate, already journalised"),
    Arrival.RESUBMISSION: Bilingual(
        "gensendelse af en tidligere meddelelse", "resubmission of an earlier message"
    ),
    Arrival.ERROR: Bilingual(
        "fejl: kuvert-id'et er brugt før til en anden meddelelse",
        "error: the envelope id was used before for another message",
    ),
    Arrival.CONFLICT: Bilingual(
        "konflikt: samme kuvert-id, meddelelses-id og afsender som en journaliseret meddelelse, men andet "
        "indhold; begge er gemt, undersøg hvilken der er gældende",
        "conflict: the same envelope id, message id and sender as a journalised message, but other "
        "content; both are kept, find out which one stands",
    ),
}


def when(moment: datetime | None) -> str:
    """A time as Danish readers expect it: local time, to the minute."""
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M") if moment else "–"


def party(name: str | None, ean: str | None) -> str:
    return " – ".join(p for p in (name, f"EAN {ean}" if ean else None) if p) or "–"


def describe(entry: Entry, status: Status, message: object, lang: Lang = "da") -> list[tuple[str, str]]:
    """(label, value) pairs describing an entry, CPR masked, in ``lang``."""

    def label(da: str, en: str) -> str:
        return Bilingual(da, en).get(lang)

    rows = [
        (label("Journalpost", "Entry"), str(entry.id)),
        (label("Meddelelsestype", "Kind"), KIND_LABELS[entry.kind].get(lang)),
        (label("Retning", "Direction"), DIRECTION_LABELS[entry.direction.value].get(lang)),
        (label("Status", "State"), state_label(status.state).get(lang)),
        (label("Afsendt", "Sent"), when(entry.sent)),
        (label("Journaliseret", "Journalised"), when(entry.added)),
        (label("Afsender", "Sender"), party(entry.sender_name, entry.sender_ean)),
        (label("Modtager", "Receiver"), party(entry.receiver_name, entry.receiver_ean)),
        (label("Patient", "Patient"), entry.patient or "–"),
        (label("Kuvert-id", "Envelope id"), entry.envelope_id or "–"),
        (label("Meddelelses-id", "Message id"), entry.message_id or "–"),
    ]
    if entry.thread_id:
        rows.append((label("Tråd", "Thread"), entry.thread_id))
    if entry.topic:
        rows.append((label("Emne", "Topic"), entry.topic))
    if isinstance(message, CareMessage):
        if message.category:
            rows.append((label("Kategori", "Category"), message.category))
        if message.priority:
            high = message.priority is Priority.HIGH
            rows.append(
                (label("Prioritet", "Priority"), label("høj", "high") if high else label("rutine", "routine"))
            )
    if entry.attachments:
        rows.append((label("Bilag", "Attachments"), str(entry.attachments)))
    if status.resends:
        rows.append(
            (label("Sendt igen", "Resent"), label(f"{status.resends} gang(e)", f"{status.resends} time(s)"))
        )
    if status.due:
        rows.append((label("Kvittering forventet senest", "Receipt due by"), when(status.due)))
    if entry.arrival is not Arrival.NEW:
        text = ARRIVAL_LABELS[entry.arrival].get(lang)
        if entry.resubmission_of is not None:
            text += label(f" (post {entry.resubmission_of})", f" (entry {entry.resubmission_of})")
        rows.append((label("Modtagelse", "Arrival"), text))
    if entry.receipt_kind is not None:
        rows.append((label("Svar", "Answer"), RECEIPT_LABELS[entry.receipt_kind].get(lang)))
    if entry.note:
        rows.append((label("Begrundelse", "Reason"), entry.note))
    if not entry.parsed:
        rows.append(
            (
                label("Bemærkning", "Note"),
                label(
                    "medcomkit kan ikke læse denne type endnu; meddelelsen er gemt uændret.",
                    "medcomkit cannot read this kind yet; the message is stored unchanged.",
                ),
            )
        )
    return [(name, mask_cpr(value)) for name, value in rows]
