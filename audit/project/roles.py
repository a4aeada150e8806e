"""Which page plays which role (tracker, materials, interview), from its name or its content.

The parser decides a page's role from its file name alone (``documents.*`` lists), so roles are
settled here, when the config is loaded: the name globs (``пробелы*.md``...) are matched against
the files that exist, and a page of another name whose content has the shape of a role (gap
headings with statuses; level headings with Q:/A:) gets that role too. The result is the same
config with concrete names added, plus the reason for each page, which ``config --show`` prints.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the warm check hands a plain config (audit/model/plain_config.py)
    from audit.model.config import Config

Role = Literal["tracker", "materials", "interview"]
ROLES: tuple[Role, ...] = ("tracker", "materials", "interview")  # the parser's precedence
SNIFF_BYTES = 32 * 1024  # the shape of a role shows in a page's opening
MAX_SNIFFED = 20_000  # beyond this many pages, roles come from names only


@dataclass(frozen=True)
class RoleAssignment:
    path: str  # relative to the content root
    role: Role
    reason: str


Shape = tuple[Role, str] | None  # a page's role by content and why, or None


def assign_roles(config: Config, content: Path) -> tuple[Config, list[RoleAssignment], list[str]]:
    """(config with the role names that exist, each page's role and why, notes)."""
    pages = _pages(config, content)
    sniff = len(pages) <= MAX_SNIFFED
    shapes = {rel: page_shape(config, content, rel) for rel in pages} if sniff else {}
    return settle_roles(config, pages, shapes)


def named_role(config: Config, rel: str) -> str | None:
    """The glob of a role ``rel``'s file name matches, or None (its shape is then read)."""
    docs = config.documents
    name = rel.rsplit("/", 1)[-1]
    for globs in (docs.tracker, docs.materials, docs.interview):  # the parser's precedence
        pattern = next((g for g in globs if fnmatchcase(name, g)), None)
        if pattern is not None:
            return pattern
    return None


def page_shape(config: Config, content: Path, rel: str) -> Shape:
    """The role of a page by content (None for a page whose name already gives its role)."""
    if named_role(config, rel) is not None:
        return None
    return _shape(content / rel, config)


def settle_roles(
    config: Config, pages: list[str], shapes: dict[str, Shape]
) -> tuple[Config, list[RoleAssignment], list[str]]:
    """Roles from the pages' names and their shapes (``shapes`` empty: names only)."""
    docs = config.documents
    globs = {"tracker": docs.tracker, "materials": docs.materials, "interview": docs.interview}
    assignments: list[RoleAssignment] = []
    by_content: dict[str, dict[Role, list[str]]] = {}  # basename -> role -> paths
    other_names: dict[str, list[str]] = {}
    notes: list[str] = []
    sniff = len(pages) <= MAX_SNIFFED
    if not sniff:
        notes.append(f"{len(pages)} pages: roles taken from file names only")
    for rel in pages:
        name = rel.rsplit("/", 1)[-1]
        role = next((r for r in ROLES if any(fnmatchcase(name, g) for g in globs[r])), None)
        if role is not None:
            pattern = next(g for g in globs[role] if fnmatchcase(name, g))
            assignments.append(RoleAssignment(rel, role, f"name matches {pattern}"))
            continue
        shaped = shapes.get(rel) if sniff else None
        if shaped is None:
            other_names.setdefault(name, []).append(rel)
        else:
            by_content.setdefault(name, {}).setdefault(shaped[0], []).append(rel)
            assignments.append(RoleAssignment(rel, shaped[0], shaped[1]))
    extra: dict[str, set[str]] = {r: set() for r in ROLES}
    for a in assignments:
        if not a.reason.startswith("name matches"):
            continue
        extra[a.role].add(a.path.rsplit("/", 1)[-1])
    kept: list[RoleAssignment] = []
    for a in assignments:
        name = a.path.rsplit("/", 1)[-1]
        if a.reason.startswith("name matches"):
            kept.append(a)
            continue
        roles_of_name = by_content.get(name, {})
        # the parser knows names only: a role by content holds when every page of that name
        # has it (two `notes.md`, one tracker-shaped, would otherwise both become trackers)
        if len(roles_of_name) == 1 and name not in other_names:
            extra[a.role].add(name)
            kept.append(a)
        else:
            notes.append(f"{a.path} looks like a {a.role} page, but other pages share its name")
    documents = docs.model_copy(
        update={r: _union(getattr(docs, r), sorted(extra[r])) for r in ROLES}
    )
    return config.model_copy(update={"documents": documents}), kept, notes


def _union(first: list[str], more: list[str]) -> list[str]:
    return [*first, *(m for m in more if m not in first)]


def _pages(config: Config, content: Path) -> list[str]:
    from audit.discover import matches

    if not content.is_dir():
        return []
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        folder = Path(dirpath)
        rel_folder = folder.relative_to(content).as_posix()
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not (rel_folder == "." and d == config.documents.tasks_dir)
        )
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(".md"):
                continue
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            if matches(rel, config.include) and not matches(rel, config.exclude):
                out.append(rel)
    return out


def _shape(path: Path, config: Config) -> tuple[Role, str] | None:
    """(role, why) when the page's opening has the shape of a tracker or an interview page."""
    text = _head(path)
    if text is None:
        return None
    tc = config.tracker
    statuses = [*tc.statuses.none, *tc.statuses.partial, *tc.statuses.covered]
    status = "|".join(re.escape(s) for s in sorted(statuses, key=len, reverse=True))
    gap = re.compile(rf"^#{{2,4}}[ \t]+\S.*?(?:[—–]|--|\()[ \t]*(?:{status})\b", re.M)
    gaps = len(gap.findall(text))
    leads = [*tc.claim_words, *tc.recommendation_words, *tc.remaining_words]
    lead = re.compile(r"^[ \t]*(?:\*\*)?(?:" + "|".join(re.escape(w) for w in leads) + ")", re.M)
    if gaps >= 2 or (gaps == 1 and lead.search(text)):
        return "tracker", f"content: {gaps} gap heading(s) with a status"
    levels = [*config.levels.names, *config.levels.aliases]
    level = re.compile(
        r"^#{2,6}[ \t]+(" + "|".join(re.escape(n) for n in levels) + r")[ \t]*#*[ \t]*$", re.M
    )
    found = {config.levels.aliases.get(m, m) for m in level.findall(text)}
    question = _marker(config.qa.question_markers)
    answer = _marker(config.qa.answer_markers)
    if len(found) >= 2 and question.search(text) and answer.search(text):
        return "interview", f"content: level headings {', '.join(sorted(found))} with Q:/A:"
    return None


def _head(path: Path) -> str | None:
    """The opening of a regular file, or None: a named pipe, device or symlink is never opened
    here (discovery reports them; opening a FIFO would wait for a writer forever)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(SNIFF_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def _marker(markers: list[str]) -> re.Pattern[str]:
    words = "|".join(re.escape(m) for m in markers)
    return re.compile(rf"^[ \t]*(?:[-*][ \t]+)?(?:\*\*)?(?:{words})", re.M)
