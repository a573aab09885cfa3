# corpus-rows: A1 A4 B1 B6
"""Lazy imports inside functions and optional dependencies behind try/except ImportError."""

try:
    import cPickle as pickle
except ImportError:
    import pickle

try:
    from modelscope import AutoModel
except ImportError:
    from transformers import AutoModel


def restore(blob: bytes) -> object:
    return pickle.loads(blob)  # expect: HG301@warning:pickle.loads


def build_encoder() -> object:
    return AutoModel.from_pretrained("org/encoder")  # expect: HG201@warning:"org/encoder"


def load_checkpoint(path: str) -> object:
    import torch

    return torch.load(path)  # expect: HG301@warning:torch.load


def load_corpus() -> object:
    from datasets import load_dataset as ld

    return ld("wikimedia/wikipedia", "20231101.en", trust_remote_code=True)  # expect: HG201@error:"wikimedia/wikipedia" HG101@error:trust_remote_code=True


def not_imported_here(path: str) -> object:
    return torch.load(path)  # expect-clean
