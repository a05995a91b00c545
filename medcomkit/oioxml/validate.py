"""Validation of OIOXML documents: schema first, then business rules, one merged list of issues."""

from __future__ import annotations

from pathlib import Path

from .._errors import BuildError
from .._lang import Bilingual
from .._rule import rule
from ..report import Issue, IssueType, Kind, Severity
from ..xmlsafe import ENCODING_MISMATCH, XmlDocument, parse_xml, repair_mojibake
from ._xml import local_name
from .common import letters_of
from .namespaces import KIND_BY_LETTER, NAMESPACES, VERSIONS, version
from .rules import (
    ACK_CODE,
    LETTER_UNSUPPORTED,
    NAMESPACE_UNKNOWN,
    RuleContext,
    check_envelope,
    check_letter,
    check_text_characters,
)
from .schema import schema_for, schema_issues

__all__ = ["raise_if_invalid", "validate_emessage"]

SCHEMA_NOT_FOUND = rule(
    "schema.not-found",
    Severity.ERROR,
    "Der er ingen EMessage.xsd for navnerummet {namespace} i {directory}.",
    "There is no EMessage.xsd for the namespace {namespace} in {directory}.",
    IssueType.NOT_SUPPORTED,
)


def _split(tag: str) -> tuple[str, str]:
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


def validate_emessage(
    document: XmlDocument, data: bytes, *, xsd_dir: Path | None = None
) -> tuple[Kind, list[Issue]]:
    """Validate an ``Emessage`` document; returns its kind and every issue, sorted by line."""
    root = document.root
    namespace, _ = _split(root.tag)
    letters = letters_of(root)
    kind = KIND_BY_LETTER.get(local_name(letters[0]), Kind.UNKNOWN) if letters else Kind.UNKNOWN
    ctx = RuleContext(namespace)
    if document.mojibake:
        ctx.add(
            ENCODING_MISMATCH,
            None,
            declared=document.encoding.upper(),
            sample=document.mojibake,
            repaired=repair_mojibake(document.mojibake),
        )
    if namespace not in NAMESPACES:
        ctx.add(NAMESPACE_UNKNOWN, root, namespace=namespace or "(intet / none)", known=", ".join(NAMESPACES))
        return kind, ctx.issues

    check_envelope(ctx, root, letters)
    for letter in letters:
        letter_version = version(namespace, local_name(letter))
        if letter_version is None:
            supported = sorted({v.letter for v in VERSIONS if v.namespace == namespace})
            ctx.add(
                LETTER_UNSUPPORTED,
                letter,
                letter=local_name(letter),
                namespace=namespace,
                known=", ".join(supported),
            )
            if letter is letters[0]:
                kind = Kind.UNKNOWN
            continue
        check_letter(ctx, letter, letter_version)
    if kind in (Kind.XCTL01, Kind.XCTL02, Kind.XCTL03):
        code = root.find(ctx.q("Envelope", "AcknowledgementCode"))
        if code is not None and code.text == "pluspositivkvitt":
            ctx.add(ACK_CODE, code)
    if not data.isascii():
        check_text_characters(ctx, root)

    schema = schema_for(namespace, xsd_dir)
    if schema is None:
        ctx.add(SCHEMA_NOT_FOUND, root, namespace=namespace, directory=str(xsd_dir))
        structural: list[Issue] = []
    else:
        structural = schema_issues(schema, root, mojibake=document.mojibake is not None)
    # A business rule that names the real cause at an element replaces the schema's generic
    # complaint about the same element.
    explained = {(i.line, i.location) for i in ctx.issues if i.severity is Severity.ERROR}
    issues = [i for i in structural if (i.line, i.location) not in explained] + ctx.issues
    issues.sort(key=lambda i: i.line or 0)  # document-level issues (no line) first
    return kind, issues


def raise_if_invalid(data: bytes, what: str) -> None:
    """Used by the builders: refuse to hand out a message that does not validate."""
    document = parse_xml(data)
    _, issues = validate_emessage(document, data)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        da = "; ".join(f"{i.location or ''}: {i.message('da')}" for i in errors)
        en = "; ".join(f"{i.location or ''}: {i.message('en')}" for i in errors)
        raise BuildError(
            "oioxml.build-invalid",
            Bilingual(f"Den byggede {what} er ugyldig: {da}", f"The built {what} is invalid: {en}"),
        )
