"""``check --format json`` is built one diagnostic at a time (``render_json``); the document
must be the one ``json.dumps(payload, indent=2)`` writes, character for character."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from audit import __version__
from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.report.diagnostics import SCHEMA_VERSION, counts, finding_dict, render_json


def whole_document(findings: list[Finding], files: int) -> str:
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "content-audit", "version": __version__},
        "files_checked": files,
        "summary": counts(findings),
        "diagnostics": [finding_dict(f) for f in findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# messages and hints with what JSON escapes: quotes, backslashes, newlines, tabs, Cyrillic,
# control characters and lone surrogates' neighbours
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
findings = st.builds(
    Finding,
    code=st.sampled_from(["XR001", "QA002", "EX001"]),
    severity=st.sampled_from(list(Severity)),
    span=st.builds(
        Span,
        path=texts,
        line=st.integers(1, 10_000),
        column=st.integers(1, 200),
    ),
    message=texts,
    hint=texts,
)


@given(st.lists(findings, max_size=6), st.integers(0, 50_000))
def test_the_json_is_the_whole_document_dump(found: list[Finding], files: int) -> None:
    assert render_json(found, files) == whole_document(found, files)


def test_a_run_without_findings_has_an_empty_list() -> None:
    text = render_json([], 3)
    assert text == whole_document([], 3)
    assert json.loads(text)["diagnostics"] == []


def test_a_message_with_a_newline_stays_one_json_string() -> None:
    found = [Finding("XR001", Severity.ERROR, Span("a.md", 2), 'two\nlines "quoted"', "ё\\")]
    assert json.loads(render_json(found, 1))["diagnostics"][0]["message"] == 'two\nlines "quoted"'
    assert render_json(found, 1) == whole_document(found, 1)
