"""``check --watch`` with real file changes: only what changed is printed, Ctrl-C is exit 130."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.lsp.client import project

MATERIALS = "content/ml/материалы.md"


def _reader(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


def _wait_for(lines: queue.Queue[str], needle: str, seen: list[str], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return line
    raise AssertionError(f"no line with {needle!r} in {seen}")


def test_watch_prints_what_an_edit_broke_and_fixed_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    root = project(tmp_path)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "audit", "check", "--watch"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    try:
        first = _wait_for(lines, "re-checked", seen)
        assert "+0 -0" in first  # the fixture is clean
        time.sleep(0.5)  # let the watcher settle before the edit
        page = root / MATERIALS
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("#2-агентные-системы", "#2-агенты"), encoding="utf-8")
        added = _wait_for(lines, "XR002", seen)
        assert added.startswith(f"+ {MATERIALS}:7:")
        summary = _wait_for(lines, "re-checked", seen)
        assert "+1 -0" in summary and "1 errors" in summary
        page.write_text(text, encoding="utf-8")
        fixed = _wait_for(lines, "XR002", seen)
        assert fixed.startswith(f"- {MATERIALS}:7:")
        # nothing but the fix is printed: the earlier finding is not repeated
        assert sum(1 for line in seen if "XR002" in line) == 2
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
        assert proc.stderr is not None
        err = proc.stderr.read()
        assert code == 130
        assert err.strip().splitlines() == ["content-audit: watch stopped"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
