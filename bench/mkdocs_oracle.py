"""mkdocs' own link validation as the oracle for XR001/XR002/XR005 (issue 13):
``python -m bench.mkdocs_oracle PROJECT [--json OUT] [--keep]``.

The truth for a mkdocs site is what mkdocs renders, and mkdocs >= 1.6 validates links and
anchors itself. For one mkdocs project folder this script:

1. copies it to a temp dir and rewrites its mkdocs.yml minimally so it builds offline with what
   is installed: plugins that are not installed (or that fetch from the network) and ``hooks``
   are dropped, markdown extensions that do not import are dropped, an uninstalled theme becomes
   ``mkdocs``, and ``validation`` is forced to warn on missing files and anchors;
2. runs ``mkdocs build`` on the copy (``python -I``: the site's own modules are never imported)
   and parses every ``Doc file ... contains a link ...`` record of its log;
3. runs ``content-audit check --no-cache --format json`` on the same copy (zero-config: discovery
   reads the rewritten mkdocs.yml, so both tools see the same extensions) and keeps XR001, XR002
   and XR005;
4. matches both sides by (page, target file, anchor) — mkdocs' messages carry no line numbers —
   and prints precision, recall and the unmatched records of each side.

mkdocs reports a missing anchor once per (page, target file, anchor) while it reports a missing
file once per link, and we report every link: both sides are compared as sets of keys. Dev
tooling: not shipped, not imported by the package.
"""

from __future__ import annotations

import argparse
import importlib
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from audit.project.mkdocs import Tagged, find_mkdocs, load_yaml_data

# installed plugins that would reach the network or build other projects: dropped as well
NETWORK_PLUGINS = {"social", "privacy", "optimize", "info", "projects", "content-audit"}
VALIDATION = {
    "omitted_files": "info",
    "absolute_links": "info",
    "unrecognized_links": "info",
    "links": {
        "not_found": "warn",
        "anchors": "warn",
        "absolute_links": "info",
        "unrecognized_links": "info",
    },
}
CODES = ("XR001", "XR002", "XR005")

# mkdocs/structure/pages.py (1.6): _RelativePathTreeprocessor.path_to_url, validate_anchor_links
_LEVEL = r"^(?P<level>WARNING|INFO)\s+-\s+Doc file '(?P<page>.+?)' contains "
_MKDOCS_FORMS = [
    (
        "file",
        re.compile(
            _LEVEL + r"a link '(?P<url>.*)', but the target(?: '(?P<target>.*)')? is not found "
            r"among documentation files\.(?: Did you mean '.*'\?)?$"
        ),
    ),
    (
        "anchor-self",
        re.compile(
            _LEVEL + r"a link '(?P<url>.*)', but there is no such anchor on this page\.(?: .*)?$"
        ),
    ),
    (
        "anchor",
        re.compile(
            _LEVEL + r"a link '(?P<url>.*)', but the doc '(?P<doc>.*)' does not contain an "
            r"anchor '#(?P<anchor>.*)'\.$"
        ),
    ),
    (
        "unrecognized",
        re.compile(
            _LEVEL + r"an unrecognized relative link '(?P<url>.*)', it was left as is\."
            r"(?: Did you mean '.*'\?)?$"
        ),
    ),
    (
        "absolute",
        re.compile(
            _LEVEL
            + r"an absolute link '(?P<url>.*)', it was left as is\.(?: Did you mean '.*'\?)?$"
        ),
    ),
    (
        "excluded",
        re.compile(_LEVEL + r"a link to '(?P<target>.*)' which is excluded from the built site\.$"),
    ),
]
# audit/rules/links.py
_OUR_FORMS = {
    "XR001": re.compile(
        r"^broken link: '(?P<path>.*)' does not exist \(resolved to (?P<res>.*)\)$"
    ),
    "XR002": re.compile(r"^broken anchor: '#(?P<anchor>.*)' is not a heading of (?P<where>.*)$"),
    "XR005": re.compile(r"^link '(?P<target>.*)' leaves the content root \(resolves to .*\)$"),
}

Key = tuple[str, str, str]  # (page, target file, anchor) relative to docs_dir; anchor "" = file


@dataclass
class Record:
    side: str  # "mkdocs" or "ours"
    kind: str  # mkdocs: file/anchor/anchor-self/unrecognized/absolute/excluded; ours: the code
    level: str  # mkdocs: WARNING/INFO; ours: the severity
    key: Key
    text: str  # the message as printed
    line: int = 0  # ours only


@dataclass
class Result:
    project: str
    pages: int
    mkdocs_exit: int
    mkdocs_records: list[Record] = field(default_factory=list)
    our_records: list[Record] = field(default_factory=list)
    config_notes: list[str] = field(default_factory=list)

    def oracle_keys(self) -> set[Key]:
        return {
            r.key
            for r in self.mkdocs_records
            if r.level == "WARNING" and r.kind in ("file", "anchor", "anchor-self")
        }

    def absolute_keys(self) -> set[Key]:
        """Absolute links, which mkdocs leaves as they are and logs at INFO while XR005 calls
        them errors (they break under a site served below a path): a deliberate difference."""
        return {r.key for r in self.mkdocs_records if r.kind == "absolute"}

    def our_keys(self) -> set[Key]:
        return {r.key for r in self.our_records}

    def summary(self) -> dict[str, Any]:
        oracle, ours = self.oracle_keys(), self.our_keys()
        matched = oracle & ours
        return {
            "project": self.project,
            "pages": self.pages,
            "mkdocs_exit": self.mkdocs_exit,
            "mkdocs_warnings": sum(
                1
                for r in self.mkdocs_records
                if r.level == "WARNING" and r.kind in ("file", "anchor", "anchor-self")
            ),
            "mkdocs_keys": len(oracle),
            "our_findings": len(self.our_records),
            "our_keys": len(ours),
            "matched": len(matched),
            "precision": len(matched) / len(ours) if ours else 1.0,
            "recall": len(matched) / len(oracle) if oracle else 1.0,
            # the same with mkdocs' INFO records of absolute links counted as the oracle of XR005
            "precision_absolute_info": (
                len(ours & (oracle | self.absolute_keys())) / len(ours) if ours else 1.0
            ),
        }


# ---------------------------------------------------------------------------- the config copy
def _installed(group: str) -> set[str]:
    return {e.name for e in entry_points(group=group)}


def _name_imports(dotted: str) -> bool:
    """Whether ``!!python/name:dotted`` resolves in this interpreter (installed packages only:
    the site's folder is not on sys.path here, so its own modules never load)."""
    module, _, attr = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module or dotted), attr) if module else True
    except Exception:
        return False


def _tags_import(value: Any) -> bool:
    if isinstance(value, Tagged):
        return (not value.name or _name_imports(value.name)) and _tags_import(value.value)
    if isinstance(value, dict):
        return all(_tags_import(v) for v in value.values())
    if isinstance(value, list):
        return all(_tags_import(v) for v in value)
    return True


def _extension_builds(name: str) -> bool:
    import markdown  # type: ignore[import-untyped]

    try:
        markdown.Markdown().build_extension(name, {})
    except Exception:
        return False
    return True


def _entries(value: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                out.append((item, None))
            elif isinstance(item, dict):
                out.extend((str(k), v) for k, v in item.items())
    elif isinstance(value, dict):
        out.extend((str(k), v) for k, v in value.items())
    return out


def offline_config(
    data: dict[str, Any], notes: list[str], custom_dir: bool = True
) -> dict[str, Any]:
    """The mkdocs.yml data with what cannot run here removed and validation forced."""
    out = dict(data)
    for key in ("hooks", "INHERIT"):
        if key in out:
            notes.append(f"dropped {key}")
            del out[key]
    theme = out.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    if not isinstance(theme_name, str) or theme_name not in _installed("mkdocs.themes"):
        notes.append(f"theme {theme_name!r} not installed: mkdocs")
        out["theme"] = theme = {"name": "mkdocs"}
        theme_name = "mkdocs"
    if isinstance(theme, dict) and "custom_dir" in theme and not custom_dir:
        # template overrides change no link or anchor, and may need the plugins dropped here
        notes.append(f"dropped theme custom_dir {theme['custom_dir']!r}")
        theme = dict(theme)
        del theme["custom_dir"]
        out["theme"] = theme
    plugins = _installed("mkdocs.plugins")
    kept_plugins: list[Any] = []
    for name, options in _entries(out.get("plugins", ["search"])):
        short = name.split("/", 1)[-1]
        ok = name in plugins or f"{theme_name}/{name}" in plugins
        if ok and short not in NETWORK_PLUGINS and _tags_import(options):
            kept_plugins.append(name if options is None else {name: options})
        else:
            notes.append(f"dropped plugin {name}")
    out["plugins"] = kept_plugins
    kept_ext: list[Any] = []
    for name, options in _entries(out.get("markdown_extensions", [])):
        if _extension_builds(name) and _tags_import(options):
            kept_ext.append(name if options is None else {name: options})
        else:
            notes.append(f"dropped markdown extension {name}")
    if "markdown_extensions" in out:
        out["markdown_extensions"] = kept_ext
    out["validation"] = VALIDATION
    out["strict"] = False
    return out


class _Dumper(yaml.SafeDumper):
    """Writes the recorded tags back as they were (mkdocs' own loader resolves them)."""


def _represent_tagged(dumper: yaml.SafeDumper, value: Tagged) -> yaml.Node:
    tag = value.tag
    if isinstance(value.value, dict):
        return dumper.represent_mapping(tag, value.value)
    if isinstance(value.value, list):
        return dumper.represent_sequence(tag, value.value)
    return dumper.represent_scalar(tag, "" if value.value is None else str(value.value))


_Dumper.add_representer(Tagged, _represent_tagged)


# ---------------------------------------------------------------------------- the two sides
def _norm(page: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path)).lstrip("/")


def parse_mkdocs_log(lines: Iterable[str]) -> list[Record]:
    out: list[Record] = []
    for raw in lines:
        line = raw.rstrip("\n")
        for kind, pattern in _MKDOCS_FORMS:
            m = pattern.match(line)
            if m is None:
                continue
            page = m["page"]
            text = line.split("-", 1)[1].strip()
            if kind == "excluded":
                key = (page, m["target"], "")
            else:
                parts = urlsplit(m["url"])
                if kind == "anchor-self":
                    key = (page, page, unquote(parts.fragment))
                elif kind == "anchor":
                    key = (page, m["doc"], unquote(m["anchor"]))
                elif kind == "absolute":
                    key = (page, "/" + unquote(parts.path).lstrip("/"), "")
                else:
                    key = (page, _norm(page, unquote(parts.path)), "")
            out.append(Record("mkdocs", kind, m["level"], key, text))
            break
    return out


def parse_ours(diagnostics: list[dict[str, Any]], docs_dir: str) -> list[Record]:
    prefix = docs_dir.strip("/") + "/" if docs_dir.strip("/") not in ("", ".") else ""

    def rel(path: str) -> str:
        return path[len(prefix) :] if prefix and path.startswith(prefix) else path

    out: list[Record] = []
    for diag in diagnostics:
        code = diag.get("code")
        if code not in CODES:
            continue
        page = rel(str(diag["path"]))
        message = str(diag["message"])
        m = _OUR_FORMS[code].match(message)
        if m is None:
            raise SystemExit(f"unknown {code} message form: {message!r}")
        if code == "XR001":
            key = (page, _norm(page, m["path"]), "")
        elif code == "XR002":
            where = m["where"]
            target = page if where == "this file" else rel(where)
            key = (page, target, m["anchor"])
        else:
            target = m["target"].split("#", 1)[0].split("?", 1)[0]
            if target.startswith("/"):
                key = (page, "/" + target.lstrip("/"), "")
            else:
                key = (page, _norm(page, target), "")
        out.append(Record("ours", code, str(diag["severity"]), key, message, int(diag["line"])))
    return out


# inline links and reference definitions (the mkdocs-material docs link mostly by reference)
_LINK_TARGETS = re.compile(
    r"\]\((?P<target>[^)\s]+)\)|^[ \t]{0,8}\[[^\]\n]+\]:[ \t]*(?P<ref>[^\s]+)", re.MULTILINE
)


def mutate(docs: Path, count: int, seed: int) -> list[str]:
    """Break ``count`` seeded links of the copy (an anchor or a file name gets ``-zz``).

    The sites measured are nearly clean, so recall would rest on a handful of links; broken
    copies of real links give both tools more to judge. mkdocs stays the oracle: a candidate
    that is no link to mkdocs (inside code, say) must stay unreported by us as well."""
    import random

    candidates: list[tuple[Path, int, int, str]] = []
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in _LINK_TARGETS.finditer(text):
            group = "target" if m["target"] is not None else "ref"
            target = m[group]
            if "://" in target or target.startswith(("mailto:", "/")):
                continue
            file_part, _, anchor = target.partition("#")
            if anchor or file_part.endswith(".md"):
                candidates.append((path, m.start(group), m.end(group), target))
    chosen = random.Random(seed).sample(candidates, min(count, len(candidates)))
    edits: dict[Path, list[tuple[int, int, str]]] = {}
    done: list[str] = []
    for path, start, end, target in chosen:
        file_part, _, anchor = target.partition("#")
        new = f"{file_part}#{anchor}-zz" if anchor else f"{file_part[:-3]}-zz.md"
        edits.setdefault(path, []).append((start, end, new))
        done.append(f"{path.relative_to(docs)}: {target} -> {new}")
    for path, spans in edits.items():
        text = path.read_text(encoding="utf-8", errors="replace")
        for start, end, new in sorted(spans, reverse=True):
            text = text[:start] + new + text[end:]
        path.write_text(text, encoding="utf-8")
    return done


def _build(config: Path, data: dict[str, Any], site: Path) -> subprocess.CompletedProcess[str]:
    config.write_text(
        yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    # from the project's root as mkdocs is run there (snippets' base_path is the working
    # folder); -I keeps that folder off sys.path, so no module of the site is imported
    return subprocess.run(
        [sys.executable, "-I", "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=900,
    )


def run(project: Path, keep: bool = False, mutations: int = 0, seed: int = 0) -> Result:
    config = find_mkdocs(project)
    if config is None:
        raise SystemExit(f"{project}: no mkdocs.yml")
    data = load_yaml_data(config)
    if not isinstance(data, dict):
        raise SystemExit(f"{config}: not a mapping")
    docs_dir = str(data.get("docs_dir", "docs"))
    tmp = Path(tempfile.mkdtemp(prefix="mkdocs-oracle-"))
    try:
        src = tmp / "project"
        shutil.copytree(project, src, ignore=shutil.ignore_patterns(".git", ".cache"))
        notes: list[str] = []
        pages = sum(1 for _ in (src / docs_dir).rglob("*.md"))
        if mutations:
            changed = mutate(src / docs_dir, mutations, seed)
            notes.append(f"mutated {len(changed)} links (seed {seed})")
        config_notes: list[str] = []
        build = _build(src / config.name, offline_config(data, config_notes), tmp / "site")
        theme = data.get("theme")
        if build.returncode != 0 and isinstance(theme, dict) and "custom_dir" in theme:
            # overrides that need a dropped plugin: once more without them
            notes.append(f"the build with the theme's custom_dir failed (exit {build.returncode})")
            config_notes = []
            rewritten = offline_config(data, config_notes, custom_dir=False)
            build = _build(src / config.name, rewritten, tmp / "site")
        notes.extend(config_notes)
        log = build.stderr.splitlines() + build.stdout.splitlines()
        (tmp / "mkdocs.log").write_text("\n".join(log), encoding="utf-8")
        # -P: the project's root is not put on sys.path (a site's own `audit/` never runs)
        check = subprocess.run(
            [sys.executable, "-P", "-m", "audit", "check", "--no-cache", "--format", "json"],
            cwd=src,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check.returncode not in (0, 1):
            raise SystemExit(f"content-audit check exited {check.returncode}:\n{check.stderr}")
        diagnostics = json.loads(check.stdout)["diagnostics"]
        result = Result(
            project=str(project),
            pages=pages,
            mkdocs_exit=build.returncode,
            mkdocs_records=parse_mkdocs_log(log),
            our_records=parse_ours(diagnostics, docs_dir),
            config_notes=notes,
        )
        if build.returncode != 0:
            result.config_notes.append("mkdocs build failed:\n" + "\n".join(log[-20:]))
        return result
    finally:
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(result: Result) -> str:
    s = result.summary()
    oracle, ours = result.oracle_keys(), result.our_keys()
    info = {r.key: r for r in result.mkdocs_records if r.key not in oracle}
    lines = [
        f"project: {s['project']}",
        f"pages: {s['pages']}  mkdocs exit: {s['mkdocs_exit']}",
        *(f"  config: {note}" for note in result.config_notes),
        f"mkdocs link/anchor warnings: {s['mkdocs_warnings']} ({s['mkdocs_keys']} distinct)",
        f"our XR001/XR002/XR005: {s['our_findings']} ({s['our_keys']} distinct)",
        f"matched: {s['matched']}",
        f"precision: {s['precision']:.1%}  recall: {s['recall']:.1%}"
        f"  (precision with mkdocs' absolute-link INFO as XR005's oracle: "
        f"{s['precision_absolute_info']:.1%})",
        "",
        f"only mkdocs ({len(oracle - ours)}):",
    ]
    first: dict[Key, Record] = {}
    for r in result.mkdocs_records:
        first.setdefault(r.key, r)
    for key in sorted(oracle - ours):
        lines.append(f"  {key}  {first[key].text}")
    lines.append(f"only ours ({len(ours - oracle)}):")
    by_key: dict[Key, Record] = {}
    for r in result.our_records:
        by_key.setdefault(r.key, r)
    for key in sorted(ours - oracle):
        r = by_key[key]
        extra = f"  [mkdocs {info[key].level}: {info[key].kind}]" if key in info else ""
        lines.append(f"  {key}  {r.kind} line {r.line}: {r.text}{extra}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("projects", nargs="+", type=Path, help="mkdocs project folders")
    parser.add_argument("--json", type=Path, help="write every record and summary here")
    parser.add_argument("--keep", action="store_true", help="keep the temp copy and mkdocs.log")
    parser.add_argument(
        "--mutate", type=int, default=0, metavar="N", help="first break N seeded links of the copy"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    results = [
        run(p.resolve(), keep=args.keep, mutations=args.mutate, seed=args.seed)
        for p in args.projects
    ]
    for result in results:
        print(report(result))
        print()
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "summary": r.summary(),
                        "notes": r.config_notes,
                        "mkdocs": [asdict(x) for x in r.mkdocs_records],
                        "ours": [asdict(x) for x in r.our_records],
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
