"""``[tool.hubguard] pickle-allowlist`` entries: the forms accepted, and every way one is refused."""

from __future__ import annotations

import pytest

from hubguard.inspectors.policy import Policy, Standing, parse_allowlist_entry, standing


def test_entries_name_a_class_or_a_whole_module() -> None:
    assert parse_allowlist_entry(" mylib.models:Net ") == ("mylib.models", "Net")
    assert parse_allowlist_entry("mylib.models:*") == ("mylib.models", "*")
    policy = Policy.from_entries(["mylib.models:Net", "other:*"])
    assert policy.standing("mylib.models", "Net") is Standing.REVIEWED
    assert policy.standing("mylib.models", "Other") is Standing.UNLISTED
    assert policy.standing("other", "Anything") is Standing.REVIEWED


def test_entries_split_into_exact_names_and_whole_modules() -> None:
    policy = Policy.from_entries(["mylib.models:Net", "other:*"])
    assert policy == Policy(frozenset({("mylib.models", "Net")}), frozenset({"other"}))


@pytest.mark.parametrize("module", ["builtins", "__builtin__"])
def test_builtins_outside_the_safe_constructors_are_denied_under_either_name(module: str) -> None:
    """Protocol 3 and later keep a Python 2 module name as written, so ``__builtin__`` reaches the policy."""
    assert standing(module, "hash") is Standing.DENIED
    assert standing("mybuiltins", "hash") is Standing.UNLISTED


@pytest.mark.parametrize("entry", ["mylib", "mylib:", ":Net", "my lib:Net", "mylib:Net:x", "mylib:N-et", "1lib:Net"])
def test_a_malformed_entry_says_what_is_expected(entry: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_allowlist_entry(entry)
    assert str(error.value) == f"{entry!r} is not 'package.module:Name' or 'package.module:*'"


@pytest.mark.parametrize(
    "entry",
    ["builtins:set", "builtins.x:set", "__builtin__:set", "__builtin__.x:set", "builtins:*", "os:*", "os.path:join"],
)
def test_builtins_and_denied_callables_cannot_be_allowed(entry: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_allowlist_entry(entry)
    assert str(error.value) == f"{entry!r} names a callable that can run code or touch the system; it cannot be allowed"
