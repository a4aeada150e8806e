"""Documents → examples, grouped into per-section sequences (one interpreter per sequence).

A sequence is the runnable Python blocks of one H2 section of one document, in file order
(blocks before the first heading form their own sequence). Task solutions are sections of task
files like any other. Opted-out blocks become ``skipped`` results here and are never run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from audit.model.config import Config
from audit.model.document import Document
from audit.model.example import Example, ExampleResult


@dataclass(frozen=True, slots=True)
class ExampleSequence:
    """The blocks of one section: run in order in one fresh interpreter."""

    path: str
    section: str  # anchor of the section ("" before any heading)
    section_title: str
    examples: tuple[Example, ...]

    @property
    def id(self) -> str:
        return f"{self.path}#{self.section}" if self.section else self.path


@dataclass(frozen=True, slots=True)
class Collected:
    sequences: list[ExampleSequence]
    skipped: list[ExampleResult]

    @property
    def examples(self) -> list[Example]:
        return [e for s in self.sequences for e in s.examples]


def collect_examples(documents: Iterable[Document], config: Config) -> Collected:
    """Every Python block of every document, as sequences to run plus skipped results."""
    languages = set(config.examples.languages)
    sequences: list[ExampleSequence] = []
    skipped: list[ExampleResult] = []
    for doc in sorted(documents, key=lambda d: d.path):
        groups: dict[int | None, list[Example]] = {}
        for block in doc.code_blocks:
            if block.language not in languages:
                continue
            heading = doc.section_of_line(block.span.line, level=2)
            anchor = doc.headings[heading].anchor if heading is not None else ""
            title = doc.headings[heading].text if heading is not None else ""
            example = Example(
                id=f"{doc.path}:{block.span.line}",
                path=doc.path,
                line=block.span.line,
                code_line=block.code_line,
                section=anchor,
                section_title=title,
                code=block.code,
                expected_output=block.expected_output,
                timeout_s=block.timeout_s,
                skip_reason=block.skip_reason,
            )
            if block.skip_reason:
                skipped.append(
                    ExampleResult(
                        example.id,
                        doc.path,
                        example.line,
                        anchor,
                        "skipped",
                        message=f"skipped: {block.skip_reason}",
                    )
                )
                continue
            groups.setdefault(heading, []).append(example)
        for examples in groups.values():
            first = examples[0]
            sequences.append(
                ExampleSequence(doc.path, first.section, first.section_title, tuple(examples))
            )
    return Collected(sequences, skipped)
