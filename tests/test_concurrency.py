"""Concurrency and kill-safety of real CLI processes on a generated corpus.

- two audits at once on the same tree and cache finish with identical, correct output;
- SIGINT during a run: exit 130, a short message, no traceback, no partial report, no temporary
  files left in the report folder or the cache, and the cache left behind is sound;
- SIGKILL during a run: the previous report is intact and the next run succeeds from the cache.

Runs use the corpus generator (bench/corpus.py) in tmp_path; signals are sent once the audited
process has used some CPU (it is past interpreter start-up and imports), read from /proc.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent.parent
ENV = {
    **os.environ,
    "PYTHONPATH": str(PROJECT),
    "PYTHONIOENCODING": "utf-8",
    "CONTENT_AUDIT_NO_EXEC": "1",
}
REPORT = ("report", "--no-exec", "-j", "1", "--format", "json", "--output-dir", "out")
CHECK = ("check", "-j", "1", "--format", "json")

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def corpus(tmp_path: Path, files: int, seed: int = 11) -> Path:
    root = tmp_path / f"corpus-{files}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.corpus",
            str(root),
            "--files",
            str(files),
            "--seed",
            str(seed),
        ],
        env=ENV,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


def start(root: Path, args: tuple[str, ...], quiet: bool = False) -> subprocess.Popen[bytes]:
    """``quiet``: stdout to /dev/null (a run we wait on without reading its pipe must not block
    on a full pipe)."""
    return subprocess.Popen(
        [sys.executable, "-m", "audit", *args],
        cwd=root,
        env=ENV,
        stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else subprocess.PIPE,
    )


def run(root: Path, *args: str) -> tuple[int, bytes, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "audit", *args],
        cwd=root,
        env=ENV,
        capture_output=True,
        timeout=600,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_cpu(proc: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait until the process used ``seconds`` of CPU (it is then well into the audit)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("the run finished before it could be interrupted: corpus too small")
        try:
            if cpu_seconds(proc.pid) >= seconds:
                return
        except (OSError, IndexError):
            pass
        time.sleep(0.02)
    pytest.fail("the run never got going")


def leftovers(root: Path) -> list[Path]:
    """Temporary files of atomic writes (``.<name>.<random>.tmp``) anywhere in the project."""
    return sorted(p for p in root.rglob("*.tmp"))


def test_two_checks_at_once_share_the_cache_and_agree(tmp_path: Path) -> None:
    root = corpus(tmp_path, 300)
    first, second = start(root, CHECK), start(root, CHECK)
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert "Traceback" not in err1.decode() + err2.decode()
    assert first.returncode == second.returncode == 1  # the corpus has planted broken links
    assert out1 == out2
    code, fresh, _ = run(root, "check", "-j", "1", "--format", "json", "--no-cache")
    assert (code, fresh) == (1, out1), "concurrent cached runs must equal a run without cache"
    code, warm, _ = run(root, *CHECK)
    assert (code, warm) == (1, out1), "the cache the two runs left behind must be sound"
    assert json.loads(out1)["diagnostics"], "the corpus has findings to compare"
    assert leftovers(root) == []


def test_two_reports_at_once_write_the_same_files(tmp_path: Path) -> None:
    root = corpus(tmp_path, 200)
    first, second = start(root, REPORT), start(root, REPORT)
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert "Traceback" not in err1.decode() + err2.decode()
    assert first.returncode == second.returncode
    assert out1 == out2
    assert json.loads((root / "out" / "report.json").read_bytes()) == json.loads(out1)
    assert leftovers(root) == []


@pytest.mark.slow
@pytest.mark.parametrize("group", [False, True], ids=["process", "process-group"])
def test_sigint_exits_130_and_leaves_no_partial_report_or_cache(
    tmp_path: Path, group: bool
) -> None:
    root = corpus(tmp_path, 1500)
    code, _, err = run(root, *REPORT)  # the previous report and a warm cache
    assert code in (0, 1), err
    previous = (root / "out" / "report.json").read_bytes()
    (root / "content" / "llm").mkdir(parents=True, exist_ok=True)
    (root / "content" / "llm" / "новая.md").write_text("# Новая\n\n[x](нет.md)\n", encoding="utf-8")
    args = (
        "report",
        "--no-exec",
        "--no-cache",
        "-j",
        "2",
        "--format",
        "json",
        "--output-dir",
        "out",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "audit", *args],
        cwd=root,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for_cpu(proc, 1.5)
    if group:  # what a terminal's Ctrl-C does: the workers get it too
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    _, err_bytes = proc.communicate(timeout=120)
    stderr = err_bytes.decode("utf-8", "replace")
    assert proc.returncode == 130, stderr
    assert stderr.strip() == "content-audit: interrupted"
    assert (root / "out" / "report.json").read_bytes() == previous, "no partial report"
    assert leftovers(root) == [], "no temporary files of interrupted writes"
    # the cache left behind is sound: a cached run equals a run without it
    code_cached, cached, _ = run(root, *CHECK)
    code_fresh, fresh, _ = run(root, "check", "-j", "1", "--format", "json", "--no-cache")
    assert (code_cached, cached) == (code_fresh, fresh)
    assert b"\\u043d\\u043e\\u0432\\u0430\\u044f" in fresh or "новая".encode() in fresh


@pytest.mark.slow
def test_sigkill_leaves_the_previous_report_and_cache_usable(tmp_path: Path) -> None:
    root = corpus(tmp_path, 1500)
    code, _, err = run(root, *REPORT)
    assert code in (0, 1), err
    previous = (root / "out" / "report.json").read_bytes()
    json.loads(previous)
    kills = 0
    for cpu in (0.8, 2.0, 3.5):  # at different points of the run
        proc = start(
            root,
            ("report", "--no-exec", "-j", "1", "--format", "json", "--output-dir", "out"),
            quiet=True,
        )
        try:
            wait_for_cpu(proc, cpu)
        except pytest.fail.Exception:
            proc.wait(timeout=600)
            continue  # it finished first: nothing was killed this time
        proc.kill()
        proc.wait(timeout=60)
        kills += 1
        report = (root / "out" / "report.json").read_bytes()
        assert report == previous or json.loads(report), "the report is whole, old or new"
        code_next, out_next, err_next = run(root, *REPORT)
        assert code_next == code, err_next
        assert "Traceback" not in err_next
        assert json.loads(out_next) == json.loads(previous)
        previous = (root / "out" / "report.json").read_bytes()
    assert kills >= 1, "no run was killed: the corpus is too small"
    code_cached, cached, _ = run(root, *CHECK)
    code_fresh, fresh, _ = run(root, "check", "-j", "1", "--format", "json", "--no-cache")
    assert (code_cached, cached) == (code_fresh, fresh)
