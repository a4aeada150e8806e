"""The last ``check``'s answer, given again when nothing it read has changed.

A warm ``check`` that finds nothing changed spends most of its time importing: pathlib,
dataclasses, argparse, pickle, the config, the state and the finding model. When every input of
the last run is as it was, the last run's output *is* the answer, so ``content-audit check``
(``audit/__main__.py``) first asks this module, which imports ``os``, ``sys``, ``marshal`` and
BLAKE2, and nothing of the tool but ``audit/cache/inputs.py`` and ``audit/cache/keyfile.py``.

What a record holds, and how each input is checked again before it is believed:

- **the tool**: its version, the size and mtime of every module, Python's version (the
  record's name), and the files of the libraries that shape the output (mistune, pydantic,
  PyYAML, the stemmers): their size and mtime;
- **the command**: the working directory and ``--config`` (the record's name). ``--format``
  picks one of the three renderings kept (text, json, github); ``-j`` changes nothing. Any other
  argument (paths, ``--watch``, ``--no-cache``, ``-v``, an abbreviation) is not replayed;
- **the config**: the bytes of every file discovery looked at (and the missing ones still
  missing), of the requirements file, and the values of the ``!ENV`` variables mkdocs.yml read;
- **the tree**: every folder the walk enters, listed again (names and kinds; dot names are
  skipped, as the walk skips them), and every page's size, mtime and inode;
- **the link targets that are not pages**: each exists, or not, as it did;
- **the parse cache's state file**, by its stat: when it was deleted or replaced the normal path
  runs, and says what it says about it;
- **where the key was found**: the environment variables that place it.

A record is written only when the run can vouch for all of it: every page and folder last
changed before the run started, by more than the racy window (``store.RACY_NS``), so nothing
changed while the run read it. It is sealed with keyed BLAKE2b under the user's secret and bound
to the working directory; ``marshal`` is not safe against crafted data, so nothing is decoded
before the MAC verifies, and a record that does not verify is a miss, silently.
"""

from __future__ import annotations

import marshal
import os
import sys

# the constant-time comparison hmac.compare_digest falls back to, without importing hashlib
from _operator import _compare_digest as same_bytes

from audit import __version__
from audit.cache.inputs import blake2b, code_fingerprint, file_digest, requirements_fingerprint
from audit.cache.keyfile import KEY_DIR_INPUTS, KEY_FILE, quick_key_dir, read_key
from audit.cache.keyfile import inside as _inside

TYPE_CHECKING = False  # typing itself costs the replay ~5 ms of imports; mypy knows the name
if TYPE_CHECKING:
    from typing import Any

    from audit.config import LoadedConfig, Trail
    from audit.model.finding import Finding

FORMAT = 1
FOLDER = "replay"
FORMATS = ("text", "json", "github")
_PERSON = b"ca-replay"  # BLAKE2b personalisation: this MAC is no other cache's
_TAG = 32
# the libraries whose behaviour reaches the output: a reinstalled one may word a message, parse
# a page or stem a word differently
LIBRARIES = ("mistune", "pydantic", "pydantic_core", "yaml", "Stemmer", "snowballstemmer")
_RACY_NS = 2_000_000_000  # store.RACY_NS (not imported: audit/cache/store.py is heavy)
STALE_NS = 30 * 24 * 3600 * 1_000_000_000  # a record not rewritten for 30 days is deleted


# ------------------------------------------------------------------------- the command
def replay_command(argv: list[str]) -> tuple[str | None, str] | None:
    """(``--config`` value, format) of a plain ``check`` the replay can answer, else None."""
    explicit: str | None = None
    fmt = "text"
    seen_check = False
    i = 0
    while i < len(argv):
        token = argv[i]
        value: str | None = None
        name = token
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
        elif token.startswith("-j") and token != "-j" and not token.startswith("--"):
            name, value = "-j", token[2:]
        if value is None and name in ("--config", "--format", "-j", "--jobs"):
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return None
            value = argv[i + 1]
            i += 1
        i += 1
        if name == "--config" and value:
            explicit = value
        elif name == "check" and value is None and not seen_check:
            seen_check = True
        elif seen_check and name == "--format" and value in FORMATS:
            fmt = value
        elif seen_check and name in ("-j", "--jobs") and value and value.isascii():
            if not value.isdigit():
                return None
        else:
            return None
    return (explicit, fmt) if seen_check else None


# ----------------------------------------------------------------------------- naming
def tool_fingerprint() -> str:
    return f"{FORMAT}\n{__version__}\n{code_fingerprint()}\n{sys.version}"


def record_path(key_dir: str, start: str, explicit: str | None) -> str:
    text = "\x00".join([start, "\x01" if explicit is None else explicit, tool_fingerprint()])
    name = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return os.path.join(key_dir, FOLDER, f"{name}.rpl")


def _tag(master: bytes, payload: bytes) -> bytes:
    return blake2b(payload, key=master, digest_size=_TAG, person=_PERSON).digest()


# ------------------------------------------------------------------------------ reading
def replay(argv: list[str]) -> int | None:
    """Print the last run's output and return its exit code when ``argv`` is a ``check`` this
    module can answer and nothing the last run read has changed; else None (run normally)."""
    command = replay_command(argv)
    if command is None:
        return None
    explicit, fmt = command
    try:
        found = _verified(explicit)
        if found is None:
            return None
        record, data = found
        start, length, digest = record["outputs"][fmt]
        output = data[start : start + length]
        if blake2b(output, digest_size=32).digest() != digest:
            return None
    except (OSError, ValueError, TypeError, KeyError, EOFError, IndexError):
        return None
    for stream in (sys.stdout, sys.stderr):  # as audit.cli does
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    try:
        if os.linesep == "\n" and hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(output)  # encoded as the stream would: utf-8, "replace"
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(output.decode("utf-8"))
            sys.stdout.flush()
    except BrokenPipeError:
        return 2
    code: int = record["code"]
    return code


def _verified(explicit: str | None) -> tuple[dict[str, Any], bytes] | None:
    """The record of this directory and ``--config`` and the file's bytes, when its MAC
    verifies and every input it names is as it was; else None.

    The file: the MAC, the header's length (8 bytes), the header (marshal), then the three
    renderings; the MAC covers the header, and the header the digest of each rendering, so a
    replay hashes and decodes only the one it prints."""
    key_dir = quick_key_dir()
    if key_dir is None:
        return None
    start = os.path.realpath(os.getcwd())
    key_file = os.path.join(key_dir, KEY_FILE)
    if _inside(key_file, start):
        return None
    master = read_key(key_file)
    with open(record_path(key_dir, start, explicit), "rb") as handle:
        data = handle.read()
    end = _TAG + 8 + int.from_bytes(data[_TAG : _TAG + 8], "big")
    payload = data[_TAG:end]
    if len(data) < end or not same_bytes(_tag(master, payload), data[:_TAG]):
        return None
    record = marshal.loads(payload[8:])  # the MAC verified: written by this user's content-audit
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    if record["start"] != start or record["explicit"] != explicit:
        return None
    if _inside(key_file, record["root"]) or not _unchanged(record):
        return None
    return record, data


def _unchanged(record: dict[str, Any]) -> bool:
    """Every input of the recorded run, checked again, cheapest first."""
    environ = os.environ
    if any(environ.get(name) != value for name, value in record["env"].items()):
        return False
    for path, size, mtime in record["libraries"]:
        st = os.stat(path)
        if (st.st_size, st.st_mtime_ns) != (size, mtime):
            return False
    if _stat_of(record["state"][0]) != record["state"][1]:
        return False
    if any(file_digest(path) != digest for path, digest in record["trail"]):
        return False
    root = record["root"]
    if requirements_fingerprint(record["requirements"], root) != record["requirements_print"]:
        return False
    if os.path.realpath(os.path.join(root, record["content_root"])) != record["content"]:
        return False
    for folder, listing in record["folders"]:
        if _listing(folder) != listing:
            return False
    for path, size, mtime, inode in record["pages"]:
        st = os.stat(path, follow_symlinks=False)
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (size, mtime, inode):
            return False
    return all(_exists(root, target) == was for target, was in record["existence"])


def _stat_of(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _listing(folder: str) -> str:
    """The names in a folder the walk enters, each with its kind (dot names aside, as the
    walk skips them): a page added, removed, renamed or turned into a folder changes it."""
    items = []
    with os.scandir(folder) as entries:
        for item in entries:
            if item.name.startswith("."):
                continue
            if item.is_symlink():
                kind = "l"
            elif item.is_dir(follow_symlinks=False):
                kind = "d"
            elif item.is_file(follow_symlinks=False):
                kind = "f"
            else:
                kind = "o"
            items.append(f"{kind}{item.name}")
    items.sort()
    text = "\x00".join(items).encode("utf-8", "surrogateescape")
    return blake2b(text, digest_size=16).hexdigest()


def _exists(root: str, target: str) -> bool:
    """``(Path(root) / target).exists()``, as the link check asks it, without pathlib: Path
    drops empty and ``.`` parts (a trailing slash too) before asking."""
    parts = [part for part in target.split("/") if part not in ("", ".")]
    full = os.path.join(root, *parts) if not target.startswith("/") else "/" + "/".join(parts)
    return os.path.exists(full)


# ------------------------------------------------------------------------------ writing
Outcome = tuple[list["Finding"], list[str], dict[str, bool], int]


def remember(
    loaded: LoadedConfig, trail: Trail, explicit: str | None, started: int, outcome: Outcome
) -> None:
    """Record this run for ``replay`` when it can vouch for every input (see the module's
    docstring); else remove an older record, which may describe another tree. ``outcome``:
    every finding, the document paths, the non-page link targets found existing or not (as
    ``incremental.check`` fills them), and the exit code."""
    from audit.cache import folder

    key_dir = quick_key_dir()
    if key_dir is None:
        return
    start = os.path.realpath(os.getcwd())
    path = record_path(key_dir, start, explicit)
    try:
        if os.path.realpath(folder.key_dir()) != os.path.realpath(key_dir):
            return  # the quick guess is not where the secret is: no record
        record = _record(loaded, trail, explicit, started, outcome)
        key_file = os.path.join(key_dir, KEY_FILE)
        if record is None or _inside(key_file, start) or _inside(key_file, str(loaded.root)):
            _forget(path)
            return
        record["start"] = start
        master = read_key(key_file)
    except (OSError, RuntimeError, ValueError):
        _forget(path)
        return
    outputs: dict[str, bytes] = record.pop("rendered")
    blobs, offset = [], _TAG + 8
    record["outputs"] = {}
    for fmt in FORMATS:
        blob = outputs[fmt]
        record["outputs"][fmt] = (0, len(blob), blake2b(blob, digest_size=32).digest())
        blobs.append(blob)
    size = len(marshal.dumps(record))  # the offsets are absolute: placed after the header
    offset += size
    for fmt, blob in zip(FORMATS, blobs, strict=True):
        record["outputs"][fmt] = (offset, *record["outputs"][fmt][1:])
        offset += len(blob)
    header = marshal.dumps(record)
    if len(header) != size:  # an offset needed a longer integer: no record rather than a wrong one
        _forget(path)
        return
    payload = len(header).to_bytes(8, "big") + header
    from pathlib import Path

    from audit.atomic import write_bytes_atomic
    from audit.errors import AuditError

    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        write_bytes_atomic(Path(path), (_tag(master, payload), payload, *blobs), fsync=False)
    except (OSError, AuditError):
        _forget(path)
    _prune(os.path.dirname(path), keep=path)


def _prune(folder: str, keep: str) -> None:
    """Delete records not rewritten for ``STALE_NS``: each tool version and each edit of its
    code names its records anew, so the old ones would pile up. A record still in use is
    rewritten by the first run that is not replayed; a pruned one costs one such run."""
    import contextlib
    import time

    limit = time.time_ns() - STALE_NS
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for item in entries:
            if item.name.endswith(".rpl") and item.path != keep:
                with contextlib.suppress(OSError):
                    if item.stat(follow_symlinks=False).st_mtime_ns < limit:
                        os.unlink(item.path)


def _forget(path: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(path)


def _record(
    loaded: LoadedConfig, trail: Trail, explicit: str | None, started: int, outcome: Outcome
) -> dict[str, Any] | None:
    """The record of a finished run, or None when some input changed too close to it."""
    from audit.cache.store import ParseCache, walk_stats
    from audit.report.diagnostics import RENDERERS

    findings, doc_paths, existence, code = outcome
    config, root = loaded.config, loaded.root
    limit = started - _RACY_NS
    stats = walk_stats(config, root)
    if stats is None:
        return None
    pages = []
    for rel, size, mtime, inode in stats:
        if mtime >= limit:
            return None
        pages.append((os.path.join(str(root), rel), size, mtime, inode))
    content = os.path.realpath(os.path.join(str(root), config.content_root))
    folders = []
    for folder in _folders(content):
        if os.stat(folder, follow_symlinks=False).st_mtime_ns >= limit:
            return None
        folders.append((folder, _listing(folder)))
    requirements_print = requirements_fingerprint(config.requirements, str(root))
    requirements_stat = _stat_of(requirements_print.split("\x00", 1)[0])
    if requirements_stat is not None and requirements_stat[1] >= limit:
        return None
    if any(_exists(str(root), t) != was for t, was in existence.items()):
        return None  # a target appeared or vanished while the run was on
    state = str(ParseCache(root, config).dir / "state.pickle")
    env = {name: os.environ.get(name) for name in KEY_DIR_INPUTS}
    if loaded.mkdocs is not None:
        env.update(loaded.mkdocs.env)
    return {
        "format": FORMAT,
        "explicit": explicit,
        "root": str(root),
        "env": env,
        "libraries": _libraries(),
        "state": (state, _stat_of(state)),
        "trail": [(str(p), d) for p, d in trail],
        "requirements": config.requirements,
        "requirements_print": requirements_print,
        "content_root": config.content_root,
        "content": content,
        "folders": folders,
        "pages": pages,
        "existence": sorted(existence.items()),
        # encoded as each is rendered, the largest first: three renderings of a large run are
        # never held as text at once
        "rendered": {
            fmt: RENDERERS[fmt](findings, len(doc_paths)).encode("utf-8", "replace")
            for fmt in sorted(FORMATS, key=lambda name: name != "json")
        },
        "code": code,
    }


def _folders(content: str) -> list[str]:
    """Every folder ``store.walk_stats`` enters: the content root and, below it, every folder
    whose name has no leading dot (symlinks are not followed)."""
    out = []
    stack = [content]
    while stack:
        folder = stack.pop()
        out.append(folder)
        with os.scandir(folder) as entries:
            for item in entries:
                if not item.name.startswith(".") and item.is_dir(follow_symlinks=False):
                    stack.append(item.path)
    return sorted(out)


def _libraries() -> list[tuple[str, int, int]]:
    """The size and mtime of each library's ``__init__`` (a reinstall rewrites it)."""
    import importlib.util

    out = []
    for name in LIBRARIES:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) if module is not None else None
        if origin is None:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
        if origin and os.path.isfile(origin):
            st = os.stat(origin)
            out.append((origin, st.st_size, st.st_mtime_ns))
    return out
