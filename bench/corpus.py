"""A synthetic knowledge base shaped like ``content/``: deterministic, seeded, any size.

``python -m bench.corpus OUT_DIR --files N --seed S`` writes ``OUT_DIR/content/`` (tracks with a
materials page, an interview page and a gap tracker, plus practice tasks with front matter),
``OUT_DIR/content-audit.yaml`` so that ``content-audit check`` runs in ``OUT_DIR``, and
``OUT_DIR/corpus-manifest.json`` naming a heading that other files link to (the benchmark renames
it). About 2 % of the cross-references are deliberately broken (a typo in an anchor, a missing
file, an undeclared task id), so that the audit has real findings to report.

The same ``--files`` and ``--seed`` always produce the same bytes. Average file size is about
8 KB (1,000 files are about 8 MB), like the issue's reference corpus. Files are written one at a
time as they are made (only the plan of tracks and task ids is held), so 50,000 files cost no
more memory than 1,000. ``--reuse`` keeps a corpus already in ``OUT_DIR`` when its manifest
matches the size, the seed and this generator's source, and the tree still has the manifest's
file count and byte total (a 50,000-file corpus takes minutes to write).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audit.parse import slugs
from audit.parse.slugs import AnchorAllocator

PREFIXES = ("llm", "dl", "mlsd", "ml", "cv", "nlp")
TASKS_PER_TRACK = 17  # plus materials, interview and tracker: 20 files per track
BROKEN_RATE = 0.02
TASK_ID_PATTERN = r"\b(?:llm|dl|mlsd|ml|cv|nlp)_\d{3,5}_[a-z0-9_]*[a-z0-9]"
MATERIALS, INTERVIEW, TRACKER = "материалы.md", "подготовка-к-интервью.md", "пробелы-в-покрытии.md"
LEVELS = ("Basic", "Medium", "Killer")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_WORDS = _words(
    "модель обучение данные токен слой внимание градиент оптимизатор батч контекст запрос ответ "
    "эмбеддинг индекс поиск ранжирование метрика качество задержка память вычисление параметр "
    "архитектура трансформер декодер энкодер голова проекция нормализация активация функция "
    "потеря регуляризация валидация выборка распределение вероятность энтропия температура "
    "генерация сэмплирование словарь корпус разметка оценка бенчмарк инференс квантизация "
    "дистилляция адаптер матрица вектор пространство сходство косинус расстояние кластер "
    "признак таргет утечка переобучение смещение дисперсия сервис кэш очередь поток запись "
    "чтение масштаб шаг скорость стоимость ресурс ошибка сигнал шум пайплайн этап проверка"
)
_VERBS = _words(
    "уменьшает увеличивает ускоряет замедляет определяет задаёт ограничивает меняет сохраняет "
    "объясняет показывает вычисляет оценивает сравнивает выбирает использует требует даёт"
)
_ADJ = _words(
    "линейный квадратичный быстрый медленный длинный короткий точный грубый новый старый "
    "локальный глобальный разреженный плотный устойчивый шумный большой малый средний"
)
_LATIN = (
    "KV-cache",
    "RoPE",
    "LoRA",
    "BM25",
    "softmax",
    "AdamW",
    "GQA",
    "MoE",
    "DPO",
    "RLHF",
    "beam search",
    "top-p",
    "recall@k",
    "F1",
    "ROC AUC",
    "batch norm",
    "dropout",
    "FLOPs",
)
_TOPICS = (
    "Токенизация",
    "Архитектура",
    "Внимание",
    "Позиционные кодировки",
    "Оптимизаторы",
    "Функции потерь",
    "Регуляризация",
    "Поиск и ранжирование",
    "Эмбеддинги",
    "Дообучение",
    "Квантизация",
    "Дистилляция",
    "Инференс",
    "Оценка качества",
    "Агентные системы",
    "Длинный контекст",
    "Выравнивание",
    "Сервинг моделей",
    "Мониторинг",
    "Разметка данных",
)
_SUBCATEGORIES = (
    "Tokenization & Decoding",
    "Architecture",
    "Training",
    "Evaluation",
    "Retrieval",
    "Serving",
    "Fine-tuning",
    "Data",
)
_STATUSES = ("НЕТ", "ЧАСТИЧНО ЗАПОЛНЕНО", "ЗАПОЛНЕНО")


@dataclass
class _Task:
    task_id: str
    track: str
    number: int
    topic: str


@dataclass
class _Track:
    name: str
    prefix: str
    docs: int = 3  # materials, interview, tracker (fewer only in a tiny corpus)
    tasks: list[_Task] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading text, anchor)


class _Text:
    """Russian-looking prose from a fixed pool of sentences (fast for tens of megabytes)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(1500)]

    def _sentence(self) -> str:
        rng = self.rng
        words = [rng.choice(_ADJ), rng.choice(_WORDS), rng.choice(_VERBS)]
        words += [rng.choice(_WORDS) for _ in range(rng.randint(3, 9))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(_LATIN))
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words)), f"`{rng.choice(_LATIN)}`")
        text = " ".join(words)
        tail = rng.choice((".", ".", ".", ":", "?")) if rng.random() < 0.9 else ", и это важно."
        return text[0].upper() + text[1:] + tail

    def paragraph(self, sentences: tuple[int, int] = (3, 7)) -> str:
        return " ".join(
            self.rng.choice(self.sentences) for _ in range(self.rng.randint(*sentences))
        )

    def phrase(self, words: int = 3) -> str:
        text = " ".join(self.rng.choice(_WORDS) for _ in range(words))
        return text[0].upper() + text[1:]


def _example(rng: random.Random, seed: int) -> tuple[str, str]:
    """A small Python example and its exact expected output."""
    n = rng.randint(3, 7)
    k = rng.randint(2, 9)
    values = [(i * k + seed) % 17 for i in range(n)]
    code = (
        f"values = [(i * {k} + {seed}) % 17 for i in range({n})]\n"
        "total = sum(values)\n"
        "print(total, max(values))\n"
    )
    return code, f"{sum(values)} {max(values)}\n"


class _Broken:
    """Decides, deterministically, which references are broken on purpose."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def __call__(self) -> bool:
        hit = self.rng.random() < BROKEN_RATE
        self.count += hit
        return hit


def _plan(files: int) -> list[_Track]:
    tracks: list[_Track] = []
    counters = dict.fromkeys(PREFIXES, 0)
    remaining = files
    index = 0
    while remaining > 0:
        prefix = PREFIXES[index % len(PREFIXES)]
        round_ = index // len(PREFIXES)
        docs = min(3, remaining)
        track = _Track(prefix if round_ == 0 else f"{prefix}{round_ + 1}", prefix, docs)
        remaining -= docs
        count = min(TASKS_PER_TRACK, remaining)
        remaining -= count
        for _ in range(count):
            counters[prefix] += 1
            number = counters[prefix]
            topic = _TOPICS[(number + index) % len(_TOPICS)]
            slug = f"topic_{(number * 7 + index) % 97}"
            track.tasks.append(_Task(f"{prefix}_{number:03d}_{slug}", track.name, number, topic))
        tracks.append(track)
        index += 1
    return tracks


def _section_titles(track: _Track, rng: random.Random) -> list[str]:
    """H2 texts of the materials page; the first ones carry task ids like the real site."""
    titles = []
    count = max(6, len(track.tasks) // 2 + 4)
    for number in range(1, count + 1):
        topic = rng.choice(_TOPICS)
        title = f"{number}. {topic}: {rng.choice(_ADJ)} {rng.choice(_WORDS)}"
        task_index = number - 1
        if task_index < len(track.tasks) and number % 2 == 1:
            title += f" ({track.tasks[task_index].task_id})"
        titles.append(title)
    return titles


def _anchors(titles: Sequence[str]) -> list[str]:
    allocator = AnchorAllocator("mkdocs-unicode")
    return [allocator.unique(allocator.slug(t)) for t in titles]


def _bad_anchor(anchor: str) -> str:
    return anchor + "-old"


def _materials(
    track: _Track, tracks: list[_Track], position: int, text: _Text, broken: _Broken
) -> str:
    rng = text.rng
    out = [
        f"# Учебные материалы {track.name.upper()}",
        "",
        f"~{rng.randint(20, 90)} минут чтения",
        "",
        f"Предварительно: [Подготовка к интервью]({INTERVIEW}) | [Пробелы в покрытии]({TRACKER})",
        "",
        text.paragraph((4, 6)),
        "",
        f"Обновлено: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "",
    ]
    other = tracks[position - 1] if position > 0 else None
    for number, (title, _anchor) in enumerate(track.sections, start=1):
        out += [f"## {title}", "", text.paragraph(), ""]
        out += [f"**{text.phrase(2)}.** {text.paragraph((2, 4))}", ""]
        out += ["| Вариант | Стоимость | Когда |", "|---|---|---|"]
        out += [
            f"| {text.phrase(2)} | O(n^{rng.randint(1, 3)}) | {text.phrase(3)} |" for _ in range(3)
        ]
        out.append("")
        code, output = _example(rng, number)
        out += [
            "```python",
            code.rstrip("\n"),
            "```",
            "",
            "```text output",
            output.rstrip("\n"),
            "```",
            "",
        ]
        out += [text.paragraph(), ""]
        if other is not None and other.sections and number % 3 == 0:
            target_title, target_anchor = rng.choice(other.sections)
            anchor = _bad_anchor(target_anchor) if broken() else target_anchor
            out += [
                f"Связанная тема другого трека: [{target_title}]"
                f"(../{other.name}/{MATERIALS}#{anchor}).",
                "",
            ]
        if number % 4 == 0:
            out += ["### Вопросы для интервью", ""]
            for _ in range(2):
                out += [f"Q: {text.phrase(5)}?", f"A: {text.paragraph((1, 3))}", ""]
    return "\n".join(out) + "\n"


def _interview(track: _Track, text: _Text, broken: _Broken) -> str:
    rng = text.rng
    out = [
        f"# Подготовка к интервью: {track.name.upper()}",
        "",
        f"~{rng.randint(20, 90)} минут чтения",
        "",
        f"Предварительно: [Материалы]({MATERIALS}) | [Пробелы в покрытии]({TRACKER})",
        "",
        text.paragraph((3, 5)),
        "",
        "Обновлено: 2026-11-20",
        "",
    ]
    for number, (title, anchor) in enumerate(track.sections, start=1):
        short = title.split(". ", 1)[1].split(" (")[0]
        link_anchor = _bad_anchor(anchor) if broken() else anchor
        out += [
            f"## {number}. {short}",
            "",
            f"{text.paragraph((1, 2))} Теория — в разделе [{short}]({MATERIALS}#{link_anchor}).",
            "",
        ]
        for level in LEVELS:
            out += [f"### {level}", ""]
            for pair in range(1 + (number + len(level)) % 2):
                question = f"Q: {text.phrase(6)}?"
                answer = f"A: {text.paragraph((2, 4))}"
                out += [question, answer, ""] if pair % 2 == 0 else [question, "", answer, ""]
    return "\n".join(out) + "\n"


def _tracker(track: _Track, text: _Text, broken: _Broken) -> str:
    rng = text.rng
    tasks = track.tasks
    out = [
        f"# Пробелы в покрытии {track.name.upper()}",
        "",
        "~10 минут чтения",
        "",
        f"Предварительно: [Материалы]({MATERIALS}) | [Подготовка к интервью]({INTERVIEW})",
        "",
        f"Здесь собрано то, что спрашивают сверх {len(tasks)} задач трека. "
        f"Про {rng.choice(_TOPICS).lower()} спрашивают в {rng.randint(20, 70)}% интервью.",
        "",
        f"Что спрашивают на собеседованиях, чего НЕТ в {len(tasks)} задачах. Обновлено: 2026-11-20",
        "",
        f"## Текущее покрытие ({len(tasks)} задач)",
        "",
        "| Подкатегория | Задач | Покрытие |",
        "|---|---|---|",
    ]
    per_sub: dict[str, int] = {}
    for task in tasks:
        sub = _SUBCATEGORIES[task.number % len(_SUBCATEGORIES)]
        per_sub[sub] = per_sub.get(sub, 0) + 1
    out += [f"| {sub} | {count} | Базовое |" for sub, count in sorted(per_sub.items())]
    out += ["", "## КРИТИЧЕСКИЕ GAPS", ""]
    gaps = min(4, max(1, len(track.sections) // 2))
    for number in range(1, gaps + 1):
        section = (number * 2) % max(1, len(track.sections)) + 1
        status = _STATUSES[number % len(_STATUSES)]
        out += [
            f"### {number}. {text.phrase(3)} — {status}",
            "",
            f"Частота: спрашивают в {rng.randint(10, 70)}% интервью",
            "",
            f"Что спрашивают: - {text.phrase(4)} - {text.phrase(3)} - {text.phrase(5)}",
            "",
            "Пример вопроса:",
            "",
            f'"{text.paragraph((1, 2))}"',
            "",
        ]
        if tasks:
            task = tasks[(number * 3) % len(tasks)]
            wanted = f"{track.prefix}_{9000 + number:03d}_missing" if broken() else task.task_id
            out += [f"Рекомендация: Добавить {wanted}", ""]
        out += [
            f"Добавлено в materials.md section {section}:",
            f"- {text.phrase(4)}",
            f"- {text.phrase(3)} на Python",
            "- Interview questions (2 Q&A)",
            "",
            f"Добавлено в interview.md section {section} (Basic/Medium/Killer):",
            "- 6 Q&A (Basic/Medium/Killer)",
            "",
            f"Источники: {text.phrase(2)}, 20{rng.randint(10, 24)}.",
            "",
            f"Осталось: - {text.phrase(3)} - {text.phrase(2)}",
            "",
        ]
    if len(tasks) >= 2:
        out += [
            "## Priority 1 (Добавить в первую очередь)",
            "",
            "| Gap | Сложность | Задача |",
            "|---|---|---|",
        ]
        out += [f"| {task.topic} | Medium | {task.task_id} |" for task in tasks[:3]]
        out += ["", "## Cross-References Missing", "", "Связи, которые стоит добавить:", ""]
        for a, b in itertools.pairwise(tasks[:4]):
            out.append(f"- `{a.task_id}` -> `{b.task_id}` ({text.phrase(4).lower()})")
        out.append("")
    return "\n".join(out) + "\n"


def _task(own: _Task, track: _Track, text: _Text, broken: _Broken) -> str:
    rng = text.rng
    tasks = track.tasks
    index = tasks.index(own)
    related = [
        t.task_id for t in (tasks[index - 1], tasks[(index + 1) % len(tasks)]) if t is not own
    ]
    prereq = [tasks[index - 2].task_id] if index >= 2 else []
    sub = _SUBCATEGORIES[own.number % len(_SUBCATEGORIES)]
    title = f"{own.topic}: {text.phrase(3).lower()}"
    out = [
        "---",
        f"id: {own.task_id}",
        f'title: "{title}"',
        f"track: {track.name}",
        f"subcategory: {sub}",
        f"difficulty: {('easy', 'medium', 'hard')[own.number % 3]}",
        f"related: [{', '.join(dict.fromkeys(related))}]",
        f"prerequisites: [{', '.join(prereq)}]",
        "---",
        "",
        f"# {title}",
        "",
        "## Условие",
        "",
    ]
    for _ in range(rng.randint(2, 4)):
        out += [text.paragraph(), ""]
    out += [
        f"Вход: {text.phrase(3).lower()}. Выход: {text.phrase(4).lower()}.",
        "",
        "## Решение",
        "",
    ]
    for part in range(rng.randint(2, 3)):
        code, output = _example(rng, own.number + part)
        out += [
            text.paragraph((2, 4)),
            "",
            "```python",
            code.rstrip("\n"),
            "```",
            "",
            "```text output",
            output.rstrip("\n"),
            "```",
            "",
        ]
    out += [
        "## Разбор",
        "",
        text.paragraph((4, 8)),
        "",
        text.paragraph((3, 6)),
        "",
        "## Связанные материалы",
        "",
    ]
    if track.sections:
        title_, anchor = track.sections[index % len(track.sections)]
        anchor = _bad_anchor(anchor) if broken() else anchor
        out.append(f"- Теория: [{title_}](../{track.name}/{MATERIALS}#{anchor})")
    neighbour = tasks[(index + 1) % len(tasks)]
    if neighbour is not own:
        target = f"{neighbour.task_id}_gone.md" if broken() else f"{neighbour.task_id}.md"
        out.append(f"- Следующая задача: [{neighbour.task_id}]({target}#решение)")
    mentioned = (
        f"{track.prefix}_{8000 + own.number:03d}_undeclared"
        if broken()
        else (tasks[index - 1].task_id)
    )
    out += [f"- Смотрите также {mentioned} и [обзор трека](../{track.name}/{TRACKER}).", ""]
    return "\n".join(out) + "\n"


def generate(out_dir: Path, files: int, seed: int = 0) -> dict[str, object]:
    """Write the corpus under ``out_dir``; returns the manifest (also written as JSON)."""
    if files < 1:
        raise ValueError("files must be >= 1")
    rng = random.Random(seed)
    text = _Text(rng)
    broken = _Broken(random.Random(seed + 1))
    tracks = _plan(files)
    for track in tracks:
        titles = _section_titles(track, rng)
        track.sections = list(zip(titles, _anchors(titles), strict=True))
    content = out_dir / "content"
    written = 0
    sizes = 0

    def put(rel: str, body: str) -> None:
        nonlocal written, sizes
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = body.encode("utf-8")
        path.write_bytes(data)
        written += 1
        sizes += len(data)

    for position, track in enumerate(tracks):
        docs = track.docs
        put(f"{track.name}/{MATERIALS}", _materials(track, tracks, position, text, broken))
        if docs >= 2:
            put(f"{track.name}/{INTERVIEW}", _interview(track, text, broken))
        if docs >= 3:
            put(f"{track.name}/{TRACKER}", _tracker(track, text, broken))
        for task in track.tasks:
            put(f"tasks/{task.task_id}.md", _task(task, track, text, broken))
    (out_dir / "content-audit.yaml").write_text(
        "# generated by `python -m bench.corpus`: a synthetic knowledge base for benchmarks\n"
        "content_root: content\nslug_style: mkdocs-unicode\n"
        f"task_id_pattern: '{TASK_ID_PATTERN}'\n",
        encoding="utf-8",
    )
    first = tracks[0]
    title, anchor = first.sections[0]
    manifest: dict[str, object] = {
        "files": written,
        "bytes": sizes,
        "seed": seed,
        "generator": fingerprint(),
        "broken_references": broken.count,
        # linked from the interview page and from tasks of the first track
        "linked_heading": {
            "path": f"content/{first.name}/{MATERIALS}",
            "text": f"## {title}",
            "anchor": anchor,
        },
        "edit_file": f"content/tasks/{first.tasks[0].task_id}.md"
        if first.tasks
        else f"content/{first.name}/{MATERIALS}",
    }
    (out_dir / "corpus-manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def fingerprint() -> str:
    """A digest of the code that decides the corpus' bytes (this module and the slug rules that
    make its anchors): a reused corpus must be the one this code would write."""
    digest = hashlib.blake2b(digest_size=12)
    for source in (Path(__file__), Path(slugs.__file__)):
        digest.update(source.read_bytes())
    return digest.hexdigest()


EDITING_MARK = ".bench-editing"  # present while a benchmark has a corpus file edited
_KEPT = frozenset({"content", "content-audit.yaml", "corpus-manifest.json"})


def _tree_totals(content: Path) -> tuple[int, int]:
    """(Markdown files, their bytes) from a stat walk: cheap even at 50,000 files."""
    files = total = 0
    for folder, _dirs, names in os.walk(content):
        for name in names:
            if name.endswith(".md"):
                files += 1
                total += os.stat(os.path.join(folder, name)).st_size
    return files, total


def reusable(out_dir: Path, files: int, seed: int) -> dict[str, object] | None:
    """The manifest of the corpus in ``out_dir`` if it is exactly what ``generate(out_dir, files,
    seed)`` would write now, else None. Besides the manifest's size, seed and generator, the tree
    must hold the manifest's file count and byte total and carry no editing mark (a benchmark
    that died with a file edited leaves one)."""
    path = out_dir / "corpus-manifest.json"
    if (out_dir / EDITING_MARK).exists() or not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    wanted = {"files": files, "seed": seed, "generator": fingerprint()}
    if any(manifest.get(key) != value for key, value in wanted.items()):
        return None
    if _tree_totals(out_dir / "content") != (manifest.get("files"), manifest.get("bytes")):
        return None
    return manifest


def ensure(out_dir: Path, files: int, seed: int = 0) -> tuple[dict[str, object], bool]:
    """The corpus in ``out_dir``, reused when :func:`reusable` (then whatever a previous run left
    beside it, such as caches, is deleted) or written anew; returns (manifest, reused)."""
    manifest = reusable(out_dir, files, seed)
    if manifest is not None:
        for entry in out_dir.iterdir():
            if entry.name not in _KEPT:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        return manifest, True
    if out_dir.exists():
        shutil.rmtree(out_dir)
    return generate(out_dir, files, seed), False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("out_dir", help="folder to write (created if missing)")
    parser.add_argument("--files", type=int, default=1000, help="number of Markdown files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the corpus in OUT_DIR if it matches; otherwise delete OUT_DIR and write it",
    )
    args = parser.parse_args(argv)
    if args.files < 1:
        parser.error("--files must be >= 1")
    if args.reuse:
        manifest, reused = ensure(Path(args.out_dir), args.files, args.seed)
    else:
        manifest, reused = generate(Path(args.out_dir), args.files, args.seed), False
    sys.stdout.write(
        f"{'reused' if reused else 'wrote'} {manifest['files']} files, {manifest['bytes']} bytes, "
        f"{manifest['broken_references']} broken references to {args.out_dir}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
