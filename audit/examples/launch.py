"""The parent side of the sandbox: start ``worker.py`` under limits, pump its output, enforce
the deadlines, and end every run with a kill.

The audit process is never the example's parent: the worker's supervisor process sits in
between. Every run, not only a timed-out one, ends with SIGKILL to the process group, the pids
cgroup's processes and (without a PID namespace or cgroup) every process carrying the run's
environment tag. What the run left (events, output, exit status) is classified by ``outcome``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
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
from audit.examples.isolation import (
    Isolation,
    applied_layers,
    detect_isolation,
    kill_cgroup,
    make_cgroup,
    remove_cgroup,
)
from audit.model.config import Config

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
class Streams:
    """What the run wrote, each stream capped (``_caps``) so an example cannot fill our memory."""

    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    control: bytearray = field(default_factory=bytearray)
    overflow: str = ""  # "stdout"/"stderr" when a stream went over its cap


@dataclass
class Run:
    """What one run left, not yet judged: ``outcome.classify`` turns it into results."""

    events: list[dict[str, Any]]
    streams: Streams
    returncode: int
    timed_out_block: int | None
    started: int  # blocks started
    cgroup_limit_hit: bool
    layers: tuple[str, ...]
    wall_s: float
    nonce: str = ""


def run_sandboxed(sequence: ExampleSequence, options: SandboxOptions) -> Run:
    """Run the blocks of one section in one fresh interpreter and working directory."""
    workdir = tempfile.mkdtemp(prefix="content-audit-ex-")
    try:
        return _execute(sequence, options, workdir)
    finally:
        _remove_tree(workdir)


def _execute(sequence: ExampleSequence, options: SandboxOptions, workdir: str) -> Run:
    iso = options.isolation
    nonce = secrets.token_hex(8)
    cgroup = make_cgroup(iso.cgroup_base, nonce, options.max_processes)
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
        remove_cgroup(cgroup)
        streams = Streams()
        streams.stderr.extend(f"cannot start {options.interpreter}: {exc}".encode())
        return Run([], streams, 127, None, 0, False, (), 0.0, nonce)
    os.close(write_fd)
    timeouts = [e.timeout_s or options.timeout_s for e in sequence.examples]
    streams = Streams()
    events: list[dict[str, Any]] = []
    timed_out: int | None = None
    started = 0
    try:
        timed_out, started = _pump(proc, read_fd, streams, events, timeouts, options)
    finally:
        _kill_group(proc.pid)
        limit_hit = kill_cgroup(cgroup)
        if not cgroup and "pidns" not in iso.layers:
            _sweep_tagged(nonce)
        _drain(proc, read_fd, streams, options)
        returncode = proc.wait()
        os.close(read_fd)
        remove_cgroup(cgroup)
    events = _parse_events(streams.control, 0)[1]  # again: the drain may have added some
    return Run(
        events,
        streams,
        returncode,
        timed_out,
        started,
        limit_hit,
        applied_layers(iso, events),
        time.monotonic() - began,
        nonce,
    )


def _caps(options: SandboxOptions, blocks: int) -> tuple[int, int]:
    return options.output_limit_kb * 1024 + 64 * blocks, 1024 * 1024


def _pump(
    proc: subprocess.Popen[bytes],
    control_fd: int,
    streams: Streams,
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
    proc: subprocess.Popen[bytes], control_fd: int, streams: Streams, options: SandboxOptions
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
