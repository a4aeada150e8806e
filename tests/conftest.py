"""Shared fixtures: small trees of real Markdown under tests/fixtures/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from audit.config import LoadedConfig
from audit.model.config import Config
from tests.browser import browser  # noqa: F401 (the headless Chromium every browser test shares)

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent

settings.register_profile(
    "ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def private_cache_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests (and the processes they start) sign their caches with a key of their own,
    never the user's (see audit/cache/folder.py)."""
    os.environ["CONTENT_AUDIT_KEY_DIR"] = str(tmp_path_factory.mktemp("cache-key"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files instead of comparing against them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def fixture_tree(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture tree (tests/fixtures/NAME) into a temporary project and return its root."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target, symlinks=True)
        return target

    return copy


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write a dict of {relative path: text} as a project with a content/ folder."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "project"
        for rel, body in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
        (root / "content").mkdir(parents=True, exist_ok=True)
        return root

    return make


def loaded_for(root: Path, **overrides: object) -> LoadedConfig:
    return LoadedConfig(Config.model_validate(overrides), root, None)
