"""What a ``check`` reads besides its pages, fingerprinted with nothing but ``os``.

The incremental check (``audit/cache/incremental.py``) and the replay of an unchanged run
(``audit/cache/replay.py``) both ask "is this the input the last run read?". The replay asks it
before anything else is imported, so the answers live here, on the standard library's cheapest
modules: no ``pathlib``, no ``hashlib`` (which loads OpenSSL on import), no ``dataclasses``.
"""

from __future__ import annotations

import os

try:  # the BLAKE2 implementation hashlib itself hands out, without loading OpenSSL first
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

__all__ = [
    "blake2b",
    "code_fingerprint",
    "file_digest",
    "requirements_file",
    "requirements_fingerprint",
]

BUILTIN_REQUIREMENTS = "data/requirements.yaml"  # package data of `audit`
PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # audit/


def file_digest(path: str) -> str | None:
    """blake2b of a regular file's bytes; None when ``path`` is no file or cannot be read."""
    try:
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            return blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def code_fingerprint() -> str:
    """Size and mtime of every module of the package: an edited parser or rule (same version
    number, as during development) must not be answered from entries the old code made."""
    parts = []
    for folder, dirnames, filenames in os.walk(PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                full = os.path.join(folder, name)
                st = os.stat(full)
                parts.append(f"{os.path.relpath(full, PACKAGE)}:{st.st_size}:{st.st_mtime_ns}")
    return blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def requirements_file(requirements: str, root: str) -> str:
    """The requirements file ``load_requirements`` reads for this config (the configured one,
    else the project's ``schema/requirements.yaml``, else the copy in the package)."""
    path = requirements or "schema/requirements.yaml"
    path = path if os.path.isabs(path) else os.path.join(root, path)
    if requirements or os.path.isfile(path):
        return path
    return os.path.join(PACKAGE, BUILTIN_REQUIREMENTS)


def requirements_fingerprint(requirements: str, root: str) -> str:
    """Which requirements file the tracker rules measure against, and its bytes: an edit to it
    changes what "covered" means, so the tracker findings of the last run no longer hold."""
    path = requirements_file(requirements, root)
    return f"{path}\x00{file_digest(path)}"
