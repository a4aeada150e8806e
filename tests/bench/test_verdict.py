"""bench.verdict judges issue 17's targets from a bench.json alone: met, missed (with the gap),
or not judged when the run lacks what a target needs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bench.verdict import MET, MISSED, NOT_JUDGED, main, markdown, verdicts


def measure(
    size: int, name: str, seconds: float, ratio: float, rss: float = 50.0, **extra: Any
) -> dict[str, Any]:
    row = {
        "size": size,
        "name": name,
        "seconds": seconds,
        "cpu_seconds": seconds,
        "peak_rss_mb": rss,
        "tree_rss_mb": rss,
        "exit_code": 1,
        "ratio": ratio,
        "status": "ok",
        "load_1m": 0.3,
    }
    return row | extra


def size_run(size: int, speedup: float) -> dict[str, Any]:
    load = {"time": "2026-12-02T03:00:00Z", "loadavg": [0.2, 0.3, 0.4]}
    return {
        "size": size,
        "corpus_bytes": size * 9500,
        "corpus_reused": True,
        "generate_seconds": 0.5,
        "load_before": load | {"calibration": {"speedup": speedup}},
        "load_after": load | {"calibration": {"speedup": speedup}},
    }


# A quiet machine where everything is within its target. Cold -j1 costs 1.2 s per 1,000 files
# at every size (mistune 1.0 s), -j2 0.7 s; 20k peaks at 550 MB cold, 180 MB warm.
MET_RUN: dict[str, Any] = {
    "machine": {"commit": "abc1234", "cores": 2, "cpu": "test cpu", "python": "3.11.7"},
    "argv": ["--sizes", "1000", "20000", "50000"],
    "load": {"start": size_run(0, 1.95)["load_before"], "end": size_run(0, 1.95)["load_after"]},
    "size_runs": [size_run(1000, 1.95), size_run(20000, 1.92), size_run(50000, 1.97)],
    "peers": {"rumdl warm": {"status": "installed", "version": "rumdl 0.3.0"}},
    "measures": [
        measure(1000, "mistune parse alone", 1.0, 1.0),
        measure(1000, "check cold -j1", 1.2, 1.2),
        measure(1000, "check cold -j2", 0.7, 0.7),
        measure(1000, "check warm, nothing changed", 0.08, 0.08),
        measure(1000, "rumdl warm", 0.25, 0.25),
        measure(20000, "mistune parse alone", 20.0, 1.0),
        measure(20000, "check cold -j1 --no-cache", 24.0, 1.2, rss=450.0),
        measure(20000, "check cold -j1", 24.4, 1.22, rss=550.0),
        measure(20000, "check cold -j2", 14.0, 0.7, rss=500.0, tree_rss_mb=590.0),
        measure(20000, "check warm, nothing changed", 0.5, 0.025, rss=150.0),
        measure(20000, "check warm, one file edited", 0.6, 0.03, rss=170.0),
        measure(20000, "check warm, linked heading renamed", 0.7, 0.035, rss=180.0),
        measure(50000, "mistune parse alone", 50.0, 1.0),
        measure(50000, "check cold -j1", 63.0, 1.26),
        measure(50000, "check cold -j2", 36.0, 0.72),
        measure(50000, "check warm, nothing changed", 1.1, 0.022),
    ],
}


def by_target(report: dict[str, Any]) -> dict[str, Any]:
    return {v.target[:3]: v for v in verdicts(report)}


def test_a_run_within_every_target_meets_all_five() -> None:
    found = by_target(MET_RUN)
    assert {v.status for v in found.values()} == {MET}, [v.line() for v in found.values()]
    assert "ours 0.080 s; rumdl warm 0.250 s" in found["(1)"].measured
    assert "cold 590 MB (check cold -j2)" in found["(4)"].measured  # the tree sum, not 500
    assert "50k cold `-j1` 63.0 s" in found["(5)"].measured
    assert "50k 1.260 s (+5.0%" in found["(5)"].measured


def test_a_run_over_the_targets_misses_them_with_the_figure_and_the_gap() -> None:
    report = copy.deepcopy(MET_RUN)
    rows = {(m["size"], m["name"]): m for m in report["measures"]}
    rows[1000, "check warm, nothing changed"]["seconds"] = 0.3
    rows[1000, "check cold -j2"]["ratio"] = 0.9
    rows[20000, "check cold -j1"]["peak_rss_mb"] = 700.0
    rows[20000, "check warm, linked heading renamed"]["tree_rss_mb"] = 230.0
    rows[50000, "check cold -j1"]["seconds"] = 75.0  # 1.5 s per 1,000 files against 1.2
    rows[50000, "check cold -j1"]["cpu_seconds"] = 70.0
    rows[50000, "check cold -j1"]["ratio"] = 1.5
    found = by_target(report)
    assert {v.status for v in found.values()} == {MISSED}, [v.line() for v in found.values()]
    assert "ours 0.300 s (0.210 s over the 0.09 s limit)" in found["(1)"].measured
    assert "(ours 0.050 s slower)" in found["(1)"].measured
    assert "1k: 0.90 ×, 0.15 × over" in found["(2)"].measured
    assert "50k: 1.50 × (0.20 × over) [CPU 1.40 ×]" in found["(3)"].measured
    assert "cold 700 MB (check cold -j1, 100 MB over)" in found["(4)"].measured
    assert "warm 230 MB (check warm, linked heading renamed, 30 MB over)" in found["(4)"].measured
    assert "50k 1.500 s (+25.0%" in found["(5)"].measured
    assert "15.0% beyond ±10%" in found["(5)"].measured


def test_the_memory_target_judges_a_tree_by_its_pss_when_sampled() -> None:
    """A forked child's pages shared with its parent count once: the PSS sum, not the RSS."""
    report = copy.deepcopy(MET_RUN)
    rows = {(m["size"], m["name"]): m for m in report["measures"]}
    rows[20000, "check cold -j2"]["tree_rss_mb"] = 900.0
    assert by_target(report)["(4)"].status == MISSED
    rows[20000, "check cold -j2"]["tree_pss_mb"] = 580.0
    found = by_target(report)["(4)"]
    assert found.status == MET
    assert "cold 580 MB (check cold -j2)" in found.measured
    rows[20000, "check cold -j2"]["tree_pss_mb"] = 640.0
    assert "cold 640 MB (check cold -j2, 40 MB over)" in by_target(report)["(4)"].measured


def test_busy_cores_a_missing_peer_and_a_missing_size_are_not_judged() -> None:
    report = copy.deepcopy(MET_RUN)
    for run in report["size_runs"]:
        run["load_after"]["calibration"]["speedup"] = 1.1  # another job held the second core
    report["measures"] = [
        m | {"seconds": None, "ratio": None, "status": "not installed"}
        if m["name"] == "rumdl warm"
        else m
        for m in report["measures"]
        if m["size"] != 20000
    ]
    found = by_target(report)
    assert found["(1)"].status == NOT_JUDGED
    assert "ours 0.080 s; rumdl warm: not installed" in found["(1)"].measured
    assert found["(2)"].status == NOT_JUDGED
    assert "pool speed-up 1.95/1.10: cores not free" in found["(2)"].measured
    assert found["(3)"].status == MET
    assert found["(4)"].status == NOT_JUDGED
    assert "20,000 files not in this run" in found["(4)"].measured


def test_the_markdown_has_the_run_table_and_one_line_per_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(MET_RUN), encoding="utf-8")
    assert main([str(path)]) == 0
    printed = capsys.readouterr().out
    assert printed == markdown(MET_RUN)
    assert "`python -m bench.check --sizes 1000 20000 50000`" in printed
    assert (
        "| 20000 | check cold -j2 | 14.000 | 0.700 | 14.000 | 500.0 | 590.0 |  | 0.30 |" in printed
    )
    targets = [line for line in printed.splitlines() if line.startswith("- (")]
    assert len(targets) == 5 and all("**met**" in line for line in targets)


def test_an_unreadable_bench_json_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bench.json"
    path.write_text("{not json", encoding="utf-8")
    assert main([str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_two_runs_are_judged_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1k with the peers in one run, 20k and 50k without in another: every target is judged,
    and each run keeps its own table."""
    small = copy.deepcopy(MET_RUN)
    large = copy.deepcopy(MET_RUN)
    small["measures"] = [m for m in small["measures"] if m["size"] == 1000]
    small["size_runs"] = [r for r in small["size_runs"] if r["size"] == 1000]
    large["measures"] = [m for m in large["measures"] if m["size"] != 1000]
    large["size_runs"] = [r for r in large["size_runs"] if r["size"] != 1000]
    large["machine"]["commit"] = "def5678"
    alone = by_target(small)
    assert alone["(4)"].status == NOT_JUDGED and alone["(5)"].status == NOT_JUDGED
    paths = []
    for name, report in (("small.json", small), ("large.json", large)):
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(report), encoding="utf-8")
    assert main([str(p) for p in paths]) == 0
    printed = capsys.readouterr().out
    assert printed.count("## Recorded run") == 2
    assert "Commit abc1234" in printed and "Commit def5678" in printed
    targets = [line for line in printed.splitlines() if line.startswith("- (")]
    assert len(targets) == 5 and all("**met**" in line for line in targets), targets
    assert "judged over the runs above" in printed
