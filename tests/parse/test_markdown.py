"""The parse stage: Markdown text → Document (headings, anchors, links, code, Q&A, mentions)."""

from __future__ import annotations

import pytest

from audit.model.config import Config
from audit.parse.markdown import document_kind, parse_info
from tests.helpers import parse_text

PAGE = """\
# Материалы по LLM

~18 минут чтения

Предварительно: [Основы](../dl/материалы.md) | [Задачи](../tasks/llm_001_rag.md)

Обновлено: 2024-05-01

## 1. Токенизация (llm_007_tokenization)

Текст.

### Подробности

## 2. Внимание

## Без номера

## 15. Agentic Systems
"""


def test_heading_tree_numbers_titles_and_extents() -> None:
    doc = parse_text(PAGE)
    got = [
        (h.level, h.text, h.number, h.title, h.span.line, h.end_line, h.parent)
        for h in doc.headings
    ]
    assert got == [
        (1, "Материалы по LLM", None, "Материалы по LLM", 1, 19, None),
        (
            2,
            "1. Токенизация (llm_007_tokenization)",
            1,
            "Токенизация (llm_007_tokenization)",
            9,
            14,
            0,
        ),
        (3, "Подробности", None, "Подробности", 13, 14, 1),
        (2, "2. Внимание", 2, "Внимание", 15, 16, 0),
        (2, "Без номера", None, "Без номера", 17, 18, 0),
        (2, "15. Agentic Systems", 15, "Agentic Systems", 19, 19, 0),
    ]
    assert doc.numbered_sections() == {1: 1, 2: 3, 15: 5}
    assert doc.title == "Материалы по LLM"
    assert doc.updated == "2024-05-01"
    assert doc.kind == "materials" and doc.track == "llm"


def test_section_of_line() -> None:
    doc = parse_text(PAGE)
    assert doc.section_of_line(11) == 1
    assert doc.section_of_line(13) == 1  # H3 belongs to its H2 at level 2
    assert doc.section_of_line(13, level=6) == 2
    assert doc.section_of_line(3) == 0


def test_prerequisite_links_have_their_role() -> None:
    doc = parse_text(PAGE)
    assert [(link.target, link.line_role) for link in doc.links] == [
        ("../dl/материалы.md", "prerequisites"),
        ("../tasks/llm_001_rag.md", "prerequisites"),
    ]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "mkdocs-unicode",
            [
                "1-токенизация-bpe",
                "rope-и-alibi",
                "что-такое-kv-cache",
                "итоги",
                "итоги_1",
                "итоги_2",
                "_1",
                "c-api",
            ],
        ),
        ("mkdocs-ascii", ["1-bpe", "rope-alibi", "kv-cache", "_1", "_2", "_3", "_4", "c-api"]),
        (
            "github",
            [
                "1-токенизация-bpe",
                "rope--и-alibi",
                "что-такое-kv-cache",
                "итоги",
                "итоги-1",
                "итоги-2",
                "",
                "c-api",
            ],
        ),
    ],
)
def test_anchor_styles_and_duplicates(style: str, expected: list[str]) -> None:
    text = (
        "# 1. Токенизация (BPE)\n\n# RoPE & и ALiBi\n\n# Что такое `KV-cache`?\n\n"
        "# Итоги\n\n# Итоги\n\n# Итоги\n\n# ???\n\n# C++ API\n"
    )
    doc = parse_text(text, slug_style=style)
    assert [h.anchor for h in doc.headings] == expected


def test_explicit_anchor_wins_and_generated_ones_step_around_it() -> None:
    text = "# Введение {#итоги}\n\n# Итоги\n\n# Раздел {: #custom .cls }\n\n# Раздел\n"
    doc = parse_text(text)
    assert [(h.text, h.anchor, h.explicit_anchor) for h in doc.headings] == [
        ("Введение", "итоги", True),
        ("Итоги", "итоги_1", False),
        ("Раздел", "custom", True),
        ("Раздел", "раздел", False),
    ]
    assert doc.problems == []


def test_duplicate_explicit_anchor_is_a_finding_at_the_second_heading() -> None:
    doc = parse_text("# A {#x}\n\n## B {#x}\n")
    assert [(f.code, f.span.line, f.span.column) for f in doc.problems] == [("XR004", 3, 1)]


def test_punctuation_only_heading_gets_a_finding_and_a_fallback_anchor() -> None:
    doc = parse_text("# Заголовок\n\n## ???\n\n## !!!\n")
    assert [h.anchor for h in doc.headings] == ["заголовок", "_1", "_2"]
    assert [(f.code, f.span.line, f.span.column) for f in doc.problems] == [
        ("MD002", 3, 1),
        ("MD002", 5, 1),
    ]


def test_front_matter_is_read_and_lines_are_kept() -> None:
    text = "---\nid: llm_001_rag\ntitle: Задача\naudit:\n  ignore: [XR003]\n---\n# Задача\n"
    doc = parse_text(text, path="content/tasks/llm_001_rag.md")
    assert doc.kind == "task"
    assert doc.front_matter == {
        "id": "llm_001_rag",
        "title": "Задача",
        "audit": {"ignore": ["XR003"]},
    }
    assert doc.front_matter_key_lines == {"id": 2, "title": 3, "audit": 4}
    assert doc.file_ignores == frozenset({"XR003"})
    assert doc.front_matter_span is not None and doc.front_matter_span.end_line == 6
    assert [(h.text, h.span.line) for h in doc.headings] == [("Задача", 7)]
    assert doc.title == "Задача"


def test_invalid_front_matter_yaml_has_its_line() -> None:
    doc = parse_text("---\ntitle: ok\nbad: [unclosed\n---\n# T\n")
    assert [(f.code, f.span.line) for f in doc.problems] == [("FM001", 3)]
    assert doc.front_matter is None
    assert [h.span.line for h in doc.headings] == [5]


def test_front_matter_that_is_not_a_mapping() -> None:
    doc = parse_text("---\n- a\n- b\n---\n# T\n")
    assert [(f.code, f.span.line) for f in doc.problems] == [("FM002", 2)]


def test_link_kinds_text_and_decoding() -> None:
    text = (
        "[Файл](../tasks/x.md#Решение) [якорь](#итоги) [сайт](https://example.com/a) "
        "[почта](mailto:a@b.c) [пробел](a%20b.md) ![рис](img/схема.png)\n"
    )
    doc = parse_text(text)
    got = [
        (link.text, link.target, link.path, link.anchor, link.kind, link.image)
        for link in doc.links
    ]
    assert got == [
        ("Файл", "../tasks/x.md#Решение", "../tasks/x.md", "Решение", "relative", False),
        ("якорь", "#итоги", "", "итоги", "anchor", False),
        ("сайт", "https://example.com/a", "https://example.com/a", "", "external", False),
        ("почта", "mailto:a@b.c", "mailto:a@b.c", "", "other", False),
        ("пробел", "a b.md", "a b.md", "", "relative", False),
        ("рис", "img/схема.png", "img/схема.png", "", "relative", True),
    ]


def test_links_in_code_are_not_links() -> None:
    text = "`[не ссылка](a.md)` [ссылка](b.md)\n\n```\n[в коде](c.md)\n```\n\n    [отступ](d.md)\n"
    doc = parse_text(text)
    assert [link.target for link in doc.links] == ["b.md"]


def test_reference_links_are_collected() -> None:
    doc = parse_text("См. [раз][r] и [r].\n\n[r]: ../dl/материалы.md#основы\n")
    assert [(link.target, link.anchor, link.span.column) for link in doc.links] == [
        ("../dl/материалы.md#основы", "основы", 5),
        ("../dl/материалы.md#основы", "основы", 16),
    ]


CODE = """\
## 1. Примеры

```python
print(1)
```

```text output
1
```

```python skip
import torch
```

```{.python .no-run}
x = 1
```

<!-- audit: skip -->
```py
y = 2
```

```python timeout=30s
z = 3
```

```bash
ls
```

~~~python
w = 4
~~~

- пункт

  ```python
  v = 5
  ```
"""


def test_code_blocks_info_strings_flags_and_expected_output() -> None:
    doc = parse_text(CODE)
    got = [
        (
            b.language,
            b.flags,
            b.span.line,
            b.code_line,
            b.code,
            b.skip_reason,
            b.expected_output,
            b.expected_output_line,
            b.timeout_s,
            b.section,
        )
        for b in doc.code_blocks
    ]
    assert got == [
        ("python", (), 3, 4, "print(1)\n", "", "1\n", 8, None, 0),
        (
            "python",
            ("skip",),
            11,
            12,
            "import torch\n",
            "info string flag 'skip'",
            None,
            0,
            None,
            0,
        ),
        ("python", ("no-run",), 15, 16, "x = 1\n", "info string flag 'no-run'", None, 0, None, 0),
        ("py", (), 20, 21, "y = 2\n", "audit: skip comment", None, 0, None, 0),
        ("python", (), 24, 25, "z = 3\n", "", None, 0, 30.0, 0),
        ("bash", (), 28, 29, "ls\n", "", None, 0, None, 0),
        ("python", (), 32, 33, "w = 4\n", "", None, 0, None, 0),
        ("python", (), 38, 39, "v = 5\n", "", None, 0, None, 0),
    ]
    assert doc.code_blocks[7].span.column == 3
    assert doc.problems == []


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("python", ("python", (), None)),
        ("Python skip", ("python", ("skip",), None)),
        ("{.python .no-run}", ("python", ("no-run",), None)),
        ("py timeout=2.5", ("py", (), 2.5)),
        ("", ("", (), None)),
    ],
)
def test_parse_info(info: str, expected: tuple[str, tuple[str, ...], float | None]) -> None:
    assert parse_info(info) == expected


@pytest.mark.parametrize("tail", ["\n## Не заголовок\n", "\n\n\n", "", "\n~~~\n"])
def test_unclosed_fence_is_reported_at_the_opening_fence(tail: str) -> None:
    doc = parse_text("# T\n\nТекст\n\n```python\nprint(1)\n" + tail)
    assert [(f.code, f.span.line, f.span.column) for f in doc.problems] == [("MD001", 5, 1)]
    assert [h.text for h in doc.headings] == ["T"]


def test_closed_fences_are_not_reported() -> None:
    doc = parse_text("```python\nx = 1\n```\n\n\n````\n```\n````\n\n~~~\ny\n~~~~\n")
    assert doc.problems == []
    assert [b.code for b in doc.code_blocks] == ["x = 1\n", "```\n", "y\n"]


QA = """\
# Подготовка

## 1. Data Leakage

### Basic

Q: Что такое утечка?
A: Когда признаки знают будущее.

Вопрос: Второй вопрос
продолжается здесь

Ответ: Второй ответ

### Medium

**Q:** Жирный вопрос?

**A:** Жирный ответ,
продолжение.

**Вопрос:** Без ответа?

### Killer

A: Ответ без вопроса.

### Q: Вопрос в заголовке

A: ответ на заголовок

## 2. Другое

### Базовый

Q: Русский уровень?
A:
"""


def test_qa_pairs_both_forms_levels_and_bold_markers() -> None:
    doc = parse_text(QA, path="content/llm/подготовка-к-интервью.md")
    assert doc.kind == "interview"
    got = [
        (
            q.level,
            q.question,
            q.answer,
            (q.span.line, q.span.column),
            None if q.answer_span is None else (q.answer_span.line, q.answer_span.column),
        )
        for q in doc.qa
    ]
    assert got == [
        ("Basic", "Что такое утечка?", "Когда признаки знают будущее.", (7, 1), (8, 1)),
        ("Basic", "Второй вопрос продолжается здесь", "Второй ответ", (10, 1), (13, 1)),
        ("Medium", "Жирный вопрос?", "Жирный ответ,\nпродолжение.", (17, 1), (19, 1)),
        ("Medium", "Без ответа?", None, (22, 1), None),
        (None, "Вопрос в заголовке", "ответ на заголовок", (28, 1), (30, 1)),
        ("Basic", "Русский уровень?", "", (36, 1), (37, 1)),
    ]
    assert [(o.span.line, o.span.column) for o in doc.orphan_answers] == [(26, 1)]


def test_qa_markers_and_levels_are_configurable() -> None:
    text = "## Тема\n\n### Лёгкий\n\nВ: вопрос\nО: ответ\n"
    doc = parse_text(
        text,
        qa={"question_markers": ["В:"], "answer_markers": ["О:"]},
        levels={"names": ["Easy"], "aliases": {"Лёгкий": "Easy"}},
    )
    assert [(q.level, q.question, q.answer) for q in doc.qa] == [("Easy", "вопрос", "ответ")]


MENTIONS = """\
# Задачи

## 1. Токенизация (llm_007_tokenization)

Смотри llm_001_rag_pipeline и `dl_003_positional` в коде.

| Задача | Статус |
|---|---|
| mlsd_001_model_serving | есть |

[ссылка](../tasks/llm_002_lora.md#llm_002_lora) не упоминание.

```python
llm_009_in_fence = 1
```

Не id: llm_01_short, xllm_001_a? Конец предложения: nlp_010_ner.
"""


def test_task_id_mentions() -> None:
    doc = parse_text(MENTIONS)
    got = [(m.task_id, m.span.line, m.span.column, m.heading) for m in doc.task_mentions]
    assert got == [
        ("llm_007_tokenization", 3, 20, 1),
        ("llm_001_rag_pipeline", 5, 8, None),
        ("dl_003_positional", 5, 32, None),
        ("mlsd_001_model_serving", 9, 3, None),
        ("nlp_010_ner", 17, 53, None),
    ]


SUPPRESS = """\
# Страница

<!-- audit: ignore XR001 XR002 -->
[a](нет.md) [b](#нет)

<!-- audit: ignore -->
- [c](нет.md)
- второй пункт

<!-- audit: ignore-file XR003 -->
"""


def test_suppression_comments() -> None:
    doc = parse_text(SUPPRESS)
    assert [(sorted(s.codes), s.first_line, s.last_line) for s in doc.suppressions] == [
        (["XR001", "XR002"], 4, 4),
        ([], 7, 8),
    ]
    assert doc.file_ignores == frozenset({"XR003"})


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("llm/материалы.md", ("materials", "llm")),
        ("dl/подготовка-к-интервью.md", ("interview", "dl")),
        ("llm/пробелы-в-покрытии.md", ("tracker", "llm")),
        ("tasks/llm_001_rag.md", ("task", "")),
        ("README.md", ("other", "")),
    ],
)
def test_document_kind(rel: str, expected: tuple[str, str]) -> None:
    assert document_kind(rel, Config()) == expected
