"""Hostile examples: each is contained and reported, the audit goes on, and afterwards no process
of the example remains. Every test is bounded by the example timeout (a few seconds at most).

What holds on a machine where the audit runs as root (the case here and in CI): resource limits
on CPU, memory and file size bind; RLIMIT_NPROC does not bind root, so the process count is
bounded by a pids cgroup when one can be made, and processes are always killed at the end by the
PID namespace (kernel kills the namespace when its first process exits), the process group and
the cgroup. Writes outside the working directory and TCP are refused by Landlock / the network
namespace when present; when absent the run is marked "unconfined" (asserted instead).
"""

from __future__ import annotations

import os
import resource
import socket
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.examples.collect import collect_examples
from audit.examples.execute import run_sequence
from audit.examples.isolation import Isolation, detect_isolation
from audit.examples.launch import interpreter_of, options_from_config
from audit.model.config import Config
from audit.model.example import ExampleResult
from tests.examples.conftest import RunMarkdown, assert_no_process_left, config_with
from tests.helpers import parse_text

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")


def md(code: str, info: str = "python", expected: str | None = None) -> str:
    text = f"# Page\n\n## 1. Section\n\n```{info}\n{textwrap.dedent(code).strip()}\n```\n"
    if expected is not None:
        text += f"\n```text output\n{expected}\n```\n"
    return text


def _run_with(text: str, config: Config, isolation: Isolation) -> list[ExampleResult]:
    """Run the page's first section with the isolation layers given instead of detected."""
    sequence = collect_examples([parse_text(text)], config).sequences[0]
    return run_sequence(sequence, options_from_config(config, isolation))


def test_infinite_loop_times_out_and_group_is_killed(run_md: RunMarkdown, token: str) -> None:
    [result] = run_md(md("while True:\n    pass", "python timeout=1"))
    assert result.status == "timeout"
    assert "1 s" in result.message
    assert_no_process_left(token)


FORK_STORM = """
import os, time
children = 0
for _ in range(200):
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    children += 1
print(children)
"""


def _check_fork_storm(result: ExampleResult, token: str) -> None:
    """Limited when a limit binds (a pids cgroup, or RLIMIT_NPROC for a user other than root);
    otherwise all 200 sleepers are created, and still none survives the run."""
    if "cgroup-pids" in result.isolation or os.geteuid() != 0:
        assert result.status == "limit-exceeded", result
        assert "process limit" in result.message
    else:  # root without a pids cgroup: nothing limits the count; the run must still reap them
        assert result.status == "works", result  # printed exactly the expected 200
    assert_no_process_left(token)


def test_bounded_fork_storm_is_limited_or_reaped(run_md: RunMarkdown, token: str) -> None:
    [result] = run_md(md(FORK_STORM, expected="200"), max_processes=32)
    _check_fork_storm(result, token)


def test_bounded_fork_storm_without_a_pids_cgroup(token: str) -> None:
    """The same storm with the cgroup layer switched off, so the other branch runs here too."""
    config = config_with(max_processes=32)
    detected = detect_isolation(interpreter_of(config))
    no_cgroup = Isolation(detected.prefix, detected.layers, "", detected.landlock)
    [result] = _run_with(md(FORK_STORM, expected="200"), config, no_cgroup)
    assert "cgroup-pids" not in result.isolation
    _check_fork_storm(result, token)


def test_allocating_50_gb_hits_the_memory_limit(run_md: RunMarkdown, token: str) -> None:
    [result] = run_md(md("x = bytearray(50 * 1024 ** 3)"))
    assert result.status == "limit-exceeded", result
    assert "MemoryError" in result.message
    assert_no_process_left(token)


def test_writing_a_2_gb_file_hits_the_file_size_limit(run_md: RunMarkdown, token: str) -> None:
    code = """
    chunk = b"\\0" * (1 << 20)
    with open("big.bin", "wb") as handle:
        for _ in range(2048):
            handle.write(chunk)
    """
    [result] = run_md(md(code), file_size_mb=8)
    assert result.status == "limit-exceeded", result
    assert "file size limit" in result.message
    assert_no_process_left(token)


def test_killing_the_parent_does_not_kill_the_audit(run_md: RunMarkdown, token: str) -> None:
    text = md("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('after')")
    text += "\n## 2. Next\n\n```python\nimport os\nprint(os.getppid())\n```\n"
    results = run_md(text)
    assert [r.section for r in results] == ["1-section", "2-next"]
    # the second section still ran: the audit survived and went on
    assert results[1].status == "works"
    assert results[0].status in ("works", "failed")
    assert_no_process_left(token)


def test_parent_of_the_example_is_not_the_audit(run_md: RunMarkdown) -> None:
    import os

    [result] = run_md(md("import os\nprint(os.getppid())", expected=str(os.getpid())))
    assert result.status == "output-mismatch"  # its parent is the supervisor, never us


@pytest.mark.parametrize("action", ["write", "delete"])
def test_files_outside_the_working_directory(
    run_md: RunMarkdown, token: str, tmp_path: Path, action: str
) -> None:
    sentinel = tmp_path / "outside" / "sentinel.txt"
    sentinel.parent.mkdir()
    sentinel.write_text("original")
    code = (
        f"open({str(sentinel)!r}, 'w').write('changed')"
        if action == "write"
        else f"import os\nos.remove({str(sentinel)!r})"
    )
    [result] = run_md(md(code))
    if "landlock-fs" in result.isolation:
        assert result.status == "failed", result
        assert "PermissionError" in result.message
        assert sentinel.read_text() == "original"
    else:  # nothing confined the write: it happened, and the run must say so
        assert "unconfined" in result.isolation
        assert result.status == "works", result
        if action == "write":
            assert sentinel.read_text() == "changed"
        else:
            assert not sentinel.exists()
    assert_no_process_left(token)


def _connect_to_localhost(run: Callable[[str], ExampleResult], token: str) -> ExampleResult:
    """Without netns or landlock-net nothing stops the example: its bytes reach the listener."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        code = (
            f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), 2)\n"
            "s.sendall(b'leak')\ns.close()"
        )
        result = run(md(code))
        if {"netns", "landlock-net"} & set(result.isolation):
            assert result.status == "failed", result
            with pytest.raises(BlockingIOError):
                listener.accept()  # nothing reached us
        else:
            assert result.status == "works", result
            listener.settimeout(5)
            connection, _ = listener.accept()
            with connection:
                connection.settimeout(5)
                assert connection.recv(16) == b"leak"
    finally:
        listener.close()
    assert_no_process_left(token)
    return result


def test_tcp_connection_to_localhost(run_md: RunMarkdown, token: str) -> None:
    _connect_to_localhost(lambda text: run_md(text)[0], token)


def test_tcp_connection_without_netns_or_landlock(token: str) -> None:
    """No namespace prefix, no Landlock: the branch where the connection gets through."""
    config = config_with()
    result = _connect_to_localhost(
        lambda text: _run_with(text, config, Isolation(landlock=False))[0], token
    )
    assert not {"netns", "landlock-net"} & set(result.isolation)


def test_printing_1_gb_is_capped(run_md: RunMarkdown, token: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = """
    import sys
    chunk = "x" * (1 << 20)
    for _ in range(1024):
        sys.stdout.write(chunk)
    """
    [result] = run_md(md(code), output_limit_kb=256)
    assert result.status == "limit-exceeded", result
    assert "output limit" in result.message
    assert len(result.detail) < 10_000
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200 * 1024  # the audit never held the gigabyte
    assert_no_process_left(token)


def test_setsid_child_that_outlives_the_example_is_killed(run_md: RunMarkdown, token: str) -> None:
    code = """
    import os, time
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(120)
        os._exit(0)
    os.waitpid(pid, 0)
    print("parent done")
    """
    [result] = run_md(md(code, expected="parent done"))
    assert result.status == "works", result
    assert_no_process_left(token)


def test_sys_exit_3_fails_with_the_exit_code(run_md: RunMarkdown, token: str) -> None:
    [result] = run_md(md("import sys\nprint('bye')\nsys.exit(3)"))
    assert result.status == "failed"
    assert "exited with code 3" in result.message
    assert result.error_line == 8  # the line of sys.exit(3) in the Markdown
    assert_no_process_left(token)


def test_environment_holds_no_secret(
    run_md: RunMarkdown, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_AUDIT_TEST_SECRET", "hunter2-" + token)
    code = "import os\nfor k, v in sorted(os.environ.items()):\n    print(f'{k}={v}')"
    [result] = run_md(md(code, expected="(nothing)"))
    assert result.status == "output-mismatch"  # the diff shows what the example printed
    assert f"CONTENT_AUDIT_TEST_TOKEN={token}" in result.detail  # allow-listed: passes
    assert "hunter2" not in result.detail
    assert "CONTENT_AUDIT_TEST_SECRET" not in result.detail
    assert_no_process_left(token)
