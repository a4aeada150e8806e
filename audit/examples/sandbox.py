"""Run one sequence of examples in a fresh, limited, (where the OS allows) confined interpreter.

Layers, each detected at run time and recorded in ``ExampleResult.isolation``:

* ``rlimits``: CPU time, address space, file size, no core files (set by the worker before any
  example code runs; ``RLIMIT_NPROC`` too, but only when not root: the kernel ignores it for
  root, and for other users it counts every process of the user, so it is set to the user's
  current count plus ``max_processes``);
* ``pidns`` / ``netns``: ``unshare --pid --net --fork`` (``--map-root-user`` when not root): the
  example has no network, and when its first process exits the kernel kills every process left
  in the namespace, ``setsid()`` or not;
* ``cgroup-pids``: a pids cgroup (v1 ``/sys/fs/cgroup/pids`` or v2) with ``pids.max`` =
  ``max_processes``; unlike ``RLIMIT_NPROC`` it binds root; every process in it is killed at the
  end of the run;
* ``landlock-fs`` / ``landlock-net`` / ``landlock-signal``: Landlock (applied by the worker via the
  raw syscalls): writes only under the working directory and ``/dev/null``, no TCP bind/connect,
  no signals to processes outside the example;
* ``unconfined``: added whenever Landlock write confinement was not applied: the example could
  write anywhere the audit's user can. A PID namespace does not change that (it bounds processes,
  not the file system), so ``pidns`` and ``unconfined`` can be recorded together.

Every run, not only a timed-out one, ends with SIGKILL to the process group, the cgroup's
processes and (without a PID namespace or cgroup) every process carrying the run's environment
tag. The audit process is never the example's parent: a supervisor process sits in between.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.examples.collect import ExampleSequence
from audit.model.config import Config
from audit.model.example import ExampleResult, ExampleStatus

WORKER = Path(__file__).with_name("worker.py")  # run as a script, never imported
STARTUP_GRACE_S = 5.0  # interpreter start before the first block's clock starts
DRAIN_GRACE_S = 0.5  # reading what is left in the pipes after the run ended
FIXED_ENV = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}
_EFBIG, _EAGAIN = 27, 11


@dataclass(frozen=True, slots=True)
class Isolation:
    """What the OS offers, detected once per interpreter."""

    prefix: tuple[str, ...] = ()  # command put before the interpreter (unshare ...)
    layers: tuple[str, ...] = ()  # "pidns", "netns"
    cgroup_base: str = ""  # folder where a pids cgroup can be made ("" = none)
    landlock: bool = True  # let the worker try Landlock


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    interpreter: str
    timeout_s: float
    cpu_time_s: int
    memory_mb: int
    file_size_mb: int
    max_processes: int
    output_limit_kb: int
    env_allow: tuple[str, ...]
    isolation: Isolation = field(default_factory=Isolation)

    def fingerprint(self) -> dict[str, Any]:
        """Everything about how examples are run that can change their outcome (cache key)."""
        return {
            "timeout_s": self.timeout_s,
            "cpu_time_s": self.cpu_time_s,
            "memory_mb": self.memory_mb,
            "file_size_mb": self.file_size_mb,
            "max_processes": self.max_processes,
            "output_limit_kb": self.output_limit_kb,
            "env_allow": sorted(self.env_allow),
            "fixed_env": FIXED_ENV,
            "isolation": [
                list(self.isolation.prefix),
                list(self.isolation.layers),
                bool(self.isolation.cgroup_base),
                self.isolation.landlock,
            ],
            "worker": _worker_digest(),
        }


@functools.cache
def _worker_digest() -> str:
    import hashlib

    return hashlib.sha256(WORKER.read_bytes()).hexdigest()


def interpreter_of(config: Config) -> str:
    return config.examples.interpreter or sys.executable


def options_from_config(config: Config, isolation: Isolation | None = None) -> SandboxOptions:
    ex = config.examples
    interpreter = interpreter_of(config)
    return SandboxOptions(
        interpreter=interpreter,
        timeout_s=ex.timeout_s,
        cpu_time_s=ex.cpu_time_s,
        memory_mb=ex.memory_mb,
        file_size_mb=ex.file_size_mb,
        max_processes=ex.max_processes,
        output_limit_kb=ex.output_limit_kb,
        env_allow=tuple(ex.env_allow),
        isolation=isolation if isolation is not None else detect_isolation(interpreter),
    )


# ------------------------------------------------------------------------------ detection
@functools.cache
def detect_isolation(interpreter: str) -> Isolation:
    """Probe once: which namespace wrapper works here, and whether a pids cgroup can be made."""
    return Isolation(*_detect_namespaces(interpreter), cgroup_base=_detect_cgroup())


def _detect_namespaces(interpreter: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return (), ()
    user = () if os.geteuid() == 0 else ("--map-root-user",)
    probe = (
        "import os, socket\ntry:\n socket.create_connection(('127.0.0.1', 9), 1)\n"
        "except OSError as e:\n print(os.getpid(), e.errno)\n"
    )
    candidates: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        ((unshare, *user, "--pid", "--net", "--fork", "--kill-child"), ("pidns", "netns")),
        ((unshare, *user, "--net"), ("netns",)),
    ]
    for prefix, layers in candidates:
        try:
            done = subprocess.run(
                [*prefix, interpreter, "-I", "-c", probe],
                capture_output=True,
                timeout=10,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        words = done.stdout.split()
        if done.returncode != 0 or len(words) != 2:
            continue
        if "pidns" in layers and words[0] != b"1":
            continue
        if words[1] != b"101":  # ENETUNREACH: no network at all in the namespace
            continue
        return prefix, layers
    return (), ()


def _detect_cgroup() -> str:
    if not sys.platform.startswith("linux"):
        return ""
    for base in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup"):
        probe = Path(base) / f"content-audit-probe-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            (probe / "pids.max").write_text("8")
            return base
        except OSError:
            continue
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
    return ""


# ------------------------------------------------------------------------------ launching
def _launch(cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """The one place a sandboxed process starts (tests count launches through it)."""
    return subprocess.Popen(cmd, **kwargs)


def _user_process_count() -> int:
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
    return count


def _environment(options: SandboxOptions, workdir: str, tag: str) -> dict[str, str]:
    env = {k: os.environ[k] for k in options.env_allow if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(FIXED_ENV)
    env.update({"HOME": workdir, "TMPDIR": workdir, "CONTENT_AUDIT_RUN": tag})
    return env


@dataclass
class _Streams:
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    control: bytearray = field(default_factory=bytearray)
    overflow: str = ""  # "stdout"/"stderr" when a stream went over its cap


@dataclass
class _Run:
    events: list[dict[str, Any]]
    streams: _Streams
    returncode: int
    timed_out_block: int | None
    started: int  # blocks started
    cgroup_limit_hit: bool
    layers: tuple[str, ...]
    wall_s: float
    nonce: str = ""


def run_sequence(sequence: ExampleSequence, options: SandboxOptions) -> list[ExampleResult]:
    """Run the blocks of one section in one fresh interpreter; one result per block."""
    workdir = tempfile.mkdtemp(prefix="content-audit-ex-")
    try:
        run = _execute(sequence, options, workdir)
    finally:
        _remove_tree(workdir)
    return _results(sequence, options, run)


def _execute(sequence: ExampleSequence, options: SandboxOptions, workdir: str) -> _Run:
    iso = options.isolation
    nonce = secrets.token_hex(8)
    cgroup = _make_cgroup(iso.cgroup_base, nonce, options.max_processes)
    nproc = 0 if os.geteuid() == 0 else _user_process_count() + options.max_processes
    payload = {
        "nonce": nonce,
        "path": sequence.path,
        "workdir": workdir,
        "cgroup": cgroup,
        "landlock": iso.landlock,
        "limits": {
            "cpu_time_s": options.cpu_time_s,
            "memory_mb": options.memory_mb,
            "file_size_mb": options.file_size_mb,
            "nproc": nproc,
        },
        "blocks": [{"code": e.code, "code_line": e.code_line} for e in sequence.examples],
    }
    payload_path = os.path.join(workdir, f".content-audit-{nonce}.json")
    with open(payload_path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
    read_fd, write_fd = os.pipe()
    cmd = [
        *iso.prefix,
        options.interpreter,
        "-I",
        "-X",
        "utf8",
        str(WORKER),
        payload_path,
        str(write_fd),
    ]
    began = time.monotonic()
    try:
        proc = _launch(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(write_fd,),
            cwd=workdir,
            env=_environment(options, workdir, nonce),
            start_new_session=True,
        )
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        _remove_cgroup(cgroup)
        streams = _Streams()
        streams.stderr.extend(f"cannot start {options.interpreter}: {exc}".encode())
        return _Run([], streams, 127, None, 0, False, (), 0.0, nonce)
    os.close(write_fd)
    timeouts = [e.timeout_s or options.timeout_s for e in sequence.examples]
    streams = _Streams()
    events: list[dict[str, Any]] = []
    timed_out: int | None = None
    started = 0
    try:
        timed_out, started = _pump(proc, read_fd, streams, events, timeouts, options)
    finally:
        _kill_group(proc.pid)
        limit_hit = _kill_cgroup(cgroup)
        if not cgroup and "pidns" not in iso.layers:
            _sweep_tagged(nonce)
        _drain(proc, read_fd, streams, options)
        returncode = proc.wait()
        os.close(read_fd)
        _remove_cgroup(cgroup)
    events = _parse_events(streams.control, 0)[1]  # again: the drain may have added some
    layers = ["rlimits", *iso.layers]
    for event in events:
        if event.get("ev") == "ready":
            layers.extend(str(x) for x in event.get("layers", []))
        if event.get("ev") == "cgroup":
            layers.append("cgroup-pids")
    if "landlock-fs" not in layers:  # writes outside the working directory were not prevented
        layers.append("unconfined")
    return _Run(
        events,
        streams,
        returncode,
        timed_out,
        started,
        limit_hit,
        tuple(layers),
        time.monotonic() - began,
        nonce,
    )


def _caps(options: SandboxOptions, blocks: int) -> tuple[int, int]:
    return options.output_limit_kb * 1024 + 64 * blocks, 1024 * 1024


def _pump(
    proc: subprocess.Popen[bytes],
    control_fd: int,
    streams: _Streams,
    events: list[dict[str, Any]],
    timeouts: list[float],
    options: SandboxOptions,
) -> tuple[int | None, int]:
    """Read the three pipes until the supervisor exits, a deadline passes or a cap is hit."""
    assert proc.stdout is not None and proc.stderr is not None
    cap, control_cap = _caps(options, len(timeouts))
    selector = selectors.DefaultSelector()
    targets = {
        proc.stdout.fileno(): "stdout",
        proc.stderr.fileno(): "stderr",
        control_fd: "control",
    }
    for fd in targets:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTUP_GRACE_S + timeouts[0]
    current, started, parsed = -1, 0, 0
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                return max(current, 0), started
            if proc.poll() is not None:
                return None, started
            if not selector.get_map():  # every pipe closed: only the exit is left to wait for
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=min(0.2, deadline - now))
                continue
            for key, _ in selector.select(timeout=min(0.2, deadline - now)):
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    selector.unregister(fd)
                    continue
                name = targets[fd]
                buffer: bytearray = getattr(streams, name)
                limit = control_cap if name == "control" else cap
                room = limit - len(buffer)
                buffer.extend(chunk[: max(room, 0)])
                if len(chunk) > room:
                    streams.overflow = name
                    return None, started
            parsed, new_events = _parse_events(streams.control, parsed)
            for event in new_events:
                events.append(event)
                if event.get("ev") == "exit":  # the supervisor's last word: it is exiting
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=1.0)
                    return None, started
                if event.get("ev") == "start":
                    current = int(event["i"])
                    started = current + 1
                    deadline = time.monotonic() + timeouts[current]
    finally:
        selector.close()


def _parse_events(buffer: bytearray, offset: int) -> tuple[int, list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    while True:
        end = buffer.find(b"\n", offset)
        if end < 0:
            return offset, out
        with contextlib.suppress(ValueError):
            event = json.loads(buffer[offset:end].decode("utf-8", "replace"))
            if isinstance(event, dict):
                out.append(event)
        offset = end + 1


def _drain(
    proc: subprocess.Popen[bytes], control_fd: int, streams: _Streams, options: SandboxOptions
) -> None:
    """Read what the killed run left in the pipes, bounded in size and time."""
    assert proc.stdout is not None and proc.stderr is not None
    cap, control_cap = _caps(options, 1)
    until = time.monotonic() + DRAIN_GRACE_S
    pairs = [
        (proc.stdout.fileno(), streams.stdout, cap),
        (proc.stderr.fileno(), streams.stderr, cap),
        (control_fd, streams.control, control_cap),
    ]
    open_fds = {fd for fd, _, _ in pairs}
    while open_fds and time.monotonic() < until:
        progressed = False
        for fd, buffer, limit in pairs:
            if fd not in open_fds:
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
                continue
            progressed = True
            buffer.extend(chunk[: max(limit - len(buffer), 0)])
        if not progressed:
            time.sleep(0.01)
    proc.stdout.close()
    proc.stderr.close()


# ------------------------------------------------------------------------------ cleanup
def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _make_cgroup(base: str, nonce: str, max_processes: int) -> str:
    if not base:
        return ""
    path = Path(base) / f"content-audit-{nonce}"
    try:
        path.mkdir()
        (path / "pids.max").write_text(str(max_processes))
    except OSError:
        with contextlib.suppress(OSError):
            path.rmdir()
        return ""
    return str(path)


def _kill_cgroup(cgroup: str) -> bool:
    """SIGKILL every process of the cgroup until it is empty; True when pids.max was hit."""
    if not cgroup:
        return False
    procs = Path(cgroup) / "cgroup.procs"
    for _ in range(200):
        try:
            pids = [int(p) for p in procs.read_text().split()]
        except (OSError, ValueError):
            break
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
    try:
        match = re.search(r"^max (\d+)", (Path(cgroup) / "pids.events").read_text(), re.M)
    except OSError:
        return False
    return bool(match and int(match.group(1)) > 0)


def _remove_cgroup(cgroup: str) -> None:
    if not cgroup:
        return
    for _ in range(100):
        try:
            os.rmdir(cgroup)
            return
        except FileNotFoundError:
            return
        except OSError:
            _kill_cgroup(cgroup)
            time.sleep(0.02)


def _sweep_tagged(tag: str) -> None:
    """Without a PID namespace or cgroup: kill processes whose environment carries the run's tag
    (catches children that left the process group with setsid)."""
    needle = f"CONTENT_AUDIT_RUN={tag}".encode()
    if not os.path.isdir("/proc"):
        return
    me = os.getpid()
    for _ in range(3):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as handle:
                    environ = handle.read()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                found = True
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry), signal.SIGKILL)
        if not found:
            return
        time.sleep(0.02)


def _remove_tree(path: str) -> None:
    def retry(func: Any, target: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            func(target)

    shutil.rmtree(path, onerror=retry)


# ------------------------------------------------------------------------------ outcome
def normalise_output(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _segments(data: bytes, nonce: str, count: int) -> list[str]:
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


def _results(sequence: ExampleSequence, options: SandboxOptions, run: _Run) -> list[ExampleResult]:
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
    run: _Run,
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
