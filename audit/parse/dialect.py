"""The mkdocs-material dialect, taught to mistune as block rules that keep positions exact.

mkdocs renders with Python-Markdown plus the extensions a site lists in ``markdown_extensions``;
mistune knows none of them, so an admonition's indented body was read as indented code and every
link in it was lost. The containers here (``!!!`` admonitions, ``???``/``???+`` details,
``=== "Title"`` content tabs) are block rules of the same block parser: the body is dedented and
parsed as nested Markdown in a child state whose ``origin_line`` is the body's first file line,
the way a list item's child state is, so every nested element gets its file line and column from
the same machinery (no second pass over the text).

Which features are on follows the site: with a mkdocs.yml only the extensions it enables; with
none, all of them. The audit is written for knowledge bases published with mkdocs-material (see
real-site-format.md); with no site config there is no renderer to defer to, and a line opening
with ``!!!``/``???``/``=== "`` means nothing else in plain Markdown, so reading it as the dialect
finds the links an author put there instead of hiding them in a code block.
"""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState

if TYPE_CHECKING:
    from audit.model.config import Config


Token = dict[str, Any]

# the extension names a site may list for each feature (short and dotted forms); Python-Markdown's
# `extra` and pymdownx.extra bundle attr_list, footnotes and md_in_html
_EXTRA = ("extra", "markdown.extensions.extra", "pymdownx.extra")
_EXTENSIONS = {
    "admonition": ("admonition", "markdown.extensions.admonition"),
    "details": ("pymdownx.details",),
    "tabbed": ("pymdownx.tabbed",),
    "attr_list": ("attr_list", "markdown.extensions.attr_list", *_EXTRA),
    "footnotes": ("footnotes", "markdown.extensions.footnotes", *_EXTRA),
    "md_in_html": ("md_in_html", "markdown.extensions.md_in_html", *_EXTRA),
    "def_list": ("def_list", "markdown.extensions.def_list", *_EXTRA),
    "arithmatex": ("pymdownx.arithmatex",),
    "superfences": ("pymdownx.superfences", "pymdownx.extra"),
}


@dataclass(frozen=True)
class Features:
    """The dialect features a site enables (each one an extension of its mkdocs.yml)."""

    admonition: bool = True
    details: bool = True
    tabbed: bool = True
    attr_list: bool = True
    footnotes: bool = True
    md_in_html: bool = True
    def_list: bool = True
    arithmatex: bool = True
    superfences: bool = True
    # not an extension: Python-Markdown's own raw HTML blocks end with their element (below)
    html_block_ends: bool = True


ALL = Features()
TITLE = "dialect_title"  # an admonition's, details' or tab's title: inline Markdown
CONTAINER_TYPES = frozenset(
    {"admonition", "details", "tab", "footnote", "md_in_html", "definition"}
)


def features_of(config: Config) -> Features:
    """The features on for a config: a mkdocs site's own extensions, else all (module doc)."""
    site = config.site
    if site.generator != "mkdocs":
        return ALL
    enabled = set(site.markdown_extensions)
    return Features(**{name: bool(enabled & set(names)) for name, names in _EXTENSIONS.items()})


def _element_end(raw: str) -> int:
    """Where Python-Markdown ends a raw HTML block: after the line on which its first element
    closes, when text follows (CommonMark runs a ``<div>`` block on to the next blank line, so
    ``<div id="x"></div>`` then ``## Title`` loses the heading; ``mkdocs build`` keeps it).
    ``len(raw)`` when the element stays open to the end, has no closing tag, or the closing tag
    shares its line with more text (left as CommonMark reads it)."""
    lead = len(raw) - len(raw.lstrip())
    opener = re.match(r"<([A-Za-z][\w-]*)", raw[lead:])
    if opener is None:
        return len(raw)
    name = re.escape(opener.group(1))
    depth = 0
    for tag in re.finditer(rf"<(/?){name}(?=[\s/>])[^>]*>", raw, re.IGNORECASE):
        if tag.group(1):
            depth -= 1
        elif not tag.group(0).endswith("/>"):
            depth += 1
        if depth <= 0:
            nl = raw.find("\n", tag.end())
            line_end = len(raw) if nl < 0 else nl + 1
            if raw[tag.end() : line_end].strip() or not raw[line_end:].strip():
                return len(raw)
            return line_end
    return len(raw)


# Python-Markdown's own patterns (admonition.py, pymdownx/details.py, pymdownx/tabbed.py), at the
# start of a line: each may interrupt a paragraph, as they do there (the processors search the
# whole block); the group names are prefixed, mistune joins every rule into one regex
_ADMONITION = r'!!! ?[\w\-]+(?: +[\w\-]+)*(?: +"[^\n]*?")?[ ]*$'
_DETAILS = r'\?{3}\+? ?(?:(?:[\w\-]+(?: +[\w\-]+)*?)?(?: +"[^\n]*?")|[\w\-]+(?: +[\w\-]+)*?)[ ]*$'
_TABBED = r'={3}(?:\+|\+!|!\+|!)? +"[^\n]*?"[ ]*$'
_TITLE = re.compile(r'"(.*?)"[ ]*$')
_TAB_LENGTH = 4


def _container_pattern(features: Features) -> str | None:
    forms = []
    if features.admonition:
        forms.append(_ADMONITION)
    if features.details:
        forms.append(_DETAILS)
    if features.tabbed:
        forms.append(_TABBED)
    if not forms:
        return None
    # up to three blanks before the marker: a list item's child text keeps what lies past the
    # CommonMark content column (`- item` then a body indented by four keeps two)
    return "^[ ]{0,3}(?:" + "|".join(f"(?:{form})" for form in forms) + ")"


def _dedent(line: str, indent: int) -> str | None:
    """A body line without its indentation (the opener's and four more), or None when the line
    ends the body."""
    if not line.strip():
        return "\n" if line.endswith("\n") else ""
    if line.startswith(" " * (indent + _TAB_LENGTH)):
        return line[indent + _TAB_LENGTH :]
    if line.startswith(" " * indent + "\t"):
        return line[indent + 1 :]
    return None


def parse_container(block: BlockParser, m: re.Match[str], state: BlockState) -> int:
    """An admonition, details or tab: its title line, then its indented (or blank) lines.

    As in Python-Markdown, the body is every following line indented by four spaces, blank
    lines included while an indented one follows; the first other line ends it.
    """
    src = state.src
    head = m.group(0)
    indent = len(head) - len(head.lstrip(" "))
    head = head.lstrip(" ")
    kind = "admonition" if head.startswith("!") else "details" if head[0] == "?" else "tab"
    limit = state.cursor_max
    body_start = m.end() + 1 if m.end() < limit and src[m.end()] == "\n" else m.end()
    cursor = end = body_start
    lines: list[str] = []
    kept = 0  # lines up to the last non-blank one
    while cursor < limit:
        nl = src.find("\n", cursor, limit)
        line_end = nl + 1 if nl >= 0 else limit
        dedented = _dedent(src[cursor:line_end], indent)
        if dedented is None:
            break
        lines.append(dedented)
        cursor = line_end
        if dedented.strip():
            kept, end = len(lines), line_end
    title = _TITLE.search(head)
    token: Token = {
        "type": kind,
        "attrs": {
            "name": head.split(None, 1)[0],
            "title": title.group(1) if title else "",
            "kind": head.lstrip("!?=+ ").split(" ", 1)[0] if kind != "tab" else "",
        },
        "children": [],
    }
    if title and ("[" in title.group(1) or "<" in title.group(1)):
        # the title is Markdown (Python-Markdown renders its links): one inline paragraph on
        # the opener's line, placed by the same machinery as the body
        state.child_start = m.start()  # type: ignore[attr-defined]  # _PositionedState
        heading = state.child_state(title.group(1) + "\n")
        block.parse(heading, ["blank_line"])
        for part in heading.tokens:
            if part.get("type") == "paragraph":
                part["type"] = TITLE
                token["children"].append(part)
    if kept:
        state.child_start = body_start  # type: ignore[attr-defined]  # _PositionedState
        child = state.child_state("".join(lines[:kept]))
        rules = list(block.rules)
        if state.depth() >= block.max_nested_level - 1:
            rules = [r for r in rules if r not in ("block_quote", "list", "dialect_container")]
        block.parse(child, rules)
        token["children"].extend(child.tokens)
    state.append_token(token)
    return end if kept else body_start


# markdown/extensions/footnotes.py: a definition `[^label]: text`, then its lazy lines up to a
# blank one, then the blocks indented by four; a reference `[^label]` to a defined label
_FOOTNOTE_DEF = r"^[ ]{0,3}\[\^[^\]\n]+\]:[^\n]*$"
_FOOTNOTE_LABEL = re.compile(r"[ ]*\[\^([^\]\n]+)\]:[ ]*")
_FOOTNOTE_REF = r"\[\^(?P<dialect_fn>[^\]\n]+)\]"
FOOTNOTES_ENV = "dialect_footnotes"  # state.env key: {label: number of references}


def parse_footnote(block: BlockParser, m: re.Match[str], state: BlockState) -> int:
    """A footnote definition: its text is Markdown (links there are checked), its label gives
    the anchor ``fn:label``."""
    head = _FOOTNOTE_LABEL.match(m.group(0))
    assert head is not None
    label = head.group(1)
    child, end = _lazy_body(block, m, state, m.group(0)[head.end() :], _FOOTNOTE_LABEL)
    block.parse(child, [r for r in block.rules if r != "dialect_footnote"])
    state.append_token({"type": "footnote", "attrs": {"label": label}, "children": child.tokens})
    defined = state.env.setdefault(FOOTNOTES_ENV, {})
    defined.setdefault(label, 0)
    return end


def _lazy_body(
    block: BlockParser, m: re.Match[str], state: BlockState, first_text: str, stop: re.Pattern[str]
) -> tuple[BlockState, int]:
    """The child state of a footnote's or definition's body, and where the body ends: its first
    line's text, the lazy lines up to a blank one (up to a line ``stop`` matches), then the
    blocks indented by four, as Python-Markdown's footnotes and def_list read them."""
    src, limit = state.src, state.cursor_max
    lines = [first_text + "\n"]
    cursor = end = m.end() + 1 if m.end() < limit else limit
    lazy = True  # lines up to the first blank one belong to it, indented or not
    while cursor < limit:
        nl = src.find("\n", cursor, limit)
        line_end = nl + 1 if nl >= 0 else limit
        line = src[cursor:line_end]
        if not line.strip():
            lazy = False
            lines.append("\n")
        elif lazy and not stop.match(line):
            lines.append(_dedent(line, 0) or line)
            end = line_end
        else:
            dedented = _dedent(line, 0)
            if dedented is None:
                break
            lines.append(dedented)
            end = line_end
        cursor = line_end
    kept = len(lines)
    while kept > 1 and not lines[kept - 1].strip():
        kept -= 1
    state.child_start = m.start()  # type: ignore[attr-defined]  # _PositionedState
    return state.child_state("".join(lines[:kept])), max(end, m.end())


# markdown/extensions/def_list.py: after a paragraph (the terms) or another definition, blank
# lines between or not, a line `:` and one to three blanks opens a definition; its body reads
# like a footnote's (lazy lines, then blocks indented by four)
_DEFINITION = r"^[ ]{0,3}:[ ]{1,3}[^\n]*$"
_DEFINITION_HEAD = re.compile(r"[ ]{0,3}:[ ]{1,3}")


def parse_definition(block: BlockParser, m: re.Match[str], state: BlockState) -> int | None:
    """A definition of a definition list: a container whose body is Markdown."""
    previous = next((t for t in reversed(state.tokens) if t.get("type") != "blank_line"), None)
    if previous is None or previous.get("type") not in ("paragraph", "definition"):
        return None  # no term: the line is text
    head = _DEFINITION_HEAD.match(m.group(0))
    assert head is not None
    child, end = _lazy_body(block, m, state, m.group(0)[head.end() :], _DEFINITION_HEAD)
    rules = list(block.rules)
    if state.depth() >= block.max_nested_level - 1:
        nesting = ("block_quote", "list", "dialect_container", "dialect_definition")
        rules = [r for r in rules if r not in nesting]
    block.parse(child, rules)
    state.append_token({"type": "definition", "children": child.tokens})
    return end


def parse_footnote_ref(inline: Any, m: re.Match[str], state: Any) -> int:
    """A reference counts towards its footnote's ``fnref`` anchors; it is never a link."""
    label = m.group("dialect_fn")
    refs = state.env.setdefault(FOOTNOTES_ENV + "_refs", [])
    refs.append(label)
    state.append_token({"type": "footnote_ref", "raw": m.group(0), "attrs": {"label": label}})
    return m.end()


def footnote_anchors(env: MutableMapping[str, Any]) -> list[str]:
    """``fn:label`` of every definition and ``fnref:label``, ``fnref2:label``... of each
    reference to a defined label, as Python-Markdown names them (an undefined one is text)."""
    defined: dict[str, int] = env.get(FOOTNOTES_ENV) or {}
    out = [f"fn:{label}" for label in defined]
    for label in env.get(FOOTNOTES_ENV + "_refs") or []:
        if label in defined:
            defined[label] += 1
            count = defined[label]
            out.append(f"fnref:{label}" if count == 1 else f"fnref{count}:{label}")
    return out


# raw HTML (CommonMark's forms): a start tag and its attributes
_TAG = re.compile(
    r"<([A-Za-z][\w-]*)((?:\s+[^\s\"'=<>/`]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
)
_ATTRIBUTE = re.compile(r"([^\s\"'=<>/`]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
HTML_IDS_ENV = "dialect_html_ids"  # state.env key: ids of raw HTML elements
HTML_LINKS_ENV = "dialect_html_links"  # (block state, offset of the tag, url, image)


def html_tags(raw: str) -> list[tuple[int, str, str, bool]]:
    """(offset of the tag, kind "id" or "link", value, whether an image) of every element id
    (``id=``; ``name=`` of an ``<a>``) and link (``<a href>``, ``<img src>``) in raw HTML."""
    out: list[tuple[int, str, str, bool]] = []
    if "=" not in raw:
        return out
    for tag in _TAG.finditer(raw):
        name = tag.group(1).lower()
        for attribute in _ATTRIBUTE.finditer(tag.group(2)):
            key, value = attribute.group(1).lower(), attribute.group(2)
            if value is None:
                continue
            value = html.unescape(value.strip("\"'") if value[0] in "\"'" else value)
            if key == "id" or (key == "name" and name == "a"):
                out.append((tag.start(), "id", value, False))
            elif (key, name) in (("href", "a"), ("src", "img")):
                out.append((tag.start(), "link", value, name == "img"))
    return out


_MARKDOWN_ATTR = re.compile(r"\smarkdown(?:\s*=\s*[\"']?(?:1|block|span)?[\"']?)?(?=[\s/>])")


def _markdown_in_html(
    block: BlockParser, token: Token, raw: str, at: int, state: BlockState
) -> int:
    """md_in_html: a block whose first tag has a ``markdown`` attribute holds Markdown. The
    token becomes a container of what follows the tag (parsed at its file lines); returns how
    much of ``raw`` (the tag) is left to read as HTML, or ``len(raw)`` for a plain block."""
    tag = _TAG.match(raw, len(raw) - len(raw.lstrip()))
    if tag is None or _MARKDOWN_ATTR.search(tag.group(2) + ">") is None:
        return len(raw)
    body_at = tag.end() + (1 if raw.startswith("\n", tag.end()) else 0)
    if raw[body_at:].strip():
        state.child_start = at + body_at  # type: ignore[attr-defined]  # _PositionedState
        child = state.child_state(raw[body_at:])
        rules = list(block.rules)
        if state.depth() >= block.max_nested_level - 1:
            rules = [r for r in rules if r not in ("block_quote", "list", "dialect_container")]
        block.parse(child, rules)
        token["children"] = child.tokens
    else:
        token["children"] = []
    token["type"] = "md_in_html"
    return tag.end()


def _wrap_block_html(md: mistune.Markdown, features: Features) -> None:
    block = md.block
    original = block._methods["raw_html"]

    def parse_raw_html(m: re.Match[str], state: BlockState) -> int | None:
        before, start = len(state.tokens), state.cursor
        end: int | None = original(m, state)
        for token in state.tokens[before:]:
            raw = str(token.get("raw", "")) if token.get("type") == "block_html" else ""
            if not raw:
                continue
            at = start if state.src.startswith(raw, start) else max(state.src.find(raw, start), 0)
            if features.html_block_ends and end is not None and at + len(raw) == end:
                cut = _element_end(raw)
                if cut < len(raw):  # the rest is read again as Markdown
                    raw = token["raw"] = raw[:cut]
                    end = at + cut
            if features.md_in_html:
                raw = raw[: _markdown_in_html(block, token, raw, at, state)]
            for offset, kind, value, image in html_tags(raw):
                if kind == "id":
                    state.env.setdefault(HTML_IDS_ENV, []).append(value)
                else:
                    state.env.setdefault(HTML_LINKS_ENV, []).append(
                        (state, at + offset, value, image)
                    )
        return end

    block._methods["raw_html"] = parse_raw_html


def _wrap_inline_html(md: mistune.Markdown) -> None:
    inline = md.inline
    original = inline._methods["inline_html"]

    def parse_inline_html(m: re.Match[str], state: Any) -> int | None:
        end: int | None = original(m, state)
        if end:
            for _offset, kind, value, image in html_tags(state.src[m.start() : end]):
                if kind == "id":
                    state.env.setdefault(HTML_IDS_ENV, []).append(value)
                else:  # a link token at the tag: located, listed and checked like [..](..)
                    state.append_token(
                        {
                            "type": "image" if image else "link",
                            "attrs": {"url": value},
                            "children": [],
                            "_at": m.start(),
                            "_html": True,
                        }
                    )
        return end

    inline._methods["inline_html"] = parse_inline_html


# pymdownx.arithmatex (generic or not): `\(...\)`, `\[...\]` and `$$...$$` are math, in a
# paragraph or as a block of their own; their text is never links, emphasis or escapes. A single
# `$` is left alone: this knowledge base writes prices with it
_INLINE_MATH = r"\\\(|\\\[|\$\$"  # the opener; the closer is found with str.find (below)
_BLOCK_MATH = r"^[ ]{0,3}(?:\$\$|\\\[)"
_MATH_CLOSE = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}


def _closer(state: Any, closer: str, start: int, limit: int) -> int:
    """Offset of the next ``closer`` from ``start``, or -1. A closer missing from one offset is
    missing from every later one: remembered per state, so a paragraph of ten thousand
    unclosed ``\\(`` costs one scan, not one per opener."""
    memo: dict[str, int] = state.__dict__.setdefault("_dialect_no_closer", {})
    if start >= memo.get(closer, limit + 1):
        return -1
    found: int = state.src.find(closer, start, limit)
    if found < 0:
        memo[closer] = min(start, memo.get(closer, start))
    return found


def parse_block_math(block: BlockParser, m: re.Match[str], state: BlockState) -> int | None:
    """Display math from its opening to its closing delimiter (blank lines and all)."""
    opener = m.group(0).lstrip(" ")
    close = _closer(state, _MATH_CLOSE[opener], m.end(), state.cursor_max)
    if close < 0:
        return None  # not math: the line is read as text
    nl = state.src.find("\n", close, state.cursor_max)
    end = nl + 1 if nl >= 0 else state.cursor_max
    if state.src[close + 2 : end].strip():
        return None  # text after the closing delimiter: inline math in a paragraph
    state.append_token({"type": "block_math", "raw": state.src[m.start() : end]})
    return end


def parse_inline_math(inline: Any, m: re.Match[str], state: Any) -> int | None:
    opener = m.group(0)
    close = _closer(state, _MATH_CLOSE[opener], m.end(), len(state.src))
    if close <= m.end():  # unclosed (or an empty `$$$$`): `\(` is then an escaped `(`
        if opener[0] != "\\":
            return None
        state.append_token({"type": "text", "raw": opener[1]})
        return m.end()
    end = close + len(_MATH_CLOSE[opener])
    state.append_token({"type": "inline_math", "raw": state.src[m.start() : end]})
    return end


# superfences' custom fences that mkdocs-material configures for diagrams
DIAGRAM_LANGUAGES = frozenset({"mermaid"})


def code_kind(language: str, features: Features) -> str:
    """What a code block is besides code: a diagram (a custom fence: rendered, never run)."""
    return "diagram" if features.superfences and language in DIAGRAM_LANGUAGES else "code"


def extra_anchors(env: MutableMapping[str, Any]) -> tuple[str, ...]:
    """The anchors a page has besides its headings: footnotes, ids of raw HTML elements."""
    return (*footnote_anchors(env), *(env.get(HTML_IDS_ENV) or ()))


REF_DUPLICATES_ENV = "dialect_ref_duplicates"  # (label, its state, offset, first's state, offset)
_REF_AT_ENV = "dialect_ref_at"  # key -> (state, offset) of the definition in force


def _wrap_ref_link(md: mistune.Markdown) -> None:
    """Python-Markdown keeps the last of two definitions of a label (CommonMark the first):
    mkdocs renders with it, so the last one wins here too, and the duplicate is recorded."""
    block = md.block
    original = block._methods["ref_link"]

    def parse_ref_link(m: re.Match[str], state: BlockState) -> int | None:
        env = state.env
        refs = env.setdefault("ref_links", {})
        fresh: dict[str, Any] = {}
        env["ref_links"] = fresh
        try:
            end: int | None = original(m, state)
        finally:
            env["ref_links"] = refs
        at = env.setdefault(_REF_AT_ENV, {})
        offset = state.src.find("[", m.start())
        for key, data in fresh.items():
            if key in refs:
                first_state, first_offset = at[key]
                env.setdefault(REF_DUPLICATES_ENV, []).append(
                    (str(data.get("label", key)), state, offset, first_state, first_offset)
                )
            refs[key] = data
            at[key] = (state, offset)
        return end

    block._methods["ref_link"] = parse_ref_link


def install(md: mistune.Markdown, features: Features) -> None:
    """Teach a mistune instance the dialect's rules (the block ones in lists and quotes too)."""
    block = md.block
    pattern = _container_pattern(features)
    if pattern is not None:
        block.register("dialect_container", pattern, parse_container, before="list")
        for rules in (block.list_rules, block.block_quote_rules):
            if "dialect_container" not in rules:
                block.insert_rule(rules, "dialect_container", before="list")
    if features.footnotes:
        block.register("dialect_footnote", _FOOTNOTE_DEF, parse_footnote, before="ref_link")
        md.inline.register(
            "dialect_footnote_ref",
            _FOOTNOTE_REF,
            parse_footnote_ref,
            before="link",
            start_chars="[",
        )
    if features.def_list:
        block.register("dialect_definition", _DEFINITION, parse_definition, before="list")
        for rules in (block.list_rules, block.block_quote_rules):
            if "dialect_definition" not in rules:
                block.insert_rule(rules, "dialect_definition", before="list")
    if features.arithmatex:
        block.register("dialect_math", _BLOCK_MATH, parse_block_math, before="list")
        for rules in (block.list_rules, block.block_quote_rules):
            if "dialect_math" not in rules:
                block.insert_rule(rules, "dialect_math", before="list")
        # the start characters keep mistune's fast path over plain text (an unknown rule turns
        # it off for every paragraph)
        md.inline.register(
            "dialect_math",
            _INLINE_MATH,
            parse_inline_math,
            before="escape",
            start_chars={"\\", "$"},
        )
    _wrap_block_html(md, features)
    _wrap_ref_link(md)
    _wrap_inline_html(md)


def expand(blocks: list[tuple[Token, int, int]], line_text: Any) -> list[tuple[Token, int, int]]:
    """Top-level blocks with every container replaced by its body's blocks (recursively), each
    with its own line range: a paragraph in an admonition is a paragraph of the page (its links,
    Q&A markers, code), and the builder's walk stays one pass over blocks in source order."""
    if not any(token.get("type") in CONTAINER_TYPES for token, _f, _l in blocks):
        return blocks
    out: list[tuple[Token, int, int]] = []
    stack = list(reversed(blocks))
    while stack:
        token, first, last = stack.pop()
        if token.get("type") not in CONTAINER_TYPES:
            out.append((token, first, last))
            continue
        children = [c for c in token.get("children", []) or [] if isinstance(c, dict)]
        lines: list[int] = []
        for child in children:
            placed = child.get("_line")
            lines.append(placed if isinstance(placed, int) else (lines[-1] if lines else first))
        inner: list[tuple[Token, int, int]] = []
        for k, child in enumerate(children):
            start = max(first, lines[k])
            stop = lines[k + 1] - 1 if k + 1 < len(children) else last
            stop = max(start, min(stop, last))
            while stop > start and not line_text(stop).strip():
                stop -= 1
            inner.append((child, start, stop))
        # where the container ends: a Q&A pair that began inside it ends there too
        inner.append(({"type": CONTAINER_END, "attrs": {"first": first}}, last, last))
        stack.extend(reversed(inner))
    return out


CONTAINER_END = "dialect_container_end"


# attr_list on a heading (markdown/extensions/attr_list.py): blanks, then `{`, an optional `:`,
# the attributes, `}` at the end of the line; toc then takes the `id` as the heading's anchor
_HEADER_ATTRS = re.compile(r"[ ]+\{:?[ ]*([^}\n ][^\n]*)\}[ ]*$")
_ATTR = re.compile(r"""[^ =}]+="[^"]*?"|[^ =}]+='[^']*?'|[^ =}]+=[^ =}]+|[^ =}]+| """)


def heading_attrs(text: str) -> tuple[str, str | None] | None:
    """(heading text without its attribute list, the id it sets or None), or None when the
    heading has no attribute list: the list's text is never part of the title or the slug."""
    match = _HEADER_ATTRS.search(text)
    if match is None:
        return None
    anchor, strict = _attr_id(match.group(1))
    if not strict:
        return None  # an extra `}`: Python-Markdown assigns nothing (strict) and keeps the text
    return text[: match.start()].rstrip("#").rstrip(), anchor


def _attr_id(body: str) -> tuple[str | None, bool]:
    """(the id an attribute list sets or None, whether Python-Markdown reads the list at all)."""
    pos, anchor = 0, None
    while pos < len(body):
        item = _ATTR.match(body, pos)
        if item is None:
            break
        word = item.group(0)
        pos = item.end()
        if word.startswith("#"):
            anchor = word[1:]
        elif word.startswith("id="):
            anchor = word[3:].strip("\"'")
    return anchor or None, "}" not in body[pos:]


# attr_list on a block (attr_list.py's BLOCK_RE): the block's last line is the list alone
_BLOCK_ATTRS = re.compile(r"[ ]*\{:?[ ]*([^}\n ][^\n]*)[ ]*\}[ ]*$")
_TEXT_BLOCKS = frozenset({"paragraph", "block_text"})


def block_attr_ids(tokens: list[Token]) -> list[str]:
    """Ids that attr_list gives paragraphs and list items (``Text.`` then ``{: #id }`` on the
    next line): anchors of the page, as much as a heading's. Inline lists (``*a*{ #x }``) are
    not read; a block whose last line is not the list keeps it as text, as Python-Markdown
    does."""
    out: list[str] = []
    stack = [t for t in reversed(tokens) if isinstance(t, dict)]
    while stack:
        token = stack.pop()
        children = token.get("children")
        if not isinstance(children, list):
            continue
        if token.get("type") in _TEXT_BLOCKS:
            if len(children) >= 2 and children[-2].get("type") == "softbreak":
                last = children[-1]
                match = _BLOCK_ATTRS.fullmatch(str(last.get("raw", "")))
                if last.get("type") == "text" and match is not None:
                    anchor, strict = _attr_id(match.group(1))
                    if anchor is not None and strict:
                        out.append(anchor)
            continue
        stack.extend(c for c in reversed(children) if isinstance(c, dict))
    return out
