"""The configuration contract. Every name, heading word and vocabulary the audit relies on is here.

Declared as pydantic models with ``extra="forbid"`` so that a typo in a key is an error that names
the key, the way mkdocs validates its config, instead of a setting that silently does nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SlugStyle = Literal[
    "mkdocs-unicode",
    "mkdocs-ascii",
    "github",
    "pymdownx",
    "pymdownx-lower",
    "pymdownx-lower-ascii",
    "pymdownx-fold",
]
SeverityName = Literal["error", "warning", "info"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentsConfig(_Strict):
    materials: list[str] = Field(
        default=["материалы.md", "материалы*.md"],
        description="File names or globs (on the name) of a track's materials pages.",
    )
    interview: list[str] = Field(
        default=["подготовка-к-интервью.md", "подготовка*.md", "интервью*.md"],
        description="File names or globs (on the name) of interview-prep pages.",
    )
    tracker: list[str] = Field(
        default=["пробелы-в-покрытии.md", "пробелы*.md"],
        description="File names or globs (on the name) of gap trackers. Pages of other names "
        "shaped like a tracker (gap headings with statuses) or an interview page (level "
        "headings with Q:/A:) get that role too.",
    )
    tasks_dir: str = Field(default="tasks", description="Folder (under the content root) of tasks.")
    aliases: dict[str, str] = Field(
        default={"materials.md": "материалы.md", "interview.md": "подготовка-к-интервью.md"},
        description="Names a tracker may use for a document of its own track.",
    )


class LevelsConfig(_Strict):
    names: list[str] = Field(default=["Basic", "Medium", "Killer"], min_length=1)
    aliases: dict[str, str] = Field(
        default={"Базовый": "Basic", "Средний": "Medium", "Продвинутый": "Killer"},
        description="Other spellings of level headings, mapped to a canonical name.",
    )


class QAConfig(_Strict):
    question_markers: list[str] = Field(default=["Q:", "Вопрос:"])
    answer_markers: list[str] = Field(default=["A:", "Ответ:"])
    subsection_headings: list[str] = Field(
        default=["Вопросы для интервью", "Interview questions", "Q&A"],
        description="Headings of Q&A subsections inside materials sections.",
    )


class PageConfig(_Strict):
    prerequisites_words: list[str] = Field(default=["Предварительно:", "Навигация:"])
    updated_word: str = "Обновлено:"
    reading_time_pattern: str = r"^~\s*\d+\s+минут\w*\s+чтения$"


class ExamplesConfig(_Strict):
    languages: list[str] = Field(default=["python", "py", "python3"])
    skip_flags: list[str] = Field(default=["skip", "no-run", ".no-run"])
    output_infos: list[str] = Field(default=["text output", "output"])
    timeout_s: float = Field(default=10.0, gt=0)
    interpreter: str = Field(
        default="", description="Python for examples; empty = the current one."
    )
    jobs: int = Field(default=0, ge=0, description="Parallel runs; 0 = number of cores.")
    cpu_time_s: int = Field(default=30, gt=0)
    memory_mb: int = Field(default=2048, gt=0)
    file_size_mb: int = Field(default=64, gt=0)
    max_processes: int = Field(default=64, gt=0)
    output_limit_kb: int = Field(default=64, gt=0)
    env_allow: list[str] = Field(default=["PATH", "LANG", "LC_ALL", "TZ", "PYTHONHASHSEED"])


class TrackerStatuses(_Strict):
    none: list[str] = Field(default=["НЕТ"])
    partial: list[str] = Field(default=["ЧАСТИЧНО ЗАПОЛНЕНО", "ЧАСТИЧНО"])
    covered: list[str] = Field(default=["ЗАПОЛНЕНО", "ПОКРЫТО"])


class TrackerConfig(_Strict):
    statuses: TrackerStatuses = TrackerStatuses()
    claim_words: list[str] = Field(default=["Добавлено в"])
    asked_words: list[str] = Field(default=["Что спрашивают"])
    example_question_words: list[str] = Field(default=["Пример вопроса:"])
    recommendation_words: list[str] = Field(default=["Рекомендация:"])
    sources_words: list[str] = Field(default=["Источники:"])
    remaining_words: list[str] = Field(default=["Осталось:"])
    priority_words: list[str] = Field(default=["Приоритет:"])
    frequency_pattern: str = r"спрашивают в (\d{1,3})\s*%"
    priority_heading_pattern: str = r"^Priority\s+(\d+)"
    cross_reference_headings: list[str] = Field(default=["Cross-References Missing"])
    coverage_table_heading_pattern: str = r"^Текущее покрытие"
    task_count_pattern: str = r"(\d+)\s+задач"
    coverage_percent_pattern: str = r"coverage:?\s*~?\s*(\d{1,3})\s*%"
    title_match_threshold: float = Field(default=0.6, ge=0, le=1)


class Thresholds(_Strict):
    overall_min: float | None = Field(default=None, ge=0, le=100)
    per_priority_min: dict[str, float] = Field(default_factory=dict)
    max_none_per_category: int | None = Field(default=None, ge=0)
    max_errors: int | None = Field(default=0, ge=0)


class WeightsConfig(_Strict):
    priority: dict[str, float] = Field(
        default_factory=dict,
        description="Weight per priority bucket (P1, P2, LOW...) in the weighted coverage; "
        "unlisted priorities weigh 1.",
    )
    frequency: bool = Field(
        default=True,
        description="Multiply each gap's weight by how often it is asked ('спрашивают в N% "
        "интервью').",
    )
    default_frequency: float = Field(
        default=5.0,
        ge=0,
        le=100,
        description="Frequency in percent assumed for gaps whose tracker states none.",
    )


class RulesConfig(_Strict):
    disable: list[str] = Field(default_factory=list, description="Rule codes to turn off.")
    severity: dict[str, SeverityName] = Field(default_factory=dict, description="Overrides.")


class SiteConfig(_Strict):
    generator: Literal["none", "mkdocs"] = Field(
        default="none",
        description="Site generator the pages are built with (set when a mkdocs.yml is found).",
    )
    config_file: str = Field(default="", description="The generator's config file, if any.")
    use_directory_urls: bool = Field(
        default=True, description="mkdocs' use_directory_urls (pages published as folder/)."
    )
    nav: list[str] | None = Field(
        default=None,
        description="Pages of the site navigation (relative to the content root); null = no "
        "nav, every page is listed.",
    )
    not_in_nav: list[str] = Field(
        default_factory=list, description="Pages allowed outside the nav (mkdocs' not_in_nav)."
    )
    markdown_extensions: list[str] = Field(
        default_factory=list,
        description="Markdown extensions the site enables (which dialect features are on).",
    )


class Config(_Strict):
    content_root: str = Field(default="content", description="Folder holding the knowledge base.")
    include: list[str] = Field(default=["**/*.md"])
    exclude: list[str] = Field(default_factory=list)
    slug_style: SlugStyle = "mkdocs-unicode"
    slug_separator: str = Field(
        default="-", min_length=1, description="Word separator of anchors (toc's `separator`)."
    )
    task_id_pattern: str = (
        r"\b(?:llm|dl|mlsd|ml|cv|nlp|mlops|agents)_\d{3}(?!\d)(?:_[a-z0-9_]*[a-z0-9])?"
    )
    cache_dir: str = ".content-audit-cache"
    requirements: str = Field(
        default="", description="Path of a requirements YAML; empty = schema/requirements.yaml."
    )
    documents: DocumentsConfig = DocumentsConfig()
    levels: LevelsConfig = LevelsConfig()
    qa: QAConfig = QAConfig()
    page: PageConfig = PageConfig()
    examples: ExamplesConfig = ExamplesConfig()
    tracker: TrackerConfig = TrackerConfig()
    thresholds: Thresholds = Thresholds()
    weights: WeightsConfig = WeightsConfig()
    rules: RulesConfig = RulesConfig()
    site: SiteConfig = SiteConfig()
