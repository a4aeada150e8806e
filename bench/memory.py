"""Where a cold ``check`` spends its memory and its CPU: ``python -m bench.memory CORPUS``.

On a machine shared by several agents a ``-j2`` wall time says nothing, so this measures what
does not depend on the load:

- the machine: load average and a serial-vs-pool calibration (the same CPU-bound task twice in
  a row, then once in each of two pool workers: ``pool/serial`` is 0.5 when two cores are free,
  1.0 when the machine gives one);
- ``check --no-cache -jN`` run in this process: the CPU time of the parent (``RUSAGE_SELF``)
  and of the workers (``RUSAGE_CHILDREN``), the peak RSS of each, and the bytes sent between
  them, estimated as the pickled size of what the pool carries (the chunks of paths out, the
  parsed documents back);
- the parent's CPU per stage (the part of a ``-j`` run that more workers cannot shorten).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def calibration(n: int = 3_000_000) -> dict[str, float]:
    start = time.perf_counter()
    _spin(n)
    _spin(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(max_workers=2) as pool:
        pool.submit(_spin, 10).result()  # the workers exist before the clock starts
        start = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        pooled = time.perf_counter() - start
    return {
        "load_1min": os.getloadavg()[0],
        "serial_s": serial,
        "pool_s": pooled,
        "pool_over_serial": pooled / serial if serial else 0.0,
    }


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measure(corpus: Path, jobs: int) -> dict[str, Any]:
    from audit.config import load_config
    from audit.discover import discover_paths
    from audit.graph.build import build_graph
    from audit.stages import (
        PARALLEL_MIN_FILES,
        check_tracker_findings,
        gc_paused,
        parse_files,
        parse_trackers,
        run_stage_rules,
    )

    loaded = load_config(cwd=corpus)
    config, root = loaded.config, loaded.root
    stages: dict[str, float] = {}
    clock = _cpu(resource.RUSAGE_SELF)
    parent_before, children_before = clock, _cpu(resource.RUSAGE_CHILDREN)

    def step(name: str) -> None:
        nonlocal clock
        now = _cpu(resource.RUSAGE_SELF)
        stages[name] = round(now - clock, 3)
        clock = now

    with gc_paused():
        paths = discover_paths(config, root)
        step("discover")
        documents = parse_files(paths, config, root, jobs)
        step("parse (parent: send, receive, unpickle, sort)")
        parse_trackers(documents, config)
        step("trackers")
        graph = build_graph(documents, config, root)
        step("graph")
        run_stage_rules(graph, config, root, ("static",), ("file",))
        step("file rules")
        run_stage_rules(graph, config, root, ("static",), ("global",))
        step("global rules")
        check_tracker_findings(documents, graph, config, root)
        step("tracker rules")
    pooled = jobs > 1 and len(paths) >= PARALLEL_MIN_FILES
    size = max(1, -(-len(paths) // (jobs * 4)))
    content = (root / config.content_root).resolve()
    sent = sum(
        len(pickle.dumps((paths[i : i + size], content, root, config)))
        for i in range(0, len(paths), size)
    )
    received = sum(len(pickle.dumps(d)) for d in documents)
    return {
        "files": len(paths),
        "jobs": jobs,
        "parent_cpu_s": round(_cpu(resource.RUSAGE_SELF) - parent_before, 3),
        "workers_cpu_s": round(_cpu(resource.RUSAGE_CHILDREN) - children_before, 3),
        "parent_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # of the calibration's workers too, if they were larger
        "workers_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "bytes_to_workers": sent if pooled else 0,
        "bytes_from_workers": received if pooled else 0,
        "parent_cpu_by_stage_s": stages,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("corpus", type=Path, help="a folder made by python -m bench.corpus")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    report = {"calibration": calibration(), "check": measure(args.corpus, args.jobs)}
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
