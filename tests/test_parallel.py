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
