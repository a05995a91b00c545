"""The self-test report as text (for the terminal), Markdown, HTML and JUnit XML.

The HTML page is self-contained — its style is inline, it loads nothing — so it opens from a USB
stick or a CI artefact with no network. JUnit XML has one testcase per protocol case: a failure
names the fault, a case without a message is skipped, so a vendor's CI shows the self-test like
its own tests. CPR numbers in findings are masked.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..core.lang import Bilingual, Lang
from ..core.report import Severity
from .cases import protocol_intro
from .result import CaseIssue, CaseResult, Outcome

if TYPE_CHECKING:
    from .run import SelftestResult  # only named in annotations: the runner imports the writers

__all__ = ["to_html", "to_junit", "to_markdown", "to_text"]

_PACKAGE = "medcomkit"

_OUTCOME = {
    Outcome.PASSED: Bilingual("bestået", "passed"),
    Outcome.FAILED: Bilingual("fejlet", "failed"),
    Outcome.MISSING: Bilingual("ingen meddelelse", "no message"),
}
_SEVERITY = {
    Severity.ERROR: Bilingual("FEJL", "ERROR"),
    Severity.WARNING: Bilingual("ADVARSEL", "WARNING"),
    Severity.INFORMATION: Bilingual("INFO", "INFO"),
}
_T = {
    "title": Bilingual("Selvtest", "Self-test"),
    "folder": Bilingual("Mappe", "Folder"),
    "manifest": Bilingual("Manifest", "Manifest"),
    "naming": Bilingual("sagens id i filnavnet", "the case id in the file name"),
    "matched": Bilingual("Filer fundet via", "Files matched by"),
    "inputs": Bilingual("Inddata", "Inputs"),
    "case": Bilingual("Sag", "Case"),
    "case_title": Bilingual("Titel", "Title"),
    "result": Bilingual("Resultat", "Result"),
    "files": Bilingual("Filer", "Files"),
    "answered": Bilingual("Besvaret/modtaget meddelelse", "Answered/received message"),
    "looks_for": Bilingual("Det ser MedCom efter", "What MedCom looks for"),
    "reading": Bilingual("Bemærkning", "Note"),
    "findings": Bilingual("Fund", "Findings"),
    "no_findings": Bilingual("Ingen fund.", "No findings."),
    "missing": Bilingual("Sager uden meddelelse", "Cases without a message"),
    "unmatched": Bilingual("Filer, der ikke hører til en sag", "Files not matched to a case"),
    "optional": Bilingual("valgfri", "optional"),
    "none": Bilingual("ingen", "none"),
}


def _t(key: str, lang: Lang) -> str:
    return _T[key].get(lang)


def _summary(result: SelftestResult, lang: Lang) -> str:
    passed, failed, missing = len(result.succeeded), len(result.failed), len(result.missing)
    if lang == "da":
        return f"{len(result.results)} sager: {passed} bestået, {failed} fejlet, {missing} uden meddelelse"
    return f"{len(result.results)} cases: {passed} passed, {failed} failed, {missing} without a message"


def _finding(finding: CaseIssue, lang: Lang) -> str:
    where = f" ({finding.file})" if finding.file else ""
    label = _SEVERITY[finding.issue.severity].get(lang)
    return f"{label} [{finding.issue.rule}]{where} {finding.issue.message(lang)}"


def _matched_by(result: SelftestResult, lang: Lang) -> str:
    return f"{_t('manifest', lang).lower()} {result.manifest}" if result.manifest else _t("naming", lang)


def _worst_first(findings: Iterable[CaseIssue]) -> list[CaseIssue]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFORMATION: 2}
    return sorted(findings, key=lambda f: order[f.issue.severity])


# --- text --------------------------------------------------------------------------------------------


def to_text(result: SelftestResult, lang: Lang = "da") -> str:
    """A short report for the terminal: one line per case, the errors of failed cases under it."""
    lines = [
        f"medcomkit {_t('title', lang).lower()} — {result.protocol.value} ({_t('folder', lang).lower()}: "
        f"{result.folder})"
    ]
    width = max(len(c.case.id) for c in result.results)
    for case in result.results:
        label = _OUTCOME[case.outcome].get(lang).upper()
        lines.append(f"  {label:17} {case.case.id:{width}}  {case.case.title.get(lang)}")
        if case.outcome is Outcome.FAILED:
            lines.extend(f"      {_finding(f, lang)}" for f in case.errors)
    if result.unmatched:
        lines.append(f"{_t('unmatched', lang)}: {', '.join(result.unmatched)}")
    lines.append(_summary(result, lang))
    return "\n".join(lines)


# --- Markdown ----------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code_list(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def to_markdown(result: SelftestResult, lang: Lang = "da") -> str:
    out = [
        f"# {_t('title', lang)}: {result.protocol.value}",
        "",
        protocol_intro(result.protocol).get(lang),
        "",
        f"- {_t('folder', lang)}: `{result.folder}`",
        f"- {_t('matched', lang)}: {_matched_by(result, lang)}",
    ]
    if result.inputs is not None:
        out.append(f"- {_t('inputs', lang)}: {result.inputs.get(lang)}")
    out += [f"- **{_summary(result, lang)}**", ""]
    out += [
        f"| {_t('case', lang)} | {_t('case_title', lang)} | {_t('result', lang)} | {_t('files', lang)} |",
        "|---|---|---|---|",
    ]
    for case in result.results:
        out.append(
            f"| [{case.case.id}](#{_anchor(case)}) | {_cell(case.case.title.get(lang))} | "
            f"{_OUTCOME[case.outcome].get(lang)} | {_cell(_code_list(case.files)) or '–'} |"
        )
    if result.missing:
        out += ["", f"## {_t('missing', lang)}", ""]
        out += [f"- {c.case.id} — {c.case.title.get(lang)}" for c in result.missing]
    if result.unmatched:
        out += ["", f"## {_t('unmatched', lang)}", "", _code_list(result.unmatched)]
    for case in result.results:
        out += ["", f'<a id="{_anchor(case)}"></a>', f"## {case.case.id} — {case.case.title.get(lang)}", ""]
        optional = f" ({_t('optional', lang)})" if case.case.optional else ""
        out.append(f"**{_t('result', lang)}:** {_OUTCOME[case.outcome].get(lang)}{optional}")
        out += ["", f"**{_t('looks_for', lang)}:** {case.case.looks_for.get(lang)}"]
        if case.case.reading is not None:
            out += ["", f"**{_t('reading', lang)}:** {case.case.reading.get(lang)}"]
        out += ["", f"**{_t('files', lang)}:** {_code_list(case.files) or _t('none', lang)}"]
        if case.answered:
            out += ["", f"**{_t('answered', lang)}:** {_code_list(case.answered)}"]
        out += ["", f"**{_t('findings', lang)}:**", ""]
        findings = _worst_first(case.findings)
        out += [f"- {_finding(f, lang)}" for f in findings] or [_t("no_findings", lang)]
    return "\n".join(out) + "\n"


def _anchor(case: CaseResult) -> str:
    return f"case-{case.case.id.lower()}"


# --- HTML --------------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;
vertical-align:top}th{background:#f3f5f7}
.passed{color:#0b6b2e;font-weight:600}.failed{color:#b3261e;font-weight:600}.missing{color:#6b6f76}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;font-size:.85rem}
.badge.passed{background:#dff3e4}.badge.failed{background:#fbe0de}.badge.missing{background:#eceef1}
li.error{color:#b3261e}li.warning{color:#8a5a00}li.information{color:#3d4d5c}
code{background:#f3f5f7;padding:0 .2rem;border-radius:.2rem}.summary{font-weight:600}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_codes(names: Iterable[str]) -> str:
    return ", ".join(f"<code>{_h(n)}</code>" for n in names)


def to_html(result: SelftestResult, lang: Lang = "da") -> str:
    """A self-contained HTML page (well-formed XHTML syntax, inline style, no scripts)."""
    title = f"{_t('title', lang)}: {result.protocol.value}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}" xmlns="http://www.w3.org/1999/xhtml">',
        '<head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{_h(title)}</title><style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{_h(title)}</h1>",
        f"<p>{_h(protocol_intro(result.protocol).get(lang))}</p>",
        "<ul>",
        f"<li>{_h(_t('folder', lang))}: <code>{_h(result.folder)}</code></li>",
        f"<li>{_h(_t('matched', lang))}: {_h(_matched_by(result, lang))}</li>",
    ]
    if result.inputs is not None:
        parts.append(f"<li>{_h(_t('inputs', lang))}: {_h(result.inputs.get(lang))}</li>")
    parts += [
        "</ul>",
        f'<p class="summary">{_h(_summary(result, lang))}</p>',
        "<table><thead><tr>",
        "".join(f"<th>{_h(_t(key, lang))}</th>" for key in ("case", "case_title", "result", "files")),
        "</tr></thead><tbody>",
    ]
    for case in result.results:
        outcome = case.outcome.value
        parts.append(
            f'<tr><td><a href="#{_anchor(case)}">{_h(case.case.id)}</a></td>'
            f"<td>{_h(case.case.title.get(lang))}</td>"
            f'<td><span class="badge {outcome}">{_h(_OUTCOME[case.outcome].get(lang))}</span></td>'
            f"<td>{_html_codes(case.files) or '–'}</td></tr>"
        )
    parts.append("</tbody></table>")
    if result.missing:
        parts.append(f"<h2>{_h(_t('missing', lang))}</h2><ul>")
        parts += [f"<li>{_h(c.case.id)} — {_h(c.case.title.get(lang))}</li>" for c in result.missing]
        parts.append("</ul>")
    if result.unmatched:
        parts.append(f"<h2>{_h(_t('unmatched', lang))}</h2><p>{_html_codes(result.unmatched)}</p>")
    for case in result.results:
        optional = f" ({_h(_t('optional', lang))})" if case.case.optional else ""
        parts += [
            f'<section id="{_anchor(case)}">',
            f"<h2>{_h(case.case.id)} — {_h(case.case.title.get(lang))}</h2>",
            f'<p>{_h(_t("result", lang))}: <span class="{case.outcome.value}">'
            f"{_h(_OUTCOME[case.outcome].get(lang))}</span>{optional}</p>",
            f"<p><strong>{_h(_t('looks_for', lang))}:</strong> {_h(case.case.looks_for.get(lang))}</p>",
        ]
        if case.case.reading is not None:
            parts.append(
                f"<p><strong>{_h(_t('reading', lang))}:</strong> {_h(case.case.reading.get(lang))}</p>"
            )
        files = _html_codes(case.files) or _h(_t("none", lang))
        parts.append(f"<p><strong>{_h(_t('files', lang))}:</strong> {files}</p>")
        if case.answered:
            parts.append(f"<p><strong>{_h(_t('answered', lang))}:</strong> {_html_codes(case.answered)}</p>")
        findings = _worst_first(case.findings)
        if findings:
            parts.append("<ul>")
            parts += [f'<li class="{f.issue.severity.value}">{_h(_finding(f, lang))}</li>' for f in findings]
            parts.append("</ul>")
        else:
            parts.append(f"<p>{_h(_t('no_findings', lang))}</p>")
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


# --- JUnit XML ---------------------------------------------------------------------------------------


def to_junit(result: SelftestResult, lang: Lang = "da") -> str:
    """JUnit XML: a testsuite for the protocol, a testcase per case (failure, skipped or passed)."""
    suite_name = f"{_PACKAGE} selftest {result.protocol.value}"
    suites = ET.Element(
        "testsuites",
        name=suite_name,
        tests=str(len(result.results)),
        failures=str(len(result.failed)),
        errors="0",
        skipped=str(len(result.missing)),
        time="0",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=suite_name,
        tests=str(len(result.results)),
        failures=str(len(result.failed)),
        errors="0",
        skipped=str(len(result.missing)),
        time="0",
    )
    for case in result.results:
        element = ET.SubElement(
            suite,
            "testcase",
            classname=f"{_PACKAGE}.selftest.{result.protocol.value}",
            name=f"{case.case.id} {case.case.title.get(lang)}",
            time="0",
        )
        if case.outcome is Outcome.FAILED:
            first = case.errors[0]
            failure = ET.SubElement(element, "failure", message=_finding(first, lang), type=first.issue.rule)
            failure.text = "\n".join(_finding(f, lang) for f in case.errors)
        elif case.outcome is Outcome.MISSING:
            notes = [f.issue.message(lang) for f in case.findings]
            ET.SubElement(element, "skipped", message=notes[0] if notes else _OUTCOME[case.outcome].get(lang))
        others = [f for f in _worst_first(case.findings) if f.issue.severity is not Severity.ERROR]
        if others:
            ET.SubElement(element, "system-out").text = "\n".join(_finding(f, lang) for f in others)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
