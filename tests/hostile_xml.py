"""Hostile XML built by the tests themselves: DOCTYPEs, entities and XIncludes that name a file, a
FIFO, /dev/zero or a URL, spelled in every encoding the parser accepts, and the ways to feed them
to medcomkit (API and CLI).

A child process imports this module and calls :func:`main`, so a parser that opens a FIFO or reads
/dev/zero hangs the child, not the test run: the parent's timeout turns that into a failure.
"""

from __future__ import annotations

import base64
import codecs
import json
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

OIOXML_NS = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/"
FHIR_NS = "http://hl7.org/fhir"
VANS_NS = "urn:oio:medcom:vans-envelope:1.0.4"

# name: (what the declaration says, Python codec, bytes before the declaration)
ENCODINGS: dict[str, tuple[str, str, bytes]] = {
    "utf-8": ("UTF-8", "utf-8", b""),
    "utf-8 with BOM": ("UTF-8", "utf-8", codecs.BOM_UTF8),
    "iso-8859-1": ("ISO-8859-1", "latin-1", b""),
    "windows-1252": ("windows-1252", "cp1252", b""),
    "utf-16le with BOM": ("UTF-16", "utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16be with BOM": ("UTF-16", "utf-16-be", codecs.BOM_UTF16_BE),
    "utf-16le": ("UTF-16LE", "utf-16-le", b""),
    "utf-16be": ("UTF-16BE", "utf-16-be", b""),
    "utf-32le with BOM": ("UTF-32", "utf-32-le", codecs.BOM_UTF32_LE),
    "utf-32be with BOM": ("UTF-32", "utf-32-be", codecs.BOM_UTF32_BE),
    "utf-32le": ("UTF-32LE", "utf-32-le", b""),
    "utf-32be": ("UTF-32BE", "utf-32-be", b""),
}
FEW_ENCODINGS = ("utf-8", "windows-1252", "utf-16be", "utf-32le with BOM")

ROOTS = {
    "oioxml": (
        f'<Emessage xmlns="{OIOXML_NS}"><Envelope><Identifier>hø</Identifier></Envelope>{{body}}</Emessage>'
    ),
    "fhir": f'<Bundle xmlns="{FHIR_NS}"><id value="hø"/>{{body}}</Bundle>',
    "envelope": f'<VANSEnvelope xmlns="{VANS_NS}">{{body}}</VANSEnvelope>',
    "sor": "<SorExport>{body}</SorExport>",
}


def attacks(uri: str, root: str) -> dict[str, str]:
    """The document text after its XML declaration, per attack, each pointing at ``uri``."""
    name = re.match(r"<(\w+)", root)
    assert name
    element = name.group(1)
    plain = root.format(body="")
    return {
        "external subset": f'<!DOCTYPE {element} SYSTEM "{uri}">{plain}',
        "public external subset": f'<!DOCTYPE {element} PUBLIC "-//Example//DTD X//DA" "{uri}">{plain}',
        "external entity": f'<!DOCTYPE {element} [<!ENTITY x SYSTEM "{uri}">]>{root.format(body="&x;")}',
        "parameter entity": f'<!DOCTYPE {element} [<!ENTITY % p SYSTEM "{uri}"> %p;]>{plain}',
        "entity in an attribute": (
            f'<!DOCTYPE {element} [<!ENTITY x SYSTEM "{uri}"><!ATTLIST {element} a CDATA "&x;">]>{plain}'
        ),
        "after a long comment": (
            "\n<!--" + "prolog " * 20_000 + f'-->\n<?pi x?>\n<!DOCTYPE {element} SYSTEM "{uri}">{plain}'
        ),
        "xinclude": root.format(
            body=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{uri}" parse="text"/>'
        ),
    }


def encode(text: str, encoding: str) -> bytes:
    declared, codec, bom = ENCODINGS[encoding]
    return bom + f'<?xml version="1.0" encoding="{declared}"?>\n{text}'.encode(codec)


def envelope_around(payload: bytes) -> bytes:
    """A VANSEnvelope (UTF-8) carrying ``payload`` as its Data."""
    data = base64.b64encode(payload).decode("ascii")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<VANSEnvelope xmlns="{VANS_NS}">'
        '<SenderID EndPointType="EAN">5790000000001</SenderID>'
        '<ReceiverID EndPointType="EAN">5790000000002</ReceiverID>'
        "<EnvelopeIdentifier>a60b23b6-4f97-539d-a680-55cbeda06ef7</EnvelopeIdentifier>"
        "<SentDateTime>2026-11-26T10:15:00+01:00</SentDateTime><Message><MetaInformation>"
        "<Identifier>50104820-006f-511f-84f2-dc8288260d9b</Identifier><Document><Format>XML</Format>"
        f"<Name>MCM:XDIS91</Name><Version>XD9134L</Version><SizeInBytes>{len(payload)}</SizeInBytes>"
        "</Document><Transport><Type>reliable</Type><TransformMessage>false</TransformMessage></Transport>"
        f"</MetaInformation><Data>{data}</Data></Message></VANSEnvelope>"
    ).encode()


# --- the child: feed each file to one surface and report what came back ---------------------------


def _api(surface: str, work: Path) -> Callable[[Path], str]:
    import medcomkit
    from medcomkit import MedcomkitError

    def errors_of(report: medcomkit.Report) -> str:
        return ",".join(sorted({i.rule for i in report.issues if i.severity is medcomkit.Severity.ERROR}))

    def validate(path: Path) -> str:
        return errors_of(medcomkit.validate(path))

    def parse(path: Path) -> str:
        medcomkit.parse(path)
        return "parsed"

    def convert(path: Path) -> str:
        from medcomkit.convert.files import convert_files

        convert_files([path], to="fhir")
        return "converted"

    def unwrap(path: Path) -> str:
        payload = medcomkit.unwrap(path)
        return errors_of(medcomkit.validate_bytes(payload))

    def archive(path: Path) -> str:
        journals = len(list(work.glob("journal-*.db")))  # a fresh journal each: no duplicates
        with medcomkit.Archive(work / f"journal-{journals}.db") as journal:
            return ",".join(a.arrival.value for a in journal.add(path, direction="received"))

    def sor(path: Path) -> str:
        from medcomkit.sor import load_sor

        load_sor(path, format="sor-xml")
        return "loaded"

    surfaces: dict[str, Callable[[Path], str]] = {
        "validate": validate,
        "parse": parse,
        "convert": convert,
        "unwrap": unwrap,
        "archive": archive,
        "sor": sor,
    }
    chosen = surfaces[surface]

    def run(path: Path) -> str:
        try:
            return chosen(path)
        except MedcomkitError as error:
            return error.code

    return run


def main() -> None:
    """``python -c 'import hostile_xml; hostile_xml.main()' SURFACE WORKDIR FILE...``: one JSON line
    per file with the verdict and the seconds it took; an exception escaping is reported as such."""
    surface, work, *files = sys.argv[1:]
    run = _api(surface, Path(work))
    results = {}
    if files:  # the first call pays for lazy imports (pandas, fhir.resources); time the calls after it
        run(Path(files[0]))
    for name in files:
        start = time.perf_counter()
        try:
            verdict = run(Path(name))
        except Exception:  # the test asserts there is none; report it rather than stop
            verdict = "EXCEPTION " + traceback.format_exc(limit=3)
        results[name] = (verdict, time.perf_counter() - start)
    print(json.dumps(results))
