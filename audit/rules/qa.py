"""Interview Q&A pairs must be complete."""

from __future__ import annotations

from collections.abc import Iterator

from audit.model.finding import Finding, Severity
from audit.rules.registry import RuleContext, rule


@rule("QA001", "question-without-answer", Severity.WARNING, scope="file")
def question_without_answer(ctx: RuleContext) -> Iterator[Finding]:
    """A `Q:` question has no `A:` answer before the next question or heading.

    What it checks: every question marker (`Q:`, `Вопрос:`, bold forms) is followed by an
    answer marker (`A:`, `Ответ:`) with text.
    Why: an unanswered question does not count toward a level's coverage, silently.
    Example: `Q: Что такое GQA?` followed directly by `### Medium`.
    Fix: write the answer, starting with `A:`.
    """
    for doc in ctx.graph.documents.values():
        for pair in doc.qa:
            if pair.answer is None:
                yield ctx.finding(
                    "QA001", pair.span, f"question without an answer: '{pair.question[:70]}'"
                )
            elif not pair.answer.strip() and pair.answer_span is not None:
                yield ctx.finding("QA001", pair.answer_span, "empty answer after 'A:'")


@rule("QA002", "answer-without-question", Severity.WARNING, scope="file")
def answer_without_question(ctx: RuleContext) -> Iterator[Finding]:
    """An `A:` answer has no `Q:` question before it.

    What it checks: every answer marker follows an unanswered question in the same section.
    Why: usually a lost or mistyped question marker; the pair is not counted.
    Example: `Вопрс: ...` (typo) followed by `A: ...`.
    Fix: restore the question marker.
    """
    for doc in ctx.graph.documents.values():
        for orphan in doc.orphan_answers:
            yield ctx.finding("QA002", orphan.span, "answer without a question")
