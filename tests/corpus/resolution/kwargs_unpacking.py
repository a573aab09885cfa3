# corpus-rows: A1 A2 A5 B1
"""Options passed through ** unpacking of dict literals, dict() calls and named dicts, including dicts that spread
another one (what follows a spread still counts, and a key known only at run time sets nothing)."""

import os

import torch
from sentence_transformers import SentenceTransformer
from transformers import AutoModelForCausalLM, pipeline

SHA = "3c363836cf4e16666669a25da280a1865c2d2874"

LOAD_KWARGS = {"revision": SHA, "trust_remote_code": True}
SAFE_KWARGS = dict(revision=SHA, torch_dtype="auto")
TORCH_KWARGS = {"weights_only": True, "map_location": "cpu"}
TRUST_KEY = "trust_remote_code"
OPTION_NAME = os.environ["LOAD_OPTION"]
PINNED_REMOTE_KWARGS = {**SAFE_KWARGS, TRUST_KEY: True}

literal = AutoModelForCausalLM.from_pretrained("org/lm", **{"trust_remote_code": True})  # expect: HG201@error:"org/lm" HG101@error:**{
dict_call = AutoModelForCausalLM.from_pretrained("org/lm", revision=SHA, **dict(trust_remote_code=True))  # expect: HG101@warning:**dict
named = AutoModelForCausalLM.from_pretrained("org/lm", **LOAD_KWARGS)  # expect: HG101@warning:**LOAD_KWARGS
named_safe = AutoModelForCausalLM.from_pretrained("org/lm", **SAFE_KWARGS)  # expect-clean
revision_only = SentenceTransformer("org/embedder", **{"revision": SHA})  # expect-clean
nested = pipeline("feature-extraction", model="org/lm", revision=SHA, model_kwargs=dict(trust_remote_code=True))  # expect: HG101@warning:model_kwargs=dict
state = torch.load("state.pt", **TORCH_KWARGS)  # expect-clean
unsafe_state = torch.load("state.pt", **{"weights_only": False})  # expect: HG301@error:**{
layered = AutoModelForCausalLM.from_pretrained("org/lm", **PINNED_REMOTE_KWARGS)  # expect: HG101@warning:**PINNED_REMOTE_KWARGS
overridden = AutoModelForCausalLM.from_pretrained("org/lm", **{**LOAD_KWARGS, "trust_remote_code": False})  # expect-clean
guessed = torch.load("state.pt", **{OPTION_NAME: True})  # expect: HG301@warning:torch.load
