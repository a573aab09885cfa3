"""Judge Keras model configs (``config.json`` of a .keras zip, ``model_config`` of an .h5) and other
JSON configs inside archives, without TensorFlow or Keras."""

from __future__ import annotations

import json
import re

from hubguard.inspectors.policy import Standing, standing
from hubguard.inspectors.verdicts import Collector, Issue, Verdict

_KERAS_ROOTS = frozenset({"keras", "keras_hub", "keras_nlp", "keras_cv", "tf_keras", "tensorflow"})
_UNSAFE_KERAS_NAMES = frozenset({"enable_unsafe_deserialization", "load_model", "get_file", "load_weights"})
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_MAX_NODES = 1_000_000
_CHECK_EVERY = 65_536


def looks_like_keras(config: object) -> bool:
    """A serialised Keras object at the top: ``{"class_name": ..., "config": ...}`` (Keras 2 and 3)."""
    return isinstance(config, dict) and isinstance(config.get("class_name"), str) and "config" in config


def judge_keras_config(text: bytes, collector: Collector, member: str) -> None:
    try:
        config = json.loads(text)
    except (ValueError, RecursionError) as error:
        collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"Keras config is not valid JSON: {error}", member))
        return
    judge_config(config, collector, member, keras=True)


def judge_config(config: object, collector: Collector, member: str, *, keras: bool) -> None:
    """Report the callables a config would have deserialised.

    ``keras``: the archive is a Keras model and this is its architecture. Otherwise the config sits in
    an archive no loader claims, and any string naming a dangerous callable is reported as well.
    """
    pending: list[object] = [config]
    visited = 0
    while pending:
        visited += 1
        if visited > _MAX_NODES:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", "config too large to inspect fully", member))
            return
        if not visited % _CHECK_EVERY:
            collector.budget.check()
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            _judge_node(node, collector, member)
            pending.extend(node.values())
        elif isinstance(node, str) and not keras:
            _judge_string(node, collector, member)


def _judge_node(node: dict[str, object], collector: Collector, member: str) -> None:
    class_name = node.get("class_name")
    module = node.get("module")
    if class_name == "__lambda__" or (class_name == "Lambda" and _legacy_bytecode(node.get("config"))):
        collector.add(Issue(Verdict.MALICIOUS, "keras-lambda",
                            "Lambda layer with marshalled Python bytecode: loading the model runs it "
                            "(Keras 3 with safe_mode=False, every Keras 2 / tf.keras loader)", member))
    elif class_name == "Lambda":
        _judge_lambda_function(node.get("config"), collector, member)
    if isinstance(module, str) and module:
        name = class_name if isinstance(class_name, str) else ""
        if name == "function" and isinstance(node.get("config"), str):
            name = str(node["config"])  # Keras 3 serialises a function as module + config=its name
        status = standing(module, name) if name else Standing.UNLISTED
        root = module.split(".")[0]
        qualified = f"{module}.{name}" if name else module
        if status is Standing.DENIED or name in _UNSAFE_KERAS_NAMES:
            collector.add(Issue(Verdict.MALICIOUS, "keras-object", f"config deserialises {qualified}", member))
        elif root not in _KERAS_ROOTS:
            collector.add(Issue(Verdict.SUSPICIOUS, "keras-custom-object",
                                f"config deserialises {qualified} from outside Keras (custom object)", member))


def _legacy_bytecode(config: object) -> bool:
    """Keras 2 serialises a lambda as ``function_type: "lambda"`` with base64 marshal data (also for
    ``output_shape`` and ``mask``); a bare list or string ``function`` is the same thing, older."""
    if not isinstance(config, dict):
        return False
    if any(key.endswith("_type") and value == "lambda" for key, value in config.items()):
        return True
    return config.get("function_type") != "function" and isinstance(config.get("function"), (list, str))


def _judge_lambda_function(config: object, collector: Collector, member: str) -> None:
    """A Keras 2 Lambda naming a function: Keras looks the name up in its module, already imported."""
    if not isinstance(config, dict) or not isinstance(config.get("function"), str):
        return  # Keras 3: "function" is a serialised object, judged as its own node
    module = str(config["module"]) if isinstance(config.get("module"), str) else ""
    name = str(config["function"])
    qualified = f"{module}.{name}" if module else name
    if module and standing(module, name) is Standing.DENIED:
        collector.add(Issue(Verdict.MALICIOUS, "keras-lambda", f"Lambda layer calls {qualified}", member))
    elif module.split(".")[0] not in _KERAS_ROOTS:
        collector.add(Issue(Verdict.SUSPICIOUS, "keras-lambda", f"Lambda layer calls {qualified} (custom code)", member))


def _judge_string(text: str, collector: Collector, member: str) -> None:
    if len(text) > 200 or not _DOTTED_NAME.fullmatch(text):
        return
    module, _, name = text.rpartition(".")
    if standing(module, name) is Standing.DENIED:
        collector.add(Issue(Verdict.SUSPICIOUS, "config-callable",
                            f"a config in an archive no loader recognises names the callable {text}", member))
