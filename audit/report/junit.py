"""JUnit XML: what CI systems show as a test report.

Suites: ``gaps`` (one test case per gap requirement, classname ``track/category``, failing with
the reason when unmet), ``examples`` (one per example: failure for a failing outcome, skipped for
skipped / needs-module), ``findings`` (one failing test case per finding at error severity) and,
with a baseline, ``baseline`` (coverage did not drop; no new error findings). Only formats the
model.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from audit.model.report import ReportModel

# characters XML 1.0 cannot carry (content is untrusted: a control character must not break it)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name)


def _case(suite: ET.Element, classname: str, name: str, time: float = 0.0) -> ET.Element:
    return ET.SubElement(
        suite, "testcase", classname=_clean(classname), name=_clean(name), time=f"{time:.3f}"
    )


def _fail(case: ET.Element, message: str, kind: str, text: str = "") -> None:
    failure = ET.SubElement(case, "failure", message=_clean(message), type=_clean(kind))
    failure.text = _clean(text or message)


def _properties(suite: ET.Element, values: dict[str, str]) -> None:
    props = ET.SubElement(suite, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=_clean(value))


def _count(element: ET.Element) -> None:
    """Set tests/failures/errors/skipped/time on a suite or the root from its test cases."""
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("errors", "0")
    element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    element.set("time", f"{sum(float(c.get('time', '0')) for c in cases):.3f}")


def _gap_suite(root: ET.Element, model: ReportModel) -> None:
    suite = _suite(root, "gaps")
    props = {
        "coverage.overall": f"{model.coverage.overall:g}",
        "coverage.weighted_overall": f"{model.coverage.weighted_overall:g}",
        "examples.executed": str(model.coverage.examples_executed).lower(),
    }
    if model.baseline is not None:
        b = model.baseline
        props.update(
            {
                "baseline.source": b.source,
                "baseline.coverage.overall": f"{b.previous_overall:g}",
                "baseline.coverage.delta": f"{b.overall_delta:+g}",
                "baseline.findings.new": str(len(b.new_findings)),
                "baseline.findings.fixed": str(len(b.fixed_findings)),
                "baseline.regressed": str(b.regressed).lower(),
            }
        )
    _properties(suite, props)
    for g in model.gaps:
        label = f"{g.number}. {g.title}" if g.number is not None else g.title
        for name, requirement in g.requirements.items():
            case = _case(suite, f"{g.track}/{g.category}", f"{label}: {name}")
            if not requirement.met:
                _fail(
                    case,
                    requirement.reason or "requirement not met",
                    "unmet-requirement",
                    f"{g.tracker}:{g.line}: {label}: {name}: {requirement.reason}",
                )


def _example_suite(root: ET.Element, model: ReportModel) -> None:
    suite = _suite(root, "examples")
    for e in model.examples:
        where = f"{e.section} line {e.line}" if e.section else f"line {e.line}"
        case = _case(suite, e.path, where, e.duration_s)
        if e.outcome == "failed":
            _fail(
                case,
                f"{e.status}: {e.message}" if e.message else e.status,
                e.status,
                f"{e.path}:{e.line}: {e.status}\n{e.message}".rstrip(),
            )
        elif e.outcome == "skipped":
            reason = f"{e.status}: {e.message}" if e.message else e.status
            ET.SubElement(case, "skipped", message=_clean(reason))


def _finding_suite(root: ET.Element, model: ReportModel) -> None:
    suite = _suite(root, "findings")
    for d in model.error_diagnostics:
        case = _case(suite, d.path, f"{d.code} line {d.line}")
        hint = f" ({d.hint})" if d.hint else ""
        _fail(
            case,
            f"{d.code} {d.message}",
            d.code,
            f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}{hint}",
        )


def _baseline_suite(root: ET.Element, model: ReportModel) -> None:
    b = model.baseline
    if b is None:
        return
    suite = _suite(root, "baseline")
    case = _case(suite, "baseline", "coverage did not drop")
    if b.overall_delta < 0:
        _fail(
            case,
            f"coverage dropped from {b.previous_overall:g}% to {b.current_overall:g}%",
            "regression",
        )
    case = _case(suite, "baseline", "no new error findings")
    if b.new_errors:
        lines = [f"{f.path}:{f.line}: {f.code} {f.message}" for f in b.new_error_findings]
        _fail(case, f"{b.new_errors} new error findings", "regression", "\n".join(lines))


def render(model: ReportModel) -> str:
    root = ET.Element("testsuites", name="content-audit")
    _gap_suite(root, model)
    _example_suite(root, model)
    _finding_suite(root, model)
    _baseline_suite(root, model)
    for suite in root.findall("testsuite"):
        _count(suite)
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
