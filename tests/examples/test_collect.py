"""Discovery: python blocks → per-section sequences with ids, anchors, expected output, skips."""

from __future__ import annotations

import textwrap

from audit.examples.collect import collect_examples
from audit.model.config import Config
from tests.helpers import parse_text

PAGE = textwrap.dedent("""\
    # Title

    ```python
    print("before any section")
    ```

    ## 1. Токенизация

    ```python
    a = 1
    ```

    ### Details

    ```py timeout=3
    print(a)
    ```

    ```text output
    1
    ```

    ```bash
    echo not python
    ```

    ## 2. Second

    ```python skip
    raise SystemExit
    ```

    ```python
    b = 2
    ```
    """)


def test_sequences_are_per_h2_section_in_file_order() -> None:
    found = collect_examples([parse_text(PAGE)], Config())
    assert [(s.section, [e.line for e in s.examples]) for s in found.sequences] == [
        ("title", [3]),
        ("1-токенизация", [9, 15]),
        ("2-second", [33]),
    ]
    first = found.sequences[1].examples
    assert first[0].id == "content/llm/материалы.md:9"
    assert first[0].code_line == 10
    assert first[1].section == "1-токенизация"  # the H3 belongs to its H2 section
    assert first[1].expected_output == "1\n"
    assert first[1].timeout_s == 3.0


def test_skipped_blocks_become_results() -> None:
    found = collect_examples([parse_text(PAGE)], Config())
    [skipped] = found.skipped
    assert (skipped.line, skipped.status, skipped.section) == (29, "skipped", "2-second")
    assert "skip" in skipped.message


def test_task_solution_is_a_section_of_the_task_file() -> None:
    text = (
        "---\nid: llm_001_rag\n---\n# RAG\n\n## Условие\n\nText.\n\n## Решение\n\n"
        "```python\nprint('solution')\n```\n"
    )
    found = collect_examples([parse_text(text, "content/tasks/llm_001_rag.md")], Config())
    [sequence] = found.sequences
    assert sequence.section == "решение"
    assert sequence.id == "content/tasks/llm_001_rag.md#решение"


def test_languages_are_configurable() -> None:
    config = Config.model_validate({"examples": {"languages": ["python"]}})
    found = collect_examples([parse_text(PAGE)], config)
    assert [e.line for e in found.examples] == [3, 9, 33]  # the `py` block is not an example
