"""The inventory's facts about one load of a repository: which of its files the load involves, their hashes from
the hub's listing and, for weights, their format and the inspector's verdict (see ``hubguard.inventory``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from hubguard.hub.outcome import printable
from hubguard.hub.resolver import RepoReader
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.weights import loaded_weights
from hubguard.inventory import CODE, CONFIG, DATA, WEIGHTS, RepoFacts, RepoFile

MAX_LISTED_FILES = 1000  # a dataset can hold many thousands of shards; the total is recorded
_MAX_NAME = 100
_MAX_ARCHITECTURES = 5
_NOT_DATA = (".gitattributes", ".gitignore")
# By suffix, for weights the inspector did not read (safetensors are never pickles, so never inspected).
_FORMATS_BY_SUFFIX = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".onnx": "onnx",
    ".keras": "keras",
    ".h5": "hdf5",
    ".hdf5": "hdf5",
    ".msgpack": "flax-msgpack",
    ".npy": "npy",
    ".npz": "npz",
    ".tflite": "tflite",
}


def repo_facts(
    snapshot: RepoSnapshot,
    reader: RepoReader,
    *,
    loads_weights: bool,
    configs_read: list[str],
    verdicts: Mapping[str, Any],
    is_weight_candidate: Callable[[str], bool],
    read_json: Callable[[str], Any],
    fetched: Callable[[str], bytes | None],
) -> RepoFacts:
    """The loaded repository's configs, weights and data. The code a load runs is recorded per code source
    (``code_facts``), wherever it comes from. ``verdicts``: the inspector's ``FileVerdict`` per weight file it
    read; ``fetched``: the bytes of a file the scan has read, for a SHA-256 the hub did not list."""
    roles = {path: CONFIG for path in configs_read}
    if snapshot.repo_type == "dataset":
        roles |= {path: DATA for path in snapshot.files if path not in roles and not _is_documentation(path)}
    elif loads_weights:  # what the inspector read is loaded too (a URL's one file, whatever its name)
        roles |= {path: WEIGHTS for path in [*loaded_weights(snapshot.files, is_weight_candidate), *verdicts]}
    listed = sorted(path for path in roles if path in snapshot.files)
    files = tuple(
        _file(snapshot, path, roles[path], reader.web_url(path), verdicts.get(path), fetched)
        for path in listed[:MAX_LISTED_FILES]
    )
    model_type, architectures = _architecture(snapshot, read_json)
    return RepoFacts(snapshot.sha, files, len(listed), model_type, architectures)


def code_facts(
    snapshot: RepoSnapshot, closure: list[str], urls: Mapping[str, str], fetched: Callable[[str], bytes | None]
) -> RepoFacts:
    """The files of one code source's import closure at its commit, as the inventory lists them."""
    listed = sorted(path for path in closure if path in snapshot.files)
    files = tuple(_file(snapshot, path, CODE, urls.get(path), None, fetched) for path in listed[:MAX_LISTED_FILES])
    return RepoFacts(snapshot.sha, files, len(listed))


def weight_format(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return _FORMATS_BY_SUFFIX.get(suffix, "pickle")  # every other weight candidate is a pickle-family name


def _file(
    snapshot: RepoSnapshot,
    path: str,
    role: str,
    url: str | None,
    verdict: Any,
    fetched: Callable[[str], bytes | None],
) -> RepoFile:
    info = snapshot.files[path]
    sha256 = info.sha256
    if sha256 is None and (data := fetched(path)) is not None:
        sha256 = hashlib.sha256(data).hexdigest()
    file = RepoFile(path, info.size, role, sha256, info.blob_id, url)
    if role != WEIGHTS:
        return file
    if verdict is not None:
        return replace(file, format=verdict.format, format_source="content", verdict=verdict.verdict.name.lower())
    return replace(file, format=weight_format(path), format_source="name")


def _architecture(snapshot: RepoSnapshot, read_json: Callable[[str], Any]) -> tuple[str | None, tuple[str, ...]]:
    """config.json's ``model_type`` and ``architectures`` (untrusted text: printable and short)."""
    if snapshot.repo_type != "model" or "config.json" not in snapshot.files:
        return None, ()
    config = read_json("config.json")
    if not isinstance(config, dict):
        return None, ()
    model_type = config.get("model_type")
    names = config.get("architectures")
    named = [name for name in (names if isinstance(names, list) else []) if isinstance(name, str) and name]
    architectures = tuple(printable(name, _MAX_NAME) for name in named[:_MAX_ARCHITECTURES])
    return (printable(model_type, _MAX_NAME) if isinstance(model_type, str) and model_type else None), architectures


def _is_documentation(path: str) -> bool:
    return path in _NOT_DATA or path.lower().endswith(".md")
