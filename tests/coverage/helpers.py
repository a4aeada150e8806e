"""Run the full audit (no execution, no cache) on a copy of a fixture tree."""

from __future__ import annotations

from pathlib import Path

from audit.config import load_config
from audit.model.finding import Finding
from audit.pipeline import Audit, full_audit

FIXTURES = Path(__file__).parent.parent / "fixtures"
TRACKER = "content/ml/пробелы-в-покрытии.md"


def audit_tree(root: Path) -> Audit:
    return full_audit(load_config(str(root / "content-audit.yaml")), execute=False, use_cache=False)


def found(audit: Audit, code: str) -> list[Finding]:
    return [f for f in audit.findings if f.code == code]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
