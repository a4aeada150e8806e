"""The example cache: a re-run executes nothing; changes re-run only what changed; two audits
sharing one cache neither fail nor corrupt it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from audit.examples import cache, execute, launch
from tests.examples.conftest import RunMarkdown
from tests.helpers import PROJECT

PAGE = "## 1. A\n\n```python\nprint(1)\n```\n\n## 2. B\n\n```python\nx = 2\n```\n"


@pytest.fixture(autouse=True)
def stable_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the environment fingerprint in-process: other people installing packages on a shared
    machine between two runs would (rightly) change it and make these tests flaky."""
    monkeypatch.setattr(execute, "environment_fingerprint", lambda interpreter: "pinned")


def test_environment_fingerprint_is_stable_and_follows_the_installed_distributions(
    tmp_path: Path,
) -> None:
    """The same interpreter gives the same key twice; installing a distribution changes it, and
    so does another interpreter (a bare venv has fewer distributions than this one)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    bare = cache.environment_fingerprint(python)
    assert cache.environment_fingerprint(python) == bare
    assert bare != cache.environment_fingerprint(sys.executable)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    info = Path(purelib) / "example_helper-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: example-helper\nVersion: 1.0\n", encoding="utf-8"
    )
    installed = cache.environment_fingerprint(python)
    assert installed != bare
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: example-helper\nVersion: 1.1\n", encoding="utf-8"
    )
    assert cache.environment_fingerprint(python) not in (bare, installed)  # an upgrade, too


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every sandboxed process start, recorded."""
    seen: list[list[str]] = []
    real = launch._launch

    def counting(cmd: list[str], **kwargs: Any) -> Any:
        seen.append(cmd)
        return real(cmd, **kwargs)

    monkeypatch.setattr(launch, "_launch", counting)
    return seen


def test_second_run_executes_nothing(
    run_md: RunMarkdown, launches: list[list[str]], tmp_path: Path
) -> None:
    cold = run_md(PAGE, use_cache=True)
    assert [r.status for r in cold] == ["works", "works"]
    assert not any(r.cached for r in cold)
    assert len(launches) == 2
    warm = run_md(PAGE, use_cache=True)
    assert len(launches) == 2  # nothing started
    assert all(r.cached for r in warm)
    assert [(r.example_id, r.status, r.section) for r in warm] == [
        (r.example_id, r.status, r.section) for r in cold
    ]
    assert list((tmp_path / ".content-audit-cache" / "examples").rglob("*.json"))


def test_a_changed_section_alone_runs_again(run_md: RunMarkdown, launches: list[list[str]]) -> None:
    run_md(PAGE, use_cache=True)
    results = run_md(PAGE.replace("x = 2", "x = 3"), use_cache=True)
    assert len(launches) == 3
    assert [r.cached for r in results] == [True, False]


def test_changed_sandbox_options_miss_the_cache(
    run_md: RunMarkdown, launches: list[list[str]]
) -> None:
    run_md(PAGE, use_cache=True)
    run_md(PAGE, use_cache=True, memory_mb=1024)
    assert len(launches) == 4


def test_no_cache_always_runs(run_md: RunMarkdown, launches: list[list[str]]) -> None:
    run_md(PAGE, use_cache=True)
    run_md(PAGE, use_cache=False)
    assert len(launches) == 4


def test_timeouts_are_not_cached(run_md: RunMarkdown, launches: list[list[str]]) -> None:
    page = "## S\n\n```python timeout=0.5\nwhile True: pass\n```\n"
    assert run_md(page, use_cache=True)[0].status == "timeout"
    assert run_md(page, use_cache=True)[0].cached is False
    assert len(launches) == 2


def test_a_corrupt_cache_file_is_a_miss(
    run_md: RunMarkdown, launches: list[list[str]], tmp_path: Path
) -> None:
    run_md(PAGE, use_cache=True)
    for path in (tmp_path / ".content-audit-cache" / "examples").rglob("*.json"):
        path.write_text("{not json")
    results = run_md(PAGE, use_cache=True)
    assert [r.status for r in results] == ["works", "works"]
    assert len(launches) == 4


def test_two_audits_at_once_share_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "project"
    sections = "".join(
        f"## {i}. S{i}\n\n```python\nprint({i})\n```\n\n```text output\n{i}\n```\n\n"
        for i in range(1, 7)
    )
    (root / "content").mkdir(parents=True)
    (root / "content" / "page.md").write_text("# Page\n\n" + sections, encoding="utf-8")
    command = [sys.executable, "-m", "audit", "examples", "--format", "json", "-j", "2"]
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(PROJECT),
        "CONTENT_AUDIT_KEY_DIR": os.environ["CONTENT_AUDIT_KEY_DIR"],
    }
    procs = [
        subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    for out, _ in outputs:
        assert [r["status"] for r in json.loads(out)] == ["works"] * 6
    files = list((root / ".content-audit-cache" / "examples").rglob("*"))
    entries = [f for f in files if f.is_file()]
    assert len(entries) == 6  # one per section, no stray temporary files
    for entry in entries:
        assert json.loads(entry.read_text(encoding="utf-8"))["results"][0]["status"] == "works"
    third = subprocess.run(
        command, cwd=root, capture_output=True, env=env, timeout=120, check=False
    )
    assert third.returncode == 0
    assert all(r["cached"] for r in json.loads(third.stdout))
