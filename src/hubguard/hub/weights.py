"""Which weight files a loader would read: safetensors win; otherwise the pickles get loaded."""

from __future__ import annotations

from collections.abc import Callable, Iterable

NON_PICKLE_SUFFIXES = (".safetensors", ".gguf", ".onnx", ".msgpack", ".json", ".txt", ".md")
MAX_WEIGHT_FILES = 32


def pickle_weights(paths: Iterable[str], is_weight_candidate: Callable[[str], bool]) -> list[str]:
    """Weight files that may hold pickles and would be loaded: none when any safetensors file exists."""
    ordered = sorted(paths)
    if any(path.endswith(".safetensors") for path in ordered):
        return []
    return [path for path in ordered if is_weight_candidate(path) and not path.endswith(NON_PICKLE_SUFFIXES)]
