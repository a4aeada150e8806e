"""What ``content-audit check --format json`` reports on a tree, as comparable tuples.

The rule tests assert through this public surface (not the rule functions), so they hold while
the rules move between modules.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli

Diagnostic = tuple[str, str, int, int, str, str]  # code, path, line, column, severity, message


def check(root: Path, *args: str) -> tuple[int, list[Diagnostic]]:
    """Exit code and every diagnostic of ``check --no-cache`` (or another command) on ``root``."""
    run = run_cli([*(args or ("check",)), "--no-cache", "--format", "json"], root)
    assert run.code in (0, 1), run.err
    found = [
        (d["code"], d["path"], d["line"], d["column"], d["severity"], d["message"])
        for d in json.loads(run.out)["diagnostics"]
    ]
    return run.code, found


def registered_severities(cwd: Path) -> dict[str, str]:
    """code → default severity, from ``content-audit rules`` (`CODE  name  severity  summary`)."""
    run = run_cli(["rules"], cwd)
    return {line.split()[0]: line.split()[2] for line in run.out.splitlines() if line}
