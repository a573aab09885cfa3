# corpus-rows: A1 A3 A4 A6 A7 B1 B4 B7 B8 B10 C1
"""Multi-line calls: each finding sits on the line of the argument that makes the call risky."""

import argparse

import numpy as np
import torch
from datasets import load_dataset
from diffusers import DiffusionPipeline
from huggingface_hub import hf_hub_download
from keras.models import load_model
from langchain_community.vectorstores import FAISS
from skops import io as sio
from transformers import AutoModel, AutoModelForCausalLM

import dill

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
embeddings = None
args = argparse.ArgumentParser().parse_args()

model = AutoModelForCausalLM.from_pretrained(
    "org/m",  # expect: HG201@error:"org/m"
    torch_dtype="auto",
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
revision_below = AutoModel.from_pretrained(
    "org/m",
    revision="main",  # expect: HG201@warning:revision="main"
)
tag_below = AutoModel.from_pretrained(
    "org/m",
    revision="v1.0",  # expect: HG201@warning:revision="v1.0"
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
on_the_first_line = AutoModel.from_pretrained("org/m", trust_remote_code=True,  # expect: HG201@error:"org/m" HG101@error:trust_remote_code=True
                                              torch_dtype="auto")
keyword_repo = hf_hub_download(
    repo_id="org/m",  # expect: HG201@warning:repo_id="org/m"
    filename="config.json",
)
revision_wrapped = hf_hub_download(
    "org/m",
    "config.json",
    revision=(  # expect: HG201@warning:revision=
        "main"
    ),
)
trust_wrapped = AutoModel.from_pretrained(
    "org/m",  # expect: HG201@error:"org/m"
    trust_remote_code=(  # expect: HG101@error:trust_remote_code=
        True
    ),
)
dataset = load_dataset(
    "org/d",  # expect: HG201@error:"org/d"
    "default",
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
hub = torch.hub.load(
    "owner/repo",  # expect: HG201@error:"owner/repo"
    "net",
    trust_repo=True,  # expect: HG102@error:trust_repo=True
)
hub_unprompted = torch.hub.load(  # expect: HG102@warning:torch.hub.load
    "owner/repo:" + SHA,
    "net",
)
weights_off = torch.load(
    "checkpoint.pt",
    map_location="cpu",
    weights_only=False,  # expect: HG301@error:weights_only=False
)
weights_dynamic = torch.load(
    "checkpoint.pt",
    weights_only=args.weights_only,  # expect: HG301@note:weights_only=args.weights_only
)
weights_default = torch.load(
    "checkpoint.pt",
    weights_only=None,  # expect: HG301@warning:weights_only=None
)
pickle_module = torch.load(
    "checkpoint.pt",
    pickle_module=dill,  # expect: HG301@error:pickle_module=dill
)
arrays = np.load(
    "objects.npy",
    allow_pickle=True,  # expect: HG301@warning:allow_pickle=True
)
arrays_dynamic = np.load(
    "objects.npy",
    allow_pickle=args.allow_pickle,  # expect: HG301@note:allow_pickle=args.allow_pickle
)
keras_dynamic = load_model(
    "model.keras",
    safe_mode=args.safe_mode,  # expect: HG301@note:safe_mode=args.safe_mode
)
store_dynamic = FAISS.load_local(
    "faiss_index",
    embeddings,
    allow_dangerous_deserialization=args.trust_index,  # expect: HG301@warning:allow_dangerous_deserialization=args.trust_index
)
estimator_dynamic = sio.load(
    "model.skops",
    trusted=args.trusted_types,  # expect: HG301@warning:trusted=args.trusted_types
)
trust_dynamic = AutoModel.from_pretrained(
    "org/m",  # expect: HG201@error:"org/m"
    trust_remote_code=args.trust_remote_code,  # expect: HG101@warning:trust_remote_code=args.trust_remote_code
)
revision_dynamic = AutoModel.from_pretrained(
    "org/m",
    revision=args.revision,  # expect: HG201@note:revision=args.revision
)
hub_dynamic = torch.hub.load(
    "owner/repo",  # expect: HG201@error:"owner/repo"
    "net",
    trust_repo=args.trust_repo,  # expect: HG102@warning:trust_repo=args.trust_repo
)
keras_model = load_model(
    "model.keras",
    safe_mode=False,  # expect: HG301@error:safe_mode=False
)
estimator = sio.load(
    "model.skops",
    trusted=True,  # expect: HG301@error:trusted=True
)
store = FAISS.load_local(
    "faiss_index",
    embeddings,
    allow_dangerous_deserialization=True,  # expect: HG301@error:allow_dangerous_deserialization=True
)
pipeline_code = DiffusionPipeline.from_pretrained(
    "org/base",
    revision=SHA,
    custom_pipeline="org/pipeline-code",  # expect: HG101@error:custom_pipeline="org/pipeline-code"
    custom_revision="main",  # expect: HG201@error:custom_revision="main"
)
code_from_elsewhere = AutoModel.from_pretrained(
    "org/m",
    revision=SHA,
    code_revision="main",  # expect: HG201@error:code_revision="main"
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
generated = model.generate(
    max_new_tokens=8,
    custom_generate="org/generation",  # expect: HG201@warning:custom_generate="org/generation"
)
