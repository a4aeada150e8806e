"""The serve rebuild path (incremental static findings, tracker stage on a graph view) gives the
full audit's answer: the same findings and the same gap statuses and scores, on a generated
corpus with wishes, task relations and broken references, before and after an edit."""

from __future__ import annotations

from pathlib import Path

from audit.cache.incremental import check
from audit.config import load_config
from audit.discover import discover
from audit.mkdocs_plugin.fast import tracker_audit
from audit.pipeline import Audit, full_audit, parse_memo
from bench.corpus import generate


def _key(audit: Audit) -> tuple[object, ...]:
    return (
        [(f.code, f.span, f.message, f.severity) for f in audit.findings],
        [(g.gap.id, g.gap.tracker, g.status, g.score) for g in audit.coverage.gaps],
        [(b.name, b.score) for b in audit.coverage.by_track],
        audit.coverage.overall,
        [(t.name, t.actual, t.passed) for t in audit.thresholds],
    )


def test_the_rebuild_path_equals_the_full_audit(tmp_path: Path) -> None:
    generate(tmp_path, 120, seed=3)
    loaded = load_config(cwd=tmp_path)
    memo: dict = {}
    full = full_audit(loaded, execute=False, use_cache=True)  # leaves the engine its state
    assert full.trackers and any(t.wishes for t in full.trackers)
    for round_ in range(2):
        static, _paths = check(loaded, 1)
        docs = parse_memo(discover(loaded.config, loaded.root), loaded.config, memo)
        fast = tracker_audit(loaded, docs, static, {})
        assert _key(fast) == _key(full_audit(loaded, execute=False, use_cache=False))
        assert any(f.code.startswith("GP") for f in fast.findings)
        page = next(tmp_path.rglob("материалы.md"))
        page.write_text(page.read_text(encoding="utf-8") + f"\nПравка {round_}.\n", "utf-8")
