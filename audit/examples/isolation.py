"""What confinement the machine offers a sandboxed run, and which layers a run really got.

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

Detection runs in the audit's process; Landlock and the rlimits are applied inside the sandbox by
``worker.py``, which reports them back, and :func:`applied_layers` puts the record together.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Isolation:
    """What the OS offers, detected once per interpreter."""

    prefix: tuple[str, ...] = ()  # command put before the interpreter (unshare ...)
    layers: tuple[str, ...] = ()  # "pidns", "netns"
    cgroup_base: str = ""  # folder where a pids cgroup can be made ("" = none)
    landlock: bool = True  # let the worker try Landlock


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


# ------------------------------------------------------------------------------ the pids cgroup
def make_cgroup(base: str, nonce: str, max_processes: int) -> str:
    """One run's own pids cgroup ("" when none can be made: the other layers still hold)."""
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


def kill_cgroup(cgroup: str) -> bool:
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


def remove_cgroup(cgroup: str) -> None:
    """Retried: the kernel refuses to remove a cgroup until its last process is reaped."""
    if not cgroup:
        return
    for _ in range(100):
        try:
            os.rmdir(cgroup)
            return
        except FileNotFoundError:
            return
        except OSError:
            kill_cgroup(cgroup)
            time.sleep(0.02)


# ------------------------------------------------------------------------------ the record
def applied_layers(isolation: Isolation, events: list[dict[str, Any]]) -> tuple[str, ...]:
    """The layers one run really had: the parent's (namespaces) and what the worker reported."""
    layers = ["rlimits", *isolation.layers]
    for event in events:
        if event.get("ev") == "ready":
            layers.extend(str(x) for x in event.get("layers", []))
        if event.get("ev") == "cgroup":
            layers.append("cgroup-pids")
    if "landlock-fs" not in layers:  # writes outside the working directory were not prevented
        layers.append("unconfined")
    return tuple(layers)
