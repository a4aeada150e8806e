"""Real mkdocs builds of a copy of a fixture site (``python -m mkdocs build`` as a subprocess),
and the built tracker page read back: badges by gap id, the summary admonition."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures"
SITE = FIXTURES / "mkdocs-plugin-site"
MATERIAL_THEME = """theme:
  name: material
  font: false
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: light}
"""


@dataclass
class Build:
    returncode: int
    log: str

    def lines(self, marker: str = "content-audit: ") -> list[str]:
        return [ln for ln in self.log.splitlines() if marker in ln]


def copy_site(tmp: Path, fixture: Path = SITE, material: bool = False) -> Path:
    root = tmp / fixture.name
    shutil.copytree(fixture, root)
    if material:
        yml = root / "mkdocs.yml"
        text = yml.read_text(encoding="utf-8")
        yml.write_text(text.replace("theme:\n  name: mkdocs\n", MATERIAL_THEME), encoding="utf-8")
    return root


def set_plugin_options(root: Path, options: str) -> None:
    """Replace ``- content-audit`` in mkdocs.yml by ``- content-audit:`` with ``options``."""
    yml = root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    assert "  - content-audit\n" in text
    block = "  - content-audit:\n" + "".join(f"      {ln}\n" for ln in options.splitlines())
    yml.write_text(text.replace("  - content-audit\n", block), encoding="utf-8")


def build(root: Path, *args: str) -> Build:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr)


def cli_report(root: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "audit", "report", "--format", "json", "--no-exec"],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def tree_digest(folder: Path, skip: tuple[str, ...] = ("site", ".content-audit-cache")) -> dict:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in skip or not path.is_file():
            continue
        out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.badges: list[dict[str, str]] = []
        self.summaries: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-gap-status" in a:
            self.badges.append(a)
        if "content-audit-summary" in a.get("class", "").split():
            self.summaries.append(a)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def badges_after_headings(path: Path) -> list[tuple[str, str]]:
    """(heading id, gap id) for every badge that directly follows a heading's end tag."""
    html = path.read_text(encoding="utf-8")
    pattern = re.compile(
        r'<h[1-6] id="([^"]*)"[^>]*>(?:(?!</h[1-6]>).)*</h[1-6]>\s*'
        r'<div class="content-audit-badge[^"]*" data-gap-id="([^"]*)"',
        re.S,
    )
    return [(m.group(1), m.group(2)) for m in pattern.finditer(html)]
