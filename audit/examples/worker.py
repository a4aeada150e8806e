"""Inside the sandbox: run one section's examples, ``python -I worker.py PAYLOAD FD``.

This file is executed by the *example* interpreter (possibly another Python than the audit's),
with ``-I``: it uses the standard library only and never imports ``audit``.

Shape of a run:

* the first process (the *supervisor*) reads the payload (then deletes it), joins the pids cgroup
  when one is given, forks the *worker* and waits for it; inside a PID namespace the supervisor is
  PID 1, so when it exits the kernel kills every process left in the namespace;
* the worker sets the resource limits, applies Landlock when the kernel has it (writes confined
  to the working directory, TCP bind/connect denied, no signals outside its domain), then
  compiles and executes each block in order in one globals dict. Each block is compiled with
  blank lines in front of it so that line numbers in tracebacks are Markdown line numbers.
* after each block a marker is written to fd 1 and fd 2 so that the audit can cut the output
  per block; events (start, end, error, exit) go as JSON lines to the control fd.

The worker stops at the first block that fails; the supervisor exits with the worker's status.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from types import TracebackType
from typing import Any

# Landlock constants (linux/landlock.h)
_FS_WRITE_FILE = 1 << 1
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE = (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)
_FS_REFER = 1 << 13
_FS_TRUNCATE = 1 << 14
_NET_BIND_TCP = 1 << 0
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX = 1 << 0
_SCOPE_SIGNAL = 1 << 1
_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446
_PR_SET_NO_NEW_PRIVS = 38


def _send(fd: int, event: dict[str, Any]) -> None:
    data = (json.dumps(event) + "\n").encode("utf-8")
    with contextlib.suppress(OSError):
        os.write(fd, data)


def _landlock(workdir: str) -> list[str]:
    """Confine writes to ``workdir`` (and /dev/null); deny TCP; scope signals. Returns layers."""
    if not sys.platform.startswith("linux"):
        return []
    try:
        import ctypes
    except ImportError:
        return []
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        abi = syscall(ctypes.c_long(_SYS_CREATE), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return []
    if abi < 1:
        return []

    class RulesetAttr(ctypes.Structure):
        _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    fs = _FS_WRITE_FILE | _FS_REMOVE_DIR | _FS_REMOVE_FILE | _FS_MAKE
    if abi >= 2:
        fs |= _FS_REFER
    if abi >= 3:
        fs |= _FS_TRUNCATE
    net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0
    scoped = (_SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL) if abi >= 6 else 0
    size = 24 if abi >= 6 else (16 if abi >= 4 else 8)
    attr = RulesetAttr(fs, net, scoped)
    ruleset = syscall(
        ctypes.c_long(_SYS_CREATE), ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        return []
    file_rights = _FS_WRITE_FILE | (_FS_TRUNCATE if abi >= 3 else 0)
    try:
        for path, rights in ((workdir, fs), ("/dev/null", file_rights)):
            try:
                parent = os.open(path, getattr(os, "O_PATH", 0) | os.O_CLOEXEC)
            except OSError:
                continue
            rule = PathBeneath(rights, parent)
            rc = syscall(
                ctypes.c_long(_SYS_ADD_RULE),
                ctypes.c_int(ruleset),
                ctypes.c_int(1),
                ctypes.byref(rule),
                ctypes.c_uint32(0),
            )
            os.close(parent)
            if rc < 0:
                return []
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return []
        if syscall(ctypes.c_long(_SYS_RESTRICT), ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return []
    finally:
        os.close(ruleset)
    layers = ["landlock-fs"]
    if net:
        layers.append("landlock-net")
    if scoped:
        layers.append("landlock-signal")
    return layers


def _limits(spec: dict[str, int]) -> None:
    import resource

    mb = 1024 * 1024
    pairs = [
        (resource.RLIMIT_CPU, spec["cpu_time_s"], spec["cpu_time_s"] + 1),
        (resource.RLIMIT_AS, spec["memory_mb"] * mb, spec["memory_mb"] * mb),
        (resource.RLIMIT_FSIZE, spec["file_size_mb"] * mb, spec["file_size_mb"] * mb),
        (resource.RLIMIT_CORE, 0, 0),
    ]
    if spec.get("nproc"):
        pairs.append((resource.RLIMIT_NPROC, spec["nproc"], spec["nproc"]))
    for which, soft, hard in pairs:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (soft, hard))


def _error_line(exc: BaseException, path: str) -> int:
    """Markdown line of the innermost frame that belongs to the example's document."""
    line = 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _from_the_example(exc: BaseException, path: str) -> TracebackType | None:
    """The traceback from the first frame of the example's document on: the frames above it
    (this file's ``exec``) are the audit's machinery, not the reader's code."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    return tb if tb is not None else exc.__traceback__


def _describe(exc: BaseException, path: str) -> dict[str, Any]:
    import traceback

    text = "".join(traceback.format_exception(type(exc), exc, _from_the_example(exc, path)))
    event: dict[str, Any] = {
        "ev": "error",
        "kind": "exception",
        "type": type(exc).__name__,
        "message": str(exc)[:500],
        "line": _error_line(exc, path),
        "traceback": text[-4000:],
        "errno": getattr(exc, "errno", None) if isinstance(exc, OSError) else None,
        "module": "",
        "installed": True,
    }
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        import importlib.util

        top = exc.name.split(".")[0]
        event["module"] = top
        try:
            event["installed"] = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            event["installed"] = False
    return event


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _worker(payload: dict[str, Any], ctl: int) -> None:
    import builtins
    import linecache

    _limits(payload["limits"])
    layers = _landlock(payload["workdir"]) if payload.get("landlock", True) else []
    _send(ctl, {"ev": "ready", "layers": layers})
    os.set_inheritable(ctl, False)
    path = payload["path"]
    lines: dict[int, str] = {}
    for block in payload["blocks"]:
        for offset, text in enumerate(block["code"].splitlines(True)):
            lines[block["code_line"] + offset] = text
    source = [lines.get(n, "\n") for n in range(1, max(lines, default=0) + 1)]
    linecache.cache[path] = (len("".join(source)), None, source, path)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    nonce = payload["nonce"]
    for index, block in enumerate(payload["blocks"]):
        _send(ctl, {"ev": "start", "i": index})
        began = time.monotonic()
        failed: dict[str, Any] | None = None
        try:
            code = compile(
                "\n" * (block["code_line"] - 1) + block["code"], path, "exec", dont_inherit=True
            )
        except (SyntaxError, ValueError) as exc:
            failed = {
                "ev": "error",
                "kind": "syntax",
                "type": type(exc).__name__,
                "message": str(getattr(exc, "msg", exc))[:500],
                "line": getattr(exc, "lineno", 0) or block["code_line"],
            }
            code = None
        if code is not None:
            try:
                exec(code, namespace)
            except SystemExit as exc:
                status = exc.code
                if status not in (None, 0):
                    failed = {
                        "ev": "error",
                        "kind": "exit",
                        "type": "SystemExit",
                        "message": str(status)[:200],
                        "code": status if isinstance(status, int) else 1,
                        "line": _error_line(exc, path),
                    }
            except BaseException as exc:
                failed = _describe(exc, path)
        _flush()
        marker = f"\x1e{nonce}:{index}\x1e".encode()
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                os.write(fd, marker)
        duration = time.monotonic() - began
        if failed is not None:
            failed["i"] = index
            failed["duration"] = duration
            _send(ctl, failed)
            os._exit(1)
        _send(ctl, {"ev": "end", "i": index, "duration": duration})
    os._exit(0)


def main() -> None:
    payload_path, ctl = sys.argv[1], int(sys.argv[2])
    with open(payload_path, encoding="utf-8") as handle:
        payload = json.load(handle)
    os.unlink(payload_path)
    cgroup = payload.get("cgroup")
    if cgroup:
        try:
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as handle:
                handle.write("0")
            _send(ctl, {"ev": "cgroup"})
        except OSError:
            pass
    _flush()
    pid = os.fork()
    if pid == 0:
        try:
            _worker(payload, ctl)
        finally:
            os._exit(70)
    code, signal_number = 70, 0
    while True:
        try:
            done, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if done == pid:
            if os.WIFSIGNALED(status):
                code, signal_number = 128 + os.WTERMSIG(status), os.WTERMSIG(status)
            else:
                code = os.WEXITSTATUS(status)
            break
    _send(ctl, {"ev": "exit", "code": code, "signal": signal_number})
    os._exit(code)


if __name__ == "__main__":
    main()
