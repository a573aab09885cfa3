# corpus-rows: A1 B1 B6
"""Sinks reached through module aliases and renamed imports."""

import torch as T
import transformers as tf
from transformers import AutoModel as AM
from transformers import AutoTokenizer as Tok

encoder = tf.AutoModel.from_pretrained("org/remote-code-model", trust_remote_code=True)  # expect: HG201@error:"org/remote-code-model" HG101@error:trust_remote_code=True
bert = AM.from_pretrained("bert-base-uncased")  # expect: HG201@warning:"bert-base-uncased"
tok = Tok.from_pretrained("bert-base-uncased", revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667b8")  # expect-clean
gen = tf.pipeline("text-generation", model="gpt2")  # expect: HG201@warning:model="gpt2"
weights = T.load("weights.pt")  # expect: HG301@warning:T.load
safe = T.load("weights.pt", weights_only=True)  # expect-clean
