# corpus-rows: B6
"""jsonpickle rebuilds arbitrary objects from JSON: decode/loads and the Unpickler (shapes from experiment
trackers and caches that persist Python objects as JSON)."""

import json

import jsonpickle
from jsonpickle import unpickler
from jsonpickle.unpickler import Unpickler


def load_state(text):
    return jsonpickle.decode(text)  # expect: HG301@warning:jsonpickle.decode


def load_alias(text):
    return jsonpickle.loads(text)  # expect: HG301@warning:jsonpickle.loads


def restore(state):
    return Unpickler().restore(state)  # expect: HG301@warning:Unpickler().restore


def restore_kept(state):
    reader = unpickler.Unpickler()
    return reader.restore(state, reset=True)  # expect: HG301@warning:reader.restore


def restore_module_function(text):
    return unpickler.decode(text)  # expect: HG301@warning:unpickler.decode


def plain_json(text):
    return json.loads(text)  # expect-clean


def encode(obj):
    return jsonpickle.encode(obj)  # expect-clean
