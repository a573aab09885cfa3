"""Run configuration: ``[tool.hubguard]`` in pyproject.toml, overridden by command-line options."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hubguard.findings import Level
from hubguard.rules import RULES


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
    cache: bool = True  # --no-cache: neither read nor write the static pass's per-file results
    jobs: int | None = None  # static-pass worker processes; None = CPU count
    pickle_allowlist: tuple[str, ...] = ()  # "package.module:Class" or "package.module:*", reported as notes
    respect_gitignore: bool = True  # skip what .gitignore / .git/info/exclude ignore when walking directories
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, rule IDs or prefixes)
    report_unused_ignores: bool = False  # report suppression comments that suppress nothing (HG002)
    max_file_size: int = 32 * 1024 * 1024  # bytes; larger files are not read
    not_analysed_level: Level = Level.WARNING  # HG001 for input that cannot be parsed (internal errors stay error)
    source: Path | None = field(default=None, compare=False)  # the file the settings came from

    @property
    def base(self) -> Path | None:
        """The directory that ``exclude`` and ``per-file-ignores`` globs are relative to."""
        return self.source.parent.resolve() if self.source is not None else None

    def rule_enabled(self, rule_id: str) -> bool:
        if _matches_any(rule_id, self.ignore):
            return False
        return self.select is None or _matches_any(rule_id, self.select)

    def ignored_in_file(self, rule_id: str, relative: str) -> bool:
        """Whether ``per-file-ignores`` turns ``rule_id`` off for ``relative`` (a path relative to ``base``)."""
        from hubguard.static.files import glob_spec

        return any(
            _matches_any(rule_id, rules) and glob_spec((pattern,)).match_file(relative)
            for pattern, rules in self.per_file_ignores
        )


def _matches_any(rule_id: str, codes: frozenset[str]) -> bool:
    return any(rule_id.startswith(code) for code in codes)


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


def _per_file_ignores(value: Any, where: str) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: expected a table of globs to rule lists, e.g. {{"tests/**" = ["HG201"]}}')
    return tuple((pattern, parse_rule_list(rules, f"{where} {pattern!r}")) for pattern, rules in value.items())


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


_SIZE = re.compile(r"\s*(\d+)\s*(|b|kb|kib|mb|mib|gb|gib)\s*", re.I)
_UNITS = {"": 1, "b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2, "gb": 1000**3, "gib": 1024**3}


def parse_size(value: Any, where: str) -> int:
    """A byte count: an integer, or a string such as "64 MiB" or "500kB"."""
    match = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if match is not None:
        value = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where}: expected a positive size such as 33554432 or \"32 MiB\", got {value!r}")
    return value


def _level(value: Any, where: str) -> Level:
    if not isinstance(value, str) or value.lower() not in ("note", "warning", "error"):
        raise ConfigError(f"{where}: expected note, warning or error, got {value!r}")
    return Level(value.lower())


_KEYS = {
    "select": ("select", parse_rule_list),
    "ignore": ("ignore", parse_rule_list),
    "exclude": ("exclude", _string_list),
    "fail-on": ("fail_on", parse_fail_on),
    "allow-remote-code": ("allow_remote_code", _string_list),
    "offline": ("offline", _boolean),
    "timeout": ("timeout", _positive_number),
    "pickle-allowlist": ("pickle_allowlist", _pickle_allowlist),
    "respect-gitignore": ("respect_gitignore", _boolean),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "report-unused-ignores": ("report_unused_ignores", _boolean),
    "max-file-size": ("max_file_size", parse_size),
    "not-analysed-level": ("not_analysed_level", _level),
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


CONFIG_FILE = "hubguard.toml"


def load_config(explicit: Path | None, start: Path) -> Config:
    """Settings from ``explicit`` or the nearest configuration at or above ``start``; defaults if none."""
    found = (explicit, _document(explicit, _read(explicit))) if explicit is not None else find_config(start)
    if found is None:
        return Config()
    path, document = found
    return config_from_table(_table(path, document), path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None


def _document(path: Path, data: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib  # imported when a configuration file is there to read
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def _table(path: Path, document: dict[str, Any]) -> dict[str, Any]:
    if path.name == "pyproject.toml" or "tool" in document:
        table = document.get("tool", {}).get("hubguard", {})
    else:
        table = document  # a dedicated hubguard.toml holds the settings at top level
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.hubguard] must be a table")
    return table


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``hubguard.toml``, or ``pyproject.toml`` with a ``[tool.hubguard]`` table, at or above
    ``start``, and its parsed document; the search stops at the repository root (the directory holding ``.git``).
    A ``pyproject.toml`` that never mentions hubguard is not parsed: most projects' do not, and a commit hook
    saves the TOML parser."""
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        dedicated = candidate / CONFIG_FILE
        if dedicated.is_file():
            return dedicated, _document(dedicated, _read(dedicated))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and b"hubguard" in (data := _read(pyproject)):
            document = _document(pyproject, data)
            if "hubguard" in document.get("tool", {}):
                return pyproject, document
        if (candidate / ".git").exists():
            return None
    return None
