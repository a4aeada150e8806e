"""Bad input: each case is a finding with a code and a position, the run goes on, no traceback.

The IO family (IO001-IO010) and the parse findings that come with bad files (MD001, MD002, FM001,
XR005 on the same page). Files that would be awkward to check in (invalid UTF-8, binary, symlink
loops, a FIFO, a directory named x.md, a 65 MiB sparse file, CRLF, BOM) are generated in a
temporary project next to a normal page holding a planted broken link; each case asserts the
complete diagnostic list of its project, then its message and its severity.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_subprocess
from tests.rules.diagnostics import registered_severities

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


def _symlink_outside(bad: Path) -> None:
    outside = bad.parents[3] / "снаружи.md"  # next to the project, outside its content root
    outside.write_text("# Снаружи\n", encoding="utf-8")
    os.symlink(outside, bad)


def _directory(bad: Path) -> None:
    bad.mkdir()
    (bad / "внутри.txt").write_text("не Markdown", encoding="utf-8")


def _sparse_65_mib(bad: Path) -> None:
    """65 MiB that take no disk space: the size check must not read the file."""
    with open(bad, "wb") as handle:
        handle.write(b"# big\n")
        handle.truncate(65 * 2**20)


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
    "fifo": ("труба.md", os.mkfifo, [("IO001", 1, 1)]),
    "symlink-outside-root": ("ссылка-наружу.md", _symlink_outside, [("IO005", 1, 1)]),
    "directory-named-md": ("папка.md", _directory, [("IO006", 1, 1)]),
    "file-too-large": ("огромный.md", _sparse_65_mib, [("IO007", 1, 1)]),
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


def _diagnostics(root: Path) -> tuple[int, list[dict[str, Any]]]:
    run = run_subprocess(["check", "--format", "json"], root)
    assert "Traceback" not in run.err, run.err
    assert run.err == ""
    return run.code, json.loads(run.out)["diagnostics"]


def _keys(found: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    return sorted((d["code"], d["path"], d["line"], d["column"]) for d in found)


OUTSIDE = "{outside}"  # the absolute path of the symlink's target, known once the test runs

# case → (severity, message) of each finding on the bad file, in the order they are reported
MESSAGES: dict[str, list[tuple[str, str]]] = {
    "invalid-utf8": [
        (
            "error",
            "not valid UTF-8 (byte 0xcf at offset 32); "
            "invalid bytes were replaced to audit the rest",
        ),
        ("error", "broken link: 'нет.md' does not exist (resolved to content/llm/нет.md)"),
    ],
    "utf16": [("error", "file is UTF-16 encoded, not UTF-8")],
    "bom": [
        ("info", "file starts with a UTF-8 BOM"),
        ("error", "broken anchor: '#нет' is not a heading of this file"),
    ],
    "crlf": [
        ("info", "CRLF line endings"),
        ("error", "broken anchor: '#нет' is not a heading of this file"),
    ],
    "unclosed-fence": [("warning", "code fence ``` is never closed: the rest of the file is code")],
    "empty": [("warning", "empty file")],
    "whitespace-only": [("warning", "empty file")],
    "binary": [("error", "binary file: contains NUL bytes, not Markdown text")],
    "invalid-yaml": [("error", "invalid YAML: expected ',' or ']', but got '<stream end>'")],
    "escape-root": [
        (
            "error",
            "link '../../content-audit.yaml' leaves the content root "
            "(resolves to content-audit.yaml)",
        )
    ],
    "symlink-loop": [("error", "symlink loop")],
    "fifo": [("error", "not a regular file (a named pipe, socket or device)")],
    "symlink-outside-root": [("error", f"symlink points outside the content root: {OUTSIDE}")],
    "directory-named-md": [("warning", "a directory named like a Markdown file")],
    "file-too-large": [("error", "file is 68157440 bytes, above the 67108864 byte limit")],
    "punctuation-heading": [
        (
            "warning",
            f"heading '## {title}' has no letters or digits: its anchor is empty and mkdocs "
            f"gives it the id '_{n}', which changes when headings move",
        )
        for n, title in ((1, "???"), (2, "«»"))
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_finding_and_the_run_goes_on(tmp_path: Path, case: str) -> None:
    name, body, expected = CASES[case]
    root = _project(tmp_path)
    _create(root, name, body)
    code, found = _diagnostics(root)
    bad = f"content/llm/{name}"
    extra: list[tuple[str, str, int, int]] = []
    if case == "symlink-loop":
        extra = [("IO004", "content/llm/петля-а.md", 1, 1)]
    assert _keys(found) == sorted(
        [PLANTED, *extra, *((c, bad, line, col) for c, line, col in expected)]
    )
    outside = str((tmp_path / "снаружи.md").resolve())
    assert [(d["severity"], d["message"]) for d in found if d["path"] == bad] == [
        (severity, message.replace(OUTSIDE, outside)) for severity, message in MESSAGES[case]
    ]
    assert code == 1


def test_all_bad_inputs_in_one_tree(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected = [PLANTED, ("IO004", "content/llm/петля-а.md", 1, 1)]
    for name, body, findings in CASES.values():
        _create(root, name, body)
        expected.extend((c, f"content/llm/{name}", line, col) for c, line, col in findings)
    code, found = _diagnostics(root)
    assert _keys(found) == sorted(expected)
    assert code == 1
    # every finding at the severity its rule declares
    registered = registered_severities(root)
    wrong = {(d["code"], d["severity"]) for d in found if d["severity"] != registered[d["code"]]}
    assert wrong == set()
    text = run_subprocess(["check"], root)
    assert text.code == 1 and "Traceback" not in text.err
    assert "content/llm/материалы.md:3:8: XR001" in text.out


def test_a_directory_named_md_is_a_warning_as_its_rule_declares(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / GOOD).write_text("# Материалы\n\nТекст.\n", encoding="utf-8")
    _create(root, "папка.md", _directory)
    code, found = _diagnostics(root)
    assert [(d["code"], d["severity"]) for d in found] == [("IO006", "warning")]
    assert registered_severities(root)["IO006"] == "warning"
    assert code == 0  # a warning alone does not fail the check
