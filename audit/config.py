"""Find and validate the configuration (YAML file, pyproject table, or an explicit path)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from audit.errors import ConfigError
from audit.model.config import Config

CONFIG_NAME = "content-audit.yaml"


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    root: Path  # the project root: paths in output are relative to it
    source: Path | None  # the file the config came from (None = defaults)


def load_config(explicit: str | None = None, cwd: Path | None = None) -> LoadedConfig:
    """Explicit path first, then content-audit.yaml or pyproject.toml from cwd upward."""
    start = (cwd or Path.cwd()).resolve()
    if explicit:
        path = Path(explicit)
        if not path.is_absolute():
            path = start / path
        if not path.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return _load_file(path)
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return _load_file(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _pyproject_table(pyproject)
            if table is not None:
                return LoadedConfig(_validate(table, pyproject, None), folder, pyproject)
    return LoadedConfig(Config(), start, None)


def _load_file(path: Path) -> LoadedConfig:
    if path.name == "pyproject.toml":
        table = _pyproject_table(path)
        return LoadedConfig(_validate(table or {}, path, None), path.parent, path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping, not {type(data).__name__}")
    return LoadedConfig(_validate(data, path, node), path.parent, path)


def _pyproject_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read pyproject.toml: {exc}") from exc
    table = data.get("tool", {}).get("content-audit")
    return table if isinstance(table, dict) else None


def _validate(data: dict[str, Any], path: Path, node: yaml.Node | None) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [str(part) for part in err["loc"]]
            key = ".".join(loc) or "(root)"
            line = _yaml_line(node, loc) if node is not None else None
            where = f"{path}:{line}" if line else str(path)
            message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{where}: config key '{key}': {message}")
        raise ConfigError("\n".join(problems)) from None


def _yaml_line(node: yaml.Node, loc: list[str]) -> int | None:
    """Line of the deepest YAML node along ``loc`` (1-based), for error messages."""
    line: int | None = node.start_mark.line + 1
    current: yaml.Node | None = node
    for part in loc:
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if str(key_node.value) == part:
                    line = key_node.start_mark.line + 1
                    current = value_node
                    break
            else:
                return line
        elif isinstance(current, yaml.SequenceNode) and part.isdigit():
            index = int(part)
            if index >= len(current.value):
                return line
            current = current.value[index]
            line = current.start_mark.line + 1
        else:
            return line
    return line
