"""The examples stage's one door: documents in, one ``ExampleResult`` per Python block out."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from audit.examples.cache import ExampleCache, environment_fingerprint, sequence_key
from audit.examples.collect import ExampleSequence, collect_examples
from audit.examples.launch import SandboxOptions, options_from_config, run_sandboxed
from audit.examples.outcome import classify
from audit.model.config import Config
from audit.model.document import Document
from audit.model.example import ExampleResult

# called after each sequence: (sequences done, sequences in all, that sequence's results)
Progress = Callable[[int, int, Sequence[ExampleResult]], None]


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_sequence(sequence: ExampleSequence, options: SandboxOptions) -> list[ExampleResult]:
    """Run the blocks of one section in one fresh sandbox; one result per block."""
    return classify(sequence, options, run_sandboxed(sequence, options))


def run_examples(
    documents: Iterable[Document],
    config: Config,
    root: Path,
    jobs: int = 0,
    use_cache: bool = True,
    progress: Progress | None = None,
    options: SandboxOptions | None = None,
) -> list[ExampleResult]:
    """Run every runnable example (per-section sequences in a pool), reusing cached results.

    ``jobs`` 0 means ``config.examples.jobs``, and 0 there means the number of cores. Results
    come back in document order (path, line); skipped blocks are included.
    """
    found = collect_examples(documents, config)
    options = options or options_from_config(config)
    workers = jobs or config.examples.jobs or default_jobs()
    cache = ExampleCache(root, config.cache_dir) if use_cache else None
    results: list[ExampleResult] = list(found.skipped)
    pending: list[tuple[ExampleSequence, str]] = []
    total = len(found.sequences)
    done = 0
    keys: dict[str, str] = {}
    if cache is not None and found.sequences:
        environment = environment_fingerprint(options.interpreter)
        fingerprint = options.fingerprint()
        for sequence in found.sequences:
            key = sequence_key(sequence, environment, fingerprint)
            keys[sequence.id] = key
            hit = cache.get(key, sequence)
            if hit is None:
                pending.append((sequence, key))
                continue
            results.extend(hit)
            done += 1
            if progress is not None:
                progress(done, total, hit)
    else:
        pending = [(sequence, "") for sequence in found.sequences]
    if pending:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures: dict[Future[list[ExampleResult]], str] = {
                pool.submit(run_sequence, sequence, options): key for sequence, key in pending
            }
            for future in as_completed(futures):
                outcome = future.result()
                if cache is not None and futures[future]:
                    cache.put(futures[future], outcome)
                results.extend(outcome)
                done += 1
                if progress is not None:
                    progress(done, total, outcome)
    results.sort(key=lambda r: (r.path, r.line))
    return results
