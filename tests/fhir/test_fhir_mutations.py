"""Targeted mutations of valid MedCom FHIR examples are reported under the rule that names the cause.

The catalogue (``fhir_mutants.py``) is checked for coverage against two lists: every invariant id and
every required binding that ``spec/fhir.md`` lists must be exercised by a mutant, and every FHIR rule
medcomkit registers must be produced by some test (the catalogue, or the byte-level cases here).
Run with ``-s`` to see each mutant's verdict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fhir_mutants import CATALOGUE, FhirMutant
from fhir_support import require_fhir_reference
from support import REFERENCE

import medcomkit
from medcomkit import Rule, Severity, validate_bytes
from medcomkit.fhir import rules as r
from medcomkit.fhir.check_carecommunication import message as care_communication_checks
from medcomkit.fhir.index import MessageIndex
from medcomkit.fhir.validate import validate_fhir

pytestmark = pytest.mark.reference

SPEC = REFERENCE.parent / "spec" / "fhir.md"
# Invariants fhir.md names that are not part of any message medcomkit validates, or were retired.
NOT_IN_PLAY = {
    "NoSpacesRule": "MessageDefinition profile: MessageDefinitions are published by MedCom, never sent",
}
# Rules no input is meant to reach (they report medcomkit's own failures).
UNREACHABLE = {
    "fhir.check-failed": "the safety net for a bug in a check",
    "fhir.model-failed": "the safety net for an exception inside fhir.resources (not a validation error)",
}


def _spec() -> str:
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is missing")
    return SPEC.read_text(encoding="utf-8")


def spec_invariant_ids(text: str) -> set[str]:
    """The invariant ids fhir.md lists: full ids, '**-N**' shorthands after a full id, and named ones."""
    found: set[str] = set()
    prefix = ""
    for match in re.finditer(
        r"(medcom-(?:messaging|careCommunication|acknowledgement)-)(\d+)|\*\*-(\d+)\*\*", text
    ):
        if match.group(1):
            prefix = match.group(1)
            found.add(match.group(1) + match.group(2))
        elif prefix:
            found.add(prefix + match.group(3))
    found |= set(re.findall(r"invariants? (?:\*\*|`)([A-Za-z0-9-]+)(?:\*\*|`)", text))
    found |= set(re.findall(r"`([a-z0-9-]+)`: `?(?:matches|same date|7th)", text))
    found |= set(re.findall(r"\*\*(medcom-[a-z]+-[a-z-]+url|medcom-uuidv4)\*\*", text))
    found |= set(re.findall(r"`(gln-[a-z0-9-]+)`", text))
    found |= set(re.findall(r"\b(NoSpacesRule)\b", text))
    return found


def spec_required_bindings(text: str) -> set[str]:
    """The value sets fhir.md lists with a required binding (last URL segment, without version)."""
    names = re.findall(
        r"binding (?:\*\*)?required(?:\*\*)? `?(?:https?://[^\s`]*/)?([A-Za-z][A-Za-z0-9-]+)", text
    )
    names += re.findall(r"required binding `https?://[^\s`]*/([A-Za-z][A-Za-z0-9-]+)`", text)
    names += re.findall(r"from ValueSet (DkCore[A-Za-z]+)", text)
    return set(names)


def _issues(mutant: FhirMutant) -> tuple[str, set[str], set[str]]:
    kind, issues = validate_fhir(json.dumps(mutant.bundle()).encode())
    for issue in issues:  # every message renders in both languages (no missing template parameter)
        assert issue.message("da")
        assert issue.message("en")
        assert "{" not in issue.message("en").replace("{}", ""), issue.message("en")
    return kind.value, {i.rule for i in issues}, {i.rule for i in issues if i.severity is Severity.ERROR}


@pytest.mark.parametrize("mutant", CATALOGUE, ids=[m.name for m in CATALOGUE])
def test_mutant_is_reported_by_the_rule_naming_the_cause(mutant: FhirMutant) -> None:
    require_fhir_reference()
    kind, rules, _ = _issues(mutant)
    print(f"{mutant.name:55} {kind:18} expected {sorted(mutant.expected)} got {sorted(rules)}")
    assert mutant.expected <= rules, (
        f"{mutant.name}: missing {sorted(mutant.expected - rules)}; got {sorted(rules)}"
    )


def test_every_invariant_and_required_binding_of_the_spec_has_a_rule_and_a_mutant() -> None:
    require_fhir_reference()
    text = _spec()
    registered = {rule.id for rule in medcomkit.rules()}
    invariants = spec_invariant_ids(text) - set(NOT_IN_PLAY)
    expected_invariants = {
        "medcom-messaging-1", "medcom-messaging-2", "medcom-messaging-3", "medcom-careCommunication-1",
        "medcom-careCommunication-2", "medcom-careCommunication-3", "medcom-careCommunication-4",
        "medcom-careCommunication-5", "medcom-careCommunication-6", "medcom-careCommunication-7",
        "medcom-careCommunication-8", "medcom-careCommunication-9", "medcom-careCommunication-11",
        "medcom-careCommunication-12", "medcom-careCommunication-13", "medcom-careCommunication-15",
        "medcom-carecommunication-definition-url", "medcom-acknowledgement-1", "medcom-acknowledgement-2",
        "medcom-uuidv4", "medcom-core-contact", "cpr", "x-ecpr", "d-ecpr", "min-digits-sor", "gln-length",
        "gln-modulus-10", "uuidv5", "dk-core-organization-mandatory-identifier",
        "marital-status-unknown-usage",
    }  # fmt: skip
    assert invariants == expected_invariants, "fhir.md's invariant list changed: update the catalogue"
    missing = invariants - registered
    assert not missing, f"invariants without a rule of the same id: {sorted(missing)}"
    mutated = {rule for m in CATALOGUE for rule in m.expected}
    assert not invariants - mutated, f"invariants no mutant exercises: {sorted(invariants - mutated)}"

    bindings = spec_required_bindings(text)
    by_name = {url.rpartition("/")[2]: rule for url, rule in r.BINDINGS.items()}
    assert bindings <= set(by_name), f"required bindings without a rule: {sorted(bindings - set(by_name))}"
    assert len(bindings) >= 9, bindings
    unexercised = {name for name in bindings if by_name[name].id not in mutated}
    assert not unexercised, f"required bindings no mutant exercises: {sorted(unexercised)}"
    print(
        f"\n{len(invariants)} invariants and {len(bindings)} required bindings, each with a rule and a mutant"
    )


# --- cases the dict catalogue cannot express --------------------------------------------------------


def _byte_cases() -> Iterator[tuple[str, bytes, str]]:
    bundle = '{"resourceType": "Bundle", "type": "message"}'
    yield "invalid JSON", b'{"resourceType": "Bundle", ', "fhir.json-syntax"
    yield "JSON that is no resource", b'{"hello": "world"}', "fhir.not-a-resource"
    yield "a Patient", b'{"resourceType": "Patient", "id": "p"}', "fhir.not-a-message"
    yield "a document Bundle", b'{"resourceType": "Bundle", "type": "document"}', "fhir.not-a-message"
    yield "duplicate key", bundle[:-1].encode() + b', "type": "message"}', "fhir.json-duplicate-key"
    yield (
        "nested too deep",
        b'{"resourceType": "Bundle", "meta": ' + b'{"extension": [' * 80 + b"]}" * 80 + b"}",
        ("fhir.too-deep"),
    )
    header = {
        "resourceType": "MessageHeader",
        "id": "h",
        "eventCoding": {"code": "hospital-notification-message"},
    }
    other = {"resourceType": "Bundle", "type": "message", "entry": [{"resource": header}]}
    yield "HospitalNotification", json.dumps(other).encode(), "fhir.message-not-supported"
    header["eventCoding"] = {"code": "empty-message"}
    yield "empty-message", json.dumps(other).encode(), "fhir.message-generic"
    ns = 'xmlns="http://hl7.org/fhir"'
    yield (
        "XML repeated element",
        f'<Bundle {ns}><type value="message"/><type value="x"/></Bundle>'.encode(),
        ("fhir.xml-repeated"),
    )
    yield "XML text", f'<Bundle {ns}><type value="message"/>stray text</Bundle>'.encode(), "fhir.xml-text"


@pytest.mark.parametrize(("name", "data", "rule"), list(_byte_cases()), ids=[c[0] for c in _byte_cases()])
def test_byte_level_case(name: str, data: bytes, rule: str) -> None:
    report = validate_bytes(data)
    for issue in report.issues:
        assert issue.message("da")
        assert issue.message("en")
    print(f"{name:30} {report.kind.value:12} {sorted(report.rules())}")
    assert rule in report.rules()


def test_message_over_100_mb_is_an_error() -> None:
    root = require_fhir_reference()
    example = (
        root / "ig/medcom-carecommunication-5.0.2/examples/Bundle-add5e7e2-0c0f-4a4a-bfff-f6f984fa7e3c.json"
    )
    index = MessageIndex(json.loads(example.read_text(encoding="utf-8")))
    found = {f.rule.id for f in care_communication_checks(index, 100 * 1024 * 1024 + 1)}
    assert "cc.message-size" in found
    assert "cc.message-size" not in {f.rule.id for f in care_communication_checks(index, 1024)}


def test_every_fhir_rule_is_produced_by_some_test() -> None:
    require_fhir_reference()
    fhir_rules = {v.id for v in vars(r).values() if isinstance(v, Rule)}
    produced = {rule for m in CATALOGUE for rule in m.expected}
    produced |= {rule for _, _, rule in _byte_cases()} | {"cc.message-size"}
    unproduced = fhir_rules - produced - set(UNREACHABLE)
    assert not unproduced, f"rules no test produces: {sorted(unproduced)}"


def test_report_lists_fhir_rules() -> None:
    ids = {rule.id for rule in medcomkit.rules()}
    assert {"medcom-careCommunication-5", "cpr", "binding.medcom-core-attachmentMimeTypes"} <= ids
