"""Bad input: each case is a finding with a code and a position, the run goes on, no traceback.

Files that would be awkward to check in (invalid UTF-8, binary, symlink loops, CRLF, BOM) are
generated in a temporary project next to a normal page holding a planted broken link.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import run_subprocess

GOOD = "content/llm/материалы.md"
PLANTED = ("XR001", GOOD, 3, 8)


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "content" / "llm").mkdir(parents=True)
    (root / "content-audit.yaml").write_text("content_root: content\n", encoding="utf-8")
    (root / GOOD).write_text(
        "# Материалы\n\nСмотри [удалённое](нет-такого.md).\n", encoding="utf-8"
    )
    return root


def _symlink_loop(bad: Path) -> None:
    os.symlink("петля-б.md", bad.parent / "петля-а.md")
    os.symlink("петля-а.md", bad)


# name → (file to create under content/llm, bytes or a callable, expected (code, line, col) set)
CASES: dict[str, tuple[str, object, list[tuple[str, int, int]]]] = {
    "invalid-utf8": (
        "cp1251.md",
        "# Заголовок\n\nБайт: ".encode() + "Пр".encode("cp1251") + " [x](нет.md)\n".encode(),
        [("IO002", 3, 7), ("XR001", 3, 10)],
    ),
    "utf16": ("utf16.md", "# Заголовок\n".encode("utf-16"), [("IO002", 1, 1)]),
    "bom": (
        "бом.md",
        "\ufeff# Заголовок\n\n[битая](#нет)\n".encode(),
        [("IO008", 1, 1), ("XR002", 3, 1)],
    ),
    "crlf": (
        "crlf.md",
        "# Заголовок\r\n\r\nТекст [битая](#нет)\r\n".encode(),
        [("IO009", 1, 12), ("XR002", 3, 7)],
    ),
    "unclosed-fence": (
        "забор.md",
        "# Код\n\n```python\nprint(1)\n\n## Не заголовок\n".encode(),
        [("MD001", 3, 1)],
    ),
    "empty": ("пусто.md", b"", [("IO010", 1, 1)]),
    "whitespace-only": ("пробелы.md", b"  \n\n\t\n", [("IO010", 1, 1)]),
    "binary": ("картинка.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", [("IO003", 3, 1)]),
    "invalid-yaml": ("yaml.md", "---\ntitle: [незакрыто\n---\n# Т\n".encode(), [("FM001", 2, 18)]),
    "escape-root": (
        "наружу.md",
        "# Т\n\nСм. [конфиг](../../content-audit.yaml).\n".encode(),
        [("XR005", 3, 5)],
    ),
    "symlink-loop": ("петля-б.md", _symlink_loop, [("IO004", 1, 1)]),
    "punctuation-heading": (
        "знаки.md",
        "# Т\n\n## ???\n\n## «»\n".encode(),
        [("MD002", 3, 1), ("MD002", 5, 1)],
    ),
}


def _create(root: Path, name: str, body: object) -> Path:
    path = root / "content" / "llm" / name
    if callable(body):
        body(path)
    else:
        assert isinstance(body, bytes)
        path.write_bytes(body)
    return path


def _diagnostics(root: Path) -> tuple[int, list[tuple[str, str, int, int]], str]:
    run = run_subprocess(["check", "--format", "json"], root)
    assert "Traceback" not in run.err, run.err
    assert run.err == ""
    data = json.loads(run.out)
    found = [(d["code"], d["path"], d["line"], d["column"]) for d in data["diagnostics"]]
    return run.code, found, run.out


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_finding_and_the_run_goes_on(tmp_path: Path, case: str) -> None:
    name, body, expected = CASES[case]
    root = _project(tmp_path)
    _create(root, name, body)
    code, found, _ = _diagnostics(root)
    bad = f"content/llm/{name}"
    extra: list[tuple[str, str, int, int]] = []
    if case == "symlink-loop":
        extra = [("IO004", "content/llm/петля-а.md", 1, 1)]
    assert sorted(found) == sorted(
        [PLANTED, *extra, *((c, bad, line, col) for c, line, col in expected)]
    )
    assert code == 1


def test_all_bad_inputs_in_one_tree(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected = [PLANTED, ("IO004", "content/llm/петля-а.md", 1, 1)]
    for name, body, findings in CASES.values():
        _create(root, name, body)
        expected.extend((c, f"content/llm/{name}", line, col) for c, line, col in findings)
    code, found, _ = _diagnostics(root)
    assert sorted(found) == sorted(expected)
    assert code == 1
    text = run_subprocess(["check"], root)
    assert text.code == 1 and "Traceback" not in text.err
    assert "content/llm/материалы.md:3:8: XR001" in text.out
