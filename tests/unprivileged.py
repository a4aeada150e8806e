"""Run a check as an unprivileged user when the tests run as root, as CI does.

Root reads a file of mode 000, so "an unreadable file gets IO001" can only be tested by another
user. When the tests run as root, the check runs in a subprocess under ``setpriv`` as a
throwaway uid (65534, the usual `nobody`), in a folder that user owns; as any other user it runs
as that user. A machine where that user cannot run this interpreter on this checkout skips with
the reason, rather than pass without testing.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import PROJECT

THROWAWAY_UID = 65534


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@functools.cache
def _prefix_or_reason() -> tuple[tuple[str, ...], str]:
    if not _is_root():
        return (), ""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return (), "running as root and no setpriv to run the check as another user"
    prefix = (
        setpriv,
        f"--reuid={THROWAWAY_UID}",
        f"--regid={THROWAWAY_UID}",
        "--clear-groups",
        "--",
    )
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import os, audit; print(os.geteuid())"],
        cwd="/",
        env=unprivileged_env(Path("/")),
        capture_output=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0 or probe.stdout.strip() != str(THROWAWAY_UID).encode():
        last = probe.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        return (), f"uid {THROWAWAY_UID} cannot run {sys.executable} on {PROJECT}: {last[0]}"
    return prefix, ""


def command_prefix() -> list[str]:
    """What to put before a command so that it runs unprivileged ([] when we are not root)."""
    prefix, reason = _prefix_or_reason()
    if reason:
        pytest.skip(reason)
    return list(prefix)


def unprivileged_env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "PYTHONPATH": str(PROJECT),
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "CONTENT_AUDIT_NO_EXEC": "1",
    }


@contextlib.contextmanager
def unprivileged_folder() -> Iterator[Path]:
    """A fresh folder outside pytest's (root-only) temporary tree; call hand_over() once built."""
    folder = Path(tempfile.mkdtemp(prefix="content-audit-unprivileged-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def hand_over(folder: Path) -> None:
    """Give the folder and everything in it to the throwaway user (when we are root)."""
    if not _is_root():
        return
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, THROWAWAY_UID, THROWAWAY_UID, follow_symlinks=False)
