"""Benchmark of ``mkdocs serve`` rebuilds with the content-audit plugin:
``python -m bench.mkdocs_serve [--files 1000] [--json PATH]``.

Generates a ``bench.corpus`` site (``docs_dir: content``), then, in one process the way
``mkdocs serve`` does it (the config reloaded per build, the plugin instance kept because it
defines ``on_startup``): a first build, then three rebuilds each after editing one page. Reports
the whole build's wall clock and the plugin's audit share of it (what a save costs on top of
mkdocs' own rendering), and a build without the plugin for comparison.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import generate

MKDOCS_YML = """site_name: bench
docs_dir: content
theme:
  name: mkdocs
markdown_extensions:
  - toc:
      slugify: !!python/name:markdown.extensions.toc.slugify_unicode
plugins:
{plugins}
"""


class _Count(logging.Handler):
    """Counts records instead of printing thousands of findings (printing is not measured)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


def _site(folder: Path, files: int, plugin: bool) -> Path:
    generate(folder, files, seed=0)
    plugins = "  - content-audit" if plugin else "  []"
    if not plugin:
        text = MKDOCS_YML.replace("plugins:\n{plugins}\n", "plugins: []\n")
    else:
        text = MKDOCS_YML.format(plugins=plugins)
    yml = folder / "mkdocs.yml"
    yml.write_text(text, encoding="utf-8")
    return yml


def _build(yml: Path, site_dir: Path) -> tuple[float, Any]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(yml), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    started = time.perf_counter()
    build(config)
    seconds = time.perf_counter() - started
    plugin = next(
        (p for name, p in config.plugins.items() if name == "content-audit"),
        None,
    )
    return seconds, plugin


def _edit(folder: Path, round_: int) -> str:
    manifest = json.loads((folder / "corpus-manifest.json").read_text(encoding="utf-8"))
    rel = str(manifest["linked_heading"]["path"])
    path = folder / rel
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nПравка номер {round_}: ещё один абзац для пересборки.\n")
    return rel


def run(files: int) -> dict[str, Any]:
    counter = _Count()
    mk = logging.getLogger("mkdocs")
    mk.addHandler(counter)
    mk.propagate = False
    mk.setLevel(logging.INFO)
    out: dict[str, Any] = {"files": files}
    with tempfile.TemporaryDirectory(prefix="bench-mkdocs-") as tmp:
        base = Path(tmp)
        # the site is written first and the comparison build runs meanwhile: its files are then
        # as old as a real site's (a file modified within the engine's racy window of a run is
        # re-read and re-hashed on the next one, whatever its stat says)
        yml = _site(base / "site", files, plugin=True)
        plain = _site(base / "plain", files, plugin=False)
        out["build_without_plugin_s"] = round(_build(plain, base / "plain-site")[0], 3)
        first, plugin = _build(yml, base / "site-out")
        assert plugin is not None, "the content-audit plugin was not loaded"
        out["first_build_s"] = round(first, 3)
        out["first_audit_s"] = round(plugin.last_audit_seconds, 3)
        out["records_logged"] = counter.count
        rebuilds = []
        for round_ in (1, 2, 3):
            edited = _edit(base / "site", round_)
            seconds, again = _build(yml, base / "site-out")
            assert again is plugin, "mkdocs did not keep the plugin instance across rebuilds"
            rebuilds.append(
                {
                    "edited": edited,
                    "build_s": round(seconds, 3),
                    "audit_s": round(plugin.last_audit_seconds, 3),
                    "parsed": plugin.last_parsed,
                    "path": plugin.last_path,
                }
            )
        out["rebuilds"] = rebuilds
    if counter.errors:  # a number measured around an internal error would be meaningless
        raise SystemExit("the plugin logged errors:\n" + "\n".join(counter.errors))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mkdocs_serve", description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    numbers = run(args.files)
    print(json.dumps(numbers, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(numbers, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
