"""`report --write`: regenerates marker regions, idempotent, nothing outside the markers moves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tracker-seed-quirks"
TRACKER = "content/ml/пробелы-в-покрытии.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def _outside(text: str) -> tuple[str, str, str]:
    """The text before the first region, between the regions, and after the last one."""
    a = text.index("<!-- audit:begin tasks-per-subcategory -->")
    b = text.index("<!-- audit:end tasks-per-subcategory -->")
    c = text.index("<!-- audit:begin coverage-summary -->")
    d = text.index("<!-- audit:end coverage-summary -->")
    return text[:a], text[b:c], text[d:]


def test_write_regenerates_regions_and_keeps_everything_else(project: Path) -> None:
    path = project / TRACKER
    before = path.read_text(encoding="utf-8")
    main(["report", "--no-exec", "--write", "--format", "json"])
    after = path.read_text(encoding="utf-8")
    assert _outside(after) == _outside(before)
    assert "| Architecture | 1 | Хорошее |\n| Agents | 1 | Отличное |\n" in after
    assert "Broken row" not in after
    assert "Тестовый трек текущий coverage: ~29%" in after
    assert "- Agentic Systems — не хватает: qa_levels, practice_task" in after


def test_write_is_idempotent_and_fixes_the_figures_it_owns(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / TRACKER
    main(["report", "--no-exec", "--write", "--format", "json"])
    once = path.read_bytes()
    main(["report", "--no-exec", "--write", "--format", "json"])
    assert path.read_bytes() == once
    capsys.readouterr()
    main(["report", "--no-exec", "--format", "json"])
    out = capsys.readouterr().out
    assert "table row 'Agents' says 40" not in out
    assert "states coverage ~99%" not in out


def test_crlf_and_bom_survive(project: Path) -> None:
    path = project / TRACKER
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    main(["report", "--no-exec", "--write", "--format", "json"])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert "| Agents | 1 | Отличное |" in data.decode("utf-8")


def test_no_markers_no_write(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / TRACKER
    text = path.read_text(encoding="utf-8")
    stripped = "\n".join(line for line in text.split("\n") if "<!-- audit:" not in line)
    path.write_text(stripped, encoding="utf-8")
    assert main(["report", "--no-exec", "--write", "--format", "json"]) in (0, 1)
    assert path.read_text(encoding="utf-8") == stripped
    assert "no audit markers" in capsys.readouterr().err


def test_refuses_when_the_file_changed_after_it_was_read(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import audit.report.writeback as writeback

    path = project / TRACKER
    original = writeback.regenerate

    def author_saves_meanwhile(*args: object) -> object:
        path.write_text(path.read_text(encoding="utf-8") + "\nправка автора\n", encoding="utf-8")
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(writeback, "regenerate", author_saves_meanwhile)
    assert main(["report", "--no-exec", "--write", "--format", "json"]) == 2
    assert path.read_text(encoding="utf-8").endswith("\nправка автора\n")
    assert "| Agents | 40 | Отличное |" in path.read_text(encoding="utf-8")
    assert "changed on disk" in capsys.readouterr().err


def test_write_keeps_the_file_mode(project: Path) -> None:
    path = project / TRACKER
    path.chmod(0o640)
    main(["report", "--no-exec", "--write", "--format", "json"])
    assert "| Agents | 1 | Отличное |" in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o640


def test_new_report_files_are_readable(project: Path) -> None:
    main(["report", "--no-exec", "--output-dir", "out", "--format", "json"])
    assert (project / "out" / "report.json").stat().st_mode & 0o044 == 0o044
