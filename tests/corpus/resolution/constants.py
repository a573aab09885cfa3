# corpus-rows: A1 A4 A7
"""Model IDs, revisions and flags bound once to literals at module and function scope, chained assignments included."""

import torch
from datasets import load_dataset
from transformers import AutoModel, AutoTokenizer

MODEL_ID = "org/encoder"
PINNED = "84a516841ba77a5b4648de2cd0dfcb30ea46dbb4"
BRANCH = "main"
TRUST = True
NO_TRUST = False
LOCAL_DIR = "./artifacts/encoder"
HUB_REPO = "pytorch/vision:" + PINNED
ENCODER_ID = DEFAULT_ENCODER_ID = "org/chained-encoder"  # a chained assignment binds each name to the value
ENCODER_REVISION = DEFAULT_ENCODER_REVISION = "main"

pinned = AutoModel.from_pretrained(MODEL_ID, revision=PINNED)  # expect-clean
branch = AutoModel.from_pretrained(MODEL_ID, revision=BRANCH)  # expect: HG201@warning:revision=BRANCH
trusted = AutoModel.from_pretrained(MODEL_ID, revision=PINNED, trust_remote_code=TRUST)  # expect: HG101@warning:trust_remote_code=TRUST
untrusted = AutoTokenizer.from_pretrained(MODEL_ID, revision=PINNED, trust_remote_code=NO_TRUST)  # expect-clean
local = AutoModel.from_pretrained(LOCAL_DIR)  # expect-clean
hub_model = torch.hub.load(HUB_REPO, "resnet18")  # expect: HG102@warning:torch.hub.load
chained = AutoModel.from_pretrained(ENCODER_ID)  # expect: HG201@warning:ENCODER_ID
chained_default = AutoModel.from_pretrained(DEFAULT_ENCODER_ID, revision=DEFAULT_ENCODER_REVISION)  # expect: HG201@warning:revision=DEFAULT_ENCODER_REVISION


def load_eval_split() -> object:
    dataset_id = "org/eval-set"
    rev = "v2"
    return load_dataset(dataset_id, revision=rev, split="test")  # expect: HG201@warning:revision=rev


def load_tokenizer() -> object:
    tok_id = "org/" + "tokenizer"
    tok_rev = "84a516841ba77a5b" + "4648de2cd0dfcb30ea46dbb4"
    return AutoTokenizer.from_pretrained(tok_id, revision=tok_rev)  # expect-clean


def rebound_revision(use_pinned: bool) -> object:
    revision = "main"
    if use_pinned:
        revision = PINNED
    return AutoModel.from_pretrained(MODEL_ID, revision=revision)  # expect: HG201@note:revision=revision
