"""Practice tasks: front matter contract, ids, references, orphans and prerequisite cycles."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pydantic import ValidationError

from audit.model.document import Document, TaskMention
from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.model.task import TaskFrontMatter
from audit.rules.registry import RuleContext, rule

_TASK_COLUMNS = ("задач", "task", "id")  # header cells of a table column that names tasks


def planned_mention(ctx: RuleContext, doc: Document, mention: TaskMention) -> bool:
    """True when a tracker names the id as a task still to write: under a wish-list or priority
    heading, after `Рекомендация:` or `Осталось:` (in the paragraph, one of its items, or the
    list right after it), or in the task column of a table (a priority table's task cell)."""
    if doc.kind != "tracker":
        return False
    tracker = ctx.config.tracker
    index = doc.section_of_line(mention.span.line, level=6)
    while index is not None:
        title = doc.headings[index].text
        if any(title.startswith(h) for h in tracker.cross_reference_headings):
            return True
        if re.match(tracker.priority_heading_pattern, title):
            return True
        index = doc.headings[index].parent
    if mention.heading is not None:
        return False
    position = _block_at(doc, mention.span.line)
    if position is None:
        return False
    block = doc.blocks[position]
    leads = (*tracker.recommendation_words, *tracker.remaining_words)
    if block.kind == "table":
        return _in_task_column(block.rows, mention.task_id)
    if _after_lead(block.text, mention.task_id, leads):
        return True
    if block.kind == "list" and position > 0:
        before = doc.blocks[position - 1]
        return before.kind == "paragraph" and before.text.lstrip().startswith(leads)
    return False


def _block_at(doc: Document, line: int) -> int | None:
    """Index of the kept block (trackers keep theirs) that holds ``line``: the last one that
    starts at or before it, unless a heading comes between."""
    starts = [block.span.line for block in doc.blocks]
    position = bisect_right(starts, line) - 1
    if position < 0:
        return None
    start = starts[position]
    if any(start < h.span.line <= line for h in doc.headings):
        return None
    return position


def _after_lead(text: str, task_id: str, leads: tuple[str, ...]) -> bool:
    """The id comes after a lead word in the same paragraph or list item."""
    for part in text.split("\n"):
        at = part.find(task_id)
        if at >= 0 and any(0 <= part.find(lead) < at for lead in leads):
            return True
    return False


def _in_task_column(rows: tuple[tuple[str, ...], ...], task_id: str) -> bool:
    if not rows:
        return False
    header = rows[0]
    for row in rows[1:]:
        for column, cell in enumerate(row):
            named = column < len(header) and header[column].strip().casefold()
            if task_id in cell and named and named.startswith(_TASK_COLUMNS):
                return True
    return False


@rule("XR003", "unresolved-task-id", Severity.ERROR, scope="file")
def unresolved_task_id(ctx: RuleContext) -> Iterator[Finding]:
    """A task id is mentioned but no task file or materials heading declares it.

    What it checks: every token matching the task id pattern (prose, tables, code spans,
    front matter `related`/`prerequisites`) outside fenced code; ids a tracker lists as
    planned (after `Рекомендация:` or `Осталось:`, in a priority table's task cell, under a
    wish-list heading) are not errors.
    Why: readers look for a task that does not exist; coverage counts a phantom.
    Example: `см. llm_099_agents` with no `content/tasks/llm_099_agents.md`.
    Fix: write the task, correct the id, or move it into the tracker's recommendations.
    """
    graph = ctx.graph
    for doc in graph.documents.values():
        for mention in doc.task_mentions:
            if mention.heading is not None and doc.kind != "tracker":
                continue
            if graph.task_declared(mention.task_id) or planned_mention(ctx, doc, mention):
                continue
            yield ctx.finding(
                "XR003",
                mention.span,
                f"unresolved task id '{mention.task_id}': no task file declares it",
            )
        if doc.kind == "task" and isinstance(doc.front_matter, dict):
            for key in ("related", "prerequisites"):
                values = doc.front_matter.get(key)
                if not isinstance(values, list):
                    continue
                for value in values:
                    if isinstance(value, str) and not graph.task_declared(value):
                        yield ctx.finding(
                            "XR003",
                            _key_span(doc, key),
                            f"unresolved task id '{value}' in front matter '{key}'",
                        )


@rule("TK001", "task-front-matter-schema", Severity.ERROR, scope="file")
def task_front_matter_schema(ctx: RuleContext) -> Iterator[Finding]:
    """A task file's front matter breaks the task contract.

    What it checks: task files have front matter with `id`, `title`, `track`, `subcategory`,
    `difficulty` (easy|medium|hard) and optional `gap`, `related`, `prerequisites`, no other keys
    (schema/task.schema.json).
    Why: the tracker's counts per subcategory and gap coverage are computed from these fields.
    Example: `difficulty: легко`, or a missing `subcategory`.
    Fix: follow the schema; the message names the key.
    """
    for doc in ctx.graph.documents.values():
        if doc.kind != "task":
            continue
        if doc.front_matter is None:
            if not any(p.code.startswith(("FM", "IO")) for p in doc.problems):
                yield ctx.finding(
                    "TK001",
                    Span(doc.path, 1),
                    "task file has no front matter (expected id, title, track, "
                    "subcategory, difficulty)",
                )
            continue
        try:
            TaskFrontMatter.model_validate(doc.front_matter)
        except ValidationError as exc:
            for err in exc.errors():
                key = ".".join(str(p) for p in err["loc"]) or "(front matter)"
                message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
                yield ctx.finding(
                    "TK001",
                    _key_span(doc, key.split(".")[0]),
                    f"task front matter '{key}': {message}",
                )


@rule("TK002", "task-id-mismatch", Severity.ERROR, scope="file")
def task_id_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """A task's front matter `id` differs from its file name.

    What it checks: `id` equals the file stem (`llm_001_rag_pipeline.md` → `llm_001_rag_pipeline`).
    Why: links are written to file names, references to ids; they must be the same thing.
    Example: file `llm_002_lora_concept.md` with `id: llm_002_lora`.
    Fix: rename the file or correct the id.
    """
    for doc in ctx.graph.documents.values():
        if doc.kind == "task" and isinstance(doc.front_matter, dict):
            declared = doc.front_matter.get("id")
            if isinstance(declared, str) and declared != doc.stem:
                yield ctx.finding(
                    "TK002",
                    _key_span(doc, "id"),
                    f"task id '{declared}' differs from the file name '{doc.stem}'",
                )


@rule("TK003", "orphan-task", Severity.WARNING)
def orphan_task(ctx: RuleContext) -> Iterator[Finding]:
    """No page links to or mentions a practice task.

    What it checks: each task file has an incoming link, mention, `related`/`prerequisites`
    reference or a materials heading that declares its id.
    Why: a task nobody links to is never found by readers.
    Example: a new `content/tasks/llm_030_x.md` not referenced from materials.
    Fix: link it from the materials section it practises.
    """
    graph = ctx.graph
    for task_id in graph.orphan_tasks():
        decl = graph.task_file(task_id)
        if decl is not None:
            yield ctx.finding(
                "TK003", decl.span, f"orphan task '{task_id}': nothing links to it or mentions it"
            )


@rule("TK004", "prerequisite-cycle", Severity.ERROR)
def prerequisite_cycle(ctx: RuleContext) -> Iterator[Finding]:
    """Task prerequisites form a cycle.

    What it checks: the `prerequisites` edges between tasks form no cycle.
    Why: a learning path with a cycle has no valid starting point.
    Example: llm_001 requires llm_002, which requires llm_001.
    Fix: remove one prerequisite of the cycle.
    """
    graph = ctx.graph
    for cycle in graph.prerequisite_cycles():
        decl = graph.task_file(cycle[0])
        doc = graph.documents.get(decl.path) if decl else None
        span = _key_span(doc, "prerequisites") if doc is not None else Span("", 1)
        yield ctx.finding("TK004", span, f"prerequisite cycle: {' → '.join(cycle)} → {cycle[0]}")


@rule("TK005", "duplicate-task-id", Severity.ERROR)
def duplicate_task_id(ctx: RuleContext) -> Iterator[Finding]:
    """Two task files declare the same id.

    What it checks: each task id is declared by at most one task file.
    Why: references to the id become ambiguous; counts double.
    Example: `llm_001_rag_pipeline.md` and `llm_001_rag.md` both with `id: llm_001_rag_pipeline`.
    Fix: give one of them a new id.
    """
    for task_id, decls in sorted(ctx.graph.tasks.items()):
        files = [d for d in decls if d.by == "file"]
        for extra in files[1:]:
            yield ctx.finding(
                "TK005", extra.span, f"task id '{task_id}' is also declared by {files[0].path}"
            )


def _key_span(doc: Document, key: str) -> Span:
    """The line of a front matter key (front matter starts on line 1)."""
    if doc.front_matter_span is None:
        return Span(doc.path, 1)
    return Span(doc.path, doc.front_matter_key_lines.get(key, 1), 1)
