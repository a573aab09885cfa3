# corpus-rows: B1 B6
"""A module whose own helpers are called load/loads: none of them is a deserializer."""

import yaml


def load(path: str) -> dict:
    with open(path) as fh:
        return yaml.safe_load(fh)  # expect-clean


def loads(text: str) -> dict:
    return yaml.safe_load(text)  # expect-clean


class pickle:
    @staticmethod
    def loads(data: bytes) -> bytes:
        return data


settings = load("config.yaml")  # expect-clean
overrides = loads("lr: 0.1")  # expect-clean
raw = pickle.loads(b"not a pickle")  # expect-clean
