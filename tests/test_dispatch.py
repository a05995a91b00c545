"""Adding a codec is one package and one table row: a toy codec, added to a copy of the table,
is routed to by parse, validate and validate_many with no other change; the dispatcher itself
names no format, and no codec imports it."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import pytest

import medcomkit
import medcomkit.codecs
import medcomkit.oioxml.codec
from medcomkit import dispatch
from medcomkit.codecs import Codec, CrossFileCheck, Probe
from medcomkit.core.kinds import Kind
from medcomkit.core.lang import Bilingual
from medcomkit.core.report import Issue, IssueType, Report, Severity
from medcomkit.core.rules import Rule
from medcomkit.core.xml import parse_xml
from medcomkit.demo import write_demo_km
from medcomkit.model.messages import Message

PACKAGE = Path(medcomkit.__file__).parent

# --- a toy codec: one line "TOY1;<receipt kind>;<text>", built in this test only ------------------------

# Made directly, not registered: the toy's rules must not join the real catalogue.
EMPTY = Rule("toy.text-empty", Severity.ERROR, Bilingual("Teksten er tom.", "The text is empty."))
SEEN = Rule(
    "toy.batch",
    Severity.INFORMATION,
    Bilingual("{count} toy-filer i alt.", "{count} toy files in all."),
    IssueType.INFORMATIONAL,
)


@dataclass(frozen=True)
class ToyMessage:
    kind: str
    text: str


def _fields(probe: Probe) -> list[str]:
    return probe.data.decode("utf-8-sig").strip().split(";")


def _sniff(probe: Probe) -> Kind | None:
    return Kind(probe.head[5:10].decode("ascii")) if probe.head.startswith(b"TOY1;") else None


def _validate(probe: Probe) -> tuple[Kind, list[Issue]]:
    _, kind, text = _fields(probe)
    return Kind(kind), [] if text else [EMPTY.issue("/text", 1)]


def _read(probe: Probe) -> list[Message]:
    _, kind, text = _fields(probe)
    return [cast("Message", ToyMessage(kind, text))]


def _build(message: Message) -> bytes:
    toy = cast("ToyMessage", message)
    return f"TOY1;{toy.kind};{toy.text}".encode("ascii")


def _facts(probe: Probe, report: Report) -> str:
    return report.kind.value


def _link(reports: list[Report], facts: Sequence[Any]) -> list[Report]:
    count = sum(fact is not None for fact in facts)
    return [
        replace(r, issues=(*r.issues, SEEN.issue(None, None, count=count))) if fact is not None else r
        for r, fact in zip(reports, facts, strict=True)
    ]


TOY = Codec(
    name="toy",
    kinds=frozenset({Kind.CTL01, Kind.CTL02}),
    sniff=_sniff,
    validate=_validate,
    read=_read,
    build=_build,
    pairing=CrossFileCheck(_facts, _link),
)


@pytest.fixture
def with_toy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one change a new codec needs: a row in the table."""
    monkeypatch.setattr(dispatch, "CODECS", (*dispatch.CODECS, TOY))


def test_without_its_row_the_toy_format_is_unknown() -> None:
    report = medcomkit.validate(b"TOY1;CTL01;hello")
    assert report.kind is Kind.UNKNOWN
    assert report.rules() == {"xml.not-xml"}
    with pytest.raises(medcomkit.ParseError):
        medcomkit.parse(b"TOY1;CTL01;hello")


@pytest.mark.usefixtures("with_toy")
def test_parse_and_validate_route_to_a_codec_added_as_one_row() -> None:
    assert medcomkit.validate(b"TOY1;CTL02;hello") == Report(Kind.CTL02, ())
    assert medcomkit.validate(b"\xef\xbb\xbf\n TOY1;CTL01;").rules() == {"toy.text-empty"}
    assert cast(object, medcomkit.parse(b"TOY1;CTL01;hello")) == ToyMessage("CTL01", "hello")
    assert dispatch.sniff(b"TOY1;CTL02;x") is Kind.CTL02
    assert TOY in dispatch.codecs()
    built = TOY.build(cast("Message", ToyMessage("CTL01", "again"))) if TOY.build else b""
    assert cast(object, medcomkit.parse(built)) == ToyMessage("CTL01", "again")


@pytest.mark.usefixtures("with_toy")
def test_the_codecs_before_it_in_the_table_keep_their_inputs(tmp_path: Path) -> None:
    paths = {p.name: p for p in write_demo_km(tmp_path)}
    assert medcomkit.validate(paths["km-xdis91.xml"]).kind is Kind.XDIS91
    assert medcomkit.validate(b"<nothing/>").rules() == {"validate.kind-unknown"}


@pytest.mark.usefixtures("with_toy")
@pytest.mark.parametrize("jobs", [1, 2])
def test_validate_many_routes_to_it_and_runs_its_checks_across_files(tmp_path: Path, jobs: int) -> None:
    sources: list[str | bytes] = []
    for number in range(4):
        path = tmp_path / f"toy{number}.txt"
        path.write_bytes(f"TOY1;CTL01;letter {number}".encode("ascii"))
        sources += [str(path), b"TOY1;CTL02;" if number == 2 else b"TOY1;CTL02;ok"]
    reports = medcomkit.validate_many(sources, jobs=jobs)
    assert [r.kind for r in reports] == [Kind.CTL01, Kind.CTL02] * 4
    assert [r.path for r in reports[::2]] == sources[::2]
    assert all("toy.batch" in r.rules() for r in reports)
    assert {i.params for r in reports for i in r.issues if i.rule == "toy.batch"} == {(("count", 8),)}
    assert reports[5].rules() == {"toy.text-empty", "toy.batch"}


# --- validate_many as a Python caller meets it --------------------------------------------------------


def test_validate_many_pairs_letters_with_binaries_and_keeps_input_order(tmp_path: Path) -> None:
    paths = {p.name: p for p in write_demo_km(tmp_path)}
    binary = paths["km-xbin01.xml"].read_bytes()
    changed = binary.replace(b"<ObjectCode>vektor_grafik", b"<ObjectCode>billede")
    sources: list[bytes | Path] = [changed, paths["km-xdis91.xml"]]
    reports = medcomkit.validate_many(sources)
    assert [r.kind for r in reports] == [Kind.XBIN01, Kind.XDIS91]
    assert "oioxml.attachment-mismatch" in reports[1].rules()
    unpaired = medcomkit.validate_many(sources, pairing=False)
    assert "oioxml.attachment-mismatch" not in unpaired[1].rules()
    assert unpaired[1] == medcomkit.validate(paths["km-xdis91.xml"])


def test_validate_many_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairing reads the letter and the binary from the trees their validation parsed."""
    paths = {p.name: p for p in write_demo_km(tmp_path)}
    parsed: list[int] = []
    original = parse_xml

    def counting(data: bytes, **options: Any) -> Any:
        parsed.append(len(data))
        return original(data, **options)

    monkeypatch.setattr(medcomkit.codecs, "parse_xml", counting)
    monkeypatch.setattr(medcomkit.oioxml.codec, "parse_xml", counting)
    reports = medcomkit.validate_many([paths["km-xdis91.xml"], paths["km-xbin01.xml"]], jobs=1)
    assert [r.kind for r in reports] == [Kind.XDIS91, Kind.XBIN01]
    assert len(parsed) == 2


def test_validate_many_raises_or_reports_a_source_it_cannot_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.xml")
    with pytest.raises(medcomkit.SourceError):
        medcomkit.validate_many([b"<nothing/>", missing])
    failed: list[tuple[str | None, str]] = []
    reports = medcomkit.validate_many(
        [b"<nothing/>", missing], on_error=lambda name, error: failed.append((name, error.code))
    )
    assert [r.kind for r in reports] == [Kind.UNKNOWN]
    assert failed == [(missing, "source.unreadable")]


# --- the shape of the code: no format in the dispatcher, no dispatcher in a codec -----------------------

CODEC_PACKAGES = ("oioxml", "fhir", "edifact", "vans")


def test_the_dispatcher_has_no_per_format_branch() -> None:
    """dispatch.py's code names no kind but UNKNOWN, no format and no codec outside the table
    (its docstrings may: they say what the table holds)."""
    tree = ast.parse((PACKAGE / "dispatch.py").read_text(encoding="utf-8"))
    docstrings = {
        id(holder.body[0].value)
        for holder in ast.walk(tree)
        if isinstance(holder, ast.Module | ast.FunctionDef | ast.ClassDef)
        and holder.body
        and isinstance(holder.body[0], ast.Expr)
    }
    table = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "CODECS"
    )
    allowed = docstrings | {id(node) for node in ast.walk(table)}
    formats = (*CODEC_PACKAGES, "xdis91", "xbin01", "emessage", "envelope", "json", "una", "unb", "<")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Kind":
            assert node.attr == "UNKNOWN", f"dispatch.py names Kind.{node.attr} (line {node.lineno})"
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes) and id(node) not in allowed:
            text = node.value.lower() if isinstance(node.value, str) else node.value.decode("latin-1").lower()
            named = [word for word in formats if word in text]
            assert not named, f"dispatch.py line {node.lineno} names {named}"
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] not in CODEC_PACKAGES, f"dispatch.py imports {node.module}"


@pytest.mark.parametrize("package", CODEC_PACKAGES)
def test_no_codec_imports_the_dispatcher(package: str) -> None:
    for path in sorted((PACKAGE / package).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                assert node.module.split(".")[0] != "dispatch", f"{path.name} imports the dispatcher"


@pytest.mark.parametrize("package", CODEC_PACKAGES)
def test_every_codec_has_the_one_shape(package: str) -> None:
    codec = __import__(f"medcomkit.{package}.codec", fromlist=["CODEC"]).CODEC
    assert isinstance(codec, Codec)
    assert codec.name == package
    assert codec.kinds
    assert codec in dispatch.codecs()
