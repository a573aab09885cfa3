"""Fuzzing Keras configs: arbitrary JSON trees in .keras zips, with a dangerous object hidden anywhere."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors.helpers import judge
from tests.inspectors.strategies import EDITS, armed_canary, fuzz_settings, json_values, mutate, quiet_zip, timed
from hubguard.inspectors import Verdict

__all__ = ["armed_canary"]

DANGEROUS = [
    {"module": "os", "class_name": "system", "config": {}},
    {"module": "builtins", "class_name": "function", "config": "exec", "registered_name": "function"},
    {"module": "keras.src.saving", "class_name": "load_model", "config": {}},
]


def _keras_zip(config: object, metadata: bool) -> bytes:
    members = [("config.json", json.dumps(config).encode())]
    if metadata:
        members.append(("metadata.json", b'{"keras_version": "3.5.0"}'))
    return quiet_zip(members, 8)


def _hide(tree: dict[str, object], hidden: object, path: list[int]) -> None:
    """Put ``hidden`` somewhere inside ``tree``, following ``path`` through nested lists and dicts."""
    node: list[object] | dict[str, object] = tree
    for step in path:
        children = [child for child in (node if isinstance(node, list) else node.values())
                    if isinstance(child, (list, dict))]
        if not children:
            break
        node = children[step % len(children)]
    if isinstance(node, list):
        node.append(hidden)
    else:
        node[f"hidden{len(node)}"] = hidden


@fuzz_settings(200)
@given(json_values(), st.booleans(), EDITS)
def test_mutated_keras_archives_never_crash(config: object, metadata: bool, edits: list[tuple[int, int, str]]) -> None:
    data = _keras_zip({"class_name": "Functional", "config": config}, metadata)
    timed(lambda: judge(data, "model.keras"))
    timed(lambda: judge(mutate(data, edits), "model.keras"))


@fuzz_settings(200)
@given(json_values(), st.sampled_from(DANGEROUS), st.lists(st.integers(0, 7), max_size=6), st.booleans())
def test_a_dangerous_object_anywhere_in_the_config_is_found(config: object, danger: dict[str, object],
                                                            path: list[int], metadata: bool) -> None:
    root = {"class_name": "Functional", "config": {"layers": [config]}}
    _hide(root, danger, path)
    verdict = timed(lambda: judge(_keras_zip(root, metadata), "model.keras"))
    assert verdict.verdict is Verdict.MALICIOUS, verdict.issues
