"""Cross-references: every relative link must reach an existing file and anchor, every task id
mentioned must be declared, every explicit anchor be unique (XR001-XR007)."""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterator

from audit.model.document import Document, TaskMention
from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.rules.frontmatter import key_span
from audit.rules.registry import RuleContext, problem_rule, rule


@rule("XR001", "broken-file-link", Severity.ERROR, scope="file")
def broken_file_link(ctx: RuleContext) -> Iterator[Finding]:
    """A relative link points to a file that does not exist.

    What it checks: the path part of every relative link, resolved from the linking file.
    Why: readers hit a 404 on the published site; the topic graph loses an edge.
    Example: `[задача](../tasks/llm_099_missing.md)`.
    Fix: correct the path, or create the file.
    """
    for resolved in ctx.graph.links:
        if resolved.problem == "missing-file":
            yield ctx.finding(
                "XR001",
                resolved.link.span,
                f"broken link: '{resolved.link.path.split('?', 1)[0]}' does not exist "
                f"(resolved to {resolved.target_path})",
            )


@rule("XR002", "broken-anchor", Severity.ERROR, scope="file")
def broken_anchor(ctx: RuleContext) -> Iterator[Finding]:
    """A link's #anchor matches no heading of its target page.

    What it checks: the fragment of same-file and cross-file links against the anchors the site
    generator computes (slug style from the config; Cyrillic kept; `{#id}` wins).
    Why: the link opens the page at the top, or not at the section the author meant.
    Example: `[RoPE](материалы.md#rope)` when the heading is `## 8. Длинный контекст`.
    Fix: use the anchor the audit suggests, or give the heading an explicit `{#id}`.
    """
    graph = ctx.graph
    # per target page its anchors sorted, per (page, anchor) the suggestion: sorting a page's
    # anchors again for every broken link to it was quadratic on a page with many of both
    ordered: dict[str, list[str]] = {}
    suggestions: dict[tuple[str, str], str] = {}
    for resolved in graph.links:
        link = resolved.link
        if resolved.problem == "missing-anchor":  # same-file anchors are resolved here too
            where = "this file" if link.kind == "anchor" else resolved.target_path
            key = (resolved.target_path, link.anchor)
            if key not in suggestions:
                anchors = ordered.get(resolved.target_path)
                if anchors is None:
                    anchors = sorted(graph.section_anchors(resolved.target_path))
                    ordered[resolved.target_path] = anchors
                suggestions[key] = _suggest(anchors, link.anchor)
            yield ctx.finding(
                "XR002",
                link.span,
                f"broken anchor: '#{link.anchor}' is not a heading of {where}",
                suggestions[key],
            )


@rule("XR005", "link-escapes-root", Severity.ERROR, scope="file")
def link_escapes_root(ctx: RuleContext) -> Iterator[Finding]:
    """A relative link leaves the content root (`..` too far, or an absolute path).

    What it checks: every relative link resolves to a path inside the content root.
    Why: the published site contains only the content root; such links break after publishing.
    Example: `[конфиг](../../pyproject.toml)` from `content/llm/материалы.md`.
    Fix: link to a page inside the knowledge base, or use a full URL.
    """
    for resolved in ctx.graph.links:
        if resolved.problem == "escapes-root":
            yield ctx.finding(
                "XR005",
                resolved.link.span,
                f"link '{resolved.link.target}' leaves the content root "
                f"(resolves to {resolved.target_path})",
                _relative_hint(ctx, resolved.link.span.path, resolved.link.path),
            )


def _relative_hint(ctx: RuleContext, from_path: str, path: str) -> str:
    """For an absolute link to a page of the content root: the relative link that works
    wherever the site is served (mkdocs suggests the same, for ``/sub/`` the page it names)."""
    from audit.graph.build import directory_page

    raw = path.split("?", 1)[0]
    if not raw.startswith("/") or raw.startswith("//"):
        return ""
    prefix = ctx.config.content_root.strip("/")
    documents = ctx.graph.documents
    target = posixpath.normpath(posixpath.join(prefix, raw.lstrip("/")))
    if target not in documents and raw.endswith("/"):
        target = directory_page(
            target, lambda p: documents[p].anchors() if p in documents else None
        )
    if target not in documents:
        return ""
    return f"did you mean '{posixpath.relpath(target, posixpath.dirname(from_path) or '.')}'?"


@rule("XR006", "page-not-in-nav", Severity.INFO, scope="file")
def page_not_in_nav(ctx: RuleContext) -> Iterator[Finding]:
    """A page of the site is not in its navigation (mkdocs' `nav`).

    What it checks: when the site config has a `nav`, every audited page is listed in it or
    matches `not_in_nav` (like mkdocs' "pages exist in the docs directory, but are not included
    in the nav" message).
    Why: readers only reach such a page through a link or the search.
    Example: `docs/04-llm/пробелы.md` missing from the `nav:` of mkdocs.yml.
    Fix: add the page to `nav`, or list it under `not_in_nav`.
    """
    from audit.discover import matches
    from audit.project.mkdocs import gitignore_globs

    site = ctx.config.site
    if site.nav is None:
        return
    listed = {posixpath.normpath(page) for page in site.nav}
    allowed = gitignore_globs(site.not_in_nav)
    prefix = ctx.config.content_root.strip("/")
    prefix = "" if prefix == "." else prefix + "/"
    for path in ctx.graph.documents:
        page = path[len(prefix) :] if prefix and path.startswith(prefix) else path
        if page in listed or matches(page, allowed):
            continue
        yield ctx.finding(
            "XR006",
            Span(path, 1),
            f"page '{page}' is not in the nav of {site.config_file or 'the site config'}",
        )


@rule("XR007", "directory-link-misses-page", Severity.WARNING, scope="file")
def directory_link_misses_page(ctx: RuleContext) -> Iterator[Finding]:
    """A directory-style link (`sub/`, `page/#anchor`) that the published site resolves elsewhere.

    What it checks: on a mkdocs site, every relative link ending in `/` that names a page
    (the folder's index.md or README.md, else `page.md`). With `use_directory_urls: true` a
    page `x/y.md` is published at `x/y/`, so from any page but an index.md/README.md such a
    link is resolved one level too deep; with `use_directory_urls: false` pages are `.html`
    files, so `page/` names a folder that does not exist (`sub/` still reaches sub/index.html).
    Why: mkdocs leaves the link as written (an INFO "unrecognized relative link") and the
    reader gets a 404.
    Example: `[материалы](материалы/)` in `01-основы/пробелы.md`, published at
    `01-основы/пробелы/`: the browser asks for `01-основы/пробелы/материалы/`.
    Fix: link the `.md` file (`материалы.md`, `../03-раздел/index.md#итоги`); mkdocs rewrites
    it to the page's URL.
    """
    site = ctx.config.site
    if site.generator != "mkdocs":
        return  # GitHub renders `sub/` as the folder's listing: the link works there
    prefix = ctx.config.content_root.strip("/")
    prefix = "" if prefix == "." else prefix + "/"
    for resolved in ctx.graph.links:
        link = resolved.link
        raw = link.path.split("?", 1)[0]
        if link.kind != "relative" or not raw.endswith("/") or resolved.problem == "escapes-root":
            continue
        target = resolved.target_path
        if target not in ctx.graph.documents:
            continue  # no page: XR001 (or a folder of files) says what is wrong
        source = link.span.path
        page_url = _page_url(source.removeprefix(prefix), site.use_directory_urls)
        lands = posixpath.normpath(posixpath.join(posixpath.dirname(page_url) or ".", raw))
        lands = "" if lands == "." else lands + "/"
        intended = _page_url(target.removeprefix(prefix), site.use_directory_urls)
        if lands == intended or (not site.use_directory_urls and lands + "index.html" == intended):
            continue
        fix = posixpath.relpath(target, posixpath.dirname(source) or ".")
        fix += f"#{link.anchor}" if link.anchor else ""
        yield ctx.finding(
            "XR007",
            link.span,
            f"directory-style link '{link.target}' on a page published at {page_url or '/'} "
            f"takes the browser to {lands or '/'}, not to {intended or '/'} where "
            f"{target.removeprefix(prefix)} is published; link the file '{fix}' instead "
            f"(mkdocs rewrites it to the page's URL)",
        )


def _page_url(page: str, directory_urls: bool) -> str:
    """The URL (relative to the site root) mkdocs publishes ``page`` at: ``x/y.md`` at
    ``x/y/`` (or ``x/y.html``), an index.md or README.md at its folder's ``x/`` (or
    ``x/index.html``)."""
    folder, name = posixpath.split(page)
    stem = name.rsplit(".", 1)[0]
    base = f"{folder}/" if folder else ""
    if stem in ("index", "README"):
        return base if directory_urls else f"{base}index.html"
    return f"{base}{stem}/" if directory_urls else f"{base}{stem}.html"


problem_rule(
    "XR004",
    "duplicate-explicit-anchor",
    Severity.ERROR,
    """
    Two headings of one page declare the same explicit `{#id}`.

    What it checks: explicit anchors are unique within a page.
    Why: the browser jumps to the first one; links meant for the second are silently wrong.
    Example: `## Итоги {#summary}` twice in one file.
    Fix: rename one of the anchors.
""",
    family="links",
)


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
                            key_span(doc, key),
                            f"unresolved task id '{value}' in front matter '{key}'",
                        )


def _suggest(anchors: list[str], wanted: str) -> str:
    """The closest anchor of ``anchors`` (sorted: ties go to the first) as a hint, or ""."""
    import difflib

    close = difflib.get_close_matches(wanted, anchors, n=1, cutoff=0.5)
    return f"did you mean '#{close[0]}'?" if close else ""
