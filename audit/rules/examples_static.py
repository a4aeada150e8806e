"""The static half of example checking: every runnable example must at least compile."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.rules.registry import RuleContext, rule


@rule("EX001", "example-syntax-error", Severity.ERROR, scope="file")
def example_syntax_error(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example does not compile.

    What it checks: every fenced `python`/`py` block that is not opted out compiles with
    `compile()`; the error is reported at its line and column in the Markdown file.
    Why: a reader copying the example gets a SyntaxError; it can never count as working.
    Example: a block with `print("x"` (unclosed parenthesis).
    Fix: correct the code, or mark a deliberately partial sketch `python skip`.
    """
    languages = set(ctx.config.examples.languages)
    for doc in ctx.graph.documents.values():
        for block in doc.code_blocks:
            if block.language not in languages or block.skip_reason:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    compile(block.code, f"{doc.path}:{block.code_line}", "exec", dont_inherit=True)
            except SyntaxError as exc:
                line = block.code_line + max((exc.lineno or 1) - 1, 0)
                column = (exc.offset or 1) + block.span.column - 1
                yield ctx.finding(
                    "EX001", Span(doc.path, line, column), f"example does not compile: {exc.msg}"
                )
            except (ValueError, MemoryError, RecursionError) as exc:
                yield ctx.finding(
                    "EX001", Span(doc.path, block.code_line, 1), f"example does not compile: {exc}"
                )
