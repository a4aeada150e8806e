"""The config a warm ``check`` takes from the last run (audit/cache/settings.py) is always the
one a fresh load would give: any input it was made from changes, and it is made again. The
oracle is ``load_config`` itself (and, end to end, ``check --no-cache``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.cache import folder, settings
from audit.config import LoadedConfig, load_config
from audit.model.plain_config import PlainConfig, plain_of

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def site(tmp_path: Path) -> Callable[[str], Path]:
    def copy(name: str) -> Path:
        root = tmp_path / name
        shutil.copytree(FIXTURES / name, root)
        assert folder.secret(root) is not None  # the key the parse cache would create
        return root

    return copy


def cached(root: Path, explicit: str | None = None) -> tuple[LoadedConfig, bool]:
    """One run's config and whether it came from the cache unchanged."""
    loaded, pending, _trail = settings.load(explicit, root)
    settings.remember(pending)
    return loaded, pending is None


def assert_same_as_a_fresh_load(
    loaded: LoadedConfig, root: Path, explicit: str | None = None
) -> None:
    fresh = load_config(explicit, root)
    assert isinstance(loaded.config, PlainConfig)
    assert loaded.config.model_dump() == plain_of(fresh.config).model_dump()
    assert (loaded.root, loaded.source, loaded.explicit) == (
        fresh.root,
        fresh.source,
        fresh.explicit,
    )
    assert (loaded.notes, loaded.roles, loaded.mkdocs) == (fresh.notes, fresh.roles, fresh.mkdocs)


def test_the_second_load_comes_from_the_cache_and_equals_a_fresh_one(
    site: Callable[[str], Path],
) -> None:
    root = site("mkdocs-site")
    _first, hit = cached(root)
    assert not hit
    second, hit = cached(root)
    assert hit
    assert_same_as_a_fresh_load(second, root)
    assert second.roles and second.mkdocs is not None


def test_a_changed_config_file_is_read_again(site: Callable[[str], Path]) -> None:
    root = site("planted-references")
    cached(root)
    (root / "content-audit.yaml").write_text(
        "content_root: content\nrules:\n  disable: [XR002]\n", encoding="utf-8"
    )
    loaded, hit = cached(root)
    assert not hit
    assert loaded.config.rules.disable == ["XR002"]
    assert_same_as_a_fresh_load(loaded, root)


def test_a_changed_mkdocs_yml_is_read_again(site: Callable[[str], Path]) -> None:
    root = site("mkdocs-site")
    cached(root)
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace("черновики/", "index.md"), "utf-8")
    loaded, hit = cached(root)
    assert not hit
    assert "**/index.md" in loaded.config.exclude
    assert_same_as_a_fresh_load(loaded, root)


def test_a_config_file_that_appears_on_the_way_up_is_found(site: Callable[[str], Path]) -> None:
    root = site("mkdocs-site")
    start = root / "docs"
    cached(root, None)
    cached(start)
    (start / "content-audit.yaml").write_text("content_root: .\n", encoding="utf-8")
    loaded, hit = cached(start)
    assert not hit
    assert loaded.root == start and loaded.source == start / "content-audit.yaml"
    assert_same_as_a_fresh_load(loaded, start)


def test_an_inherit_parent_is_no_input_of_the_reader_and_the_cache_agrees(
    site: Callable[[str], Path],
) -> None:
    root = site("mkdocs-site")
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text("INHERIT: base.yml\n" + mkdocs.read_text(encoding="utf-8"), "utf-8")
    (root / "base.yml").write_text("docs_dir: elsewhere\n", encoding="utf-8")
    cached(root)
    (root / "base.yml").write_text("docs_dir: other\nuse_directory_urls: false\n", "utf-8")
    loaded, _hit = cached(root)
    assert_same_as_a_fresh_load(loaded, root)  # INHERIT is reported, never followed
    assert any("INHERIT" in note for note in loaded.notes)


def test_an_env_variable_mkdocs_yml_reads_is_an_input(
    site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = site("mkdocs-site")
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8").replace(
        "docs_dir: docs", "docs_dir: !ENV [WP_DOCS, docs]"
    )
    mkdocs.write_text(text, encoding="utf-8")
    shutil.copytree(root / "docs", root / "site-src")
    monkeypatch.delenv("WP_DOCS", raising=False)
    assert cached(root)[0].config.content_root == "docs"
    assert cached(root)[1]
    monkeypatch.setenv("WP_DOCS", "site-src")
    loaded, hit = cached(root)
    assert not hit
    assert loaded.config.content_root == "site-src"
    assert_same_as_a_fresh_load(loaded, root)


def test_another_tool_version_does_not_read_the_entry(
    site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = site("planted-references")
    cached(root)
    assert cached(root)[1]
    real = settings.tool_fingerprint()
    monkeypatch.setattr(settings, "tool_fingerprint", lambda: real + "\nanother version")
    loaded, hit = cached(root)
    assert not hit
    assert_same_as_a_fresh_load(loaded, root)


def test_a_page_that_takes_the_shape_of_a_role_is_read_again(site: Callable[[str], Path]) -> None:
    root = site("mkdocs-site")
    cached(root)
    page = root / "docs" / "проверка.md"
    tracker = (root / "docs" / "04-llm-инженерия" / "пробелы.md").read_text(encoding="utf-8")
    page.write_text(tracker, encoding="utf-8")
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))  # an old, trusted stat: still noticed
    loaded, _hit = cached(root)
    assert any(role.path == "проверка.md" and role.role == "tracker" for role in loaded.roles)
    assert_same_as_a_fresh_load(loaded, root)


def test_a_tampered_entry_is_ignored(site: Callable[[str], Path]) -> None:
    root = site("planted-references")
    cached(root)
    entry = settings.entry_path(root.resolve(), None)
    data = bytearray(entry.read_bytes())
    at = data.find(b"content_root")  # a key inside the sealed payload
    assert at > 0
    data[at : at + 7] = b"CONTENT"
    entry.write_bytes(bytes(data))
    loaded, hit = cached(root)
    assert not hit
    assert loaded.config.content_root == "content"
    assert_same_as_a_fresh_load(loaded, root)


def test_an_entry_sealed_under_another_key_is_ignored(
    site: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = site("planted-references")
    cached(root)
    entry = settings.entry_path(root.resolve(), None)
    planted = entry.read_bytes()
    other = tmp_path / "other-key"
    monkeypatch.setenv(folder.KEY_DIR_ENV, str(other))
    monkeypatch.setattr(folder, "_secret", None)
    assert folder.secret(root) is not None
    moved = settings.entry_path(root.resolve(), None)
    moved.parent.mkdir(parents=True)
    moved.write_bytes(planted)
    assert not cached(root)[1]


def _check(root: Path, *args: str) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, "-m", "audit", "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr


def test_check_after_a_config_change_prints_what_an_uncached_run_prints(
    site: Callable[[str], Path],
) -> None:
    root = site("planted-references")
    _check(root)
    warm = _check(root)
    assert warm == _check(root, "--no-cache")
    (root / "content-audit.yaml").write_text(
        "content_root: content\nrules:\n  disable: [XR002]\n", encoding="utf-8"
    )
    after = _check(root)
    assert after == _check(root, "--no-cache")
    assert "XR002" in warm[1] and "XR002" not in after[1]
