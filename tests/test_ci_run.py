""".ci/run enforces the habits: the lint session runs before the tests, and the first failing
step ends the run with a non-zero exit. Run against stand-ins for python3, nox and chromium that
only record their calls, so nothing is installed and no session really runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import PROJECT

FAKE_NOX = """#!/bin/sh
echo "$*" >> "$CALLS"
[ "$2" = "$FAIL_SESSION" ] && exit 3
exit 0
"""


def _run_ci(tmp_path: Path, fail_session: str) -> tuple[int, list[str]]:
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy2(PROJECT / ".ci" / "run", checkout / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (
        ("nox", FAKE_NOX),
        ("python3", "#!/bin/sh\nexit 0\n"),
        ("chromium", "#!/bin/sh\nexit 0\n"),
    ):
        path = bin_dir / name
        path.write_text(body, encoding="utf-8")
        path.chmod(0o755)
    calls = tmp_path / "calls.txt"
    calls.touch()
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "CALLS": str(calls),
        "FAIL_SESSION": fail_session,
    }
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [bash, str(checkout / ".ci" / "run")],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, calls.read_text(encoding="utf-8").splitlines()


def test_ci_runs_lint_then_tests_then_the_audit(tmp_path: Path) -> None:
    code, calls = _run_ci(tmp_path, fail_session="")
    assert code == 0
    assert calls == ["-s lint", "-s tests", "-s audit"]


@pytest.mark.parametrize("session", ["lint", "tests", "audit"])
def test_a_failing_session_fails_ci_and_stops_it(tmp_path: Path, session: str) -> None:
    code, calls = _run_ci(tmp_path, fail_session=session)
    assert code == 3
    assert calls[-1] == f"-s {session}"  # nothing after the failing step


def test_the_lint_session_checks_the_format_of_audit_tests_and_the_noxfile() -> None:
    noxfile = (PROJECT / "noxfile.py").read_text(encoding="utf-8")
    assert (
        'session.run("ruff", "format", "--check", "audit", "bench", "tests", "noxfile.py")'
        in noxfile
    )
    assert 'session.run("ruff", "check", "audit", "bench", "tests", "noxfile.py")' in noxfile
    assert 'session.run("mypy", "--strict", "audit")' in noxfile
