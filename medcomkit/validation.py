"""``medcomkit.validate``: any input in, a :class:`~medcomkit.core.report.Report` out, never an exception
for bad input."""

from __future__ import annotations

from pathlib import Path

from .core.errors import ParseError, SourceError
from .core.kinds import Kind
from .core.lang import Bilingual
from .core.report import ISSUES_OMITTED, OMITTED_TEXT, IssueType, Report, Severity
from .core.rules import issue_for_error, rule
from .core.source import Source, read_source
from .core.xml import MAX_DOCUMENT_BYTES, TOO_LARGE, parse_xml
from .core.xmltree import line_of
from .oioxml.elide import elide_payloads
from .oioxml.validate import validate_emessage
from .sniff import FHIR_NS, VANS_NS, is_edifact, xml_kind

__all__ = ["validate", "validate_bytes"]

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

# Made by the report itself (see medcomkit.report.MAX_ISSUES); registered here for the catalogue.
rule(ISSUES_OMITTED, Severity.INFORMATION, OMITTED_TEXT.da, OMITTED_TEXT.en, IssueType.TOO_COSTLY)

_FHIR_PREFIX = f"{{{FHIR_NS}}}"


def _looks_like_json(data: bytes) -> bool:
    """JSON (FHIR's other format) starts with an object or array, after an optional BOM and spaces."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"["))


def validate_bytes(
    data: bytes,
    *,
    path: str | None = None,
    xsd_dir: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Report:
    """Validate one message given as bytes (see :func:`validate`)."""
    if len(data) > max_bytes:
        error = SourceError(TOO_LARGE.id, TOO_LARGE.text.format(size=len(data), limit=max_bytes))
        return Report(Kind.UNKNOWN, (issue_for_error(error),), path)
    if data[:1] != b"<" and is_edifact(data):
        from .edifact.validate import validate_edifact  # EDIFACT: DIS91, REF01, BIN01, CTL01-03

        kind, issues = validate_edifact(data)
        return Report(kind, tuple(issues), path)
    if data[:1] != b"<" and _looks_like_json(data):  # most XML starts with "<": no need to look
        from .fhir.validate import validate_fhir  # fhir.resources is imported only for FHIR input

        kind, issues = validate_fhir(data, max_bytes=max_bytes)
        return Report(kind, tuple(issues), path)
    # A large XBIN01's attachments are examined in place, not parsed (see oioxml/elide.py).
    elided = elide_payloads(data) if xsd_dir is None else None
    try:
        if elided is None:
            document = parse_xml(data, max_bytes=max_bytes)
        else:
            document = parse_xml(elided.data, max_bytes=max_bytes, size=len(data))
            if not document.root.tag.endswith("}Emessage"):  # only an Emessage's checks know
                document, elided = parse_xml(data, max_bytes=max_bytes), None
    except ParseError as error:
        return Report(Kind.UNKNOWN, (issue_for_error(error),), path)
    root = document.root
    if root.tag.endswith("}Emessage"):  # OIOXML, by far the most common: checked first
        directory = Path(xsd_dir) if xsd_dir is not None else None
        if elided is not None:
            kind, issues = validate_emessage(document, elided.data, payloads=elided.facts)
        else:
            kind, issues = validate_emessage(document, data, xsd_dir=directory)
        return Report(kind, tuple(issues), path)
    if root.tag.startswith(_FHIR_PREFIX):
        from .fhir.validate import validate_fhir_xml

        kind, issues = validate_fhir_xml(document, data)
        return Report(kind, tuple(issues), path)
    if root.tag == f"{{{VANS_NS}}}VANSEnvelope":
        from .vans.check import validate_envelope  # the envelope, then the message inside it

        kind, issues = validate_envelope(document, data, xsd_dir=xsd_dir, max_bytes=max_bytes)
        return Report(kind, tuple(issues), path)
    kind = xml_kind(root)
    if kind is not Kind.UNKNOWN:
        return Report(kind, (KIND_NOT_SUPPORTED.issue(None, None, kind=kind.value),), path)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    return Report(
        Kind.UNKNOWN,
        (
            KIND_UNKNOWN.issue(
                "/" + root.tag.rpartition("}")[2],
                line_of(root),
                root=root.tag.rpartition("}")[2],
                namespace=Bilingual(f" i {namespace}", f" in {namespace}") if namespace else "",
            ),
        ),
        path,
    )


def validate(
    source: Source,
    *,
    xsd_dir: str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Report:
    """Validate a message and say precisely what is wrong with it.

    ``source`` is bytes, or a path as ``str`` or :class:`~pathlib.Path`. The kind of message is
    detected. ``xsd_dir`` validates structure against a directory of official MedCom XSDs
    instead of the project's own schema files. Bad input never raises: it yields a report with
    errors. Only a path that cannot be read raises :class:`~medcomkit.SourceError`.
    """
    try:
        data, path = read_source(source, max_bytes=max_bytes)
    except SourceError as error:
        if error.code != TOO_LARGE.id:
            raise
        name = None if isinstance(source, bytes | bytearray | memoryview) else str(source)
        return Report(Kind.UNKNOWN, (issue_for_error(error),), name)
    return validate_bytes(data, path=path, xsd_dir=xsd_dir, max_bytes=max_bytes)
