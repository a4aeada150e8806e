"""Formats for a list of findings (the `check` command): text, JSON, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from audit import __version__
from audit.model.finding import Finding, Severity

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.span.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
    }


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for finding in findings:
        out[finding.severity.value] += 1
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(findings: Sequence[Finding], files: int) -> str:
    c = counts(findings)
    return (
        f"{_plural(files, 'file')} checked: {_plural(c['error'], 'error')}, "
        f"{_plural(c['warning'], 'warning')}, {_plural(c['info'], 'note')}"
    )


def render_text(findings: Sequence[Finding], files: int) -> str:
    lines = []
    for f in findings:
        hint = f" ({f.hint})" if f.hint else ""
        lines.append(
            f"{f.span.path}:{f.span.line}:{f.span.column}: {f.code} "
            f"[{f.severity.value}] {f.message}{hint}"
        )
    lines.append(summary_line(findings, files))
    lines.append("")  # the final newline, without a second copy of the whole text
    return "\n".join(lines)


_FLAT_MEMBERS = json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": "))


def render_json(findings: Sequence[Finding], files: int) -> str:
    """The document ``json.dumps(payload, indent=2)`` writes, built one diagnostic at a time.

    With ``indent`` the encoder is the pure-Python one, which collects every token of the whole
    document before joining them: 79 MB for the 27,000 findings of a 20,000-file tree (a 10 MB
    result). Each diagnostic is encoded on its own, its members two levels deep, and the text is
    joined once."""
    head = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "content-audit", "version": __version__},
        "files_checked": files,
        "summary": counts(findings),
        "diagnostics": [],
    }
    text = json.dumps(head, ensure_ascii=False, indent=2)
    if not findings:
        return text + "\n"
    opening = text[: text.rindex("[]")]  # everything up to the empty list, the last value
    # a diagnostic is a flat object of strings and numbers: the C encoder (no indent) with the
    # indented item separator writes its members exactly as the indenting encoder would
    members = _FLAT_MEMBERS.encode
    items = ["    {\n      " + members(finding_dict(f))[1:-1] + "\n    }" for f in findings]
    # one join: the items, then the whole text (each concatenation was one more copy of it)
    items[0] = opening + "[\n" + items[0]
    items[-1] += "\n  ]\n}\n"
    return ",\n".join(items)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def github_annotation(
    severity: str, path: str, line: int, column: int, code: str, message: str, hint: str = ""
) -> str:
    """One GitHub Actions workflow command (``::error file=...::message``) for one finding."""
    props = f"file={_escape_property(path)},line={line},col={column},title={_escape_property(code)}"
    text = message + (f" ({hint})" if hint else "")
    return f"::{_GITHUB_LEVEL[severity]} {props}::{_escape_data(f'{code} {text}')}"


def render_github(findings: Sequence[Finding], files: int) -> str:
    lines = [
        github_annotation(
            f.severity.value, f.span.path, f.span.line, f.span.column, f.code, f.message, f.hint
        )
        for f in findings
    ]
    lines.append(summary_line(findings, files))
    lines.append("")  # the final newline, without a second copy of the whole text
    return "\n".join(lines)


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}


def filter_findings(findings: Sequence[Finding], selected: list[str] | None) -> list[Finding]:
    """The findings in the selected files or folders (``None`` or ``""`` selects everything):
    ``check FILE`` and ``check --watch FILE`` report only there, after checking the whole tree."""
    if selected is None:
        return list(findings)
    if "" in selected:
        return list(findings)
    return [
        f
        for f in findings
        if any(f.span.path == p or f.span.path.startswith(p + "/") for p in selected)
    ]
