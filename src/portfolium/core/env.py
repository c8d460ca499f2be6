"""Typed readers for environment variables that fail loudly on a bad value (healthchecks' envbool/envint)."""

from __future__ import annotations

import os
from collections.abc import Mapping


class ConfigError(RuntimeError):
    """A setting read from the environment has a value that cannot be used."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str | None = None, *, env: Mapping[str, str] | None = None) -> str | None:
    source = os.environ if env is None else env
    return source.get(name, default)


def envbool(name: str, default: bool, *, env: Mapping[str, str] | None = None) -> bool:
    raw = envstr(name, None, env=env)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off")


def envint(name: str, default: int, *, env: Mapping[str, str] | None = None) -> int:
    raw = envstr(name, None, env=env)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None


def envlist(name: str, default: list[str], *, env: Mapping[str, str] | None = None) -> list[str]:
    raw = envstr(name, None, env=env)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
