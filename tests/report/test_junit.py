"""JUnit XML: validated against tests/schemas/junit.xsd (with xmlschema) and by a structural
validator (element names, required attributes, counts consistent with the test cases)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from audit.report import ARTIFACTS, junit
from tests.report.sample import EXAMPLE_STATUSES, FAILING, SKIPPED, sample_model

SCHEMAS = Path(__file__).parent.parent / "schemas"

_CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err"}


def validate_structure(text: str) -> ET.Element:
    """Raise AssertionError unless ``text`` is JUnit XML whose counts match its test cases."""
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root:
        assert suite.tag == "testsuite", suite.tag
        assert suite.get("name"), "testsuite without a name"
        cases = suite.findall("testcase")
        assert {child.tag for child in suite} <= {
            "properties",
            "testcase",
            "system-out",
            "system-err",
        }
        for prop in suite.iter("property"):
            assert prop.get("name") and prop.get("value") is not None
        failures = skipped = 0
        for case in cases:
            assert case.get("name") and case.get("classname") is not None, case.attrib
            float(case.get("time", "0"))
            tags = [child.tag for child in case]
            assert set(tags) <= _CASE_CHILDREN, tags
            assert not ("failure" in tags and "skipped" in tags), case.attrib
            failures += "failure" in tags
            skipped += "skipped" in tags
        counted = {"tests": len(cases), "failures": failures, "skipped": skipped}
        for key, value in counted.items():
            assert int(suite.get(key, "-1")) == value, (suite.get("name"), key)
            totals[key] += value
        assert int(suite.get("errors", "0")) == sum(len(c.findall("error")) for c in cases)
    for key, value in totals.items():
        assert int(root.get(key, "-1")) == value, key
    return root


def validate_xsd(text: str) -> None:
    xmlschema = pytest.importorskip("xmlschema", reason="pip install xmlschema (in .[test])")
    xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd")).validate(text)


def _suite(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{name}']")
    assert found is not None, name
    return found


def test_registered_as_an_artifact() -> None:
    assert ARTIFACTS["junit"] == ("junit.xml", junit.render)


def test_valid_against_the_xsd_and_structure() -> None:
    for model in (sample_model(), sample_model(baseline=True)):
        text = junit.render(model)
        validate_xsd(text)
        validate_structure(text)


def test_xsd_rejects_what_the_structural_validator_rejects() -> None:
    """The two validators are not vacuous: a test case without a name fails both."""
    text = junit.render(sample_model()).replace('name="1. MoE Routing: materials" ', "", 1)
    assert 'name="1. MoE Routing: materials"' not in text
    with pytest.raises(AssertionError):
        validate_structure(text)
    xmlschema = pytest.importorskip("xmlschema")
    assert not xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd")).is_valid(text)
    wrong_count = junit.render(sample_model()).replace('tests="6"', 'tests="7"', 1)
    with pytest.raises(AssertionError):
        validate_structure(wrong_count)


def test_one_case_per_gap_requirement() -> None:
    root = validate_structure(junit.render(sample_model()))
    gaps = _suite(root, "gaps")
    cases = gaps.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("ml/КРИТИЧЕСКИЕ GAPS", f"{gap}: {req}")
        for gap in ("1. MoE Routing", "2. Agentic Systems")
        for req in ("materials", "qa_levels", "practice_task")
    ]
    failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(failed) == {"2. Agentic Systems: qa_levels", "2. Agentic Systems: practice_task"}
    failure = failed["2. Agentic Systems: qa_levels"]
    assert failure is not None
    assert failure.get("message") == "no qa_levels <b>&</b>"  # escaped on write, intact on read
    assert failure.text is not None and "content/ml/пробелы-в-покрытии.md:10" in failure.text


def test_one_case_per_example_with_its_outcome() -> None:
    root = validate_structure(junit.render(sample_model()))
    cases = _suite(root, "examples").findall("testcase")
    assert len(cases) == len(EXAMPLE_STATUSES)
    for case, status in zip(cases, EXAMPLE_STATUSES, strict=True):
        failure, skipped = case.find("failure"), case.find("skipped")
        assert (failure is not None) == (status in FAILING), status
        assert (skipped is not None) == (status in SKIPPED), status
        if failure is not None:
            assert failure.get("type") == status
            assert failure.get("message") == f"{status}: {status} happened"
        if skipped is not None:
            assert skipped.get("message") == f"{status}: {status} happened"
        assert case.get("classname") == "content/ml/материалы.md"
    assert cases[1].get("name") == "1 line 11" and cases[0].get("name") == "line 10"
    assert [c.get("time") for c in cases[:3]] == ["0.000", "0.250", "0.500"]


def test_findings_suite_has_the_error_findings_only() -> None:
    root = validate_structure(junit.render(sample_model()))
    cases = _suite(root, "findings").findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("content/ml/материалы.md", "XR001 line 22"),
        ("content/ml/материалы.md", "XR002 line 30"),
    ]
    assert all(c.find("failure") is not None for c in cases)
    text = cases[0].find("failure")
    assert text is not None and text.text == (
        "content/ml/материалы.md:22:55: XR001 broken link: '../tasks/ml_009_memory.md' does "
        "not exist (check the path)"
    )


def test_untrusted_text_cannot_break_the_xml() -> None:
    """A control character is replaced (XML 1.0 cannot carry it); markup stays text."""
    text = junit.render(sample_model())
    root = validate_structure(text)
    message = _suite(root, "findings").findall("testcase")[1].find("failure")
    assert message is not None
    assert message.get("message") == "XR002 anchor '#решение' \ufffd <script>alert(1)</script>"
    assert "<script>" not in text


def test_baseline_as_properties_and_a_suite() -> None:
    root = validate_structure(junit.render(sample_model(baseline=True)))
    props = {p.get("name"): p.get("value") for p in _suite(root, "gaps").iter("property")}
    assert props["baseline.coverage.overall"] == "75"
    assert props["baseline.coverage.delta"] == "-8.3"
    assert props["baseline.findings.new"] == "1" and props["baseline.findings.fixed"] == "1"
    assert props["baseline.regressed"] == "true"
    cases = _suite(root, "baseline").findall("testcase")
    assert [c.get("name") for c in cases] == ["coverage did not drop", "no new error findings"]
    assert all(c.find("failure") is not None for c in cases)
    no_baseline = validate_structure(junit.render(sample_model()))
    assert no_baseline.find("testsuite[@name='baseline']") is None
