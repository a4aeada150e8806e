"""The bench's cold measures start without a replay record (``bench.check.no_cache``)."""

from pathlib import Path

from bench import check


def test_the_audit_runs_keep_their_secret_in_the_bench_folder() -> None:
    env = check._audit_env()
    assert Path(env["CONTENT_AUDIT_KEY_DIR"]) == check.KEY_DIR.resolve()
    assert "PYTHONDONTWRITEBYTECODE" not in env


def test_the_tree_sampler_sums_rss_and_pss_of_a_forked_child() -> None:
    """A child holding 64 MB of its own: both sums see it; the PSS sum never exceeds the RSS
    sum (a page shared with the parent is divided between them)."""
    import os
    import subprocess
    import sys

    if not os.path.exists("/proc/self/smaps_rollup"):
        import pytest

        pytest.skip("no /proc/PID/smaps_rollup on this system")
    code = "import sys, time; b = bytearray(64 << 20); sys.stdout.write('ready\\n'); "
    code += "sys.stdout.flush(); time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        rss_kb, pss_kb = check._TreeRss(child.pid).sample()
    finally:
        child.kill()
        child.wait()
    assert rss_kb >= 64 << 10 and pss_kb >= 64 << 10
    assert pss_kb <= rss_kb
