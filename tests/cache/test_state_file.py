"""The state file: what a warm run reads back before anything else (``audit/cache/store.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from audit.cache.store import FileEntry, ParseCache, State
from audit.config import load_config

FIXTURE = Path(__file__).parents[2] / "tests" / "fixtures" / "cache-trust"


def entry(path: str, refs: list[str], anchors: list[str]) -> FileEntry:
    # each key built on its own, as refs_of builds them: equal strings, distinct objects
    return FileEntry(
        path,
        None,
        "digest",
        frozenset("".join(list(a)) for a in anchors),
        (),
        frozenset("".join(list(r)) for r in refs),
        (),
        "",
    )


def test_equal_keys_come_back_as_one_object(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    loaded = load_config(cwd=root)
    cache = ParseCache(loaded.root, loaded.config)
    shared = "a:content/llm/материалы.md#1-внимание"
    entries = {
        "one.md": entry("one.md", [shared, "f:content/llm/материалы.md"], ["обзор"]),
        "two.md": entry("two.md", [shared], ["обзор", "итоги"]),
    }
    assert len({id(r) for e in entries.values() for r in e.refs if r == shared}) == 2

    cache.save_state(State(("static",), entries, {}, "", [], 0))
    state = ParseCache(loaded.root, loaded.config).load_state()

    assert state is not None
    one, two = state.entries["one.md"], state.entries["two.md"]
    assert one.refs == {shared, "f:content/llm/материалы.md"} and two.refs == {shared}
    assert one.anchors == {"обзор"} and two.anchors == {"обзор", "итоги"}
    [first] = [r for r in one.refs if r == shared]
    [second] = [r for r in two.refs if r == shared]
    assert first is second
    assert next(iter(one.anchors)) is next(a for a in two.anchors if a == "обзор")
