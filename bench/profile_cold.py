"""Cold ``check -j1 --no-cache`` against mistune-parse-alone, in CPU seconds, back to back.

``python -m bench.profile_cold TREE [--runs 5]`` runs, alternately, the two child processes of
``bench.check`` (mistune parsing alone with the plugins the audit uses, and the cold check) and
prints the median CPU time (user + sys of the child) of each and their ratio. On a shared machine
wall time says more about the neighbours than about the code; CPU time measured back to back,
median of several, is what an optimisation is judged by.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.check import _MISTUNE, _audit_env, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", type=Path, help="a folder with content/ (and its config)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--breakdown", action="store_true", help="time the parts, in-process")
    args = parser.parse_args(argv)
    if args.breakdown:
        breakdown(args.tree.resolve())
        return 0
    env = _audit_env()
    py = sys.executable
    check = [py, "-m", "audit", "check", "--format", "json", "-j1", "--no-cache"]
    alone: list[float] = []
    cold: list[float] = []
    for _ in range(args.runs):
        alone.append(run([py, "-c", _MISTUNE, "content"], args.tree, env)[1])
        cold.append(run(check, args.tree, env)[1])
    ratios = sorted(c / a for c, a in zip(cold, alone, strict=True))
    a, c = statistics.median(alone), statistics.median(cold)
    print(f"mistune alone  median {a:.3f} cpu s  {sorted(round(x, 3) for x in alone)}")
    print(f"check cold -j1 median {c:.3f} cpu s  {sorted(round(x, 3) for x in cold)}")
    print(f"ratio of medians {c / a:.2f}  median of paired ratios {statistics.median(ratios):.2f}")
    return 0


# (label, module, attribute path): each timed inclusive of what it calls (CPU); an indented
# label is a part of the one above it
_PARTS: tuple[tuple[str, str, str], ...] = (
    ("parse (all of it)", "audit.parse.markdown", "parse"),
    ("  mistune parse + position hooks", "audit.parse.markdown", "_PositionedMarkdown.parse"),
    ("  front matter (yaml)", "audit.parse.markdown", "_Builder._front_matter"),
    ("  dialect.expand", "audit.parse.dialect", "expand"),
    ("  dialect.block_attr_ids", "audit.parse.dialect", "block_attr_ids"),
    ("  headings", "audit.parse.markdown", "_Builder._headings"),
    ("  walk", "audit.parse.markdown", "_Builder._walk"),
    ("  task mentions", "audit.parse.markdown", "_Builder._task_mentions"),
    ("  line index", "audit.parse.positions", "LineIndex.__init__"),
    ("parse trackers", "audit.pipeline", "parse_trackers"),
    ("graph", "audit.pipeline", "build_graph"),
    ("rules (static)", "audit.pipeline", "run_stage_rules"),
    ("tracker + coverage", "audit.stages", "check_tracker_findings"),
)


def _timed(totals: dict[str, float], label: str, original: Any) -> Any:
    depth = [0]

    def timed(*args: object, **kwargs: object) -> object:
        if depth[0]:
            return original(*args, **kwargs)
        depth[0] += 1
        start = time.process_time()
        try:
            result = original(*args, **kwargs)
            if inspect.isgenerator(result):  # a rule: its findings are drawn here
                result = iter(list(result))
            return result
        finally:
            totals[label] = totals.get(label, 0.0) + time.process_time() - start
            depth[0] -= 1

    return timed


def breakdown(tree: Path) -> None:
    """``check -j1 --no-cache`` in this process, the parts above and every rule timed."""
    import contextlib
    import dataclasses
    import importlib
    import io
    import os

    start = time.process_time()
    os.chdir(tree)
    from audit import cli
    from audit.rules import REGISTRY

    imported = time.process_time() - start
    totals: dict[str, float] = {}
    for label, module, attr in _PARTS:
        owner: Any = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, name, _timed(totals, label, getattr(owner, name)))
    for code, item in list(REGISTRY.items()):
        label = f"  rule {code}"
        REGISTRY[code] = dataclasses.replace(item, check=_timed(totals, label, item.check))
    run_start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["check", "--format", "json", "-j1", "--no-cache"])
    run = time.process_time() - run_start
    print(f"imports {imported:.3f} cpu s; the run {run:.3f} cpu s")
    for label, _module, _attr in _PARTS:
        print(f"  {label:<36} {totals.get(label, 0.0):7.3f}")
    rules = sorted((v, k) for k, v in totals.items() if k.startswith("  rule "))
    for value, label in reversed(rules[-8:]):
        print(f"  {label:<36} {value:7.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
