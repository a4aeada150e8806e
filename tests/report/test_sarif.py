"""SARIF 2.1.0: validated with jsonschema against tests/schemas/sarif-2.1.0-subset.schema.json (a
hand-written subset of the official schema; see its description), plus exact content checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from audit.report import ARTIFACTS, sarif
from audit.rules import all_rules
from tests.report.sample import MATERIALS, sample_model

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "schemas" / "sarif-2.1.0-subset.schema.json").read_text(
        encoding="utf-8"
    )
)


def validate(data: Any) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)


def test_registered_as_an_artifact() -> None:
    assert ARTIFACTS["sarif"] == ("report.sarif", sarif.render)


def test_valid_against_the_schema() -> None:
    for model in (sample_model(), sample_model(baseline=True)):
        validate(json.loads(sarif.render(model)))


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(version="2.0.0"),
        lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].pop("id"),
        lambda d: d["runs"][0]["results"][0].pop("ruleId"),
        lambda d: d["runs"][0]["results"][0]["message"].pop("text"),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(
            startLine=0
        ),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"
        ].update(uri="content/ml/материалы.md"),
        lambda d: d["runs"][0]["results"][0].update(baselinestate="new"),
    ],
)
def test_schema_rejects_broken_documents(breakage: Any) -> None:
    """The schema is not vacuous: each required piece, removed or misspelled, fails it."""
    data = json.loads(sarif.render(sample_model()))
    broken = copy.deepcopy(data)
    breakage(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_rules_are_the_registry_with_their_documentation() -> None:
    data = json.loads(sarif.render(sample_model()))
    run = data["runs"][0]
    assert data["version"] == "2.1.0" and data["$schema"].startswith("https://")
    rules = run["tool"]["driver"]["rules"]
    registry = all_rules()
    assert [r["id"] for r in rules] == [r.code for r in registry]
    for emitted, rule in zip(rules, registry, strict=True):
        assert emitted["help"]["text"] == rule.doc
        assert "What it checks" in emitted["help"]["text"] or rule.family == "parse"
        assert emitted["name"] == rule.name
        assert (
            emitted["defaultConfiguration"]["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        )


def test_results_with_rule_level_and_region() -> None:
    run = json.loads(sarif.render(sample_model()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("XR001", "error"),
        ("XR002", "error"),
        ("GP010", "warning"),
        ("ZZ999", "note"),
    ]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "XR001"
    assert "ruleIndex" not in results[3]  # a code the registry does not have
    location = first["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 22, "startColumn": 55}
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    uri = location["artifactLocation"]["uri"]
    assert uri.isascii() and not uri.startswith("/") and unquote(uri) == MATERIALS
    assert first["message"]["text"] == (
        "broken link: '../tasks/ml_009_memory.md' does not exist (check the path)"
    )
    assert run["columnKind"] == "unicodeCodePoints"
    assert "baselineState" not in first


def test_baseline_state_and_run_properties() -> None:
    run = json.loads(sarif.render(sample_model(baseline=True)))["runs"][0]
    states = [(r["ruleId"], r["baselineState"]) for r in run["results"]]
    assert states == [
        ("XR001", "new"),
        ("XR002", "unchanged"),
        ("GP010", "unchanged"),
        ("ZZ999", "unchanged"),
    ]
    baseline = run["properties"]["baseline"]
    assert baseline["coverageDelta"] == -8.3 and baseline["regressed"] is True
    assert baseline["newFindings"] == 1 and baseline["fixedFindings"] == 1
