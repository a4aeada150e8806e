"""Config: found upward, from pyproject.toml or given; mistakes exit 2 naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import load_config
from audit.errors import ConfigError
from tests.helpers import run_cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_found_upward_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "content-audit.yaml", "slug_style: github\n")
    deep = tmp_path / "content" / "llm"
    deep.mkdir(parents=True)
    loaded = load_config(cwd=deep)
    assert loaded.config.slug_style == "github"
    assert loaded.root == tmp_path.resolve()
    assert loaded.source == tmp_path.resolve() / "content-audit.yaml"


def test_pyproject_table(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.content-audit]\ncontent_root = "kb"\n'
        '[tool.content-audit.levels]\nnames = ["Easy", "Hard"]\n',
    )
    loaded = load_config(cwd=tmp_path)
    assert loaded.config.content_root == "kb"
    assert loaded.config.levels.names == ["Easy", "Hard"]


def test_pyproject_without_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / "content-audit.yaml", "content_root: outer\n")
    write(tmp_path / "inner" / "pyproject.toml", '[project]\nname = "x"\n')
    assert load_config(cwd=tmp_path / "inner").config.content_root == "outer"


def test_yaml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "content-audit.yaml", "content_root: a\n")
    write(tmp_path / "pyproject.toml", '[tool.content-audit]\ncontent_root = "b"\n')
    assert load_config(cwd=tmp_path).config.content_root == "a"


def test_explicit_config_path(tmp_path: Path) -> None:
    write(tmp_path / "content-audit.yaml", "content_root: found\n")
    write(tmp_path / "other" / "my.yaml", "content_root: given\n")
    loaded = load_config("other/my.yaml", cwd=tmp_path)
    assert loaded.config.content_root == "given"
    assert loaded.root == (tmp_path / "other").resolve()


def test_defaults_when_nothing_is_found(tmp_path: Path) -> None:
    loaded = load_config(cwd=tmp_path)
    assert loaded.source is None and loaded.config.slug_style == "mkdocs-unicode"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("content_root: c\nslug_stlye: github\n", ":2: config key 'slug_stlye': unknown key"),
        ("examples:\n  timeout_s: 10\n  jobz: 3\n", ":3: config key 'examples.jobz': unknown key"),
        ("examples:\n  timeout_s: fast\n", ":2: config key 'examples.timeout_s': Input should be"),
        ("levels:\n  names:\n    - Basic\n    - [x]\n", ":4: config key 'levels.names.1'"),
        ("slug_style: gitlab\n", ":1: config key 'slug_style': Input should be"),
        ("rules:\n  severity:\n    XR001: fatal\n", ":3: config key 'rules.severity.XR001'"),
    ],
)
def test_bad_config_names_key_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "content-audit.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(cwd=tmp_path)
    assert f"{path}{expected}" in str(info.value)


def test_bad_pyproject_table_names_key(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.content-audit]\nslug_style = "gitlab"\n')
    with pytest.raises(ConfigError, match="config key 'slug_style'"):
        load_config(cwd=tmp_path)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("content-audit.yaml", "slug_stlye: github\n", "config key 'slug_stlye': unknown key"),
        ("content-audit.yaml", "- a\n", "the config must be a mapping"),
        ("content-audit.yaml", "a: [\n", "invalid YAML"),
        ("content-audit.yaml", b"\xff\xfe bad", "cannot read config"),
        ("pyproject.toml", "[tool\n", "cannot read pyproject.toml"),
    ],
)
def test_cli_exits_2_with_a_short_message(
    tmp_path: Path, name: str, text: str | bytes, expected: str
) -> None:
    (tmp_path / "content").mkdir()
    if isinstance(text, bytes):
        (tmp_path / name).write_bytes(text)
    else:
        write(tmp_path / name, text)
    run = run_cli(["check"], tmp_path)
    assert run.code == 2
    assert expected in run.err and "Traceback" not in run.err
    assert run.out == ""


def test_cli_missing_explicit_config(tmp_path: Path) -> None:
    run = run_cli(["--config", "nope.yaml", "check"], tmp_path)
    assert (run.code, run.err.strip()) == (2, "content-audit: config file not found: nope.yaml")
