"""`report --write` writes the statuses computed with the evidence rules (issue 14, item 6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER
from tests.helpers import run_cli

REGION = (
    "\n## Итоговая оценка покрытия\n\n"
    "<!-- audit:begin coverage-summary -->\nстарое\n<!-- audit:end coverage-summary -->\n"
)


def test_write_counts_the_off_topic_gap_as_not_started(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    tracker = root / TRACKER
    tracker.write_text(tracker.read_text(encoding="utf-8") + REGION, encoding="utf-8")
    run = run_cli(["report", "--no-exec", "--no-cache", "--write", "--format", "json"], root)
    assert run.code in (0, 1), run.err
    text = tracker.read_text(encoding="utf-8")
    region = text.split("<!-- audit:begin coverage-summary -->")[1]
    assert "0 из 5 пробелов закрыты" not in region
    assert "1 из 5 пробелов закрыты, 2 частично, 2 не начаты" in region
    chain = next(line for line in region.splitlines() if line.startswith("- Chain-of-Experts"))
    assert "materials" in chain and "не найдено в разделах пунктов: 1" in chain
    assert "старое" not in region
