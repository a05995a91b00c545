"""The OIOXML codec as the dispatcher sees it: an ``<Emessage>`` of XDIS91, XBIN01, XREF01 or XCTL.

Only what sniffing needs is imported here; the readers, builders and checks are imported when an
input turns out to be OIOXML (validating one XDIS91 must not pay for anything else).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..codecs import KIND_NOT_SUPPORTED, Codec, CrossFileCheck, Probe, Shrunk, unknown_root
from ..core.errors import MedcomkitError
from ..core.kinds import Kind
from ..core.report import Issue, Report
from ..core.xml import MAX_DOCUMENT_BYTES, parse_xml
from .elide import elide_payloads
from .namespaces import KIND_BY_LETTER

if TYPE_CHECKING:
    from ..model.messages import AttachmentMessage, CareMessage, Message

__all__ = ["CODEC", "emessage_kind", "pairing_facts"]

_PAIRED = (Kind.XDIS91, Kind.XBIN01)


def emessage_kind(root: etree._Element) -> Kind | None:
    """The letter kind of an ``<Emessage>`` (in any namespace or none), ``None`` for another root."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag.rpartition("}")[2] != "Emessage":
        return None
    for child in root:
        if isinstance(child.tag, str):
            local = child.tag.rpartition("}")[2]
            if local not in ("Envelope", "Local_Elements"):
                return KIND_BY_LETTER.get(local, Kind.UNKNOWN)
    return Kind.UNKNOWN


def _elide(data: bytes) -> Shrunk | None:
    # A large XBIN01's attachments are examined in place, not parsed (see elide.py).
    elided = elide_payloads(data)
    return Shrunk(elided.data, elided.facts) if elided is not None else None


def _sniff(probe: Probe) -> Kind | None:
    document = probe.document(_elide)
    return emessage_kind(document.root) if document is not None else None


def _validate(probe: Probe) -> tuple[Kind, list[Issue]]:
    from .validate import validate_emessage

    document = probe.document(_elide)
    assert document is not None  # sniffed as OIOXML
    root = document.root
    if not root.tag.endswith("}Emessage"):  # an Emessage outside every namespace
        kind = emessage_kind(root) or Kind.UNKNOWN
        if kind is Kind.UNKNOWN:
            return kind, [unknown_root(root)]
        return kind, [KIND_NOT_SUPPORTED.issue(None, None, kind=kind.value)]
    if probe.shrunk is not None:
        return validate_emessage(document, probe.shrunk.data, payloads=probe.shrunk.facts)
    directory = Path(probe.xsd_dir) if probe.xsd_dir is not None else None
    return validate_emessage(document, probe.data, xsd_dir=directory)


def _read(probe: Probe) -> list[Message]:
    from .read import read_emessage

    document = probe.document()
    assert document is not None  # sniffed as OIOXML
    return list(read_emessage(document))


def _build(message: Message) -> bytes:
    from ..model.messages import AttachmentMessage, CareMessage, Receipt
    from .xbin01 import build_xbin01
    from .xctl import build_xctl
    from .xdis91 import build_xdis91
    from .xref01 import build_xref01

    if isinstance(message, CareMessage):
        return build_xdis91(message)
    if isinstance(message, AttachmentMessage):
        return build_xbin01(message)
    if isinstance(message, Receipt):
        return build_xctl(message)
    return build_xref01(message)


def pairing_facts(probe: Probe, report: Report) -> CareMessage | AttachmentMessage | None:
    """What pairing needs of a validated XDIS91 or XBIN01, or ``None`` for anything else.

    The tree validation parsed is read again when it is the whole input and needed no repair;
    otherwise (attachments set aside, mojibake) the input is parsed as :func:`medcomkit.parse`
    would. An XBIN01's attachment bytes are left out (their size is kept), so the facts are small
    enough to hand from one process to another.
    """
    from ..model.messages import AttachmentMessage, CareMessage
    from .read import read_emessage

    if report.kind not in _PAIRED or len(probe.data) > MAX_DOCUMENT_BYTES:
        return None
    try:
        document = probe.document(_elide)
        if document is None or probe.shrunk is not None or document.mojibake is not None:
            document = parse_xml(probe.data, repair=True)
        messages = read_emessage(document)
    except MedcomkitError:
        return None
    if len(messages) != 1:
        return None
    message = messages[0]
    if isinstance(message, AttachmentMessage):
        attachments = tuple(
            replace(a, data=None, size=len(a.data)) if a.data is not None else a for a in message.attachments
        )
        return replace(message, attachments=attachments)
    return message if isinstance(message, CareMessage) else None


def _link(reports: list[Report], facts: Any) -> list[Report]:
    from .link import link_reports

    return link_reports(reports, facts)


CODEC = Codec(
    name="oioxml",
    kinds=frozenset(KIND_BY_LETTER.values()),
    sniff=_sniff,
    validate=_validate,
    read=_read,
    build=_build,
    pairing=CrossFileCheck(pairing_facts, _link),
)
