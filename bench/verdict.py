"""The bench is the judge: ``python -m bench.verdict build/bench/bench.json``.

Prints the Markdown for a recorded run in BENCHMARKS.md: how it was run, the machine and its
load, the table of every measure, the cost per 1,000 files per size, and one line per target of
issue 17 saying **met**, **missed** (with the gap) or **not judged** (the run lacks what the
target needs: a size, a peer, two free cores), each with the measured figure. Every verdict is
computed here from the JSON that ``bench.check`` wrote; nothing is carried over from an earlier
run, so a run on a busy machine reads as what it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the names bench.check gives its measures (kept literal here: the verdict reads JSON only)
MISTUNE = "mistune parse alone"
COLD_J1_NO_CACHE = "check cold -j1 --no-cache"
COLD_J1 = "check cold -j1"
COLD_J2 = "check cold -j2"
WARM = "check warm, nothing changed"
WARM_EDIT = "check warm, one file edited"
WARM_RENAME = "check warm, linked heading renamed"
RUMDL_WARM = "rumdl warm"
COLD = (COLD_J1_NO_CACHE, COLD_J1, COLD_J2)
WARMS = (WARM, WARM_EDIT, WARM_RENAME)

WARM_LIMIT_S = 0.09
WARM_SIZE = 1000
J2_LIMIT = 0.75
J1_LIMIT = 1.3
RSS_SIZE = 20000
RSS_COLD_MB = 600.0
RSS_WARM_MB = 200.0
SCALE_FROM, SCALE_TO = 1000, 50000
SCALE_LIMIT = 0.10
# a 2-process pool at least this much faster than serial: the second core was free
FREE_SPEEDUP = 1.8

MET, MISSED, NOT_JUDGED = "met", "missed", "not judged"


@dataclass
class Verdict:
    target: str
    status: str  # met | missed | not judged
    measured: str  # the figure, and for a miss the gap

    def line(self) -> str:
        return f"- {self.target}: **{self.status}**. {self.measured}"


class Run:
    """Read access to one bench.json."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.measures: list[dict[str, Any]] = list(report.get("measures", []))
        self.sizes = sorted({int(m["size"]) for m in self.measures if m["name"] == MISTUNE})

    def get(self, size: int, name: str) -> dict[str, Any] | None:
        """The measure, if it ran to the end (status ok, with a wall time)."""
        for m in self.measures:
            if m["size"] == size and m["name"] == name:
                ok = m.get("status", "ok") == "ok" and m.get("seconds") is not None
                return m if ok else None
        return None

    def status(self, size: int, name: str) -> str:
        for m in self.measures:
            if m["size"] == size and m["name"] == name:
                return str(m.get("status", "ok"))
        return "not in this run"

    def speedups(self, size: int) -> list[float]:
        """The pool calibration's speed-ups taken before and after ``size`` was measured."""
        for run in self.report.get("size_runs", []):
            if run["size"] == size:
                return [
                    float(run[key]["calibration"]["speedup"])
                    for key in ("load_before", "load_after")
                    if run.get(key)
                ]
        return []


def _rss(m: dict[str, Any]) -> float:
    """The higher of ``ru_maxrss`` (largest single process) and the sampled tree sum: of PSS
    when the run sampled it (a page a forked child shares with its parent counts once), else
    of RSS (runs before round 5)."""
    tree = m.get("tree_pss_mb") or m.get("tree_rss_mb")
    return max(float(m.get("peak_rss_mb") or 0.0), float(tree or 0.0))


def _k(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _combine(parts: Sequence[str]) -> str:
    if MISSED in parts:
        return MISSED
    return MET if parts and all(p == MET for p in parts) else NOT_JUDGED


def warm_target(run: Run) -> Verdict:
    target = (
        f"(1) warm, nothing changed ≤ {WARM_LIMIT_S} s at {WARM_SIZE:,} files and below rumdl's "
        "warm run in the same bench run"
    )
    if WARM_SIZE not in run.sizes:
        return Verdict(target, NOT_JUDGED, f"{WARM_SIZE:,} files not in this run.")
    ours = run.get(WARM_SIZE, WARM)
    if ours is None:
        return Verdict(target, NOT_JUDGED, f"ours: {run.status(WARM_SIZE, WARM)}.")
    seconds = float(ours["seconds"])
    parts = [MET if seconds <= WARM_LIMIT_S else MISSED]
    text = f"ours {seconds:.3f} s"
    if parts[0] == MISSED:
        text += f" ({seconds - WARM_LIMIT_S:.3f} s over the {WARM_LIMIT_S} s limit)"
    rumdl = run.get(WARM_SIZE, RUMDL_WARM)
    if rumdl is None:
        parts.append(NOT_JUDGED)
        text += f"; rumdl warm: {run.status(WARM_SIZE, RUMDL_WARM)}"
    else:
        theirs = float(rumdl["seconds"])
        parts.append(MET if seconds < theirs else MISSED)
        text += f"; rumdl warm {theirs:.3f} s"
        if parts[-1] == MISSED:
            text += f" (ours {seconds - theirs:.3f} s slower)"
    return Verdict(target, _combine(parts), text + ".")


def j2_target(run: Run) -> Verdict:
    target = f"(2) cold `check -j2` ≤ {J2_LIMIT} × mistune alone when two cores are free"
    parts, figures = [], []
    for size in run.sizes:
        m = run.get(size, COLD_J2)
        if m is None or m.get("ratio") is None:
            figures.append(f"{_k(size)}: {run.status(size, COLD_J2)}")
            continue
        ratio = float(m["ratio"])
        speedups = run.speedups(size)
        pool = "/".join(f"{s:.2f}" for s in speedups) or "no calibration"
        free = bool(speedups) and min(speedups) >= FREE_SPEEDUP
        if not free:
            figures.append(f"{_k(size)}: {ratio:.2f} × (pool speed-up {pool}: cores not free)")
            parts.append(NOT_JUDGED)
            continue
        ok = ratio <= J2_LIMIT
        gap = "" if ok else f", {ratio - J2_LIMIT:.2f} × over"
        figures.append(f"{_k(size)}: {ratio:.2f} ×{gap} (pool speed-up {pool})")
        parts.append(MET if ok else MISSED)
    judged = [p for p in parts if p != NOT_JUDGED]
    status = _combine(judged) if judged else NOT_JUDGED
    note = f" (two cores count as free when a 2-process pool runs ≥ {FREE_SPEEDUP} × serial)"
    return Verdict(target, status, "; ".join(figures) + note + ".")


def j1_target(run: Run) -> Verdict:
    target = f"(3) cold `check -j1` ≤ {J1_LIMIT} × mistune alone"
    parts, figures = [], []
    for size in run.sizes:
        m = run.get(size, COLD_J1)
        if m is None or m.get("ratio") is None:
            figures.append(f"{_k(size)}: {run.status(size, COLD_J1)}")
            parts.append(NOT_JUDGED)
            continue
        ratio = float(m["ratio"])
        ok = ratio <= J1_LIMIT
        parts.append(MET if ok else MISSED)
        gap = "" if ok else f" ({ratio - J1_LIMIT:.2f} × over)"
        figures.append(f"{_k(size)}: {ratio:.2f} ×{gap}{_cpu_ratio(run, size, m)}")
    if not figures:
        return Verdict(target, NOT_JUDGED, "no size in this run.")
    return Verdict(target, _combine(parts), "; ".join(figures) + ".")


def _cpu_ratio(run: Run, size: int, m: dict[str, Any]) -> str:
    """The same ratio in CPU seconds: on a loaded machine wall time also counts waiting."""
    base = run.get(size, MISTUNE)
    if base is None or not base.get("cpu_seconds") or m.get("cpu_seconds") is None:
        return ""
    return f" [CPU {float(m['cpu_seconds']) / float(base['cpu_seconds']):.2f} ×]"


def rss_target(run: Run) -> Verdict:
    target = (
        f"(4) peak RSS at {RSS_SIZE:,} files ≤ {RSS_COLD_MB:.0f} MB cold, "
        f"≤ {RSS_WARM_MB:.0f} MB warm"
    )
    if RSS_SIZE not in run.sizes:
        return Verdict(target, NOT_JUDGED, f"{RSS_SIZE:,} files not in this run.")
    parts, figures = [], []
    for label, names, limit in (("cold", COLD, RSS_COLD_MB), ("warm", WARMS, RSS_WARM_MB)):
        rows = [(name, run.get(RSS_SIZE, name)) for name in names]
        found = [(name, m) for name, m in rows if m is not None]
        if len(found) < len(names):
            missing = [f"{n}: {run.status(RSS_SIZE, n)}" for n, m in rows if m is None]
            figures.append(f"{label}: " + "; ".join(missing))
            parts.append(NOT_JUDGED)
            continue
        name, worst = max(found, key=lambda pair: _rss(pair[1]))
        peak = _rss(worst)
        ok = peak <= limit
        parts.append(MET if ok else MISSED)
        gap = "" if ok else f", {peak - limit:.0f} MB over"
        figures.append(f"{label} {peak:.0f} MB ({name}{gap})")
    text = "; ".join(figures) + (
        " (the higher of the largest process and the sampled tree sum, of PSS where sampled)."
    )
    return Verdict(target, _combine(parts), text)


def _per_1k(m: dict[str, Any], key: str) -> float:
    return float(m[key]) * 1000 / int(m["size"])


def scale_target(run: Run) -> Verdict:
    target = (
        f"(5) {SCALE_TO:,} files cold and warm recorded; cost per 1,000 files (cold `-j1`) "
        f"within ±{SCALE_LIMIT:.0%} from {SCALE_FROM // 1000}k to {SCALE_TO // 1000}k"
    )
    absent = [f"{size:,}" for size in (SCALE_FROM, SCALE_TO) if size not in run.sizes]
    if absent:
        return Verdict(target, NOT_JUDGED, f"{' and '.join(absent)} files not in this run.")
    cold, warm = run.get(SCALE_TO, COLD_J1), run.get(SCALE_TO, WARM)
    base = run.get(SCALE_FROM, COLD_J1)
    if cold is None or warm is None or base is None:
        missing = [
            f"{name} at {size:,}: {run.status(size, name)}"
            for size, name, m in (
                (SCALE_TO, COLD_J1, cold),
                (SCALE_TO, WARM, warm),
                (SCALE_FROM, COLD_J1, base),
            )
            if m is None
        ]
        return Verdict(target, NOT_JUDGED, "; ".join(missing) + ".")
    sizes = [s for s in run.sizes if SCALE_FROM <= s <= SCALE_TO and run.get(s, COLD_J1)]
    first = _per_1k(base, "seconds")
    first_cpu = _per_1k(base, "cpu_seconds")
    figures, worst = [], 0.0
    for size in sizes:
        m = run.get(size, COLD_J1)
        assert m is not None
        dev = _per_1k(m, "seconds") / first - 1
        cpu_dev = _per_1k(m, "cpu_seconds") / first_cpu - 1 if first_cpu else 0.0
        worst = max(worst, abs(dev))
        figures.append(f"{_k(size)} {_per_1k(m, 'seconds'):.3f} s ({dev:+.1%}; CPU {cpu_dev:+.1%})")
    ok = worst <= SCALE_LIMIT
    gap = "" if ok else f"; widest {worst:.1%}, {worst - SCALE_LIMIT:.1%} beyond ±{SCALE_LIMIT:.0%}"
    text = (
        f"{SCALE_TO // 1000}k cold `-j1` {float(cold['seconds']):.1f} s, warm nothing changed "
        f"{float(warm['seconds']):.3f} s; wall per 1,000 files: " + ", ".join(figures) + gap + "."
    )
    return Verdict(target, MET if ok else MISSED, text)


TARGETS: tuple[Callable[[Run], Verdict], ...] = (
    warm_target,
    j2_target,
    j1_target,
    rss_target,
    scale_target,
)


def verdicts(report: dict[str, Any]) -> list[Verdict]:
    run = Run(report)
    return [judge(run) for judge in TARGETS]


def _cell(value: Any, digits: int) -> str:
    return "" if value is None else f"{float(value):.{digits}f}"


def _load(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "not recorded"
    cal = entry.get("calibration", {})
    one, five, fifteen = entry.get("loadavg", ["?", "?", "?"])
    return f"load {one} / {five} / {fifteen}, pool speed-up {cal.get('speedup', '?')}"


def _peer(name: str, peer: dict[str, Any]) -> str:
    version = str(peer.get("version") or "")
    if not version:
        return f"{name}: {peer.get('status', 'not recorded')}"
    return version if version.startswith(name) else f"{name} {version}"


def combined(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several runs as one, for judging the targets: a large size is measured in a run of its
    own (without the peers, whose timeouts would take hours), the 1k/5k run with them. A size
    measured by two runs keeps the first run's rows."""
    out: dict[str, Any] = {"measures": [], "size_runs": [], "peers": {}}
    seen: set[int] = set()
    for report in reports:
        sizes = {int(m["size"]) for m in report.get("measures", [])} - seen
        out["measures"] += [m for m in report.get("measures", []) if int(m["size"]) in sizes]
        out["size_runs"] += [r for r in report.get("size_runs", []) if int(r["size"]) in sizes]
        for name, peer in report.get("peers", {}).items():
            out["peers"].setdefault(name, peer)
        seen |= sizes
    return out


def markdown(report: dict[str, Any], targets: bool = True) -> str:
    machine = report.get("machine", {})
    load = report.get("load", {})
    start = load.get("start") or {}
    argv = report.get("argv")
    command = " ".join(["python -m bench.check", *argv]) if argv is not None else "bench.check"
    out = [
        "## Recorded run",
        "",
        f"Commit {machine.get('commit') or '(unknown)'}, `{command}`, started "
        f"{start.get('time', '(time not recorded)')}. Machine: {machine.get('cores', '?')} cores "
        f"({machine.get('cpu', '?')}), {machine.get('platform', '?')}, Python "
        f"{machine.get('python', '?')}, mistune {machine.get('mistune', '?')}.",
        "",
        f"Load (1 / 5 / 15 min) and the pool calibration (2 CPU-bound loops, 2-process pool vs "
        f"serial; ≈ 2.0 when two cores are free): at the start {_load(start)}; at the end "
        f"{_load(load.get('end'))}.",
        "",
    ]
    for size_run in report.get("size_runs", []):
        reused = "reused" if size_run.get("corpus_reused") else "written"
        out.append(
            f"- {int(size_run['size']):,} files ({int(size_run['corpus_bytes']) / 1e6:.1f} MB, "
            f"corpus {reused} in {float(size_run['generate_seconds']):.1f} s): before "
            f"{_load(size_run.get('load_before'))}; after {_load(size_run.get('load_after'))}"
        )
    peers = report.get("peers", {})
    if peers:
        listed = [_peer(name, peer) for name, peer in peers.items() if name != RUMDL_WARM]
        out += ["", "Peers: " + "; ".join(listed) + "."]
    out += [
        "",
        "| files | measure | wall s | × mistune | CPU s | peak RSS MB | tree RSS MB "
        "| tree PSS MB | load 1 m |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in report.get("measures", []):
        status = m.get("status", "ok")
        shown = "killed at the timeout, a lower bound" if status == "timeout" else status
        name = m["name"] if status == "ok" else f"{m['name']} ({shown})"
        out.append(
            f"| {m['size']} | {name} | {_cell(m.get('seconds'), 3)} | {_cell(m.get('ratio'), 3)} "
            f"| {_cell(m.get('cpu_seconds'), 3)} | {_cell(m.get('peak_rss_mb'), 1)} "
            f"| {_cell(m.get('tree_rss_mb'), 1)} | {_cell(m.get('tree_pss_mb'), 1)} "
            f"| {_cell(m.get('load_1m'), 2)} |"
        )
    run = Run(report)
    if len(run.sizes) >= 2:
        out += [
            "",
            "Cost per 1,000 files (wall / CPU seconds), and the largest size against the smallest:",
            "",
            "| measure | " + " | ".join(f"{_k(s)}" for s in run.sizes) + " | spread |",
            "|---|" + "---:|" * (len(run.sizes) + 1),
        ]
        for name in (MISTUNE, *COLD, *WARMS):
            rows = [run.get(s, name) for s in run.sizes]
            cells = [
                f"{_per_1k(m, 'seconds'):.3f} / {_per_1k(m, 'cpu_seconds'):.3f}" if m else ""
                for m in rows
            ]
            present = [m for m in rows if m]
            spread = ""
            if len(present) >= 2:
                wall = _per_1k(present[-1], "seconds") / _per_1k(present[0], "seconds") - 1
                spread = f"{wall:+.1%}"
            out.append(f"| {name} | " + " | ".join(cells) + f" | {spread} |")
    if targets:
        out += ["", "## Targets (issue 17)", ""]
        out += [v.line() for v in verdicts(report)]
    return "\n".join(out) + "\n"


def markdown_of_runs(reports: Sequence[dict[str, Any]]) -> str:
    """Each run's Markdown, then the targets judged over all of them."""
    if len(reports) == 1:
        return markdown(reports[0])
    parts = [markdown(report, targets=False) for report in reports]
    lines = ["## Targets (issue 17), judged over the runs above", ""]
    lines += [v.line() for v in verdicts(combined(reports))]
    return "\n".join(parts) + "\n" + "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verdict", description=__doc__)
    parser.add_argument(
        "bench_json",
        type=Path,
        nargs="*",
        help="one run, or several (e.g. 1k/5k with the peers and 20k/50k without), judged as one",
    )
    args = parser.parse_args(argv)
    reports = []
    for path in args.bench_json or [Path("build/bench/bench.json")]:
        try:
            reports.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            sys.stderr.write(f"bench.verdict: cannot read {path}: {error}\n")
            return 2
    sys.stdout.write(markdown_of_runs(reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
