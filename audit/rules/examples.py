"""Code examples: every runnable example must compile (EX001, EX007, stage "static"), and run
as its page says (EX002-EX006, stage "examples").

For the second stage the caller runs :func:`audit.examples.execute.run_examples` and passes the
list of ``ExampleResult`` as ``RuleContext.example_results``.
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from audit.model.example import ExampleResult
from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.rules.registry import RuleContext, rule

# include placeholders of the doc toolchains: pymdownx.snippets `--8<-- "file"`, mdx_include
# `{!> file !}` / `{! file !}`, and FastAPI's docs `{* file *}`; the included code is elsewhere
_INCLUDE = re.compile(
    r"""^[ \t]*(?:-{1,}8<-{1,}[ \t]*(?:["'][^"'\n]*["'])?|\{!>?[^\n]*?!\}|\{\*[^\n]*?\*\})[ \t]*$"""
)
_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")
_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # notebook/asyncio REPL-style examples


@rule("EX001", "example-syntax-error", Severity.ERROR, scope="file")
def example_syntax_error(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example does not compile.

    What it checks: every fenced `python`/`py` block that is not opted out compiles with
    `compile()` (top-level `await` allowed, an excerpt indented as a whole dedented first, include
    placeholders such as `--8<-- "file"`, `{!> file !}` and `{* file *}` standing for code that
    is elsewhere); the error is reported at its line and column in the Markdown file.
    Why: a reader copying the example gets a SyntaxError; it can never count as working.
    Example: a block with `print("x"` (unclosed parenthesis).
    Fix: correct the code, or mark a deliberately partial sketch `python skip`.
    """
    languages = set(ctx.config.examples.languages)
    for doc in ctx.graph.documents.values():
        for block in doc.code_blocks:
            if block.language not in languages or block.skip_reason:
                continue
            problem = compile_problem(block.code)
            if problem is None:
                continue
            if problem.line is None:
                span = Span(doc.path, block.code_line, max(1, block.code_column))
            else:
                column = max(1, block.column_of(problem.line) + problem.offset - 1)
                span = Span(doc.path, block.code_line + problem.line - 1, column)
            yield ctx.finding("EX001", span, f"example does not compile: {problem.message}")


@dataclass(frozen=True, slots=True)
class CompileProblem:
    """Why an example's code does not compile, and where (relative to the code)."""

    message: str
    line: int | None = None  # 1-based code line; None: the error has no position (ValueError)
    offset: int = 1  # 1-based character offset in that line as written (before dedenting)


@lru_cache(maxsize=8192)
def compile_problem(code: str) -> CompileProblem | None:
    """EX001's verdict on one example's code, None when it compiles: the one definition of
    "compiles" (coverage's static "working example" reads it too). A pure function of the code,
    so each distinct example is compiled once per process however many gaps claim its section
    and whichever of EX001 and coverage asks first."""
    code = _without_includes(code)
    dedented = textwrap.dedent(code)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(dedented, "<example>", "exec", flags=_FLAGS, dont_inherit=True)
    except SyntaxError as exc:
        number, offset = _error_position(dedented, exc)
        offset += _removed_indent(code, dedented, number)
        return CompileProblem(exc.msg, number, offset)
    except (ValueError, MemoryError, RecursionError) as exc:
        return CompileProblem(str(exc))
    return None


@rule("EX007", "example-include-placeholder", Severity.INFO, scope="file")
def example_include_placeholder(ctx: RuleContext) -> Iterator[Finding]:
    """A Python example includes code from another file, which the audit does not check.

    What it checks: lines of a runnable example that are include placeholders of a docs
    toolchain (`--8<-- "file"` of pymdownx.snippets, `{!> file !}` of mdx_include, `{* file *}`
    of FastAPI's docs). The rest of the example is still compiled (EX001), each placeholder
    standing for code that is elsewhere.
    Why: the included file is not part of the page; a syntax error in it is not reported, and
    reporting the placeholder itself as a syntax error would be wrong.
    Example: a fence holding only `--8<-- "examples/rag.py"`.
    Fix: nothing to fix; check the included file with your test suite.
    """
    languages = set(ctx.config.examples.languages)
    for doc in ctx.graph.documents.values():
        for block in doc.code_blocks:
            if block.language not in languages or block.skip_reason:
                continue
            lines = block.code.split("\n")
            for index in _include_lines(lines):
                number, line = index + 1, lines[index]
                yield ctx.finding(
                    "EX007",
                    Span(doc.path, block.code_line + number - 1, block.column_of(number)),
                    f"include placeholder '{line.strip()}': the included code is not checked",
                )


def _include_lines(lines: list[str]) -> list[int]:
    """Indexes of include placeholder lines, the block form of snippets included (a line
    ``--8<--`` alone opens and closes a list of file names)."""
    out: list[int] = []
    in_block = False
    for index, line in enumerate(lines):
        if _SNIPPET_BLOCK.match(line):
            in_block = not in_block
            out.append(index)
        elif in_block or _INCLUDE.match(line):
            out.append(index)
    return out


def _without_includes(code: str) -> str:
    """The code with each include placeholder line replaced by ``pass`` at its indentation
    (the line count stays, so error lines stay right)."""
    lines = code.split("\n")
    for index in _include_lines(lines):
        line = lines[index]
        lines[index] = line[: len(line) - len(line.lstrip())] + "pass"
    return "\n".join(lines)


def _removed_indent(code: str, dedented: str, number: int) -> int:
    """How many characters dedenting took off the start of code line ``number``."""
    before, after = code.split("\n"), dedented.split("\n")
    if not 1 <= number <= min(len(before), len(after)) or not after[number - 1].strip():
        return 0
    return len(before[number - 1]) - len(after[number - 1])


def _error_position(code: str, exc: SyntaxError) -> tuple[int, int]:
    """(1-based code line, 1-based character offset in it) of a SyntaxError, kept inside the
    code: an error past the last line (unexpected end of input) is put at the end of the last
    line, an offset past the end of its line at that end."""
    lines = code.split("\n")
    if code.endswith("\n") and len(lines) > 1:
        lines.pop()
    number = exc.lineno or 1
    offset = exc.offset or 1
    if number > len(lines):
        number, offset = len(lines), len(lines[-1]) + 1
    number = max(number, 1)
    text = lines[number - 1]
    # CPython 3.11 reports "leading zeros in decimal integer literals" at a UTF-8 byte offset
    # (the other errors count characters): take the byte reading when it, and only it, lands
    # on the zero the message is about
    if exc.msg.startswith("leading zeros") and not text.isascii() and offset > 1:
        by_bytes = len(text.encode("utf-8")[: offset - 1].decode("utf-8", "ignore")) + 1
        if text[offset - 1 : offset] != "0" and text[by_bytes - 1 : by_bytes] == "0":
            offset = by_bytes
    return number, min(max(offset, 1), len(text) + 1)


# ----------------------------------------------------------- the examples stage
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
