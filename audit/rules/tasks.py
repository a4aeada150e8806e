"""Practice tasks: front matter contract, ids, orphans, duplicates and prerequisite cycles."""

from __future__ import annotations

from collections.abc import Iterator

from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.rules.frontmatter import key_span
from audit.rules.registry import RuleContext, rule


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
        # pydantic on first use: a warm check that re-parses no task file never loads it
        from pydantic import ValidationError

        from audit.model.task import TaskFrontMatter

        try:
            TaskFrontMatter.model_validate(doc.front_matter)
        except ValidationError as exc:
            for err in exc.errors():
                key = ".".join(str(p) for p in err["loc"]) or "(front matter)"
                message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
                yield ctx.finding(
                    "TK001",
                    key_span(doc, key.split(".")[0]),
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
                    key_span(doc, "id"),
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
        span = key_span(doc, "prerequisites") if doc is not None else Span("", 1)
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
