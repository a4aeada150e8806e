"""Find and validate the configuration (YAML file, pyproject table, or an explicit path)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.cache import inputs
from audit.errors import ConfigError
from audit.project.mkdocs import MKDOCS_NAMES, MkdocsProject, read_mkdocs
from audit.project.roles import RoleAssignment, assign_roles

if TYPE_CHECKING:  # pydantic and yaml load only when a config is validated (not on a warm check)
    import yaml

    from audit.model.config import Config

CONFIG_NAME = "content-audit.yaml"
# what discovery looked at: (absolute path, blake2b of its bytes, or None when it is no file);
# the cached config of a warm check holds while every entry still answers the same
Trail = list[tuple[str, str | None]]


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    root: Path  # the project root: paths in output are relative to it
    source: Path | None  # the file the config came from (None = defaults or mkdocs.yml only)
    mkdocs: MkdocsProject | None = None  # the mkdocs project the settings were discovered from
    explicit: frozenset[str] = frozenset()  # top-level keys set by the content-audit config
    notes: tuple[str, ...] = ()  # what discovery could not honour
    roles: tuple[RoleAssignment, ...] = ()  # each tracker/materials/interview page and why


def load_config(
    explicit: str | None = None,
    cwd: Path | None = None,
    trail: Trail | None = None,
    settle: bool = True,
) -> LoadedConfig:
    """Explicit path first, then from cwd upward the nearest folder with content-audit.yaml, a
    ``[tool.content-audit]`` table or a mkdocs.yml. A content-audit config wins; a mkdocs.yml
    next to it (or alone) supplies what the site already says (docs_dir, slugify, nav...), and
    the content-audit keys override that. ``trail`` (when given) receives every file looked at,
    each hashed before it is read (a file that changes meanwhile is then seen as changed).
    ``settle=False`` leaves the pages' roles out (``audit/cache/settings.py`` settles them from
    its own walk)."""
    start = (cwd or Path.cwd()).resolve()
    seen: Trail = trail if trail is not None else []
    if explicit:
        path = Path(explicit)
        if not path.is_absolute():
            path = start / path
        if not _probe(path, seen):
            raise ConfigError(f"config file not found: {explicit}")
        if path.name in MKDOCS_NAMES:
            return _assemble(path.parent, None, {}, None, path, settle)
        data, node = _read_file(path)
        return _assemble(path.parent, path, data, node, _find_mkdocs(path.parent, seen), settle)
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        mkdocs_file = _find_mkdocs(folder, seen)
        if _probe(candidate, seen):
            data, node = _read_file(candidate)
            return _assemble(folder, candidate, data, node, mkdocs_file, settle)
        pyproject = folder / "pyproject.toml"
        if _probe(pyproject, seen):
            table = _pyproject_table(pyproject)
            if table is not None:
                return _assemble(folder, pyproject, table, None, mkdocs_file, settle)
        if mkdocs_file is not None:
            return _assemble(folder, None, {}, None, mkdocs_file, settle)
    return _assemble(start, None, {}, None, None, settle)


def file_digest(path: Path) -> str | None:
    """blake2b of a regular file's bytes; None when ``path`` is no file (or cannot be read:
    such a config is an error, never cached)."""
    return inputs.file_digest(str(path))


def _probe(path: Path, trail: Trail) -> bool:
    digest = file_digest(path)
    trail.append((str(path), digest))
    return digest is not None or path.is_file()


def _find_mkdocs(folder: Path, trail: Trail) -> Path | None:
    for name in MKDOCS_NAMES:
        candidate = folder / name
        if _probe(candidate, trail):
            return candidate
    return None


def _read_file(path: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    if path.name == "pyproject.toml":
        return _pyproject_table(path) or {}, None
    import yaml

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
    return data, node


def _assemble(
    root: Path,
    source: Path | None,
    data: dict[str, Any],
    node: yaml.Node | None,
    mkdocs_file: Path | None,
    settle: bool = True,
) -> LoadedConfig:
    project = read_mkdocs(mkdocs_file) if mkdocs_file is not None else None
    merged = _merge(project.overlay(), data) if project is not None else data
    config = _validate(merged, source or mkdocs_file or root, node)
    notes = list(project.notes) if project is not None else []
    root, content_root = _content_root(root, config.content_root, notes)
    if content_root != config.content_root:
        config = config.model_copy(update={"content_root": content_root})
    roles: list[RoleAssignment] = []
    if settle:
        config, roles, role_notes = assign_roles(config, root / content_root)
        notes.extend(role_notes)
    return LoadedConfig(
        config,
        root,
        source,
        project,
        frozenset(str(k) for k in data),
        tuple(notes),
        tuple(roles),
    )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _content_root(root: Path, raw: str, notes: list[str]) -> tuple[Path, str]:
    """(project root, content root relative to it as a clean POSIX path, "." for the root).

    ``.``, ``./`` and an absolute path all work: a GitHub-rendered repository's pages are its
    root. An absolute content root outside the project becomes the project root itself."""
    text = raw.strip() or "."
    path = Path(text)
    if path.is_absolute():
        resolved = path.resolve()
        try:
            rel = resolved.relative_to(root.resolve())
        except ValueError:
            notes.append(f"content_root {raw} is outside {root}: paths are shown relative to it")
            return resolved, "."
        return root, rel.as_posix() or "."
    return root, posixpath.normpath(text.replace("\\", "/"))


def _pyproject_table(path: Path) -> dict[str, Any] | None:
    import tomllib  # only a project configured in pyproject.toml pays for the parser

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read pyproject.toml: {exc}") from exc
    table = data.get("tool", {}).get("content-audit")
    return table if isinstance(table, dict) else None


def _validate(data: dict[str, Any], path: Path, node: yaml.Node | None) -> Config:
    from pydantic import ValidationError

    from audit.model.config import Config

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
    import yaml

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


_SHOWN_KEYS = (
    "content_root",
    "include",
    "exclude",
    "slug_style",
    "slug_separator",
    "task_id_pattern",
    "documents",
    "site",
)


def describe(loaded: LoadedConfig) -> str:
    """What was discovered and from where (``content-audit config --show``, ``check -v``):
    a user whose audit looks wrong first needs to see which project it thinks it audits."""
    config, project = loaded.config, loaded.mkdocs
    lines = [f"project root: {loaded.root}"]
    lines.append(f"content-audit config: {loaded.source or 'none (defaults)'}")
    if project is not None:
        lines.append(f"mkdocs config: {project.config_file}")
        lines.append(f"slugify: {project.slugify_source}")
    content = (loaded.root / config.content_root).resolve()
    state = "" if content.is_dir() else "  (does not exist)"
    lines.append(f"content root: {content}{state}")
    overlay = project.overlay() if project is not None else {}
    data = config.model_dump(mode="json")
    for key in _SHOWN_KEYS:
        if key in loaded.explicit:
            origin = str(loaded.source)
        elif key in overlay:
            origin = str(project.config_file) if project is not None else "default"
        else:
            origin = "default"
        lines.append(f"{key}: {_compact(data[key])}    [{origin}]")
    lines.append(f"pages with a role: {len(loaded.roles)}")
    lines.extend(f"  {a.role:<9} {a.path}  ({a.reason})" for a in loaded.roles)
    lines.extend(f"note: {note}" for note in loaded.notes)
    return "\n".join(lines) + "\n"


def _compact(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
