"""Property: `report --write` never changes a byte outside the audit markers.

Files with a marked region between random surrounding text (Cyrillic, CR, CRLF, U+2028, form
feeds, NEL, tabs, HTML comments, fences, BOM) go through parse → tracker → coverage →
write_regions. Every byte before the end of the begin-marker line and from the end-marker line on
is unchanged; a region the parser does not see as markers (inside a fence or an open HTML block)
leaves the file untouched; a second write changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from audit.coverage.requirements import load_requirements
from audit.coverage.scoring import compute_coverage
from audit.discover import digest_of
from audit.graph.build import build_graph
from audit.model.config import Config
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.parse.tracker import parse_tracker
from audit.report.writeback import REGION_NAMES, write_regions

CONFIG = Config()
TRACKER = "content/llm/пробелы-в-покрытии.md"

SURROUNDING = (
    st.lists(
        st.one_of(
            st.sampled_from(list("абвгдеёжзAbc 0123456789#|-*`~<>!\t\r\n\u2028\u2029\x85\x0b\x0c")),
            st.sampled_from(
                [
                    "\r\n",
                    "\n\n",
                    "```",
                    "<!--",
                    "-->",
                    "<div>",
                    "## Текущее покрытие",
                    "текущий coverage: ~40%",
                    "| A | 1 |",
                    "- пункт",
                    "> цитата",
                ]
            ),
            st.characters(blacklist_categories=("Cs",)),
        ),
        max_size=60,
    )
    .map("".join)
    .filter(lambda text: "audit" not in text)
)


@st.composite
def tracker_file(draw: st.DrawFn) -> tuple[bytes, bytes, bytes]:
    """(bytes up to and including the begin-marker line, the old body, the rest from the end
    marker on)."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    name = draw(st.sampled_from(REGION_NAMES))
    prefix = draw(SURROUNDING)
    body = draw(st.sampled_from(["", "| старое | 1 | x |" + nl, "текст" + nl + nl + "- a" + nl]))
    suffix = draw(SURROUNDING)
    bom = "\ufeff" if draw(st.integers(0, 3)) == 0 else ""
    head = f"{bom}{prefix}{nl}{nl}<!-- audit:begin {name} -->{nl}"
    tail = f"<!-- audit:end {name} -->{nl}{suffix}"
    return head.encode("utf-8"), body.encode("utf-8"), tail.encode("utf-8")


def _write(root: Path, data: bytes) -> tuple[bytes, bool]:
    """Run write_regions on ``data``: (the file's bytes afterwards, whether a region was seen)."""
    path = root / TRACKER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    doc = parse(Source(TRACKER, str(path), data, digest_of(data)), CONFIG)
    tracker = parse_tracker(doc, CONFIG, {TRACKER})
    graph = build_graph([doc], CONFIG, root)
    coverage = compute_coverage([tracker], graph, CONFIG, load_requirements(CONFIG, root), None)
    write_regions(root, [tracker], coverage, {TRACKER: doc.digest})
    seen = any(m.name in REGION_NAMES for m in tracker.markers)
    return path.read_bytes(), seen


@given(tracker_file())
def test_property_write_changes_nothing_outside_the_markers(
    parts: tuple[bytes, bytes, bytes],
) -> None:
    head, body, tail = parts
    original = head + body + tail
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        after, seen = _write(root, original)
        if not seen:
            assert after == original
            return
        assert after.startswith(head), (original, after)
        assert after.endswith(tail), (original, after)
        again, _ = _write(root, after)
        assert again == after, "a second --write must change nothing"
