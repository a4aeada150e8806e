"""The generated coverage page: the HTML report's overview, thresholds and gaps × requirements
matrix, as Markdown the site's theme renders (built from the same ReportModel)."""

from __future__ import annotations

import re

from audit.model.report import ReportModel

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
STATUS = {"covered": "заполнено", "partial": "частично", "none": "нет", "unknown": "не указано"}


def _cell(text: str) -> str:
    """Table-cell text that stays text: Markdown and HTML specials escaped, one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split())).replace("&", "&amp;")


def render_coverage_page(model: ReportModel) -> str:
    s, cov = model.summary, model.coverage
    lines = [
        "# Покрытие пробелов",
        "",
        "Страница создана content-audit при сборке сайта; статусы вычислены, а не заявлены.",
        "",
        "## Обзор",
        "",
        "| Показатель | Значение |",
        "|---|---|",
        f"| Покрытие (среднее по пробелам) | {cov.overall:.1f}% |",
        f"| Взвешенное покрытие | {cov.weighted_overall:.1f}% |",
        f"| Пробелов | {s.gaps} (заполнено {s.covered}, частично {s.partial}, нет {s.none}) |",
        f"| Страниц | {s.files} |",
        f"| Находок | ошибок {s.errors}, предупреждений {s.warnings}, заметок {s.infos} |",
        f"| Примеры кода | {'запущены' if cov.examples_executed else 'не запускались'} |",
        "",
    ]
    if cov.by_track:
        lines += ["| Трек | Пробелов | Покрытие |", "|---|---|---|"]
        lines += [f"| {_cell(b.name)} | {b.gaps} | {b.score:.1f}% |" for b in cov.by_track]
        lines.append("")
    lines += ["## Пороги", ""]
    if model.thresholds:
        lines += ["| Порог | Требуется | Измерено | Итог |", "|---|---|---|---|"]
        for t in model.thresholds:
            verdict = "пройден" if t.passed else "**не пройден**"
            lines.append(
                f"| {_cell(t.name)} | {t.comparison} {t.required:g} | {t.actual:g} | {verdict} |"
            )
    else:
        lines.append("Пороги не заданы.")
    lines += ["", "## Пробелы × требования", ""]
    names: list[str] = []
    for g in model.gaps:
        names.extend(n for n in g.requirements if n not in names)
    if not model.gaps:
        lines.append("Пробелов нет.")
    else:
        head = ["Пробел", "Трекер", "Заявлено", "Измерено", *names]
        lines.append("| " + " | ".join(_cell(h) for h in head) + " |")
        lines.append("|" + "---|" * len(head))
        for g in model.gaps:
            title = f"{g.number}. {g.title}" if g.number is not None else g.title
            marks = []
            for n in names:
                r = g.requirements.get(n)
                marks.append("" if r is None else ("✓" if r.met else "✗ " + _cell(r.reason)))
            row = [
                _cell(title),
                _cell(g.tracker),
                STATUS.get(g.declared_status, g.declared_status),
                STATUS[g.computed_status],
                *marks,
            ]
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return "\n".join(lines)
