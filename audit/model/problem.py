"""What a parser met and could not read as content: a fact about a file, not yet a finding.

Parsing reports what it saw (an undecodable byte, unclosed fence, YAML that does not load, a
tracker entry of no known shape) as a ``Problem`` with the code of the rule that reports it. It
carries no severity: the rule registered under ``code`` in ``audit/rules/`` turns problems into
findings, so the severity is declared in one place, the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.model.span import Span


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # the code of the rule that turns it into a finding (IO002, MD001, GP013...)
    span: Span
    message: str
    hint: str = ""
