"""Example results cached on disk, keyed by everything that can change an outcome.

Key = sha256 of (the sequence's path, code lines, code, expected outputs and timeouts; the
interpreter's version; the example environment's fingerprint, i.e. the sorted installed
distributions of the interpreter; the sandbox options, including the isolation layers and a
digest of the worker script ``worker.py``). Files live under
``<root>/<cache_dir>/examples/<2 hex>/<key>.json``, written atomically (temp file + rename), so
two audits at once never see half a file: the worst case is both running the same sequence and
writing the same result. Timeouts are not cached: they depend on the machine's load.

The folder is inside the checkout, and a planted file could turn a failing example into "works":
each file carries a MAC (``"mac"``, over the canonical JSON of everything else) under this user's
secret, bound to the project root (``audit/cache/folder.py``). A file that does not verify is a
miss (one warning line per run); one of another format (an older content-audit) is a silent miss;
without a usable key the cache is off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from audit.atomic import write_text_atomic
from audit.cache.folder import mark_ignored, seal_for
from audit.errors import AuditError
from audit.examples.collect import ExampleSequence
from audit.model.example import ExampleResult

FORMAT = 2  # 2: sealed with a MAC
UNCACHED = frozenset({"timeout"})
_PROBE = (
    "import sys, importlib.metadata as m\n"
    "names = sorted({'%s==%s' % (d.metadata['Name'], d.version) for d in m.distributions()"
    " if d.metadata['Name']})\n"
    "print(sys.version)\nprint(sys.platform)\nprint('\\n'.join(names))\n"
)


def environment_fingerprint(interpreter: str) -> str:
    """The interpreter's version and installed distributions, hashed (once per run)."""
    try:
        done = subprocess.run(
            [interpreter, "-I", "-c", _PROBE],
            capture_output=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AuditError(f"cannot run the example interpreter {interpreter}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise AuditError(f"the example interpreter {interpreter} failed: {message[0]}")
    return hashlib.sha256(done.stdout).hexdigest()


def sequence_key(sequence: ExampleSequence, environment: str, options: dict[str, Any]) -> str:
    material = {
        "format": FORMAT,
        "path": sequence.path,
        "blocks": [
            [e.code_line, e.code, e.expected_output, e.timeout_s] for e in sequence.examples
        ],
        "environment": environment,
        "options": options,
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _canonical(data: dict[str, Any]) -> bytes:
    """What the MAC covers: the same bytes before writing and after reading back (tuples and
    lists both become arrays; floats round-trip)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


class ExampleCache:
    """Example results of the project at ``root``, in ``<root>/<cache_dir>/examples``."""

    def __init__(self, root: Path, cache_dir: str) -> None:
        self.root_folder = root / cache_dir
        self.folder = self.root_folder / "examples"
        self.seal = seal_for("examples", root, str(FORMAT), cache_dir)

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, sequence: ExampleSequence) -> list[ExampleResult] | None:
        if self.seal is None:
            return None
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError):  # RecursionError: planted deep nesting
            self.seal.reject()
            return None
        if not isinstance(data, dict):
            self.seal.reject()
            return None
        if data.get("format") != FORMAT:
            return None  # an older content-audit's file: it is rewritten after the run
        mac = data.pop("mac", None)
        if not self.seal.verify(_canonical(data), mac):
            return None
        try:
            if data.get("key") != key:
                return None
            rows = data["results"]
            if len(rows) != len(sequence.examples):
                return None
            out = []
            for row, example in zip(rows, sequence.examples, strict=True):
                row = dict(row)
                row["isolation"] = tuple(row.get("isolation", ()))
                row.update(
                    example_id=example.id,
                    path=example.path,
                    line=example.line,
                    section=example.section,
                    cached=True,
                )
                out.append(ExampleResult(**row))
            return out
        except (AttributeError, KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, results: list[ExampleResult]) -> None:
        if self.seal is None or any(r.status in UNCACHED for r in results):
            return
        rows = []
        for result in results:
            row = asdict(result)
            row["isolation"] = list(result.isolation)
            row["cached"] = False
            rows.append(row)
        data: dict[str, Any] = {"format": FORMAT, "key": key, "results": rows}
        data["mac"] = self.seal.tag(_canonical(data)).hex()
        text = json.dumps(data, ensure_ascii=False)
        mark_ignored(self.root_folder)
        with contextlib.suppress(AuditError):  # a read-only cache folder must not fail the run
            write_text_atomic(self._file(key), text)
