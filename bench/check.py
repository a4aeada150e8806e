"""Benchmarks: ``python -m bench.check`` (or ``nox -s bench``).

For each corpus size (1,000 and 5,000 files; 20,000 with ``--large``) it generates a seeded
corpus (``bench.corpus``) under ``build/bench/`` and measures, each as a separate subprocess so
that peak RSS is the child's own (``os.wait4``):

- reading every file (the floor), mistune parsing alone (the plugins the audit uses);
- ``content-audit check`` cold with 1 and 2 workers, warm with nothing changed, warm after
  editing one file, warm after renaming a heading other files link to;
- markdownlint-cli2, pymarkdown and rumdl on the same files, when installed (rumdl cold and warm).

It prints a table of wall times with their ratio to mistune-parse-alone and writes
``build/bench/bench.json``. Absolute times on shared machines are noisy: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.corpus import generate

OUT = Path("build/bench")

_READ = """
import os, sys
total = 0
for folder, _dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(folder, name), "rb") as handle:
                total += len(handle.read().decode("utf-8"))
print(total)
"""

_MISTUNE = """
import os, sys
import mistune
md = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])
count = 0
for folder, _dirs, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(folder, name), "rb") as handle:
                md.parse(handle.read().decode("utf-8"))
            count += 1
print(count)
"""


@dataclass
class Measure:
    size: int
    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int
    ratio: float = 0.0  # to mistune-parse-alone of the same size
    note: str = ""


def run(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS (MB) and exit code of one child process."""
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty child never blocks
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            tail = err.read()[-500:].decode("utf-8", "replace")
            sys.stderr.write(f"bench: {' '.join(cmd)} exited {code}: {tail}\n")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def corpus(size: int, seed: int) -> Path:
    folder = OUT / f"corpus-{size}"
    manifest = folder / "corpus-manifest.json"
    if folder.exists():
        shutil.rmtree(folder)
    generate(folder, size, seed)
    assert manifest.is_file()
    return folder


def _audit_env() -> dict[str, str]:
    env = dict(os.environ)
    project = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = project + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _peers(folder: Path) -> list[tuple[str, list[str], str]]:
    """(name, command, note) for every peer linter found; the command runs in ``folder``."""
    found: list[tuple[str, list[str], str]] = []
    local_bin = (OUT / "node" / "node_modules" / ".bin").resolve()
    mdl = shutil.which("markdownlint-cli2") or (
        str(local_bin / "markdownlint-cli2") if (local_bin / "markdownlint-cli2").exists() else None
    )
    if mdl:
        found.append(("markdownlint-cli2", [mdl, "content/**/*.md"], "cold"))
    pymd = shutil.which("pymarkdown")
    if pymd:
        found.append(("pymarkdown", [pymd, "scan", "-r", "content"], "cold"))
    rumdl = shutil.which("rumdl")
    if rumdl:
        found.append(("rumdl", [rumdl, "check", "content"], "cold"))
        found.append(("rumdl warm", [rumdl, "check", "content"], "warm: run again, cache kept"))
    return found


def bench_size(size: int, seed: int, peers: bool, repeat: int = 1) -> list[Measure]:
    folder = corpus(size, seed)
    manifest = json.loads((folder / "corpus-manifest.json").read_text(encoding="utf-8"))
    env = _audit_env()
    py = sys.executable
    check = [py, "-m", "audit", "check", "--format", "json"]
    cache = folder / ".content-audit-cache"
    out: list[Measure] = []

    def measure(name: str, cmd: Sequence[str], note: str = "", fresh: bool = False) -> None:
        """Best wall time of ``repeat`` runs (``fresh``: without the cache before each)."""
        best: tuple[float, float, float, int] | None = None
        for _ in range(repeat):
            if fresh:
                shutil.rmtree(cache, ignore_errors=True)
            result = run(cmd, folder, env)
            if best is None or result[0] < best[0]:
                best = result
        assert best is not None
        seconds, cpu, rss, code = best
        out.append(Measure(size, name, seconds, cpu, rss, code, note=note))
        sys.stderr.write(f"  {size:>6} {name:<34} {seconds:8.3f} s {cpu:8.3f} cpu {rss:8.1f} MB\n")

    time.sleep(RACY_WAIT)  # let the generated files age past the cache's racy window
    measure("read files (floor)", [py, "-c", _READ, "content"])
    measure("mistune parse alone", [py, "-c", _MISTUNE, "content"])
    measure("check cold -j1 --no-cache", [*check, "-j1", "--no-cache"], fresh=True)
    measure("check cold -j1", [*check, "-j1"], "writes the cache", fresh=True)
    measure("check cold -j2", [*check, "-j2"], "writes the cache", fresh=True)
    measure("check warm, nothing changed", [*check, "-j2"])
    repeat = 1  # the edits below change the corpus: each is measured once
    edit = folder / manifest["edit_file"]
    original_edit = edit.read_bytes()
    edit.write_bytes(original_edit + "\nНовый абзац после правки.\n".encode())
    measure("check warm, one file edited", [*check, "-j2"])
    heading = manifest["linked_heading"]
    target = folder / heading["path"]
    text = target.read_text(encoding="utf-8")
    assert heading["text"] in text
    target.write_text(
        text.replace(heading["text"], heading["text"] + " (новое)", 1), encoding="utf-8"
    )
    measure("check warm, linked heading renamed", [*check, "-j2"], "links to it become XR002")
    target.write_text(text, encoding="utf-8")
    edit.write_bytes(original_edit)
    if peers:
        for name, cmd, note in _peers(folder):
            if name == "rumdl":
                for leftover in (".rumdl_cache", ".rumdl-cache"):
                    shutil.rmtree(folder / leftover, ignore_errors=True)
            measure(name, cmd, note)
    base = next(m.seconds for m in out if m.name == "mistune parse alone")
    for m in out:
        m.ratio = m.seconds / base if base else 0.0
    return out


RACY_WAIT = 2.5


PRECOMMIT_RUNS = 7


def bench_precommit(project: Path) -> list[Measure]:
    """The pre-commit hook's path on the shipped knowledge base: ``check <file>`` right after
    an author appended a line to one page, warm cache. A copy of ``content/`` is edited, never
    the project's own; each run edits again (median and best of ``PRECOMMIT_RUNS``).

    Three pages: a task (only that file is re-checked), a materials page a tracker claims (the
    whole-tree rules run again, the tracker rules included) and the tracker itself."""
    content = project / "content"
    config = project / "content-audit.yaml"
    if not content.is_dir() or not config.is_file():
        return []
    folder = OUT / "shipped"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(content, folder / "content")
    shutil.copy2(config, folder / "content-audit.yaml")
    pages = sorted((folder / "content").rglob("*.md"))
    tasks = [p for p in pages if p.parent.name == "tasks"] or pages
    trackers = [p for p in pages if p.name == "пробелы-в-покрытии.md"]
    claimed = [
        p.with_name("материалы.md") for p in trackers if p.with_name("материалы.md").is_file()
    ]
    scenarios = [("task", tasks[0])]
    scenarios += [("claimed page", claimed[0])] if claimed else []
    scenarios += [("tracker", trackers[0])] if trackers else []
    env = _audit_env()
    files = len(pages)
    out = []
    for label, page in scenarios:
        rel = page.relative_to(folder).as_posix()
        cmd = [sys.executable, "-m", "audit", "check", rel]
        run(cmd, folder, env)  # the cache, as after the previous commit
        results: list[tuple[float, float, float, int]] = []
        for i in range(PRECOMMIT_RUNS):
            with page.open("a", encoding="utf-8") as handle:
                handle.write(f"\nПравка {i}.\n")
            results.append(run(cmd, folder, env))
        results.sort()
        for name, (seconds, cpu, rss, code) in (
            (f"pre-commit: {label} edited, median", results[len(results) // 2]),
            (f"pre-commit: {label} edited, best", results[0]),
        ):
            out.append(Measure(files, name, seconds, cpu, rss, code, note=f"check {rel}"))
            sys.stderr.write(f"  {files:>6} {name:<34} {seconds:8.3f} s {cpu:8.3f} cpu\n")
    return out


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": cores,
    }


def table(measures: Sequence[Measure]) -> str:
    lines = [
        f"{'files':>6}  {'measure':<36} {'wall s':>8} {'x mistune':>9} {'cpu s':>8} "
        f"{'peak MB':>8}  exit"
    ]
    for m in measures:
        lines.append(
            f"{m.size:>6}  {m.name:<36} {m.seconds:8.3f} {m.ratio:9.3f} "
            f"{m.cpu_seconds:8.3f} {m.peak_rss_mb:8.1f}  {m.exit_code}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--large", action="store_true", help="also 20,000 files")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-peers", action="store_true", help="skip the other linters")
    parser.add_argument(
        "--precommit-only", action="store_true", help="only the pre-commit path on content/"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="best of N for the measures that do not edit the corpus",
    )
    args = parser.parse_args(argv)
    sizes = list(args.sizes) + ([20000] if args.large else [])
    OUT.mkdir(parents=True, exist_ok=True)
    measures: list[Measure] = []
    sys.stderr.write("bench: pre-commit path on the shipped content/\n")
    measures.extend(bench_precommit(Path(__file__).resolve().parent.parent))
    for size in [] if args.precommit_only else sizes:
        sys.stderr.write(f"bench: {size} files\n")
        measures.extend(bench_size(size, args.seed, not args.no_peers, max(1, args.repeat)))
    report = {"machine": machine(), "seed": args.seed, "measures": [asdict(m) for m in measures]}
    (OUT / ("bench-precommit.json" if args.precommit_only else "bench.json")).write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    sys.stdout.write(table(measures) + "\n")
    written = OUT / ("bench-precommit.json" if args.precommit_only else "bench.json")
    sys.stdout.write(f"machine: {report['machine']}\nwritten: {written}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
