"""Term extraction and the section index, on small examples (audit/coverage/evidence.py)."""

from __future__ import annotations

from pathlib import Path

from audit.coverage.evidence import (
    EvidenceFinder,
    SectionIndex,
    build_index,
    check_terms,
    item_terms,
    stem,
    translit,
)
from audit.model.config import Config
from audit.model.document import Document
from tests.helpers import parse_text


def _kinds(text: str) -> dict[str, tuple[str, bool]]:
    return {t.text: (t.kind, t.named) for t in item_terms(text).terms}


def test_named_terms_identifiers_and_words() -> None:
    kinds = _kinds("YaRN, GQA и DistillationLoss через make_supervisor_node и KV-cache")
    assert kinds["YaRN"] == ("word", True)
    assert kinds["GQA"] == ("word", True)
    assert kinds["DistillationLoss"] == ("identifier", True)
    assert kinds["make_supervisor_node"] == ("identifier", True)
    assert kinds["KV-cache"] == ("phrase", True)
    assert _kinds("Chain-of-Experts")["Chain-of-Experts"] == ("phrase", True)
    assert _kinds("load-balancing loss")["load-balancing"] == ("phrase", False)
    assert "через" not in kinds and "и" not in kinds  # stop words


def test_qualifiers_become_evidence_kinds_not_terms() -> None:
    assert item_terms("Реализация DistillationLoss на PyTorch").kinds == ("code",)
    assert item_terms("Реализация DistillationLoss на PyTorch").code_hints == ("torch",)
    assert item_terms("Формула KL-дивергенции").kinds == ("math",)
    assert item_terms("Comparison table of MHA and GQA").kinds == ("table",)
    assert [t.text for t in item_terms("YaRN with implementation").terms] == ["YaRN"]


def test_russian_inflection_and_borrowed_words() -> None:
    assert stem("экспертам") == stem("эксперты")
    assert stem("таблицы") == stem("таблица")
    assert translit(stem("tests")) == "тест"
    assert translit(stem("agent")) == "агент"


def _index(lines: list[tuple[str, str]]) -> SectionIndex:
    index = SectionIndex(1, len(lines))
    for n, (kind, text) in enumerate(lines, start=1):
        index.add_line(n, text, kind)
    return index


def test_the_index_finds_code_identifiers_phrases_and_inflections() -> None:
    index = _index(
        [
            ("heading", "## 3. Экспертные смеси"),
            ("prose", "Роутер отправляет токены к экспертам; chain of experts — не здесь."),
            ("code", "def kv_bytes_per_token(n_layers): return DistillationLoss()"),
            ("table", "| z-тест | мультиагентные системы |"),
        ]
    )
    for text, line in (
        ("эксперты роутера", 2),
        ("Chain-of-Experts", 2),
        ("DistillationLoss", 3),
        ("z-test", 4),
        ("multi-agent системы", 4),
    ):
        ev = check_terms(text, 0, item_terms(text), index)
        assert ev.state == "found", text
        assert min(ev.evidence_lines) == line, text
    missing = check_terms("YaRN", 0, item_terms("YaRN"), index)
    assert missing.state == "missing" and missing.missing_terms == ("YaRN",)
    code = check_terms("KV-cache на Python", 0, item_terms("KV-cache на Python"), index)
    assert code.missing_terms == ("KV-cache",)  # "kv" alone in code is not the KV-cache term
    assert code.kinds[0].line == 3  # ... but that code block does mention it


def test_an_inline_code_formula_is_math() -> None:
    text = "# T\n\n## 1. Масштаб\n\nБаза растёт: `b' = b * s ** (d / (d - 2))`.\n"
    doc = parse_text(text)
    index = build_index(doc, 1, text.split("\n"), Config())
    assert index.first_of_kind.get("math") == 5
    plain = "# T\n\n## 1. Масштаб\n\nВызов `f(x)` без формулы.\n"
    doc = parse_text(plain)
    assert "math" not in build_index(doc, 1, plain.split("\n"), Config()).first_of_kind


def _pages(root: Path, count: int) -> list[Document]:
    from audit.discover import read_source
    from audit.parse.markdown import parse

    docs = []
    for n in range(count):
        path = root / "content" / "llm" / f"page{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"# Page {n}\n\n## 1. Attention\n\nGQA and RoPE{n} explained.\n\n"
            "```python\nprint('GQA')\n```\n",
            encoding="utf-8",
        )
        docs.append(parse(read_source(path, root), Config()))
    return docs


def test_the_finder_keeps_few_pages_and_every_answer(tmp_path: Path) -> None:
    docs = _pages(tmp_path, 3)
    reference = EvidenceFinder(tmp_path, Config())
    finder = EvidenceFinder(tmp_path, Config())
    finder.KEPT_PAGES = 2
    questions = [(f"GQA и RoPE{n} с кодом", doc) for n, doc in enumerate(docs)]
    for text, doc in [*questions, questions[0]]:
        assert finder.check(text, 7, doc, 1) == reference.check(text, 7, doc, 1)
        assert finder.check(text, 7, doc, 1).state == "found"
        assert len(finder._pages) <= 2
    # the repeated question was answered from memory: pages 1 and 2 are the last two read
    assert list(finder._pages) == [docs[1].path, docs[2].path]
    # page 0 was dropped: its answers are kept, its text is read again for a new question
    (tmp_path / docs[0].path).unlink()
    assert finder.check(questions[0][0], 7, docs[0], 1).state == "found"
    assert finder.check("RoPE0", 7, docs[0], 1).state == "unchecked"
    title = item_terms("Attention")
    assert finder.check_title(title, 3, docs[2], 1) == reference.check_title(title, 3, docs[2], 1)
    assert finder.check_title(title, 3, docs[0], 1) is None  # not readable any more
