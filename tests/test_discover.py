"""Discovery: which files are audited; unreadable ones are kept as sources with an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.discover import discover, matches
from audit.model.config import Config
from tests.unprivileged import command_prefix, hand_over, unprivileged_env, unprivileged_folder


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_sorted_relative_posix_paths_and_bytes(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "content/llm/материалы.md": "# М\n",
            "content/dl/б.md": "# Б\n",
            "content/tasks/llm_001_x.md": "# X\n",
            "content/llm/notes.txt": "x",
            "content/.hidden/a.md": "# h\n",
            "content/.draft.md": "# d\n",
            "outside.md": "# o\n",
        },
    )
    sources = discover(Config(), tmp_path)
    assert [s.path for s in sources] == [
        "content/dl/б.md",
        "content/llm/материалы.md",
        "content/tasks/llm_001_x.md",
    ]
    assert sources[1].data == "# М\n".encode()
    assert sources[1].digest and sources[1].digest != sources[0].digest
    assert Path(sources[1].abspath).is_file()


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    tree(
        tmp_path, {"kb/a.md": "", "kb/drafts/b.md": "", "kb/x/drafts/c.md": "", "kb/d.markdown": ""}
    )
    config = Config(content_root="kb", include=["**/*.md", "*.markdown"], exclude=["drafts/**"])
    assert [s.path for s in discover(config, tmp_path)] == [
        "kb/a.md",
        "kb/d.markdown",
        "kb/x/drafts/c.md",
    ]


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("a.md", ["**/*.md"], True),
        ("x/y/a.md", ["**/*.md"], True),
        ("a.txt", ["**/*.md"], False),
        ("x/a.md", ["*.md"], False),
        ("x/a.md", ["x/?.md"], True),
        ("x/ab.md", ["x/?.md"], False),
    ],
)
def test_glob_matching(path: str, patterns: list[str], expected: bool) -> None:
    assert matches(path, patterns) is expected


def test_missing_content_root_gives_no_sources(tmp_path: Path) -> None:
    assert discover(Config(), tmp_path) == []


def test_symlink_loop_dangling_and_outside_are_sources_with_errors(tmp_path: Path) -> None:
    tree(tmp_path, {"content/a.md": "# A\n", "secret.md": "# S\n"})
    content = tmp_path / "content"
    os.symlink("loop2.md", content / "loop1.md")
    os.symlink("loop1.md", content / "loop2.md")
    os.symlink("nowhere.md", content / "dangling.md")
    os.symlink(tmp_path / "secret.md", content / "outside.md")
    os.symlink("a.md", content / "alias.md")
    (content / "folder.md").mkdir()
    got = {s.path: (s.read_error_code, s.data is None) for s in discover(Config(), tmp_path)}
    assert got == {
        "content/a.md": ("", False),
        "content/alias.md": ("", False),
        "content/dangling.md": ("IO004", True),
        "content/folder.md": ("IO006", True),
        "content/loop1.md": ("IO004", True),
        "content/loop2.md": ("IO004", True),
        "content/outside.md": ("IO005", True),
    }


DISCOVER = """
import json, sys
from pathlib import Path
from audit.discover import discover
from audit.model.config import Config
print(json.dumps([(s.path, s.read_error_code, s.data is None)
                  for s in discover(Config(), Path(sys.argv[1]))]))
"""


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_file() -> None:
    """Run as a user whom mode 000 stops (as root: a throwaway uid, see tests/unprivileged.py)."""
    prefix = command_prefix()
    with unprivileged_folder() as root:
        tree(root, {"content/a.md": "# A\n", "content/b.md": "# B\n"})
        hand_over(root)
        (root / "content/a.md").chmod(0)
        done = subprocess.run(
            [*prefix, sys.executable, "-c", DISCOVER, str(root)],
            cwd=root,
            env=unprivileged_env(root),
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout) == [["content/a.md", "IO001", True], ["content/b.md", "", False]]
