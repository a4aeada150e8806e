"""The rule registry: adding a rule means writing one decorated function in one family module.

Each rule has a stable code (never reused), a kebab-case name, a default severity and a docstring
in four parts (What it checks / Why / Example / Fix) that ``content-audit explain CODE`` prints.

Each rule also declares its **scope**, which the incremental ``check`` relies on:

- ``"file"``: the findings for a file F depend only on F's own ``Document``, the config, and the
  global index: which paths are documents and their anchors (``graph.section_anchors``), whether
  a task id is declared (``graph.task_declared``), whether a non-document link target exists
  (the resolved ``graph.links`` of F), and every such finding is located in F. Such findings are
  cached per file and recomputed only when F changed or an index entry F reads changed.
- ``"global"`` (the default): anything else; recomputed from the whole graph whenever the
  facts it can read (task declarations, relations, mentions, links to documents) changed.

A rule declared ``"file"`` that reads more than that would leave stale findings behind; the
property test in ``tests/cache/test_incremental.py`` compares warm and ``--no-cache`` output
after random edits.

Every finding is made here, in ``audit/rules/``: the parsers only record ``Problem`` facts (no
severity), and ``problem_rule`` registers the rule that turns the problems of its code into
findings at the registered severity.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audit.model.coverage import Coverage, TrackerResults
from audit.model.example import ExampleResult
from audit.model.finding import Finding, Severity
from audit.model.problem import Problem
from audit.model.span import Span
from audit.model.tracker import Tracker

if TYPE_CHECKING:
    from audit.graph.build import TopicGraph
    from audit.model.config import Config


@dataclass
class RuleContext:
    """Everything a rule may read. Rules never parse, never print, never write.

    The results of the later stages are typed fields, set by whoever ran those stages: the
    ``tracker`` rules read ``tracker`` (None: no tracker stage ran), the ``examples`` rules read
    ``example_results`` (None: no example was run).
    """

    graph: TopicGraph
    config: Config
    root: Path
    tracker: TrackerResults | None = None
    example_results: Sequence[ExampleResult] | None = None

    @property
    def trackers(self) -> Sequence[Tracker]:
        return self.tracker.trackers if self.tracker is not None else ()

    @property
    def coverage(self) -> Coverage | None:
        return self.tracker.coverage if self.tracker is not None else None

    def finding(self, code: str, span: Span, message: str, hint: str = "") -> Finding:
        return Finding(code, REGISTRY[code].severity, span, message, hint)


Check = Callable[[RuleContext], Iterable[Finding]]
SCOPES = ("file", "global")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    family: str
    check: Check
    doc: str
    stage: str  # "static" (check/pre-commit) or "tracker", "examples" for later stages
    scope: str = "global"  # "file" or "global": see the module docstring

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


REGISTRY: dict[str, Rule] = {}


def register(
    code: str,
    name: str,
    severity: Severity,
    doc: str,
    check: Check,
    stage: str = "static",
    family: str = "",
    scope: str = "global",
) -> None:
    """Add one rule to the registry (the decorator and the helpers below all end here)."""
    if code in REGISTRY:
        raise ValueError(f"rule code {code} registered twice")
    if scope not in SCOPES:
        raise ValueError(f"rule {code}: scope must be one of {SCOPES}, not {scope!r}")
    family = family or check.__module__.rsplit(".", 1)[-1]
    REGISTRY[code] = Rule(code, name, severity, family, check, inspect.cleandoc(doc), stage, scope)


def rule(
    code: str, name: str, severity: Severity, stage: str = "static", scope: str = "global"
) -> Callable[[Check], Check]:
    def decorate(func: Check) -> Check:
        register(code, name, severity, func.__doc__ or "", func, stage, scope=scope)
        return func

    return decorate


ProblemsOf = Callable[[RuleContext], Iterable[Problem]]


def document_problems(ctx: RuleContext) -> Iterator[Problem]:
    """What parsing met in the documents (encoding, Markdown structure, front matter)."""
    for document in ctx.graph.documents.values():
        yield from document.problems


def problem_rule(
    code: str,
    name: str,
    severity: Severity,
    doc: str,
    family: str,
    problems: ProblemsOf = document_problems,
    stage: str = "static",
    scope: str = "file",
) -> None:
    """Register the rule that reports the parser's problems of ``code`` as findings.

    The severity is the registered one: a problem
    carries none, so a code's severity is written once, here.
    """

    def check(ctx: RuleContext) -> Iterator[Finding]:
        for problem in problems(ctx):
            if problem.code == code:
                yield ctx.finding(code, problem.span, problem.message, problem.hint)

    register(code, name, severity, doc, check, stage, family, scope)
