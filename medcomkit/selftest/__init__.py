"""The vendor self-test: MedCom's test protocols as a command.

Give it the messages a system produced for each test case, and it says, case by case, what MedCom
will look for and whether the messages show it — on top of full validation. Protocols:
``carecommunication-send``, ``carecommunication-receive`` (the Acknowledgements a system sent for
MedCom's receive examples) and ``xdis91`` (medcomkit's own, for OIOXML). Reports as text,
Markdown, self-contained HTML and JUnit XML.
"""

from __future__ import annotations

from .cases import PROTOCOLS, Case, Protocol, protocol_intro
from .files import manifest_template, read_manifest
from .inputs import InputFile, Inputs, find_reference, inputs_for, read_inputs, write_inputs
from .result import CaseResult, Outcome
from .run import CaseIssue, SelftestResult, run_selftest, write_manifest
from .writers import to_html, to_junit, to_markdown, to_text

Finding = CaseIssue  # the former name, kept so existing imports work

__all__ = [
    "PROTOCOLS",
    "Case",
    "CaseIssue",
    "CaseResult",
    "InputFile",
    "Inputs",
    "Outcome",
    "Protocol",
    "SelftestResult",
    "find_reference",
    "inputs_for",
    "manifest_template",
    "protocol_intro",
    "read_inputs",
    "read_manifest",
    "run_selftest",
    "to_html",
    "to_junit",
    "to_markdown",
    "to_text",
    "write_inputs",
    "write_manifest",
]
