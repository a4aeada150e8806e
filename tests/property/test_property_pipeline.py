"""Property tests of the whole static pipeline on generated knowledge bases.

Properties, on generated Markdown (Cyrillic and mixed scripts, nesting, long lines, stray markers,
front matter, random link targets, CRLF/BOM, damaged UTF-8):

- parse, tracker parse, rules, coverage and report build never raise;
- every finding's line and column lie inside its file;
- parsing is deterministic;
- findings and the report do not depend on the order files are discovered in;
- the JSON report validates against schema/report.schema.json.

The CI profile ("ci", fixed seed, 150 examples) runs in `nox -s tests`; `nox -s fuzz` runs more.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from unittest import mock

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from audit.config import LoadedConfig
from audit.model.config import Config
from audit.model.finding import Finding
from audit.model.report import ReportModel
from audit.model.source import Source
from audit.model.span import Span
from audit.parse.markdown import parse
from audit.pipeline import full_audit
from audit.report.build import build_report
from tests.property.strategies import PATHS, encoded, markdown, tracker_text

PROJECT = Path(__file__).parent.parent.parent
SCHEMA_FILE = PROJECT / "schema" / "report.schema.json"
SCHEMA = (
    json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    if SCHEMA_FILE.is_file()
    else ReportModel.model_json_schema()
)
CONFIG = Config()


def _source(path: str, data: bytes) -> Source:
    from audit.discover import digest_of

    return Source(path, path, data, digest_of(data))


@st.composite
def corpus(draw: st.DrawFn) -> dict[str, bytes]:
    """A few files at the paths the audit treats specially (materials, interview, tracker...)."""
    chosen = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=len(PATHS), unique=True))
    files = {}
    for path in chosen:
        if path.endswith("пробелы-в-покрытии.md"):
            files[path] = draw(encoded(tracker_text()))
        else:
            files[path] = draw(encoded())
    return files


def _lines(data: bytes) -> list[str]:
    """The file's lines as the parser counts them (UTF-8 with replacement, BOM dropped, CRLF/CR)."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines or [""]


def assert_span_inside(span: Span, files: dict[str, bytes], what: object) -> None:
    assert span.path in files, what
    lines = _lines(files[span.path])
    assert 1 <= span.line <= len(lines), (what, len(lines))
    assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (what, lines[span.line - 1][:200])


def assert_inside(findings: list[Finding], files: dict[str, bytes]) -> None:
    for finding in findings:
        assert_span_inside(finding.span, files, finding)


def run_audit(files: dict[str, bytes], order: list[str]) -> tuple[list[Finding], str]:
    """The real full_audit (no examples run), with discovery returning ``order``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = [_source(path, files[path]) for path in order]
        loaded = LoadedConfig(CONFIG, root, None)
        with mock.patch("audit.pipeline.discover", return_value=sources):
            audit = full_audit(loaded, jobs=1, execute=False, use_cache=False)
        report = build_report(audit).model_dump_json()
    return audit.findings, report


def _key(f: Finding) -> tuple[str, str, int, int, str, str]:
    return (f.code, f.span.path, f.span.line, f.span.column, f.severity.value, f.message)


@given(encoded())
def test_property_parse_never_raises_and_spans_lie_inside_the_file(data: bytes) -> None:
    path = "content/llm/материалы.md"
    doc = parse(_source(path, data), CONFIG)
    files = {path: data}
    assert_inside(doc.findings, files)
    for element in [*doc.links, *doc.headings, *doc.code_blocks, *doc.task_mentions]:
        assert_span_inside(element.span, files, element)
    for heading in doc.headings:
        assert heading.span.line <= heading.end_line <= len(_lines(data))


@given(encoded())
def test_property_parsing_is_deterministic(data: bytes) -> None:
    path = "content/tasks/llm_001_rag_pipeline.md"
    first = parse(_source(path, data), CONFIG)
    second = parse(_source(path, data), CONFIG)
    assert first == second


@given(corpus(), st.randoms(use_true_random=False))
def test_property_pipeline_never_raises_and_is_order_independent(
    files: dict[str, bytes], rnd: random.Random
) -> None:
    order = sorted(files)
    shuffled = list(order)
    rnd.shuffle(shuffled)
    findings, report = run_audit(files, order)
    assert_inside(findings, files)
    jsonschema.validate(json.loads(report), SCHEMA)
    findings_shuffled, report_shuffled = run_audit(files, shuffled)
    assert sorted(map(_key, findings)) == sorted(map(_key, findings_shuffled))
    assert report == report_shuffled


@given(markdown())
def test_property_markdown_text_never_raises(text: str) -> None:
    """Plain generated text (no byte damage) through the parser with every document kind."""
    for path in PATHS:
        doc = parse(_source(path, text.encode("utf-8", "surrogatepass")), CONFIG)
        assert doc.path == path
