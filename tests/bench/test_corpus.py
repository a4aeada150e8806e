"""The benchmark corpus: deterministic, shaped like content/, auditable, ~2 % broken references."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from audit.config import load_config
from audit.pipeline import analyse
from bench.corpus import EDITING_MARK, ensure, generate


def tree_digest(root: Path) -> str:
    digest = hashlib.blake2b()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 60, seed=5)
    generate(tmp_path / "b", 60, seed=5)
    generate(tmp_path / "c", 60, seed=6)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert tree_digest(tmp_path / "a") != tree_digest(tmp_path / "c")


def test_shape_size_and_findings(tmp_path: Path) -> None:
    manifest = generate(tmp_path, 120, seed=1)
    files = sorted((tmp_path / "content").rglob("*.md"))
    assert len(files) == manifest["files"] == 120
    assert 6_000 <= int(manifest["bytes"]) / 120 <= 11_000  # ~8 KB per file
    names = {p.name for p in files}
    assert {"материалы.md", "подготовка-к-интервью.md", "пробелы-в-покрытии.md"} <= names
    loaded = load_config(cwd=tmp_path)
    analysis = analyse(loaded)
    kinds = {d.kind for d in analysis.documents}
    assert {"materials", "interview", "tracker", "task"} <= kinds
    interview = next(d for d in analysis.documents if d.kind == "interview")
    assert {q.level for q in interview.qa} == {"Basic", "Medium", "Killer"}
    assert all(q.answer for q in interview.qa)
    task = next(d for d in analysis.documents if d.kind == "task")
    assert task.front_matter and task.front_matter["id"] == task.stem
    assert any(b.expected_output for b in task.code_blocks)
    links = [r for r in analysis.graph.links if r.link.kind == "relative"]
    broken = [r for r in links if r.problem]
    assert links and broken
    assert len(broken) / len(links) < 0.06  # a few percent, not noise everywhere
    errors = {f.code for f in analysis.findings if f.severity.value == "error"}
    assert errors <= {"XR001", "XR002", "XR003"}, errors  # only the planted problems
    heading = manifest["linked_heading"]
    assert isinstance(heading, dict)
    target = tmp_path / heading["path"]
    assert heading["text"] in target.read_text(encoding="utf-8")
    linked = [
        r
        for r in links
        if r.target_path == heading["path"] and r.link.anchor == heading["anchor"] and not r.problem
    ]
    assert len({r.link.span.path for r in linked}) >= 2


def test_tiny_corpus(tmp_path: Path) -> None:
    manifest = generate(tmp_path, 1, seed=0)
    assert manifest["files"] == 1
    assert json.loads((tmp_path / "corpus-manifest.json").read_text())["files"] == 1


def test_a_matching_corpus_is_reused_and_a_changed_one_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    first, reused = ensure(folder, 40, seed=3)
    assert not reused
    digest = tree_digest(folder / "content")
    (folder / ".content-audit-cache").mkdir()  # what a benchmark run leaves behind
    again, reused = ensure(folder, 40, seed=3)
    assert reused and again == first
    assert not (folder / ".content-audit-cache").exists()
    assert tree_digest(folder / "content") == digest

    _, reused = ensure(folder, 40, seed=4)  # another seed: written anew
    assert not reused
    _, reused = ensure(folder, 40, seed=4)
    assert reused

    page = next((folder / "content").rglob("*.md"))
    page.write_bytes(page.read_bytes() + b"\nedited\n")  # the tree no longer matches its manifest
    _, reused = ensure(folder, 40, seed=4)
    assert not reused
    assert not page.read_bytes().endswith(b"\nedited\n")  # written anew

    (folder / EDITING_MARK).write_text("")  # a run died with a file edited
    _, reused = ensure(folder, 40, seed=4)
    assert not reused and not (folder / EDITING_MARK).exists()
