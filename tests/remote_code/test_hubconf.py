"""hubconf.py ``dependencies`` are read with ast, the way torch.hub would see the module attribute."""

from __future__ import annotations

import pytest

from hubguard.remote_code.hubconf import describe_dependencies, hubconf_dependencies


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("dependencies = ['torch', 'yaml']\n", ["torch", "yaml"]),
        ("dependencies: list[str] = ('torch',)\n", ["torch"]),
        ("dependencies = ['a']\ndependencies = ['b']\n", ["b"]),  # the module attribute is the last value
        ("dependencies = []\n", []),
        ("dependencies = ['torch'] + extra()\n", ["?"]),
        ("dependencies = [name for name in x]\n", ["?"]),
        ("def f():\n    dependencies = ['local only']\n", None),
        ("import torch\n", None),
        ("def broken(:\n", None),
        ("\x00", None),
    ],
)
def test_dependencies(source: str, expected: list[str] | None) -> None:
    assert hubconf_dependencies(source) == expected


def test_descriptions() -> None:
    assert describe_dependencies("import torch\n") is None
    assert describe_dependencies("dependencies = []\n") == "hubconf.py declares no dependencies"
    computed = describe_dependencies("dependencies = f()\n")
    assert computed is not None and "computes its dependencies at import time" in computed
    many = describe_dependencies(f"dependencies = {[f'p{i}' for i in range(30)]!r}\n")
    assert many is not None and "'p19' ..." in many and "'p20'" not in many
