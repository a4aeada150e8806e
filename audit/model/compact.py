"""Equal strings of one run's documents made one object.

The documents of a tree repeat many strings: every task page has the same front matter keys,
most code blocks say ``python``, many pages link to the same target with the same text, and
sections are named alike. The parser slices each occurrence out of its own page, so each was its
own object: at 1,000 generated files 4.5 MB of the documents' 9.2 MB of strings were copies of
another. ``SharedStrings.share`` replaces every copy by the first equal string the run has seen.

The documents it is given are fresh (just parsed, or just unpickled) and seen by no one else yet,
so their frozen parts are updated in place with ``object.__setattr__`` instead of being copied:
copying would double them for a moment, which is the memory this is here to save. A table lives
as long as its run (a ``ParseCache`` or one parse call): a long-lived process such as the
language server does not keep every string it ever saw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the cache makes a table on every run: the model is not imported for it
    from audit.model.document import Document

_HEADING = ("text", "anchor", "title")
_LINK = ("text", "target", "path", "anchor", "line_role")
_CODE = ("info", "language", "skip_reason", "expected_output", "kind")
_QA = ("question", "level")
_MENTION = ("task_id",)
_BLOCK = ("text", "raw", "kind")
_DOCUMENT = ("kind", "track", "title", "updated")


class SharedStrings:
    """The strings one run has seen, each kept once."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def share(self, doc: Document) -> Document:
        """``doc`` with its repeated strings replaced by the run's own copies (same values)."""
        seen = self._seen
        _share(doc, _DOCUMENT, seen)
        for heading in doc.headings:
            _share(heading, _HEADING, seen)
        for link in doc.links:
            _share(link, _LINK, seen)
        for block in doc.code_blocks:
            _share(block, _CODE, seen)
            if block.flags:
                object.__setattr__(block, "flags", tuple(_one(f, seen) for f in block.flags))
        for pair in doc.qa:
            _share(pair, _QA, seen)
        for mention in doc.task_mentions:
            _share(mention, _MENTION, seen)
        for paragraph in doc.blocks:
            _share(paragraph, _BLOCK, seen)
        if doc.front_matter:
            doc.front_matter = _shared_value(doc.front_matter, seen)
        if doc.front_matter_key_lines:
            doc.front_matter_key_lines = {
                _one(k, seen): v for k, v in doc.front_matter_key_lines.items()
            }
        return doc


def _one(text: str, seen: dict[str, str]) -> str:
    return seen.setdefault(text, text)


def _share(obj: object, names: tuple[str, ...], seen: dict[str, str]) -> None:
    for name in names:
        value = getattr(obj, name)
        if type(value) is str:
            shared = seen.setdefault(value, value)
            if shared is not value:
                object.__setattr__(obj, name, shared)


_MAX_DEPTH = 8  # front matter nested deeper than this (hostile, or odd) is kept as it is


def _shared_value(value: Any, seen: dict[str, str], depth: int = 0) -> Any:
    """Front matter as YAML gave it: dicts, lists and scalars (only the strings change)."""
    if type(value) is str:
        return seen.setdefault(value, value)
    if depth >= _MAX_DEPTH:
        return value
    if type(value) is dict:
        return {
            _shared_value(k, seen, depth + 1): _shared_value(v, seen, depth + 1)
            for k, v in value.items()
        }
    if type(value) is list:
        return [_shared_value(v, seen, depth + 1) for v in value]
    return value
