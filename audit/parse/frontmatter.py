"""YAML front matter: split it off, and load it without letting a hostile file blow up memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_ALIASES = 50
MAX_DEPTH = 32


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any] | None
    first_line: int  # line of the opening ---
    last_line: int  # line of the closing ---
    error: str = ""
    error_line: int = 0
    error_column: int = 1
    error_code: str = ""


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return (yaml_text, number_of_lines_it_occupies) when ``text`` opens with ``---``."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None, 0
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), index + 1
    return None, 0


def load_front_matter(yaml_text: str, lines: int) -> FrontMatter:
    """Parse front matter YAML; problems come back as an error with its position."""
    import yaml  # on first use: a warm check that parses no front matter skips it

    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        return FrontMatter(None, 1, lines, "front matter is larger than 64 KiB", 2, 1, "FM003")
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        # libyaml is ~10x faster; on any problem fall back to the pure-Python loader, whose
        # messages and positions are the ones reported
        try:
            result = _load(yaml_text, lines, fast)
        except (yaml.YAMLError, RecursionError):
            result = None
        if result is not None and not result.error:
            return result
    return _load(yaml_text, lines, yaml.SafeLoader, catch=True)


def _load(yaml_text: str, lines: int, loader: Any, catch: bool = False) -> FrontMatter:
    import yaml

    if not catch:
        return _scan_load(yaml_text, lines, loader)
    try:
        return _scan_load(yaml_text, lines, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        column = mark.column + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter(None, 1, lines, f"invalid YAML: {problem}", line, column, "FM001")
    except RecursionError:
        return FrontMatter(None, 1, lines, "front matter is nested too deeply", 2, 1, "FM003")


def _cannot_exceed_limits(yaml_text: str) -> bool:
    """True when no alias is possible and nesting cannot reach MAX_DEPTH.

    Every collection start needs a line of its own or one of ``[ { - ? :`` on its line, so
    fewer of those than MAX_DEPTH bound the depth; aliases need ``*``.
    """
    if "*" in yaml_text:
        return False
    indicators = yaml_text.count("\n") + 1
    for char in "[{-?:":
        indicators += yaml_text.count(char)
    return indicators < MAX_DEPTH


def _scan_load(yaml_text: str, lines: int, loader: Any) -> FrontMatter:
    import yaml

    aliases = 0
    depth = 0
    events: Any = () if _cannot_exceed_limits(yaml_text) else yaml.parse(yaml_text, Loader=loader)
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                return _too_complex(
                    event, lines, f"front matter uses more than {MAX_ALIASES} aliases"
                )
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return _too_complex(
                    event, lines, f"front matter is nested deeper than {MAX_DEPTH} levels"
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    data = yaml.load(yaml_text, Loader=loader)  # a safe loader (SafeLoader or CSafeLoader)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatter(
            None,
            1,
            lines,
            f"front matter must be a mapping, not {type(data).__name__}",
            2,
            1,
            "FM002",
        )
    return FrontMatter({str(k): v for k, v in data.items()}, 1, lines)


def _too_complex(event: Any, lines: int, message: str) -> FrontMatter:
    """FM003 at the YAML event that crossed a limit (line 1 of the file is the opening ---)."""
    mark = event.start_mark
    line = (mark.line + 2) if mark else 2
    column = (mark.column + 1) if mark else 1
    return FrontMatter(None, 1, lines, message, line, column, "FM003")
