"""Command line: argv in, exit code out. 0 clean, 1 error findings or failed thresholds,
2 usage/config/internal errors, 130 interrupted."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from audit import __version__
from audit.config import LoadedConfig, load_config
from audit.errors import AuditError
from audit.model.finding import Finding, Severity

if TYPE_CHECKING:
    from audit.cache.incremental import Witness
    from audit.model.example import ExampleResult
    from audit.model.report import ReportModel
    from audit.report.writeback import WriteResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
# called once a `check` has its answer: (all findings, document paths, what the run vouches for)
CheckDone = Callable[[list[Finding], list[str], "Witness"], None]


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
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="parse every file; neither read nor write the incremental cache",
    )
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="first print the discovered configuration (to stderr)",
    )
    check.add_argument(
        "--watch",
        action="store_true",
        help="stay up, re-check on every file change, print what changed (Ctrl-C ends)",
    )
    sub.add_parser("lsp", help="the Language Server over stdio (for editors)")

    report = sub.add_parser("report", help="the full audit: trackers, examples, coverage")
    report.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help="what to print: text (terminal summary), github (workflow "
        "annotations; appends report.md to $GITHUB_STEP_SUMMARY when set), or an "
        "artifact format: md, json, junit, sarif, ...",
    )
    report.add_argument("-o", "--output", help="write the --format output to this file")
    report.add_argument(
        "-q", "--quiet", action="store_true", help="text format: print the one-line summary only"
    )
    report.add_argument("--output-dir", help="write every report artifact into this folder")
    report.add_argument(
        "--no-exec",
        action="store_true",
        help="do not run examples (also forced by CONTENT_AUDIT_NO_EXEC=1)",
    )
    report.add_argument("--no-cache", action="store_true", help="ignore cached example results")
    report.add_argument(
        "--write",
        action="store_true",
        help="regenerate the computed regions of trackers between audit markers",
    )
    report.add_argument("-j", "--jobs", type=int, default=0, help="workers (0 = cores)")
    report.add_argument(
        "--baseline",
        metavar="REPORT_JSON",
        help="a previous report.json: add the change since it to every format",
    )
    report.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when coverage dropped or new error findings appeared since --baseline",
    )

    examples = sub.add_parser("examples", help="run the Python examples (sandboxed, cached)")
    examples.add_argument("paths", nargs="*", help="run only the examples in these files/folders")
    examples.add_argument("-j", "--jobs", type=int, default=0, help="parallel runs (0 = cores)")
    examples.add_argument(
        "--no-cache",
        action="store_true",
        help="run every example; neither read nor write cached results",
    )
    examples.add_argument("--format", choices=["text", "json"], default="text")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--format",
        choices=["text", "markdown"],
        default="text",
        help="markdown = the table of the README",
    )
    explain = sub.add_parser("explain", help="print the documentation of one rule")
    explain.add_argument("code")

    graph = sub.add_parser("graph", help="export the topic graph")
    graph.add_argument("--format", choices=["json", "dot", "graphml"], default="json")
    graph.add_argument("-o", "--output", help="write to a file instead of stdout")

    config = sub.add_parser("config", help="the configuration in effect and where it came from")
    config.add_argument(
        "--show",
        action="store_true",
        help="print the discovered project, config sources and key values (the default)",
    )

    schema = sub.add_parser("schema", help="export the JSON Schemas (config, task front matter)")
    schema.add_argument("--write", action="store_true", help="rewrite stale files in schema/")
    schema.add_argument("--check", action="store_true", help="exit 1 when schema/ is stale")
    schema.add_argument("--dir", default="schema", help="schema folder (default: ./schema)")
    for subparser in sub.choices.values():
        # also accepted after the command: `content-audit check --config x.yaml`
        subparser.add_argument(
            "--config",
            default=argparse.SUPPRESS,
            help="config file (content-audit.yaml or pyproject.toml)",
        )
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
        return _cmd_rules(args.format)
    if args.command == "explain":
        return _cmd_explain(args.code)
    if args.command == "schema":
        return _cmd_schema(args)
    if args.command == "lsp":
        from audit.lsp.server import serve

        return serve()
    if args.command == "check" and not (args.watch or args.no_cache or args.verbose):
        return _cmd_check_cached(args)
    loaded = load_config(args.config)
    if args.command == "check" and args.watch:
        from audit.lsp.watch import watch

        return watch(loaded, _selected(loaded, args.paths), args.format)
    if args.command == "config":
        from audit.config import describe

        sys.stdout.write(describe(loaded))
        return EXIT_OK
    if args.command == "check":
        return _cmd_check(loaded, args)
    if args.command == "graph":
        return _cmd_graph(loaded, args)
    if args.command == "report":
        return _cmd_report(loaded, args)
    if args.command == "examples":
        return _cmd_examples(loaded, args)
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


def require_content_root(loaded: LoadedConfig) -> None:
    """Exit 2 before any work when the content root is missing: an audit of nothing must never
    pass, and the message says what was looked for and how to set it."""
    content = loaded.root / loaded.config.content_root
    if not content.is_dir():
        raise AuditError(
            f"content root {content} does not exist{_where_from(loaded)}; set content_root in "
            "content-audit.yaml (or docs_dir in mkdocs.yml), or run from the project root"
        )


def require_pages(loaded: LoadedConfig, count: int) -> None:
    """Exit 2 when the content root holds no Markdown file the config includes."""
    if count:
        return
    config = loaded.config
    content = loaded.root / config.content_root
    excluded = f", exclude {config.exclude}" if config.exclude else ""
    raise AuditError(
        f"no Markdown files found under {content} (include {config.include}{excluded})"
        f"{_where_from(loaded)}; set content_root / include in content-audit.yaml (or docs_dir "
        "in mkdocs.yml)"
    )


def _where_from(loaded: LoadedConfig) -> str:
    if loaded.source is not None:
        return f" (config {loaded.source})"
    if loaded.mkdocs is not None:
        return f" (docs_dir of {loaded.mkdocs.config_file})"
    return (
        " (no content-audit.yaml, [tool.content-audit] or mkdocs.yml found from "
        f"{loaded.root} upward, so the default content_root '{loaded.config.content_root}' "
        "was used)"
    )


def exit_code_for(findings: Sequence[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _cmd_check(
    loaded: LoadedConfig, args: argparse.Namespace, done: CheckDone | None = None
) -> int:
    """``check``; ``done``, when given, is called with the whole run's findings, its document
    paths and what the run vouches for (the replay's record)."""
    from audit.cache.incremental import Witness
    from audit.pipeline import check
    from audit.report.diagnostics import RENDERERS, filter_findings

    if args.verbose:
        from audit.config import describe

        sys.stderr.write(describe(loaded))
    require_content_root(loaded)
    selected = _selected(loaded, args.paths)
    # with the cache, re-checks only what the edits since the last run can affect
    witness = Witness()
    all_findings, doc_paths = check(
        loaded, _jobs(args.jobs), use_cache=not args.no_cache, witness=witness
    )
    require_pages(loaded, len(doc_paths))
    if done is not None:
        done(all_findings, doc_paths, witness)
    findings = filter_findings(all_findings, selected)
    files = (
        len(doc_paths)
        if selected is None
        else sum(
            1
            for path in doc_paths
            if any(path == p or path.startswith(p + "/") or p == "" for p in selected)
        )
    )
    sys.stdout.write(RENDERERS[args.format](findings, files))
    return exit_code_for(findings)


def _cmd_check_cached(args: argparse.Namespace) -> int:
    """``check`` with the config of the last run when none of its inputs changed (no pydantic,
    no yaml: ``audit/cache/settings.py``); recorded for the next run once the run is done, and
    the whole run recorded for ``audit/cache/replay.py``."""
    import time

    from audit.cache import replay, settings

    started = time.time_ns()
    loaded, pending, trail = settings.load(args.config)

    def done(findings: list[Finding], doc_paths: list[str], witness: Witness) -> None:
        if trail is not None and witness.pages_trusted:  # for the next run's replay
            outcome = (findings, doc_paths, witness.existence, exit_code_for(findings))
            replay.remember(loaded, trail, args.config, started, outcome)

    code = _cmd_check(loaded, args, done)
    settings.remember(pending)
    return code


def _cmd_rules(fmt: str = "text") -> int:
    from audit.rules import all_rules

    if fmt == "markdown":
        from audit.docs.readme_tables import rules_markdown

        sys.stdout.write(rules_markdown(all_rules()))
        return EXIT_OK
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
    from audit.docs.schemas import SCHEMAS, stale_schemas, write_schemas

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
        print(
            "content-audit: schemas are stale; run `content-audit schema --write`", file=sys.stderr
        )
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_graph(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    from audit.graph.export import export_graph
    from audit.pipeline import full_audit

    require_content_root(loaded)
    # the whole graph, gaps included; examples are not run for an export
    audit = full_audit(loaded, jobs=_jobs(0), execute=False)
    text = export_graph(audit.analysis.graph, args.format)
    if args.output:
        from audit.atomic import write_text_atomic

        write_text_atomic(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _no_exec_forced() -> bool:
    return os.environ.get("CONTENT_AUDIT_NO_EXEC", "").strip().lower() in ("1", "true", "yes")


def _writable_folder(folder: Path, what: str) -> None:
    """Create ``folder`` (and its parents) now, before a long run, or exit 2 with a message."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditError(f"cannot create {what} {folder}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise AuditError(f"{what} {folder} is not writable")


def _cmd_report(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    from audit.atomic import write_text_atomic
    from audit.pipeline import full_audit
    from audit.report import ARTIFACTS
    from audit.report.build import build_report
    from audit.report.terminal import render as render_terminal

    formats = ["text", "github", *ARTIFACTS]
    if args.format not in formats:
        raise AuditError(
            f"unknown report format '{args.format}' (choose from {', '.join(formats)})"
        )
    if args.fail_on_regression and not args.baseline:
        raise AuditError("--fail-on-regression needs --baseline PREVIOUS_REPORT_JSON")
    previous = None
    if args.baseline:  # read it before the (possibly long) run, so a bad file fails fast
        from audit.report.baseline import load_baseline

        previous = load_baseline(Path(args.baseline))
    folder = Path(args.output_dir) if args.output_dir else None
    if folder is not None:
        _writable_folder(folder, "output folder")
    if args.output:
        _writable_folder(Path(args.output).absolute().parent, "folder of --output")

    require_content_root(loaded)
    execute = not (args.no_exec or _no_exec_forced())
    progress, close_progress = example_progress() if execute else (None, lambda: None)
    try:
        audit = full_audit(
            loaded,
            jobs=_jobs(args.jobs),
            execute=execute,
            use_cache=not args.no_cache,
            progress=progress,
        )
    finally:
        close_progress()
    require_pages(loaded, len(audit.analysis.documents))
    model = build_report(audit, loaded.roles)
    if previous is not None:
        from audit.report.baseline import compare

        model = model.model_copy(update={"baseline": compare(previous, model, args.baseline)})
    if folder is not None:
        # render everything first: a renderer that fails leaves every previous file whole
        rendered = [(folder / file_name, render(model)) for file_name, render in ARTIFACTS.values()]
        for path, text in rendered:
            write_text_atomic(path, text)
        print(
            f"content-audit: reports written to {folder}/: "
            f"{', '.join(path.name for path, _ in rendered)}",
            file=sys.stderr,
        )
    if args.format == "text":
        more = (
            str(folder / "report.md")
            if folder is not None
            else "content-audit report --output-dir DIR writes them all to DIR/report.md"
        )
        render_terminal(model, sys.stdout, quiet=args.quiet, more=more)
    else:
        if args.format == "github":
            from audit.report.github import render as render_github

            text = render_github(model)
            _append_step_summary(model)
        else:
            text = ARTIFACTS[args.format][1](model)
        if args.output:
            write_text_atomic(Path(args.output), text)
        else:
            sys.stdout.write(text)
    results: list[WriteResult] = []
    if args.write:
        from audit.report.writeback import write_regions

        digests = {d.path: d.digest for d in audit.analysis.documents}
        results = write_regions(loaded.root, audit.trackers, audit.coverage, digests)
        for result in results:
            if result.refused:
                print(f"content-audit: {result.path}: {result.refused}", file=sys.stderr)
            elif result.changed:
                print(
                    f"content-audit: {result.path}: rewrote {', '.join(result.regions)}",
                    file=sys.stderr,
                )
    if args.write and any(result.failed for result in results):
        return EXIT_ERROR  # the author's text was kept; what was asked was not done
    if not model.summary.passed:
        return EXIT_FINDINGS
    if args.fail_on_regression and model.baseline is not None and model.baseline.regressed:
        print(
            f"content-audit: regression since {args.baseline}: "
            f"{'; '.join(model.baseline.regressions)}",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    return EXIT_OK


def _append_step_summary(model: ReportModel) -> None:
    """Append the Markdown report to $GITHUB_STEP_SUMMARY (GitHub Actions) when it is set."""
    from audit.report.markdown import render as render_markdown

    target = os.environ.get("GITHUB_STEP_SUMMARY", "")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(model) + "\n")
    except OSError as exc:
        raise AuditError(
            f"cannot append to $GITHUB_STEP_SUMMARY ({target}): {exc.strerror or exc}"
        ) from exc


FAILING_STATUSES = frozenset(
    {"failed", "timeout", "output-mismatch", "limit-exceeded", "syntax-error"}
)


def example_progress() -> tuple[
    Callable[[int, int, Sequence[ExampleResult]], None], Callable[[], None]
]:
    """A progress callback for run_examples (rich bar on a TTY, plain lines otherwise) and its
    closer. Writes to stderr so that stdout stays machine-readable."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(stderr=True), transient=True)
        task = bar.add_task("examples", total=None)
        bar.start()

        def tick(done: int, total: int, results: Sequence[ExampleResult]) -> None:
            bar.update(task, completed=done, total=total)

        return tick, bar.stop

    def line(done: int, total: int, results: Sequence[ExampleResult]) -> None:
        if not results:
            return
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        section = f"#{results[0].section}" if results[0].section else ""
        cached = " (cached)" if all(r.cached for r in results) else ""
        print(f"[{done}/{total}] {results[0].path}{section}: {summary}{cached}", file=sys.stderr)

    return line, lambda: None


def _cmd_examples(loaded: LoadedConfig, args: argparse.Namespace) -> int:
    import json

    from audit.discover import discover
    from audit.examples.execute import run_examples
    from audit.pipeline import parse_all

    if _no_exec_forced():  # CI for untrusted pull requests: nothing from the content runs
        print("content-audit: examples not run: CONTENT_AUDIT_NO_EXEC is set", file=sys.stderr)
        return EXIT_OK
    if args.jobs < 0:
        raise AuditError("--jobs must be >= 0")
    selected = _selected(loaded, args.paths)
    config, root = loaded.config, loaded.root
    documents = parse_all(discover(config, root), config, _jobs(0))
    if selected is not None and "" not in selected:
        documents = [
            d for d in documents if any(d.path == p or d.path.startswith(p + "/") for p in selected)
        ]
    tick, close = example_progress()
    try:
        results = run_examples(
            documents, config, root, jobs=args.jobs, use_cache=not args.no_cache, progress=tick
        )
    finally:
        close()
    if args.format == "json":
        rows = [
            {
                "path": r.path,
                "line": r.line,
                "section": r.section,
                "status": r.status,
                "duration_s": round(r.duration_s, 3),
                "cached": r.cached,
                "message": r.message,
                "error_line": r.error_line,
                "isolation": list(r.isolation),
            }
            for r in results
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
            cached = " cached" if r.cached else ""
            message = f"  {r.message}" if r.message else ""
            print(
                f"{r.path}:{r.error_line or r.line}: {r.status}{cached} "
                f"[{r.section or '-'}] {r.duration_s:.2f}s{message}"
            )
        layers = sorted({layer for r in results for layer in r.isolation})
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no examples"
        print(f"{len(results)} examples: {summary}")
        if layers:
            print(f"isolation: {', '.join(layers)}")
    return EXIT_FINDINGS if any(r.status in FAILING_STATUSES for r in results) else EXIT_OK
