"""The installed package is the tested one: a wheel built from this checkout, installed into a
fresh virtualenv, audits a tree from another directory with the requirements it ships.

No network: the wheel is built without build isolation (setuptools from the running
environment), installed with ``--no-deps --no-index``, and the fresh virtualenv reaches the
dependencies (pydantic, mistune, ...) through a ``.pth`` line naming the running environment's
site-packages. That line adds a plain directory: the editable install's import hook there is not
run, so ``audit`` can only come from the wheel (asserted).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pytest

from tests.helpers import PROJECT, run_cli

pytestmark = pytest.mark.slow

STEP_TIMEOUT_S = 300
SHIPPED = "audit/data/requirements.yaml"


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=STEP_TIMEOUT_S,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, f"{cmd} exited {done.returncode}\n{out[-3000:]}\n{err[-3000:]}"
    return out


def _build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of the sources, so the checkout gets no build/ or egg-info folder."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT / name, source / name)
    shutil.copytree(
        PROJECT / "audit", source / "audit", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(source),
        ],
        cwd=tmp_path,
    )
    [wheel] = out.glob("content_audit-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path,
    ).strip()
    # the dependencies, from the running environment (no registry is reachable from tests)
    deps = Path(pydantic.__file__).resolve().parent.parent
    Path(purelib, "running-environment-deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=tmp_path,
    )
    return venv


def test_the_built_wheel_ships_the_requirements_and_audits_another_tree(
    tmp_path: Path, fixture_tree: Callable[[str], Path]
) -> None:
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert SHIPPED in names
        shipped = archive.read(SHIPPED).decode("utf-8")
    assert shipped == (PROJECT / SHIPPED).read_text(encoding="utf-8")
    assert "audit/report/templates/report.html.j2" in names
    # dev tooling (benchmarks, the corpus generator) lives in bench/ and never ships
    assert not [n for n in names if n.startswith("bench/") or "corpus" in n or "bench" in n]

    venv = _fresh_venv(tmp_path, wheel)
    tree = fixture_tree("report-two-gaps")
    assert not (tree / "schema").exists()  # so the requirements can only come from the package
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": str(tmp_path),
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import audit; print(audit.__file__)"],
        cwd=elsewhere,
        env=env,
    ).strip()
    assert Path(where).is_relative_to(venv), where  # the wheel's copy, not the checkout's
    assert not Path(where).is_relative_to(PROJECT)

    def audit_from_elsewhere(folder: str) -> dict[str, Any]:
        out = tmp_path / folder
        done = subprocess.run(
            [
                str(venv / "bin" / "content-audit"),
                "--config",
                str(tree / "content-audit.yaml"),
                "report",
                "--no-exec",
                "--no-cache",
                "--output-dir",
                str(out),
            ],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            timeout=STEP_TIMEOUT_S,
            check=False,
        )
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 1, stderr  # the fixture's broken link is an error finding
        assert "Traceback" not in stderr
        report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return report

    installed = audit_from_elsewhere("reports")
    # the same tree audited by the checkout in-process: the same coverage, requirement by
    # requirement
    here = run_cli(["report", "--no-exec", "--no-cache", "--format", "json"], tree)
    checkout = json.loads(here.out)
    assert installed["coverage"] == checkout["coverage"]
    assert installed["gaps"] == checkout["gaps"]
    [gap, *_] = installed["gaps"]
    assert list(gap["requirements"]) == [
        "materials",
        "qa_levels",
        "working_example",
        "practice_task",
    ]
    assert installed["coverage"]["overall"] == 75.0
    # and it is the installed file that is read: drop a requirement from the venv's copy
    data = Path(where).parent / "data" / "requirements.yaml"
    text = data.read_text(encoding="utf-8")
    kept = text[: text.index("  - name: practice_task")]
    data.write_text(kept, encoding="utf-8")
    edited = audit_from_elsewhere("reports-edited")
    assert [list(g["requirements"]) for g in edited["gaps"]] == [
        ["materials", "qa_levels", "working_example"]
    ] * len(edited["gaps"])


def test_the_top_level_requirements_file_is_the_shipped_one() -> None:
    """schema/requirements.yaml (this project's own, named in the README) stays the packaged
    default byte for byte: change audit/data/requirements.yaml and copy it over."""
    top = (PROJECT / "schema" / "requirements.yaml").read_bytes()
    assert top == (PROJECT / SHIPPED).read_bytes()


def test_without_a_project_file_the_packaged_requirements_are_read(
    fixture_tree: Callable[[str], Path],
) -> None:
    from importlib import resources

    from audit.coverage.requirements import load_requirements
    from audit.model.config import Config

    tree = fixture_tree("report-two-gaps")
    spec = load_requirements(Config(), tree)
    packaged = resources.files("audit").joinpath("data/requirements.yaml").read_text("utf-8")
    assert [r.name for r in spec.requirements] == [
        "materials",
        "qa_levels",
        "working_example",
        "practice_task",
    ]
    for requirement in spec.requirements:
        assert requirement.description and requirement.description in packaged


def test_a_package_without_its_requirements_is_a_clear_error(
    fixture_tree: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No silent stand-in: a broken install says what is missing (exit 2, no traceback)."""
    from audit.coverage import requirements

    monkeypatch.setattr(requirements, "BUILTIN_REQUIREMENTS", "data/no-such-requirements.yaml")
    run = run_cli(
        ["report", "--no-exec", "--no-cache", "--format", "json"], fixture_tree("report-two-gaps")
    )
    assert run.code == 2
    assert "built-in requirements (audit/data/no-such-requirements.yaml) are missing" in run.err
    assert "Traceback" not in run.err
