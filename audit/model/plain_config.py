"""The validated config as plain data, for the warm ``check`` that must not import pydantic.

A warm run with nothing changed spends most of its time importing pydantic (and yaml) only to
rebuild a config it validated last time. ``PlainConfig`` holds the same values (taken from a
validated ``Config``, never from unvalidated input) and answers the same attribute reads, plus
the few pydantic methods the engine calls on a config (``model_copy(update=...)``,
``model_dump()``), so code typed against ``Config`` runs unchanged on either form.
``config_digest`` gives both forms the same digest, which keys the parse cache's namespace.

``encode``/``decode`` turn it into values ``marshal`` writes (a sub-model becomes a 1-tuple
around its dict: no config value is a tuple); ``audit/cache/settings.py`` stores that, sealed.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from audit.model.config import Config


class PlainConfig:
    """A frozen tree of config values: attributes as on the pydantic model."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("the config is frozen")

    def __reduce__(self) -> tuple[type[PlainConfig], tuple[dict[str, Any]]]:
        return PlainConfig, (self._fields,)  # parse workers receive the config pickled

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PlainConfig):
            return self.model_dump() == other.model_dump()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(repr(self.model_dump()))

    def __repr__(self) -> str:
        return f"PlainConfig({self.model_dump()!r})"

    def model_copy(self, update: dict[str, Any] | None = None) -> PlainConfig:
        """As pydantic's: a shallow copy with some fields replaced (not validated again)."""
        fields = dict(self._fields)
        for key, value in (update or {}).items():
            if key not in fields:
                raise AttributeError(key)
            fields[key] = value
        return PlainConfig(fields)

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        return {
            k: v.model_dump() if isinstance(v, PlainConfig) else _copy(v)
            for k, v in self._fields.items()
        }


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def plain_of(config: Config | PlainConfig) -> PlainConfig:
    """The plain form of a validated config (a plain one is returned as it is)."""
    if isinstance(config, PlainConfig):
        return config
    fields: dict[str, Any] = {}
    for name in type(config).model_fields:
        value = getattr(config, name)
        fields[name] = plain_of(value) if hasattr(type(value), "model_fields") else _copy(value)
    return PlainConfig(fields)


def as_config(plain: PlainConfig) -> Config:
    """Typed as the model it stands for: it answers every read the engine makes of one."""
    return cast("Config", plain)


def config_digest(config: Config | PlainConfig) -> str:
    """The same digest for a ``Config`` and its plain form (keys the parse cache's namespace)."""
    data = config.model_dump(mode="python")
    return hashlib.blake2b(repr(data).encode("utf-8"), digest_size=16).hexdigest()


def encode(plain: PlainConfig) -> tuple[dict[str, Any]]:
    return ({k: encode(v) if isinstance(v, PlainConfig) else v for k, v in plain._fields.items()},)


def decode(data: object) -> PlainConfig:
    """The inverse of ``encode``; ValueError on anything else (a damaged entry is a miss)."""
    if not (isinstance(data, tuple) and len(data) == 1 and isinstance(data[0], dict)):
        raise ValueError("not an encoded config")
    return PlainConfig(
        {str(k): decode(v) if isinstance(v, tuple) else v for k, v in data[0].items()}
    )
