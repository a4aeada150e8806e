"""Automation: `nox -s audit` (the main job), `tests`, `lint`, `bench`, `fuzz`, `schemas`."""

from __future__ import annotations

import os
import shutil

import nox

nox.options.sessions = ["tests", "audit"]
nox.options.reuse_venv = "yes"  # an unchanged session reuses its virtualenv
nox.options.default_venv_backend = "venv"

PYTHON = None  # the interpreter nox runs under


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """The main job: the full audit of the shipped content/ (static checks, trackers, examples
    run in the sandbox, coverage), every report under build/audit/. Extra arguments go to
    `content-audit report`, e.g. `nox -s audit -- --baseline previous/report.json`."""
    session.install("-e", ".")
    if os.environ.get("CONTENT_AUDIT_NO_EXEC", "").strip().lower() in ("1", "true", "yes"):
        # nothing from the content runs, and installing its requirements would run their code
        session.log(
            "CONTENT_AUDIT_NO_EXEC is set: examples not run, content/requirements.txt not installed"
        )
    else:
        session.install("-r", "content/requirements.txt")
    out = "build/audit"
    # on GitHub Actions: annotations on the diff and the Markdown report in the job summary
    github = ["--format", "github"] if os.environ.get("GITHUB_ACTIONS") == "true" else []
    try:
        session.run("content-audit", "report", "--output-dir", out, *github, *session.posargs)
    finally:
        files = sorted(os.listdir(out)) if os.path.isdir(out) else []
        session.log(f"reports in {os.path.abspath(out)}/: {', '.join(files) or '(none)'}")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (a bounded, fixed-seed hypothesis profile)."""
    session.install("-e", ".[test]")
    session.install("-r", "content/requirements.txt")
    session.run("pytest", *session.posargs, env={"HYPOTHESIS_PROFILE": "ci"})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check on audit/, tests/ and this file; mypy --strict on
    audit/. Run by .ci/run, so a habit the README asks for is one CI enforces."""
    session.install("-e", ".[lint,mkdocs]")  # mypy reads the mkdocs plugin against mkdocs
    session.run("ruff", "check", "audit", "bench", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "audit", "bench", "tests", "noxfile.py")
    session.run("mypy", "--strict", "audit")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, us and the peers in one run, judged at the end: `bench.check` (ratios against
    mistune-parse-alone, written to build/bench/bench.json; extra arguments go to it, e.g.
    `nox -s bench -- --sizes 1000 5000 20000 50000 --repeat 2`), the language server, the
    example runner and mkdocs serve, then `bench.verdict` prints the Markdown for BENCHMARKS.md:
    the run's table and one line per target of issue 17."""
    # installed as users install it (a wheel, as pip and pre-commit do): an editable install
    # adds its import hook to every start of Python, ~20 ms that no user pays
    session.install("--force-reinstall", "--no-deps", ".")
    session.install(".[test]")
    session.install("pyinstrument")
    # peers, compared on the same corpus; one that cannot be installed is reported by
    # bench.check as "not installed" (a row of its own, never left out)
    session.run("python", "-m", "pip", "install", "-q", "pymarkdownlnt", success_codes=[0, 1])
    session.run("python", "-m", "pip", "install", "-q", "rumdl", success_codes=[0, 1])
    if shutil.which("npm"):
        session.run(
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            "build/bench/node",
            "markdownlint-cli2",
            external=True,
            success_codes=list(range(256)),
        )
    else:
        session.log("npm not found: markdownlint-cli2 will be reported as not installed")
    session.run("python", "-m", "bench.check", *session.posargs)
    # the language server: edit → diagnostics latency and memory, beside the CLI warm run
    session.run("python", "-m", "bench.lsp_latency")
    # the example runner: 200 generated examples, sequential vs pool, cold vs warm cache
    session.run("python", "-m", "bench.examples")
    # mkdocs serve with the plugin: a 1,000-page site, first build and three rebuilds after an edit
    session.run("python", "-m", "bench.mkdocs_serve", "--json", "build/bench/mkdocs_serve.json")
    if "--precommit-only" not in session.posargs:
        args = list(session.posargs)
        output = args[args.index("--output") + 1] if "--output" in args[:-1] else None
        session.run("python", "-m", "bench.verdict", output or "build/bench/bench.json")


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """A longer property-based run than the one in `tests`."""
    session.install("-e", ".[test]")
    session.run(
        "pytest", "tests", "-k", "property", *session.posargs, env={"HYPOTHESIS_PROFILE": "fuzz"}
    )


@nox.session(python=PYTHON)
def schemas(session: nox.Session) -> None:
    """Regenerate the JSON Schemas in schema/ (a test fails when they are stale)."""
    session.install("-e", ".")
    session.run("content-audit", "schema", "--write")
