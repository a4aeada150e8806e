"""The author's loop, measured: edit → diagnostics in the language server, and its memory.

``python -m bench.lsp_latency [--sizes 1000 5000] [--edits 30]`` generates the benchmark corpus
(``bench/corpus.py``), starts ``content-audit lsp`` as a real stdio server process driven by
pygls' client, and measures:

- the time from a ``didChange`` that breaks an anchor (a full-text change of the linked
  materials page) to the ``publishDiagnostics`` that reports the XR002, on a quiet server (the
  debounced whole-graph pass finished before each edit) and while "typing" (edits 50 ms apart);
- the time from a heading rename to the diagnostics of *another* page that links to it;
- the server's resident memory (VmRSS, and the peak VmHWM) after indexing;
- beside it, the CLI warm run (``check`` with nothing changed) and rumdl's warm run, when
  rumdl is installed.

Results go to ``build/bench/lsp.json`` and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from bench.check import OUT, _audit_env, corpus, run

TIMEOUT_S = 120.0


def _rss(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


class Probe:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("bench", "0")
        self.cond = asyncio.Condition()
        self.diagnostics: dict[str, tuple[float, list[types.Diagnostic]]] = {}
        self.logs: list[str] = []
        self.version = 1

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = (time.perf_counter(), list(params.diagnostics))
            async with self.cond:
                self.cond.notify_all()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        async def logged(params: types.LogMessageParams) -> None:
            self.logs.append(params.message)
            async with self.cond:
                self.cond.notify_all()

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            return None

    async def until(self, predicate: Any) -> None:
        async with self.cond:
            await asyncio.wait_for(self.cond.wait_for(predicate), TIMEOUT_S)

    async def start(self) -> float:
        env = _audit_env()
        await self.client.start_io(
            sys.executable, "-m", "audit", "lsp", cwd=str(self.root), env=env
        )
        started = time.perf_counter()
        watched = types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(did_change_watched_files=watched)
                ),
                root_uri=self.root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(self.root.as_uri(), "kb")],
            )
        )
        self.client.initialized(types.InitializedParams())
        await self.until(lambda: any("indexed" in line for line in self.logs))
        return time.perf_counter() - started

    @property
    def pid(self) -> int:
        assert self.client._server is not None
        return self.client._server.pid

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
        )

    def change(self, uri: str, text: str) -> float:
        self.version += 1
        sent = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(self.version, uri),
                [types.TextDocumentContentChangeWholeDocument(text)],
            )
        )
        return sent

    async def reported(self, uri: str, needle: str, present: bool, after: float) -> float:
        def seen() -> bool:
            entry = self.diagnostics.get(uri)
            if entry is None or entry[0] < after:
                return False
            found = any(needle in d.message for d in entry[1])
            return found == present

        await self.until(seen)
        return self.diagnostics[uri][0]

    async def quiet(self) -> None:
        """Wait until the debounced global pass that follows an edit has finished."""
        count = sum(1 for line in self.logs if "global pass" in line)
        await self.until(lambda: sum(1 for line in self.logs if "global pass" in line) > count)

    def global_ms(self) -> list[float]:
        return [
            float(line.rsplit(" ", 2)[-2]) / 1000 for line in self.logs if "global pass" in line
        ]

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT_S)
        self.client.exit(None)
        await asyncio.wait_for(self.client.stop(), TIMEOUT_S)


def _ms(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p90_ms": round(p90 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "n": len(ordered),
    }


async def measure(size: int, seed: int, edits: int) -> dict[str, Any]:
    folder = corpus(size, seed).resolve()
    manifest = json.loads((folder / "corpus-manifest.json").read_text(encoding="utf-8"))
    heading = manifest["linked_heading"]
    page = folder / heading["path"]
    uri = page.as_uri()
    probe = Probe(folder)
    indexing = await probe.start()
    rss, hwm = _rss(probe.pid)  # indexing ran every pass once, synchronously
    text = page.read_text(encoding="utf-8")
    anchor = heading["anchor"]
    base = text + f"\nСм. [выше](#{anchor}).\n"
    pass_done = asyncio.ensure_future(probe.quiet())
    probe.open(uri, base)
    await pass_done
    quiet: list[float] = []
    for i in range(edits):
        broken = f"{anchor}-x{i}"
        sent = probe.change(uri, base.replace(f"(#{anchor})", f"(#{broken})"))
        pass_done = asyncio.ensure_future(probe.quiet())
        quiet.append(await probe.reported(uri, f"'#{broken}'", True, sent) - sent)
        await pass_done  # the debounced global pass has run: the next edit finds it idle
        pass_done = asyncio.ensure_future(probe.quiet())
        sent = probe.change(uri, base)
        await probe.reported(uri, f"'#{broken}'", False, sent)
        await pass_done
    typing: list[float] = []
    for i in range(edits):
        broken = f"{anchor}-t{i}"
        sent = probe.change(uri, base.replace(f"(#{anchor})", f"(#{broken})"))
        typing.append(await probe.reported(uri, f"'#{broken}'", True, sent) - sent)
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    # a heading rename: another page's link to it breaks
    other = next(
        (
            p
            for p in sorted((folder / "content").rglob("*.md"))
            if p != page and f"#{anchor})" in p.read_text(encoding="utf-8")
        ),
        None,
    )
    rename: list[float] = []
    if other is not None:
        other_uri = other.as_uri()
        for i in range(min(edits, 10)):
            renamed = base.replace(heading["text"] + "\n", f"{heading['text']} v{i}\n", 1)
            sent = probe.change(uri, renamed)
            pass_done = asyncio.ensure_future(probe.quiet())
            rename.append(await probe.reported(other_uri, f"'#{anchor}'", True, sent) - sent)
            await pass_done
            pass_done = asyncio.ensure_future(probe.quiet())
            sent = probe.change(uri, base)
            await probe.reported(other_uri, f"'#{anchor}'", False, sent)
            await pass_done
    await asyncio.sleep(2.0)
    rss_after, hwm_after = _rss(probe.pid)
    passes = probe.global_ms()
    await probe.stop()
    return {
        "files": size,
        "indexing_s": round(indexing, 2),
        "rss_after_index_mb": round(rss, 1),
        "peak_rss_mb": round(max(hwm, hwm_after), 1),
        "rss_after_edits_mb": round(rss_after, 1),
        "break_anchor_quiet": _ms(quiet),
        "break_anchor_typing": _ms(typing),
        "rename_heading_other_file": _ms(rename) if rename else None,
        "global_pass": _ms(passes) if passes else None,
        "folder": str(folder),
    }


def warm_runs(folder: Path) -> dict[str, float | None]:
    """The CLI warm run (nothing changed) and rumdl's warm run, median of 5, seconds."""
    env = _audit_env()
    check = [sys.executable, "-m", "audit", "check", "--format", "json"]
    run(check, folder, env)  # fills the cache
    ours = statistics.median(run(check, folder, env)[0] for _ in range(5))
    rumdl = shutil.which("rumdl") or shutil.which("rumdl", path=str(Path(sys.executable).parent))
    theirs = None
    if rumdl:
        run([rumdl, "check", "content"], folder)
        theirs = statistics.median(run([rumdl, "check", "content"], folder)[0] for _ in range(5))
    return {
        "content_audit_check_warm_s": round(ours, 3),
        "rumdl_warm_s": theirs and round(theirs, 3),
    }


def table(rows: list[dict[str, Any]]) -> str:
    out = [
        "| files | indexing s | RSS after index MB | peak RSS MB "
        "| break anchor, quiet: median / p90 ms | break anchor, typing: median / p90 ms "
        "| rename → other file: median ms "
        "| global pass: median ms | CLI warm s | rumdl warm s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        q, t, n = r["break_anchor_quiet"], r["break_anchor_typing"], r["rename_heading_other_file"]
        rumdl = r["warm"]["rumdl_warm_s"]
        out.append(
            f"| {r['files']} | {r['indexing_s']} | {r['rss_after_index_mb']} | {r['peak_rss_mb']} "
            f"| {q['median_ms']} / {q['p90_ms']} | {t['median_ms']} / {t['p90_ms']} "
            f"| {n['median_ms'] if n else '-'} "
            f"| {r['global_pass']['median_ms'] if r['global_pass'] else '-'} "
            f"| {r['warm']['content_audit_check_warm_s']} "
            f"| {rumdl if rumdl is not None else 'not installed'} |"
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        row = asyncio.run(measure(size, args.seed, args.edits))
        row["warm"] = warm_runs(Path(row.pop("folder")))
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lsp.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
