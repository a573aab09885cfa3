# corpus-rows: B1 B6 C1
"""Import layouts and file shapes the prefilter and the definition-blanking must read right."""

import numpy as np
from huggingface_hub import hf_hub_download

from pickle import loads, \
    dumps
from torch import (
    load as torch_load,  # renamed
    save,
)
import torch
import transformers.models.auto  # binds ``transformers``, the package at the head of the dotted name

tload = torch.load


def fetch_font():
    return hf_hub_download("org/fonts", "Arial.TTF")  # expect: HG201@warning:"org/fonts"


def read_state(blob):
    return loads(blob)  # expect: HG301@warning:loads


class Checkpoints:
    """A class whose other methods are irrelevant."""

    @staticmethod
    def describe():
        return np.zeros(3)

    def restore(self, path):
        return torch_load(path)  # expect: HG301@warning:torch_load

    def restore_alias(self, path):
        return tload(path)  # expect: HG301@warning:tload


def load(path):
    """A local function named like a sink."""
    return path


def use_local(path):
    return load(path)  # expect-clean


def after_form_feed(path):
    return torch.load(path)  # expect: HG301@warning:torch.load


def through_the_package():
    return transformers.AutoModel.from_pretrained("org/through-package", trust_remote_code=True)  # expect: HG201@error:"org/through-package" HG101@error:trust_remote_code=True
