"""Fixtures for the examples stage: run Markdown text through discovery and the sandbox."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.examples.execute import run_examples
from audit.model.config import Config
from audit.model.example import ExampleResult
from tests.helpers import parse_text

TOKEN_VAR = "CONTENT_AUDIT_TEST_TOKEN"

RunMarkdown = Callable[..., list[ExampleResult]]


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    """A unique value passed to the examples (allow-listed) so their processes can be found."""
    value = uuid.uuid4().hex
    monkeypatch.setenv(TOKEN_VAR, value)
    return value


def config_with(**examples: Any) -> Config:
    base = {"env_allow": ["PATH", "LANG", TOKEN_VAR], "timeout_s": 10.0}
    base.update(examples)
    return Config.model_validate({"examples": base})


@pytest.fixture
def run_md(tmp_path: Path, token: str) -> RunMarkdown:
    """Parse Markdown text as one document and run its examples (no cache unless asked)."""

    def run(
        text: str,
        path: str = "content/llm/материалы.md",
        use_cache: bool = False,
        jobs: int = 1,
        **examples: Any,
    ) -> list[ExampleResult]:
        doc = parse_text(text, path)
        return run_examples(
            [doc], config_with(**examples), tmp_path, jobs=jobs, use_cache=use_cache
        )

    return run


def processes_with(token: str) -> list[int]:
    """PIDs (any namespace) whose environment carries the test token."""
    needle = f"{TOKEN_VAR}={token}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if needle in handle.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def assert_no_process_left(token: str) -> None:
    """Bounded wait (killed processes take a moment to be reaped), then none may remain."""
    left: list[int] = []
    for _ in range(100):
        left = processes_with(token)
        if not left:
            return
        time.sleep(0.05)
    raise AssertionError(f"example processes still alive: {left}")
