# corpus-rows: B1
"""Checkpoint loading in a training loop."""

import dill
import pickle

import torch
from torch import load as tload

SAFE = True
path = "checkpoint.pt"

ckpt = torch.load("checkpoint.pt")  # expect: HG301@warning:torch.load
cpu = torch.load("checkpoint.pt", map_location="cpu", weights_only=False)  # expect: HG301@error:weights_only=False
safe = torch.load("checkpoint.pt", map_location="cpu", weights_only=True)  # expect-clean
custom_pickle = torch.load(path, weights_only=True, pickle_module=dill)  # expect: HG301@error:pickle_module=dill
positional_pickle = torch.load(path, "cpu", pickle)  # expect: HG301@error:45
aliased = tload(path)  # expect: HG301@warning:tload
serialization = torch.serialization.load(path)  # expect: HG301@warning:torch.serialization.load
via_constant = torch.load(path, weights_only=SAFE)  # expect-clean
multi_line = torch.load(  # expect: HG301@warning:torch.load
    path,
    map_location=lambda storage, loc: storage,
)
torch.save(ckpt, "copy.pt")  # expect-clean
