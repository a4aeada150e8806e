"""What reading a file can meet: unreadable paths, encodings, binary data, empty files.

Discovery and the decoder record these as problems (``Source.read_error_code``, then the
``Document``'s problems); the rules below report them.
"""

from audit.model.finding import Severity
from audit.rules.registry import problem_rule

problem_rule(
    "IO001",
    "unreadable-file",
    Severity.ERROR,
    """
    A Markdown file of the knowledge base cannot be read.

    What it checks: discovery found the file but opening it failed (permissions, I/O error),
    or it is not a regular file (a named pipe would block every run; it is not opened).
    Why: an unreadable page is missing from the site and from every coverage figure.
    Example: `chmod 000 content/llm/материалы.md`.
    Fix: restore read permission or remove the file.
""",
    family="io",
)
problem_rule(
    "IO002",
    "not-utf8",
    Severity.ERROR,
    """
    The file is not valid UTF-8 (or is UTF-16).

    What it checks: the bytes decode as UTF-8; the first invalid byte is reported. A file
    name that is not valid UTF-8 is reported too (shown with U+FFFD) and the file not read.
    Why: mkdocs reads UTF-8; other encodings render as mojibake or fail the build.
    Example: a page saved as CP1251 from an old editor.
    Fix: re-save the file as UTF-8 (`iconv -f cp1251 -t utf-8`).
""",
    family="io",
)
problem_rule(
    "IO003",
    "binary-file",
    Severity.ERROR,
    """
    A file named `.md` holds binary data (NUL bytes).

    What it checks: the file has no NUL byte.
    Why: a binary file is never Markdown; it is usually a misnamed attachment.
    Example: `cp diagram.png content/llm/diagram.md`.
    Fix: rename or remove the file.
""",
    family="io",
)
problem_rule(
    "IO004",
    "symlink-loop",
    Severity.ERROR,
    """
    A symbolic link that loops or points nowhere.

    What it checks: every symlinked Markdown path resolves to a real file.
    Why: the site build and the audit would otherwise fail or skip the page silently.
    Example: `ln -s a.md b.md; ln -s b.md a.md`.
    Fix: point the link at a real file or delete it.
""",
    family="io",
)
problem_rule(
    "IO005",
    "symlink-outside-root",
    Severity.ERROR,
    """
    A symlink inside the content root points outside it.

    What it checks: symlinked Markdown files resolve to a path under the content root.
    Why: content from outside the repository is not reviewed with it, and may not exist in CI.
    Example: `ln -s /etc/passwd content/llm/x.md`.
    Fix: copy the content in, or link to it with a normal Markdown link.
""",
    family="io",
)
problem_rule(
    "IO006",
    "directory-named-md",
    Severity.WARNING,
    """
    A directory is named like a Markdown file.

    What it checks: every path matching the include globs is a regular file.
    Why: it confuses tools and authors; mkdocs ignores it.
    Example: `mkdir content/llm/notes.md`.
    Fix: rename the directory.
""",
    family="io",
)
problem_rule(
    "IO007",
    "file-too-large",
    Severity.ERROR,
    """
    A Markdown file is larger than the audit's 64 MiB limit.

    What it checks: the size of each file before reading it.
    Why: such a file is almost always generated or a mistake; reading it would stall every hook.
    Example: a log pasted into a page.
    Fix: split the page or move the data out of Markdown.
""",
    family="io",
)
problem_rule(
    "IO008",
    "utf8-bom",
    Severity.INFO,
    """
    The file starts with a UTF-8 byte order mark.

    What it checks: the first bytes are not EF BB BF.
    Why: harmless for mkdocs, but some tools then miss front matter; positions stay correct.
    Example: a file saved by Notepad with "UTF-8 with BOM".
    Fix: save as UTF-8 without BOM.
""",
    family="io",
)
problem_rule(
    "IO009",
    "crlf-line-endings",
    Severity.INFO,
    """
    The file uses CRLF (Windows) line endings.

    What it checks: no carriage return characters.
    Why: mixed endings make noisy diffs; the audit reads both the same way.
    Example: a file edited on Windows without `core.autocrlf`.
    Fix: convert to LF (`dos2unix`), or add a `.gitattributes` rule.
""",
    family="io",
)
problem_rule(
    "IO010",
    "empty-file",
    Severity.WARNING,
    """
    The Markdown file is empty (or only whitespace).

    What it checks: the file has some text.
    Why: an empty page publishes as a blank page and counts as nothing.
    Example: a placeholder created with `touch`.
    Fix: write the page or delete it.
""",
    family="io",
)
