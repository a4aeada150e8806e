"""The worker, the one file that runs inside the sandbox: started by path with ``-I`` by the
example interpreter (which may be another Python than the audit's), so it cannot import
``audit``; and its bytes are part of the cache key, so changing it re-runs every example."""

from __future__ import annotations

import ast
import hashlib
import sys
from pathlib import Path
from typing import Any

import pytest

from audit.examples import launch
from audit.examples.isolation import Isolation
from tests.examples.conftest import RunMarkdown, config_with


def test_the_worker_imports_only_the_standard_library() -> None:
    tree = ast.parse(launch.WORKER.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert "ctypes" in imported  # the walk sees the imports inside functions too
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_the_worker_is_started_by_path_in_isolated_mode(
    run_md: RunMarkdown, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []
    real = launch._launch

    def recording(cmd: list[str], **kwargs: Any) -> Any:
        commands.append(cmd)
        return real(cmd, **kwargs)

    monkeypatch.setattr(launch, "_launch", recording)
    page = "## S\n\n```python\nimport sys\nprint(sys.flags.isolated)\n```\n\n"
    results = run_md(page + "```text output\n1\n```\n")
    assert [r.status for r in results] == ["works"]  # the expected "1": isolated mode
    [cmd] = commands
    script = Path(cmd[cmd.index("-I") + 3])  # -I -X utf8 <script>
    assert script == launch.WORKER and script.name == "worker.py" and script.is_file()


def test_the_cache_key_follows_the_worker_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = launch.options_from_config(config_with(), Isolation())
    digest = hashlib.sha256(launch.WORKER.read_bytes()).hexdigest()
    assert options.fingerprint()["worker"] == digest
    edited = tmp_path / "worker.py"
    edited.write_bytes(launch.WORKER.read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(launch, "WORKER", edited)
    launch._worker_digest.cache_clear()
    try:
        assert options.fingerprint()["worker"] != digest
    finally:
        monkeypatch.undo()
        launch._worker_digest.cache_clear()
    assert options.fingerprint()["worker"] == digest
