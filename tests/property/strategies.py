"""Hypothesis strategies: Markdown shaped like the knowledge base, and hostile around the edges.

Cyrillic and mixed scripts, random nesting of lists, quotes and fences, long lines, stray markers
(`Q:`/`A:`, `<!-- audit: ... -->`, `{#id}`, `---`), random front matter and random link targets.
"""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = [
    "модель",
    "обучение",
    "данные",
    "токен",
    "внимание",
    "градиент",
    "ёжик",
    "Щука",
    "attention",
    "RAG",
    "pipeline",
    "LLM",
    "Кириллица",
    "mixedСкрипт",
    "ελληνικά",
    "中文",
    "עברית",
    "🙂",
    "e\u0301",
    "\u200b",
    "«кавычки»",
    "—",
    "&amp;",
    "&#1071;",
    "\\*",
    "**жирный**",
    "_курсив_",
    "`код`",
    "`",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "!",
    "|",
    "#",
    "~",
    "\\",
    "\t",
    "llm_001_rag_pipeline",
    "dl_003_positional",
    "mlsd_999_zz",
    "nlp_12_bad",
    "§15",
    "раздел 3",
    "section 2",
    "4 Q&A",
    "Q&A",
    "100%",
    "~18 минут чтения",
    "Обновлено: 2024-01-31",
]

STRAY = [
    "Q:",
    "A:",
    "Вопрос:",
    "Ответ:",
    "**Q:**",
    "**A:**",
    "Q: что такое RAG?",
    "A: ответ",
    "<!-- audit: skip -->",
    "<!-- audit: ignore XR001 -->",
    "<!-- audit: ignore-file -->",
    "<!-- audit:begin coverage-summary -->",
    "<!-- audit:end coverage-summary -->",
    "<!-- audit:begin tasks-per-subcategory -->",
    "<!-- audit:end tasks-per-subcategory -->",
    "<!-- audit:",
    "-->",
    "{#id}",
    "{#якорь}",
    "{: #x .cls}",
    "---",
    "...",
    "***",
    "===",
    "Предварительно: [a](../tasks/llm_001_rag_pipeline.md) | [b](#раздел)",
    "Навигация:",
    "Рекомендация: Добавить llm_042_new_task",
    "Осталось: - a - b",
]

PATHS = [
    "content/llm/материалы.md",
    "content/llm/подготовка-к-интервью.md",
    "content/llm/пробелы-в-покрытии.md",
    "content/llm/заметки.md",
    "content/dl/материалы.md",
    "content/tasks/llm_001_rag_pipeline.md",
]

TARGETS = [
    "материалы.md",
    "./материалы.md",
    "подготовка-к-интервью.md#1-рамки",
    "../dl/материалы.md",
    "../tasks/llm_001_rag_pipeline.md",
    "../tasks/llm_001_rag_pipeline.md#решение",
    "../tasks/llm_404_missing.md",
    "нет.md",
    "../../../../etc/passwd",
    "/etc/passwd",
    "..",
    ".",
    "#",
    "#якорь",
    "#%D1%8F%D0%BA%D0%BE%D1%80%D1%8C",
    "%D0%BC%D0%B0%D1%82.md",
    "a%20b.md",
    "<a b.md>",
    "a(b).md",
    "a\\)b.md",
    "https://example.com/x",
    "http://",
    "//host/x",
    "mailto:a@b.c",
    "javascript:alert(1)",
    "C:\\file.md",
    "file.md?x=1#y",
    "\u0000.md",
    "заметки.md#" + "я" * 300,
    "",
    " ",
    'x.md "title"',
    "x.md 'title'",
]


@st.composite
def words(draw: st.DrawFn, max_size: int = 12) -> str:
    items = draw(st.lists(st.sampled_from(WORDS + STRAY[:8]), min_size=1, max_size=max_size))
    return " ".join(items)


@st.composite
def link(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(["ссылка", "", "[вложенная]", "**жир**", "x", "`code`"]))
    target = draw(
        st.one_of(
            st.sampled_from(TARGETS),
            st.sampled_from(DECOY_TARGETS),
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
        )
    )
    image = draw(st.sampled_from(["", "", "!"]))
    form = draw(st.integers(0, 3))
    if form == 0:
        return f"{image}[{text}]({target})"
    if form == 1:
        return f"[{text}][ref]"
    if form == 2:
        return f"<{target}>"
    return f"[{text}]"


# link-like text the parser never takes for a link: in a code span no other text can close (a
# run of five backticks), in a quoted HTML attribute or comment, in fences and HTML blocks. Its
# text is DECOY_TEXT, its target one that real links use too (so that a text search for the
# target finds the decoy first)
DECOY_TEXT = "ловушка"
DECOY_TARGETS = ["нет.md", "материалы.md", "#якорь", "../tasks/llm_001_rag_pipeline.md"]
CODE_DECOYS = [
    "`````[ловушка]({t})`````",
    "````` [ловушка]({t}) ![ловушка]({t}) `````",
    '<span title="[ловушка]({t})">т</span>',
    "<!-- [ловушка]({t}) -->",
]
# link-like text that may or may not be a link, depending on its neighbours (a lone backtick
# elsewhere on the line, math that mistune does not know): only its position is checked
MAYBE_DECOYS = [
    "`[код]({t})`",
    "``[код]({t}) ` ``",
    "\\([x]({t}) + y^2\\)",
    "$$[x]({t})$$",
    "$[x]({t})$",
    "\\[ [x]({t}) \\]",
]


def decoy(forms: list[str]) -> st.SearchStrategy[str]:
    return st.builds(str.format, st.sampled_from(forms), t=st.sampled_from(DECOY_TARGETS))


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(
                words(),
                link(),
                st.sampled_from(STRAY),
                decoy(CODE_DECOYS),
                decoy(MAYBE_DECOYS),
            ),
            min_size=1,
            max_size=6,
        )
    )
    line = " ".join(parts)
    if draw(st.integers(0, 9)) == 0:  # a long line
        line = line + " " + " ".join([draw(words(4))] * draw(st.integers(50, 600)))
    return line


@st.composite
def heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 6))
    number = draw(st.sampled_from(["", "1. ", "15. ", "007. ", "99999999999999999999. "]))
    suffix = draw(
        st.sampled_from(
            ["", "", " {#explicit}", " {#якорь}", " (llm_001_rag_pipeline)", " — НЕТ", " #"]
        )
    )
    return "#" * level + " " + number + draw(words(5)) + suffix


def leaf_block() -> st.SearchStrategy[str]:
    fence = st.builds(
        lambda mark, info, body, closed: f"{mark}{info}\n{body}\n" + (mark if closed else ""),
        st.sampled_from(["```", "~~~", "````"]),
        st.sampled_from(
            [
                "python",
                "py",
                "python skip",
                "{.python .no-run}",
                "text output",
                "output",
                "bash",
                "",
                "python timeout=1s",
            ]
        ),
        st.sampled_from(
            [
                "print(1)",
                "import нет_модуля",
                "def f(:\n  pass",
                "x = 'Кириллица'",
                "while True: pass",
                "print('a' * 3)",
                "",
                "# [ловушка](нет.md)\n[ловушка](материалы.md)",
                "x = '`[ловушка](#якорь)`'",
            ]
        ),
        st.booleans(),
    )
    table = st.builds(
        lambda a, b, n: f"| {a} | {b} |\n|---|---|\n" + f"| {a} | {b} |\n" * n,
        words(2),
        words(2),
        st.integers(0, 3),
    )
    return st.one_of(
        inline(),
        heading(),
        fence,
        table,
        st.sampled_from(STRAY),
        st.just("<div>\nraw *html*\n</div>"),
        st.just("<div>\n[ловушка](нет.md) и `[ловушка](материалы.md)`\n</div>"),
        st.just("$$\n[x](нет.md)\n$$"),
        st.just(""),
    )


def _list(items: list[str], ordered: bool) -> str:
    out = []
    for i, item in enumerate(items):
        marker = f"{i + 1}. " if ordered else "- "
        pad = " " * len(marker)
        lines = item.split("\n")
        out.append(marker + lines[0] + "".join("\n" + pad + ln for ln in lines[1:]))
    return "\n".join(out)


def _quote(items: list[str]) -> str:
    return "\n".join("> " + ln for item in items for ln in item.split("\n"))


def blocks() -> st.SearchStrategy[str]:
    return st.recursive(
        leaf_block(),
        lambda children: st.one_of(
            st.builds(_list, st.lists(children, min_size=1, max_size=3), st.booleans()),
            st.builds(_quote, st.lists(children, min_size=1, max_size=3)),
        ),
        max_leaves=8,
    )


FRONT_MATTER = [
    "title: Заголовок\nid: llm_001_rag_pipeline\ntrack: llm\ndifficulty: easy",
    "id: llm_001_rag_pipeline\ntitle: RAG\ntrack: llm\nsubcategory: RAG Pipeline\n"
    "difficulty: medium\ngap: Agentic Systems\nrelated: [dl_003_positional]\nprerequisites: []",
    "audit:\n  ignore: [XR001, TK003]",
    "- not\n- a mapping",
    "title: [unclosed",
    "a: &a [1, 2]\nb: [*a, *a, *a]",
    "id: 5\ntitle: null\nrelated: llm_001_rag_pipeline",
    "",
    "ключ: значение\n\t табуляция: x",
    "x: " + "[" * 40 + "]" * 40,
]


@st.composite
def markdown(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.integers(0, 3)) == 0:
        parts.append("---\n" + draw(st.sampled_from(FRONT_MATTER)) + "\n---")
    for block in draw(st.lists(blocks(), max_size=10)):
        parts.append(block)
    separator = draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n"]))
    text = separator.join(parts)
    if draw(st.booleans()):
        text += "\n"
    if draw(st.integers(0, 5)) == 0:
        text += "\n[ref]: " + draw(st.sampled_from(TARGETS)) + "\n"
    return text


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str] | None = None) -> bytes:
    """Markdown as bytes: LF or CRLF (or a mix), sometimes with a BOM, sometimes damaged."""
    body = draw(text if text is not None else markdown())
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "mixed"]))
    if ending == "\r\n":
        body = body.replace("\n", "\r\n")
    elif ending == "mixed":
        body = body.replace("\n\n", "\r\n\n")
    data = body.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        data = b"\xef\xbb\xbf" + data
    damage = draw(st.integers(0, 12))
    if damage == 0 and data:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + b"\xff\xfe" + data[cut:]  # invalid UTF-8 in the middle
    elif damage == 1 and data:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut]  # truncated, possibly inside a multi-byte character
    return data


# ------------------------------------------------------------------------------------ trackers
STATUSES = [
    "НЕТ",
    "ЧАСТИЧНО ЗАПОЛНЕНО",
    "ЧАСТИЧНО",
    "ЗАПОЛНЕНО",
    "ПОКРЫТО",
    "(НЕТ)",
    "???",
    "НЕТ в tasks, но ПОКРЫТО в sources",
    "",
]
GROUPS = [
    "КРИТИЧЕСКИЕ GAPS",
    "СРЕДНИЕ GAPS",
    "НОВЫЕ ТЕМЫ",
    "Практические Gaps",
    "Underspecified Topics",
    "Текущее покрытие (41 задача)",
    "Cross-References Missing",
    "Приоритеты",
    "КРИТИЧЕСКИЕ GAPS — НЕТ",
]


@st.composite
def gap(draw: st.DrawFn) -> str:
    number = draw(st.sampled_from(["1", "2", "12", "12", "0", "10" * 15, "99999", "", "1" * 45]))
    title = draw(words(4))
    status = draw(st.sampled_from(STATUSES))
    head = f"### {number + '. ' if number else ''}{title}"
    if status:
        head += draw(st.sampled_from([f" — {status}", f" ({status})", f" -- {status}"]))
    body = draw(
        st.lists(
            st.sampled_from(
                [
                    "Что спрашивают: - внимание - KV cache - RoPE",
                    "Что спрашивают:\n- a\n- b",
                    'Пример вопроса: "Почему attention квадратичен?"',
                    "Пример вопроса:",
                    "> «цитата-вопрос»",
                    "Рекомендация: Добавить llm_042_new_task",
                    "Рекомендация: Добавить llm_001_rag_pipeline и dl_003_positional",
                    "Добавлено в materials.md section 2 (Basic/Medium/Killer):\n- Теория\n"
                    "- Interview questions (4 Q&A)",
                    "Добавлено в interview.md section 99: - 6 Q&A (Basic/Medium/Killer) - код",
                    "Добавлено в материалы.md (MoE section): - Теория",
                    "Добавлено в нет.md section 1:",
                    "Добавлено в",
                    "Добавлено в materials.md section 1000000000000000000000:",
                    "Источники: [arXiv](https://arxiv.org)",
                    "Осталось: - a - b - c",
                    "Осталось:\n- x\n- y",
                    "Приоритет: LOW (потом)",
                    "Приоритет:",
                    "спрашивают в 60% интервью",
                    "спрашивают в 999% интервью",
                    "| Gap | Сложность | Задача |\n|---|---|---|\n"
                    "| Agentic | high | llm_001_rag_pipeline |",
                ]
            ),
            max_size=6,
        )
    )
    return "\n\n".join([head, *body])


@st.composite
def tracker_text(draw: st.DrawFn) -> str:
    parts = [
        "# " + draw(words(3)),
        draw(
            st.sampled_from(["Трекер: 93 задач, coverage ~99%.", "12 задач", "", "coverage: 100%"])
        ),
    ]
    for _ in range(draw(st.integers(0, 4))):
        group = draw(st.sampled_from(GROUPS))
        parts.append("## " + group)
        if group.startswith("Текущее покрытие"):
            rows = draw(
                st.lists(
                    st.sampled_from(
                        [
                            "| RAG Pipeline | 3 | Хорошее |",
                            "| Agents | 40 | Отличное |",
                            "| Broken |",
                            "| X | много | ? |",
                            "| A | 1 | 2 | 3 |",
                        ]
                    ),
                    max_size=4,
                )
            )
            parts.append("| Подкатегория | Задач | Покрытие |\n|---|---|---|\n" + "\n".join(rows))
        elif group.startswith("Cross-References"):
            items = draw(
                st.lists(
                    st.sampled_from(
                        [
                            "- llm_001_rag_pipeline -> dl_003_positional (context)",
                            "- a → b",
                            "- garbage",
                            "- `llm_001_rag_pipeline` —> `llm_404_x` (why)",
                        ]
                    ),
                    max_size=4,
                )
            )
            parts.append("\n".join(items) or "- nothing")
        elif group == "Приоритеты":
            parts.append(
                "### Priority 1 (срочно)\n\n| Gap | Сложность | Задача |\n|---|---|---|\n"
                "| Agentic Patterns | high | llm_001_rag_pipeline |\n| a | b |"
            )
        else:
            parts.extend(draw(st.lists(gap(), max_size=5)))
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(STRAY[4:12])))
    for name in draw(
        st.lists(
            st.sampled_from(["coverage-summary", "tasks-per-subcategory", "unknown-region"]),
            max_size=2,
        )
    ):
        body = draw(st.sampled_from(["", "| A | 1 | x |", "старый текст coverage: ~5%\n\n- a"]))
        parts.insert(
            draw(st.integers(0, len(parts))),
            f"<!-- audit:begin {name} -->\n{body}\n<!-- audit:end {name} -->",
        )
    return "\n\n".join(parts) + "\n"
