"""A warm ``check`` (the pre-commit hook's common case) must not pay for libraries it does not
use: the imports of each run are read from ``python -X importtime`` in a subprocess, so a
module-level import that drags a heavy library onto the warm path fails here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent.parent / "fixtures" / "planted-references"
_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$")

# the parser, the graph, rich output, and the config's validation (the validated config of the
# last run is kept in plain form: audit/cache/settings.py)
NEVER_WARM = ("jinja2", "networkx", "rich", "mistune", "pydantic", "yaml")


def _imported(root: Path) -> set[str]:
    """Packages (top level) and audit modules (full name) imported by one ``check`` run."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "audit", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    found = set()
    for line in run.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            name = match.group(1)
            found.add(name if name.startswith("audit.") else name.split(".")[0])
    assert "audit" in found, "importtime output was not parsed"
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    return root


def test_warm_run_with_nothing_changed_skips_parser_graph_and_rendering_libraries(
    project: Path,
) -> None:
    cold = _imported(project)
    assert "mistune" in cold  # the cold run parses: the probe does see a heavy import
    warm = _imported(project)
    assert sorted(set(NEVER_WARM) & warm) == []
    # nothing to parse or to re-check: the state answers without the document or coverage model
    assert sorted({"audit.model.document", "audit.model.coverage"} & warm) == []


def test_warm_run_with_one_file_changed_parses_it_but_builds_no_graph_or_rich_output(
    project: Path,
) -> None:
    _imported(project)
    page = next(p for p in sorted((project / "content").rglob("*.md")))
    page.write_text(page.read_text(encoding="utf-8") + "\nОдна новая строка.\n", encoding="utf-8")
    warm = _imported(project)
    assert "mistune" in warm  # the changed page is parsed again
    # allowed here: mistune (the page is parsed); never the graph library or the rich-output
    # ones (and not the config's validation libraries: the test below)
    assert sorted({"jinja2", "networkx", "rich"} & warm) == []


def test_warm_run_with_one_file_changed_skips_config_validation_libraries(project: Path) -> None:
    _imported(project)
    page = next(p for p in sorted((project / "content").rglob("*.md")))
    page.write_text(page.read_text(encoding="utf-8") + "\nОдна новая строка.\n", encoding="utf-8")
    warm = _imported(project)
    assert "mistune" in warm
    # the page has no front matter and is no task: nothing on this path needs pydantic or yaml
    assert sorted({"pydantic", "yaml"} & warm) == []


def test_warm_run_with_nothing_changed_skips_config_validation_libraries(project: Path) -> None:
    _imported(project)
    warm = _imported(project)
    assert sorted({"pydantic", "yaml", "audit.model.config"} & warm) == []


# what a replayed run (audit/cache/replay.py) may import beyond the interpreter's start: the
# replay and the two modules it reads its inputs with, nothing of the CLI, the config or the
# model, and none of the standard library's heavier modules
REPLAY_MODULES = {"audit", "audit.cache", "audit.cache.inputs", "audit.cache.keyfile"}
NEVER_REPLAYED = ("argparse", "dataclasses", "pickle", "json", "hashlib", "typing", "platformdirs")


def _aged(root: Path) -> None:
    past = os.stat(root).st_mtime - 3600
    for folder, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))
        os.utime(folder, (past, past))


def test_a_warm_run_with_nothing_changed_since_an_older_tree_is_replayed_on_os_alone(
    project: Path,
) -> None:
    _aged(project)  # pages and folders older than the racy window: the run can vouch for them
    _imported(project)
    warm = _imported(project)
    ours = {name for name in warm if name == "audit" or name.startswith("audit.")}
    assert ours == REPLAY_MODULES | {"audit.cache.replay"}
    assert sorted(set(NEVER_REPLAYED) & warm) == []
