"""A run's documents share their equal strings (``audit/model/compact.py``): the same facts,
fewer objects. The task pages of the fixture repeat their front matter keys and code languages."""

from __future__ import annotations

from pathlib import Path

from audit.config import load_config
from audit.discover import discover, discover_paths
from audit.model.compact import SharedStrings
from audit.model.document import Document
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.stages import parse_files

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tasks-contract"


def task_pages(documents: list[Document]) -> list[Document]:
    return [d for d in documents if d.kind == "task" and d.front_matter]


def test_a_run_keeps_one_copy_of_each_front_matter_key() -> None:
    loaded = load_config(cwd=FIXTURE)
    config, root = loaded.config, loaded.root
    plain = [parse(s, config) for s in discover(config, root)]  # each page on its own

    documents = parse_files(discover_paths(config, root), config, root)

    assert documents == plain  # the same facts
    first, second = task_pages(documents)[:2]
    [key] = [k for k in first.front_matter or {} if k == "id"]
    assert key is next(k for k in second.front_matter or {} if k == "id")
    assert next(k for k in first.front_matter_key_lines if k == "id") is key
    alone_first, alone_second = task_pages(plain)[:2]
    assert next(k for k in alone_first.front_matter or {} if k == "id") is not next(
        k for k in alone_second.front_matter or {} if k == "id"
    )


def test_code_languages_and_link_targets_are_shared() -> None:
    loaded = load_config(cwd=FIXTURE)
    config = loaded.config
    text = "# Тема\n\n```python\nprint(1)\n```\n\nСм. [материалы](../llm/материалы.md).\n"
    strings = SharedStrings()
    one, two = (
        strings.share(parse(Source(f"content/tasks/{n}.md", n, text.encode(), n), config))
        for n in ("a", "b")
    )

    assert one.code_blocks[0].language == "python"
    assert one.code_blocks[0].language is two.code_blocks[0].language
    assert one.links[0].target is two.links[0].target
    assert one.headings[0].text is two.headings[0].text


def test_deeply_nested_front_matter_is_kept_as_it_is() -> None:
    loaded = load_config(cwd=FIXTURE)
    nested = "x"
    for _ in range(200):
        nested = f"[{nested}]"
    text = f"---\ntitle: T\nextra: {nested}\n---\n\n# T\n"
    doc = parse(Source("content/tasks/n.md", "n", text.encode(), "n"), loaded.config)
    before = doc.front_matter

    SharedStrings().share(doc)

    assert doc.front_matter == before
