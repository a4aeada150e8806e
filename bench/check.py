"""Benchmarks: ``python -m bench.check`` (or ``nox -s bench``), judged by ``bench.verdict``.

For each corpus size (``--sizes``, default 1,000 and 5,000 files; ``--large`` adds 20,000; 50,000
works) it makes a seeded corpus (``bench.corpus``, written in a child process, reused when its
manifest still matches) under ``build/bench/corpus-N-seedS/`` and measures, each as a separate
subprocess so that CPU time and peak RSS are the child's own (``os.wait4``):

- reading every file (the floor), mistune parsing alone (the plugins the audit uses; the 1.0 of
  every ratio);
- ``content-audit check`` cold with 1 and 2 workers, warm with nothing changed, warm after
  editing one file, warm after renaming a heading other files link to;
- the peers on the same files: rumdl cold and warm, markdownlint-cli2, pymarkdown. A peer that is
  not installed gets a row that says so.

Around each size it records the machine's load: ``os.getloadavg`` and a calibration of a 2-process
pool against serial runs of the same CPU-bound loop (about 2.0 × when two cores are free), before
and after. Peak RSS is reported twice: ``ru_maxrss`` of the child (the largest single process of
its tree; Linux also credits it with the harness' own RSS at the fork, so the harness stays
small and records its own) and the sampled sum over the child's process tree (``-j2`` workers
included). It prints a table of wall times with their ratio to mistune-parse-alone, the cost per
1,000 files per size, and writes ``build/bench/bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from audit.cache.replay import FOLDER as REPLAY_FOLDER  # six small modules, about 130 kB

OUT = Path("build/bench")
KEY_DIR = OUT / "key"
CHILD_TIMEOUT = 3600.0  # seconds; a child still running then is killed and reported "timeout"
PEER_TIMEOUT = 900.0  # the same for a peer (pymarkdown needs about 60 s per 1,000 files)

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

MISTUNE = "mistune parse alone"
COLD_J1_NO_CACHE = "check cold -j1 --no-cache"
COLD_J1 = "check cold -j1"
COLD_J2 = "check cold -j2"
WARM = "check warm, nothing changed"
WARM_EDIT = "check warm, one file edited"
WARM_RENAME = "check warm, linked heading renamed"
RUMDL = "rumdl"
RUMDL_WARM = "rumdl warm"
MARKDOWNLINT = "markdownlint-cli2"
PYMARKDOWN = "pymarkdown"
PEERS = (RUMDL, RUMDL_WARM, MARKDOWNLINT, PYMARKDOWN)


@dataclass
class Measure:
    size: int
    name: str
    seconds: float | None  # wall, best of the repeats; None when not measured (see status)
    cpu_seconds: float | None  # user + sys of the child and the children it waited for
    peak_rss_mb: float | None  # ru_maxrss: the largest single process of the child's tree
    exit_code: int | None
    ratio: float | None = None  # to mistune-parse-alone of the same size
    note: str = ""
    status: str = "ok"  # ok | failed | timeout | not installed | skipped
    tree_rss_mb: float | None = None  # sampled peak of the summed RSS of the child's tree
    # the same for the summed PSS: a page shared by a forked child and its parent counts once
    tree_pss_mb: float | None = None
    load_1m: float | None = None  # the one-minute load average when the measure started
    runs: int = 1


@dataclass
class Child:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int
    tree_rss_mb: float
    timed_out: bool = False
    tree_pss_mb: float = 0.0


class _TreeRss:
    """Samples the summed VmRSS and PSS of a process and its descendants (``/proc``, every
    ``interval`` s): ``ru_maxrss`` gives only the largest single process, and a ``-j2`` run's
    memory is the parent's plus its workers'.

    The RSS sum counts a page twice when a forked child still shares it with its parent (the
    tracker stage of ``-j2`` is a fork of a parent holding every document); the PSS sum
    (``smaps_rollup``: each shared page divided among its sharers) is what the tree takes from
    the machine."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> _TreeRss:
        if Path("/proc/self/status").exists():
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            rss, pss = self.sample()
            self.peak_kb = max(self.peak_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self._stop.wait(self.interval)

    def sample(self) -> tuple[int, int]:
        """(summed VmRSS, summed PSS) of the tree, in kB."""
        parents: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
        total, pss, todo = 0, 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(parents.get(pid, ()))
            total += _proc_kb(f"/proc/{pid}/status", b"VmRSS:")
            pss += _proc_kb(f"/proc/{pid}/smaps_rollup", b"Pss:")
        return total, pss


def _proc_kb(path: str, label: bytes) -> int:
    """The kB figure of the line starting with ``label`` in a /proc file (0 when gone)."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(label):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_child(
    cmd: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = CHILD_TIMEOUT,
) -> Child:
    """Wall seconds, CPU seconds, peak RSS and exit code of one child process (and its tree)."""
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty child never blocks
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            start_new_session=True,  # a timeout kills the whole tree
        )
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        with _TreeRss(proc.pid) as tree:
            _pid, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1) and not fired.is_set():
            err.seek(0)
            tail = err.read()[-500:].decode("utf-8", "replace")
            sys.stderr.write(f"bench: {' '.join(cmd)} exited {code}: {tail}\n")
    return Child(
        elapsed,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        code,
        tree.peak_kb / 1024,
        fired.is_set(),
        tree.peak_pss_kb / 1024,
    )


def run(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS (MB) and exit code of one child process."""
    child = run_child(cmd, cwd, env)
    return child.seconds, child.cpu_seconds, child.peak_rss_mb, child.exit_code


def corpus_reused(size: int, seed: int) -> tuple[Path, bool]:
    """The corpus of ``size`` files under ``build/bench/corpus-N-seedS/`` and whether it was reused
    (``bench.corpus --reuse``: its manifest matched). Written by a child process, so that the
    harness stays small: every child's ``ru_maxrss`` starts from the harness' RSS at the fork."""
    folder = OUT / f"corpus-{size}-seed{seed}"  # bench.lsp_latency uses another seed
    cmd = [sys.executable, "-m", "bench.corpus", str(folder), "--files", str(size)]
    done = subprocess.run(
        [*cmd, "--seed", str(seed), "--reuse"],
        check=True,
        env=_audit_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert (folder / "corpus-manifest.json").is_file()
    return folder, done.stdout.startswith("reused")


def corpus(size: int, seed: int) -> Path:
    return corpus_reused(size, seed)[0]


def _audit_env() -> dict[str, str]:
    env = dict(os.environ)
    # measured as an installed tool runs: with its bytecode cached (a shell that sets this
    # makes every run compile the package again, about 65 ms of a warm check)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    project = str(Path(__file__).resolve().parent.parent)
    # the secret and the replay records in a folder of the bench's own, so that a cold
    # measure can delete the records too (``no_cache``) and the user's are never touched
    env["CONTENT_AUDIT_KEY_DIR"] = str(KEY_DIR.resolve())
    env["PYTHONPATH"] = project + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _which(name: str) -> str | None:
    """A peer's executable: beside this interpreter first (a venv's bin/ need not be on PATH),
    then PATH, then the npm prefix the bench session installs into."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    local = (OUT / "node" / "node_modules" / ".bin" / name).resolve()
    return str(local) if local.exists() else None


def _version(cmd: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""


def peers() -> dict[str, dict[str, Any]]:
    """Every peer of the issue, found or not: {name: {command, version} | {status}}; the command
    runs in the corpus folder."""
    found: dict[str, dict[str, Any]] = {}
    rumdl = _which("rumdl")
    for name in (RUMDL, RUMDL_WARM):
        found[name] = (
            {"command": [rumdl, "check", "content"], "version": _version([rumdl, "--version"])}
            if rumdl
            else {"status": "not installed"}
        )
    mdl = _which("markdownlint-cli2")
    found[MARKDOWNLINT] = (
        {"command": [mdl, "content/**/*.md"], "version": _version([mdl, "--help"])}
        if mdl
        else {"status": "not installed"}
    )
    pymd = _which("pymarkdown")
    found[PYMARKDOWN] = (
        {"command": [pymd, "scan", "-r", "content"], "version": _version([pymd, "version"])}
        if pymd
        else {"status": "not installed"}
    )
    return found


def _spin(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total += i & 7
    return total


def calibrate(iterations: int = 5_000_000) -> dict[str, float]:
    """Two CPU-bound loops serially, then in a 2-process pool: ``speedup`` ≈ 2.0 when two cores
    are free, ≈ 1.0 when other jobs hold one. A ``-j2`` figure means something only beside it."""
    start = time.perf_counter()
    _spin(iterations)
    _spin(iterations)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # the workers are started before the clock
        start = time.perf_counter()
        list(pool.map(_spin, [iterations, iterations]))
        pooled = time.perf_counter() - start
    return {
        "serial_s": round(serial, 3),
        "pool_s": round(pooled, 3),
        "speedup": round(serial / pooled, 3) if pooled else 0.0,
    }


def load() -> dict[str, Any]:
    one, five, fifteen = os.getloadavg()
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "loadavg": [round(one, 2), round(five, 2), round(fifteen, 2)],
        "calibration": calibrate(),
    }


@dataclass
class SizeRun:
    size: int
    corpus_bytes: int
    corpus_reused: bool
    generate_seconds: float
    load_before: dict[str, Any]
    load_after: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _edited(folder: Path) -> Iterator[None]:
    """Marks the corpus as edited while a benchmark has changed one of its files, so that a run
    that dies before restoring it makes the next run write the corpus anew."""
    from bench.corpus import EDITING_MARK

    mark = folder / EDITING_MARK
    mark.write_text("a benchmark edited this corpus\n", encoding="utf-8")
    yield
    mark.unlink()


def bench_size(
    size: int,
    seed: int,
    with_peers: bool,
    repeat: int = 1,
    timeout: float = CHILD_TIMEOUT,
    found: dict[str, dict[str, Any]] | None = None,
    peer_timeout: float = PEER_TIMEOUT,
) -> tuple[list[Measure], SizeRun]:
    """Every measure on the corpus of ``size`` files. A peer killed by ``peer_timeout`` is
    marked in ``found`` and not run again at the larger sizes that follow (its row says so)."""
    before = load()
    start = time.perf_counter()
    folder, reused = corpus_reused(size, seed)
    generate_seconds = time.perf_counter() - start
    manifest = json.loads((folder / "corpus-manifest.json").read_text(encoding="utf-8"))
    info = SizeRun(size, manifest["bytes"], reused, round(generate_seconds, 3), before)
    env = _audit_env()
    py = sys.executable
    check = [py, "-m", "audit", "check", "--format", "json"]
    cache = folder / ".content-audit-cache"
    out: list[Measure] = []

    def measure(
        name: str,
        cmd: Sequence[str],
        note: str = "",
        fresh: Callable[[], None] | None = None,
        runs: int = repeat,
        limit: float = timeout,
    ) -> Measure:
        """Best wall time of ``runs`` runs (``fresh`` is called before each, e.g. to delete a
        cache); a run killed after ``limit`` seconds ends the repeats."""
        best: Child | None = None
        load_1m = round(os.getloadavg()[0], 2)
        for _ in range(runs):
            if fresh is not None:
                fresh()
            result = run_child(cmd, folder, env, limit)
            if result.timed_out:
                best = result
                break
            if best is None or result.seconds < best.seconds:
                best = result
        assert best is not None
        status = "timeout" if best.timed_out else ("ok" if best.exit_code in (0, 1) else "failed")
        out.append(
            Measure(
                size,
                name,
                round(best.seconds, 4),
                round(best.cpu_seconds, 4),
                round(best.peak_rss_mb, 1),
                best.exit_code,
                note=note if status != "timeout" else f"killed after {limit:.0f} s; {note}",
                status=status,
                tree_rss_mb=round(best.tree_rss_mb, 1) or None,  # None: exited before a sample
                tree_pss_mb=round(best.tree_pss_mb, 1) or None,
                load_1m=load_1m,
                runs=runs,
            )
        )
        sys.stderr.write(
            f"  {size:>6} {name:<34} {best.seconds:8.3f} s {best.cpu_seconds:8.3f} cpu "
            f"{best.peak_rss_mb:8.1f} MB {best.tree_rss_mb:8.1f} MB tree "
            f"{best.tree_pss_mb:8.1f} MB PSS  {status}\n"
        )
        return out[-1]

    def no_cache() -> None:
        """A cold start: no parse cache and no replay record. With the cache deleted alone,
        the 50,000-file run of round 5 measured a replay (0.85 s) as its cold ``-j2``."""
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(KEY_DIR / REPLAY_FOLDER, ignore_errors=True)

    time.sleep(RACY_WAIT)  # let the generated files age past the cache's racy window
    measure("read files (floor)", [py, "-c", _READ, "content"])
    measure(MISTUNE, [py, "-c", _MISTUNE, "content"])
    measure(COLD_J1_NO_CACHE, [*check, "-j1", "--no-cache"], fresh=no_cache)
    measure(COLD_J1, [*check, "-j1"], "writes the cache", fresh=no_cache)
    measure(COLD_J2, [*check, "-j2"], "writes the cache", fresh=no_cache)
    measure(WARM, [*check, "-j2"])
    edit = folder / manifest["edit_file"]
    original_edit = edit.read_bytes()
    heading = manifest["linked_heading"]
    target = folder / heading["path"]
    text = target.read_text(encoding="utf-8")
    assert heading["text"] in text
    with _edited(folder):
        try:
            # the edits below change the corpus: each is measured once
            edit.write_bytes(original_edit + "\nНовый абзац после правки.\n".encode())
            measure(WARM_EDIT, [*check, "-j2"], runs=1)
            renamed = text.replace(heading["text"], heading["text"] + " (новое)", 1)
            target.write_text(renamed, encoding="utf-8")
            measure(WARM_RENAME, [*check, "-j2"], "links to it become XR002", runs=1)
        finally:
            target.write_text(text, encoding="utf-8")
            edit.write_bytes(original_edit)

    def no_rumdl_cache() -> None:
        for leftover in (".rumdl_cache", ".rumdl-cache"):
            shutil.rmtree(folder / leftover, ignore_errors=True)

    found = found if found is not None else peers()
    notes = {
        RUMDL: ("cold: its cache deleted before each run", no_rumdl_cache),
        RUMDL_WARM: ("warm: run again, its cache kept", None),
        MARKDOWNLINT: ("cold", None),
        PYMARKDOWN: ("cold", None),
    }
    for name in PEERS:
        peer = found[name]
        if not with_peers or "command" not in peer or "timed_out_at" in peer:
            status = (
                "skipped"
                if not with_peers
                else peer.get("status", f"timed out at {peer.get('timed_out_at')} files")
            )
            out.append(Measure(size, name, None, None, None, None, status=status))
            sys.stderr.write(f"  {size:>6} {name:<34} {status}\n")
            continue
        note, fresh = notes[name]
        if name == RUMDL_WARM:  # its cache, as after an earlier run
            run_child(peer["command"], folder, env, peer_timeout)
        done = measure(
            name, peer["command"], f"{note}; {peer['version']}", fresh=fresh, limit=peer_timeout
        )
        if done.status == "timeout":
            peer["timed_out_at"] = size
    base = next((m.seconds for m in out if m.name == MISTUNE and m.status == "ok"), None)
    for m in out:
        if base and m.seconds is not None and m.status == "ok":
            m.ratio = round(m.seconds / base, 4)
    info.load_after = load()
    return out, info


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


def _git_commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return ""
    return head + ("+dirty" if head and dirty else "")


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
    try:
        import mistune

        mistune_version = str(mistune.__version__)
    except ImportError:
        mistune_version = ""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": cores,
        "cpu_count": os.cpu_count(),
        "mistune": mistune_version,
        "commit": _git_commit(),
    }


def _f(value: float | None, width: int, digits: int = 3) -> str:
    return f"{value:{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def table(measures: Sequence[Measure]) -> str:
    lines = [
        f"{'files':>6}  {'measure':<40} {'wall s':>8} {'x mistune':>9} {'cpu s':>8} "
        f"{'peak MB':>8} {'tree MB':>8} {'PSS MB':>8} {'load':>5}  status"
    ]
    for m in measures:
        status = m.status if m.status != "ok" else f"exit {m.exit_code}"
        lines.append(
            f"{m.size:>6}  {m.name:<40} {_f(m.seconds, 8)} {_f(m.ratio, 9)} "
            f"{_f(m.cpu_seconds, 8)} {_f(m.peak_rss_mb, 8, 1)} {_f(m.tree_rss_mb, 8, 1)} "
            f"{_f(m.tree_pss_mb, 8, 1)} "
            f"{_f(m.load_1m, 5, 2)}  {status}"
        )
    return "\n".join(lines)


SCALED = (MISTUNE, COLD_J1_NO_CACHE, COLD_J1, COLD_J2, WARM, WARM_EDIT, WARM_RENAME)


def scaling(measures: Sequence[Measure]) -> dict[str, Any]:
    """Per measure: wall and CPU seconds per 1,000 files at each size, and the spread of the
    largest size's cost from the smallest's (and the widest of any size from the smallest's)."""
    out: dict[str, Any] = {}
    for name in SCALED:
        rows = sorted(
            (m for m in measures if m.name == name and m.status == "ok" and m.seconds is not None),
            key=lambda m: m.size,
        )
        if not rows:
            continue
        per: list[dict[str, float]] = [
            {
                "size": m.size,
                "wall_per_1k": round(m.seconds * 1000 / m.size, 4),
                "cpu_per_1k": round((m.cpu_seconds or 0.0) * 1000 / m.size, 4),
            }
            for m in rows
            if m.seconds is not None
        ]
        entry: dict[str, Any] = {"per_size": per}
        if len(per) >= 2:
            for key in ("wall", "cpu"):
                first = per[0][f"{key}_per_1k"]
                if first:
                    devs = [float(p[f"{key}_per_1k"]) / first - 1 for p in per[1:]]
                    entry[f"{key}_spread"] = round(devs[-1], 4)
                    widest = max(devs, key=abs)
                    entry[f"{key}_max_deviation"] = round(widest, 4)
        out[name] = entry
    return out


def scaling_table(scale: dict[str, Any]) -> str:
    lines = [
        f"{'measure':<40} {'files':>6} {'wall s/1k':>10} {'cpu s/1k':>9}  spread from smallest"
    ]
    for name, entry in scale.items():
        for p in entry["per_size"]:
            lines.append(
                f"{name:<36} {p['size']:>6} {p['wall_per_1k']:10.4f} {p['cpu_per_1k']:9.4f}"
            )
        if "wall_spread" in entry:
            lines.append(
                f"{'':<40} {'':>6} {'':>10} {'':>9}  wall {entry['wall_spread']:+.1%} "
                f"(widest {entry['wall_max_deviation']:+.1%}), cpu {entry['cpu_spread']:+.1%}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 5000],
        help="corpus sizes in files (e.g. 1000 5000 20000 50000)",
    )
    parser.add_argument("--large", action="store_true", help="also 20,000 files")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-peers", action="store_true", help="do not run the other linters")
    parser.add_argument(
        "--precommit-only", action="store_true", help="only the pre-commit path on content/"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="best of N for the measures that do not edit the corpus",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=CHILD_TIMEOUT,
        help=f"seconds before one measured process is killed (default {CHILD_TIMEOUT:.0f})",
    )
    parser.add_argument(
        "--peer-timeout",
        type=float,
        default=PEER_TIMEOUT,
        help=f"the same for a peer's run (default {PEER_TIMEOUT:.0f}); a peer killed by it is not"
        " run at the larger sizes",
    )
    parser.add_argument("--output", type=Path, default=None, help="default build/bench/bench.json")
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("--sizes must be >= 1")
    sizes = sorted(set(args.sizes) | ({20000} if args.large else set()))
    OUT.mkdir(parents=True, exist_ok=True)
    written = args.output or OUT / ("bench-precommit.json" if args.precommit_only else "bench.json")
    measures: list[Measure] = []
    runs: list[SizeRun] = []
    host = machine()  # the commit is the one the run started from
    started = load()
    sys.stderr.write(f"bench: load {started['loadavg']}, pool {started['calibration']}\n")
    sys.stderr.write("bench: pre-commit path on the shipped content/\n")
    measures.extend(bench_precommit(Path(__file__).resolve().parent.parent))
    found = peers()
    for size in [] if args.precommit_only else sizes:
        sys.stderr.write(f"bench: {size} files\n")
        rows, info = bench_size(
            size,
            args.seed,
            not args.no_peers,
            max(1, args.repeat),
            args.timeout,
            found,
            args.peer_timeout,
        )
        measures.extend(rows)
        runs.append(info)
        sys.stderr.write(
            f"bench: {size} files done; load {info.load_before['loadavg']} -> "
            f"{info.load_after['loadavg']}, pool speed-up "
            f"{info.load_before['calibration']['speedup']} -> "
            f"{info.load_after['calibration']['speedup']}\n"
        )
    scale = scaling(measures)
    report = {
        "machine": host,
        "harness_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "argv": list(sys.argv[1:] if argv is None else argv),
        "seed": args.seed,
        "repeat": max(1, args.repeat),
        "sizes": sizes,
        "load": {"start": started, "end": load()},
        "size_runs": [asdict(r) for r in runs],
        "peers": {
            name: {k: v for k, v in peer.items() if k != "command"}
            | {"status": peer.get("status", "installed" if not args.no_peers else "skipped")}
            for name, peer in found.items()
        },
        "measures": [asdict(m) for m in measures],
        "scaling": scale,
    }
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    sys.stdout.write(table(measures) + "\n\n")
    if scale:
        sys.stdout.write(scaling_table(scale) + "\n\n")
    sys.stdout.write(
        f"machine: {report['machine']}\nload: start {started['loadavg']} (pool speed-up "
        f"{started['calibration']['speedup']}), end {report['load']['end']['loadavg']} "
        f"(pool speed-up {report['load']['end']['calibration']['speedup']})\n"
        f"written: {written}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
