# corpus-rows: B1 B6
"""Names that look like sinks but are bound to something else at the call site."""

import json
import pickle

from torch import load


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
