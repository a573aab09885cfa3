# corpus-rows: B1
"""Checkpoint loading in a training loop."""

import dill
import pickle

import torch
from torch import load as tload

SAFE = True
path = "checkpoint.pt"

ckpt = torch.load("checkpoint.pt")  # expect: HG301
cpu = torch.load("checkpoint.pt", map_location="cpu", weights_only=False)  # expect: HG301
safe = torch.load("checkpoint.pt", map_location="cpu", weights_only=True)  # expect-clean
custom_pickle = torch.load(path, weights_only=True, pickle_module=dill)  # expect: HG301
positional_pickle = torch.load(path, "cpu", pickle)  # expect: HG301
aliased = tload(path)  # expect: HG301
serialization = torch.serialization.load(path)  # expect: HG301
via_constant = torch.load(path, weights_only=SAFE)  # expect-clean
multi_line = torch.load(  # expect: HG301
    path,
    map_location=lambda storage, loc: storage,
)
torch.save(ckpt, "copy.pt")  # expect-clean
