"""Sites the plugin did not expect: unknown hooks generating pages, a tracker left out of the
nav, --dirty builds, a broken content-audit config. The build never breaks because of us."""

from __future__ import annotations

from pathlib import Path

from tests.mkdocs_plugin.site import build, copy_site, read_page, set_plugin_options, tree_digest

HOOK = '''"""A hook of the site's own: generates a page the plugin has never seen."""
from mkdocs.structure.files import File


def on_files(files, config):
    files.append(
        File.generated(
            config,
            "04-llm/сгенерировано.md",
            content="# Сгенерировано\\n\\nСсылка на [раздел](материалы.md#нет-такого).\\n",
        )
    )
    return files
'''


def _add_hook(root: Path) -> None:
    (root / "hooks.py").write_text(HOOK, encoding="utf-8")
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")


def test_pages_generated_by_a_hook_are_audited_from_memory(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    _add_hook(root)
    result = build(root)
    assert result.returncode == 0, result.log
    assert (
        "content-audit: docs/04-llm/сгенерировано.md:3:11 XR002 broken anchor: '#нет-такого' "
        "is not a heading of docs/04-llm/материалы.md" in result.log
    )
    assert not (root / "docs" / "04-llm" / "сгенерировано.md").exists()


def test_a_tracker_page_left_out_of_the_nav_still_gets_its_badges(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    yml = root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8").replace("      - Пробелы: 04-llm/пробелы.md\n", "")
    yml.write_text(text, encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.log
    assert len(read_page(root / "site/04-llm/пробелы/index.html").badges) == 3


def test_a_dirty_build_twice(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    before = tree_digest(root)
    assert build(root).returncode == 0
    result = build(root, "--dirty")
    assert result.returncode == 0, result.log
    assert len(read_page(root / "site/04-llm/пробелы/index.html").badges) == 3
    assert tree_digest(root) == before


def test_an_internal_error_is_one_error_line_and_the_build_goes_on(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    (root / "broken.yaml").write_text("thresholds: [1, 2\n", encoding="utf-8")
    set_plugin_options(root, "config: broken.yaml")
    result = build(root)
    assert result.returncode == 0, result.log
    errors = [ln for ln in result.log.splitlines() if ln.startswith("ERROR")]
    assert len(errors) == 1 and "content-audit" in errors[0], result.log
    assert "Traceback" not in result.log
    assert (root / "site/04-llm/пробелы/index.html").is_file()
    assert build(root, "--strict").returncode == 1


def test_the_coverage_page_is_generated_into_the_site_only(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    set_plugin_options(root, "coverage_page: coverage.md")
    yml = root / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "  - Главная: index.md\n", "  - Главная: index.md\n  - Покрытие: coverage.md\n"
        ),
        encoding="utf-8",
    )
    result = build(root, "--strict")
    assert "coverage.md" not in result.log  # in the nav, found, no warning about it
    html = (root / "site" / "coverage" / "index.html").read_text(encoding="utf-8")
    assert "Пробелы × требования" in html and "Speculative Decoding" in html
    assert "practice_task" in html and "Пороги" in html
    assert 'href="coverage/"' in (root / "site" / "index.html").read_text(encoding="utf-8")
    assert not (root / "docs" / "coverage.md").exists()
