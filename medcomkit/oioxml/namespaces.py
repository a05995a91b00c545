"""OIOXML namespaces and the letter versions medcomkit reads and writes.

Each MedCom schema release lives in its own namespace; a letter's VersionCode must fit it. This
table is the single place that knows which version lives where.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.kinds import Kind

__all__ = [
    "KIND_BY_LETTER",
    "NAMESPACES",
    "NS_2005",
    "NS_2006",
    "NS_2012",
    "NS_2015",
    "NS_2017",
    "VERSIONS",
    "LetterVersion",
    "version",
    "version_by_code",
]

NS_2005 = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/"
NS_2006 = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/"
NS_2012 = "http://rep.oio.dk/medcom.dk/xml/schemas/2012/03/28/"
NS_2015 = "http://rep.oio.dk/medcom.dk/xml/schemas/2015/08/01/"
NS_2017 = "http://rep.oio.dk/medcom.dk/xml/schemas/2017/05/01/"

# Namespace -> the project's own schema file for it (medcomkit/oioxml/schemas/).
NAMESPACES: dict[str, str] = {
    NS_2005: "medcom-2005-08-07.xsd",
    NS_2006: "medcom-2006-07-01.xsd",
    NS_2012: "medcom-2012-03-28.xsd",
    NS_2015: "medcom-2015-08-01.xsd",
    NS_2017: "medcom-2017-05-01.xsd",
}

KIND_BY_LETTER: dict[str, Kind] = {
    "ClinicalEmail": Kind.XDIS91,
    "BinaryLetter": Kind.XBIN01,
    "HospitalReferral": Kind.XREF01,
    "NegativeVansReceipt": Kind.XCTL01,
    "NegativeReceipt": Kind.XCTL02,
    "PositiveReceipt": Kind.XCTL03,
}


@dataclass(frozen=True, slots=True)
class LetterVersion:
    """One message version: its VersionCode, namespace, letter element and codes."""

    version_code: str
    namespace: str
    letter: str
    kind: Kind
    # StatisticalCode in practice equals the type code (XDIS91, XBIN01, XCTL01 …).
    statistical_code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "statistical_code", self.statistical_code or self.kind.value)


VERSIONS: tuple[LetterVersion, ...] = (
    LetterVersion("XD9133L", NS_2005, "ClinicalEmail", Kind.XDIS91),
    LetterVersion("XD9134L", NS_2006, "ClinicalEmail", Kind.XDIS91),
    LetterVersion("XD9135L", NS_2015, "ClinicalEmail", Kind.XDIS91),
    LetterVersion("XB0130X", NS_2005, "BinaryLetter", Kind.XBIN01),
    LetterVersion("XB0131X", NS_2012, "BinaryLetter", Kind.XBIN01),
    LetterVersion("XH0130R", NS_2005, "HospitalReferral", Kind.XREF01),
    LetterVersion("XH0131R", NS_2017, "HospitalReferral", Kind.XREF01),
    LetterVersion("XC0130Q", NS_2005, "NegativeVansReceipt", Kind.XCTL01),
    LetterVersion("XC0230Q", NS_2005, "NegativeReceipt", Kind.XCTL02),
    LetterVersion("XC0330Q", NS_2005, "PositiveReceipt", Kind.XCTL03),
)
_BY_PLACE = {(v.namespace, v.letter): v for v in VERSIONS}
_BY_CODE = {v.version_code: v for v in VERSIONS}


def version(namespace: str, letter: str) -> LetterVersion | None:
    """The version that a letter element in a namespace must have, or ``None`` if unsupported."""
    return _BY_PLACE.get((namespace, letter))


def version_by_code(code: str) -> LetterVersion | None:
    return _BY_CODE.get(code)
