"""Thresholds: the run's pass/fail lines, evaluated after every finding is known."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from audit.model.coverage import Coverage, ThresholdResult
from audit.model.finding import Finding, Severity

if TYPE_CHECKING:
    from audit.model.config import Config


def evaluate_thresholds(coverage: Coverage, config: Config, errors: int) -> list[ThresholdResult]:
    th = config.thresholds
    out: list[ThresholdResult] = []
    if not coverage.measured:  # no tracker: a coverage threshold can neither pass nor fail
        return _errors_threshold(th.max_errors, errors)
    if th.overall_min is not None:
        out.append(
            ThresholdResult(
                "overall_min",
                th.overall_min,
                coverage.overall,
                coverage.overall >= th.overall_min,
                ">=",
            )
        )
    for priority, minimum in sorted(th.per_priority_min.items()):
        bucket = next((b for b in coverage.by_priority if b.name == priority), None)
        actual = bucket.score if bucket else 0.0
        out.append(
            ThresholdResult(
                f"per_priority_min.{priority}", minimum, actual, actual >= minimum, ">="
            )
        )
    if th.max_none_per_category is not None:
        for bucket in coverage.by_category:
            out.append(
                ThresholdResult(
                    f"max_none_per_category.{bucket.name}",
                    th.max_none_per_category,
                    bucket.none,
                    bucket.none <= th.max_none_per_category,
                    "<=",
                )
            )
    return out + _errors_threshold(th.max_errors, errors)


def _errors_threshold(max_errors: int | None, errors: int) -> list[ThresholdResult]:
    if max_errors is None:
        return []
    return [ThresholdResult("max_errors", max_errors, errors, errors <= max_errors, "<=")]


def findings_error_count(findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if f.severity is Severity.ERROR)
