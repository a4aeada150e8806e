"""Helpers shared by the test modules: parse a string, run the pipeline or the CLI on a tree."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.cli import main
from audit.config import LoadedConfig, load_config
from audit.model.config import Config
from audit.model.document import Document
from audit.model.finding import Finding
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.pipeline import Analysis, analyse

PROJECT = Path(__file__).parent.parent

Key = tuple[str, str, int, int]  # (code, path, line, column)


def parse_text(
    text: str | bytes, path: str = "content/llm/материалы.md", **config: Any
) -> Document:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse(Source(path, path, data, "digest"), Config.model_validate(config))


def analyse_tree(root: Path, **config: Any) -> Analysis:
    """Run discover → parse → graph → rules on a tree (its content-audit.yaml if present)."""
    if config or not (root / "content-audit.yaml").is_file():
        loaded = LoadedConfig(Config.model_validate(config), root, None)
    else:
        loaded = load_config(str(root / "content-audit.yaml"))
    return analyse(loaded)


def keys(findings: Sequence[Finding], prefix: str = "") -> list[Key]:
    """(code, path, line, column) of each finding whose code starts with ``prefix``."""
    return sorted(
        (f.code, f.span.path, f.span.line, f.span.column)
        for f in findings
        if f.code.startswith(prefix)
    )


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(args: Sequence[str], cwd: Path) -> Run:
    """Run ``content-audit ARGS`` in-process from ``cwd``, capturing stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def run_subprocess(args: Sequence[str], cwd: Path) -> Run:
    """Run ``python -m audit ARGS`` in a real process (what a user sees, tracebacks included)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "audit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def text_at(root: Path, path: str, line: int, column: int, width: int = 1) -> str:
    """The characters of ``root/path`` at a 1-based line and character column (BOM/CRLF aware)."""
    text = (root / path).read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[line - 1][column - 1 : column - 1 + width]
