"""SARIF 2.1.0: findings for code-scanning tools (GitHub code scanning, IDE viewers).

``tool.driver.rules`` is the rule registry (help text = the rule's documentation); each finding
is a result with its rule, level and a region. URIs are relative to ``%SRCROOT%`` (the project
root) and percent-encoded (paths are Unicode); columns count Unicode code points, as the audit
does. With a baseline, each result has a ``baselineState`` and the run's properties carry the
change. Only formats the model.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from audit.model.report import ReportModel

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _rules(model: ReportModel) -> list[dict[str, Any]]:
    return [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.doc},
            "help": {"text": r.doc},
            "defaultConfiguration": {"level": _LEVEL.get(r.severity, "warning")},
            "properties": {"tags": [r.code[:2]]},
        }
        for r in model.rules
    ]


def render(model: ReportModel) -> str:
    index = {r.code: i for i, r in enumerate(model.rules)}
    baseline = model.baseline
    results = []
    for d in model.diagnostics:
        text = d.message + (f" ({d.hint})" if d.hint else "")
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": _LEVEL[d.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.path), "uriBaseId": SRCROOT},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
            "partialFingerprints": {"contentAudit/v1": f"{d.code}:{d.path}:{d.message}"},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if baseline is not None:
            result["baselineState"] = baseline.state_of(d)
        results.append(result)
    properties: dict[str, Any] = {
        "coverage": model.coverage.overall,
        "weightedCoverage": model.coverage.weighted_overall,
        "passed": model.summary.passed,
    }
    if baseline is not None:
        properties["baseline"] = {
            "source": baseline.source,
            "previousCoverage": baseline.previous_overall,
            "coverageDelta": baseline.overall_delta,
            "newFindings": len(baseline.new_findings),
            "fixedFindings": len(baseline.fixed_findings),
            "regressed": baseline.regressed,
            "regressions": baseline.regressions,
        }
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": model.tool.get("name", "content-audit"),
                "version": model.tool.get("version", ""),
                "semanticVersion": model.tool.get("version", ""),
                "rules": _rules(model),
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {"text": "The project root (the folder of content-audit.yaml)."}
            }
        },
        "results": results,
        "properties": properties,
    }
    sarif = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
