"""No lost work: `report --write` under interleaved author edits; bytes outside the markers.

Extends tests/report/test_writeback.py (regeneration, idempotence, an edit during regeneration)
with the other moments an author can save: after the audit read the file and before --write
starts, while the new bytes are being flushed (right before the rename), or by deleting the file;
with trackers that are not valid UTF-8; and byte-for-byte checks of everything outside the
markers for LF, CRLF, BOM, no final newline and Unicode line separators.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import audit.atomic
import audit.pipeline
from audit.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tracker-seed-quirks"
TRACKER = "content/ml/пробелы-в-покрытии.md"
BEGIN = b"<!-- audit:begin tasks-per-subcategory -->"
END = b"<!-- audit:end coverage-summary -->"
AUTHOR = "\nПравка автора, сохранённая во время аудита.\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".content-audit-cache"))
    monkeypatch.chdir(root)
    return root


def write(capsys: pytest.CaptureFixture[str]) -> str:
    main(["report", "--no-exec", "--write", "--format", "json"])
    return capsys.readouterr().err


def author_saves(path: Path) -> bytes:
    path.write_bytes(path.read_bytes() + AUTHOR.encode("utf-8"))
    return path.read_bytes()


def test_edit_after_the_audit_read_is_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / TRACKER
    saved: list[bytes] = []
    real = audit.pipeline.full_audit

    def audit_then_author_saves(*args: object, **kwargs: object) -> audit.pipeline.Audit:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        saved.append(author_saves(path))
        return result

    monkeypatch.setattr(audit.pipeline, "full_audit", audit_then_author_saves)
    err = write(capsys)
    assert path.read_bytes() == saved[0], "the author's text must survive byte for byte"
    assert "changed on disk since it was read; not written" in err


def test_edit_while_the_new_bytes_are_flushed_is_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The author saves after the new file is written and fsynced, right before the rename."""
    path = project / TRACKER
    saved: list[bytes] = []
    real_fsync = os.fsync

    def fsync_then_author_saves(fd: int) -> None:
        real_fsync(fd)
        if not saved:
            saved.append(author_saves(path))

    monkeypatch.setattr(audit.atomic.os, "fsync", fsync_then_author_saves)
    err = write(capsys)
    assert saved, "the write reached the flush"
    assert path.read_bytes() == saved[0]
    assert "changed on disk since it was read; not written" in err
    assert sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_tracker_deleted_before_the_write_is_not_recreated(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / TRACKER
    real = audit.pipeline.full_audit

    def audit_then_delete(*args: object, **kwargs: object) -> audit.pipeline.Audit:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        path.unlink()
        return result

    monkeypatch.setattr(audit.pipeline, "full_audit", audit_then_delete)
    err = write(capsys)
    assert not path.exists()
    assert "not written" in err
    assert "Traceback" not in err and "internal error" not in err


def test_tracker_with_invalid_utf8_is_refused_untouched(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / TRACKER
    data = path.read_bytes().replace(b"\n\n", b"\n\n\xff\xfe \n\n", 1)
    path.write_bytes(data)
    err = write(capsys)
    assert path.read_bytes() == data
    assert "not valid UTF-8; not written" in err
    assert "internal error" not in err


def _variants() -> list[object]:
    def lf(b: bytes) -> bytes:
        return b

    def crlf(b: bytes) -> bytes:
        return b.replace(b"\n", b"\r\n")

    def bom_crlf(b: bytes) -> bytes:
        return b"\xef\xbb\xbf" + crlf(b)

    def no_final_newline(b: bytes) -> bytes:
        return b.rstrip(b"\n")

    def separators(b: bytes) -> bytes:
        # U+2028, form feed, NEL and a lone CR before the markers: Markdown text, not line ends
        odd = "Абзац\u2028с разделителем\x0cи\x85NEL.\n\nСтрока с CR\rвнутри.\n\n".encode()
        return b.replace(b"## ", odd + b"## ", 1)

    return [
        pytest.param(f, id=f.__name__) for f in (lf, crlf, bom_crlf, no_final_newline, separators)
    ]


@pytest.mark.parametrize("variant", _variants())
def test_bytes_outside_the_markers_never_change(
    project: Path, variant: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / TRACKER
    before = variant(path.read_bytes())  # type: ignore[operator]
    path.write_bytes(before)
    err = write(capsys)
    after = path.read_bytes()
    assert "rewrote" in err, err
    head = before[: before.index(BEGIN)]
    tail = before[before.index(END) :]
    assert after.startswith(head)
    assert after.endswith(tail)
    middle = after[len(head) : len(after) - len(tail)]
    if b"\r\n" in before:  # the regenerated lines follow the file's line endings
        assert b"\n" not in middle.replace(b"\r\n", b"")
    stat = path.stat()
    write(capsys)  # idempotent: the second run does not even rewrite the file
    assert path.read_bytes() == after
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
