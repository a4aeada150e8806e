"""``content-audit check --watch``: the in-memory engine of the server, driven by file events.

The first run prints every finding; after that each change prints only the findings that
appeared (``+``) or went away (``-``) and one summary line, so the terminal reads like a log of
what the last save did. Ctrl-C ends it with one line and exit code 130.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from audit.config import LoadedConfig
from audit.lsp.state import State
from audit.model.finding import Finding, Severity
from audit.report.diagnostics import filter_findings, finding_dict

EXIT_INTERRUPTED = 130


def _line(finding: Finding) -> str:
    span = finding.span
    hint = f" ({finding.hint})" if finding.hint else ""
    return (
        f"{span.path}:{span.line}:{span.column}: {finding.code} [{finding.severity.value}] "
        f"{finding.message}{hint}"
    )


def _key(finding: Finding) -> tuple[str, int, int, str, str]:
    return finding.sort_key()


def _selected(findings: Iterable[Finding], selected: list[str] | None) -> list[Finding]:
    return filter_findings(list(findings), selected)


def _summary(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    notes = len(findings) - errors - warnings
    return f"{errors} errors, {warnings} warnings, {notes} notes"


def report(
    before: list[Finding], after: list[Finding], fmt: str, files: int, seconds: float
) -> str:
    """What one run prints: the findings that appeared and went away, then a summary."""
    old = {_key(f): f for f in before}
    new = {_key(f): f for f in after}
    added = [new[k] for k in sorted(new.keys() - old.keys())]
    fixed = [old[k] for k in sorted(old.keys() - new.keys())]
    if fmt == "json":
        row = {
            "added": [finding_dict(f) for f in added],
            "fixed": [finding_dict(f) for f in fixed],
            "total": len(after),
            "files": files,
            "seconds": round(seconds, 4),
        }
        return json.dumps(row, ensure_ascii=False) + "\n"
    lines = [f"+ {_line(f)}" for f in added] + [f"- {_line(f)}" for f in fixed]
    lines.append(
        f"[{time.strftime('%H:%M:%S')}] {files} files re-checked in {seconds * 1000:.0f} ms: "
        f"+{len(added)} -{len(fixed)}; now {_summary(after)}"
    )
    return "\n".join(lines) + "\n"


def apply_events(state: State, paths: Iterable[Path]) -> int:
    """Feed changed paths into the state; the number of documents re-checked."""
    changes, touched = state.disk_changes(paths)
    if not changes and not touched:
        return 0
    affected = state.update(changes, touched)
    state.run_global()
    return len(affected)


def watch(loaded: LoadedConfig, selected: list[str] | None, fmt: str = "text") -> int:
    from watchfiles import watch as watch_files

    out = sys.stdout
    try:
        started = time.perf_counter()
        state = State(loaded, lambda line: print(line, file=sys.stderr))
        state.load()
        current = _selected(state.all_findings(), selected)
        out.write(report([], current, fmt, len(state.files), time.perf_counter() - started))
        out.flush()
        folder = state.root
        for batch in watch_files(folder, debounce=50, step=20):
            started = time.perf_counter()
            count = apply_events(state, (Path(p) for _change, p in batch))
            if count == 0:
                continue
            after = _selected(state.all_findings(), selected)
            out.write(report(current, after, fmt, count, time.perf_counter() - started))
            out.flush()
            current = after
    except KeyboardInterrupt:
        print("content-audit: watch stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_INTERRUPTED
