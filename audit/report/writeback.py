"""`report --write`: regenerate the computed regions of trackers between audit markers.

Only the lines strictly between `<!-- audit:begin NAME -->` and `<!-- audit:end NAME -->` change;
every other byte of the file is kept. The file is re-read right before writing and the write is
refused when it changed since the audit read it (an author saved in between). Writes are atomic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audit.atomic import write_bytes_atomic
from audit.discover import digest_of
from audit.model.coverage import Bucket, Coverage
from audit.model.tracker import Tracker

REGION_NAMES = ("tasks-per-subcategory", "coverage-summary")
_PREFIX = re.compile(r"^(.*?)\s*текущий coverage", re.MULTILINE)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
CHANGED = "file changed on disk since it was read; not written"


NO_MARKERS = "no audit markers"


@dataclass(frozen=True)
class WriteResult:
    path: str
    changed: bool
    regions: tuple[str, ...]
    refused: str = ""  # reason when nothing was written

    @property
    def failed(self) -> bool:
        """A write that was wanted but refused (a tracker without markers is not a failure)."""
        return bool(self.refused) and self.refused != NO_MARKERS


def _table(tracker: Tracker, coverage: Coverage) -> list[str]:
    counts = coverage.task_counts.get(tracker.track, {})
    order = [f.label for f in tracker.figures if f.kind == "subcategory-count"]
    labels = [lb for lb in order if counts.get(lb)] + sorted(lb for lb in counts if lb not in order)
    lines = ["| Подкатегория | Задач | Покрытие |", "|---|---|---|"]
    for label in labels:
        word = tracker.subcategory_coverage_words.get(label, "—")
        lines.append(f"| {label} | {counts[label]} | {word} |")
    return lines


def _summary(tracker: Tracker, coverage: Coverage, old: str) -> list[str]:
    bucket = next((b for b in coverage.by_track if b.name == tracker.track), None)
    score = round(bucket.score) if bucket else 0
    match = _PREFIX.search(old)
    prefix = match.group(1).strip() if match and match.group(1).strip() else tracker.title
    mine = next((b for b in coverage.by_tracker if b.name == tracker.path), None)
    tally = mine or Bucket(tracker.path, 0, 0, 0, 0, 0.0)
    lines = [
        f"{prefix} текущий coverage: ~{score}% (вычислено content-audit: {tally.covered} из "
        f"{tally.gaps} пробелов закрыты, {tally.partial} частично, {tally.none} не начаты)",
        "",
    ]
    open_gaps = [
        g for g in coverage.gaps if g.gap.tracker == tracker.path and g.status != "covered"
    ]
    if open_gaps:
        lines.append("Открытые пробелы:")
        lines.append("")
        for g in open_gaps:
            missing = ", ".join(g.unmet)
            unproven = g.unproven_items
            note = f"; не найдено в разделах пунктов: {unproven}" if unproven else ""
            lines.append(f"- {g.gap.title} — не хватает: {missing}{note}")
    return lines


def regenerate(text: str, tracker: Tracker, coverage: Coverage) -> tuple[str, tuple[str, ...]]:
    """New file text with every known region regenerated (idempotent)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    # the parser's line ends only (CRLF, CR, LF): str.splitlines also splits at U+2028, form
    # feeds and more, which shifted the markers' line numbers and rewrote the author's lines
    lines = _LINE.findall(text)
    changed: list[str] = []
    # markers were found on normalised lines; line numbers are the same in the raw text
    for marker in sorted(tracker.markers, key=lambda m: m.begin_line, reverse=True):
        if marker.name not in REGION_NAMES:
            continue
        begin, end = marker.begin_line, marker.end_line  # 1-based marker lines
        old = "".join(lines[begin : end - 1])
        if marker.name == "tasks-per-subcategory":
            body = _table(tracker, coverage)
        else:
            body = _summary(tracker, coverage, old)
        new = "".join(line + newline for line in body)
        if new != old:
            lines[begin : end - 1] = [new]
            changed.append(marker.name)
    return "".join(lines), tuple(reversed(changed))


def write_regions(
    root: Path, trackers: list[Tracker], coverage: Coverage, digests: dict[str, str]
) -> list[WriteResult]:
    results = []
    for tracker in trackers:
        if not any(m.name in REGION_NAMES for m in tracker.markers):
            results.append(WriteResult(tracker.path, False, (), NO_MARKERS))
            continue
        path = root / tracker.path
        expected = digests.get(tracker.path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            results.append(
                WriteResult(
                    tracker.path, False, (), f"cannot read: {exc.strerror or exc}; not written"
                )
            )
            continue
        if digest_of(data) != expected:
            results.append(WriteResult(tracker.path, False, (), CHANGED))
            continue
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
        except UnicodeDecodeError:
            results.append(WriteResult(tracker.path, False, (), "not valid UTF-8; not written"))
            continue
        new_text, regions = regenerate(text, tracker, coverage)
        if not regions:
            results.append(WriteResult(tracker.path, False, ()))
            continue
        payload = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")

        def unchanged(path: Path = path, expected: str | None = expected) -> bool:
            try:
                return digest_of(path.read_bytes()) == expected
            except OSError:
                return False

        # last look after the new bytes are on disk, right before the rename: an author who
        # saved meanwhile keeps their text (the window left is one stat-free read + rename)
        if not write_bytes_atomic(path, payload, precondition=unchanged):
            results.append(WriteResult(tracker.path, False, (), CHANGED))
            continue
        results.append(WriteResult(tracker.path, True, regions))
    return results
