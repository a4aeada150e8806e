"""The single Finding type every rule produces and every reporter renders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from audit.model.span import Span


class Severity(StrEnum):
    """Ordered from most to least severe; only ``error`` fails a run by default."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    span: Span
    message: str
    hint: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.column, self.code, self.message)
