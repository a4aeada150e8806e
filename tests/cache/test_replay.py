"""The replay of an unchanged ``check`` (``audit/cache/replay.py``): the same bytes and exit
code as the run it replays, and never an answer once anything that run read has changed.

Each run is a real ``python -m audit check`` subprocess. Whether a run was replayed is read
from ``-X importtime``: a replayed run never imports ``audit.cli``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest

from audit.cache import keyfile, replay

Tree = Callable[[dict[str, str | bytes]], Path]

MATERIALS = (
    "# Материалы\n\n## 1. Токенизация\n\nТекст про токены, схема: ![схема](img/схема.png).\n\n"
    "## 2. Внимание\n\nТекст про внимание.\n"
)
FILES: dict[str, str | bytes] = {
    "mkdocs.yml": "site_name: Заметки\ndocs_dir: !ENV [NOTES_DOCS, content]\n",
    "content/llm/материалы.md": MATERIALS,
    "content/llm/подготовка-к-интервью.md": "# Интервью\n\n## 1. Токены\n\n"
    "Теория: [токенизация](материалы.md#1-токенизация), [внимание](материалы.md#3-нет).\n\n"
    "Данные: [таблица](.данные/таблица.csv).\n",
    "content/llm/.данные/таблица.csv": "a,b\n",
    "content/llm/img/схема.png": b"\x89PNG\r\n",
    "other/llm/материалы.md": "# Другие материалы\n\n[битая](нет.md)\n",
}


def age(root: Path, seconds: int = 3600) -> None:
    """Every file and folder last changed an hour ago: out of the racy window."""
    past = os.stat(root).st_mtime - seconds
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))
    for folder, _dirs, _files in os.walk(root, topdown=False):
        os.utime(folder, (past, past))


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, int, bool]:
    """(stdout, exit code, whether the run was replayed)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "audit", "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "audit" in imported, "importtime output was not parsed"
    return done.stdout, done.returncode, "audit.cli" not in imported


def no_cache(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, int]:
    out, code, replayed = run(root, "--no-cache", *args, env=env)
    assert not replayed
    return out, code


@pytest.fixture
def site(make_tree: Tree) -> Path:
    root = make_tree(FILES)
    age(root)
    return root


def test_an_unchanged_run_is_replayed_with_the_same_bytes_and_exit_code(site: Path) -> None:
    first, code, replayed = run(site)
    assert not replayed  # nothing recorded yet
    assert code == 1 and "XR002" in first  # the broken anchor (an error)
    for fmt in ("text", "json", "github"):
        out, again, replayed = run(site, "--format", fmt, "-j", "2")
        assert replayed, fmt
        assert (out, again) == no_cache(site, "--format", fmt), fmt
    assert run(site)[0] == first


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "a.md"],
        ["check", "--watch"],
        ["check", "--no-cache"],
        ["check", "-v"],
        ["check", "--form", "json"],
        ["check", "--format", "sarif"],
        ["check", "-j", "-1"],
        ["check", "--config"],
        ["check", "check"],
        ["report"],
        ["--version"],
        ["--format", "json", "check"],
        [],
    ],
)
def test_only_a_plain_check_is_replayed(argv: list[str]) -> None:
    assert replay.replay_command(argv) is None


def test_the_replayed_command_keeps_config_and_format() -> None:
    assert replay.replay_command(["check"]) == (None, "text")
    assert replay.replay_command(["--config", "c.yaml", "check", "--format=json"]) == (
        "c.yaml",
        "json",
    )
    assert replay.replay_command(["check", "-j2", "--jobs=3", "--config=x.toml"]) == (
        "x.toml",
        "text",
    )
    assert replay.replay_command(["check", "--format", "json", "--format", "github"]) == (
        None,
        "github",
    )


def _edit_page(root: Path) -> None:
    page = root / "content/llm/материалы.md"
    page.write_text(MATERIALS.replace("## 2. Внимание", "## 3. Нет"), encoding="utf-8")


def _same_size_edit(root: Path) -> None:
    page = root / "content/llm/материалы.md"
    page.write_text(MATERIALS.replace("Текст про внимание", "Текст про вниманиЕ"), encoding="utf-8")


def _add_page(root: Path) -> None:
    (root / "content/llm/новая.md").write_text("# Новая\n\n[нет](нет.md)\n", encoding="utf-8")


def _add_folder(root: Path) -> None:
    (root / "content/dl").mkdir()
    (root / "content/dl/страница.md").write_text("# DL\n\n[нет](нет.md)\n", encoding="utf-8")


def _remove_page(root: Path) -> None:
    (root / "content/llm/подготовка-к-интервью.md").unlink()


def _page_becomes_folder(root: Path) -> None:
    page = root / "content/llm/подготовка-к-интервью.md"
    page.unlink()
    page.with_suffix("").mkdir()
    (page.with_suffix("") / "index.md").write_text("# Индекс\n\n[нет](нет.md)\n", "utf-8")


def _remove_link_target(root: Path) -> None:
    (root / "content/llm/img/схема.png").unlink()


def _remove_target_in_a_dot_folder(root: Path) -> None:
    # the walk does not enter dot folders, so no listing changes: only existence tells
    (root / "content/llm/.данные/таблица.csv").unlink()


def _add_config(root: Path) -> None:
    # discovery looked for content-audit.yaml and found none: now it finds one
    (root / "content-audit.yaml").write_text("content_root: other\n", encoding="utf-8")


def _edit_mkdocs(root: Path) -> None:
    (root / "mkdocs.yml").write_text("site_name: Заметки\ndocs_dir: other\n", encoding="utf-8")


def _add_requirements(root: Path) -> None:
    (root / "schema").mkdir()
    shutil.copy2(Path(__file__).parents[2] / "schema/requirements.yaml", root / "schema")


def _drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".content-audit-cache")


def _dot_file(root: Path) -> None:
    (root / "content/llm/.заметка.md").write_text("# скрыта\n", encoding="utf-8")


CHANGES = {
    "page edited": _edit_page,
    "page edited, same size": _same_size_edit,
    "page added": _add_page,
    "folder of pages added": _add_folder,
    "page removed": _remove_page,
    "page turned into a folder": _page_becomes_folder,
    "linked image removed": _remove_link_target,
    "linked file in a dot folder removed": _remove_target_in_a_dot_folder,
    "config file added": _add_config,
    "mkdocs.yml edited": _edit_mkdocs,
    "requirements file added": _add_requirements,
    "parse cache deleted": _drop_cache,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_input_is_never_replayed(site: Path, change: str) -> None:
    run(site)
    assert run(site)[2]  # recorded and replayed
    CHANGES[change](site)
    out, code, replayed = run(site)
    assert not replayed
    assert (out, code) == no_cache(site)


def test_what_the_walk_skips_does_not_stop_the_replay(site: Path) -> None:
    run(site)
    _dot_file(site)  # discovery skips dot names: the folder's listing without them is the same
    out, code, replayed = run(site)
    assert replayed
    assert (out, code) == no_cache(site)


def test_an_env_value_mkdocs_read_is_an_input(site: Path) -> None:
    run(site)
    assert run(site)[2]
    out, code, replayed = run(site, env={"NOTES_DOCS": "other"})
    assert not replayed
    assert (out, code) == no_cache(site, env={"NOTES_DOCS": "other"})
    assert "нет.md" in out  # the other docs_dir's broken link


@pytest.mark.parametrize(("where", "fmt"), [(40, "text"), (-5, "github")])
def test_a_tampered_record_is_a_miss(site: Path, where: int, fmt: str) -> None:
    """A byte changed in the header (under the MAC) or in a rendering (under the header's
    digest of it): either way the record is not believed."""
    run(site)
    folder = Path(os.environ[keyfile.KEY_DIR_ENV]) / replay.FOLDER
    record = max(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    data = bytearray(record.read_bytes())
    data[where] ^= 0x01
    record.write_bytes(bytes(data))
    out, code, replayed = run(site, "--format", fmt)
    assert not replayed
    assert (out, code) == no_cache(site, "--format", fmt)


def test_pages_changed_within_the_racy_window_are_not_recorded(make_tree: Tree) -> None:
    root = make_tree(FILES)  # written just now: the run cannot vouch that they stayed so
    run(root)
    assert not run(root)[2]


def test_the_quick_key_folder_is_where_platformdirs_puts_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux"):
        assert keyfile.quick_key_dir() is None or os.environ.get(keyfile.KEY_DIR_ENV)
        return
    monkeypatch.delenv(keyfile.KEY_DIR_ENV, raising=False)
    for state_home in ("", str(tmp_path / "state"), "  "):
        monkeypatch.setenv("XDG_STATE_HOME", state_home)
        expected = platformdirs.user_state_dir("content-audit", appauthor=False)
        assert keyfile.quick_key_dir() == expected, state_home
    monkeypatch.delenv("XDG_STATE_HOME")
    assert keyfile.quick_key_dir() == platformdirs.user_state_dir("content-audit", appauthor=False)
    monkeypatch.setenv(keyfile.KEY_DIR_ENV, str(tmp_path / "keys"))
    assert keyfile.quick_key_dir() == str(tmp_path / "keys")


@pytest.mark.parametrize(
    "target",
    [
        "img/a.png",
        "img/./a.png",
        "img//a.png",
        "img/a.png/",
        "img",
        "img/",
        "./img",
        "nope.png",
        "img/../img/a.png",
        "img/a.png/x",
        "",
    ],
)
def test_existence_is_asked_as_the_link_check_asks_it(tmp_path: Path, target: str) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img/a.png").write_bytes(b"png")
    assert replay._exists(str(tmp_path), target) == (tmp_path / target).exists()


def test_records_not_rewritten_for_a_month_are_pruned(site: Path) -> None:
    folder = Path(os.environ[keyfile.KEY_DIR_ENV]) / replay.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    old, recent = folder / ("0" * 32 + ".rpl"), folder / ("1" * 32 + ".rpl")
    for record in (old, recent):
        record.write_bytes(b"an older tool's record")
    month = os.stat(recent).st_mtime - 31 * 24 * 3600
    os.utime(old, (month, month))
    run(site)  # writes this tree's record, and prunes
    assert not old.exists()
    assert recent.exists()
    assert run(site)[2]


def test_the_replay_trusts_stats_by_the_same_racy_window_as_the_parse_cache() -> None:
    from audit.cache import store

    assert replay._RACY_NS == store.RACY_NS  # kept literal there: store.py is heavy to import
