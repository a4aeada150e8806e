"""Front matter the parser could not load: invalid YAML, not a mapping, too complex."""

from __future__ import annotations

from audit.model.document import Document
from audit.model.finding import Severity
from audit.model.span import Span
from audit.rules.registry import problem_rule

problem_rule(
    "FM001",
    "invalid-front-matter-yaml",
    Severity.ERROR,
    """
    The YAML front matter does not parse.

    What it checks: the block between the opening and closing `---` is valid YAML.
    Why: mkdocs fails or ignores the metadata; task ids, tracks and gaps are lost.
    Example: `title: "unclosed` or a tab used for indentation.
    Fix: correct the YAML at the reported line.
""",
    family="frontmatter",
)
problem_rule(
    "FM002",
    "front-matter-not-mapping",
    Severity.ERROR,
    """
    The front matter is YAML but not a mapping of keys to values.

    What it checks: the front matter's top level is a mapping.
    Why: keys such as `id` and `track` can only be read from a mapping.
    Example: a front matter that is a bare list `- a - b`.
    Fix: write `key: value` lines.
""",
    family="frontmatter",
)
problem_rule(
    "FM003",
    "front-matter-too-complex",
    Severity.ERROR,
    """
    The front matter is too large, too deep or uses too many aliases.

    What it checks: at most 64 KiB, 32 levels of nesting and 50 aliases.
    Why: YAML alias bombs ("billion laughs") can exhaust memory; real front matter is small.
    Example: `a: &a [x, x]`, `b: &b [*a, *a]`, ... nested ten times.
    Fix: simplify the front matter.
""",
    family="frontmatter",
)


def key_span(doc: Document, key: str) -> Span:
    """Where a front matter key is written (its line; line 1 when the file has no front matter
    or not that key), the place the rules reading front matter values report at."""
    if doc.front_matter_span is None:
        return Span(doc.path, 1)
    return Span(doc.path, doc.front_matter_key_lines.get(key, 1), 1)
