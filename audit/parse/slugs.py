"""Heading anchors computed the way the site generator computes them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from audit.model.config import SlugStyle

_PUNCT = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[-\s]+")
_GITHUB_DROP = re.compile(r"[^\w\- ]")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")


def slug_mkdocs_unicode(text: str) -> str:
    """Python-Markdown ``toc.slugify_unicode``: keeps Cyrillic, lowercases, drops punctuation."""
    value = _PUNCT.sub("", text).strip().lower()
    return _SPACES.sub("-", value)


def slug_mkdocs_ascii(text: str) -> str:
    """Python-Markdown ``toc.slugify`` (the mkdocs default): non-ASCII letters are dropped."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = _PUNCT.sub("", value).strip().lower()
    return _SPACES.sub("-", value)


def slug_github(text: str) -> str:
    """GitHub's anchors: lowercase, punctuation dropped, every space becomes a hyphen."""
    return _GITHUB_DROP.sub("", text.strip().lower()).replace(" ", "-")


SLUGGERS: dict[str, Callable[[str], str]] = {
    "mkdocs-unicode": slug_mkdocs_unicode,
    "mkdocs-ascii": slug_mkdocs_ascii,
    "github": slug_github,
}


class AnchorAllocator:
    """Makes anchors unique within one page: ``_1``, ``_2`` (mkdocs) or ``-1``, ``-2`` (github)."""

    def __init__(self, style: SlugStyle) -> None:
        self.style = style
        self.slug = SLUGGERS[style]
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
