"""Read a mkdocs project (``mkdocs.yml``) into the settings the audit needs.

mkdocs.yml is part of the checkout, so it is untrusted: it is read with a SafeLoader subclass
that turns every tag it does not know (``!!python/name:…``, ``!!python/object/apply:…``,
``!ENV``, ``!relative``) into a :class:`Tagged` record instead of importing or calling
anything. The known slugify callables are then mapped, by name, onto the audit's own
implementations in ``audit/parse/slugs.py`` (tested against the real functions).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.errors import ConfigError

if TYPE_CHECKING:  # yaml loads only when a mkdocs.yml is read (not on a warm check)
    import yaml

MKDOCS_NAMES = ("mkdocs.yml", "mkdocs.yaml")
MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000  # walking nav through aliases must stay bounded

# the slugify callables people configure, by the dotted name of their tag, mapped to our styles
_SLUGIFY_STYLES = {
    "markdown.extensions.toc.slugify": "mkdocs-ascii",
    "markdown.extensions.toc.slugify_unicode": "mkdocs-unicode",
    "pymdownx.slugs.uslugify": "pymdownx-lower",
    "pymdownx.slugs.uslugify_cased": "pymdownx",
}
_PYMDOWNX_CASES = {
    "none": "pymdownx",
    "lower": "pymdownx-lower",
    "lower-ascii": "pymdownx-lower-ascii",
    "fold": "pymdownx-fold",
}


@dataclass(frozen=True)
class Tagged:
    """A YAML node carrying a tag the safe loader does not construct, kept as plain data."""

    tag: str
    value: Any

    @property
    def name(self) -> str:
        """The dotted name of ``!!python/name:x.y`` / ``!!python/object/apply:x.y`` tags."""
        for prefix in ("tag:yaml.org,2002:python/", "!!python/"):
            if self.tag.startswith(prefix):
                rest = self.tag[len(prefix) :]
                return rest.split(":", 1)[1] if ":" in rest else ""
        return ""


@functools.cache
def _data_loader() -> type[yaml.SafeLoader]:
    import yaml

    class DataLoader(yaml.SafeLoader):
        """SafeLoader that records unknown tags as :class:`Tagged` instead of failing or
        executing."""

    DataLoader.add_multi_constructor("", _construct_tagged)
    return DataLoader


def __getattr__(name: str) -> Any:
    if name == "DataLoader":  # built on first use: importing this module loads no yaml
        return _data_loader()
    raise AttributeError(name)


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    import yaml

    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


@dataclass
class MkdocsProject:
    """What the audit takes from a mkdocs.yml; ``notes`` says what it could not honour."""

    config_file: Path
    docs_dir: str = "docs"
    use_directory_urls: bool = True
    exclude_docs: list[str] = field(default_factory=list)
    not_in_nav: list[str] = field(default_factory=list)
    nav: list[str] | None = None
    markdown_extensions: list[str] = field(default_factory=list)
    slug_style: str = "mkdocs-ascii"  # toc's default slugify drops non-ASCII letters
    slug_separator: str = "-"
    slugify_source: str = "markdown.extensions.toc.slugify (toc default)"
    notes: list[str] = field(default_factory=list)
    # the variables ``!ENV`` read and their values: a cached config holds while they are the same
    env: dict[str, str | None] = field(default_factory=dict)

    def overlay(self) -> dict[str, Any]:
        """The config keys this project defines (explicit content-audit keys override them)."""
        return {
            "content_root": self.docs_dir,
            "exclude": mkdocs_excludes(self.exclude_docs),
            "slug_style": self.slug_style,
            "slug_separator": self.slug_separator,
            "site": {
                "generator": "mkdocs",
                "config_file": self.config_file.name,
                "use_directory_urls": self.use_directory_urls,
                "nav": self.nav,
                "not_in_nav": list(self.not_in_nav),
                "markdown_extensions": list(self.markdown_extensions),
            },
        }


def find_mkdocs(folder: Path) -> Path | None:
    for name in MKDOCS_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def load_yaml_data(path: Path) -> Any:
    """The YAML of ``path`` as plain data (unknown tags recorded, never executed)."""
    import yaml

    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_BYTES} bytes; not read")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_data_loader())  # a SafeLoader
    except (yaml.YAMLError, RecursionError) as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc


def read_mkdocs(path: Path) -> MkdocsProject:
    data = load_yaml_data(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: mkdocs config must be a mapping, not {type(data).__name__}")
    project = MkdocsProject(config_file=path)
    if "INHERIT" in data:
        project.notes.append(
            f"INHERIT: {data['INHERIT']!r} is not followed; only {path.name} itself was read"
        )
    docs_dir = _env(data.get("docs_dir", "docs"), project.env)
    if isinstance(docs_dir, str) and docs_dir.strip():
        project.docs_dir = docs_dir.strip()
    else:
        project.notes.append(f"docs_dir {docs_dir!r} is not a plain string; using 'docs'")
    use_dir = data.get("use_directory_urls", True)
    project.use_directory_urls = use_dir if isinstance(use_dir, bool) else True
    project.exclude_docs = _pattern_lines(data.get("exclude_docs"))
    project.not_in_nav = _pattern_lines(data.get("not_in_nav"))
    if "nav" in data:
        pages: list[str] = []
        _nav_pages(data["nav"], pages, [0])
        project.nav = pages
    _read_extensions(data.get("markdown_extensions"), project)
    return project


def _env(value: Any, read: dict[str, str | None]) -> Any:
    """mkdocs' ``!ENV NAME`` / ``!ENV [NAME, OTHER, default]``: the first variable that is set,
    else the last item (reading the environment runs nothing from the file). ``read`` records
    each variable looked up."""
    if not isinstance(value, Tagged) or value.tag != "!ENV":
        return value
    names = value.value if isinstance(value.value, list) else [value.value]
    if not names:
        return None
    for name in names[:-1] if len(names) > 1 else names:
        found = os.environ.get(str(name))
        read[str(name)] = found
        if found is not None:
            return found
    return names[-1] if len(names) > 1 else None


def _pattern_lines(value: Any) -> list[str]:
    """exclude_docs / not_in_nav: a block of .gitignore-style lines."""
    if isinstance(value, str):
        lines = value.splitlines()
    elif isinstance(value, list):
        lines = [v for v in value if isinstance(v, str)]
    else:
        return []
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def mkdocs_excludes(patterns: list[str]) -> list[str]:
    """mkdocs' exclude_docs as the audit's exclude globs (relative to docs_dir); mkdocs always
    leaves out ``templates/`` at the root (dot files the audit's walk skips by itself)."""
    return ["templates/**", *gitignore_globs(patterns)]


def gitignore_globs(patterns: list[str]) -> list[str]:
    """.gitignore-style lines (mkdocs' exclude_docs, not_in_nav) as the audit's globs.

    A line with a slash (other than a trailing one) is anchored at the root, others match at
    any depth; a trailing slash matches a folder, a name without ``.md`` may be one. Negations
    (``!pattern``) have no glob form and are dropped."""
    out: list[str] = []
    for raw in patterns:
        if raw.startswith("!"):
            continue
        folder = raw.endswith("/")
        pattern = raw.strip("/")
        if not pattern:
            continue
        anchored = raw.startswith("/") or "/" in pattern
        base = pattern if anchored else f"**/{pattern}"
        if not folder:
            out.append(base)
        if folder or not pattern.endswith(".md"):
            out.append(f"{base}/**")
    return out


def _nav_pages(node: Any, out: list[str], budget: list[int]) -> None:
    """Every local page path of a nav tree (titles, URLs and sections skipped)."""
    budget[0] += 1
    if budget[0] > MAX_NODES:
        return
    if isinstance(node, str):
        if "://" not in node and not node.startswith(("/", "#")):
            out.append(node.strip().lstrip("./") if node.startswith("./") else node.strip())
    elif isinstance(node, list):
        for item in node:
            _nav_pages(item, out, budget)
    elif isinstance(node, dict):
        for value in node.values():
            _nav_pages(value, out, budget)


def _read_extensions(value: Any, project: MkdocsProject) -> None:
    entries: list[tuple[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                entries.append((item, None))
            elif isinstance(item, dict):
                entries.extend((str(k), v) for k, v in item.items())
    elif isinstance(value, dict):
        entries.extend((str(k), v) for k, v in value.items())
    project.markdown_extensions = [name for name, _ in entries]
    for name, options in entries:
        if name in ("toc", "markdown.extensions.toc") and isinstance(options, dict):
            _read_toc(options, project)


def _read_toc(options: dict[Any, Any], project: MkdocsProject) -> None:
    separator = options.get("separator")
    if isinstance(separator, str):
        project.slug_separator = separator
    slugify = options.get("slugify")
    if slugify is None:
        return
    style, source = slug_style_of(slugify)
    if style is None:
        project.notes.append(
            f"toc slugify {source} is not one the audit implements; anchors computed with "
            "markdown.extensions.toc.slugify_unicode"
        )
        style = "mkdocs-unicode"
    project.slug_style, project.slugify_source = style, source


def slug_style_of(value: Any) -> tuple[str | None, str]:
    """(our slug style or None, a description) of a toc ``slugify`` setting."""
    if not isinstance(value, Tagged):
        return None, repr(value)
    name = value.name
    if value.tag.startswith(("tag:yaml.org,2002:python/name:", "!!python/name:")):
        return _SLUGIFY_STYLES.get(name), f"!!python/name:{name}"
    if "python/object/apply:" in value.tag or "python/object/new:" in value.tag:
        kwds: Any = {}
        if isinstance(value.value, dict):
            kwds = value.value.get("kwds", {})
        elif isinstance(value.value, list) and len(value.value) > 1:
            kwds = value.value[1] if isinstance(value.value[1], dict) else {}
        source = f"!!python/object/apply:{name} {kwds!r}"
        if name != "pymdownx.slugs.slugify" or not isinstance(kwds, dict):
            return None, source
        if kwds.get("percent_encode") or kwds.get("normalize", "NFC") != "NFC":
            return None, source
        return _PYMDOWNX_CASES.get(str(kwds.get("case", "none"))), source
    return None, f"{value.tag} {value.value!r}"
