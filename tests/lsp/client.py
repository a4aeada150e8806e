"""A real LSP client over stdio (pygls' LanguageClient) driving ``python -m audit lsp``."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lsp-project"
TIMEOUT_S = 20.0
SCENARIO_TIMEOUT_S = 90.0  # a request the server never answers fails the test


def project(tmp_path: Path) -> Path:
    """A private copy of the fixture project (tests edit files on disk)."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURE, target)
    return target


class Session:
    def __init__(self, root: Path, watched_files: bool = True) -> None:
        self.root = root
        self.watched_files = watched_files
        self.client = LanguageClient("content-audit-tests", "0")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.logs: list[str] = []
        self.changed = asyncio.Condition()
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            async with self.changed:
                self.changed.notify_all()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        async def logged(params: types.LogMessageParams) -> None:
            self.logs.append(params.message)
            async with self.changed:
                self.changed.notify_all()

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            return None

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "audit", "lsp", cwd=str(self.root))
        workspace = types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            )
            if self.watched_files
            else None
        )
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(workspace=workspace),
                root_uri=self.root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="kb")],
            )
        )
        self.client.initialized(types.InitializedParams())
        await self.wait_log("indexed")

    async def stop(self) -> int | None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT_S)
        self.client.exit(None)
        await asyncio.wait_for(self.client.stop(), TIMEOUT_S)
        server = self.client._server
        return server.returncode if server is not None else None

    async def until(self, predicate: Callable[[], bool], what: str) -> None:
        async def wait() -> None:
            async with self.changed:
                await self.changed.wait_for(predicate)

        try:
            await asyncio.wait_for(wait(), TIMEOUT_S)
        except TimeoutError:
            raise AssertionError(
                f"timed out waiting for {what}; diagnostics: {self.diagnostics}; logs: {self.logs}"
            ) from None

    async def wait_log(self, needle: str) -> str:
        await self.until(lambda: any(needle in line for line in self.logs), f"log '{needle}'")
        return next(line for line in self.logs if needle in line)

    def codes(self, rel: str) -> list[str]:
        return [str(d.code) for d in self.diagnostics.get(self.uri(rel), [])]

    async def wait_codes(self, rel: str, check: Callable[[list[str]], bool], what: str) -> None:
        await self.until(lambda: self.uri(rel) in self.diagnostics and check(self.codes(rel)), what)

    def open(self, rel: str, text: str | None = None) -> str:
        body = text if text is not None else (self.root / rel).read_text(encoding="utf-8")
        self.versions[rel] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(self.uri(rel), "markdown", 1, body)
            )
        )
        return body

    def replace(self, rel: str, text: str, version: int | None = None) -> None:
        """A full-text change (what most clients send when they do not diff)."""
        self.versions[rel] = version if version is not None else self.versions.get(rel, 0) + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(self.versions[rel], self.uri(rel)),
                [types.TextDocumentContentChangeWholeDocument(text)],
            )
        )

    def edit(self, rel: str, line: int, start: int, end: int, new: str) -> None:
        """An incremental change of one line (0-based line, UTF-16 columns)."""
        self.versions[rel] = self.versions.get(rel, 0) + 1
        rng = types.Range(types.Position(line, start), types.Position(line, end))
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(self.versions[rel], self.uri(rel)),
                [types.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )

    def position(self, rel: str, line: int, needle: str, offset: int = 0) -> types.Position:
        """The UTF-16 position of ``needle`` (plus ``offset`` characters) on 0-based ``line``."""
        text = (self.root / rel).read_text(encoding="utf-8").split("\n")[line]
        at = text.index(needle) + offset
        return types.Position(line, len(text[:at].encode("utf-16-le")) // 2)


def run(root: Path, scenario: Callable[[Session], Awaitable[Any]], **kwargs: Any) -> Any:
    async def main() -> Any:
        session = Session(root, **kwargs)
        await session.start()
        try:
            return await asyncio.wait_for(scenario(session), SCENARIO_TIMEOUT_S)
        finally:
            if not session.client.stopped:
                try:
                    await session.stop()
                except Exception:
                    if session.client._server is not None:
                        session.client._server.kill()

    return asyncio.run(main())
