"""Which weight files a loader would read: safetensors win; otherwise the pickles get loaded."""

from __future__ import annotations

from collections.abc import Callable, Iterable

NON_PICKLE_SUFFIXES = (".safetensors", ".gguf", ".onnx", ".msgpack", ".json", ".txt", ".md")
MAX_WEIGHT_FILES = 32


def loaded_weights(paths: Iterable[str], is_weight_candidate: Callable[[str], bool]) -> list[str]:
    """The weight files a loader reads, sorted: the safetensors when there are any, otherwise every weight file."""
    ordered = sorted(paths)
    safetensors = [path for path in ordered if path.endswith(".safetensors")]
    return safetensors or [path for path in ordered if is_weight_candidate(path)]


def pickle_weights(paths: Iterable[str], is_weight_candidate: Callable[[str], bool]) -> list[str]:
    """Weight files that may hold pickles and would be loaded: none when any safetensors file exists."""
    return [path for path in loaded_weights(paths, is_weight_candidate) if not path.endswith(NON_PICKLE_SUFFIXES)]
