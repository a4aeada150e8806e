"""End to end: another repository installs this repository's hooks with the real pre-commit.

A temporary git repository with content and a content-audit.yaml uses
``repo: <this checkout>`` at ``rev: <HEAD commit>``: pre-commit clones the committed state (not
the working tree) and pip-installs it into the hook's own virtualenv, exactly as a user's
pre-commit does with a remote URL. Committing a broken link must fail with the finding; fixing it
must let the commit through. PRE_COMMIT_HOME is a temporary folder: nothing of the user's is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent.parent

pytestmark = pytest.mark.slow

GUIDE = """# Путеводитель

Обновлено: 2026-01-15

## 1. Введение

Сначала прочитайте [основы](основы.md#{anchor}).
"""

BASICS = """# Основы

## Термины

Токен — единица текста.
"""

MATERIALS = """# Материалы

## 1. Токенизация

BPE склеивает частые пары символов.
"""

TRACKER = """# Пробелы в покрытии

## КРИТИЧЕСКИЕ GAPS

### 1. Токенизация — ЗАПОЛНЕНО

Добавлено в materials.md section {section}:
- BPE и словарь
"""

EXAMPLE = """# Пример

## Код

```python
raise ValueError("пример сломан")
```
"""


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def _env(tmp_path: Path) -> dict[str, str]:
    # GIT_DIR / GIT_INDEX_FILE are set when pytest itself runs inside a git hook: drop them
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(tmp_path / "home"),
            "PYTHONIOENCODING": "utf-8",
            "NO_COLOR": "1",
        }
    )
    (tmp_path / "home").mkdir()
    return env


def _commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", message],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _hook_revision(env: dict[str, str]) -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    probe = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0 or Path(probe.stdout.strip()).resolve() != PROJECT.resolve():
        pytest.skip("this checkout is not a git repository (pre-commit installs hooks from one)")
    sha = _git("rev-parse", "HEAD", cwd=PROJECT, env=env)
    manifest = subprocess.run(
        ["git", "cat-file", "-e", f"{sha}:.pre-commit-hooks.yaml"],
        cwd=PROJECT,
        env=env,
        check=False,
    )
    assert manifest.returncode == 0, "HEAD has no .pre-commit-hooks.yaml: commit it first"
    return sha


def test_hook_from_this_repository_blocks_a_broken_link(tmp_path: Path) -> None:
    env = _env(tmp_path)
    sha = _hook_revision(env)
    repo = tmp_path / "kb"
    (repo / "content").mkdir(parents=True)
    _git("init", "-q", "-b", "main", cwd=repo, env=env)
    # this team blocks commits on a tracker claim that credits nothing (a warning by default)
    (repo / "content-audit.yaml").write_text(
        "content_root: content\nrules:\n  severity:\n    GP001: error\n", encoding="utf-8"
    )
    (repo / ".gitignore").write_text(".content-audit-cache/\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {PROJECT.resolve()}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        "      - id: content-audit\n"
        "      - id: content-audit-examples\n"
        "        stages: [manual]\n",
        encoding="utf-8",
    )
    (repo / "content" / "основы.md").write_text(BASICS, encoding="utf-8")
    _git("add", ".", cwd=repo, env=env)
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--install-hooks"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    # a link to an anchor that does not exist: the commit is refused with the finding
    (repo / "content" / "путеводитель.md").write_text(
        GUIDE.format(anchor="нет-такого"), encoding="utf-8"
    )
    _git("add", ".", cwd=repo, env=env)
    refused = _commit(repo, env, "guide with a broken anchor")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "content-audit" in output and "Failed" in output, output
    assert "content/путеводитель.md:7:20: XR002 [error]" in output, output
    assert "нет-такого" in output
    with pytest.raises(AssertionError):  # nothing was committed
        _git("rev-parse", "HEAD", cwd=repo, env=env)

    # fixed: the same commit goes through
    (repo / "content" / "путеводитель.md").write_text(
        GUIDE.format(anchor="термины"), encoding="utf-8"
    )
    _git("add", ".", cwd=repo, env=env)
    accepted = _commit(repo, env, "guide")
    output = accepted.stdout + accepted.stderr
    assert accepted.returncode == 0, output
    assert "content-audit" in output and "Passed" in output, output
    assert _git("log", "--format=%s", cwd=repo, env=env) == "guide"

    # a tracker claims a section its page does not have: refused with the tracker finding
    (repo / "content" / "llm").mkdir()
    (repo / "content" / "llm" / "материалы.md").write_text(MATERIALS, encoding="utf-8")
    tracker = repo / "content" / "llm" / "пробелы-в-покрытии.md"
    tracker.write_text(TRACKER.format(section=17), encoding="utf-8")
    _git("add", ".", cwd=repo, env=env)
    refused = _commit(repo, env, "tracker with a wrong section")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "content/llm/пробелы-в-покрытии.md:7:1: GP001 [error]" in output, output
    assert "claims section 17 of materials.md" in output, output
    assert _git("log", "--format=%s", cwd=repo, env=env) == "guide"
    tracker.write_text(TRACKER.format(section=1), encoding="utf-8")
    _git("add", ".", cwd=repo, env=env)
    accepted = _commit(repo, env, "tracker")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert _git("log", "-1", "--format=%s", cwd=repo, env=env) == "tracker"

    # the opt-in examples hook (manual stage here) runs only the examples of the files it gets
    (repo / "content" / "пример.md").write_text(EXAMPLE, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "content-audit-examples",
            "--hook-stage",
            "manual",
            "--files",
            "content/пример.md",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "content/пример.md:6: failed" in output, output
    assert "1 examples: 1 failed" in output, output
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "content-audit-examples",
            "--hook-stage",
            "manual",
            "--verbose",
            "--files",
            "content/основы.md",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 examples: no examples" in run.stdout
