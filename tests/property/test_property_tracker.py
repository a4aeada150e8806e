"""Property tests of the gap-tracker parser on generated tracker-shaped text.

Gaps with repeated, huge and missing numbers, every status spelling, lead-word paragraphs in both
list forms, claims with counts and levels, priority tables with wrong cell counts, cross-reference
wishes, coverage tables and stray audit markers, with LF/CRLF, BOM and damaged bytes.
"""

from __future__ import annotations

from hypothesis import given

from audit.discover import digest_of
from audit.model.config import Config
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.parse.tracker import parse_tracker
from tests.property.strategies import PATHS, encoded, tracker_text
from tests.property.test_property_pipeline import assert_inside, assert_span_inside

CONFIG = Config()
TRACKER = "content/llm/пробелы-в-покрытии.md"


def _tracker(data: bytes):  # type: ignore[no-untyped-def]
    doc = parse(Source(TRACKER, TRACKER, data, digest_of(data)), CONFIG)
    return doc, parse_tracker(doc, CONFIG, set(PATHS))


@given(encoded(tracker_text()))
def test_property_tracker_parser_never_raises_and_positions_are_inside(data: bytes) -> None:
    doc, tracker = _tracker(data)
    files = {TRACKER: data}
    assert_inside(tracker.problems, files)
    for gap in tracker.gaps:
        assert gap.id, gap
        assert_span_inside(gap.span, files, gap)
        for claim in gap.claims:
            assert_span_inside(claim.span, files, claim)
            for item in claim.items:
                assert_span_inside(item.span, files, item)
    for marker in tracker.markers:
        assert 1 <= marker.begin_line < marker.end_line <= doc.line_count, marker
    for row in tracker.priority_rows:
        assert_span_inside(row.span, files, row)
    for wish in tracker.wishes:
        assert_span_inside(wish.span, files, wish)
    for figure in tracker.figures:
        assert_span_inside(figure.span, files, figure)


@given(encoded(tracker_text()))
def test_property_tracker_parser_is_deterministic(data: bytes) -> None:
    _, first = _tracker(data)
    _, second = _tracker(data)
    assert first == second
