"""Command line: argv in, exit code out. 0 clean, 1 error findings or failed thresholds,
2 usage/config/internal errors, 130 interrupted."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from audit import __version__
from audit.config import LoadedConfig, load_config
from audit.errors import AuditError
from audit.model.finding import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="content-audit",
        description="Audit a Markdown knowledge base: links, anchors, tasks, tracker claims, "
        "coverage.",
    )
    parser.add_argument("--version", action="version", version=f"content-audit {__version__}")
    parser.add_argument("--config", help="config file (content-audit.yaml or pyproject.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="static checks (fast; what the pre-commit hook runs)")
    check.add_argument("paths", nargs="*", help="report findings only in these files/folders")
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument("-j", "--jobs", type=int, default=0, help="parse workers (0 = cores)")

    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="print the documentation of one rule")
    explain.add_argument("code")

    graph = sub.add_parser("graph", help="export the topic graph")
    graph.add_argument("--format", choices=["json", "dot", "graphml"], default="json")
    graph.add_argument("-o", "--output", help="write to a file instead of stdout")

    schema = sub.add_parser("schema", help="export the JSON Schemas (config, task front matter)")
    schema.add_argument("--write", action="store_true", help="rewrite stale files in schema/")
    schema.add_argument("--check", action="store_true", help="exit 1 when schema/ is stale")
    schema.add_argument("--dir", default="schema", help="schema folder (default: ./schema)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        _configure_stdout()
        args = _parser().parse_args(argv)
        return _dispatch(args)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
        return code if isinstance(code, int) else EXIT_ERROR
    except AuditError as exc:
        print(f"content-audit: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("content-audit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # the one place an unexpected error becomes a short message
        print(f"content-audit: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _configure_stdout() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "rules":
        return _cmd_rules()
    if args.command == "explain":
        return _cmd_explain(args.code)
    if args.command == "schema":
        return _cmd_schema(args)
    loaded = load_config(args.config)
    if args.command == "check":
        return _cmd_check(loaded, args)
    if args.command == "graph":
        return _cmd_graph(loaded, args)
    raise AuditError(f"unknown command {args.command}")


def _jobs(value: int) -> int:
    from audit.pipeline import default_jobs

    if value < 0:
        raise AuditError("--jobs must be >= 0")
    return value or default_jobs()


def _selected(loaded: LoadedConfig, paths: Sequence[str]) -> list[str] | None:
    """Project-relative POSIX prefixes to report on (None = everything)."""
    if not paths:
        return None
    root = loaded.root.resolve()
    out = []
    for raw in paths:
        path = Path(raw)
        absolute = (Path.cwd() / path) if not path.is_absolute() else path
        if not absolute.exists() and not absolute.is_symlink():
            raise AuditError(f"no such file or directory: {raw}")
        try:
            rel = absolute.absolute().relative_to(root)
        except ValueError:
            try:
                rel = absolute.resolve().relative_to(root)
            except ValueError as exc:
                raise AuditError(f"{raw} is outside the project root {root}") from exc
        out.append(rel.as_posix().rstrip("/") if rel.as_posix() != "." else "")
    return out


def filter_findings(findings: Sequence[Finding], selected: list[str] | None) -> list[Finding]:
    if selected is None:
        return list(findings)
    if "" in selected:
        return list(findings)
    return [f for f in findings
            if any(f.span.path == p or f.span.path.startswith(p + "/") for p in selected)]


def exit_code_for(findings: Sequence[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _cmd_check(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    from audit.pipeline import analyse
    from audit.report.diagnostics import RENDERERS

    selected = _selected(loaded, args.paths)
    analysis = analyse(loaded, jobs=_jobs(args.jobs))
    findings = filter_findings(analysis.findings, selected)
    files = len(analysis.documents) if selected is None else sum(
        1 for d in analysis.documents
        if any(d.path == p or d.path.startswith(p + "/") or p == "" for p in selected))
    sys.stdout.write(RENDERERS[args.format](findings, files))
    return exit_code_for(findings)


def _cmd_rules() -> int:
    from audit.rules import all_rules

    for item in all_rules():
        print(f"{item.code}  {item.name:<32} {item.severity.value:<8} {item.summary}")
    return EXIT_OK


def _cmd_explain(code: str) -> int:
    from audit.rules import REGISTRY

    item = REGISTRY.get(code.upper())
    if item is None:
        raise AuditError(f"unknown rule code '{code}' (see `content-audit rules`)")
    print(f"{item.code} {item.name} (default severity: {item.severity.value})\n")
    print(item.doc)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from audit.schemas import SCHEMAS, stale_schemas, write_schemas

    directory = Path(args.dir)
    if args.write:
        for name in write_schemas(directory):
            print(f"wrote {directory / name}")
        return EXIT_OK
    stale = set(stale_schemas(directory))
    for entry in SCHEMAS.values():
        state = "stale" if entry.filename in stale else "up to date"
        print(f"{directory / entry.filename}: {state}")
    if args.check and stale:
        print("content-audit: schemas are stale; run `content-audit schema --write`",
              file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_graph(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    from audit.graph_export import export_graph
    from audit.pipeline import analyse

    analysis = analyse(loaded, jobs=_jobs(0))
    text = export_graph(analysis.graph, args.format)
    if args.output:
        from audit.atomic import write_text_atomic

        write_text_atomic(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK
