"""Checks for the send protocol: a CareCommunication from the vendor's system, and, for a reply or
forward, the message it answers (MedCom's test example) when that is at hand.

Without the answered message, a reply or forward is held against its own history: every payload
its Provenances name must be there, and its 'revision' must point at the newest earlier message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..core.lang import Bilingual
from ..core.report import Issue
from ..model.messages import Activity, Attachment, Author, CareMessage, PersonIdKind, TextSegment, ThreadEvent
from ..model.thread import current_event
from . import rules as r
from .cases import Case

__all__ = ["SEND_CHECKS", "SendSubject"]


@dataclass(frozen=True, slots=True)
class SendSubject:
    """The vendor's message for a case, and the message it answers when known."""

    case: Case
    message: CareMessage
    answered: CareMessage | None = None


def _join(parts: Iterable[Bilingual]) -> Bilingual:
    items = list(parts)
    return Bilingual(", ".join(p.da for p in items), ", ".join(p.en for p in items))


def _none() -> Bilingual:
    return Bilingual("intet", "none")


def _author_label(author: Author | None) -> str:
    if author is None:
        return "?"
    return author.name or author.role or author.role_text or "?"


def _when(segment: TextSegment | Attachment) -> str:
    moment = segment.written if isinstance(segment, TextSegment) else segment.added
    return moment.isoformat() if moment else "?"


def _new_ids(message: CareMessage) -> set[str]:
    return set(current_event(message).payload_ids)


def _earlier_ids(message: CareMessage) -> set[str]:
    return {pid for event in message.history for pid in event.payload_ids}


def _expected_previous(subject: SendSubject) -> str | None:
    """The MessageHeader id the vendor's 'revision' must name: the answered message's, or else
    the newest earlier message in the thread."""
    if subject.answered is not None:
        return subject.answered.message_id
    if not subject.message.history:
        return None
    return max(subject.message.history, key=lambda e: e.occurred).message_id


def _episode(value: str | None) -> str:
    return (value or "").lower().removeprefix("urn:uuid:").replace("-", "")


# --- the checks --------------------------------------------------------------------------------------


def _activity(s: SendSubject) -> list[Issue]:
    message, expected = s.message, s.case.activity
    issues = []
    if expected is not None and message.activity.value != expected:
        issues.append(r.ACTIVITY.issue(found=message.activity.value, expected=expected))
    if expected == Activity.NEW.value and (message.previous is not None or message.history):
        what = message.previous.message_id if message.previous else f"{len(message.history)} Provenance"
        issues.append(r.NEW_WITH_HISTORY.issue(what=what))
    return issues


def _topic(s: SendSubject) -> list[Issue]:
    return [] if (s.message.topic or "").strip() else [r.TOPIC.issue("Communication.topic.text")]


def _signatures(s: SendSubject) -> list[Issue]:
    """Every segment this message adds has the full signature (for a new message: every segment)."""
    message = s.message
    added = _new_ids(message)
    issues = []
    for segment in message.segments:
        if segment.identifier is not None and segment.identifier not in added:
            continue
        missing = []
        author = segment.author
        if author is None or not author.name:
            missing.append(Bilingual("forfatterens navn", "the author's name"))
        if author is None or not (author.role or author.role_text):
            missing.append(Bilingual("forfatterens rolle", "the author's role"))
        if author is None or not author.phone:
            missing.append(Bilingual("telefonnummer", "a phone number"))
        if segment.written is None:
            missing.append(Bilingual("tidspunkt", "a time"))
        if segment.identifier is None:
            missing.append(Bilingual("identifier", "an identifier"))
        if missing:
            issues.append(r.AUTHOR.issue(segment=segment.identifier or "?", missing=_join(missing)))
    return issues


def _attachment_problems(attachment: Attachment) -> list[Bilingual]:
    missing = []
    if not attachment.title:
        missing.append(Bilingual("titel", "a title"))
    if attachment.identifier is None:
        missing.append(Bilingual("identifier", "an identifier"))
    if attachment.added is None:
        missing.append(Bilingual("tidspunkt", "a time"))
    if attachment.url is None and not attachment.media_type:
        missing.append(Bilingual("MIME-type (contentType)", "a MIME type (contentType)"))
    if attachment.data is None and attachment.url is None:
        missing.append(Bilingual("data eller URL", "data or a URL"))
    return missing


def _attachments_content(s: SendSubject) -> list[Issue]:
    """The attachments this message adds are complete (for a new message: all of them)."""
    message = s.message
    added = _new_ids(message)
    mine = [a for a in message.attachments if a.identifier is None or a.identifier in added]
    if not mine and s.case.activity == Activity.NEW.value:
        return [r.NO_ATTACHMENT.issue()]
    return [
        r.ATTACHMENT_CONTENT.issue(
            title=a.title or "?", identifier=a.identifier or "?", missing=_join(missing)
        )
        for a in mine
        if (missing := _attachment_problems(a))
    ]


def _new_attachment(s: SendSubject) -> list[Issue]:
    added = _new_ids(s.message)
    return [] if any(a.identifier in added for a in s.message.attachments) else [r.NEW_ATTACHMENT.issue()]


def _new_segment(s: SendSubject) -> list[Issue]:
    added = _new_ids(s.message)
    return [] if any(seg.identifier in added for seg in s.message.segments) else [r.NEW_SEGMENT.issue()]


def _revision(s: SendSubject) -> list[Issue]:
    expected = _expected_previous(s)
    previous = s.message.previous
    if previous is None:
        where = f" (MessageHeader/{expected})" if expected else ""
        return [r.REVISION_MISSING.issue("Provenance.entity", expected=where)]
    if previous.sender_ean is None and expected is not None and previous.message_id != expected:
        return [r.REVISION.issue("Provenance.entity.what", found=previous.message_id, expected=expected)]
    return []


def _describe_change(kept: ThreadEvent, original: ThreadEvent) -> Bilingual | None:
    changes = []
    if kept.activity != original.activity:
        changes.append(
            Bilingual(
                f"aktiviteten er {kept.activity.value}, var {original.activity.value}",
                f"the activity is {kept.activity.value}, was {original.activity.value}",
            )
        )
    if set(kept.payload_ids) != set(original.payload_ids):
        changes.append(
            Bilingual("den nævner andre segmenter og bilag", "it names other segments and attachments")
        )
    if kept.occurred != original.occurred:
        changes.append(
            Bilingual(
                f"tidspunktet er {kept.occurred.isoformat()}, var {original.occurred.isoformat()}",
                f"the time is {kept.occurred.isoformat()}, was {original.occurred.isoformat()}",
            )
        )
    if kept.sender.ean != original.sender.ean:
        changes.append(Bilingual("afsenderen er en anden", "the sender is another"))
    return _join(changes) if changes else None


def _history_kept(s: SendSubject) -> list[Issue]:
    message, answered = s.message, s.answered
    kept = {event.message_id: event for event in message.history}
    issues = []
    if answered is not None:
        for original in (*answered.history, current_event(answered)):
            event = kept.get(original.message_id)
            if event is None:
                issues.append(
                    r.HISTORY_MISSING.issue(message=original.message_id, activity=original.activity.value)
                )
            elif (what := _describe_change(event, original)) is not None:
                issues.append(r.HISTORY_CHANGED.issue(message=original.message_id, what=what))
    elif (
        message.previous is not None
        and message.previous.sender_ean is None
        and message.previous.message_id not in kept
    ):
        issues.append(r.HISTORY_MISSING.issue(message=message.previous.message_id, activity="?"))
    if len(message.history) < s.case.min_history:
        what = (
            Bilingual("svar", "reply")
            if s.case.activity == Activity.REPLY.value
            else Bilingual("videresendelse", "forward")
        )
        issues.append(
            r.HISTORY_DEPTH.issue(found=len(message.history), expected=s.case.min_history, what=what)
        )
    return issues


def _thread_kept(s: SendSubject) -> list[Issue]:
    if s.answered is None or s.message.thread_id == s.answered.thread_id:
        return []
    return [
        r.THREAD_KEPT.issue(
            "Communication.identifier", found=s.message.thread_id or "-", expected=s.answered.thread_id or "-"
        )
    ]


def _thread_new(s: SendSubject) -> list[Issue]:
    if s.answered is None or s.message.thread_id != s.answered.thread_id:
        return []
    return [r.THREAD_NEW.issue("Communication.identifier", found=s.message.thread_id or "-")]


def _author_key(author: Author | None) -> tuple[str | None, ...]:
    if author is None:
        return (None,) * 5
    return (author.given_name, author.family_name, author.role, author.role_text, author.phone)


def _segments_kept(s: SendSubject) -> list[Issue]:
    message, answered = s.message, s.answered
    present = {seg.identifier: seg for seg in message.segments if seg.identifier}
    present_attachments = {a.identifier for a in message.attachments if a.identifier}
    if answered is None:  # hold the message against its own Provenances
        return [
            r.PAYLOAD_MISSING.issue(message=event.message_id, identifier=pid)
            for event in message.history
            for pid in event.payload_ids
            if pid not in present and pid not in present_attachments
        ]
    issues = []
    for original in answered.segments:
        kept = present.get(original.identifier) if original.identifier else None
        if kept is None:
            issues.append(
                r.SEGMENT_MISSING.issue(
                    identifier=original.identifier or "?",
                    author=_author_label(original.author),
                    written=_when(original),
                )
            )
            continue
        for field, found, expected in (
            (Bilingual("forfatteren", "the author"), _author_key(kept.author), _author_key(original.author)),
            (Bilingual("tidspunktet", "the time"), kept.written, original.written),
            (Bilingual("teksten", "the text"), kept.text, original.text),
        ):
            if found != expected:
                shown = (
                    (_author_label(kept.author), _author_label(original.author))
                    if isinstance(found, tuple)
                    else (_short(found), _short(expected))
                )
                issues.append(
                    r.SEGMENT_CHANGED.issue(
                        identifier=original.identifier, field=field, found=shown[0], expected=shown[1]
                    )
                )
    return issues


def _short(value: object) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _earlier_attachments(s: SendSubject) -> list[Attachment]:
    if s.answered is not None:
        return list(s.answered.attachments)
    earlier = _earlier_ids(s.message)
    return [a for a in s.message.attachments if a.identifier in earlier]


def _attachments_without_data(s: SendSubject) -> list[Issue]:
    present = {a.identifier: a for a in s.message.attachments if a.identifier}
    issues = []
    for original in _earlier_attachments(s):
        kept = present.get(original.identifier or "")
        title, identifier = original.title or "?", original.identifier or "?"
        if kept is None:
            issues.append(r.ATTACHMENT_MISSING.issue(title=title, identifier=identifier))
        elif kept.data is not None or kept.url is not None:
            issues.append(r.ATTACHMENT_DATA_KEPT.issue(title=title, identifier=identifier))
    return issues


def _attachments_with_data(s: SendSubject) -> list[Issue]:
    present = {a.identifier for a in s.message.attachments if a.identifier}
    issues = [
        r.ATTACHMENT_MISSING.issue(title=a.title or "?", identifier=a.identifier or "?")
        for a in _earlier_attachments(s)
        if a.identifier not in present
    ]
    issues += [
        r.ATTACHMENT_DATA_MISSING.issue(title=a.title or "?", identifier=a.identifier or "?")
        for a in s.message.attachments
        if a.data is None and a.url is None
    ]
    return issues


def _episode_kept(s: SendSubject) -> list[Issue]:
    answered = s.answered
    if answered is None or not answered.episode_of_care_id:
        return []
    if _episode(s.message.episode_of_care_id) == _episode(answered.episode_of_care_id):
        return []
    found: str | Bilingual = s.message.episode_of_care_id or _none()
    return [
        r.EPISODE.issue(
            "Encounter.episodeOfCare.identifier", found=found, expected=answered.episode_of_care_id
        )
    ]


def _episode_required(s: SendSubject) -> list[Issue]:
    if s.message.episode_of_care_id:
        return []
    if s.answered is not None and s.answered.episode_of_care_id:
        return []  # episode-kept names the value that should have been carried on
    return [r.EPISODE_MISSING.issue("Encounter.episodeOfCare.identifier")]


def _replacement_cpr(s: SendSubject) -> list[Issue]:
    patient = s.message.patient
    identifiers = (patient.identifier, *patient.other_identifiers)
    if any(i.kind is PersonIdKind.REPLACEMENT for i in identifiers):
        return []
    return [r.REPLACEMENT_CPR.issue("Patient.identifier")]


def _patient_identifiers_kept(s: SendSubject) -> list[Issue]:
    if s.answered is None:
        return []
    patient = s.message.patient
    have = {(i.system, i.value) for i in (patient.identifier, *patient.other_identifiers)}
    original = s.answered.patient
    return [
        r.PATIENT_ID_MISSING.issue(value=i.value, system=i.system or "urn:oid:1.2.208.176.1.2")
        for i in (original.identifier, *original.other_identifiers)
        if (i.system, i.value) not in have
    ]


SEND_CHECKS: dict[str, Callable[[SendSubject], list[Issue]]] = {
    "activity": _activity,
    "topic": _topic,
    "signatures": _signatures,
    "attachments-content": _attachments_content,
    "new-attachment": _new_attachment,
    "new-segment": _new_segment,
    "revision": _revision,
    "history-kept": _history_kept,
    "thread-kept": _thread_kept,
    "thread-new": _thread_new,
    "segments-kept": _segments_kept,
    "attachments-without-data": _attachments_without_data,
    "attachments-with-data": _attachments_with_data,
    "episode-kept": _episode_kept,
    "episode-required": _episode_required,
    "replacement-cpr": _replacement_cpr,
    "patient-identifiers-kept": _patient_identifiers_kept,
}
