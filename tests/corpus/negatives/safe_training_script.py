# corpus-rows: A1 A2 A4 A5 B1 B4 C1
"""A carefully written training script: pinned revisions, safetensors, weights_only loads."""

import json
from pathlib import Path

import numpy as np
import torch
from datasets import load_dataset
from huggingface_hub import hf_hub_download
from safetensors.torch import load_file, save_file
from sentence_transformers import SentenceTransformer
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

MODEL_ID = "google-bert/bert-base-uncased"
REVISION = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
DATA_REVISION = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98"
RUN_DIR = Path("runs") / "bert-sst2"

tokenizer = AutoTokenizer.from_pretrained(MODEL_ID, revision=REVISION)  # expect-clean
model = AutoModelForSequenceClassification.from_pretrained(MODEL_ID, revision=REVISION, num_labels=2)  # expect-clean
data = load_dataset("stanfordnlp/sst2", revision=DATA_REVISION)  # expect-clean
embedder = SentenceTransformer("sentence-transformers/all-mpnet-base-v2", revision=REVISION)  # expect-clean
scorer = pipeline("text-classification", model=MODEL_ID, revision=REVISION)  # expect-clean
vocab_file = hf_hub_download(MODEL_ID, "vocab.txt", revision=REVISION)  # expect-clean

state = load_file(RUN_DIR / "model.safetensors")  # expect-clean
save_file(state, RUN_DIR / "copy.safetensors")  # expect-clean
optimizer_state = torch.load(RUN_DIR / "optimizer.pt", map_location="cpu", weights_only=True)  # expect-clean
model.load_state_dict(state)  # expect-clean
embeddings = np.load(RUN_DIR / "embeddings.npy")  # expect-clean
metrics = json.loads((RUN_DIR / "metrics.json").read_text())  # expect-clean
reloaded = AutoModelForSequenceClassification.from_pretrained(RUN_DIR / "final")  # expect-clean
