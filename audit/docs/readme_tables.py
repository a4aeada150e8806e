"""Generated documentation: the rule table (from the rule registry) and the config reference (from
the pydantic models in audit/model/config.py), and the README regions that hold them.

``README.md`` keeps them between ``<!-- rules:begin -->`` / ``<!-- rules:end -->`` and
``<!-- config:begin -->`` / ``<!-- config:end -->``; tests/docs/test_readme_tables.py fails when
they are stale (`pytest tests/docs/test_readme_tables.py --update-golden` rewrites them).
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from audit.errors import AuditError
from audit.model.config import Config
from audit.rules.registry import Rule

# What a key means, for keys whose model field has no description of its own.
FIELD_NOTES: dict[str, str] = {
    "include": "Glob patterns (relative to the content root) of the Markdown files to audit.",
    "exclude": "Glob patterns of files to leave out.",
    "slug_style": "How heading anchors are computed: like mkdocs' toc (keeping Cyrillic, or "
    "ASCII only), like pymdownx.slugs.slugify (case none, lower, lower-ascii, fold) or like "
    "GitHub. Read from mkdocs.yml's toc slugify when there is one.",
    "task_id_pattern": "Regular expression of a task id; any match in prose is a task reference.",
    "cache_dir": "Folder (under the project root) of the parse and example-result caches.",
    "levels.names": "Canonical interview levels, in order; every Q&A section needs each.",
    "qa.question_markers": "Line prefixes that start a question.",
    "qa.answer_markers": "Line prefixes that start an answer.",
    "page.prerequisites_words": "Words that open the prerequisites line of a page header.",
    "page.updated_word": "Word before the `YYYY-MM-DD` update date of a page.",
    "page.reading_time_pattern": "Regular expression of the reading-time line of a page header.",
    "examples.languages": "Fence info words of the code blocks that are Python examples.",
    "examples.skip_flags": "Fence info words that opt an example out of execution.",
    "examples.output_infos": "Fence info of a block holding the expected output of the "
    "example before it.",
    "examples.timeout_s": "Wall-clock limit of one example (seconds).",
    "examples.cpu_time_s": "CPU-time limit of one example (seconds).",
    "examples.memory_mb": "Address-space limit of one example (MB).",
    "examples.file_size_mb": "Largest file an example may write (MB).",
    "examples.max_processes": "Most processes an example may start.",
    "examples.output_limit_kb": "Output kept of one example (KB); more is `limit-exceeded`.",
    "examples.env_allow": "Environment variables passed to examples (all others are dropped).",
    "tracker.statuses.none": "Status words of a gap that is not covered.",
    "tracker.statuses.partial": "Status words of a partly covered gap.",
    "tracker.statuses.covered": "Status words of a covered gap.",
    "tracker.claim_words": "Words that open a claim (`Добавлено в materials.md section 9`).",
    "tracker.asked_words": "Words that open the list of what interviews ask.",
    "tracker.example_question_words": "Words that open an example question.",
    "tracker.recommendation_words": "Words that open a recommendation (planned tasks).",
    "tracker.sources_words": "Words that open a list of sources.",
    "tracker.remaining_words": "Words that open what is left to do.",
    "tracker.priority_words": "Words that open a priority line.",
    "tracker.frequency_pattern": "Regular expression of the share of interviews asking a gap.",
    "tracker.priority_heading_pattern": "Regular expression of a priority heading.",
    "tracker.cross_reference_headings": "Headings of the missing-cross-references list.",
    "tracker.coverage_table_heading_pattern": "Regular expression of the heading of the "
    "hand-written coverage table.",
    "tracker.task_count_pattern": "Regular expression of a hand-written task count.",
    "tracker.coverage_percent_pattern": "Regular expression of a hand-written coverage figure.",
    "tracker.title_match_threshold": "Similarity (0-1) a gap title needs to match a section.",
    "thresholds.overall_min": "Fail when overall coverage (%) is below this.",
    "thresholds.per_priority_min": "Fail when a priority's coverage (%) is below its value.",
    "thresholds.max_none_per_category": "Fail when a category has more uncovered gaps.",
    "thresholds.max_errors": "Most error findings a passing run may have; null = any error "
    "finding fails the run.",
    "rules.severity": "Severity overrides by rule code (`error`, `warning`, `info`).",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(rules: Sequence[Rule]) -> str:
    """The rule list as a Markdown table (`content-audit rules --format markdown`)."""
    lines = ["| code | name | severity | stage | what it checks |", "|---|---|---|---|---|"]
    for r in rules:
        lines.append(
            f"| `{r.code}` | {r.name} | {r.severity.value} | {r.stage} | {_cell(r.summary)} |"
        )
    return "\n".join(lines) + "\n"


def _type_name(annotation: Any) -> str:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _type_name(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}"
    return getattr(annotation, "__name__", str(annotation))


def _fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any, Any, str]]:
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _fields(annotation, key + ".")
            continue
        default = field.get_default(call_default_factory=True)
        yield key, annotation, default, field.description or FIELD_NOTES.get(key, "")


def config_keys() -> list[tuple[str, str]]:
    """(dotted key, description) of every leaf key of the config."""
    return [(key, text) for key, _, _, text in _fields(Config)]


def config_markdown() -> str:
    """The config reference as a Markdown table (every key, its type, default and meaning)."""
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for key, annotation, default, text in _fields(Config):
        # a string as written in YAML (regular expressions unescaped), the rest as JSON
        shown = (
            default
            if isinstance(default, str) and default
            else json.dumps(default, ensure_ascii=False)
        )
        lines.append(f"| `{key}` | {_type_name(annotation)} | `{_cell(shown)}` | {_cell(text)} |")
    return "\n".join(lines) + "\n"


def replace_region(text: str, name: str, body: str) -> str:
    """``text`` with what lies between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``
    replaced by ``body``."""
    pattern = re.compile(rf"(<!-- {name}:begin -->\n)(.*?)(<!-- {name}:end -->)", re.DOTALL)
    if len(pattern.findall(text)) != 1:
        raise AuditError(f"expected one <!-- {name}:begin --> ... <!-- {name}:end --> region")
    return pattern.sub(lambda m: m.group(1) + body + m.group(3), text)


def readme_regions(rules: Sequence[Rule]) -> dict[str, Callable[[], str]]:
    return {"rules": lambda: rules_markdown(rules), "config": config_markdown}


def sync_readme(text: str, rules: Sequence[Rule]) -> str:
    """The README text with every generated region regenerated."""
    for name, make in readme_regions(rules).items():
        text = replace_region(text, name, make())
    return text
