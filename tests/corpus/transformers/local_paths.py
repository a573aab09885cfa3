# corpus-rows: A1
"""Evaluation script that reloads checkpoints written by the training run."""

import os
from pathlib import Path

from transformers import AutoModelForSequenceClassification, AutoTokenizer

OUTPUT_DIR = "runs/exp1"

best = AutoModelForSequenceClassification.from_pretrained("./checkpoints/best")  # expect-clean
parent = AutoModelForSequenceClassification.from_pretrained("../shared/model")  # expect-clean
absolute = AutoModelForSequenceClassification.from_pretrained("/models/bert-finetuned")  # expect-clean
home = AutoTokenizer.from_pretrained("~/models/bert-finetuned")  # expect-clean
joined = AutoModelForSequenceClassification.from_pretrained(os.path.join(OUTPUT_DIR, "final"))  # expect-clean
via_pathlib = AutoTokenizer.from_pretrained(Path(OUTPUT_DIR) / "final")  # expect-clean
beside = AutoTokenizer.from_pretrained(Path(__file__).parent / "tokenizer")  # expect-clean
