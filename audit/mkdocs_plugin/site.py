"""What mkdocs builds, turned into the audit's inputs: a Config rooted at the mkdocs project and
the Sources of exactly the pages mkdocs sees (docs_dir minus exclude_docs, plus virtual pages)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.config import LoadedConfig, load_config
from audit.discover import digest_of, read_source
from audit.model.config import Config, SlugStyle
from audit.model.source import Source
from audit.parse.slugs import SLUGGERS

# headings whose slugs tell the styles apart (Cyrillic kept or dropped, punctuation, spaces)
_SLUG_PROBES = ("Пробелы в покрытии", "1. MoE Routing — ЗАПОЛНЕНО", "KV-cache и RoPE (llm_001)")


@dataclass(frozen=True)
class PageFile:
    """The part of an mkdocs ``File`` the audit reads (kept plain so tests need no mkdocs)."""

    src_uri: str
    abs_src_path: str | None
    content: Callable[[], bytes]  # only called for virtual files


def project_config(
    config_file: str | None, docs_dir: str, explicit: str | None, toc_slugify: Any
) -> LoadedConfig:
    """Our Config for an mkdocs project rooted at the folder of ``mkdocs.yml``.

    Settings come from the ``config`` option when given, else from a content-audit config
    discovered from the mkdocs.yml folder upward, else the defaults. The content root is mkdocs'
    ``docs_dir`` unless an explicit config names its own; the slug style follows mkdocs' ``toc``
    slugify unless the content-audit config chose one.
    """
    root = Path(config_file).resolve().parent if config_file else Path.cwd().resolve()
    loaded = load_config(explicit, cwd=root)
    config = loaded.config
    update: dict[str, Any] = {}
    explicit_root = explicit and "content_root" in config.model_fields_set
    if explicit_root and loaded.source is not None:
        content = (loaded.root / config.content_root).resolve()
    else:
        content = Path(docs_dir).resolve()
    update["content_root"] = _relative(content, root)
    if "slug_style" not in config.model_fields_set:
        style = slug_style_of(toc_slugify)
        if style is not None:
            update["slug_style"] = style
    cache = (root / config.cache_dir).resolve()
    if cache == content or content in cache.parents:
        update["cache_dir"] = str(_outside_cache(root))  # never write into docs/
    merged = Config.model_validate({**config.model_dump(exclude_unset=True), **update})
    return LoadedConfig(merged, root, loaded.source)


def _outside_cache(root: Path) -> Path:
    return root / ".content-audit-cache"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return os.path.relpath(path, root).replace(os.sep, "/")


def slug_style_of(slugify: Any) -> SlugStyle | None:
    """The slug style whose output equals mkdocs' configured ``toc`` slugify on the probes.

    ``None`` (mkdocs' default) is Python-Markdown's ASCII slugify. A custom slugify that matches
    none of ours gives ``None``: the badges then fall back to matching heading text.
    """
    if slugify is None:
        return "mkdocs-ascii"
    if not callable(slugify):
        return None
    for style, ours in SLUGGERS.items():
        try:
            if all(slugify(probe, "-") == ours(probe) for probe in _SLUG_PROBES):
                return style  # type: ignore[return-value]
        except Exception:  # a foreign slugify may raise on any input: then it is unknown
            return None
    return None


StatKey = tuple[int, int, int, int]


def _stat_key(path: str) -> StatKey | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def page_sources(
    loaded: LoadedConfig,
    pages: Iterable[PageFile],
    seen: dict[str, tuple[StatKey, Source]] | None = None,
) -> list[Source]:
    """One Source per Markdown page mkdocs builds, sorted by path like discovery.

    With ``seen`` (kept across ``mkdocs serve`` rebuilds), a file whose stat did not change is
    not read again: a rebuild after one edit reads one file.
    """
    config, root = loaded.config, loaded.root
    content = (root / config.content_root).resolve()
    prefix = "" if config.content_root in ("", ".") else config.content_root.rstrip("/") + "/"
    sources: list[Source] = []
    for page in pages:
        if not page.src_uri.endswith(".md"):
            continue
        rel = prefix + page.src_uri
        if page.abs_src_path is not None and Path(page.abs_src_path).resolve().is_relative_to(
            content
        ):
            key = _stat_key(page.abs_src_path) if seen is not None else None
            known = seen.get(page.abs_src_path) if seen is not None else None
            if key is not None and known is not None and known[0] == key and known[1].path == rel:
                sources.append(known[1])
                continue
            source = read_source(Path(page.abs_src_path), root, content)
            if source.path != rel:  # a docs_dir reached through a symlink: keep mkdocs' name
                source = Source(rel, *_rest(source))
            if seen is not None and key is not None and source.data is not None:
                seen[page.abs_src_path] = (key, source)
        else:  # a page generated by another plugin: audited from its in-memory content
            try:
                data = page.content()
            except Exception as exc:  # a virtual file whose content cannot be produced
                sources.append(Source(rel, "", None, "", f"cannot read: {exc}", "IO001"))
                continue
            sources.append(Source(rel, "", data, digest_of(data)))
            continue
        sources.append(source)
    sources.sort(key=lambda s: s.path)
    return sources


def _rest(source: Source) -> tuple[str, bytes | None, str, str, str]:
    return (
        source.abspath,
        source.data,
        source.digest,
        source.read_error,
        source.read_error_code,
    )
