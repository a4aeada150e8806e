"""The requirements a gap is measured against: data, not code.

A project's ``schema/requirements.yaml`` (or the file ``requirements:`` names), else the default
shipped in the package as ``audit/data/requirements.yaml``. Read once per run, validated by
pydantic; the scoring only evaluates the checks they name.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from audit.errors import AuditError, ConfigError
from audit.model.config import Config
from audit.model.requirements import RequirementsSpec

BUILTIN_REQUIREMENTS = "data/requirements.yaml"  # package data of `audit`


def load_requirements(config: Config, root: Path) -> RequirementsSpec:
    """The configured file, else the project's schema/requirements.yaml, else the copy shipped
    in the package (read through importlib.resources, so an installed wheel has it too)."""
    path = Path(config.requirements) if config.requirements else root / "schema/requirements.yaml"
    if not path.is_absolute():
        path = root / path
    if path.is_file():
        return _parse_requirements(_read(path), str(path))
    if config.requirements:
        raise ConfigError(f"requirements file not found: {config.requirements}")
    builtin = resources.files("audit").joinpath(BUILTIN_REQUIREMENTS)
    try:
        text = builtin.read_text(encoding="utf-8")
    except OSError as exc:  # a broken install: say so rather than guess what "covered" means
        raise AuditError(
            f"the built-in requirements (audit/{BUILTIN_REQUIREMENTS}) are missing from the "
            f"installed package: {exc}; reinstall content-audit or set `requirements:`"
        ) from exc
    return _parse_requirements(text, f"audit/{BUILTIN_REQUIREMENTS}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read requirements: {exc}") from exc


def _parse_requirements(text: str, where: str) -> RequirementsSpec:
    try:
        return RequirementsSpec.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: cannot read requirements: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: requirements key '{key}': {first['msg']}") from None
