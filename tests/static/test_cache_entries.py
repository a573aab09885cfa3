"""The static result cache's entries field by field: every field round-trips, and a mistyped one is a miss."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from hubguard.config import Config
from hubguard.findings import (
    Finding,
    HubReference,
    Level,
    Location,
    Notification,
    Region,
    RevisionState,
    ScanResult,
    SuppressionComment,
)
from hubguard.static import cache as static_cache
from hubguard.static.cache import StaticCache

CALL = Location("app.py", Region(2, 5, 2, 40))


def full_result() -> ScanResult:
    """One of everything an entry holds, none of it at a default value."""
    finding = Finding(
        "HG301",
        "torch.load of a pickle",
        CALL,
        Level.ERROR,
        (Location("app.py", Region(1, 1, 1, 12), "imported here"),),
        True,
        {"sink": "A1"},
    )
    notification = Notification("could not read app.py", "app.py", Level.NOTE, "not-analysed")
    reference = HubReference(
        "huggingface", "model", "org/x", "main", RevisionState.UNPINNED, CALL, "A1", True, True, code_revision="v1"
    )
    comment = SuppressionComment(Location("app.py", Region(2, 42, 2, 70)), frozenset({"HG301", "HG201"}), {"HG301"})
    return ScanResult([finding], [notification], [reference], files_scanned=1, suppressions=[comment])


@pytest.fixture
def cache(tmp_path: Path) -> StaticCache:
    return StaticCache(tmp_path, Config())


def stored(cache: StaticCache, key: str) -> dict[str, Any]:
    return json.loads(cache._path(key).read_bytes())


def test_every_field_round_trips(cache: StaticCache) -> None:
    key = cache.key("app.py", "x")
    cache.put(key, full_result())
    assert cache.get(key) == full_result()
    assert (cache.hits, cache.misses) == (1, 0)


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("findings", "rule", 301),
        ("findings", "message", None),
        ("findings", "location", "app.py"),
        ("findings", "level", "fatal"),
        ("findings", "related", ["app.py"]),
        ("findings", "suppressed", "false"),  # bool("false") would hide the finding
        ("findings", "suppressed", 0),
        ("findings", "properties", [["sink", "A1"]]),  # dict() would accept pairs
        ("notifications", "message", 5),
        ("notifications", "path", 5),
        ("notifications", "path", ["app.py"]),
        ("notifications", "level", "loud"),
        ("notifications", "kind", None),
        ("references", "location", None),
        ("references", "revision_state", "sealed"),
        ("references", "unknown_field", 1),
        ("references", "repo_id", 5),
        ("references", "revision", ["main"]),
        ("references", "runs_remote_code", "false"),  # truthy: would claim remote code runs
        ("references", "loads_weights", None),
        ("references", "imports_repo_code", 1),
        ("references", "code_revision", 1),
        ("suppressions", "location", {"path": 5, "region": None}),
        ("suppressions", "rules", "HG301"),  # a string's characters would become rules
        ("suppressions", "rules", [301]),
        ("suppressions", "used", "HG301"),
        ("suppressions", "used", [None]),
    ],
)
def test_a_mistyped_field_is_a_miss(cache: StaticCache, section: str, field: str, value: object) -> None:
    key = cache.key("app.py", "x")
    cache.put(key, full_result())
    entry = stored(cache, key)
    entry["result"][section][0][field] = value
    cache._path(key).write_text(json.dumps(entry))
    assert cache.get(key) is None
    assert (cache.hits, cache.misses) == (0, 1)


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("findings", "related"),
        ("notifications", "message"),
        ("notifications", "path"),
        ("notifications", "level"),
        ("notifications", "kind"),
        ("suppressions", "location"),
        ("suppressions", "rules"),
        ("suppressions", "used"),
    ],
)
def test_a_missing_field_is_a_miss(cache: StaticCache, section: str, field: str) -> None:
    key = cache.key("app.py", "x")
    cache.put(key, full_result())
    entry = stored(cache, key)
    del entry["result"][section][0][field]
    cache._path(key).write_text(json.dumps(entry))
    assert cache.get(key) is None


def test_a_notification_without_a_path_round_trips(cache: StaticCache) -> None:
    result = ScanResult(notifications=[Notification("no file", None, Level.WARNING, "parse-error")], files_scanned=1)
    key = cache.key("app.py", "y")
    cache.put(key, result)
    assert cache.get(key) == result


def test_every_reference_field_has_its_type_checked() -> None:
    """A field added to HubReference with a type the decoder does not know would decode unchecked."""
    checked = set(static_cache._REFERENCE_SCALARS) | {"location", "revision_state"}
    assert checked == {field.name for field in fields(HubReference)}


def test_an_entry_of_another_format_is_a_miss(cache: StaticCache) -> None:
    key = cache.key("app.py", "x")
    cache.put(key, full_result())
    entry = stored(cache, key)
    assert entry["format"] == 2
    cache._path(key).write_text(json.dumps(entry | {"format": 1}))  # same fields, older meaning
    assert cache.get(key) is None


def test_entries_are_spread_over_folders_named_by_the_keys_first_two_digits(cache: StaticCache, tmp_path: Path) -> None:
    key = cache.key("app.py", "x")
    cache.put(key, full_result())
    assert [path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.json")] == [
        f"static/{key[:2]}/{key}.json"
    ]


def test_a_file_name_that_is_not_utf8_has_its_own_key(cache: StaticCache) -> None:
    """os.fsdecode turns undecodable bytes of a POSIX file name into lone surrogates."""
    name = "caf\udce9.py"
    assert cache.key(name, "x") == cache.key(name, "x")
    assert cache.key(name, "x") not in {cache.key("caf\udce8.py", "x"), cache.key("café.py", "x")}
