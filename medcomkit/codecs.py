"""The one shape every codec has, and the :class:`Probe` through which a codec is shown an input.

A codec (``oioxml``, ``fhir``, ``edifact``, ``vans``) turns one family of wire formats into the
neutral model and back, and judges it. Each exposes a :class:`Codec` as ``CODEC`` in its
``codec.py``; :mod:`medcomkit.dispatch` holds the table of them and is the only place that picks
one. This module sits below the codecs and the dispatcher (it imports only the safe XML parser and
the report types), so a codec can be given to the dispatcher without either importing the other.

Why a probe and not bytes: three of the four codecs need the same XML tree to decide whether an
input is theirs, and a large XBIN01 is parsed with its attachments set aside (see
``oioxml/elide.py``). The probe parses once, on the first request, and keeps the tree (or the
error) for every codec asked after.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

from lxml import etree

from .core.errors import BuildError, ParseError
from .core.kinds import Kind
from .core.lang import Bilingual
from .core.report import Issue, IssueType, Report, Severity
from .core.rules import rule
from .core.xml import MAX_DOCUMENT_BYTES, XmlDocument, parse_xml

if TYPE_CHECKING:  # the neutral model is imported only by codecs that read or build
    from .model.messages import Message

__all__ = [
    "KIND_NOT_SUPPORTED",
    "KIND_UNKNOWN",
    "Codec",
    "CrossFileCheck",
    "Probe",
    "Shrunk",
    "Sniff",
    "ValidatePayload",
    "cannot_build",
    "not_supported",
    "unknown_kind",
    "unknown_root",
]

KIND_UNKNOWN = rule(
    "validate.kind-unknown",
    Severity.ERROR,
    "medcomkit kan ikke genkende meddelelsestypen (rodelement <{root}>{namespace}). Kendte typer: OIOXML "
    "<Emessage> (XDIS91, XBIN01, XREF01, XCTL01–03), VANSEnvelope, FHIR-meddelelser (CareCommunication, "
    "Acknowledgement) og EDIFACT (DIS91, REF01, BIN01, CTL01–03).",
    "medcomkit cannot recognise the message type (root element <{root}>{namespace}). Known types: OIOXML "
    "<Emessage> (XDIS91, XBIN01, XREF01, XCTL01–03), VANSEnvelope, FHIR messages (CareCommunication, "
    "Acknowledgement) and EDIFACT (DIS91, REF01, BIN01, CTL01–03).",
    IssueType.NOT_SUPPORTED,
)
KIND_NOT_SUPPORTED = rule(
    "validate.kind-not-supported",
    Severity.ERROR,
    "Inputtet er en {kind}, men denne version af medcomkit kan ikke validere {kind}.",
    "The input is a {kind}, but this version of medcomkit cannot validate {kind}.",
    IssueType.NOT_SUPPORTED,
)

_BLANK = re.compile(rb"[\xef\xbb\xbf \t\r\n]*")


class Shrunk(NamedTuple):
    """An input with large parts set aside before parsing, and what a codec noted about them."""

    data: bytes
    facts: Any


# Validates a message found inside another (a VANSEnvelope's payload): bytes, xsd_dir, max_bytes.
ValidatePayload = Callable[[bytes, "str | Path | None", int], Report]


class Probe:
    """One input as the codecs see it: its bytes, its first non-blank bytes, and its XML tree.

    ``reading`` probes serve :func:`medcomkit.parse` (XML is parsed with mojibake repair);
    the others serve validation. ``validate_payload`` is the dispatcher's own validation, handed
    to a codec whose messages carry other messages, so the codec never imports the dispatcher.
    """

    __slots__ = (
        "_document",
        "_full",
        "data",
        "error",
        "head",
        "max_bytes",
        "reading",
        "shrunk",
        "validate_payload",
        "xsd_dir",
    )

    def __init__(
        self,
        data: bytes,
        *,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        xsd_dir: str | Path | None = None,
        reading: bool = False,
        validate_payload: ValidatePayload | None = None,
    ) -> None:
        self.data = data
        self.max_bytes = max_bytes
        self.xsd_dir = xsd_dir
        self.reading = reading
        self.validate_payload = validate_payload
        start = _BLANK.match(data, 0, 4096)
        offset = start.end() if start is not None else 0
        # The first 64 bytes after a byte-order mark and blank space (no copy of the input).
        self.head: bytes = data[offset : offset + 64]
        self.error: ParseError | None = None  # why the bytes are not a safe XML document
        self.shrunk: Shrunk | None = None  # set when the tree is of the shrunk bytes
        self._document: XmlDocument | None = None  # the first tree parsed (shrunk or whole)
        self._full: XmlDocument | None = None  # the whole input's tree, when the first was shrunk

    def document(self, shrink: Callable[[bytes], Shrunk | None] | None = None) -> XmlDocument | None:
        """The input's XML tree, or ``None`` when it is not XML (:attr:`error` says why).

        The first caller may pass ``shrink`` to have large parts set aside before parsing (only
        when validating with the project's own schemas); :attr:`shrunk` then holds what it set
        aside. A later caller without ``shrink`` gets the whole input's tree.
        """
        if self.error is not None:
            return None
        if self._document is None:
            parse_data, size = self.data, None
            if shrink is not None and not self.reading and self.xsd_dir is None:
                self.shrunk = shrink(self.data)
                if self.shrunk is not None:
                    parse_data, size = self.shrunk.data, len(self.data)
            try:
                self._document = parse_xml(
                    parse_data, max_bytes=self.max_bytes, repair=self.reading, size=size
                )
            except ParseError as error:
                self.error = error
                return None
            return self._document
        if self.shrunk is None or shrink is not None:
            return self._document
        if self._full is None:
            try:
                self._full = parse_xml(self.data, max_bytes=self.max_bytes, repair=self.reading)
            except ParseError as error:
                self.error = error
                return None
        return self._full


class CrossFileCheck(NamedTuple):
    """How a codec checks messages that travel in separate files against each other.

    ``facts`` runs where the file was validated (perhaps another process) and keeps what the
    check needs, small and picklable; ``link`` runs once over every file's report and facts
    (``None`` for files of other codecs) and returns the reports with the issues it found added.
    """

    facts: Callable[[Probe, Report], Any]
    link: Callable[[list[Report], Sequence[Any]], list[Report]]


class Sniff(Protocol):
    def __call__(self, probe: Probe) -> Kind | None: ...


@dataclass(frozen=True, slots=True)
class Codec:
    """What a codec gives the dispatcher; see :mod:`medcomkit.dispatch` for how it is used.

    - ``sniff``: cheap: the kind when the input is this codec's, else ``None``; never raises.
    - ``validate``: the kind and every issue; never raises on bad input.
    - ``read``: the messages in the input (``None``: the codec validates but does not read).
    - ``build``: a message as bytes, where the codec builds that message (``None``: it does not).
    - ``pairing``: checks across files (see :class:`CrossFileCheck`), when the codec has any.
    """

    name: str
    kinds: frozenset[Kind]
    sniff: Sniff
    validate: Callable[[Probe], tuple[Kind, list[Issue]]]
    read: Callable[[Probe], list[Message]] | None = None
    build: Callable[[Message], bytes] | None = None
    pairing: CrossFileCheck | None = None


def unknown_root(root: etree._Element) -> Issue:
    """The issue for an XML document whose root no codec recognises."""
    tag = root.tag if isinstance(root.tag, str) else ""
    name = tag.rpartition("}")[2]
    namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
    return KIND_UNKNOWN.issue(
        "/" + name,
        cast("int | None", root.sourceline),
        root=name,
        namespace=Bilingual(f" i {namespace}", f" in {namespace}") if namespace else "",
    )


def cannot_build(syntax: str, message: object) -> BuildError:
    """The error for a message a codec has no builder for (e.g. a referral as FHIR)."""
    what = type(message).__name__
    return BuildError(
        "build.not-supported",
        Bilingual(
            f"medcomkit kan ikke bygge en {what} som {syntax}.",
            f"medcomkit cannot build a {what} as {syntax}.",
        ),
    )


def not_supported(kind: Kind) -> ParseError:
    """The error for input of a kind medcomkit recognises but cannot read."""
    return ParseError(
        KIND_NOT_SUPPORTED.id,
        Bilingual(
            f"Denne version af medcomkit kan ikke læse {kind.value}.",
            f"This version of medcomkit cannot read {kind.value}.",
        ),
    )


def unknown_kind() -> ParseError:
    """The error for input whose kind medcomkit cannot recognise."""
    return ParseError(
        KIND_UNKNOWN.id,
        Bilingual(
            "medcomkit kan ikke genkende meddelelsestypen.",
            "medcomkit cannot recognise the message type.",
        ),
    )
