"""The cache folder sits inside the checkout, so it may come from the repository (committed by
accident, or by a pull request from a fork). Whatever it holds, content-audit runs no code from it
and believes no result from it that this user's content-audit did not write; and the folder it
makes never ends up in a commit.

Every run here is a real ``python -m audit`` process; the key they sign with is the test session's
(tests/conftest.py), except where a test gives the process a home of its own. See
audit/cache/folder.py and the README section "Untrusted pull requests".
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.cache.folder import GITIGNORE, Seal, mark_ignored, seal_for
from audit.cache.store import ParseCache, State, namespace
from audit.config import load_config

PROJECT = Path(__file__).parents[2]
FIXTURE = PROJECT / "tests" / "fixtures" / "cache-trust"
MATERIALS = "content/llm/материалы.md"
INTERVIEW = "content/llm/подготовка-к-интервью.md"
WARNING = "content-audit: warning: "


class Plant:
    """What an attacker commits: unpickling it runs ``open(marker, "w")``."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[Any, ...]:
        return open, (self.marker, "w")


def unkeyed_seal(payload: bytes, root: Path) -> bytes:
    """The seal before the MAC: magic + unkeyed blake2b, which anyone can compute."""
    return b"content-audit-cache\x00" + hashlib.blake2b(payload, digest_size=16).digest() + payload


def wrong_key_seal(payload: bytes, root: Path) -> bytes:
    """The current format under a key that is not this user's."""
    return Seal(os.urandom(32), "planted").seal(payload)


def other_project_seal(payload: bytes, root: Path) -> bytes:
    """This user's own key, but the cache of another checkout (copied over)."""
    config = load_config(cwd=root).config
    seal = seal_for("parse", root.parent / "another-project", namespace(config), "copied")
    assert seal is not None
    return seal.seal(payload)


SCHEMES: dict[str, Callable[[bytes, Path], bytes]] = {
    "unkeyed-hash": unkeyed_seal,
    "mac-under-another-key": wrong_key_seal,
    "mac-of-another-project": other_project_seal,
}


def env_for(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8", CONTENT_AUDIT_NO_EXEC="")
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def audit(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "audit", *args],
        cwd=root,
        env=env or env_for(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def diagnostics(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    assert done.returncode in (0, 1), done.stderr
    rows = json.loads(done.stdout)["diagnostics"]
    return [(d["code"], d["path"], d["line"]) for d in rows]


def warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith(WARNING)]


def age(root: Path) -> None:
    """Move every mtime out of the cache's racily-clean window (the stat shortcut applies)."""
    past = os.stat(root).st_mtime - 3600
    for folder, _dirs, files in os.walk(root / "content"):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    age(root)
    return root


def cache_of(root: Path) -> ParseCache:
    loaded = load_config(cwd=root)
    return ParseCache(loaded.root, loaded.config)


COMMANDS = {
    "check": ("check", "--format", "json"),
    "check-file": ("check", "--format", "json", INTERVIEW),
    "report-no-exec": ("report", "--no-exec", "--format", "json"),
}
EXPECTED = [("XR002", INTERVIEW, 9)]  # the one broken anchor of the fixture


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_planted_state_is_a_miss_and_runs_nothing(
    project: Path, tmp_path: Path, scheme: str, command: str
) -> None:
    args = COMMANDS[command]
    clean = audit(project, *args, "--no-cache")
    assert diagnostics(clean) == EXPECTED
    marker = tmp_path / "pwned"
    state = cache_of(project).dir / "state.pickle"
    state.parent.mkdir(parents=True)
    state.write_bytes(SCHEMES[scheme](pickle.dumps(Plant(marker)), project))

    done = audit(project, *args)

    assert not marker.exists()
    assert done.returncode == clean.returncode
    assert diagnostics(done) == EXPECTED
    assert len(warnings(done)) == 1, done.stderr
    assert "not written by this user's content-audit" in warnings(done)[0]
    again = audit(project, *args)  # the planted state was replaced by this user's own
    assert diagnostics(again) == EXPECTED
    assert warnings(again) == []


def fix_the_broken_anchor(root: Path) -> None:
    """Renumber the heading the interview page links to: that page must be checked again, and
    its document comes from the pack."""
    materials = root / MATERIALS
    text = materials.read_text(encoding="utf-8")
    materials.write_text(text.replace("## 2. Контекстное", "## 3. Контекстное"), "utf-8")


READERS = {
    "report-no-exec": (COMMANDS["report-no-exec"], None, EXPECTED),  # loads every document
    "check-after-edit": (COMMANDS["check"], fix_the_broken_anchor, []),
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("reader", READERS)
def test_planted_pack_entries_are_misses_and_run_nothing(
    project: Path, tmp_path: Path, scheme: str, reader: str
) -> None:
    """This user's state, but every document it points to replaced by a planted pickle of the
    same length at the same offset."""
    assert diagnostics(audit(project, *COMMANDS["check"])) == EXPECTED
    cache = cache_of(project)
    state = cache.load_state()
    assert state is not None
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Plant(marker))
    for entry in state.entries.values():
        assert entry.doc is not None
        name, offset, length = entry.doc
        blob = SCHEMES[scheme](payload, project)
        padded = SCHEMES[scheme](payload + b"\x00" * (length - len(blob)), project)
        assert len(padded) == length  # pickle ignores what follows its STOP opcode
        with open(cache.dir / "packs" / name, "r+b") as handle:
            handle.seek(offset)
            handle.write(padded)
    assert len(state.entries) == 2
    args, edit, expected = READERS[reader]
    if edit is not None:
        edit(project)

    done = audit(project, *args)

    assert not marker.exists()
    assert diagnostics(done) == expected
    assert len(warnings(done)) == 1, done.stderr
    assert diagnostics(audit(project, *args, "--no-cache")) == expected


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        env=env_for(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("cache_dir", [".content-audit-cache", "build/audit-cache"])
def test_the_cache_folder_never_gets_staged(project: Path, cache_dir: str) -> None:
    (project / "content-audit.yaml").write_text(
        f"content_root: content\ncache_dir: {cache_dir}\n", encoding="utf-8"
    )
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "content")

    assert diagnostics(audit(project, "check", "--format", "json")) == EXPECTED
    examples = audit(project, "examples", "--format", "json", "-j", "1")
    assert [r["status"] for r in json.loads(examples.stdout)] == ["output-mismatch"]

    folder = project / cache_dir
    assert (folder / "parse").is_dir() and (folder / "examples").is_dir()
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    git(project, "add", ".")
    assert git(project, "diff", "--cached", "--name-only") == ""
    assert (folder / ".gitignore").read_text(encoding="utf-8") == GITIGNORE


def test_a_shared_folder_named_as_cache_dir_is_not_hidden_from_git(tmp_path: Path) -> None:
    """``cache_dir: build`` must not make git ignore the rest of build/."""
    shared = tmp_path / "build"
    shared.mkdir()
    (shared / "site.html").write_text("<p>built</p>", encoding="utf-8")
    mark_ignored(shared)
    assert not (shared / ".gitignore").exists()
    older = tmp_path / "older-cache"  # a cache folder an older content-audit made
    (older / "parse").mkdir(parents=True)
    mark_ignored(older)
    assert (older / ".gitignore").read_text(encoding="utf-8") == GITIGNORE


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG location is Linux's")
def test_the_key_is_private_and_outside_the_checkout(project: Path, tmp_path: Path) -> None:
    home, states = tmp_path / "home", tmp_path / "state"
    env = env_for(CONTENT_AUDIT_KEY_DIR=None, HOME=str(home), XDG_STATE_HOME=str(states))
    first = audit(project, *COMMANDS["check"], env=env)
    assert diagnostics(first) == EXPECTED
    assert warnings(first) == []

    key = states / "content-audit" / "cache-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert not key.resolve().is_relative_to(project.resolve())
    assert not [p for p in project.rglob("*") if "key" in p.name]
    secret = key.read_bytes()

    second = audit(project, *COMMANDS["report-no-exec"], env=env)
    assert diagnostics(second) == EXPECTED
    assert warnings(second) == []  # the same key: its own entries verify
    assert key.read_bytes() == secret


def test_a_run_that_loses_the_race_to_create_the_key_keeps_the_winners(tmp_path: Path) -> None:
    """Two first runs at once: the second link fails and both read the one key."""
    from audit.cache import folder as cache_folder

    path = tmp_path / "keys" / cache_folder.KEY_FILE
    cache_folder._create_key(path)
    first = path.read_bytes()
    cache_folder._create_key(path)
    assert path.read_bytes() == first
    assert [p.name for p in path.parent.iterdir()] == [cache_folder.KEY_FILE]  # no leftovers
    assert len(cache_folder._read_key(path)) == 32


def unwritable_key_dir(project: Path, tmp_path: Path) -> str:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    return str(blocker / "keys")  # cannot be created, even by root


def readable_key(project: Path, tmp_path: Path) -> str:
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "cache-key").write_text(os.urandom(32).hex() + "\n", encoding="ascii")
    os.chmod(folder / "cache-key", 0o644)
    return str(folder)


def key_in_checkout(project: Path, tmp_path: Path) -> str:
    return str(project / "keys")


@pytest.mark.parametrize("where", [unwritable_key_dir, readable_key, key_in_checkout])
def test_without_a_usable_key_the_cache_is_off_and_the_run_succeeds(
    project: Path, tmp_path: Path, where: Callable[[Path, Path], str]
) -> None:
    env = env_for(CONTENT_AUDIT_KEY_DIR=where(project, tmp_path))
    for args in COMMANDS.values():
        done = audit(project, *args, env=env)
        assert diagnostics(done) == EXPECTED
        assert len(warnings(done)) == 1, done.stderr
        assert "cache not used" in warnings(done)[0]
    assert not (project / ".content-audit-cache").exists()
    assert not (project / "keys").exists()


def claim_it_works(text: str) -> str:
    data = json.loads(text)
    data["results"][0].update(status="works", message="")
    return json.dumps(data, ensure_ascii=False)


def non_ascii_mac(text: str) -> str:
    data = json.loads(text)
    data.update(mac="подпись", results=[{**data["results"][0], "status": "works"}])
    return json.dumps(data, ensure_ascii=False)


def deep_nesting(text: str) -> str:
    return "[" * 100_000 + "]" * 100_000


def not_an_object(text: str) -> str:
    return '["works"]'


@pytest.mark.parametrize("tamper", [claim_it_works, non_ascii_mac, deep_nesting, not_an_object])
def test_a_tampered_example_result_is_a_miss(project: Path, tamper: Callable[[str], str]) -> None:
    run = ("examples", "--format", "json", "-j", "1")
    first = audit(project, *run)
    cold = json.loads(first.stdout)
    assert [(r["status"], r["cached"]) for r in cold] == [("output-mismatch", False)]
    warm = json.loads(audit(project, *run).stdout)
    assert [(r["status"], r["cached"]) for r in warm] == [("output-mismatch", True)]

    files = list((project / ".content-audit-cache" / "examples").rglob("*.json"))
    assert len(files) == 1
    files[0].write_text(tamper(files[0].read_text(encoding="utf-8")), encoding="utf-8")

    done = audit(project, *run)
    assert done.returncode == first.returncode == 1, done.stderr  # 1: an example failed
    assert [(r["status"], r["cached"]) for r in json.loads(done.stdout)] == [
        ("output-mismatch", False)
    ]
    assert len(warnings(done)) == 1, done.stderr


def packs(root: Path) -> set[str]:
    return {p.name for p in (cache_of(root).dir / "packs").glob("*.pack")}


def test_a_warm_run_is_answered_from_the_cache(project: Path) -> None:
    assert diagnostics(audit(project, *COMMANDS["check"])) == EXPECTED
    state_file = cache_of(project).dir / "state.pickle"
    recorded = state_file.stat().st_mtime_ns
    before = packs(project)
    assert len(before) == 1

    warm = audit(project, *COMMANDS["check"])
    assert diagnostics(warm) == EXPECTED
    assert warnings(warm) == []
    assert state_file.stat().st_mtime_ns == recorded  # nothing parsed, nothing to record
    report = audit(project, *COMMANDS["report-no-exec"])
    assert diagnostics(report) == EXPECTED
    assert packs(project) == before  # every document came from the cache

    materials = project / MATERIALS
    materials.write_text(materials.read_text(encoding="utf-8") + "\nЕщё абзац.\n", "utf-8")
    edited = audit(project, *COMMANDS["check"])
    assert diagnostics(edited) == EXPECTED
    state = cache_of(project).load_state()
    assert isinstance(state, State)
    assert state.rechecked == (MATERIALS,)
    new = packs(project) - before
    assert len(new) == 1
    assert [p for p, e in state.entries.items() if e.doc and e.doc[0] in new] == [MATERIALS]
