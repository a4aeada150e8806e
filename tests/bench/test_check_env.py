"""The bench's cold measures start without a replay record (``bench.check.no_cache``)."""

from pathlib import Path

from audit.cache import replay
from bench import check


def test_the_bench_names_the_replay_folder_the_tool_writes() -> None:
    assert check.REPLAY_FOLDER == replay.FOLDER


def test_the_audit_runs_keep_their_secret_in_the_bench_folder() -> None:
    env = check._audit_env()
    assert Path(env["CONTENT_AUDIT_KEY_DIR"]) == check.KEY_DIR.resolve()
    assert "PYTHONDONTWRITEBYTECODE" not in env
