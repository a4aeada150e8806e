"""Claimed items looked for in the sections they point at: term extraction and evidence search.

A tracker item such as ``YaRN (NTK-by-parts + temperature scaling) with implementation`` names
things a reader expects to find in the claimed section. This module takes the item's
distinctive terms (acronyms and mixed-case names like YaRN, GQA, RoPE; identifiers like
DistillationLoss or make_supervisor_node; hyphenated names like Chain-of-Experts; and the
content words of the prose, Russian or English) and looks them up in an index of the section:
headings, prose, tables, math and code, case-insensitively, with Russian and English inflection
folded by the Snowball stemmers (``snowballstemmer``: the pure-Python build of the Snowball
project's algorithms, the same ones PyStemmer wraps in C; no compiler needed, maintained with
Sphinx, which depends on it).

Named terms (acronyms, identifiers, hyphenated names) must all be found; of the ordinary words,
at least half (paraphrase is normal in prose). A qualifier (``с кодом``, ``implementation``,
``формула``, ``таблица``...) also demands a kind of block: a code block of the section that
mentions a term, math, or a table.

Prose blocks of materials pages are not kept by the parser, so the section text is read again
from the file and used only when its digest is the one the parser saw.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.model.document import Document
from audit.model.evidence import EvidenceKind, ItemEvidence, KindHit, TermHit

if TYPE_CHECKING:
    from audit.model.config import Config

MAX_ITEM_TERMS = 40  # more distinct terms than this: a paragraph, not an item
# an item that names things and has this many distinctive ordinary words needs one of them
RARE_WORDS_WITH_NAMES = 2
MIN_SECTIONS_FOR_COMMON = 4  # "a word most sections mention" needs a few sections to mean much
MAX_SECTIONS_FOR_COMMON = 200  # beyond this the spread is not computed (linear time per item)
_TOKEN = re.compile(r"[^\W_]+(?:[-_'’][^\W_]+|_+[^\W_]*)*|_+[^\W_]+(?:_+[^\W_]*)*")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_INLINE_MATH = re.compile(r"\\\(.+?\\\)|\$[^$\n]+\$")
# an inline code span that is a formula (`b' = b * s`): written as code, read as math
_CODE_FORMULA = re.compile(r"`[^`\n]*[^=!<>]=[^=][^`\n]*`")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_UPPER = re.compile(r"[A-Z]")
_IDENTIFIER_CASE = re.compile(r"[A-Z]?[a-z]+[A-Z][a-z]{2,}")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP_RU = _words(
    """
    и в во на с со к ко по о об от до из за для при без через над под про между перед после как
    что чем это этот эта эти тот та те то его ее её их он она они оно мы вы я а но или ли же бы
    не ни да уже ещё еще так также только все всё весь вся всех каждый который которая которые
    них него ним ней нее где когда почему зачем какой какая какие один одна одно своё свой свои
    против вместо вокруг около тоже очень более менее можно нужно есть нет быть был была были
    """
)
_STOP_EN = _words(
    """
    a an the and or of in on at to for with without by from as is are be vs via into over under
    than then that this these those it its what why how when which who whose not no yes can
    using use used based about per each all any both more less
    """
)
# words that say what kind of item it is, not what it is about
_GENERIC = _words(
    """
    best practices practice interview interviews question questions q qa answer answers level
    levels section sections example examples basic medium killer overview
    вопрос вопросы вопросов вопроса ответ ответы ответов уровень уровня уровней уровни раздел
    раздела разделе пример примеры примера примером обзор разбор описание объяснение
    """
)
_CODE_WORDS = _words(
    "code implementation implemented implementations python numpy pytorch torch код кода коде кодом"
)
_CODE_STEMS = ("реализац",)
_MATH_WORDS = _words("formula formulas formulae equation")
_MATH_STEMS = ("формул",)
_TABLE_WORDS = _words("table tables comparison")
_TABLE_STEMS = ("таблиц",)
_COMPARISON_STEMS = ("сравнени",)


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    """Imported on first use: `check` (the pre-commit hook) never stems anything."""
    import snowballstemmer

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Lowercase stem of one word: Russian stemmer for Cyrillic words, English for Latin."""
    low = word.lower()
    if _CYRILLIC.search(low):
        return str(_stemmer("russian").stemWord(low.replace("ё", "е")))
    if _LATIN.search(low):
        return str(_stemmer("english").stemWord(low))
    return low


_TRANSLIT_PAIRS = (
    ("sch", "ш"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ph", "ф"),
    ("th", "т"),
    ("oo", "у"),
    ("ee", "и"),
    ("ck", "к"),
    ("x", "кс"),
    ("j", "дж"),
)
_TRANSLIT_LETTERS = str.maketrans("abcdefghiklmnopqrstuvwyz", "абкдефгхиклмнопкрстуввиз")
_SKELETON = str.maketrans({"ь": None, "ъ": None, "э": "е", "ё": "е", "й": "и", "ы": "и"})
MIN_TRANSLIT = 4  # shorter Latin words are not compared with Russian spellings


def skeleton(word: str) -> str:
    """A Russian spelling with the letters transliteration cannot recover folded away."""
    return word.lower().translate(_SKELETON)


def translit(word: str) -> str:
    """A Latin word spelled in Cyrillic the way Russian tech prose borrows it (test → тест,
    agent → агент, embedding → ембеддинг), folded like ``skeleton``: enough to see a borrowed
    word (мультиагентный, z-тест) as the English one."""
    out = word.lower()
    for latin, cyrillic in _TRANSLIT_PAIRS:
        out = out.replace(latin, cyrillic)
    return skeleton(out.translate(_TRANSLIT_LETTERS))


def _key(token: str) -> str:
    """A name with its separators dropped: KV-cache, kv_cache and KVCache all give kvcache."""
    return re.sub(r"[-_'’]", "", token.lower()).replace("ё", "е")


def _parts(token: str) -> list[str]:
    return [p for p in re.split(r"[-_'’]+", token) if p]


@dataclass(frozen=True, slots=True)
class Term:
    """One thing to look for. ``named`` terms must be found; ordinary words are counted.

    ``kind``: ``word`` (a key or, for ordinary words, a stem), ``identifier`` (the compound key
    only: DistillationLoss, make_supervisor_node), ``phrase`` (the key, or the parts in a row:
    Chain-of-Experts, NTK-by-parts), ``mixed`` (the key, or every Latin part: RAG-пайплайн).
    """

    text: str
    key: str
    named: bool
    kind: str
    parts: tuple[str, ...] = ()
    # the loose key of an ordinary word: a Latin word's Cyrillic spelling (test → тест), a
    # Russian stem's leading letters (обрезка ~ обрезать, нормализацией ~ нормализуем)
    loose: str = ""


@dataclass(frozen=True, slots=True)
class ItemTerms:
    terms: tuple[Term, ...]
    kinds: tuple[EvidenceKind, ...]
    state: str  # "checkable", "generic", "uncheckable"
    reason: str = ""
    code_hints: tuple[str, ...] = ()  # "на numpy": the code should use numpy (np)


_LIBRARIES = {"numpy": ("numpy", "np"), "pytorch": ("torch",), "torch": ("torch",)}
_NUMERALS = _words(
    """
    два две двух трёх трех трём четыре четырёх пять пяти шесть шести семь восемь девять десять
    one two three four five six
    """
)


def _is_named_word(token: str) -> bool:
    if _CYRILLIC.search(token):
        return False
    uppers = len(_UPPER.findall(token))
    inner_upper = uppers == 1 and not token[0].isupper()
    return uppers >= 2 or inner_upper or any(c.isdigit() for c in token)


def item_terms(text: str, level_words: Iterable[str] = ()) -> ItemTerms:
    """The distinctive terms of an item and the kinds of evidence its qualifiers ask for."""
    levels = {w.lower() for w in level_words}
    kinds: list[EvidenceKind] = []
    hints: list[str] = []
    terms: dict[str, Term] = {}
    saw_word = False
    for match in _TOKEN.finditer(text):
        token = match.group(0).strip("-_'’")
        if not token or not any(c.isalpha() for c in token):
            continue
        low = token.lower()
        saw_word = True
        if low in _CODE_WORDS or low.startswith(_CODE_STEMS):
            if "code" not in kinds:
                kinds.append("code")
            hints.extend(h for h in _LIBRARIES.get(low, ()) if h not in hints)
            continue
        if low in _MATH_WORDS or low.startswith(_MATH_STEMS):
            if "math" not in kinds:
                kinds.append("math")
            continue
        if low in _TABLE_WORDS or low.startswith(_TABLE_STEMS):
            if "table" not in kinds:
                kinds.append("table")
            continue
        if low.startswith(_COMPARISON_STEMS):
            continue  # "Сравнение X и Y": the words compared are the terms
        term = _term(token, levels)
        if term is not None and term.key not in terms:
            terms[term.key] = term
    if not saw_word:
        return ItemTerms((), (), "uncheckable", "nothing checkable in this item")
    if len(terms) > MAX_ITEM_TERMS:
        return ItemTerms(
            (),
            (),
            "uncheckable",
            f"item too long to check ({len(terms)} distinct terms, at most {MAX_ITEM_TERMS})",
        )
    if not terms:
        return ItemTerms((), tuple(kinds), "generic")
    return ItemTerms(tuple(terms.values()), tuple(kinds), "checkable", "", tuple(hints))


def _loose(low: str, latin: bool) -> str:
    stemmed = stem(low)
    if latin:
        return translit(stemmed) if len(low) >= MIN_TRANSLIT else ""
    folded = skeleton(stemmed)
    return folded[: max(5, len(folded) - 2)] if len(folded) > 5 else ""


def _skip(low: str, levels: set[str]) -> bool:
    return (
        len(low) < 2
        or low in _STOP_RU
        or low in _STOP_EN
        or low in _GENERIC
        or low in _NUMERALS
        or low in levels
        or low.isdigit()
    )


def _term(token: str, levels: set[str]) -> Term | None:
    parts = _parts(token)
    low_parts = tuple(p.lower() for p in parts)
    latin = not _CYRILLIC.search(token)
    if "_" in token or (latin and _IDENTIFIER_CASE.fullmatch(token)):
        return Term(token, _key(token), True, "identifier", low_parts)
    if len(parts) == 1:
        low = token.lower()
        if _skip(low, levels):
            return None
        if _is_named_word(token):
            return Term(token, _key(token), True, "word")
        return Term(token, "\x00" + stem(low), False, "word", (), _loose(low, latin))
    cyrillic = [p for p in parts if _CYRILLIC.search(p)]
    if len(cyrillic) == len(parts):
        # a Russian compound (научно-исследовательский): one ordinary word
        return Term(token, "\x00" + stem(token.lower()), False, "word")
    if cyrillic:
        latin_parts = tuple(p.lower() for p in parts if not _CYRILLIC.search(p))
        named = any(_is_named_word(p) for p in parts if not _CYRILLIC.search(p))
        return Term(token, _key(token), named, "mixed", latin_parts)
    named = any(_is_named_word(p) for p in parts) or sum(p[0].isupper() for p in parts) >= 2
    return Term(token, _key(token), named, "phrase", low_parts)


# ---------------------------------------------------------------------------- section index
@dataclass
class SectionIndex:
    """Where each word of one section first appears, overall and per kind of block.

    Keys: the lowercase separator-free form of every token and of its parts and camel-case
    humps (``kvcache``, ``kv``, ``cache``); ``\\x00`` + the stem of every word; ``\\x01`` + the
    prefixes (4+ letters) of the folded stem of every Russian word, for borrowed Latin words.
    """

    first_line: int
    last_line: int
    first_of_kind: dict[str, int] = field(default_factory=dict)
    sequence: list[str] = field(default_factory=list)  # lowercase word parts in reading order
    sequence_lines: list[int] = field(default_factory=list)
    positions: dict[str, list[int]] = field(default_factory=dict)
    # token as written → first line; expanded into keys once, on the first lookup (a token
    # repeats many times in a section; its keys are many: expanding each occurrence was the
    # cost of indexing)
    _tokens: dict[str, dict[str, int]] = field(default_factory=dict)
    _keys: dict[str, dict[str, int]] = field(default_factory=dict)
    _lines: list[tuple[int, list[str]]] = field(default_factory=list)

    def add_line(self, line: int, text: str, kind: str) -> None:
        if kind in ("code", "math", "table") and kind not in self.first_of_kind:
            self.first_of_kind[kind] = line
        tokens = _TOKEN.findall(text)
        if not tokens:
            return
        anywhere = self._tokens.setdefault("", {})
        for token in tokens:
            if token not in anywhere:
                anywhere[token] = line
        if kind in _KEPT_KINDS:
            own = self._tokens.setdefault(kind, {})
            for token in tokens:
                if token not in own:
                    own[token] = line
        self._lines.append((line, tokens))
        self._keys.clear()
        self.positions.clear()

    def _reading_order(self) -> None:
        """The word parts in reading order, for phrases; built on the first phrase lookup."""
        if self.positions or not self._lines:
            return
        sequence, lines, positions = self.sequence, self.sequence_lines, self.positions
        sequence.clear()
        lines.clear()
        for line, tokens in self._lines:
            for token in tokens:
                for low in _lower_parts(token):
                    positions.setdefault(low, []).append(len(sequence))
                    sequence.append(low)
                    lines.append(line)

    def table(self, kind: str = "") -> dict[str, int]:
        """Key → first line, over the whole section (``""``) or one kept kind (``"code"``)."""
        keys = self._keys.get(kind)
        if keys is None:
            keys = {}
            for token, line in self._tokens.get(kind, {}).items():  # in order of first line
                _first_lines(keys, _token_keys(token), line)
            self._keys[kind] = keys
        return keys

    def line_of(self, term: Term, kind: str | None = None) -> int | None:
        """First line mentioning ``term`` (in a block of ``kind``, or anywhere)."""
        table = self.table(kind or "")
        found = table.get(term.key)
        if found is not None:
            return found
        if term.kind == "phrase":
            found = self._phrase_line(term.parts) if kind is None else None
            if found is None and not term.named:
                found = self._parts_line(term.parts, table, borrowed=True)
            return found
        if term.kind == "mixed":
            return self._parts_line(term.parts, table)
        if term.kind == "word" and term.loose:
            return table.get("\x01" + term.loose)
        if term.named and term.kind == "word" and len(term.key) > 2 and term.key.endswith("s"):
            return table.get(term.key[:-1])  # LLMs, GPUs
        return None

    def kind_lines(self, kind: str) -> dict[str, int]:
        return self.table(kind)

    def _parts_line(
        self, parts: tuple[str, ...], table: dict[str, int], borrowed: bool = False
    ) -> int | None:
        lines = []
        for part in parts:
            if len(part) < 2 or part in _STOP_EN or part in _STOP_RU:
                continue
            hit = table.get(_key(part))
            if hit is None and borrowed and len(part) >= MIN_TRANSLIT:
                hit = table.get("\x01" + translit(stem(part)))
            if hit is None:
                return None
            lines.append(hit)
        return min(lines) if lines else None

    def _phrase_line(self, parts: tuple[str, ...]) -> int | None:
        if not parts:
            return None
        self._reading_order()
        anchor = min(range(len(parts)), key=lambda i: len(self.positions.get(parts[i], ())))
        seq = self.sequence
        for pos in self.positions.get(parts[anchor], ()):
            start = pos - anchor
            if start < 0 or start + len(parts) > len(seq):
                continue
            if all(seq[start + i] == part for i, part in enumerate(parts)):
                return self.sequence_lines[start]
        return None


_KEPT_KINDS = frozenset({"code"})  # the only kind a lookup asks for by name


def _first_lines(table: dict[str, int], keys: Iterable[str], line: int) -> None:
    """Record ``line`` for the keys not seen yet (lines come in order: the first is kept)."""
    for k in keys:
        if k not in table:
            table[k] = line


@lru_cache(maxsize=200_000)
def _lower_parts(token: str) -> tuple[str, ...]:
    return tuple(p.lower() for p in _parts(token))


@lru_cache(maxsize=200_000)
def _token_keys(token: str) -> tuple[str, ...]:
    """Every key a token is found by. A tuple of interned strings, not a frozenset: the cache
    holds one per distinct word of every page read (37,600 at 20,000 files), and a set's hash
    table was 600 bytes of each; the same stem or prefix of many words is one string."""
    keys = {_key(token)}
    parts = _parts(token)
    for part in parts:
        low = part.lower()
        keys.add(_key(low))
        stemmed = stem(low)
        keys.add("\x00" + stemmed)
        if _CYRILLIC.search(low):
            folded = skeleton(stemmed)
            keys.update("\x01" + folded[:n] for n in range(MIN_TRANSLIT, len(folded) + 1))
    for hump in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", token):
        keys.add(hump.lower())
    if len(parts) > 1:
        keys.add("\x00" + stem(token.lower()))
    return tuple(sorted(map(sys.intern, keys)))


def forget_words() -> None:
    """Empty the per-word caches (stems, keys, parts). They serve every page a process reads,
    which suits the language server; a one-shot ``check`` empties them once its tracker stage
    is done, before it builds the state it saves (at 20,000 files they held about 60 MB)."""
    _token_keys.cache_clear()
    _lower_parts.cache_clear()
    stem.cache_clear()


def build_index(
    doc: Document, heading_index: int, lines: list[str], config: Config
) -> SectionIndex:
    """Index the lines of one section: headings, prose, tables, math and code."""
    heading = doc.headings[heading_index]
    first, last = heading.span.line, min(heading.end_line or len(lines), len(lines))
    index = SectionIndex(first, last)
    outputs = {o.lower() for o in config.examples.output_infos}
    code_lines: dict[int, str] = {}  # line → "code" / "output" / "fence"
    for block in doc.code_blocks:
        if not first <= block.span.line <= last:
            continue
        body = block.code.rstrip("\n")
        count = body.count("\n") + 1 if body else 0
        role = "output" if block.info.strip().lower() in outputs else "code"
        if block.language in ("math", "latex", "tex"):
            role = "math"
        code_lines[block.span.line] = "fence"
        for n in range(block.code_line, block.code_line + max(count, 0)):
            code_lines[n] = role
        code_lines.setdefault(block.code_line + max(count, 0), "fence")
    heading_lines = {h.span.line for h in doc.headings if first <= h.span.line <= last}
    in_display_math = False
    for n in range(first, last + 1):
        text = lines[n - 1]
        line_role = code_lines.get(n)
        if line_role == "fence":
            continue
        if line_role in ("code", "output", "math"):
            index.add_line(n, text, "prose" if line_role == "output" else line_role)
            continue
        stripped = text.strip()
        if n in heading_lines:
            index.add_line(n, text, "heading")
            continue
        if in_display_math:
            index.add_line(n, _LATEX_COMMAND.sub(" ", text), "math")
            in_display_math = not stripped.endswith(("\\]", "$$"))
            continue
        if stripped.startswith(("\\[", "$$")):
            index.add_line(n, _LATEX_COMMAND.sub(" ", text), "math")
            in_display_math = not stripped[2:].rstrip().endswith(("\\]", "$$"))
            continue
        if stripped.startswith("|"):
            index.add_line(n, text, "table")
            continue
        maths = _INLINE_MATH.findall(text) + _CODE_FORMULA.findall(text)
        if maths:
            index.add_line(n, _LATEX_COMMAND.sub(" ", " ".join(maths)), "math")
            text = _INLINE_MATH.sub(" ", text)
        index.add_line(n, text, "prose")
    return index


class _PageText:
    """One page's text as the finder reads it: its lines, the section indexes built so far and
    the spread of its ordinary words over its H2 sections."""

    __slots__ = ("indexes", "lines", "spread")

    def __init__(self, lines: list[str] | None) -> None:
        self.lines = lines
        self.indexes: dict[int, SectionIndex | None] = {}
        self.spread: dict[tuple[str, str], int] = {}


class EvidenceFinder:
    """Section texts read and indexed once per page visit; every answer kept for the run.

    The claims of a gap point at a few pages, and a tracker's gaps go through their pages in
    turn, so only the last ``KEPT_PAGES`` pages keep their text and indexes (an index holds
    every word of a section: keeping the indexes of every claimed page of a 20,000-file tree was
    most of ``check``'s memory). The answers (``check``, ``check_title``) are pure functions of
    their arguments and small, and are kept: the second coverage of ``check``'s bound asks the
    same questions and reads no page again. A page dropped and asked about again is read and
    indexed again (its digest checked again, as on the first read).
    """

    KEPT_PAGES = 8

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self._pages: dict[str, _PageText] = {}  # in order of last use, the latest last
        self._checked: dict[tuple[str, int, str, int, bool], ItemEvidence] = {}
        self._titles: dict[tuple[ItemTerms, int, str, int], ItemEvidence | None] = {}
        self.level_words = [*config.levels.names, *config.levels.aliases]

    def _page(self, doc: Document) -> _PageText:
        pages = self._pages
        page = pages.pop(doc.path, None)
        if page is None:
            page = _PageText(_read_lines(self.root, doc))
            while len(pages) >= self.KEPT_PAGES:
                del pages[next(iter(pages))]  # the page used longest ago
        pages[doc.path] = page
        return page

    def lines(self, doc: Document) -> list[str] | None:
        return self._page(doc).lines

    def index(self, doc: Document, heading_index: int) -> SectionIndex | None:
        page = self._page(doc)
        indexes = page.indexes
        if heading_index not in indexes:
            lines = page.lines
            indexes[heading_index] = (
                None if lines is None else build_index(doc, heading_index, lines, self.config)
            )
        return indexes[heading_index]

    def check(
        self, text: str, line: int, doc: Document, heading_index: int, terms_only: bool = False
    ) -> ItemEvidence:
        """``terms_only``: is the item's topic there (its qualifiers' blocks not asked for)?"""
        key = (text, line, doc.path, heading_index, terms_only)
        found = self._checked.get(key)
        if found is None:
            found = self._checked[key] = self._check(text, line, doc, heading_index, terms_only)
        return found

    def _check(
        self, text: str, line: int, doc: Document, heading_index: int, terms_only: bool
    ) -> ItemEvidence:
        terms = item_terms(text, self.level_words)
        if terms_only:
            terms = ItemTerms(terms.terms, (), terms.state, terms.reason)
        if terms.state == "generic":
            return ItemEvidence(text, line, "generic")
        if terms.state != "checkable":
            return ItemEvidence(text, line, "uncheckable", reason=terms.reason)
        index = self.index(doc, heading_index)
        if index is None:
            return ItemEvidence(text, line, "unchecked", reason="section text not readable")
        return check_terms(text, line, terms, index, self.common(doc, terms))

    def check_title(
        self, terms: ItemTerms, line: int, doc: Document, heading_index: int
    ) -> ItemEvidence | None:
        """A gap title's terms looked for in a section (``check_terms`` with nothing common);
        None when the section text is not readable."""
        key = (terms, line, doc.path, heading_index)
        if key not in self._titles:
            index = self.index(doc, heading_index)
            self._titles[key] = None if index is None else check_terms("", line, terms, index)
        return self._titles[key]

    def common(self, doc: Document, terms: ItemTerms) -> frozenset[str]:
        """The item's ordinary words that most H2 sections of the page mention (they tell
        sections apart badly). Pages with few sections, or very many, are not filtered."""
        sections = [i for i, h in enumerate(doc.headings) if h.level == 2]
        if not MIN_SECTIONS_FOR_COMMON <= len(sections) <= MAX_SECTIONS_FOR_COMMON:
            return frozenset()
        spread = self._page(doc).spread
        out = set()
        for term in terms.terms:
            if term.named:
                continue
            key = (term.key, term.loose)
            if key not in spread:
                indexes = [self.index(doc, i) for i in sections]
                spread[key] = sum(
                    1 for ix in indexes if ix is not None and ix.line_of(term) is not None
                )
            if spread[key] * 2 > len(sections):
                out.add(term.key)
        return frozenset(out)


def check_terms(
    text: str,
    line: int,
    terms: ItemTerms,
    index: SectionIndex,
    common: frozenset[str] = frozenset(),
) -> ItemEvidence:
    """Named terms must all be found; ordinary words, at least half of them when the item names
    nothing (with named terms present they are paraphrase and only recorded); one of them must
    be a word not in ``common`` (found in most sections of the page: модель, токен) when the
    item has such words."""
    hits = tuple(TermHit(t.text, index.line_of(t)) for t in terms.terms)
    pairs = list(zip(terms.terms, hits, strict=True))
    named = [h for t, h in pairs if t.named]
    plain = [h for t, h in pairs if not t.named]
    rare = [h for t, h in pairs if not t.named and t.key not in common]
    ok = all(h.line is not None for h in named)
    if named and len(rare) >= RARE_WORDS_WITH_NAMES:
        ok = ok and any(h.line is not None for h in rare)
    if not named:
        ok = sum(1 for h in plain if h.line is not None) >= math.ceil(len(plain) / 2)
        # and one of the words that tell this section from the others, when there are any
        ok = ok and (not rare or any(h.line is not None for h in rare))
    kinds = []
    for kind in terms.kinds:
        found = _code_line(terms, index) if kind == "code" else index.first_of_kind.get(kind)
        kinds.append(KindHit(kind, found))
        ok = ok and found is not None
    return ItemEvidence(text, line, "found" if ok else "missing", hits, tuple(kinds))


def _code_line(terms: ItemTerms, index: SectionIndex) -> int | None:
    """A code block that mentions the item: any of its terms, or a Latin part of a compound one
    (``kv_bytes_per_token`` for KV-cache; a whole identifier for DistillationLoss). An item that
    names nothing may instead be shown by the library it names (numpy → np) or, naming none,
    by any code block."""
    code = index.kind_lines("code")
    mentions = []
    for term in terms.terms:
        hit = index.line_of(term, "code")
        if hit is None and term.kind in ("phrase", "mixed"):
            hit = min(
                (code[_key(p)] for p in term.parts if len(p) > 1 and _key(p) in code),
                default=None,
            )
        if hit is not None:
            mentions.append(hit)
    if mentions:
        return min(mentions)
    if any(t.named for t in terms.terms):
        return None
    hinted = [code[h] for h in terms.code_hints if h in code]
    if hinted:
        return min(hinted)
    return None if terms.code_hints else index.first_of_kind.get("code")


def _read_lines(root: Path, doc: Document) -> list[str] | None:
    from audit.discover import read_source
    from audit.parse.markdown import decode

    path = root / doc.path
    try:
        source = read_source(path, root)
    except (OSError, ValueError):
        return None
    if source.data is None or source.digest != doc.digest:
        return None
    text, _ = decode(source)
    if text is None:
        return None
    return [line.rstrip("\r") for line in text.split("\n")]


def title_terms(title: str) -> ItemTerms:
    """A gap title's terms ('Chain-of-Experts (CoE)'), checked like an item's."""
    return item_terms(title)
