"""The validated config of the last ``check``, kept so that a warm run imports neither pydantic
nor yaml (together most of a warm run's time).

What a config depends on, and how the cached one is checked against it:

- the files discovery looked at (the content-audit config, pyproject.toml, mkdocs.yml, and every
  candidate it found missing on the way up from the working directory): the trail of
  ``load_config``, each file hashed *before* it was read, checked again byte for byte (mkdocs'
  ``INHERIT`` is not followed by the reader, so a parent is no input);
- the environment variables ``!ENV`` read in mkdocs.yml, and their values;
- the tool (version, the size and mtime of its modules) and Python: part of the entry's name;
- the pages' roles (``audit/project/roles.py``): settled again on every run from the pages that
  exist now; a page's shape (the role its content suggests) is kept with its stat and read
  again when the stat changed or was racy.

Where: the user's state folder, beside the cache key (``audit/cache/folder.py``), one file per
working directory and ``--config`` value. The project's own cache folder cannot hold it: its
location (``cache_dir``) is part of the config. The file is sealed with a MAC under the user's
key, bound to the working directory, and holds ``marshal`` data (no code runs when it is read);
a file that does not verify or does not decode is a miss, silently, and the config is loaded and
validated as without the cache. The entry holds the validated values, never unvalidated input.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from audit import __version__
from audit.atomic import write_bytes_atomic
from audit.cache.folder import Seal, derive_seal, key_dir, key_inside, peek_secret
from audit.cache.inputs import code_fingerprint
from audit.cache.store import trusted_stat, walk_stats
from audit.config import LoadedConfig, Trail, file_digest, load_config
from audit.errors import AuditError
from audit.model.plain_config import PlainConfig, as_config, decode, encode, plain_of
from audit.project.mkdocs import MkdocsProject
from audit.project.roles import MAX_SNIFFED, RoleAssignment, Shape, page_shape, settle_roles

FORMAT = 1
FOLDER = "configs"
PURPOSE = "config"
Page = tuple[str, tuple[int, int, int] | None, Shape]  # path, trusted stat, shape


@dataclass
class Pending:
    """A config loaded without (or beyond) the cache: what to record once the run has a key."""

    start: Path
    explicit: str | None
    trail: Trail
    base: PlainConfig  # before the pages' roles
    base_notes: tuple[str, ...]  # what discovery could not honour, before the roles' notes
    loaded: LoadedConfig
    pages: list[Page]


def tool_fingerprint() -> str:
    """The tool and Python an entry was made by (the code's modules too, as for the parse
    cache: an edited module with the same version number must not read old entries)."""
    return f"{FORMAT}\n{__version__}\n{code_fingerprint()}\n{sys.version}"


def entry_path(start: Path, explicit: str | None) -> Path:
    text = "\x00".join([str(start), explicit or "", tool_fingerprint()])
    name = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return key_dir() / FOLDER / f"{name}.cfg"


def load(
    explicit: str | None = None, cwd: Path | None = None
) -> tuple[LoadedConfig, Pending | None, Trail | None]:
    """The config of ``check`` (in its plain form), what to record when it did not come from
    the cache unchanged (``remember`` it after the run), and the files discovery looked at
    with their digests (None when the stat walk could not vouch for the tree)."""
    start = (cwd or Path.cwd()).resolve()
    started = time.time_ns()
    hit = _read(start, explicit)
    if hit is not None:
        found = _from_entry(start, explicit, hit, started)
        if found is not None:
            return found
    trail: Trail = []
    base = load_config(explicit, start, trail, settle=False)
    plain = plain_of(base.config)
    settled = _settle(base, plain, {}, started)
    if settled is None:  # a tree the stat walk does not vouch for: roles as discovery finds them
        full = load_config(explicit, start)
        return _with_config(full, plain_of(full.config), full.notes, full.roles), None, None
    loaded, pages = settled
    return loaded, Pending(start, explicit, trail, plain, base.notes, loaded, pages), trail


def remember(pending: Pending | None) -> None:
    """Record a config for the next run; only when the user's key exists and lies outside the
    project (the parse cache made or checked it by now)."""
    if pending is None:
        return
    loaded = pending.loaded
    if key_inside(loaded.root) or key_inside(pending.start):
        return
    master = peek_secret(pending.start)
    if master is None:
        return
    mkdocs = _mkdocs_data(loaded.mkdocs)
    entry = {
        "trail": pending.trail,
        "env": dict(loaded.mkdocs.env) if loaded.mkdocs is not None else {},
        "root": str(loaded.root),
        "source": str(loaded.source) if loaded.source is not None else None,
        "mkdocs": mkdocs,
        "explicit": sorted(loaded.explicit),
        "notes": list(pending.base_notes),
        "config": encode(pending.base),
        "pages": pending.pages,
    }
    payload = str(loaded.root).encode("utf-8", "surrogatepass") + b"\x00" + marshal.dumps(entry)
    path = entry_path(pending.start, pending.explicit)
    with contextlib.suppress(OSError, AuditError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_bytes_atomic(path, _seal(master, pending.start).seal(payload), fsync=False)


# ---------------------------------------------------------------------------- reading
def _seal(master: bytes, start: Path) -> Seal:
    return derive_seal(master, PURPOSE, start, tool_fingerprint(), "config cache")


def _read(start: Path, explicit: str | None) -> dict[str, Any] | None:
    """The entry for this directory, when it verifies and decodes; else None (silently: a
    miss only costs the full load)."""
    master = peek_secret(start)
    if master is None:
        return None
    try:
        data = entry_path(start, explicit).read_bytes()
    except OSError:
        return None
    seal = _seal(master, start)
    head = len(seal.MAGIC) + 32
    payload = data[head:]
    if not data.startswith(seal.MAGIC) or not _same(
        seal.tag(payload), data[len(seal.MAGIC) : head]
    ):
        return None
    root, _, body = payload.partition(b"\x00")
    if key_inside(Path(root.decode("utf-8", "surrogatepass"))):
        return None  # a key inside the project is no secret: nothing it sealed is believed
    try:
        entry = marshal.loads(body)  # the MAC verified: written by this user's content-audit
    except (ValueError, EOFError, TypeError):
        return None
    return entry if isinstance(entry, dict) else None


def _same(a: bytes, b: bytes) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


def _from_entry(
    start: Path, explicit: str | None, entry: dict[str, Any], started: int
) -> tuple[LoadedConfig, Pending | None, Trail] | None:
    try:
        trail = [(str(p), d) for p, d in entry["trail"]]
        if any(file_digest(Path(path)) != digest for path, digest in trail):
            return None
        if any(os.environ.get(name) != value for name, value in entry["env"].items()):
            return None
        base = decode(entry["config"])
        source = entry["source"]
        loaded = LoadedConfig(
            as_config(base),
            Path(entry["root"]),
            Path(source) if source is not None else None,
            _mkdocs_project(entry["mkdocs"]),
            frozenset(entry["explicit"]),
            tuple(entry["notes"]),
        )
        known = {path: (stat, shape) for path, stat, shape in entry["pages"]}
    except (KeyError, TypeError, ValueError):
        return None
    settled = _settle(loaded, base, known, started)
    if settled is None:
        return None
    result, pages = settled
    if pages == entry["pages"]:
        return result, None, trail
    return result, Pending(start, explicit, trail, base, loaded.notes, result, pages), trail


# --------------------------------------------------------------------------- settling
def _settle(
    base: LoadedConfig,
    plain: PlainConfig,
    known: dict[str, tuple[Any, Shape]],
    started: int,
) -> tuple[LoadedConfig, list[Page]] | None:
    """The pages' roles, from a stat walk of the content: a page whose stat is the recorded
    one keeps its recorded shape, the others are read. None when the walk cannot vouch for the
    tree (a symlink, an odd name...): the caller then loads as discovery does."""
    config = as_config(plain)
    stats = walk_stats(config, base.root)
    if stats is None:
        return None
    tasks_dir = config.documents.tasks_dir
    content = base.root / config.content_root
    prefix = content.resolve().relative_to(base.root.resolve()).as_posix()  # as walk_stats
    prefix = "" if prefix == "." else prefix + "/"
    candidates = []
    for stat_entry in stats:
        rel = stat_entry[0][len(prefix) :]
        if rel.endswith(".md") and not ("/" in rel and rel.split("/", 1)[0] == tasks_dir):
            candidates.append((rel, stat_entry))  # as roles._pages: not the top tasks folder
    sniff = len(candidates) <= MAX_SNIFFED  # beyond, roles come from names only: none is read
    pages: list[Page] = []
    for rel, stat_entry in candidates:
        stat = (stat_entry[1], stat_entry[2], stat_entry[3])
        previous = known.get(rel)
        if previous is not None and previous[0] is not None and tuple(previous[0]) == stat:
            shape = previous[1]
        elif sniff:
            shape = page_shape(config, content, rel)
        else:
            shape = None
        pages.append((rel, trusted_stat(stat_entry, started), _shape(shape)))
    pages.sort(key=lambda page: (page[0].split("/")[:-1], page[0].rsplit("/", 1)[-1]))
    order = [page[0] for page in pages]
    shapes = {page[0]: page[2] for page in pages}
    settled, roles, role_notes = settle_roles(config, order, shapes)
    return _with_config(base, plain_of(settled), (*base.notes, *role_notes), roles), pages


def _shape(shape: Any) -> Shape:
    if shape is None:
        return None
    role, reason = shape
    return (role, str(reason))


def _with_config(
    loaded: LoadedConfig,
    plain: PlainConfig,
    notes: tuple[str, ...],
    roles: tuple[RoleAssignment, ...] | list[RoleAssignment],
) -> LoadedConfig:
    return LoadedConfig(
        as_config(plain),
        loaded.root,
        loaded.source,
        loaded.mkdocs,
        loaded.explicit,
        tuple(notes),
        tuple(roles),
    )


# ------------------------------------------------------------------------------ mkdocs
def _mkdocs_data(project: MkdocsProject | None) -> dict[str, Any] | None:
    if project is None:
        return None
    data = {f.name: getattr(project, f.name) for f in fields(project)}
    data["config_file"] = str(project.config_file)
    return data


def _mkdocs_project(data: dict[str, Any] | None) -> MkdocsProject | None:
    if data is None:
        return None
    values = dict(data)
    values["config_file"] = Path(values["config_file"])
    return MkdocsProject(**values)
