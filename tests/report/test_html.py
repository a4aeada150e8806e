"""HTML report: key fragments against a golden file, escaping of hostile titles, self-containment.

The fixture (tests/fixtures/report-hostile-titles) writes ``<script>`` and ``<img onerror>`` into a
gap title and a section heading (as entities, in code spans and as raw inline HTML), one failing
and one passing threshold, a broken link, a planned task and a missing one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from audit.cli import main
from audit.config import load_config
from audit.model.report import ReportModel
from audit.pipeline import full_audit
from audit.report import ARTIFACTS
from audit.report.build import build_report
from audit.report.html import render
from tests.conftest import loaded_for
from tests.golden import check_golden
from tests.report.sample import EXAMPLE_STATUSES, sample_model

FIXTURE = Path(__file__).parent.parent / "fixtures" / "report-hostile-titles"


@pytest.fixture(scope="module")
def model() -> ReportModel:
    return build_report(
        full_audit(load_config(str(FIXTURE / "content-audit.yaml")), execute=False, use_cache=False)
    )


@pytest.fixture(scope="module")
def html(model: ReportModel) -> str:
    return render(model)


class _Fragments(HTMLParser):
    """Collects the parts of the page a reader relies on, as plain data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}  # element id -> its text
        self.rows: list[dict[str, Any]] = []
        self.thresholds: list[list[str]] = []
        self.marks: list[dict[str, str]] = []
        self.files: list[str] = []
        self.findings: list[str] = []
        self.nodes: list[dict[str, str]] = []
        self.node_titles: list[str] = []
        self.scripts: list[dict[str, str]] = []
        self.external: list[str] = []
        self._capture: list[list[str]] = []
        self._ids: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("src", "href"):
            if key in a and not a[key].startswith("#"):
                self.external.append(f"{tag} {key}={a[key]}")
        if tag == "link":
            self.external.append(f"link {a}")
        if tag == "script":
            self.scripts.append(a)
        cls = a.get("class", "").split()
        if tag == "tr" and "gap-row" in cls:
            self.rows.append({k: a[k] for k in sorted(a) if k.startswith("data-")} | {"marks": []})
        if tag == "tr" and "threshold" in cls:
            self.thresholds.append([" ".join(cls[1:])])
        if tag == "button" and "mark" in cls:
            mark = {"class": " ".join(cls), "req": a["data-req"], "title": a["title"]}
            self.rows[-1]["marks"].append(mark)
        if tag == "g" and "node" in cls:
            self.nodes.append({"id": a["data-id"], "class": a["class"]})
        if tag == "tr" and "finding" in cls:
            self.findings.append(a["data-severity"])
        self.stack.append((tag, a))
        self._ids.append(a.get("id"))
        self._capture.append([])

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        open_tag, attrs = self.stack.pop()
        text = " ".join("".join(self._capture.pop()).split())
        element_id = self._ids.pop()
        if self._capture:
            self._capture[-1].append(text + " ")
        if element_id:
            self.text[element_id] = text
        cls = attrs.get("class", "").split()
        if open_tag == "td" and self.stack and "threshold" in self.stack[-1][1].get("class", ""):
            self.thresholds[-1].append(text)
        if open_tag == "span" and "path" in cls:
            self.files.append(text)
        if open_tag == "title" and self.stack and "node" in self.stack[-1][1].get("class", ""):
            self.node_titles.append(text)
        if open_tag == "button" and "gap-open" in cls:
            self.rows[-1]["title"] = text

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._capture[-1].append(data)


def _fragments(html: str) -> _Fragments:
    parser = _Fragments()
    parser.feed(html)
    parser.close()
    return parser


def test_key_fragments_match_the_golden_file(html: str, update_golden: bool) -> None:
    f = _fragments(html)
    check_golden(
        "report_html_fragments.json",
        {
            "coverage": f.text["coverage-overall"],
            "weighted": f.text["coverage-weighted"],
            "verdict": f.text["verdict"],
            "thresholds": f.thresholds,
            "matrix": f.rows,
            "shown": f.text["shown-count"],
            "finding_files": f.files,
            "findings": f.findings,
            "graph_nodes": f.nodes,
            "graph_titles": f.node_titles,
        },
        update_golden,
    )


def test_top_shows_coverage_and_every_threshold_passed_or_failed(
    html: str, model: ReportModel
) -> None:
    f = _fragments(html)
    assert f.text["coverage-overall"] == "50%"
    assert f.text["verdict"] == "FAILED"
    results = {row[1]: row[0] for row in f.thresholds}
    assert results == {"overall_min": "fail", "max_errors": "pass"}
    assert [t.name for t in model.thresholds] == ["overall_min", "max_errors"]


def test_matrix_has_a_row_per_gap_and_the_reason_in_the_title(
    html: str, model: ReportModel
) -> None:
    f = _fragments(html)
    assert [r["data-status"] for r in f.rows] == [g.computed_status for g in model.gaps]
    retrieval = f.rows[1]
    unmet = [m for m in retrieval["marks"] if "unmet" in m["class"]]
    assert {m["req"] for m in unmet} == {"qa_levels", "practice_task"}
    qa = next(m for m in unmet if m["req"] == "qa_levels")
    reason = model.gaps[1].requirements["qa_levels"].reason
    assert reason and reason in qa["title"]


def test_hostile_titles_are_escaped_and_never_run(html: str, model: ReportModel) -> None:
    titles = [g.title for g in model.gaps]
    assert "Attention <script>window.__pwned=1</script>" in titles  # the payload reached us
    assert 'Retrieval <img src=x onerror="window.__pwned=2">' in titles
    assert any("<script>alert(2)</script>" in n.title for n in model.graph_view.nodes)
    for raw in ("<script>window", "<script>alert", "<img src=x", "</script>alert"):
        assert raw not in html
    assert "Attention &lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in html
    # exactly two script elements: the JSON data block and the page's own code
    f = _fragments(html)
    assert f.scripts == [{"type": "application/json", "id": "gap-data"}, {}]
    data = html.split('<script type="application/json" id="gap-data">', 1)[1]
    data = data.split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data.replace("\\u0026", "")
    decoded = json.loads(data)
    assert decoded["gaps"][0]["title"] == titles[0]  # the encoder escapes, and keeps the value
    assert decoded["requirements"] == list(model.gaps[0].requirements)


def test_the_page_is_self_contained(html: str) -> None:
    f = _fragments(html)
    assert f.external == []
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert "default-src 'none'" in html  # and the page forbids any fetch anyway


def test_findings_are_grouped_by_file(html: str, model: ReportModel) -> None:
    f = _fragments(html)
    paths = sorted({d.path for d in model.diagnostics})
    assert f.files == paths
    assert len(f.findings) == len(model.diagnostics)


def test_graph_highlights_missing_and_planned_nodes(html: str, model: ReportModel) -> None:
    f = _fragments(html)
    by_id = {n["id"]: n["class"] for n in f.nodes}
    assert "state-missing" in by_id["doc:content/tasks/ml_404_missing.md"]
    assert "state-missing" in by_id["sec:content/ml/материалы.md#1-внимание-ml_001_attention"]
    assert "state-planned" in by_id["task:ml_009_eval"]  # "Рекомендация: Добавить ml_009_eval"
    assert "state-ok" in by_id["task:ml_001_attention"]
    assert by_id["gap:ml/attention-scriptwindow__pwned1script"] == "node kind-gap state-covered"
    assert by_id["gap:ml/evaluation"] == "node kind-gap state-none"
    assert len(f.nodes) == len(model.graph_view.nodes)
    assert html.count('<path class="edge') == len(model.graph_view.edges)


def test_examples_table_lists_outcome_and_duration() -> None:
    html = render(sample_model(baseline=True))
    rows = re.findall(r'<tr class="example" data-status="([a-z-]+)">', html)
    assert rows == list(EXAMPLE_STATUSES)
    assert "250 ms" in html and "1.75 s" in html  # 0.25 s and 7 × 0.25 s
    assert 'id="baseline"' in html


def test_without_examples_the_report_says_they_were_not_run(html: str) -> None:
    assert "Examples were not executed in this run" in html


def test_rendering_is_deterministic(model: ReportModel, html: str) -> None:
    again = build_report(
        full_audit(load_config(str(FIXTURE / "content-audit.yaml")), execute=False, use_cache=False)
    )
    assert again.graph_view == model.graph_view
    assert render(again) == html


def test_report_command_writes_html_and_badge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ARTIFACTS["html"][0] == "report.html" and ARTIFACTS["badge"][0] == "badge.svg"
    out = tmp_path / "new" / "folder"
    code = main(
        [
            "--config",
            str(FIXTURE / "content-audit.yaml"),
            "report",
            "--no-exec",
            "--no-cache",
            "--output-dir",
            str(out),
        ]
    )
    capsys.readouterr()
    assert code == 1  # the overall_min threshold fails
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert ">50%<" in page
    assert "50%" in (out / "badge.svg").read_text(encoding="utf-8")


def test_a_tree_without_tracker_or_findings_still_renders(
    make_tree: Callable[[dict[str, str | bytes]], Path],
) -> None:
    root = make_tree({"content/notes/заметки.md": "# Заметки\n\n## 1. Раздел\n\nТекст.\n"})
    model = build_report(full_audit(loaded_for(root), execute=False))
    page = render(model)
    assert model.gaps == [] and model.diagnostics == []
    assert "No gap tracker found: nothing to measure." in page
    assert "No findings." in page
    assert 'id="gap-matrix"' not in page and 'id="topic-graph"' not in page
    assert "The graph has no gaps, sections or tasks to draw." in page
