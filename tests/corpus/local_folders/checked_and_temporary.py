# corpus-rows: A1 A7 B6 C1
"""Loads guarded by an existence check, temporary folders, torch.hub source="local" and pickle round-trips
(shapes from model-loading helpers in vLLM/xtuner-style code, torch.hub demos and test suites)."""

import copy
import os
import os.path as osp
import pickle
import tempfile
from pathlib import Path

import cloudpickle
import torch
from huggingface_hub import snapshot_download
from transformers import AutoModel, AutoTokenizer


def resolve_model_dir(model_name_or_path):
    if os.path.isdir(model_name_or_path):
        return AutoModel.from_pretrained(model_name_or_path)  # expect-clean
    return snapshot_download(model_name_or_path)  # expect: HG201@note:model_name_or_path


def load_either(name, cache_dir):
    if osp.exists(name) and cache_dir:
        local = AutoModel.from_pretrained(name)  # expect-clean
    else:
        remote = AutoModel.from_pretrained(name)  # expect: HG201@note:name


def load_required(checkpoint):
    if not os.path.exists(checkpoint):
        raise FileNotFoundError(checkpoint)
    return AutoModel.from_pretrained(checkpoint, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True


def load_asserted(path):
    assert Path(path).is_dir(), path
    return AutoTokenizer.from_pretrained(path)  # expect-clean


def load_unless_missing(path):
    if not os.path.isdir(path):
        tokenizer = AutoTokenizer.from_pretrained(path)  # expect: HG201@note:path
    else:
        tokenizer = AutoTokenizer.from_pretrained(path)  # expect-clean
    return tokenizer


def check_is_not_a_guard(path):
    exists = os.path.exists(path)
    return AutoTokenizer.from_pretrained(path)  # expect: HG201@note:path


def temporary_download():
    with tempfile.TemporaryDirectory() as tmp:
        folder = snapshot_download("org/weights", local_dir=tmp)  # expect: HG201@warning:"org/weights"
        return AutoModel.from_pretrained(tmp)  # expect-clean


def temporary_folder():
    with tempfile.TemporaryDirectory() as scratch:
        return AutoModel.from_pretrained(scratch)  # expect-clean


def hub_entrypoint(repo_dir, name):
    local = torch.hub.load(repo_dir, name, source="local")  # expect-clean
    here = torch.hub.load(os.getcwd(), "resnet18", source="local", pretrained=False)  # expect-clean
    remote = torch.hub.load(repo_dir, name, trust_repo=True)  # expect: HG102@error:trust_repo=True HG201@note:repo_dir
    return local, here, remote


def clone(obj):
    return pickle.loads(pickle.dumps(obj))  # expect: HG301@note:pickle.loads


def clone_closure(fn):
    return cloudpickle.loads(cloudpickle.dumps(fn))  # expect: HG301@note:cloudpickle.loads


def restore(blob):
    return pickle.loads(blob)  # expect: HG301@warning:pickle.loads


def deep(obj):
    return copy.deepcopy(obj)  # expect-clean
