"""Property tests of the whole static pipeline on generated knowledge bases.

Properties, on generated Markdown (Cyrillic and mixed scripts, nesting, long lines, stray markers,
front matter, random link targets, CRLF/BOM, damaged UTF-8):

- parse, tracker parse, rules, coverage and report build never raise;
- every finding's line and column lie inside its file;
- parsing is deterministic (no state kept between parses, no dependence on the hash seed);
- findings and the report do not depend on the order files are discovered in;
- the JSON report validates against schema/report.schema.json.

The CI profile ("ci", fixed seed, 150 examples) runs in `nox -s tests`; `nox -s fuzz` runs more.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from unittest import mock

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.config import LoadedConfig
from audit.model.config import Config
from audit.model.finding import Finding
from audit.model.problem import Problem
from audit.model.report import ReportModel
from audit.model.source import Source
from audit.model.span import Span
from audit.parse.markdown import parse
from audit.pipeline import full_audit
from audit.report.build import build_report
from audit.rules import REGISTRY
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


def assert_inside(findings: Sequence[Finding | Problem], files: dict[str, bytes]) -> None:
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
    assert_inside(doc.problems, files)
    for element in [*doc.links, *doc.headings, *doc.code_blocks, *doc.task_mentions]:
        assert_span_inside(element.span, files, element)
    for heading in doc.headings:
        assert heading.span.line <= heading.end_line <= len(_lines(data))


def canonical(value: object) -> object:
    """A Document (or part of it) as plain JSON data, sets sorted: comparable across processes
    whose hash seeds differ (a set's repr follows the seed, its contents must not)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


DETERMINISM_PATH = "content/tasks/llm_001_rag_pipeline.md"
PARSE_IN_A_FRESH_PROCESS = f"""
import base64, json, sys
sys.path.insert(0, {str(PROJECT)!r})
from audit.model.config import Config
from audit.parse.markdown import parse
from tests.property.test_property_pipeline import _source, canonical
out = []
for blob in json.load(sys.stdin):
    out.append(canonical(parse(_source({DETERMINISM_PATH!r}, base64.b64decode(blob)), Config())))
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


@given(encoded(), encoded())
def test_property_parsing_is_deterministic(data: bytes, other: bytes) -> None:
    """The same bytes give the same Document, also after another file was parsed in between
    (no state kept from one parse to the next) and from a copy of the bytes."""
    first = parse(_source(DETERMINISM_PATH, data), CONFIG)
    parse(_source(DETERMINISM_PATH, other), CONFIG)
    second = parse(_source(DETERMINISM_PATH, bytes(bytearray(data))), CONFIG)
    assert first == second
    assert canonical(first) == canonical(second)


@settings(max_examples=5)  # each example starts two interpreters
@given(st.lists(encoded(), min_size=1, max_size=6))
def test_property_parsing_does_not_depend_on_the_hash_seed(files: list[bytes]) -> None:
    """Two fresh interpreters with different PYTHONHASHSEEDs (set and dict order of strings
    differ between them) and this one produce the same Documents."""
    blobs = json.dumps([base64.b64encode(data).decode("ascii") for data in files])
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", PARSE_IN_A_FRESH_PROCESS],
            input=blobs.encode("ascii"),
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"},
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
        outputs.append(json.loads(done.stdout.decode("utf-8")))
    here = [canonical(parse(_source(DETERMINISM_PATH, data), CONFIG)) for data in files]
    here = json.loads(json.dumps(here, ensure_ascii=False, sort_keys=True))
    assert outputs[0] == outputs[1]
    assert outputs[0] == here


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
    """Plain generated text (no byte damage) through the parser with every document kind: no
    exception, and what comes back describes this text (its line count, or an error saying why
    it was not read as Markdown; every span inside it; every heading's section within the file;
    the code blocks in document order)."""
    data = text.encode("utf-8", "surrogatepass")
    for path in PATHS:
        doc = parse(_source(path, data), CONFIG)
        files = {path: data}
        lines = _lines(data)
        assert doc.path == path
        if doc.line_count == 0:  # not taken for Markdown at all: an error finding says why
            errors = [p for p in doc.problems if REGISTRY[p.code].severity == "error"]
            assert errors, doc.problems
        else:
            assert doc.line_count == len(lines), (doc.line_count, len(lines))
        assert_inside(doc.problems, files)
        for element in [*doc.links, *doc.headings, *doc.code_blocks, *doc.task_mentions]:
            assert_span_inside(element.span, files, element)
        for heading in doc.headings:
            assert heading.span.line <= heading.end_line <= len(lines)
        starts = [block.span.line for block in doc.code_blocks]
        assert starts == sorted(starts)
