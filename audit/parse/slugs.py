"""Heading anchors computed the way the site generator computes them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audit.model.config import SlugStyle


_PUNCT = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[-\s]+")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")


def slug_mkdocs_unicode(text: str, separator: str = "-") -> str:
    """Python-Markdown ``toc.slugify_unicode``: keeps Cyrillic, lowercases, drops punctuation."""
    value = _PUNCT.sub("", text).strip().lower()
    return _spaces(separator).sub(separator, value)


def slug_mkdocs_ascii(text: str, separator: str = "-") -> str:
    """Python-Markdown ``toc.slugify`` (the mkdocs default): non-ASCII letters are dropped."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = _PUNCT.sub("", value).strip().lower()
    return _spaces(separator).sub(separator, value)


def _spaces(separator: str) -> re.Pattern[str]:
    if separator == "-":
        return _SPACES
    return re.compile(rf"[{re.escape(separator)}\s]+")


_TAGS = re.compile(r"</?[^>]*>")
_PYMDOWNX_DROP = re.compile(r"[^\w\- ]")
_ASCII_UPPER = re.compile(r"[A-Z]")


def slug_pymdownx(text: str, separator: str = "-", case: str = "none") -> str:
    """``pymdownx.slugs.slugify(case=...)``: NFC, tags stripped, each single space becomes the
    separator (runs are not collapsed, unlike toc: ``a — b`` gives ``a--b``)."""
    value = _TAGS.sub("", unicodedata.normalize("NFC", text)).strip()
    if case == "lower":
        value = value.lower()
    elif case == "lower-ascii":
        value = _ASCII_UPPER.sub(lambda m: m.group(0).lower(), value)
    elif case == "fold":
        value = value.casefold()
    return _PYMDOWNX_DROP.sub("", value).replace(" ", separator)


# github-slugger strips these general categories (Unicode 13 tables; Python's are newer, which
# only matters for characters assigned since), except ' ', '-' and anything Alphabetic
_GITHUB_STRIP = frozenset(
    {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sc", "Sk", "Sm", "So", "Cc", "Co", "Cf", "Cn"}
    | {"Zs", "Zl", "Zp"}
)


def _github_keeps(char: str) -> bool:
    if char in " -":
        return True
    category = unicodedata.category(char)
    if category not in _GITHUB_STRIP:
        return True
    # Alphabetic symbols (circled letters) are kept by github-slugger
    return category == "So" and unicodedata.normalize("NFKC", char).isalpha()


def slug_github(text: str, separator: str = "-") -> str:
    """GitHub's anchors (github-slugger): lowercase, punctuation, symbols and emoji dropped by
    Unicode category, every space becomes a hyphen (no collapsing, no trimming)."""
    return "".join(c for c in text.lower() if _github_keeps(c)).replace(" ", "-")


SLUGGERS: dict[str, Callable[..., str]] = {
    "mkdocs-unicode": slug_mkdocs_unicode,
    "mkdocs-ascii": slug_mkdocs_ascii,
    "github": slug_github,
    "pymdownx": partial(slug_pymdownx, case="none"),
    "pymdownx-lower": partial(slug_pymdownx, case="lower"),
    "pymdownx-lower-ascii": partial(slug_pymdownx, case="lower-ascii"),
    "pymdownx-fold": partial(slug_pymdownx, case="fold"),
}


def slugger(style: str, separator: str = "-") -> Callable[[str], str]:
    """The slug function of a style with the toc separator bound."""
    return partial(SLUGGERS[style], separator=separator)


class AnchorAllocator:
    """Makes anchors unique within one page: ``_1``, ``_2`` (mkdocs) or ``-1``, ``-2`` (github)."""

    def __init__(self, style: SlugStyle, separator: str = "-") -> None:
        self.style = style
        self.slug = slugger(style, separator)
        self.taken: set[str] = set()
        self._next: dict[str, int] = {}

    def reserve(self, anchor: str) -> None:
        self.taken.add(anchor)

    def unique(self, anchor: str) -> str:
        if self.style == "github":
            if anchor in self.taken:
                count = self._next.get(anchor, 0)
                candidate = anchor
                while candidate in self.taken:
                    count += 1
                    candidate = f"{anchor}-{count}"
                self._next[anchor] = count
                anchor = candidate
            self.taken.add(anchor)
            return anchor
        if anchor in self.taken or not anchor:  # Python-Markdown toc.unique, counters included
            match = _ID_COUNT.match(anchor)
            base, count = (match.group(1), int(match.group(2))) if match else (anchor, 0)
            known = self._next.get(base, 0)
            # skip ahead only within the run base_1..base_known known to be taken (a later
            # suffix may still be free: `a_5` twice, then `a` twice gives a_6 and then a_1)
            skip = count <= known or anchor == f"{base}_{known + 1}"
            if skip:
                count = max(count, known)
            count += 1
            while f"{base}_{count}" in self.taken:
                count += 1
            if skip:
                self._next[base] = count
            anchor = f"{base}_{count}"
        self.taken.add(anchor)
        return anchor
