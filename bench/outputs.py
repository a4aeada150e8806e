"""Snapshot what the tool prints, so that a refactoring can prove it changed nothing.

``python -m bench.outputs OUT_DIR`` copies each tree (the shipped ``content/`` with the project's
config, every fixture tree under ``tests/fixtures/`` and a generated 1,000-file corpus) into a
scratch folder and records, per tree, the exit code, stdout and stderr of:

- ``check --format json --no-cache`` (cold), then ``check --format json`` twice (the cache is
  written, then read: the warm path must print the same bytes);
- ``report --no-exec --format json`` and ``report --no-exec --format md``;
- ``check --format text`` (the author's view).

Compare two snapshots with ``python -m bench.outputs --compare BEFORE AFTER`` (or ``diff -r``): a
move of code that changes any byte of any of them changed behaviour. Scratch paths are replaced
by ``<tree>`` so that two runs compare equal. The per-user cache key lives in a scratch folder of
its own (``CONTENT_AUDIT_KEY_DIR``), never the user's.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.corpus import generate

REPO = Path(__file__).resolve().parent.parent
RUNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("check-cold.json", ("check", "--format", "json", "--no-cache")),
    ("check-write.json", ("check", "--format", "json")),
    ("check-warm.json", ("check", "--format", "json")),
    ("check.txt", ("check", "--format", "text")),
    ("report.json", ("report", "--no-exec", "--format", "json")),
    ("report.md", ("report", "--no-exec", "--format", "md")),
)


def _trees(scratch: Path, corpus_files: int) -> list[tuple[str, Path]]:
    """(name, folder to run in) for every tree, each a fresh copy inside ``scratch``."""
    trees: list[tuple[str, Path]] = []
    shipped = scratch / "shipped"
    shipped.mkdir()
    shutil.copytree(REPO / "content", shipped / "content")
    for name in ("content-audit.yaml", "pyproject.toml"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, shipped / name)
    trees.append(("shipped", shipped))
    for fixture in sorted((REPO / "tests" / "fixtures").iterdir()):
        if fixture.is_dir():
            copy = scratch / f"fixture-{fixture.name}"
            shutil.copytree(fixture, copy, symlinks=True)
            trees.append((f"fixture-{fixture.name}", copy))
    if corpus_files:
        corpus = scratch / f"corpus-{corpus_files}"
        generate(corpus, corpus_files, seed=0)
        trees.append((f"corpus-{corpus_files}", corpus))
    return trees


def _run(tree: Path, args: Sequence[str], env: dict[str, str]) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "audit", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        timeout=900,
        check=False,
    )
    scrub = str(tree).encode()
    body = b"exit %d\n--- stdout\n%s\n--- stderr\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return body.replace(scrub, b"<tree>")


def snapshot(out_dir: Path, corpus_files: int) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ca-outputs-") as tmp:
        scratch = Path(tmp)
        key_dir = scratch / "key"
        env = {**os.environ, "CONTENT_AUDIT_KEY_DIR": str(key_dir), "CONTENT_AUDIT_NO_EXEC": "1"}
        env.pop("GITHUB_STEP_SUMMARY", None)
        env["COLUMNS"] = "100"
        for name, tree in _trees(scratch, corpus_files):
            target = out_dir / name
            target.mkdir(exist_ok=True)
            for file_name, args in RUNS:
                (target / file_name).write_bytes(_run(tree, args, env))
            print(f"{name}: {len(RUNS)} outputs", file=sys.stderr)
    return 0


def compare(before: Path, after: Path) -> int:
    """0 when both snapshots hold the same files with the same bytes; else print the diffs."""
    names = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    changed = 0
    for rel in names:
        a, b = before / rel, after / rel
        if a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes():
            continue
        changed += 1
        if changed > 5:
            print(f"differs: {rel}")
            continue
        old = a.read_text(errors="replace").splitlines() if a.is_file() else []
        new = b.read_text(errors="replace").splitlines() if b.is_file() else []
        diff = difflib.unified_diff(old, new, f"before/{rel}", f"after/{rel}", lineterm="", n=1)
        print("\n".join(list(diff)[:40]))
    print(f"{len(names)} outputs compared, {changed} differ")
    return 1 if changed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outputs", description=__doc__)
    parser.add_argument("out_dir", nargs="?", type=Path, help="folder to write the snapshot to")
    parser.add_argument("--corpus-files", type=int, default=1000, help="0 skips the corpus")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out_dir is None:
        parser.error("OUT_DIR is required unless --compare is given")
    return snapshot(args.out_dir, args.corpus_files)


if __name__ == "__main__":
    raise SystemExit(main())
