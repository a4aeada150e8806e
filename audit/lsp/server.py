"""``content-audit lsp``: the Language Server over stdio (pygls).

The server owns one ``State``; notifications edit it and publish the diagnostics of every file
whose findings changed, requests read it. Anything that goes wrong inside a handler is logged as
one ``window/logMessage`` line and the server keeps serving: an editor must never lose its
language server because one document is strange.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from audit import __version__
from audit.lsp import features
from audit.lsp.positions import Lines, finding_range
from audit.lsp.state import MAX_LIVE_CHARS, GlobalResult, State, load_project
from audit.model.finding import Finding, Severity
from audit.model.source import Source

GLOBAL_DELAY_S = 0.3  # the whole-graph pass waits for the typing to pause
SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
KIND = {
    "file": types.CompletionItemKind.File,
    "anchor": types.CompletionItemKind.Reference,
    "task": types.CompletionItemKind.Value,
    "level": types.CompletionItemKind.Keyword,
    "marker": types.CompletionItemKind.Keyword,
}
P = TypeVar("P")
R = TypeVar("R")


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


class AuditProtocol(LanguageServerProtocol):
    """pygls' protocol, told what to do with changes it would choke on: a change for a document
    that was never opened (pygls raises KeyError), and versions that go backwards."""

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        server: AuditServer = self._server  # type: ignore[assignment]
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(unquote(uri))
        if document is None:
            server.log(f"content-audit: change for a document that is not open: {uri}; ignored")
            return
        old = document.version
        new = params.text_document.version
        if old is not None and new is not None and new <= old:
            server.log(
                f"content-audit: version {new} after {old} for {uri}; applied in arrival order"
            )
        yield from super().lsp_text_document__did_change(params)


class AuditServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("content-audit", __version__, protocol_cls=AuditProtocol)
        self.state: State | None = None
        self.published: dict[str, list[Finding]] = {}
        self.pending: asyncio.TimerHandle | None = None
        self.watcher: asyncio.Task[None] | None = None
        self.folder: Path | None = None
        self.global_running = False
        self.global_again = False
        self.global_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="global-pass")

    def log(self, line: str, kind: types.MessageType = types.MessageType.Log) -> None:
        with contextlib.suppress(Exception):  # no client to log to: nothing more to do
            self.window_log_message(types.LogMessageParams(type=kind, message=line))

    def report_server_error(self, error: Exception, source: Any) -> None:
        self.log(f"content-audit: internal error: {type(error).__name__}: {error}")

    # ---------------------------------------------------------------- paths
    def path_of_uri(self, uri: str) -> str | None:
        state = self.state
        absolute = uri_to_path(uri)
        if state is None or absolute is None:
            return None
        return state.path_of(absolute)

    def uri_of(self, path: str) -> str:
        assert self.state is not None
        return (self.state.root / path).as_uri()

    # ---------------------------------------------------------------- publishing
    def publish(self, paths: set[str]) -> None:
        state = self.state
        if state is None:
            return
        for path in sorted(paths):
            findings = state.findings_of(path) if path in state.files else []
            if self.published.get(path, []) == findings and path in self.published:
                continue
            self.published[path] = findings
            self.send_diagnostics(path, findings)

    def send_diagnostics(self, path: str, findings: list[Finding]) -> None:
        assert self.state is not None
        lines = self.state.lines_of(path) if findings else Lines("")
        file = self.state.files.get(path)
        links = {(lk.span.line, lk.span.column): lk for lk in file.doc.links} if file else {}
        uri = self.uri_of(path)
        document = self.workspace.text_documents.get(unquote(uri))
        diagnostics = [
            types.Diagnostic(
                range=finding_range(lines, f, links),
                message=f.message + (f" ({f.hint})" if f.hint else ""),
                severity=SEVERITY[f.severity],
                code=f.code,
                source="content-audit",
                data={"hint": f.hint} if f.hint else None,
            )
            for f in findings
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                diagnostics=diagnostics,
                version=document.version if document is not None else None,
            )
        )

    def schedule_global(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.run_global()
            return
        self.pending = loop.call_later(GLOBAL_DELAY_S, self.run_global)

    def run_global(self) -> None:
        """Start the whole-graph pass in the worker thread (one at a time); its results are
        taken on the event loop, and a pass that read an older snapshot is simply redone."""
        self.pending = None
        state = self.state
        if state is None or not state.global_dirty:
            return
        if self.global_running:
            self.global_again = True
            return
        generation, documents = state.snapshot()
        self.global_running = True
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        future = loop.run_in_executor(self.global_pool, state.compute_global, documents)
        future.add_done_callback(lambda f: self.global_done(f, generation, started))

    def global_done(
        self, future: asyncio.Future[GlobalResult | None], generation: int, started: float
    ) -> None:
        self.global_running = False
        state = self.state
        if state is None:
            return
        try:
            result = future.result()
            before = state.global_by_path
            state.apply_global(result, generation)
            after = state.global_by_path
            changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
            self.publish(changed & set(state.files))
        except Exception as exc:
            self.log(f"content-audit: internal error: {type(exc).__name__}: {exc}")
        # logged when the pass is completely done: the benchmark waits for this line
        self.log(f"content-audit: global pass {(time.perf_counter() - started) * 1000:.0f} ms")
        if state.global_dirty or self.global_again:
            self.global_again = False
            self.schedule_global()

    def apply(self, changes: dict[str, Source | None], touched: set[str] | None = None) -> None:
        state = self.state
        if state is None:
            return
        affected = state.update(changes, touched or set())
        self.publish(affected)
        self.schedule_global()

    # ---------------------------------------------------------------- watching
    async def watch(self, root: Path) -> None:
        """Files changed on disk when the client does not send didChangeWatchedFiles."""
        try:
            from watchfiles import awatch
        except ImportError:
            return
        async for batch in awatch(root, debounce=50, step=20):
            self.disk_changed([Path(p) for _kind, p in batch])

    def disk_changed(self, paths: list[Path]) -> None:
        state = self.state
        if state is None:
            return
        changes, touched = state.disk_changes(paths)
        if changes or touched:
            self.apply(changes, touched)


server = AuditServer()


def guarded(func: Callable[[AuditServer, P], R]) -> Callable[[AuditServer, P], R | None]:
    """Log a crash inside a handler as one line and answer nothing (the server stays up)."""

    @functools.wraps(func)
    def wrapper(ls: AuditServer, params: P) -> R | None:
        try:
            return func(ls, params)
        except Exception as exc:
            ls.log(f"content-audit: internal error in {func.__name__}: {type(exc).__name__}: {exc}")
            return None

    return wrapper


@server.feature(types.INITIALIZED)
@guarded
def initialized(ls: AuditServer, params: types.InitializedParams) -> None:
    workspace = ls.workspace
    folders = list(workspace.folders.values())
    uri = folders[0].uri if folders else workspace.root_uri
    folder = uri_to_path(uri) if uri else None
    folder = folder or Path.cwd()
    ls.folder = folder
    try:
        loaded = load_project(folder)
    except Exception as exc:  # a broken config: say so once, serve nothing
        ls.log(f"content-audit: {exc}", types.MessageType.Error)
        return
    state = State(loaded, ls.log)
    started = time.perf_counter()
    state.load(freeze=True)
    ls.state = state
    if not state.files:
        ls.log(f"content-audit: no Markdown documents under {state.content}")
    ls.log(
        f"content-audit: indexed {len(state.files)} documents in "
        f"{time.perf_counter() - started:.2f} s"
    )
    ls.publish({p for p in state.files if state.findings_of(p)})
    caps = ls.client_capabilities.workspace
    dynamic = (
        caps is not None
        and caps.did_change_watched_files is not None
        and caps.did_change_watched_files.dynamic_registration
    )
    if dynamic:
        ls.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="content-audit-watch",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
                        ),
                    )
                ]
            )
        )
    else:
        ls.watcher = asyncio.get_running_loop().create_task(ls.watch(state.root))


def _buffer(ls: AuditServer, uri: str) -> tuple[str, str] | None:
    path = ls.path_of_uri(uri)
    if path is None or ls.state is None:
        return None
    text = ls.workspace.get_text_document(uri).source
    if len(text) > MAX_LIVE_CHARS:
        ls.log(
            f"content-audit: {path} is {len(text)} characters, above the {MAX_LIVE_CHARS} "
            "of live checks; it is checked from disk when saved"
        )
        return None
    return path, text


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded
def did_open(ls: AuditServer, params: types.DidOpenTextDocumentParams) -> None:
    found = _buffer(ls, params.text_document.uri)
    if found is None or ls.state is None:
        return
    path, text = found
    state = ls.state
    state.open_texts[path] = text
    source = state.source_of(path, text)
    current = state.files.get(path)
    if current is not None and current.doc.digest == source.digest:
        ls.published.pop(path, None)  # versioned diagnostics for the opened buffer
        ls.publish({path})
        return
    ls.apply({path: source})


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded
def did_change(ls: AuditServer, params: types.DidChangeTextDocumentParams) -> None:
    found = _buffer(ls, params.text_document.uri)
    if found is None or ls.state is None:
        return
    path, text = found
    ls.state.open_texts[path] = text
    ls.apply({path: ls.state.source_of(path, text)})


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded
def did_close(ls: AuditServer, params: types.DidCloseTextDocumentParams) -> None:
    path = ls.path_of_uri(params.text_document.uri)
    state = ls.state
    if path is None or state is None:
        return
    state.open_texts.pop(path, None)
    source = state.disk_source(path)
    current = state.files.get(path)
    if source is not None and current is not None and current.doc.digest == source.digest:
        return
    ls.apply({path: source})


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded
def did_change_watched(ls: AuditServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [p for p in (uri_to_path(c.uri) for c in params.changes) if p is not None]
    ls.disk_changed(paths)


def _where(ls: AuditServer, params: Any) -> tuple[str, int, int] | None:
    path = ls.path_of_uri(params.text_document.uri)
    if path is None or ls.state is None:
        return None
    line, column = ls.state.lines_of(path).column_at(params.position)
    return path, line, column


def _location(ls: AuditServer, target: features.Target) -> types.Location:
    assert ls.state is not None
    lines = ls.state.lines_of(target.path)
    start = lines.position(target.line, target.column)
    end_line = target.end_line or target.line
    end_column = target.end_column or target.column
    end = lines.position(end_line, max(end_column, target.column))
    return types.Location(uri=ls.uri_of(target.path), range=types.Range(start, end))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded
def definition(ls: AuditServer, params: types.DefinitionParams) -> list[types.Location] | None:
    where = _where(ls, params)
    if where is None or ls.state is None:
        return None
    return [_location(ls, t) for t in features.definition(ls.state, *where)] or None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@guarded
def references(ls: AuditServer, params: types.ReferenceParams) -> list[types.Location] | None:
    where = _where(ls, params)
    if where is None or ls.state is None:
        return None
    return [_location(ls, t) for t in features.references(ls.state, *where)] or None


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["(", "#", "_", "/"]),
)
@guarded
def completion(ls: AuditServer, params: types.CompletionParams) -> types.CompletionList | None:
    where = _where(ls, params)
    if where is None or ls.state is None:
        return None
    items = [
        types.CompletionItem(
            label=c.label,
            kind=KIND[c.kind],
            detail=c.detail or None,
            insert_text=c.insert or None,
        )
        for c in features.completion(ls.state, *where)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded
def hover(ls: AuditServer, params: types.HoverParams) -> types.Hover | None:
    where = _where(ls, params)
    if where is None or ls.state is None:
        return None
    text = features.hover(ls.state, *where)
    if text is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
@guarded
def code_action(ls: AuditServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    path = ls.path_of_uri(params.text_document.uri)
    state = ls.state
    if path is None or state is None:
        return None
    lines = state.lines_of(path)
    first = params.range.start.line + 1
    last = params.range.end.line + 1
    findings = [f for f in state.findings_of(path) if first <= f.span.line <= last]
    actions = []
    for edit in features.code_actions(state, path, findings):
        if edit.code == "" and not any(f.code.startswith("GP") for f in findings):
            continue  # the regions fix is offered where a tracker finding is
        rng = types.Range(
            lines.position(edit.line, edit.column), lines.position(edit.end_line, edit.end_column)
        )
        actions.append(
            types.CodeAction(
                title=edit.title,
                kind=types.CodeActionKind.QuickFix,
                edit=types.WorkspaceEdit(
                    changes={ls.uri_of(path): [types.TextEdit(range=rng, new_text=edit.text)]}
                ),
            )
        )
    return actions or None


def serve() -> int:
    """Serve on stdin/stdout until the client says exit."""
    # the global pass runs in a worker thread; a short switch interval lets an edit that
    # arrives meanwhile take the interpreter within a millisecond instead of 5
    sys.setswitchinterval(0.001)
    server.start_io()
    return 0
