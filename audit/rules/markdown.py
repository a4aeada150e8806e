"""Markdown structure the parser cannot read as intended: unclosed fences, empty anchors,
duplicate reference labels, nesting too deep to analyse."""

from audit.model.finding import Severity
from audit.rules.registry import problem_rule

problem_rule(
    "MD001",
    "unclosed-code-fence",
    Severity.WARNING,
    """
    A fenced code block is never closed.

    What it checks: every opening ``` or ~~~ fence has a matching closing fence.
    Why: CommonMark then treats the rest of the file as code: headings, links and Q&A vanish.
    Example: a block opened with ```python and the closing fence forgotten.
    Fix: add the closing fence.
""",
    family="markdown",
)
problem_rule(
    "MD002",
    "empty-heading-anchor",
    Severity.WARNING,
    """
    A heading has no letters or digits, so its anchor is empty.

    What it checks: the slug of every heading is non-empty.
    Why: the generator then invents `_1`-style anchors that change whenever headings move.
    Example: `## ???`.
    Fix: give the heading words, or an explicit `{#anchor}`.
""",
    family="markdown",
)
problem_rule(
    "MD004",
    "duplicate-reference-definition",
    Severity.WARNING,
    """
    A link reference label is defined twice.

    What it checks: every `[label]: target` definition has a label of its own.
    Why: renderers disagree: mkdocs (Python-Markdown) uses the last definition, CommonMark
    renderers such as GitHub the first, so the same link goes to two places.
    Example: `[docs]: a.md` near the top and `[docs]: b.md` at the end of the page.
    Fix: delete one definition or give it another label.
""",
    family="markdown",
)
problem_rule(
    "MD003",
    "too-deeply-nested",
    Severity.ERROR,
    """
    The file's structure is nested too deeply to analyse.

    What it checks: the parser finishes without exhausting the recursion limit.
    Why: such nesting is never intended content, and the rest of the file is not audited.
    Example: ten thousand nested block quotes.
    Fix: flatten the structure.
""",
    family="markdown",
)
