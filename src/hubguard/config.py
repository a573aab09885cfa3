"""Run configuration: ``[tool.hubguard]`` in pyproject.toml, overridden by command-line options."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hubguard.findings import Level
from hubguard.rules import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration problem the user must fix; the CLI prints it and exits 2."""


FAIL_LEVELS = {"note": Level.NOTE, "warning": Level.WARNING, "error": Level.ERROR, "none": None}


@dataclass
class Config:
    select: frozenset[str] | None = None  # None = every rule; entries are rule IDs or prefixes (HG1)
    ignore: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()
    fail_on: Level | None = Level.WARNING  # None = never fail on findings
    allow_remote_code: tuple[str, ...] = ()  # repo ID globs exempt from HG101/HG102
    offline: bool = False
    timeout: float = 30.0
    cache_dir: Path | None = None
    jobs: int | None = None  # static-pass worker processes; None = CPU count
    pickle_allowlist: tuple[str, ...] = ()  # "package.module:Class" or "package.module:*", reported as notes
    source: Path | None = field(default=None, compare=False)  # the file the settings came from

    def rule_enabled(self, rule_id: str) -> bool:
        if any(rule_id.startswith(prefix) for prefix in self.ignore):
            return False
        return self.select is None or any(rule_id.startswith(prefix) for prefix in self.select)


def parse_rule_list(value: Any, where: str) -> frozenset[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ConfigError(f"{where}: expected a list of rule IDs, e.g. [\"HG101\", \"HG2\"]")
    rules = frozenset(item.strip().upper() for item in items if item.strip())
    for rule in rules:
        if not any(rule_id.startswith(rule) for rule_id in RULES):
            raise ConfigError(f"{where}: unknown rule '{rule}' (known: {', '.join(RULES)})")
    return rules


def parse_fail_on(value: Any, where: str) -> Level | None:
    if not isinstance(value, str) or value.lower() not in FAIL_LEVELS:
        raise ConfigError(f"{where}: expected one of {', '.join(FAIL_LEVELS)}, got {value!r}")
    return FAIL_LEVELS[value.lower()]


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _pickle_allowlist(value: Any, where: str) -> tuple[str, ...]:
    from hubguard.inspectors.policy import parse_allowlist_entry

    entries = _string_list(value, where)
    for entry in entries:
        try:
            parse_allowlist_entry(entry)
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    return entries


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _positive_number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{where}: expected a positive number, got {value!r}")
    return float(value)


_KEYS = {
    "select": ("select", parse_rule_list),
    "ignore": ("ignore", parse_rule_list),
    "exclude": ("exclude", _string_list),
    "fail-on": ("fail_on", parse_fail_on),
    "allow-remote-code": ("allow_remote_code", _string_list),
    "offline": ("offline", _boolean),
    "timeout": ("timeout", _positive_number),
    "pickle-allowlist": ("pickle_allowlist", _pickle_allowlist),
}


def config_from_table(table: dict[str, Any], source: Path) -> Config:
    config = Config(source=source)
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{source}: unknown key '{key}' in [tool.hubguard] (known: {', '.join(_KEYS)})")
        attribute, parse = _KEYS[key]
        changes[attribute] = parse(value, f"{source}: [tool.hubguard] {key}")
    return replace(config, **changes)


def load_config(explicit: Path | None, start: Path) -> Config:
    """Settings from ``explicit`` or the nearest pyproject.toml at or above ``start``; defaults if none."""
    path = explicit if explicit is not None else find_pyproject(start)
    if path is None:
        return Config()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    if path.name == "pyproject.toml" or "tool" in document:
        table = document.get("tool", {}).get("hubguard", {})
    else:
        table = document  # a dedicated hubguard.toml holds the settings at top level
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.hubguard] must be a table")
    return config_from_table(table, path)


def find_pyproject(start: Path) -> Path | None:
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


