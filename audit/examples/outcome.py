"""What a sandboxed run means: one ``ExampleResult`` per block, from the worker's events, the
output cut at its per-block markers, the exit status and the caps that were hit; and the diff of
a block's output against its expected output.
"""

from __future__ import annotations

import difflib
import signal
from typing import Any

from audit.examples.collect import ExampleSequence
from audit.examples.launch import Run, SandboxOptions
from audit.model.example import ExampleResult, ExampleStatus

_EFBIG, _EAGAIN = 27, 11


def normalise_output(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _segments(data: bytes, nonce: str, count: int) -> list[str]:
    """Each block's share of one stream: the worker writes a marker carrying the run's nonce
    after every block, so printed text cannot pass for a marker by accident."""
    out: list[str] = []
    rest = data
    for index in range(count):
        marker = f"\x1e{nonce}:{index}\x1e".encode()
        head, found, tail = rest.partition(marker)
        if not found:
            out.append(rest.decode("utf-8", "replace"))
            rest = b""
            continue
        out.append(head.decode("utf-8", "replace"))
        rest = tail
    if rest and out:
        out[-1] += rest.decode("utf-8", "replace")
    return out


def classify(sequence: ExampleSequence, options: SandboxOptions, run: Run) -> list[ExampleResult]:
    """One result per block of the sequence; after the block that ended the run, "skipped"."""
    examples = sequence.examples
    count = len(examples)
    nonce = run.nonce or "-"
    stdout = _segments(bytes(run.streams.stdout), nonce, count)
    stderr = _segments(bytes(run.streams.stderr), nonce, count)
    by_block: dict[int, dict[str, Any]] = {}
    supervisor: dict[str, Any] = {}
    for event in run.events:
        kind = event.get("ev")
        if kind in ("end", "error") and isinstance(event.get("i"), int):
            by_block[event["i"]] = event
        elif kind == "exit":
            supervisor = event
    results: list[ExampleResult] = []
    stop: ExampleResult | None = None
    for index, example in enumerate(examples):
        out = stdout[index] if index < len(stdout) else ""
        err = stderr[index] if index < len(stderr) else ""
        outcome = by_block.get(index)
        duration = float(outcome.get("duration", 0.0)) if outcome else 0.0
        common: dict[str, Any] = {
            "example_id": example.id,
            "path": example.path,
            "line": example.line,
            "section": example.section,
            "isolation": run.layers,
        }
        if stop is not None:
            results.append(
                ExampleResult(
                    status="skipped",
                    message=f"not run: the block at line {stop.line} of the "
                    f"section ended the run ({stop.status})",
                    **common,
                )
            )
            continue
        if outcome is not None and outcome.get("ev") == "end":
            results.append(_compare(example, out, err, duration, common))
            continue
        if outcome is not None:
            result = _from_error(example, outcome, out, err, duration, common)
        elif index < run.started:
            result = _from_death(example, run, supervisor, err, options.timeout_s, common)
        elif index == 0 and not run.started:
            result = ExampleResult(
                status="failed",
                message=f"the example interpreter did not start (exit code {run.returncode})",
                detail=_tail(err or bytes(run.streams.stderr).decode("utf-8", "replace")),
                **common,
            )
        else:
            result = ExampleResult(status="skipped", message="not run", **common)
        results.append(result)
        stop = result
    return results


def _tail(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else "…" + text[-limit:]


def _compare(
    example: Any, out: str, err: str, duration: float, common: dict[str, Any]
) -> ExampleResult:
    if example.expected_output is None:
        return ExampleResult(status="works", duration_s=duration, **common)
    expected, actual = normalise_output(example.expected_output), normalise_output(out)
    if expected == actual:
        return ExampleResult(status="works", duration_s=duration, **common)
    diff = "\n".join(difflib.unified_diff(expected, actual, "expected", "actual", lineterm=""))
    changed = sum(1 for line in diff.splitlines()[2:] if line[:1] in "+-")
    return ExampleResult(
        status="output-mismatch",
        duration_s=duration,
        message=f"output differs from the expected output ({changed} lines)",
        detail=_tail(diff),
        **common,
    )


def _from_error(
    example: Any, event: dict[str, Any], out: str, err: str, duration: float, common: dict[str, Any]
) -> ExampleResult:
    kind, name = event.get("kind"), str(event.get("type", ""))
    message = str(event.get("message", ""))
    line = int(event.get("line") or 0)
    detail = _tail(str(event.get("traceback", "")) or err)
    status: ExampleStatus = "failed"
    module = ""
    if kind == "syntax":
        status, text = "syntax-error", f"SyntaxError: {message}"
    elif kind == "exit":
        text = f"exited with code {event.get('code')}"
    elif name == "ModuleNotFoundError" and event.get("module") and not event.get("installed"):
        module = str(event["module"])
        status, text = "needs-module", f"needs {module}"
    elif name == "MemoryError":
        status, text = "limit-exceeded", "memory limit: MemoryError"
    elif event.get("errno") == _EFBIG:
        status, text = "limit-exceeded", f"file size limit: {name}: {message}"
    elif name == "BlockingIOError" and event.get("errno") == _EAGAIN:
        status, text = "limit-exceeded", f"process limit: {name}: {message}"
    else:
        text = f"{name}: {message}" if message else name
    if line and kind != "syntax":
        text += f" (line {line})"
    return ExampleResult(
        status=status,
        duration_s=duration,
        message=text,
        detail=detail,
        error_line=line,
        missing_module=module,
        **common,
    )


def _from_death(
    example: Any,
    run: Run,
    supervisor: dict[str, Any],
    err: str,
    default_timeout: float,
    common: dict[str, Any],
) -> ExampleResult:
    """The block started and never reported: timeout, a cap, a signal or a hard exit."""
    detail = _tail(err)
    duration = run.wall_s
    if run.timed_out_block is not None:
        limit = example.timeout_s or default_timeout
        return ExampleResult(
            status="timeout",
            duration_s=duration,
            detail=detail,
            message=f"no result within the {limit:g} s wall-clock timeout; "
            "the process group was killed",
            **common,
        )
    if run.streams.overflow:
        return ExampleResult(
            status="limit-exceeded",
            duration_s=duration,
            detail=detail,
            message=f"output limit: {run.streams.overflow} went over the cap; the run was killed",
            **common,
        )
    sig = int(supervisor.get("signal") or 0)
    code = int(supervisor.get("code", run.returncode))
    if not supervisor and run.returncode < 0:
        sig = -run.returncode
    if sig == getattr(signal, "SIGXCPU", -1):
        return ExampleResult(
            status="limit-exceeded",
            duration_s=duration,
            detail=detail,
            message="CPU time limit (SIGXCPU)",
            **common,
        )
    if sig == getattr(signal, "SIGXFSZ", -1):
        return ExampleResult(
            status="limit-exceeded",
            duration_s=duration,
            detail=detail,
            message="file size limit (SIGXFSZ)",
            **common,
        )
    if run.cgroup_limit_hit:
        return ExampleResult(
            status="limit-exceeded",
            duration_s=duration,
            detail=detail,
            message="process limit (pids cgroup)",
            **common,
        )
    if sig:
        return ExampleResult(
            status="failed",
            duration_s=duration,
            detail=detail,
            message=f"killed by signal {_signal_name(sig)}",
            **common,
        )
    if not supervisor:
        return ExampleResult(
            status="failed",
            duration_s=duration,
            detail=detail,
            message=f"the example's supervisor was killed (exit status {run.returncode})",
            **common,
        )
    return ExampleResult(
        status="failed",
        duration_s=duration,
        detail=detail,
        message=f"exited with code {code}",
        **common,
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
