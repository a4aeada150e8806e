"""The README's generated regions (rule table, config reference) stay in sync with the code.

`pytest tests/docs/test_readme_tables.py --update-golden` rewrites them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from audit.docs.readme_tables import (
    config_keys,
    config_markdown,
    replace_region,
    rules_markdown,
    sync_readme,
)
from audit.errors import AuditError
from audit.rules import all_rules
from tests.helpers import run_cli

README = Path(__file__).parents[2] / "README.md"


def test_readme_regions_match_the_registry_and_the_config(update_golden: bool) -> None:
    text = README.read_text(encoding="utf-8")
    synced = sync_readme(text, all_rules())
    if update_golden:
        README.write_text(synced, encoding="utf-8")
        return
    assert synced == text, (
        "README is stale: run `pytest tests/docs/test_readme_tables.py --update-golden`"
    )


def test_every_rule_and_config_key_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    rules = text.split("<!-- rules:begin -->")[1].split("<!-- rules:end -->")[0]
    assert re.findall(r"^\| `([A-Z]{2,3}\d{3})` \|", rules, re.M) == [r.code for r in all_rules()]
    config = text.split("<!-- config:begin -->")[1].split("<!-- config:end -->")[0]
    assert re.findall(r"^\| `([a-z_.]+)` \|", config, re.M) == [k for k, _ in config_keys()]


def test_every_config_key_is_described() -> None:
    missing = [key for key, text in config_keys() if not text]
    assert missing == [], f"describe these keys in audit/model/config.py or FIELD_NOTES: {missing}"


def test_rules_format_markdown_prints_the_table(tmp_path: Path) -> None:
    run = run_cli(["rules", "--format", "markdown"], tmp_path)
    assert run.code == 0 and run.out == rules_markdown(all_rules())
    assert run.out.startswith("| code | name | severity | stage | what it checks |\n")


def test_config_table_escapes_pipes_and_shows_patterns_as_written() -> None:
    row = next(
        line for line in config_markdown().splitlines() if line.startswith("| `task_id_pattern` |")
    )
    assert r"`\b(?:llm\|dl\|mlsd\|ml\|cv\|nlp\|mlops\|agents)_\d{3}(?!\d)" in row
    assert row.count(" | ") == 3  # four cells: no unescaped pipe split a cell


def test_region_markers_are_required_once() -> None:
    with pytest.raises(AuditError, match="rules:begin"):
        replace_region("no markers here", "rules", "x\n")
    twice = "<!-- rules:begin -->\n<!-- rules:end -->\n" * 2
    with pytest.raises(AuditError):
        replace_region(twice, "rules", "x\n")
    assert (
        replace_region("a\n<!-- rules:begin -->\nold\n<!-- rules:end -->\nb", "rules", "new\n")
        == "a\n<!-- rules:begin -->\nnew\n<!-- rules:end -->\nb"
    )


def test_readme_snippets_are_valid_and_name_real_hooks() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    parsed = [yaml.safe_load(block) for block in blocks]
    manifest = yaml.safe_load((README.parent / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook_ids = {hook["id"] for hook in manifest}
    assert hook_ids == {"content-audit", "content-audit-examples"}
    precommit = next(p for p in parsed if "repos" in p)
    assert {h["id"] for h in precommit["repos"][0]["hooks"]} <= hook_ids
    assert "content-audit-examples" in blocks[parsed.index(precommit)]  # shown, commented out
    workflow = next(p for p in parsed if "jobs" in p)
    steps = workflow["jobs"]["audit"]["steps"]
    assert {"run": "nox -s audit"} in steps
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "build/audit/"
