"""A fine-tuning script with the mistakes hubguard exists to catch."""

import pickle

import torch
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer

BASE_MODEL = "acme-research/tiny-chat"
LOADER_KWARGS = {"trust_remote_code": True}


def load_base():
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL, revision="main", **LOADER_KWARGS)
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL, trust_remote_code=True)
    return tokenizer, model


def load_data():
    return load_dataset("acme-research/chat-logs", trust_remote_code=True)


def resume(checkpoint_path):
    state = torch.load(checkpoint_path)
    with open("label_map.pkl", "rb") as handle:
        labels = pickle.load(handle)
    return state, labels


def load_reviewed():
    # Pinned to a reviewed commit: no finding.
    return AutoModelForCausalLM.from_pretrained(
        "acme-research/tiny-chat", revision="3f4c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
    )
