"""Validation of OIOXML documents: schema first, then business rules, one merged list of issues."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import MAX_ISSUES, Issue, IssueType, Severity, raise_for_errors
from ..core.rules import rule
from ..core.xml import ENCODING_MISMATCH, XmlDocument, parse_xml, repair_mojibake
from .base64text import Base64Facts
from .checks import Checker
from .namespaces import KIND_BY_LETTER, NAMESPACES, VERSIONS, version
from .rules import LETTER_UNSUPPORTED, NAMESPACE_UNKNOWN
from .schema import schema_for, schema_issues

__all__ = ["raise_if_invalid", "validate_emessage"]

SCHEMA_NOT_FOUND = rule(
    "schema.not-found",
    Severity.ERROR,
    "Der er ingen EMessage.xsd for navnerummet {namespace} i {directory}.",
    "There is no EMessage.xsd for the namespace {namespace} in {directory}.",
    IssueType.NOT_SUPPORTED,
)


# The letters each namespace has, as the unsupported-letter issue names them.
_KNOWN_LETTERS = {
    namespace: ", ".join(sorted({v.letter for v in VERSIONS if v.namespace == namespace}))
    for namespace in NAMESPACES
}


def validate_emessage(
    document: XmlDocument,
    data: bytes,
    *,
    xsd_dir: Path | None = None,
    payloads: Mapping[str, Base64Facts] | None = None,
) -> tuple[Kind, list[Issue]]:
    """Validate an ``Emessage`` document; returns its kind and every issue, sorted by line.

    ``payloads``: the facts of attachment texts that were set aside before parsing (see
    :mod:`medcomkit.oioxml.elide`), by the marker text that stands for each in the document.
    """
    root = document.root
    tag = root.tag
    namespace = tag[1:].partition("}")[0] if tag[:1] == "{" else ""
    envelope = None
    letters: list[tuple[etree._Element, str]] = []  # each letter with its local name
    # A real Emessage has one letter. Past what a report can show, letters are only counted (with
    # the unsupported ones among them), so a million of them cost neither a million proxies nor
    # a million checks.
    letter_count = unsupported_unkept = 0
    for child in root:
        child_tag: object = child.tag
        if not isinstance(child_tag, str):
            continue  # comments and processing instructions
        name = child_tag.rpartition("}")[2]
        if name == "Envelope":
            envelope = envelope if envelope is not None else child
        elif not name.endswith("Local_Elements"):
            letter_count += 1
            if letter_count <= MAX_ISSUES:
                letters.append((child, name))
            elif version(namespace, name) is None:
                unsupported_unkept += 1
    kind = KIND_BY_LETTER.get(letters[0][1], Kind.UNKNOWN) if letters else Kind.UNKNOWN
    checker = Checker(namespace, data, payloads)
    if document.mojibake:
        checker.add(
            ENCODING_MISMATCH,
            None,
            declared=document.encoding.upper(),
            sample=document.mojibake,
            repaired=repair_mojibake(document.mojibake),
        )
    if namespace not in NAMESPACES:
        checker.add(
            NAMESPACE_UNKNOWN, root, namespace=namespace or "(intet / none)", known=", ".join(NAMESPACES)
        )
        return kind, checker.all_issues()

    supported = []
    for letter, name in letters:
        letter_version = version(namespace, name)
        if letter_version is None:
            known = _KNOWN_LETTERS[namespace]
            checker.add(LETTER_UNSUPPORTED, letter, letter=name, namespace=namespace, known=known)
            if letter is letters[0][0]:
                kind = Kind.UNKNOWN
            continue
        supported.append((letter, letter_version))
    checker.count_omitted(unsupported_unkept, LETTER_UNSUPPORTED.severity)
    checker.document(root, envelope, supported, letter_count)
    if not data.isascii():
        checker.characters(root, document.encoding)

    schema = schema_for(namespace, xsd_dir)
    if schema is None:
        checker.add(SCHEMA_NOT_FOUND, root, namespace=namespace, directory=str(xsd_dir))
        structural: list[Issue] = []
    else:
        structural = schema_issues(schema, root, mojibake=document.mojibake is not None)
    issues = checker.all_issues()
    if structural:
        # A business rule that names the real cause at an element replaces the schema's generic
        # complaint about the same element.
        explained = {(i.line, i.location) for i in issues if i.severity is Severity.ERROR}
        issues = [i for i in structural if (i.line, i.location) not in explained] + issues
    if len(issues) > 1:
        issues.sort(key=lambda i: i.line or 0)  # document-level issues (no line) first
    return kind, issues


def raise_if_invalid(data: bytes, what: str) -> None:
    """Used by the builders: refuse to hand out a message that does not validate."""
    document = parse_xml(data)
    _, issues = validate_emessage(document, data)
    lead = Bilingual(f"Den byggede {what} er ugyldig: ", f"The built {what} is invalid: ")
    raise_for_errors(issues, "oioxml.build-invalid", lead)
