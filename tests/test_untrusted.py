"""CONTENT_AUDIT_NO_EXEC=1 (CI for pull requests from forks): no example from the content runs.

See the README section "Untrusted pull requests".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

PAGE = """# Страница

## 1. Раздел

```python
print("ran")
```
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "content" / "llm").mkdir(parents=True)
    (root / "content" / "llm" / "материалы.md").write_text(PAGE, encoding="utf-8")
    (root / "content-audit.yaml").write_text("content_root: content\n", encoding="utf-8")
    return root


def test_examples_run_without_the_variable(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: the same page does have an example that runs."""
    monkeypatch.delenv("CONTENT_AUDIT_NO_EXEC", raising=False)
    result = run_cli(["examples", "--format", "json", "--no-cache", "-j", "1"], project)
    rows = json.loads(result.out)
    assert [r["status"] for r in rows] == ["works"], result.err


def test_report_does_not_execute_when_the_variable_is_set(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_AUDIT_NO_EXEC", "1")
    result = run_cli(["report", "--format", "json", "--no-cache"], project)
    report = json.loads(result.out)
    assert report["coverage"]["examples_executed"] is False
    assert report["examples"] == []


def test_examples_command_refuses_to_run_when_the_variable_is_set(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_AUDIT_NO_EXEC", "1")
    result = run_cli(["examples", "--format", "json", "--no-cache"], project)
    assert result.code == 0
    assert result.out == ""
    assert "examples not run: CONTENT_AUDIT_NO_EXEC is set" in result.err
