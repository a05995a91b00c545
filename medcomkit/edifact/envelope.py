"""The interchange (UNB … UNZ) and message (UNH … UNT) envelopes around the segments.

:func:`open_interchange` sorts the segments into messages and checks the envelope rules: UNB
first, one UNB, syntax identifier UNOC:3, the UNZ count and reference, each UNH closed by a UNT
with the right count and reference. It never raises; what it cannot sort it reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.kinds import Kind
from ..core.report import Issue
from ..core.rules import Rule
from . import rules as r
from .syntax import Segment, Syntax, read_segments

__all__ = ["KIND_TYPES", "MESSAGE_TYPES", "Interchange", "Message", "MessageType", "open_interchange"]


@dataclass(frozen=True, slots=True)
class MessageType:
    """A MedCom EDIFACT message: UNH type and version, the name in UNH's third element, its kind."""

    type: str
    version: str
    name: str
    kind: Kind | None  # None: a MedCom message medcomkit does not implement

    @property
    def identifier(self) -> list[str]:
        agency = "ZZ" if self.type == "CONTRL" else "UN"
        return [self.type, "D", "93A", agency, self.version]


MESSAGE_TYPES: dict[tuple[str, str], MessageType] = {
    (t.type, t.version): t
    for t in (
        MessageType("MEDDIS", "D9134L", "DIS91", Kind.DIS91),
        MessageType("MEDREF", "H0130R", "REF01", Kind.REF01),
        MessageType("MEDBIN", "B0131X", "BIN01", Kind.BIN01),
        MessageType("CONTRL", "C0130Q", "CTL01", Kind.CTL01),
        MessageType("CONTRL", "C0230Q", "CTL02", Kind.CTL02),
        MessageType("CONTRL", "C0330Q", "CTL03", Kind.CTL03),
    )
}
KIND_TYPES = {t.kind: t for t in MESSAGE_TYPES.values()}


@dataclass
class Message:
    """One message: its UNH, the segments between, and its UNT (``None`` when missing)."""

    unh: Segment
    body: list[Segment] = field(default_factory=list)
    unt: Segment | None = None

    @property
    def reference(self) -> str:
        return self.unh.get(1)

    @property
    def type(self) -> MessageType | None:
        return MESSAGE_TYPES.get((self.unh.get(2, 1), self.unh.get(2, 5)))

    def name(self) -> str:
        """What the message calls itself: UNH's third element, else type and version."""
        return self.unh.get(3) or f"{self.unh.get(2, 1)}:{self.unh.get(2, 5)}"


@dataclass
class Interchange:
    syntax: Syntax
    unb: Segment | None = None
    unz: Segment | None = None
    messages: list[Message] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def add(self, check: Rule, segment: Segment | None, **params: object) -> None:
        location, line = self.syntax.where(segment)
        self.issues.append(check.issue(location, line, **params))

    @property
    def kind(self) -> Kind:
        for message in self.messages:
            found = message.type
            return found.kind if found is not None and found.kind is not None else Kind.UNKNOWN
        return Kind.UNKNOWN


def open_interchange(data: bytes) -> Interchange:
    """Read the segments and sort them into messages, checking the envelopes."""
    syntax = read_segments(data)
    interchange = Interchange(syntax, issues=list(syntax.issues))
    segments = syntax.segments
    if not segments:
        if not syntax.issues:
            interchange.issues.append(r.UNB_MISSING.issue(None, None, tag="(intet / none)"))
        return interchange
    first = segments[0]
    if first.tag == "UNB":
        interchange.unb = first
        _check_unb(interchange, first)
    else:
        interchange.add(r.UNB_MISSING, first, tag=first.tag)
    current: Message | None = None
    for segment in segments[1:] if interchange.unb is not None else segments:
        tag = segment.tag
        if interchange.unz is not None:
            interchange.add(r.UNB_REPEATED if tag == "UNB" else r.AFTER_UNZ, segment)
            continue
        if tag == "UNH":
            if current is not None:
                interchange.add(r.UNT_MISSING, current.unh, reference=current.reference)
            current = Message(segment)
            interchange.messages.append(current)
        elif tag == "UNT":
            if current is None:
                interchange.add(r.OUTSIDE_MESSAGE, segment)
            else:
                current.unt = segment
                _check_unt(interchange, current)
                current = None
        elif tag == "UNZ":
            if current is not None:
                interchange.add(r.UNT_MISSING, current.unh, reference=current.reference)
                current = None
            interchange.unz = segment
            _check_unz(interchange, segment)
        elif tag == "UNB":
            interchange.add(r.UNB_REPEATED, segment)
        elif current is None:
            interchange.add(r.OUTSIDE_MESSAGE, segment)
        else:
            current.body.append(segment)
    if current is not None:
        interchange.add(r.UNT_MISSING, current.unh, reference=current.reference)
    if interchange.unz is None and interchange.unb is not None:
        interchange.add(r.UNZ_MISSING, segments[-1])
    if not interchange.messages:
        interchange.add(r.NO_MESSAGE, interchange.unb)
    elif len(interchange.messages) > 1:
        interchange.add(r.SEVERAL_MESSAGES, interchange.messages[1].unh, count=len(interchange.messages))
    return interchange


def _check_unb(interchange: Interchange, unb: Segment) -> None:
    syntax = f"{unb.get(1, 1)}:{unb.get(1, 2)}"
    if syntax != "UNOC:3":
        interchange.add(r.SYNTAX_IDENTIFIER, unb, found=syntax)
    for element, component, what in (
        (2, 1, "afsenderens lokationsnummer / the sender's location number"),
        (3, 1, "modtagerens lokationsnummer / the receiver's location number"),
        (4, 1, "dato / date"),
        (4, 2, "tid / time"),
        (5, 1, "kontrolreference (kuvert-id) / control reference (envelope id)"),
    ):
        if not unb.get(element, component):
            interchange.add(r.UNB_FIELD, unb, field=what)


def _check_unt(interchange: Interchange, message: Message) -> None:
    unt = message.unt
    assert unt is not None
    actual = len(message.body) + 2
    declared = unt.get(1)
    if declared != str(actual):
        interchange.add(r.UNT_COUNT, unt, declared=declared or "(intet / none)", actual=actual)
    if unt.get(2) != message.reference:
        interchange.add(r.UNT_REFERENCE, unt, found=unt.get(2), expected=message.reference)


def _check_unz(interchange: Interchange, unz: Segment) -> None:
    declared = unz.get(1)
    actual = len(interchange.messages)
    if declared != str(actual):
        interchange.add(r.UNZ_COUNT, unz, declared=declared or "(intet / none)", actual=actual)
    unb = interchange.unb
    if unb is not None and unz.get(2) != unb.get(5):
        interchange.add(r.UNZ_REFERENCE, unz, found=unz.get(2), expected=unb.get(5))
