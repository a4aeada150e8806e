"""``plugins: [content-audit]`` in a real site built with ``mkdocs build``: findings in the log,
``--strict`` failing on them, a computed badge after every gap heading equal to the CLI's
status, and the author's files untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mkdocs_plugin.site import (
    badges_after_headings,
    build,
    cli_report,
    copy_site,
    read_page,
    set_plugin_options,
    tree_digest,
)

TRACKER_HTML = Path("site/04-llm/пробелы/index.html")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, dict, dict]:
    root = copy_site(tmp_path_factory.mktemp("site"))
    before = tree_digest(root)
    result = build(root)
    return root, result, before, tree_digest(root)


def test_a_plain_build_passes_and_logs_the_findings(built: tuple) -> None:
    _root, result, _before, _after = built
    assert result.returncode == 0, result.log
    lines = result.lines()
    # an error finding is a WARNING record with path:line:col CODE message
    assert (
        "WARNING -  content-audit: docs/04-llm/материалы.md:22:1 XR002 broken anchor: "
        "'#3-дистилляция' is not a heading of this file" in lines
    )
    # lower severities are INFO
    assert any(
        ln.startswith("INFO    -  content-audit: docs/04-llm/пробелы.md:") and " GP010 " in ln
        for ln in lines
    )


def test_a_link_mkdocs_already_warned_about_is_not_repeated(built: tuple) -> None:
    _root, result, _before, _after = built
    assert "contains a link '../tasks/llm_404_missing.md', but the target" in result.log
    assert not [ln for ln in result.lines() if " XR001 " in ln]


def test_pages_excluded_from_the_build_are_not_audited(built: tuple) -> None:
    _root, result, _before, _after = built
    assert "черновики" not in result.log


def test_strict_fails_on_the_findings(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    result = build(root, "--strict")
    assert result.returncode == 1
    assert "Aborted with" in result.log and "in strict mode" in result.log


def test_strict_passes_when_fail_on_is_not_reached(tmp_path: Path) -> None:
    """Without the broken anchor and the broken link, the site's findings are all info."""
    root = copy_site(tmp_path)
    page = root / "docs" / "04-llm" / "материалы.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace(" и в\n[несуществующем разделе](#3-дистилляция)", "")
    text = text.replace("\nСм. также [разбор задачи](../tasks/llm_404_missing.md).", "")
    page.write_text(text, encoding="utf-8")
    result = build(root, "--strict")
    assert result.returncode == 0, result.log
    assert result.lines() and all(ln.startswith("INFO") for ln in result.lines())


def test_every_gap_heading_carries_the_status_the_cli_computes(built: tuple) -> None:
    root, _result, _before, _after = built
    page = root / TRACKER_HTML
    badges = read_page(page).badges
    report = cli_report(root)
    gaps = [g for g in report["gaps"] if g["tracker"] == "docs/04-llm/пробелы.md"]  # type: ignore[index]
    assert len(gaps) == 3
    assert {b["data-gap-id"]: b["data-gap-status"] for b in badges} == {
        g["id"]: g["computed_status"] for g in gaps
    }
    assert {b["data-gap-id"]: b["data-gap-declared"] for b in badges} == {
        g["id"]: g["declared_status"] for g in gaps
    }
    assert len(badges) == len(gaps)  # one badge per gap
    # each badge sits right after its gap's heading
    assert [gap for _heading, gap in badges_after_headings(page)] == [g["id"] for g in gaps]
    assert [b["data-gap-status"] for b in badges] == ["covered", "partial", "none"]


def test_the_badge_text_and_the_unmet_requirements(built: tuple) -> None:
    root, _result, _before, _after = built
    html = (root / TRACKER_HTML).read_text(encoding="utf-8")
    assert "измерено: частично" in html and "заявлено: заполнено" in html
    assert (
        "<li>practice_task: no task file names this gap (front matter &#x27;gap: quantization"
        in html
    )
    assert "измерено: заполнено" in html


def test_the_tracker_page_states_its_claim_beside_the_measured_coverage(built: tuple) -> None:
    root, _result, _before, _after = built
    report = cli_report(root)
    track = next(b for b in report["coverage"]["by_track"] if b["name"] == "04-llm")  # type: ignore[index]
    summaries = read_page(root / TRACKER_HTML).summaries
    assert len(summaries) == 1
    assert summaries[0]["data-coverage-measured"] == f"{track['score']:.1f}"
    html = (root / TRACKER_HTML).read_text(encoding="utf-8")
    assert f"страница заявляет ~99%, измерено {track['score']:.1f}%" in html


def test_only_tracker_pages_get_badges(built: tuple) -> None:
    root, _result, _before, _after = built
    for page in ("site/04-llm/материалы/index.html", "site/index.html"):
        assert read_page(root / page).badges == []


def test_the_authors_files_are_byte_identical_after_the_build(built: tuple) -> None:
    root, _result, before, after = built
    assert before == after
    assert not list((root / "docs").rglob("*.css"))  # the stylesheet lives in the site only
    assert (root / "site" / "assets" / "content-audit" / "content-audit.css").is_file()


def test_the_markdown_is_never_changed_only_the_html(built: tuple) -> None:
    root, _result, _before, _after = built
    source = (root / "docs" / "04-llm" / "пробелы.md").read_text(encoding="utf-8")
    assert "data-gap-status" not in source


def test_labels_are_configurable(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    set_plugin_options(root, "labels:\n  measured: computed\n  partial: partly")
    result = build(root)
    assert result.returncode == 0, result.log
    assert "computed: partly" in (root / TRACKER_HTML).read_text(encoding="utf-8")


def test_badges_off(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    set_plugin_options(root, "badges: false")
    result = build(root)
    assert result.returncode == 0, result.log
    assert read_page(root / TRACKER_HTML).badges == []
    assert result.lines()  # the findings are still logged


def test_an_unknown_option_is_a_config_error_of_mkdocs(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    set_plugin_options(root, "fail_on: sometimes")
    result = build(root)
    assert result.returncode == 1
    assert "fail_on" in result.log


def test_material_theme_builds_strict_clean_but_for_the_findings(tmp_path: Path) -> None:
    root = copy_site(tmp_path, material=True)
    result = build(root)
    assert result.returncode == 0, result.log
    page = root / TRACKER_HTML
    assert len(read_page(page).badges) == 3
    assert "assets/content-audit/content-audit.css" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fail_on", "level"), [("error", "INFO"), ("warning", "WARNING")])
def test_fail_on_decides_which_severities_are_mkdocs_warnings(
    tmp_path: Path, fail_on: str, level: str
) -> None:
    root = copy_site(tmp_path)
    config = root / "content-audit.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "rules:\n  severity:\n    GP010: warning\n",
        encoding="utf-8",
    )
    set_plugin_options(root, f"fail_on: {fail_on}")
    result = build(root)
    assert result.returncode == 0, result.log
    gp010 = [ln for ln in result.lines() if " GP010 " in ln]
    assert len(gp010) == 1 and gp010[0].startswith(level), gp010


def test_a_plain_build_leaves_no_cache_behind(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    assert build(root).returncode == 0
    assert not (root / ".content-audit-cache").exists()
