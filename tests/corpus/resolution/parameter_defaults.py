# corpus-rows: A1 B1
"""Wrappers whose parameters default to hub IDs and flags (keyword-only ones too); callers that pass flags through
them; a load written as a parameter's default or annotation (of ``*args`` and ``**kwargs`` too), which runs when the
function is defined."""

import torch
from transformers import AutoModel

SHA = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98"
ENCODER_ID = "org/bound-encoder"


def load_default(model_id: str = "org/default-model", revision: str = "main") -> object:
    return AutoModel.from_pretrained(model_id, revision=revision)  # expect: HG201@warning:revision=revision


def load_pinned(model_id: str = "org/default-model", revision: str = SHA) -> object:
    return AutoModel.from_pretrained(model_id, revision=revision)  # expect-clean


def load_trusting(model_id: str = "org/default-model", trust_remote_code: bool = True) -> object:
    return AutoModel.from_pretrained(model_id, revision=SHA, trust_remote_code=trust_remote_code)  # expect: HG101@warning:trust_remote_code=trust_remote_code


def load_wrapper(model_id: str, trust_remote_code: bool = False) -> object:
    return AutoModel.from_pretrained(model_id, revision=SHA, trust_remote_code=trust_remote_code)  # expect-clean


def load_passthrough(model_id: str, trust_remote_code: bool) -> object:
    return AutoModel.from_pretrained(model_id, revision=SHA, trust_remote_code=trust_remote_code)  # expect: HG101@note:trust_remote_code=trust_remote_code


def read_checkpoint(path: str, weights_only: bool = True) -> object:
    return torch.load(path, weights_only=weights_only)  # expect-clean


encoder = load_wrapper("org/remote-model", trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
careful = load_wrapper("org/remote-model")  # expect-clean


def embed(texts, encoder=AutoModel.from_pretrained("org/default-encoder")):  # expect: HG201@warning:"org/default-encoder"
    return encoder(texts)


def embed_batch(texts, *, encoder=AutoModel.from_pretrained("org/batch-encoder")):  # expect: HG201@warning:"org/batch-encoder"
    return encoder(texts)


def load_bound(ENCODER_ID=ENCODER_ID):  # the default is the module's value, read where the function is defined
    return AutoModel.from_pretrained(ENCODER_ID)  # expect: HG201@warning:ENCODER_ID


def load_keyword_only(*, revision: str = "main") -> object:
    return AutoModel.from_pretrained("org/keyword-only", revision=revision)  # expect: HG201@warning:revision=revision


def load_unless_given(revision: str = ...) -> object:  # ``...`` as the "not given" marker: no revision to read
    return AutoModel.from_pretrained("org/marker", revision=revision)  # expect: HG201@note:revision=revision


def collate(*batches: torch.load("batch_schema.pt"), **options: torch.load("options_schema.pt")):  # expect: HG301@warning:23 HG301@warning:65
    return batches, options
