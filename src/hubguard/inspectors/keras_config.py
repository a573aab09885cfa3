"""Judge a Keras model config (``config.json`` of a .keras zip, ``model_config`` of an .h5) without TensorFlow."""

from __future__ import annotations

import json

from hubguard.inspectors.policy import Standing, standing
from hubguard.inspectors.verdicts import Collector, Issue, Verdict

_KERAS_ROOTS = frozenset({"keras", "keras_hub", "keras_nlp", "keras_cv", "tf_keras", "tensorflow"})
_UNSAFE_KERAS_NAMES = frozenset({"enable_unsafe_deserialization", "load_model", "get_file", "load_weights"})
_MAX_NODES = 1_000_000


def judge_keras_config(text: bytes, collector: Collector, member: str) -> None:
    try:
        config = json.loads(text)
    except (ValueError, RecursionError) as error:
        collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"Keras config is not valid JSON: {error}", member))
        return
    pending: list[object] = [config]
    visited = 0
    while pending:
        visited += 1
        if visited > _MAX_NODES:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", "Keras config too large to inspect fully", member))
            return
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            _judge_node(node, collector, member)
            pending.extend(node.values())


def _judge_node(node: dict[str, object], collector: Collector, member: str) -> None:
    class_name = node.get("class_name")
    module = node.get("module")
    if class_name in ("Lambda", "__lambda__"):
        collector.add(Issue(Verdict.SUSPICIOUS, "keras-lambda",
                            "Lambda layer: its Python bytecode runs when the model is loaded with safe_mode=False",
                            member))
    if isinstance(module, str) and module:
        name = class_name if isinstance(class_name, str) else ""
        status = standing(module, name) if name else Standing.UNLISTED
        root = module.split(".")[0]
        qualified = f"{module}.{name}" if name else module
        if status is Standing.DENIED or name in _UNSAFE_KERAS_NAMES:
            collector.add(Issue(Verdict.MALICIOUS, "keras-object", f"config deserialises {qualified}", member))
        elif root not in _KERAS_ROOTS:
            collector.add(Issue(Verdict.SUSPICIOUS, "keras-custom-object",
                                f"config deserialises {qualified} from outside Keras (custom object)", member))
