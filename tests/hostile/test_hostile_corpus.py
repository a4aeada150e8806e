"""The hostile corpus: inputs built to crash, hang or exhaust the audit.

Each case puts one hostile file (or config) into a project next to an ordinary page with a planted
broken link, runs the real CLI in a subprocess under an address-space limit and a hang guard, and
checks that

- the hostile input gives its expected finding (or a clear exit 2 naming the key, for configs);
- the ordinary neighbour is still audited (its planted XR001 is reported);
- nothing crashes: no "Traceback", no "internal error", and the JSON report validates.

Small cases are committed under tests/fixtures/hostile/; big ones (20 MB, 100,000 lines, 1 MB
lines, 10,000 gaps ...) and the ones git cannot hold (symlinks, FIFOs, undecodable file names,
directories named x.md) are generated in tmp_path. The timeout is a hang detector, not a speed
test (speed is measured by `nox -s bench`).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest

from audit.model.report import ReportModel
from tests.unprivileged import command_prefix, hand_over, unprivileged_folder

PROJECT = Path(__file__).parent.parent.parent
HOSTILE = PROJECT / "tests" / "fixtures" / "hostile"
SCHEMA_FILE = PROJECT / "schema" / "report.schema.json"

MEMORY_LIMIT = 2 * 1024**3  # RLIMIT_AS of the audited process: bounded memory
HANG_GUARD_S = 300  # generous on a shared 2-core machine; a hang, not slowness, fails this
# wall-time bound of the one-big-page cases: they take 5-40 s on the shared machine, their
# quadratic versions took 130 s to over 300 s
COMPLEXITY_BOUND_S = 90

NEIGHBOUR = "content/llm/сосед.md"
NEIGHBOUR_TEXT = "# Обычная страница\n\nСсылка в никуда: [сломано](нет-такого-файла.md).\n"
NEIGHBOUR_FINDING = ("XR001", NEIGHBOUR, 3)

Expected = tuple[str, str] | tuple[str, str, int]  # (code, path) or (code, path, line)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]  # writes the hostile input into the project root
    expect: tuple[Expected, ...] = ()
    exit_code: int | None = None  # None: 0 or 1 (a normal audit)
    stderr_has: tuple[str, ...] = ()
    count: dict[str, int] = field(default_factory=dict)  # code -> exact number of findings
    command: tuple[str, ...] = ("report", "--no-exec", "--no-cache", "-j", "1", "--format", "json")
    slow: bool = False
    # a bound on the audit's wall time for the cases that test complexity (a quadratic lookup
    # takes minutes there, a linear one seconds): generous, it is no speed test
    time_limit_s: float | None = None


# ------------------------------------------------------------------------------------- builders
def _write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def committed(name: str, rel: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        _write(root, rel, (HOSTILE / name).read_bytes())

    return build


def config_file(name: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        shutil.copyfile(HOSTILE / name, root / "content-audit.yaml")

    return build


def text(rel: str, make: Callable[[], str]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        _write(root, rel, make())

    return build


def _twenty_mb() -> str:
    block = (
        "## {n}. Раздел номер {n}\n\nОбычный абзац с [внешней ссылкой](https://example.com/"
        "{n}) и словами на кириллице и latin words, `code` и **жирный** текст.\n\n"
        "- пункт один\n- пункт два\n  - вложенный\n\n> цитата\n\n"
        "```python\nprint({n})\n```\n\n"
    )
    parts = ["# Двадцать мегабайт\n\n"]
    size, n = 0, 0
    while size < 20 * 1024 * 1024:
        chunk = block.format(n=n)
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        n += 1
    parts.append("[в конце](нет-файла.md)\n")
    return "".join(parts)


def _hundred_k_lines() -> str:
    lines = [f"Строка {i}: текст." if i % 7 else "" for i in range(1, 100_000)]
    return "\n".join(["# Сто тысяч строк", *lines[1:], "[последняя](нет-файла.md)"]) + "\n"


def _tracker_10000_gaps() -> str:
    out = ["# Пробелы в покрытии трека", "", "## КРИТИЧЕСКИЕ GAPS", ""]
    for i in range(1, 10_001):
        out += [f"### {i}. Пробел {i} — НЕТ", "", f"Что спрашивают: - тема {i}", ""]
    out += ["### 77. Повтор номера — НЕТ", "", "Что спрашивают: - повтор", ""]
    return "\n".join(out)


def symlink(rel: str, target: str | Callable[[Path], Path]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(root) if callable(target) else target)

    return build


def _symlink_loop(root: Path) -> None:
    folder = root / "content" / "llm"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "петля-а.md").symlink_to("петля-б.md")
    (folder / "петля-б.md").symlink_to("петля-а.md")


def _outside(root: Path) -> Path:
    target = root.parent / "outside.md"
    target.write_text("# Снаружи\n", encoding="utf-8")
    return target


def _fifo(root: Path) -> None:
    folder = root / "content" / "llm"
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "труба.md")


def _undecodable_name(root: Path) -> None:
    folder = root / "content" / "llm"
    folder.mkdir(parents=True, exist_ok=True)
    name = os.fsencode(str(folder)) + b"/\xff\xfe-name.md"
    with open(name, "wb") as handle:
        handle.write("# Имя не в UTF-8\n\n[x](нет.md)\n".encode())


def _unreadable(root: Path) -> None:
    path = root / "content" / "llm" / "закрыто.md"
    _write(root, "content/llm/закрыто.md", "# Закрыто\n")
    path.chmod(0)


def _dir_named_md(root: Path) -> None:
    (root / "content" / "llm" / "папка.md").mkdir(parents=True)
    _write(root, "content/llm/папка.md/внутри.txt", "not markdown")


def _huge_anchor() -> str:
    return "\n".join(
        [
            "---",
            "base: &big " + "ж" * 70_000,
            "copies:",
            *["  - *big"] * 10,
            "---",
            "",
            "# Большой якорь",
            "",
        ]
    )


def _many_headings() -> str:
    heads = "".join(f"## Повтор\n\nтекст {i}\n\n" for i in range(10_000))
    return (
        "# Десять тысяч одинаковых заголовков\n\n[последний](#повтор_9999) "
        "[мимо](#повтор_10000)\n\n" + heads
    )


def _same_headings_50000() -> str:
    # every link resolves to the first heading's anchor: the page's anchors were rebuilt per link
    heads = "".join("## Раздел\n\n[к разделу](#раздел)\n\n" for _ in range(50_000))
    return "# Раздел за разделом\n\n" + heads + "[мимо](#нет-такого-раздела)\n"


def _links_50000() -> str:
    lines = "".join(
        f"Строка {i}: [к разделу](#раздел) и [сосед](сосед.md)\n" for i in range(25_000)
    )
    return "# Ссылки\n\n## Раздел\n\n" + lines + "\n[мимо](нет-файла.md)\n"


def _footnotes_50000() -> str:
    refs = "".join(f"Утверждение {i}[^{i}].\n" for i in range(50_000))
    notes = "".join(f"[^{i}]: Сноска номер {i}.\n" for i in range(50_000))
    return "# Сноски\n\n" + refs + "\n" + notes + "\n[мимо](нет-файла.md)\n"


def _admonitions_10000() -> str:
    body = "".join(
        f'!!! note "Заметка {i}"\n    Тело со [ссылкой](#раздел) и `кодом`.\n\n'
        for i in range(10_000)
    )
    return "# Заметки\n\n## Раздел\n\n" + body + "[мимо](нет-файла.md)\n"


def _table_rows_10000() -> str:
    rows = "".join(f"| тема {i} | [к разделу](#раздел) |\n" for i in range(10_000))
    return (
        "# Таблица\n\n## Раздел\n\n| Тема | Ссылка |\n|------|--------|\n"
        + rows
        + "| конец | [мимо](нет-файла.md) |\n"
    )


def _suppressions_50000() -> str:
    body = "".join(
        f"<!-- audit: ignore XR001 -->\nАбзац {i}: [нет](нет-{i}.md)\n\n" for i in range(50_000)
    )
    return "# Подавления\n\n" + body + "[мимо](нет-файла.md)\n"


CASES: list[Case] = [
    # encodings and bytes
    Case(
        "invalid-utf8-middle",
        committed("invalid-utf8-middle.md", "content/llm/битые-байты.md"),
        (("IO002", "content/llm/битые-байты.md", 4), ("XR001", "content/llm/битые-байты.md", 5)),
    ),
    Case(
        "utf16-le-bom",
        committed("utf16-le.md", "content/llm/utf16.md"),
        (("IO002", "content/llm/utf16.md", 1),),
    ),
    Case(
        "utf16-be-no-bom",
        committed("utf16-be-no-bom.md", "content/llm/utf16be.md"),
        (("IO003", "content/llm/utf16be.md"),),
    ),
    Case(
        "nul-bytes",
        committed("nul-bytes.md", "content/llm/nul.md"),
        (("IO003", "content/llm/nul.md", 3),),
    ),
    Case(
        "crlf-and-bom",
        committed("crlf-bom.md", "content/llm/crlf.md"),
        (
            ("IO008", "content/llm/crlf.md", 1),
            ("IO009", "content/llm/crlf.md", 1),
            ("XR001", "content/llm/crlf.md", 3),
        ),
    ),
    Case(
        "empty-file",
        text("content/llm/пусто.md", lambda: ""),
        (("IO010", "content/llm/пусто.md", 1),),
    ),
    Case(
        "whitespace-only",
        text("content/llm/пробелы.md", lambda: " \n\t\n\n   \n"),
        (("IO010", "content/llm/пробелы.md", 1),),
    ),
    Case(
        "undecodable-file-name", _undecodable_name, (("IO002", "content/llm/\ufffd\ufffd-name.md"),)
    ),
    # size
    Case(
        "file-20mb",
        text("content/llm/большой.md", _twenty_mb),
        (("XR001", "content/llm/большой.md"),),
        slow=True,
    ),
    Case(
        "file-above-size-limit",
        lambda root: _sparse(root, "content/llm/огромный.md", 65 * 2**20),
        (("IO007", "content/llm/огромный.md", 1),),
    ),
    Case(
        "lines-100000",
        text("content/llm/строки.md", _hundred_k_lines),
        (("XR001", "content/llm/строки.md", 100_000),),
        slow=True,
    ),
    Case(
        "single-line-1mb",
        text("content/llm/строка.md", lambda: "слово " * 180_000 + "[конец](нет-файла.md)\n"),
        (("XR001", "content/llm/строка.md", 1),),
    ),
    Case(
        "single-line-1mb-brackets",
        text("content/llm/скобки.md", lambda: "[x](нет-файла.md) " + "]( " * 350_000 + "\n"),
        (("XR001", "content/llm/скобки.md", 1),),
    ),
    Case(
        "heading-10000-chars",
        text(
            "content/llm/заголовок.md",
            lambda: "# " + "длинный" * 1430 + "\n\n[мимо](#нет-такого-якоря)\n",
        ),
        (("XR002", "content/llm/заголовок.md", 3),),
    ),
    Case(
        "links-5000",
        text(
            "content/llm/ссылки.md",
            lambda: (
                "# Ссылки\n\n" + "".join(f"[ссылка {i}](нет-{i}.md) " for i in range(5000)) + "\n"
            ),
        ),
        count={"XR001": 5001},
    ),
    Case(
        "links-50000-entities",
        text(
            "content/llm/сущности.md",
            lambda: (
                "# Сущности\n\n" + "".join(f"[a{i}](b&amp;c{i}.md) " for i in range(50_000)) + "\n"
            ),
        ),
        count={"XR001": 50_001},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,  # a link's position must not cost its line's length
    ),
    Case(
        "headings-10000-duplicates",
        text("content/llm/повторы.md", _many_headings),
        (("XR002", "content/llm/повторы.md", 3),),
        count={"XR002": 1},
    ),
    # one big page: every per-link and per-heading lookup must be built once per page
    Case(
        "headings-50000-same-name",
        text("content/llm/разделы.md", _same_headings_50000),
        (("XR002", "content/llm/разделы.md", 200_003),),
        count={"XR002": 1},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,
    ),
    Case(
        "links-50000-lines",
        text("content/llm/много-ссылок.md", _links_50000),
        (("XR001", "content/llm/много-ссылок.md", 25_006),),
        count={"XR001": 2, "XR002": 0},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,
    ),
    Case(
        "footnotes-50000",
        text("content/llm/сноски.md", _footnotes_50000),
        (("XR001", "content/llm/сноски.md", 100_005),),
        count={"XR001": 2},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,
    ),
    Case(
        "admonitions-10000",
        text("content/llm/заметки.md", _admonitions_10000),
        (("XR001", "content/llm/заметки.md", 30_005),),
        count={"XR001": 2, "XR002": 0},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,
    ),
    Case(
        "table-rows-10000",
        text("content/llm/таблица.md", _table_rows_10000),
        (("XR001", "content/llm/таблица.md", 10_007),),
        count={"XR001": 2, "XR002": 0},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,
    ),
    Case(
        "suppressions-50000",
        text("content/llm/подавления.md", _suppressions_50000),
        (("XR001", "content/llm/подавления.md", 150_003),),
        count={"XR001": 2},
        slow=True,
        time_limit_s=COMPLEXITY_BOUND_S,
    ),
    # nesting
    Case(
        "nested-list-10000",
        text("content/llm/список.md", lambda: "- " * 10_000 + "[глубоко](нет-файла.md)\n"),
        (("XR001", "content/llm/список.md", 1),),
    ),
    Case(
        "nested-quote-10000",
        text("content/llm/цитата.md", lambda: "> " * 10_000 + "[глубоко](нет-файла.md)\n"),
        (("XR001", "content/llm/цитата.md", 1),),
    ),
    Case(
        "nested-quote-list-mixed",
        text("content/llm/смесь.md", lambda: "> 1. - " * 3_400 + "[глубоко](нет-файла.md)\n"),
        (("XR001", "content/llm/смесь.md", 1),),
    ),
    Case(
        "nested-list-indented-2000",
        text(
            "content/llm/лесенка.md",
            lambda: (
                "".join("  " * i + "- пункт\n" for i in range(2000)) + "\n[внизу](нет-файла.md)\n"
            ),
        ),
        (("XR001", "content/llm/лесенка.md", 2002),),
    ),
    Case(
        "unclosed-fence-1mb",
        text("content/llm/забор.md", lambda: "# Забор\n\n```python\n" + "x = 1\n" * 170_000),
        (("MD001", "content/llm/забор.md", 3),),
    ),
    # links and paths
    Case(
        "encoded-cyrillic-anchors",
        committed("links-encoded-cyrillic.md", "content/llm/якоря.md"),
        (("XR002", "content/llm/якоря.md", 7),),
        count={"XR002": 1},
    ),
    Case(
        "link-dotdot",
        committed("links-dotdot.md", "content/llm/наружу.md"),
        (("XR005", "content/llm/наружу.md", 3),),
    ),
    Case(
        "link-absolute",
        committed("links-absolute.md", "content/llm/абсолют.md"),
        (("XR005", "content/llm/абсолют.md", 3),),
    ),
    Case(
        "symlink-outside-root",
        symlink("content/llm/наружу-ссылка.md", _outside),
        (("IO005", "content/llm/наружу-ссылка.md", 1),),
    ),
    Case(
        "symlink-to-etc",
        symlink("content/llm/passwd.md", "/etc/passwd"),
        (("IO005", "content/llm/passwd.md", 1),),
    ),
    Case(
        "symlink-loop",
        _symlink_loop,
        (("IO004", "content/llm/петля-а.md"), ("IO004", "content/llm/петля-б.md")),
    ),
    Case(
        "symlink-dangling",
        symlink("content/llm/висячая.md", "нет-такого.md"),
        (("IO004", "content/llm/висячая.md"),),
    ),
    Case("directory-named-md", _dir_named_md, (("IO006", "content/llm/папка.md"),)),
    Case("fifo-named-md", _fifo, (("IO001", "content/llm/труба.md"),)),
    Case("unreadable-file", _unreadable, (("IO001", "content/llm/закрыто.md"),)),
    # front matter
    Case(
        "fm-billion-laughs",
        committed("fm-billion-laughs.md", "content/llm/смешки.md"),
        (("FM003", "content/llm/смешки.md"),),
    ),
    Case(
        "fm-deep-sequences",
        committed("fm-deep-nesting.md", "content/llm/вложенность.md"),
        (("FM003", "content/llm/вложенность.md"),),
    ),
    Case(
        "fm-deep-mappings",
        committed("fm-deep-mapping.md", "content/llm/словари.md"),
        (("FM003", "content/llm/словари.md"),),
    ),
    Case(
        "fm-huge-anchor",
        text("content/llm/якорь.md", _huge_anchor),
        (("FM003", "content/llm/якорь.md"),),
    ),
    Case(
        "fm-many-aliases",
        committed("fm-many-aliases.md", "content/llm/алиасы.md"),
        (("FM003", "content/llm/алиасы.md"),),
    ),
    Case(
        "fm-not-mapping",
        committed("fm-not-mapping.md", "content/llm/список-fm.md"),
        (("FM002", "content/llm/список-fm.md"),),
    ),
    Case(
        "fm-invalid-yaml",
        committed("fm-invalid-yaml.md", "content/llm/плохой-yaml.md"),
        (("FM001", "content/llm/плохой-yaml.md"),),
    ),
    # trackers
    Case(
        "tracker-10000-gaps",
        text("content/llm/пробелы-в-покрытии.md", _tracker_10000_gaps),
        (("GP009", "content/llm/пробелы-в-покрытии.md", 40_005),),
        count={"GP009": 1},
        slow=True,
    ),
    Case(
        "tracker-gap-number-1e30",
        committed("tracker-huge-gap-number.md", "content/llm/пробелы-в-покрытии.md"),
        (
            ("GP009", "content/llm/пробелы-в-покрытии.md", 9),
            ("GP013", "content/llm/пробелы-в-покрытии.md", 13),
        ),
    ),
    # configs: exit 2 with the key named, no traceback
    Case(
        "config-unknown-key",
        config_file("config-unknown-key.yaml"),
        exit_code=2,
        stderr_has=("slug_stile", "unknown key", "content-audit.yaml:2"),
    ),
    Case(
        "config-wrong-types",
        config_file("config-wrong-type.yaml"),
        exit_code=2,
        stderr_has=("examples.timeout_s", "examples.jobs"),
    ),
    Case(
        "config-not-mapping",
        config_file("config-not-mapping.yaml"),
        exit_code=2,
        stderr_has=("must be a mapping",),
    ),
    Case(
        "config-invalid-yaml",
        config_file("config-invalid-yaml.yaml"),
        exit_code=2,
        stderr_has=("invalid YAML",),
    ),
    Case(
        "config-yaml-bomb",
        config_file("config-yaml-bomb.yaml"),
        exit_code=2,
        stderr_has=("content-audit.yaml",),
    ),
]


def _sparse(root: Path, rel: str, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space (the size check must not read it)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"# big\n")
        handle.truncate(size)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_audit(
    root: Path, args: tuple[str, ...], prefix: Sequence[str] = ()
) -> subprocess.CompletedProcess[bytes]:
    """``python -m audit ARGS`` in ``root``; ``prefix`` (setpriv ...) runs it as another user."""
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "PYTHONIOENCODING": "utf-8",
        "CONTENT_AUDIT_NO_EXEC": "1",
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "audit", *args],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=HANG_GUARD_S,
        check=False,
        preexec_fn=_limit_memory,
    )


def _params() -> list[object]:
    out: list[object] = []
    for case in CASES:
        marks: list[pytest.MarkDecorator] = []
        if case.slow:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def test_the_corpus_has_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        prefix: list[str] = []
        root = tmp_path / "project"
        if case.name == "unreadable-file":
            # root reads a file of mode 000: the audit runs as a user whom it stops
            prefix = command_prefix()
            root = stack.enter_context(unprivileged_folder()) / "project"
        _write(root, NEIGHBOUR, NEIGHBOUR_TEXT)
        case.build(root)
        if prefix:
            hand_over(root.parent)
        started = time.monotonic()
        proc = run_audit(root, case.command, prefix)
        elapsed = time.monotonic() - started
    stderr = proc.stderr.decode("utf-8", "replace")
    if case.time_limit_s is not None:
        assert elapsed < case.time_limit_s, f"{elapsed:.1f} s: not linear in the page's size"
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "internal error" not in stderr, stderr[-3000:]

    if case.exit_code is not None:
        assert proc.returncode == case.exit_code, stderr
        for needle in case.stderr_has:
            assert needle in stderr, stderr
        assert len(stderr.splitlines()) <= 40, "a config error is a short message, not a dump"
        return

    assert proc.returncode in (0, 1), stderr[-3000:]
    report = json.loads(proc.stdout.decode("utf-8"))
    _validate(report)
    found = [(d["code"], d["path"], d["line"]) for d in report["diagnostics"]]
    assert NEIGHBOUR_FINDING in found, "the rest of the corpus must still be audited"
    for expected in case.expect:
        if len(expected) == 3:
            assert expected in found, (expected, _near(found, expected[1]))
        else:
            assert any(f[:2] == expected for f in found), (expected, _near(found, expected[1]))
    for code, number in case.count.items():
        assert sum(1 for f in found if f[0] == code) == number, code


def _near(found: list[tuple[str, str, int]], path: str) -> list[tuple[str, str, int]]:
    return [f for f in found if f[1] == path][:20]


_SCHEMA: dict[str, object] | None = None


def _validate(report: dict[str, object]) -> None:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = (
            json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
            if SCHEMA_FILE.is_file()
            else ReportModel.model_json_schema()
        )
    jsonschema.validate(report, _SCHEMA)
