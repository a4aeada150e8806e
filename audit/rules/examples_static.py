"""The static half of example checking: every runnable example must at least compile."""

from __future__ import annotations

import ast
import re
import textwrap
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

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
    # the same example is often copied into several pages: each distinct text compiles once
    outcomes: dict[str, _Outcome] = {}
    for doc in ctx.graph.documents.values():
        for block in doc.code_blocks:
            if block.language not in languages or block.skip_reason:
                continue
            code = _without_includes(block.code)
            dedented = textwrap.dedent(code)
            if dedented in outcomes:
                outcome = outcomes[dedented]
            else:
                outcome = outcomes[dedented] = _compile(dedented)
            if outcome is None:
                continue
            if isinstance(outcome, _SyntaxProblem):
                number, offset = outcome.number, outcome.offset
                offset += _removed_indent(code, dedented, number)
                column = max(1, block.column_of(number) + offset - 1)
                yield ctx.finding(
                    "EX001",
                    Span(doc.path, block.code_line + number - 1, column),
                    f"example does not compile: {outcome.msg}",
                )
            else:
                yield ctx.finding(
                    "EX001",
                    Span(doc.path, block.code_line, max(1, block.code_column)),
                    f"example does not compile: {outcome}",
                )


@dataclass(frozen=True)
class _SyntaxProblem:
    """A SyntaxError as EX001 reports it: (code line, offset) already kept inside the code."""

    number: int
    offset: int
    msg: str


# None (it compiles), a SyntaxError's place and message, or the text of any other error
_Outcome = _SyntaxProblem | str | None


def _compile(dedented: str) -> _Outcome:
    """Compile an example's text. The file name given to ``compile`` is no part of what EX001
    reports (the finding carries the Markdown path), so the outcome depends on the text alone."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(dedented, "<example>", "exec", flags=_FLAGS, dont_inherit=True)
    except SyntaxError as exc:
        number, offset = _error_position(dedented, exc)
        return _SyntaxProblem(number, offset, exc.msg)
    except (ValueError, MemoryError, RecursionError) as exc:
        return str(exc)
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
