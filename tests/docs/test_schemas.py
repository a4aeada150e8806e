"""schema/ must hold exactly what the pydantic models export (`content-audit schema --write`)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from audit.cli import main
from audit.docs.schemas import SCHEMAS, render_schema, stale_schemas, write_schemas
from audit.model.config import Config
from tests.conftest import PROJECT

SCHEMA_DIR = PROJECT / "schema"


def test_registry_has_config_and_task() -> None:
    assert {e.filename for e in SCHEMAS.values()} >= {"config.schema.json", "task.schema.json"}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_checked_in_schema_is_up_to_date(name: str) -> None:
    entry = SCHEMAS[name]
    path = SCHEMA_DIR / entry.filename
    assert path.is_file(), f"{path} missing: run `content-audit schema --write`"
    assert path.read_text(encoding="utf-8") == render_schema(entry), (
        f"{path} is stale: run `content-audit schema --write`"
    )


def test_rendering_is_stable_and_ends_with_newline() -> None:
    for entry in SCHEMAS.values():
        text = render_schema(entry)
        assert text == render_schema(entry)
        assert text.endswith("}\n") and not text.endswith("\n\n")
        data = json.loads(text)
        assert list(data) == sorted(data)
        jsonschema.Draft202012Validator.check_schema(data)


def test_config_schema_accepts_defaults_and_rejects_unknown_key() -> None:
    schema = json.loads(render_schema(SCHEMAS["config"]))
    jsonschema.validate(Config().model_dump(), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"slug_stlye": "github"}, schema)


def test_task_schema_rejects_bad_difficulty() -> None:
    schema = json.loads(render_schema(SCHEMAS["task"]))
    good = {
        "id": "llm_001_x",
        "title": "T",
        "track": "llm",
        "subcategory": "S",
        "difficulty": "easy",
    }
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "difficulty": "легко"}, schema)


def test_check_detects_stale_and_write_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema"
    assert sorted(stale_schemas(target)) == sorted(e.filename for e in SCHEMAS.values())
    assert main(["schema", "--check", "--dir", str(target)]) == 1
    assert main(["schema", "--write", "--dir", str(target)]) == 0
    assert stale_schemas(target) == []
    assert main(["schema", "--check", "--dir", str(target)]) == 0
    (target / "task.schema.json").write_text("{}\n", encoding="utf-8")
    assert stale_schemas(target) == ["task.schema.json"]
    assert main(["schema", "--check", "--dir", str(target)]) == 1
    assert write_schemas(target) == ["task.schema.json"]
    assert write_schemas(target) == []
    capsys.readouterr()
