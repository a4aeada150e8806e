"""Benchmark of the examples stage: ``python -m bench.examples [--count 200] [--jobs N]``.

Generates ``count`` examples (two blocks per section, each with an expected output) in a
temporary project and measures, wall clock: sequential (1 worker) vs the pool, cold vs warm
cache, and the cost of the isolation layers (full sandbox vs rlimits only). Prints the ratios;
``--json PATH`` also writes them. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from audit.examples.execute import default_jobs, run_examples
from audit.examples.isolation import Isolation
from audit.examples.launch import options_from_config
from audit.model.config import Config
from audit.model.document import Document
from audit.model.source import Source
from audit.parse.markdown import parse


def generate(count: int) -> str:
    """A Markdown page of ``count`` examples: sections of two blocks with expected output."""
    parts = ["# Generated examples\n"]
    for index in range(0, count, 2):
        parts.append(f"\n## {index // 2 + 1}. Section {index // 2 + 1}\n\n")
        parts.append(
            f"```python\nvalues = [i * i for i in range({1000 + index})]\n"
            "total = sum(values)\n```\n\n"
        )
        if index + 1 < count:
            expected = sum(i * i for i in range(1000 + index)) % 97
            parts.append(f"```python\nprint(total % 97)\n```\n\n```text output\n{expected}\n```\n")
    return "".join(parts)


def _documents(count: int) -> list[Document]:
    text = generate(count).encode("utf-8")
    path = "content/bench/generated.md"
    return [parse(Source(path, path, text, "bench"), Config())]


def _timed(label: str, results: dict[str, Any], func: Any) -> list[Any]:
    began = time.perf_counter()
    out: list[Any] = func()
    results[label] = round(time.perf_counter() - began, 3)
    return out


def bench_examples(count: int = 200, jobs: int = 0) -> dict[str, Any]:
    """Run the measurements; returns seconds per scenario and the ratios."""
    config = Config()
    documents = _documents(count)
    workers = jobs or default_jobs()
    timings: dict[str, Any] = {"examples": count, "jobs": workers}
    with tempfile.TemporaryDirectory(prefix="content-audit-bench-") as folder:
        root = Path(folder)
        sequential = _timed(
            "sequential_s",
            timings,
            lambda: run_examples(documents, config, root, jobs=1, use_cache=False),
        )
        _timed(
            "pool_s",
            timings,
            lambda: run_examples(documents, config, root, jobs=workers, use_cache=False),
        )
        _timed(
            "cold_cache_s",
            timings,
            lambda: run_examples(documents, config, root, jobs=workers, use_cache=True),
        )
        warm = _timed(
            "warm_cache_s",
            timings,
            lambda: run_examples(documents, config, root, jobs=workers, use_cache=True),
        )
        bare = options_from_config(config, Isolation(landlock=False))
        _timed(
            "pool_rlimits_only_s",
            timings,
            lambda: run_examples(
                documents, config, root, jobs=workers, use_cache=False, options=bare
            ),
        )
    timings["statuses"] = sorted({r.status for r in sequential})
    timings["warm_all_cached"] = all(r.cached for r in warm)
    timings["isolation"] = list(sequential[0].isolation) if sequential else []
    timings["ratio_sequential_over_pool"] = round(timings["sequential_s"] / timings["pool_s"], 2)
    timings["ratio_cold_over_warm"] = round(timings["cold_cache_s"] / timings["warm_cache_s"], 1)
    timings["ratio_sandbox_over_rlimits_only"] = round(
        timings["pool_s"] / timings["pool_rlimits_only_s"], 2
    )
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.examples")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    numbers = bench_examples(args.count, args.jobs)
    for key, value in numbers.items():
        sys.stdout.write(f"{key:34} {value}\n")
    if args.json:
        from audit.atomic import write_text_atomic

        write_text_atomic(Path(args.json), json.dumps(numbers, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
