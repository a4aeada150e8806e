"""The parse cache's pack: documents go to disk as they are parsed, and a cold run reads each
file once (``audit/cache/store.py``, ``audit/stages.py:parse_files_cached``).

A cold ``check`` used to hold every file's bytes and every sealed document until the end of the
run (400 MB at 20,000 files); these tests pin what replaced that: a temporary pack file that
grows during the run and is renamed at the end, and files read one at a time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from audit import discover as discovery
from audit.cache.store import PACK_GRACE_NS, PACK_TMP_SUFFIX, ParseCache, State, dumps
from audit.config import load_config
from audit.discover import discover, discover_paths
from audit.model.config import Config
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.stages import PARALLEL_MIN_FILES, parse_all, parse_files_cached

PROJECT = Path(__file__).parents[2]
FIXTURE = PROJECT / "tests" / "fixtures" / "cache-trust"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def cache_of(root: Path) -> tuple[ParseCache, Config]:
    loaded = load_config(cwd=root)
    return ParseCache(loaded.root, loaded.config), loaded.config


def listing(cache: ParseCache) -> list[str]:
    folder = cache.dir / "packs"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def first_source(root: Path, config: Config) -> Source:
    return discover(config, root)[0]


def test_a_document_is_on_disk_before_the_run_ends(project: Path) -> None:
    cache, config = cache_of(project)
    source = first_source(project, config)
    doc = parse(source, config)
    cache.put(source, dumps(doc))

    [unfinished] = listing(cache)
    assert unfinished.startswith(".") and unfinished.endswith(PACK_TMP_SUFFIX)
    assert cache.get(source) == doc  # read back from the unfinished pack
    assert (cache.dir / "packs" / unfinished).stat().st_size > len(dumps(doc))  # sealed

    located = cache.flush()
    [pack] = listing(cache)
    assert pack.endswith(".pack") and not pack.startswith(".")
    assert located == {source.path: (pack, 0, (cache.dir / "packs" / pack).stat().st_size)}
    assert cache.get(source) == doc


def test_a_run_killed_before_the_rename_leaves_no_pack(project: Path) -> None:
    cache, config = cache_of(project)
    source = first_source(project, config)
    cache.put(source, dumps(parse(source, config)))
    del cache  # the run dies here: flush never comes

    later, _ = cache_of(project)
    assert later.get(source) is None  # no state, no pack: parsed again
    [leftover] = listing(later)
    assert leftover.endswith(PACK_TMP_SUFFIX)


def test_leftovers_are_deleted_after_the_grace_period_only(project: Path) -> None:
    cache, _config = cache_of(project)
    folder = cache.dir / "packs"
    folder.mkdir(parents=True)
    old, young = folder / ".old.pack.tmp", folder / ".young.pack.tmp"
    for path in (old, young):
        path.write_bytes(b"half of a pack")
    past = (os.stat(young).st_mtime_ns - 2 * PACK_GRACE_NS) / 1e9
    os.utime(old, (past, past))

    cache.save_state(State(("static",), {}, {}, "", [], 0))

    assert listing(cache) == [young.name]  # a concurrent run may still be writing it


def test_a_pack_that_cannot_be_written_costs_speed_only(project: Path) -> None:
    cache, config = cache_of(project)
    cache.dir.mkdir(parents=True)
    (cache.dir / "packs").write_text("a file where the folder goes", encoding="utf-8")
    source = first_source(project, config)

    cache.put(source, dumps(parse(source, config)))

    assert cache.get(source) is None
    assert cache.flush() == {}


def many_pages(root: Path, count: int) -> None:
    folder = root / "content" / "llm"
    for n in range(count):
        (folder / f"страница-{n:03}.md").write_text(
            f"# Страница {n}\n\n## Раздел\n\nТекст со [ссылкой](материалы.md).\n",
            encoding="utf-8",
        )


@pytest.mark.parametrize("jobs", [1, 2])
def test_cached_parse_equals_the_plain_parse(project: Path, jobs: int) -> None:
    many_pages(project, PARALLEL_MIN_FILES)  # enough for the pool with -j2
    cache, config = cache_of(project)
    expected = parse_all(discover(config, project), config)
    paths = discover_paths(config, project)

    cold = parse_files_cached(paths, config, project, jobs, cache)
    cache.flush()
    (project / "content" / "llm" / "страница-007.md").write_text("# Другая\n", encoding="utf-8")
    edited_expected = parse_all(discover(config, project), config)
    warm = parse_files_cached(paths, config, project, jobs, cache)  # it knows the pack now

    assert cold == expected
    assert warm == edited_expected
    assert cache.hits == len(paths) - 1  # only the edited page was parsed


def test_a_cold_run_reads_each_file_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many_pages(project, 3)
    cache, config = cache_of(project)
    reads: list[str] = []
    read = discovery.read_discovered

    def counting(full: Path, content: Path, root: Path) -> Source:
        reads.append(full.name)
        return read(full, content, root)

    monkeypatch.setattr(discovery, "read_discovered", counting)
    paths = discover_paths(config, project)

    documents = parse_files_cached(paths, config, project, 1, cache)

    assert sorted(reads) == sorted(p.name for p in paths)
    assert [d.path for d in documents] == sorted(d.path for d in documents)
    assert len(cache.flush()) == len(paths)
