"""Rules over the outcomes of running the examples (stage "examples").

The caller runs :func:`audit.examples.execute.run_examples` and passes the list of
``ExampleResult`` as ``RuleContext.example_results`` to this stage.
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.model.example import ExampleResult
from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.rules.registry import RuleContext, rule


def _results(ctx: RuleContext, status: str) -> Iterator[ExampleResult]:
    for result in ctx.example_results or ():
        if result.status == status:
            yield result


def _span(result: ExampleResult) -> Span:
    return Span(result.path, result.error_line or result.line)


def _hint(detail: str, limit: int = 1500) -> str:
    return detail if len(detail) <= limit else "…" + detail[-limit:]


@rule("EX002", "example-runtime-error", Severity.ERROR, stage="examples")
def example_runtime_error(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example raises an exception or exits with a non-zero status.

    What it checks: each runnable example, executed in order with the other blocks of its
    section in a fresh interpreter, finishes without an uncaught exception and with exit status
    0. The finding points at the Markdown line of the failing statement when the traceback
    names it, otherwise at the block's opening fence.
    Why: a reader who runs the example gets an error; the gap it belongs to has no working
    example.
    Example: `print(1 / 0)` inside a ```` ```python ```` block → `ZeroDivisionError: division by
    zero (line 42)`.
    Fix: correct the code (or an earlier block of the same section it relies on); mark a
    deliberately failing illustration `python skip`.
    """
    for result in _results(ctx, "failed"):
        yield ctx.finding(
            "EX002", _span(result), f"example fails: {result.message}", _hint(result.detail)
        )


@rule("EX003", "example-timeout", Severity.ERROR, stage="examples")
def example_timeout(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example does not finish within its wall-clock timeout.

    What it checks: each block finishes within the configured timeout (`examples.timeout_s`,
    default 10 s) or the one its info string sets (`python timeout=30`); on timeout the whole
    process group (and PID namespace) of the example is killed.
    Why: an example that hangs blocks readers and CI, and cannot count as working.
    Example: `while True: pass`.
    Fix: make the example terminate quickly (smaller data, fewer iterations), or raise its
    timeout with `python timeout=N` when the work is really needed.
    """
    for result in _results(ctx, "timeout"):
        yield ctx.finding(
            "EX003", _span(result), f"example timed out: {result.message}", _hint(result.detail)
        )


@rule("EX004", "example-output-mismatch", Severity.ERROR, stage="examples")
def example_output_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example prints something other than its expected-output block.

    What it checks: when a ```` ```text output ```` (or ```` ```output ````) block directly
    follows an example, what the example printed to stdout equals it (trailing spaces and
    trailing blank lines ignored). The hint holds a unified diff expected → actual.
    Why: the page shows the reader output that the code does not produce.
    Example: `print(2 + 2)` followed by an output block saying `5`.
    Fix: update the expected output (or the code); make output deterministic (seed random
    generators, sort sets and dict keys before printing).
    """
    for result in _results(ctx, "output-mismatch"):
        yield ctx.finding("EX004", _span(result), result.message, _hint(result.detail))


@rule("EX005", "example-limit-exceeded", Severity.ERROR, stage="examples")
def example_limit_exceeded(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example hits a resource limit of the sandbox.

    What it checks: each example stays within the limits in `examples` (CPU time, memory,
    file size, process count, output size); a `MemoryError`, a too-large file, a refused fork
    or too much output is reported here rather than as an ordinary failure.
    Why: an example that needs gigabytes or prints megabytes is not one a reader can run, and
    the audit must stay safe on content from many authors.
    Example: `x = bytearray(50 * 1024**3)` → memory limit.
    Fix: shrink the example; raise the limit in the config only when the example really needs
    it.
    """
    for result in _results(ctx, "limit-exceeded"):
        yield ctx.finding(
            "EX005", _span(result), f"example hit a limit: {result.message}", _hint(result.detail)
        )


@rule("EX006", "example-needs-module", Severity.INFO, stage="examples")
def example_needs_module(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example imports a module that is not installed in the example environment.

    What it checks: an example whose run ends in `ModuleNotFoundError` for a module the example
    interpreter cannot find at all is reported as "needs X"; it is not a failure, and it does
    not count as a working example.
    Why: the example may well be right, but the audit cannot show it works; the gap it belongs
    to still lacks a working example.
    Example: `import vllm` when vllm is not installed.
    Fix: add the module to the example environment (content/requirements.txt), or provide an
    example that runs with what is installed.
    """
    for result in _results(ctx, "needs-module"):
        yield ctx.finding(
            "EX006",
            Span(result.path, result.line),
            f"example skipped: needs {result.missing_module or 'a module'}",
        )
