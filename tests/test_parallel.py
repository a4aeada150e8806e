"""``-j N`` output is byte for byte the output of ``-j1`` (a generated corpus of 200 files)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audit.cli import main
from audit.pipeline import PARALLEL_MIN_FILES
from bench.corpus import generate


def run_check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        code = main(["check", "--format", "json", *args])
    finally:
        os.chdir(cwd)
    assert code == 1  # the corpus carries deliberately broken references
    return capsys.readouterr().out


def test_parallel_output_equals_serial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = generate(tmp_path, 200, seed=3)
    assert manifest["files"] == 200 > PARALLEL_MIN_FILES
    serial = run_check(tmp_path, capsys, "-j1", "--no-cache")
    report = json.loads(serial)
    assert report["files_checked"] == 200
    assert report["diagnostics"], "the corpus has broken references to report"
    assert run_check(tmp_path, capsys, "-j2", "--no-cache") == serial
    assert run_check(tmp_path, capsys, "-j3", "--no-cache") == serial
    # the cache path parses in parallel too (cold), then loads (warm): same bytes
    assert run_check(tmp_path, capsys, "-j2") == serial
    assert run_check(tmp_path, capsys, "-j2") == serial


def test_workers_reading_their_own_files_parse_what_discovery_reads(tmp_path: Path) -> None:
    """``check --no-cache`` sends paths to the workers; the documents (the unreadable files'
    problems included) are the ones the parent would have parsed from ``discover``."""
    from audit.config import load_config
    from audit.discover import discover, discover_paths
    from audit.stages import parse_all, parse_files

    generate(tmp_path, PARALLEL_MIN_FILES + 8, seed=5)
    content = tmp_path / "content"
    (content / "тупик.md").symlink_to(content / "нет-такого.md")
    (content / "папка.md").mkdir()
    loaded = load_config(cwd=tmp_path)
    config, root = loaded.config, loaded.root
    expected = parse_all(discover(config, root), config)
    assert any(d.problems and d.problems[0].code == "IO004" for d in expected)
    for jobs in (1, 2):
        assert parse_files(discover_paths(config, root), config, root, jobs) == expected


def pid_findings(*_args: object) -> list[object]:
    """Stands in for the tracker stage: says which process ran it."""
    return [os.getpid()]


def dies_in_a_child(parent: int) -> object:
    def stage(*_args: object) -> list[object]:
        if os.getpid() != parent:
            os._exit(3)  # a worker killed mid-stage
        return [parent]

    return stage


def test_the_tracker_stage_runs_beside_the_rules_with_two_jobs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from audit import stages

    monkeypatch.setattr(stages, "check_tracker_findings", pid_findings)
    monkeypatch.setattr(stages.threading, "active_count", lambda: 1)  # pytest may run threads
    tree = [object()] * PARALLEL_MIN_FILES
    beside = stages.tracker_findings_beside(tree, None, None, tmp_path, None, 2)  # type: ignore[arg-type]
    here = stages.tracker_findings_beside(tree, None, None, tmp_path, None, 1)  # type: ignore[arg-type]
    small = stages.tracker_findings_beside(tree[:3], None, None, tmp_path, None, 2)  # type: ignore[arg-type]

    [child] = beside()
    assert child != os.getpid()
    assert here() == small() == [os.getpid()]


def test_a_tracker_stage_whose_child_dies_runs_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from audit import stages

    monkeypatch.setattr(stages, "check_tracker_findings", dies_in_a_child(os.getpid()))
    monkeypatch.setattr(stages.threading, "active_count", lambda: 1)
    tree = [object()] * PARALLEL_MIN_FILES
    wait = stages.tracker_findings_beside(tree, None, None, tmp_path, None, 2)  # type: ignore[arg-type]

    assert wait() == [os.getpid()]
