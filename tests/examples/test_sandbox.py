"""The sandbox: per-section sequences, expected output, traceback mapping, statuses, fallbacks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from audit.examples.collect import collect_examples
from audit.examples.execute import run_sequence
from audit.examples.isolation import Isolation, detect_isolation
from audit.examples.launch import interpreter_of, options_from_config
from audit.examples.outcome import normalise_output
from tests.examples.conftest import (
    TOKEN_VAR,
    RunMarkdown,
    assert_no_process_left,
    config_with,
    processes_with,
)
from tests.helpers import PROJECT, parse_text

TWO_SECTIONS = textwrap.dedent("""\
    # Page

    ## 1. First

    ```python
    x = 41
    ```

    Some prose.

    ```python
    print(x + 1)
    ```

    ```text output
    42
    ```

    ## 2. Second

    ```python
    print(x)
    ```
    """)


def test_state_is_shared_within_a_section_and_not_across(run_md: RunMarkdown) -> None:
    first, second, third = run_md(TWO_SECTIONS)
    assert (first.status, second.status) == ("works", "works")
    assert third.status == "failed"
    assert third.message.startswith("NameError: name 'x' is not defined")
    assert third.error_line == 22
    assert third.section == "2-second"


def test_expected_output_mismatch_has_a_unified_diff(run_md: RunMarkdown) -> None:
    [result, _] = run_md(TWO_SECTIONS.replace("\n42\n", "\n43\n"))[1:]
    assert result.status == "output-mismatch"
    assert "--- expected" in result.detail and "+++ actual" in result.detail
    assert "-43" in result.detail and "+42" in result.detail


def test_expected_output_ignores_trailing_whitespace() -> None:
    assert normalise_output("a  \r\nb\n\n\n") == ["a", "b"]
    assert normalise_output("a\n\nb") == ["a", "", "b"]


def test_traceback_maps_to_the_markdown_line(run_md: RunMarkdown) -> None:
    text = "# P\n\n## 1. S\n\n```python\ndef f(v):\n    return 1 / v\n\nf(0)\n```\n"
    [result] = run_md(text)
    assert result.status == "failed"
    assert result.error_line == 7  # `return 1 / v`, the innermost frame in the document
    assert "ZeroDivisionError" in result.message
    assert 'content/llm/материалы.md", line 7' in result.detail
    assert "return 1 / v" in result.detail  # source lines are shown in the traceback


def test_failure_stops_the_section_and_later_blocks_are_not_run(run_md: RunMarkdown) -> None:
    text = "## S\n\n```python\nraise ValueError('boom')\n```\n\n```python\nprint(1)\n```\n"
    first, second = run_md(text)
    assert first.status == "failed" and first.message.startswith("ValueError: boom")
    assert second.status == "skipped" and "not run" in second.message


def test_missing_module_is_needs_module(run_md: RunMarkdown) -> None:
    [result] = run_md("## S\n\n```python\nimport surely_not_installed_xyz\n```\n")
    assert result.status == "needs-module"
    assert result.missing_module == "surely_not_installed_xyz"


def test_missing_submodule_of_an_installed_package_is_a_failure(run_md: RunMarkdown) -> None:
    [result] = run_md("## S\n\n```python\nimport json.surely_missing\n```\n")
    assert result.status == "failed"


def test_syntax_error_at_run_time(run_md: RunMarkdown) -> None:
    [result] = run_md("## S\n\n```python\nprint(1\n```\n")
    assert result.status == "syntax-error"
    assert result.error_line == 4


def test_skipped_blocks_are_reported_not_run(run_md: RunMarkdown) -> None:
    text = (
        "## S\n\n```python skip\nraise SystemExit(5)\n```\n\n<!-- audit: skip -->\n"
        "```python\nimport os\n```\n"
    )
    results = run_md(text)
    assert [r.status for r in results] == ["skipped", "skipped"]
    assert all(r.message.startswith("skipped:") for r in results)


def test_input_reads_end_of_file(run_md: RunMarkdown) -> None:
    [result] = run_md("## S\n\n```python\ninput()\n```\n")
    assert result.status == "failed" and result.message.startswith("EOFError")


def test_isolation_layers_are_recorded(run_md: RunMarkdown) -> None:
    [result] = run_md("## S\n\n```python\npass\n```\n")
    assert result.isolation[0] == "rlimits"
    # only Landlock keeps writes inside the working directory; nothing else counts as confined
    assert ("landlock-fs" in result.isolation) != ("unconfined" in result.isolation)


def test_a_pid_namespace_without_landlock_is_still_unconfined(token: str) -> None:
    """Landlock refused (forced here), namespaces as the machine offers them: the example can
    write outside its folder, so the run says `unconfined` even when it had a PID namespace."""
    config = config_with()
    detected = detect_isolation(interpreter_of(config))
    forced = Isolation(detected.prefix, detected.layers, detected.cgroup_base, landlock=False)
    options = options_from_config(config, forced)
    doc = parse_text("## S\n\n```python\npass\n```\n")
    [result] = run_sequence(collect_examples([doc], config).sequences[0], options)
    assert result.status == "works", result
    assert "landlock-fs" not in result.isolation
    assert "unconfined" in result.isolation
    assert set(detected.layers) <= set(result.isolation)  # e.g. pidns and unconfined together
    assert_no_process_left(token)


def test_the_readme_states_the_unconfined_rule() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    [row] = [line for line in readme.splitlines() if line.startswith("| `unconfined` |")]
    assert "without `landlock-fs`" in row
    assert "PID namespace or not" in row
    assert "neither" not in row  # the old rule ("neither a PID namespace nor Landlock")


def _fallback_run(text: str, token: str) -> list:  # type: ignore[type-arg]
    config = config_with()
    doc = parse_text(text)
    sequence = collect_examples([doc], config).sequences[0]
    options = options_from_config(config, Isolation(landlock=False))
    return run_sequence(sequence, options)


def test_without_namespaces_the_run_is_marked_unconfined_and_still_cleaned(token: str) -> None:
    code = (
        "import os, time\npid = os.fork()\nif pid == 0:\n    os.setsid()\n"
        "    time.sleep(120)\n    os._exit(0)\nprint('ok')\n"
    )
    [result] = _fallback_run(f"## S\n\n```python\n{code}```\n", token)
    assert result.status == "works"
    assert result.isolation == ("rlimits", "unconfined")
    assert_no_process_left(token)  # the setsid child was found by its environment tag


def test_without_namespaces_killing_the_parent_kills_only_the_supervisor(token: str) -> None:
    code = "import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(30)\n"
    [result] = _fallback_run(f"## S\n\n```python\n{code}```\n", token)
    assert result.status == "failed"
    assert "supervisor" in result.message or "SIGKILL" in result.message
    assert_no_process_left(token)


def test_the_leftover_process_check_can_see_a_process(token: str) -> None:
    env = dict(os.environ, **{TOKEN_VAR: token})
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], env=env)
    try:
        assert proc.pid in processes_with(token)
    finally:
        proc.kill()
        proc.wait()
    assert_no_process_left(token)


@pytest.mark.parametrize("flag", ["timeout=2", "timeout=2s"])
def test_per_block_timeout_from_the_info_string(run_md: RunMarkdown, flag: str) -> None:
    [result] = run_md(f"## S\n\n```python {flag}\nimport time\ntime.sleep(30)\n```\n")
    assert result.status == "timeout"
    assert "2 s" in result.message
