"""Page roles from the real names (пробелы.md, материалы-mlops.md...) and from the content."""

from __future__ import annotations

from pathlib import Path

from audit.config import describe, load_config
from audit.pipeline import analyse

TRACKER_SHAPED = """# Заметки о покрытии

## КРИТИЧЕСКИЕ GAPS

### 1. Токенизация (НЕТ)

Рекомендация: Добавить llm_009_tokenizer_training

### 2. Контекст — ЧАСТИЧНО ЗАПОЛНЕНО
"""
INTERVIEW_SHAPED = """# Вопросы

## 1. Serving

### Basic

Q: Что такое batching?

A: Объединение запросов.

### Killer

Q: Сто моделей на одном GPU?

A: Мультиплексирование.
"""
PLAIN = "# Просто страница\n\n### 1. Заголовок (НЕТ)\n\nНет статусов трекера кроме одного.\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _site(root: Path) -> Path:
    _write(root / "mkdocs.yml", "site_name: x\n")
    docs = root / "docs"
    _write(docs / "04-llm" / "пробелы.md", TRACKER_SHAPED)
    _write(docs / "04-llm" / "материалы.md", "# М\n")
    _write(docs / "06-mlops" / "материалы-mlops.md", "# М\n")
    _write(docs / "06-mlops" / "подготовка-mlops.md", INTERVIEW_SHAPED)
    _write(docs / "03-dl" / "интервью-архитектуры.md", "# И\n")
    _write(docs / "05-sd" / "заметки.md", TRACKER_SHAPED)
    _write(docs / "05-sd" / "вопросы.md", INTERVIEW_SHAPED)
    _write(docs / "05-sd" / "просто.md", PLAIN)
    # two pages share a name, only one is tracker-shaped: the parser knows names only
    _write(docs / "07-a" / "сводка.md", TRACKER_SHAPED)
    _write(docs / "07-b" / "сводка.md", PLAIN)
    return root


def test_roles_from_names_and_shapes(tmp_path: Path) -> None:
    loaded = load_config(cwd=_site(tmp_path))
    roles = {a.path: (a.role, a.reason) for a in loaded.roles}
    assert roles == {
        "04-llm/пробелы.md": ("tracker", "name matches пробелы*.md"),
        "04-llm/материалы.md": ("materials", "name matches материалы.md"),
        "06-mlops/материалы-mlops.md": ("materials", "name matches материалы*.md"),
        "06-mlops/подготовка-mlops.md": ("interview", "name matches подготовка*.md"),
        "03-dl/интервью-архитектуры.md": ("interview", "name matches интервью*.md"),
        "05-sd/заметки.md": ("tracker", "content: 2 gap heading(s) with a status"),
        "05-sd/вопросы.md": ("interview", "content: level headings Basic, Killer with Q:/A:"),
    }
    assert any("07-a/сводка.md looks like a tracker" in note for note in loaded.notes)
    kinds = {d.path: d.kind for d in analyse(loaded).documents}
    assert kinds["docs/04-llm/пробелы.md"] == "tracker"
    assert kinds["docs/05-sd/заметки.md"] == "tracker"
    assert kinds["docs/05-sd/вопросы.md"] == "interview"
    assert kinds["docs/06-mlops/материалы-mlops.md"] == "materials"
    assert kinds["docs/05-sd/просто.md"] == "other"
    assert kinds["docs/07-a/сводка.md"] == kinds["docs/07-b/сводка.md"] == "other"
    shown = describe(loaded)
    assert "tracker   05-sd/заметки.md  (content: 2 gap heading(s) with a status)" in shown


def test_config_globs_replace_the_defaults(tmp_path: Path) -> None:
    _site(tmp_path)
    _write(tmp_path / "content-audit.yaml", "documents:\n  tracker: ['заметки.md']\n")
    loaded = load_config(cwd=tmp_path)
    trackers = sorted(a.path for a in loaded.roles if a.role == "tracker")
    # пробелы.md is no tracker by name now, but still one by its shape
    assert trackers == ["04-llm/пробелы.md", "05-sd/заметки.md"]
    assert {a.path: a.reason for a in loaded.roles}["05-sd/заметки.md"] == (
        "name matches заметки.md"
    )


def test_every_tracker_of_a_zero_config_site_is_audited(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    run = run_cli(["report", "--no-exec", "--format", "json"], _site(tmp_path))
    import json

    report = json.loads(run.out)
    assert report["coverage"]["measured"] is True
    assert sorted({g["tracker"] for g in report["gaps"]}) == [
        "docs/04-llm/пробелы.md",
        "docs/05-sd/заметки.md",
    ]
    assert report["summary"]["files"] == 10


MLOPS_TRACKER = """# MLOps: Пробелы (Gaps)

## КРИТИЧЕСКИЕ GAPS

### 1. Model Serving — ЧАСТИЧНО ЗАПОЛНЕНО

Добавлено в materials.md section 1:
- Батчинг

Добавлено в interview.md section 1:
- Interview questions (3 Q&A)
"""


def test_a_trackers_materials_md_and_interview_md_are_the_pages_of_its_own_folder(
    tmp_path: Path,
) -> None:
    from audit.pipeline import full_audit

    _write(tmp_path / "mkdocs.yml", "site_name: x\n")
    _write(tmp_path / "docs" / "06" / "пробелы.md", MLOPS_TRACKER)
    _write(tmp_path / "docs" / "06" / "материалы-mlops.md", "# М\n\n## 1. Model Serving\n")
    _write(tmp_path / "docs" / "06" / "подготовка-mlops.md", INTERVIEW_SHAPED)
    # two materials pages in one folder stay ambiguous: no guess
    _write(tmp_path / "docs" / "07" / "пробелы.md", MLOPS_TRACKER)
    _write(tmp_path / "docs" / "07" / "материалы-a.md", "# A\n\n## 1. Model Serving\n")
    _write(tmp_path / "docs" / "07" / "материалы-b.md", "# B\n\n## 1. Model Serving\n")
    audit = full_audit(load_config(cwd=tmp_path), execute=False, use_cache=False)
    claims = {
        t.path: [(c.document_raw, c.document, c.problem) for g in t.gaps for c in g.claims]
        for t in audit.trackers
    }
    assert claims["docs/06/пробелы.md"] == [
        ("materials.md", "docs/06/материалы-mlops.md", ""),
        ("interview.md", "docs/06/подготовка-mlops.md", ""),
    ]
    assert claims["docs/07/пробелы.md"][0] == ("materials.md", "", "ambiguous-alias")


def test_the_report_says_which_role_each_page_got_and_why(tmp_path: Path) -> None:
    import json

    from tests.helpers import run_cli

    root = _site(tmp_path)
    report = json.loads(run_cli(["report", "--no-exec", "--format", "json"], root).out)
    roles = {r["path"]: (r["role"], r["reason"]) for r in report["page_roles"]}
    assert roles["docs/05-sd/вопросы.md"] == (
        "interview",
        "content: level headings Basic, Killer with Q:/A:",
    )
    assert len(roles) == 7
    md = run_cli(["report", "--no-exec", "--format", "md"], root).out
    assert "| docs/05-sd/заметки.md | tracker | content: 2 gap heading(s) with a status |" in md
