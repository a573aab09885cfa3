# corpus-rows: B1 B6
"""Names that look like sinks but are bound to something else at the call site: a method, a local, a parameter,
a relative import; a function's ``**kwargs`` is its own, and a method does not see its class body's names."""

import json
import pickle

from torch import load
from transformers import AutoModel

from .torch import load as load_shard  # the package's own torch module, not PyTorch

SHA = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98"
model_kwargs = {"trust_remote_code": True}


class CheckpointStore:
    def load(self, fh: object) -> object:
        return json.load(fh)  # expect-clean


store = CheckpointStore()


def restore_json(fh: object) -> object:
    load = json.load
    return load(fh)  # expect-clean


def restore_torch(fh: object) -> object:
    return load(fh)  # expect: HG301@warning:load


def decode(pickle: object, data: bytes) -> object:
    return pickle.loads(data)  # expect-clean


def from_store(fh: object) -> object:
    return store.load(fh)  # expect-clean


def from_module(data: bytes) -> object:
    return pickle.loads(data)  # expect: HG301@warning:pickle.loads


def restore_shard(path: str) -> object:
    return load_shard(path)  # expect-clean


def build_pinned(**model_kwargs: object) -> object:
    return AutoModel.from_pretrained("org/pinned-model", revision=SHA, **model_kwargs)  # expect-clean


class Finetuner:
    SHA = "main"  # the class's own name: its methods read the module's SHA

    def load(self) -> object:
        return AutoModel.from_pretrained("org/class-scope", revision=SHA)  # expect-clean
