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
