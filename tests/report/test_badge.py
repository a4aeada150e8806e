"""SVG coverage badge: well-formed SVG, the figure the report shows, color by value."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from audit.report.badge import COLORS, color_for, percent_text, render, render_badge
from tests.report.sample import sample_model

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("percent", "color"),
    [
        (100.0, "#4c1"),
        (90.0, "#4c1"),
        (89.9, "#97ca00"),
        (75.0, "#97ca00"),
        (74.9, "#a4a61d"),
        (60.0, "#a4a61d"),
        (59.9, "#dfb317"),
        (40.0, "#dfb317"),
        (39.9, "#fe7d37"),
        (20.0, "#fe7d37"),
        (19.9, "#e05d44"),
        (0.0, "#e05d44"),
    ],
)
def test_color_follows_the_coverage(percent: float, color: str) -> None:
    assert color_for(percent) == color


def test_palette_goes_from_green_down_to_red() -> None:
    lows = [low for low, _color in COLORS]
    assert lows == sorted(lows, reverse=True) and lows[-1] == 0.0


@pytest.mark.parametrize(
    ("percent", "text"),
    [(100.0, "100%"), (68.5, "68.5%"), (0.0, "0%"), (50.04, "50%"), (33.33, "33.3%")],
)
def test_value_text(percent: float, text: str) -> None:
    assert percent_text(percent) == text


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_badge_is_svg_with_label_value_and_color() -> None:
    model = sample_model()
    model = model.model_copy(
        update={"coverage": model.coverage.model_copy(update={"overall": 68.5})}
    )
    root = _parse(render(model))
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["coverage", "coverage", "68.5%", "68.5%"]  # shadow + text, twice
    assert root.find(f"{SVG}title").text == "coverage: 68.5%"  # type: ignore[union-attr]
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert "#a4a61d" in fills and "#555" in fills


def test_widths_add_up_and_grow_with_the_text() -> None:
    narrow, wide = (
        _parse(render_badge("coverage", "5%", "#e05d44")),
        _parse(render_badge("coverage", "100%", "#4c1")),
    )
    for root in (narrow, wide):
        rects = list(root.iter(f"{SVG}rect"))
        left, right = float(rects[1].get("width", 0)), float(rects[2].get("width", 0))
        assert float(root.get("width", 0)) == left + right
        assert float(rects[2].get("x", 0)) == left
    assert float(wide.get("width", 0)) > float(narrow.get("width", 0))


def test_text_is_escaped() -> None:
    root = _parse(render_badge("a<b&c", "1%", "#4c1"))
    assert [t.text for t in root.iter(f"{SVG}text")][:2] == ["a<b&c", "a<b&c"]
