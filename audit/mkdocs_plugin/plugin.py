"""The ``content-audit`` mkdocs plugin: the audit runs once per build on the pages mkdocs sees.

Events: ``on_files`` (last, so pages other plugins generate are seen) runs the audit and adds the
optional coverage page; ``on_page_content`` writes the badges into tracker pages' HTML;
``on_post_build`` logs the findings (after mkdocs' own link validation, whose reports are not
repeated). ``on_startup`` keeps one plugin instance across ``mkdocs serve`` rebuilds, so parsed
documents stay in memory and a rebuild parses only the files that changed.

The plugin never breaks a build by itself: an internal error is one ERROR record naming
content-audit (``--strict`` then fails, a plain build goes on) and never writes into docs_dir.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from importlib.resources import files as package_files
from typing import Any, Literal
from urllib.parse import unquote

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from audit.mkdocs_plugin.badges import DEFAULT_LABELS, GapBadge, PageSummary, inject
from audit.model.document import Document
from audit.model.finding import Finding, Severity

log = logging.getLogger("mkdocs.plugins.content-audit")
CSS_URI = "assets/content-audit/content-audit.css"
LINK_CODES = frozenset({"XR001", "XR002", "XR005"})
_MKDOCS_LINK = re.compile(r"^Doc file '(?P<page>.+?)' contains a link '(?P<url>.*?)', but ")


class PluginConfig(base.Config):  # type: ignore[no-untyped-call]
    run_examples = c.Type(bool, default=False)
    badges = c.Type(bool, default=True)
    coverage_page = c.Optional(c.Type(str))
    fail_on = c.Choice(("error", "warning"), default="error")
    config = c.Optional(c.Type(str))
    labels = c.Type(dict, default={})


@dataclass
class PageMarks:
    badges: list[GapBadge]
    summary: PageSummary


@dataclass
class BuildState:
    """What one build's audit produced, read by the later events of the same build."""

    findings: list[Finding] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    pages: dict[str, PageMarks] = field(default_factory=dict)  # src_uri -> marks
    prefix: str = ""  # content root + "/": finding paths minus it are src_uris
    seconds: float = 0.0


class _LinkRecords(logging.Handler):
    """Collects the (page, target) pairs mkdocs' own link validation reports during a build."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: dict[tuple[str, str], int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            m = _MKDOCS_LINK.match(record.getMessage())
        except Exception:
            return
        if m:
            key = (m.group("page"), _norm_url(m.group("url")))
            self.seen[key] = max(self.seen.get(key, 0), record.levelno)


def _norm_url(url: str) -> str:
    return unquote(url).strip()


class ContentAuditPlugin(BasePlugin[PluginConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.memo: dict[tuple[str, str], Document] = {}  # parsed documents across serve rebuilds
        self.state = BuildState()
        self.links = _LinkRecords()
        self.last_audit_seconds = 0.0
        self.last_parsed = 0  # documents parsed by the last audit (the others came from memo)
        self.serving = False  # mkdocs serve: rebuilds follow, worth the incremental engine's cache
        self.owner: object = None  # the LoadedConfig the memos belong to
        self.last_path = ""  # how the last audit ran: reused, incremental, full
        self.trackers: dict[Any, Any] = {}  # parsed trackers by (path, digest, known pages)
        self.stats: dict[str, Any] = {}  # abs path -> (stat, Source): unchanged files not re-read
        self.last: tuple[object, BuildState, Any] | None = None  # (inputs, state, report model)
        self.labels = dict(DEFAULT_LABELS)

    # ------------------------------------------------------------------ lifecycle
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Present so that mkdocs keeps this instance (and its memo) across serve rebuilds."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.state = BuildState()
        self.links.seen.clear()
        logging.getLogger("mkdocs").addHandler(self.links)
        labels = self.config.labels
        self.labels = {**DEFAULT_LABELS, **{str(k): str(v) for k, v in labels.items()}}
        if self.config.badges and CSS_URI not in [str(u) for u in config.extra_css]:
            config.extra_css.append(CSS_URI)
        return config

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.links)

    # ------------------------------------------------------------------ the audit
    @event_priority(-100)  # after every plugin that adds or generates pages
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.config.badges:
            files.append(
                File.generated(
                    config,
                    CSS_URI,
                    content=package_files("audit.mkdocs_plugin")
                    .joinpath("assets", "content-audit.css")
                    .read_bytes(),
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
            )
        try:
            model = self._audit(files, config)
        except Exception as exc:  # never break the build by itself: one ERROR line instead
            log.error(
                "content-audit: internal error, the audit was skipped: %s: %s",
                type(exc).__name__,
                exc,
            )
            log.debug("content-audit: internal error", exc_info=True)
            return files
        page = self.config.coverage_page
        if page and model is not None:
            try:
                from audit.mkdocs_plugin.coverage_page import render_coverage_page

                if files.get_file_from_path(page) is not None:
                    log.error(
                        "content-audit: coverage_page '%s' is a page of docs_dir; "
                        "not generated over it",
                        page,
                    )
                else:
                    files.append(File.generated(config, page, content=render_coverage_page(model)))
            except Exception as exc:
                log.error(
                    "content-audit: internal error, no coverage page: %s: %s",
                    type(exc).__name__,
                    exc,
                )
        return files

    def _audit(self, files: Files, config: MkDocsConfig) -> Any:
        from audit.mkdocs_plugin.badges import page_badges, page_summary
        from audit.mkdocs_plugin.site import PageFile, page_sources, project_config
        from audit.pipeline import full_audit
        from audit.report.build import build_report

        started = time.perf_counter()
        toc = (config.mdx_configs or {}).get("toc", {}) or {}
        loaded = project_config(
            config.config_file_path, config.docs_dir, self.config.config, toc.get("slugify")
        )
        pages = [
            PageFile(f.src_uri, f.abs_src_path, _content_of(f))
            for f in files.documentation_pages()
            if _included(f) and f.src_uri != self.config.coverage_page
        ]
        if self.owner != loaded:  # another project or config: nothing remembered applies
            self.owner = loaded
            self.memo.clear()
            self.trackers.clear()
            self.stats.clear()
            self.last = None
        sources = page_sources(loaded, pages, self.stats)
        inputs = (
            loaded,
            self.config.run_examples,
            bool(self.config.coverage_page),
            tuple((s.path, s.digest, s.read_error) for s in sources),
        )
        if self.last is not None and self.last[0] == inputs and not self.config.run_examples:
            # nothing the audit reads changed (a theme or mkdocs.yml edit): same result
            self.state = self.last[1]
            self.last_parsed = 0
            self.last_path = "reused"
            self.last_audit_seconds = time.perf_counter() - started
            return self.last[2]
        self.last_parsed = sum(1 for s in sources if (s.path, s.digest) not in self.memo)
        fast = (
            self.serving  # a one-off build leaves no cache behind
            and not self.config.run_examples
            and not self.config.coverage_page
            and len(pages) == len(sources)
            and all(p.abs_src_path is not None for p in pages)
            and _discovered(loaded) == {s.path for s in sources}
        )
        self.last_path = "incremental" if fast and self.memo else "full"
        if fast and self.memo:
            audit = self._rebuild_audit(loaded, sources)
        elif fast:  # the first build: a full run that leaves the incremental engine its state
            audit = full_audit(loaded, jobs=1, execute=False, use_cache=True)
            self.memo.clear()
            self.memo.update({(d.path, d.digest): d for d in audit.analysis.documents})
        else:
            audit = full_audit(
                loaded,
                jobs=1,
                execute=self.config.run_examples,
                use_cache=self.config.run_examples,  # the example results cache; parse: the memo
                sources=sources,
                memo=self.memo,
            )
        state = self.state
        state.findings = audit.findings
        state.documents = {d.path: d for d in audit.analysis.documents}
        root = loaded.config.content_root
        state.prefix = "" if root in ("", ".") else root.rstrip("/") + "/"
        buckets = {b.name: b.score for b in audit.coverage.by_track}
        for tracker in audit.trackers:
            doc = state.documents.get(tracker.path)
            if doc is None or not tracker.path.startswith(state.prefix):
                continue
            badges = page_badges(tracker, doc, audit.coverage.gaps)
            summary = page_summary(tracker, buckets.get(tracker.track), len(badges))
            state.pages[tracker.path[len(state.prefix) :]] = PageMarks(badges, summary)
        model = build_report(audit) if self.config.coverage_page else None
        self.last = (inputs, state, model)
        state.seconds = self.last_audit_seconds = time.perf_counter() - started
        log.debug("content-audit: audited %d pages in %.3f s", len(sources), state.seconds)
        return model

    def _rebuild_audit(self, loaded: Any, sources: list[Any]) -> Any:
        """Static findings from the incremental engine (only the files an edit can affect are
        re-checked), trackers and coverage on the in-memory documents."""
        from audit.cache.incremental import check
        from audit.mkdocs_plugin.fast import tracker_audit
        from audit.pipeline import parse_memo

        static, _paths = check(loaded, 1)
        documents = parse_memo(sources, loaded.config, self.memo)
        return tracker_audit(loaded, documents, static, self.trackers)

    # ------------------------------------------------------------------ the pages
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.badges:
            return html
        marks = self.state.pages.get(page.file.src_uri)
        if marks is None:
            return html
        try:
            out, missing = inject(html, marks.badges, marks.summary, self.labels)
        except Exception as exc:
            log.error(
                "content-audit: internal error, no badges on %s: %s: %s",
                page.file.src_uri,
                type(exc).__name__,
                exc,
            )
            return html
        for badge in missing:
            log.info(
                "content-audit: %s: no heading '%s' in the built page; gap '%s' has no badge",
                page.file.src_uri,
                badge.heading_text,
                badge.gap_id,
            )
        return out

    # ------------------------------------------------------------------ the findings
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        logging.getLogger("mkdocs").removeHandler(self.links)
        try:
            self._log_findings()
        except Exception as exc:
            log.error(
                "content-audit: internal error while reporting findings: %s: %s",
                type(exc).__name__,
                exc,
            )

    def _log_findings(self) -> None:
        fail = Severity(self.config.fail_on)
        for f in self.state.findings:
            level = logging.WARNING if f.severity.rank <= fail.rank else logging.INFO
            if f.code in LINK_CODES and self._reported_by_mkdocs(f, level):
                continue
            where = f"{f.span.path}:{max(1, f.span.line)}:{max(1, f.span.column)}"
            log.log(level, "content-audit: %s %s %s", where, f.code, f.message)

    def _reported_by_mkdocs(self, f: Finding, level: int) -> bool:
        """mkdocs already logged this page's link to this target at ``level`` or above."""
        doc = self.state.documents.get(f.span.path)
        if doc is None or not f.span.path.startswith(self.state.prefix):
            return False
        src_uri = f.span.path[len(self.state.prefix) :]
        link = next(
            (
                lk
                for lk in doc.links
                if lk.span.line == f.span.line and lk.span.column == f.span.column
            ),
            None,
        )
        if link is None:
            return False
        seen = self.links.seen.get((src_uri, _norm_url(link.target)))
        return seen is not None and seen >= level


def _discovered(loaded: Any) -> set[str] | None:
    """The paths discovery would audit (stat only), or None when the walk fails."""
    from audit.cache.store import walk_stats

    stats = walk_stats(loaded.config, loaded.root)
    return None if stats is None else {rel for rel, *_rest in stats}


def _included(f: File) -> bool:
    """Built by ``mkdocs build`` (drafts and exclude_docs pages are not)."""
    return bool(f.inclusion.is_included())  # type: ignore[no-untyped-call]


def _content_of(f: File) -> Any:
    def read() -> bytes:
        return f.content_bytes

    return read
