"""Threads of korrespondancemeddelelser: replying, forwarding, and putting a thread in order.

These work on the neutral model and follow MedCom's CareCommunication rules, so the same reply
can be written as FHIR (which carries the whole thread) or, through the conversion, as XDIS91:

* a reply keeps the thread id, every earlier text segment with its identifier, time and author,
  and every earlier attachment without its data; it records the message it answers;
* a forward starts a new thread, keeps the segments and the attachments with their data;
* a receiver orders segments by the time they were written, keeps parallel replies, and puts
  the initiator's segment first when two have the same time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..core.errors import BuildError
from ..core.lang import Bilingual
from .messages import (
    Activity,
    Attachment,
    Author,
    CareMessage,
    CareTeam,
    Envelope,
    MessageRef,
    Organisation,
    TextSegment,
    ThreadEvent,
)

__all__ = ["Thread", "current_event", "forward", "group_threads", "new_id", "reply", "start_thread"]


def new_id() -> str:
    """A new random UUID in canonical form (thread ids, segment and attachment ids)."""
    return str(uuid.uuid4())


def current_event(message: CareMessage) -> ThreadEvent:
    """The message's own place in its thread: what FHIR writes as its newest Provenance."""
    earlier = {pid for event in message.history for pid in event.payload_ids}
    added = [s.identifier for s in message.segments if s.identifier and s.identifier not in earlier]
    added += [a.identifier for a in message.attachments if a.identifier and a.identifier not in earlier]
    return ThreadEvent(
        message_id=message.message_id,
        activity=message.activity,
        sender=message.sender,
        occurred=message.authorised,
        previous=message.previous,
        payload_ids=tuple(added),
    )


def start_thread(message: CareMessage) -> CareMessage:
    """A new message made ready for FHIR: a thread id, and identifiers and times on its parts."""
    return replace(
        message,
        activity=Activity.NEW,
        thread_id=message.thread_id or new_id(),
        segments=tuple(_stamped_segment(s, message.authorised) for s in message.segments),
        attachments=tuple(_stamped_attachment(a, message.authorised) for a in message.attachments),
    )


def _stamped_segment(segment: TextSegment, when: datetime) -> TextSegment:
    return replace(segment, identifier=segment.identifier or new_id(), written=segment.written or when)


def _stamped_attachment(attachment: Attachment, when: datetime) -> Attachment:
    return replace(attachment, identifier=attachment.identifier or new_id(), added=attachment.added or when)


def _previous(received: CareMessage) -> MessageRef:
    # A FHIR message is answered by its MessageHeader id; an OIOXML/EDIFACT one by
    # "[lokationsnummer]#[brevid]", which needs the sender's location number.
    if received.thread_id is not None:
        return MessageRef(received.message_id)
    return MessageRef(received.message_id, received.sender.ean)


def reply(
    received: CareMessage,
    *,
    text: str,
    author: Author,
    when: datetime,
    message_id: str | None = None,
    envelope_id: str | None = None,
    attachments: Iterable[Attachment] = (),
    category: str | None = None,
    topic: str | None = None,
    segment_id: str | None = None,
) -> CareMessage:
    """The reply to ``received``: same thread, the whole history, earlier attachments without data.

    A received specific sender becomes the specific recipient. The episode of care of the
    message being answered is kept, as MedCom requires. Identifiers not given are new UUIDs.
    """
    earlier_attachments = tuple(replace(a, data=None, url=None) for a in received.attachments)
    new_attachments = tuple(_stamped_attachment(a, when) for a in attachments)
    return replace(
        received,
        envelope=Envelope(identifier=envelope_id or new_id(), sent=when, positive_receipt=True),
        message_id=message_id or new_id(),
        authorised=when,
        sender=received.receiver,
        receiver=received.sender,
        segments=(*received.segments, TextSegment(text, when, author, segment_id or new_id())),
        activity=Activity.REPLY,
        thread_id=received.thread_id or new_id(),
        previous=_previous(received),
        category=category or received.category,
        topic=topic if topic is not None else received.topic,
        attachments=earlier_attachments + new_attachments,
        specific_sender=received.specific_recipient,
        specific_recipient=received.specific_sender,
        history=(*received.history, current_event(received)),
    )


def forward(
    received: CareMessage,
    *,
    to: Organisation,
    text: str,
    author: Author,
    when: datetime,
    message_id: str | None = None,
    envelope_id: str | None = None,
    sender: Organisation | None = None,
    attachments: Iterable[Attachment] = (),
    specific_recipient: Author | CareTeam | None = None,
    thread_id: str | None = None,
    segment_id: str | None = None,
    attachment_data: Mapping[str, bytes] | None = None,
) -> CareMessage:
    """``received`` passed on to ``to`` as a new thread, with the reason in a new text segment.

    Earlier attachments travel with their data (a receiver of a forward has never seen them). A
    reply carries earlier attachments without data, so forwarding one needs the data from where it
    is kept: ``attachment_data`` maps attachment identifiers to their bytes. An attachment left
    without data raises :class:`BuildError`.
    """
    supplied = attachment_data or {}
    earlier = []
    for item in received.attachments:
        data = item.data if item.data is not None else supplied.get(item.identifier or "")
        if data is None and item.url is None:
            raise BuildError(
                "thread.forward-data",
                Bilingual(
                    f"Bilaget '{item.title}' ({item.identifier}) har ingen data; en videresendelse skal have "
                    "dem med. Giv dem med attachment_data={id: bytes}.",
                    f"The attachment '{item.title}' ({item.identifier}) has no data; a forward must carry "
                    "it. Give it with attachment_data={id: bytes}.",
                ),
            )
        earlier.append(replace(item, data=data))
    new_attachments = tuple(_stamped_attachment(a, when) for a in attachments)
    return replace(
        received,
        envelope=Envelope(identifier=envelope_id or new_id(), sent=when, positive_receipt=True),
        message_id=message_id or new_id(),
        authorised=when,
        sender=sender or received.receiver,
        receiver=to,
        segments=(*received.segments, TextSegment(text, when, author, segment_id or new_id())),
        activity=Activity.FORWARD,
        thread_id=thread_id or new_id(),
        previous=_previous(received),
        attachments=(*earlier, *new_attachments),
        specific_sender=None,
        specific_recipient=specific_recipient,
        history=(*received.history, current_event(received)),
    )


@dataclass(frozen=True, slots=True)
class Thread:
    """Every segment seen in one thread, in reading order, and the messages they came in."""

    thread_id: str
    segments: tuple[TextSegment, ...]
    attachments: tuple[Attachment, ...]
    messages: tuple[CareMessage, ...]


def group_threads(messages: Iterable[CareMessage]) -> list[Thread]:
    """Group messages into threads by thread id and order their segments as MedCom's receiver
    rules say: by the time each was written; for equal times, the thread initiator's first.

    Segments and attachments seen in several messages (a reply repeats the history) appear once;
    parallel replies are both kept. Messages without a thread id (OIOXML) are threads of their own.
    """
    by_thread: dict[str, list[CareMessage]] = {}
    for message in messages:
        by_thread.setdefault(message.thread_id or f"oioxml:{message.message_id}", []).append(message)
    threads = []
    for thread_id, members in by_thread.items():
        members.sort(key=lambda m: m.authorised)
        initiator = _initiator(members)
        owners: dict[str, str] = {}
        segments: dict[str, TextSegment] = {}
        attachments: dict[str, Attachment] = {}
        for message in members:
            for event in (*message.history, current_event(message)):
                for pid in event.payload_ids:
                    owners.setdefault(pid, event.sender.ean)
            for index, segment in enumerate(message.segments):
                segments.setdefault(segment.identifier or f"{message.message_id}:{index}", segment)
            for index, attachment in enumerate(message.attachments):
                key = attachment.identifier or f"{message.message_id}:a{index}"
                kept = attachments.get(key)
                # Keep the copy that has the data, whichever message brought it.
                if kept is None or (kept.data is None and attachment.data is not None):
                    attachments[key] = attachment
        earliest = min(m.authorised for m in members)
        ordered = sorted(
            segments.items(),
            key=lambda item: (item[1].written or earliest, owners.get(item[0]) != initiator),
        )
        threads.append(
            Thread(
                thread_id=thread_id,
                segments=tuple(segment for _, segment in ordered),
                attachments=tuple(attachments.values()),
                messages=tuple(members),
            )
        )
    return threads


def _initiator(members: list[CareMessage]) -> str:
    """The location number of whoever started the thread (the sender of its first event)."""
    for message in members:
        if message.history:
            return message.history[0].sender.ean
    return members[0].sender.ean
