"""Examples found in documents and the outcome of running them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ExampleStatus = Literal[
    "works",
    "failed",
    "timeout",
    "output-mismatch",
    "needs-module",
    "skipped",
    "syntax-error",
    "limit-exceeded",
]


@dataclass(frozen=True, slots=True)
class Example:
    """One runnable block. ``id`` is ``path:line`` of its opening fence."""

    id: str
    path: str
    line: int
    code_line: int
    section: str  # anchor of the H2 section ("" before any heading)
    section_title: str
    code: str
    expected_output: str | None
    timeout_s: float | None
    skip_reason: str = ""


@dataclass(frozen=True, slots=True)
class ExampleResult:
    example_id: str
    path: str
    line: int
    section: str
    status: ExampleStatus
    duration_s: float = 0.0
    cached: bool = False
    message: str = ""  # short reason: exception line, "needs numpy", diff summary
    detail: str = ""  # traceback / unified diff / truncated output
    error_line: int = 0  # Markdown line of the failing statement, when known
    missing_module: str = ""
    isolation: tuple[str, ...] = field(default_factory=tuple)  # e.g. ("rlimits", "unshare-net")
