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
                number, offset = _error_position(block.code, exc)
                column = max(1, block.column_of(number) + offset - 1)
                yield ctx.finding(
                    "EX001",
                    Span(doc.path, block.code_line + number - 1, column),
                    f"example does not compile: {exc.msg}",
                )
            except (ValueError, MemoryError, RecursionError) as exc:
                yield ctx.finding(
                    "EX001",
                    Span(doc.path, block.code_line, max(1, block.code_column)),
                    f"example does not compile: {exc}",
                )


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
