"""The terminal report of `content-audit report`: fits 80 and 120 columns, one table per track,
words never cut, the findings grouped by file and capped, `--quiet` a single line."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.config import load_config
from audit.model.report import Diagnostic, ReportModel
from audit.pipeline import full_audit
from audit.report.build import build_report
from audit.report.github import render as render_github
from audit.report.terminal import missing_phrase, render, summary_line
from tests.golden import check_golden
from tests.helpers import run_cli
from tests.report.sample import sample_model

FIXTURE = Path(__file__).parent.parent / "fixtures" / "report-two-tracks"
_BOX = re.compile(r"[│┃┏┓┗┛┡┩└┘├┤┬┴┼━─╇╋┳┻]")


@pytest.fixture(scope="module")
def model() -> ReportModel:
    loaded = load_config(str(FIXTURE / "content-audit.yaml"))
    return build_report(full_audit(loaded, execute=False, use_cache=False))


def _text(model: ReportModel, width: int, **options: object) -> str:
    out = io.StringIO()
    render(model, out, width=width, color=False, **options)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_report_matches_the_golden_file(
    model: ReportModel, width: int, update_golden: bool
) -> None:
    text = _text(model, width, more="build/audit/report.md")
    check_golden(f"terminal_report_{width}.json", text.splitlines(), update_golden)


@pytest.mark.parametrize("width", [80, 100, 120])
def test_no_line_is_wider_than_the_terminal(model: ReportModel, width: int) -> None:
    lines = _text(model, width).splitlines()
    assert max(len(line) for line in lines) <= width
    assert any(len(line) == width for line in lines)  # the tables do use the width


@pytest.mark.parametrize("width", [80, 120])
def test_titles_and_missing_phrases_wrap_at_word_boundaries(model: ReportModel, width: int) -> None:
    words = set(_BOX.sub(" ", _text(model, width)).split())
    for gap in model.gaps:
        for word in [*gap.title.split(), *missing_phrase(gap).replace(",", "").split()]:
            assert word in words or f"{word}," in words, (width, word)


def test_one_table_per_track_so_two_gaps_numbered_1_are_not_confused(model: ReportModel) -> None:
    text = _text(model, 120)
    assert "Gaps of dl: content/dl/пробелы-в-покрытии.md" in text
    assert "Gaps of ml: content/ml/пробелы-в-покрытии.md" in text
    dl_table = text.split("Gaps of ml:")[0]
    assert "Mixed Precision Training" in dl_table and "MoE Routing" not in dl_table


def test_the_findings_are_printed_under_their_file(model: ReportModel) -> None:
    text = _text(model, 120)
    assert model.diagnostics
    findings = text.split("Findings (")[1]
    for d in model.diagnostics:
        after_path = findings.split(f"\n{d.path}\n")[1]
        assert f"  {d.line}:{d.column}: {d.code} [{d.severity}]" in after_path


def test_findings_past_the_cap_are_counted_and_point_to_the_full_report() -> None:
    base = sample_model()
    many = [
        Diagnostic(
            path=f"content/ml/page-{i // 10}.md",
            line=i + 1,
            column=1,
            code="XR001",
            severity="error",
            message=f"finding {i}",
        )
        for i in range(60)
    ]
    text = _text(base.model_copy(update={"diagnostics": many}), 80, more="build/audit/report.md")
    assert "finding 49" in text and "finding 50" not in text
    assert "… and 10 more: build/audit/report.md" in text
    assert text.count("content/ml/page-0.md") == 1  # one header per file


def test_quiet_prints_the_summary_line_only(model: ReportModel) -> None:
    text = _text(model, 80, quiet=True)
    assert text == summary_line(model) + "\n"
    assert len(text) > 80  # one line even when wider than the terminal


def test_statuses_are_coloured_like_the_html_pills(model: ReportModel) -> None:
    out = io.StringIO()
    render(model, out, width=120, color=True)
    text = out.getvalue()
    assert "\x1b[32mcovered " in text  # green (the cell is padded inside the colour)
    assert "\x1b[33mpartial " in text  # yellow
    assert "\x1b[31mnone    " in text  # red


def test_github_format_puts_a_notice_on_each_gap_that_is_not_covered(model: ReportModel) -> None:
    lines = render_github(model).splitlines()
    notices = [line for line in lines if line.startswith("::notice ") and ",title=gap " in line]
    assert notices[0] == (
        "::notice file=content/dl/пробелы-в-покрытии.md,line=13,title=gap 1. Mixed Precision "
        "Training and Loss Scaling%3A none::gap 'Mixed Precision Training and Loss Scaling' "
        "computes as none (0%25); missing materials: the tracker claims no materials section "
        "for this gap; qa_levels: the tracker claims no interview section for this gap; "
        "working_example: no claimed section to hold an example; practice_task: no task file "
        "names this gap (front matter 'gap: mixed-precision-training-and-loss-scaling')"
    )
    covered = [g for g in model.gaps if g.computed_status == "covered"]
    assert covered and not any(
        f"gap {g.number}. {g.title}" in line for g in covered for line in notices
    )
    assert len(notices) == sum(1 for g in model.gaps if g.computed_status != "covered")


def test_the_report_command_prints_the_findings_and_quiet_only_the_summary(
    fixture_tree: Callable[[str], Path],
) -> None:
    tree = fixture_tree("report-two-tracks")
    full = run_cli(["report", "--no-exec", "--output-dir", "build/audit"], tree)
    assert full.code == 1
    assert "content/ml/материалы.md\n  22:55: XR001 [error] broken link" in full.out
    quiet = run_cli(["report", "--no-exec", "--quiet"], tree)
    assert quiet.code == 1
    assert quiet.out.count("\n") == 1
    assert quiet.out.startswith("coverage 37.5% (weighted 37.5%)")
    assert quiet.out.endswith("; failed\n")


def test_a_gap_with_unproven_claim_items_says_how_many_in_its_missing_cell() -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "claims-planted" / "content-audit.yaml"
    planted = build_report(full_audit(load_config(str(fixture)), execute=False, use_cache=False))
    unproven = [g for g in planted.gaps if g.unproven_items]
    assert unproven, "the planted tree has false claim items"
    for gap in unproven:
        n = gap.unproven_items
        assert f"{n} unproven item{'' if n == 1 else 's'}" in missing_phrase(gap)
    assert "unproven" in _text(planted, 80)  # the cell may wrap between the two words
