# corpus-rows: A1 A17
"""Folders the code itself writes or makes, then loads: round-trip tests and training scripts (shapes from
transformers/peft/trl test suites and example scripts)."""

import os
import tempfile
import unittest
from pathlib import Path

from peft import PeftModel
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, pipeline
from transformers.keras_callbacks import PushToHubCallback
from trl import SFTConfig, SFTTrainer

MODEL_NAME = "distilbert-base-uncased"


def test_config_round_trip(config):
    with tempfile.TemporaryDirectory() as tmp_dirname:
        config.save_pretrained(tmp_dirname)
        reloaded = AutoConfig.from_pretrained(tmp_dirname)  # expect-clean


def test_tokenizer_round_trip(tmp_path, tokenizer):
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)  # expect-clean
    nested = AutoTokenizer.from_pretrained(tmp_path / "tokenizer")  # expect-clean
    as_text = AutoTokenizer.from_pretrained(str(tmp_path))  # expect-clean


def test_legacy_tmpdir(tmpdir, model):
    model.save_pretrained(tmpdir)
    custom = AutoModelForCausalLM.from_pretrained(tmpdir, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True


def test_adapter_round_trip(base_model, peft_model):
    with tempfile.TemporaryDirectory() as tmp_dir:
        peft_model.save_pretrained(tmp_dir)
        loaded = PeftModel.from_pretrained(base_model, tmp_dir)  # expect-clean
        joined = PeftModel.from_pretrained(base_model, os.path.join(tmp_dir, "adapter"))  # expect-clean


def train_and_reload(trainer, training_args):
    trainer.save_model(training_args.output_dir)
    final = AutoModelForCausalLM.from_pretrained(training_args.output_dir)  # expect-clean


def merge_adapter(model, output_dir):
    merged = model.merge_and_unload()
    merged.save_pretrained(output_dir)
    tokenizer = AutoTokenizer.from_pretrained(output_dir)  # expect-clean


def load_before_save(model, output_dir):
    first = AutoModelForCausalLM.from_pretrained(output_dir)  # expect: HG201@note:output_dir
    model.save_pretrained(output_dir)


def export(model, base):
    model.save_pretrained(base / "adapter")
    adapter = PeftModel.from_pretrained(model, base / "adapter")  # expect-clean


def made_folder(args):
    os.makedirs(args.checkpoint_dir, exist_ok=True)
    resumed = AutoModelForCausalLM.from_pretrained(args.checkpoint_dir)  # expect-clean
    Path(args.export_dir).mkdir(parents=True, exist_ok=True)
    exported = AutoModelForCausalLM.from_pretrained(args.export_dir)  # expect-clean
    other = AutoModelForCausalLM.from_pretrained(args.base_model)  # expect: HG201@note:args.base_model
    os.makedirs(name=args.merged_dir, exist_ok=True)  # os.makedirs(name, mode, exist_ok)
    merged = AutoModelForCausalLM.from_pretrained(args.merged_dir)  # expect-clean


scratch = tempfile.mkdtemp()
from_scratch = AutoModelForCausalLM.from_pretrained(scratch, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True


class AdapterTests(unittest.TestCase):
    def setUp(self):
        self.tmp_dir = tempfile.mkdtemp()
        self.model_id = "org/tiny-random-llama"

    def test_reload(self):
        model = AutoModelForCausalLM.from_pretrained(self.model_id)  # expect: HG201@warning:self.model_id
        model.save_pretrained(self.tmp_dir)
        again = AutoModelForCausalLM.from_pretrained(self.tmp_dir)  # expect-clean

    def test_remote_code_folder(self):
        custom = AutoModelForCausalLM.from_pretrained(self.tmp_dir, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True


def train_then_reload(model, train_dataset):
    finetune_name = "SmolLM2-FT-MyDataset"
    args = SFTConfig(output_dir=finetune_name, num_train_epochs=1)
    SFTTrainer(model=model, args=args, train_dataset=train_dataset).train()
    tokenizer = AutoTokenizer.from_pretrained(finetune_name)  # expect-clean
    base = AutoModelForCausalLM.from_pretrained("HuggingFaceTB/SmolLM2-135M")  # expect: HG201@warning:"HuggingFaceTB/SmolLM2-135M"
    return tokenizer, base


callback = PushToHubCallback(output_dir=f"{MODEL_NAME}-finetuned-imdb")
mask_filler = pipeline("fill-mask", model="distilbert-base-uncased-finetuned-imdb")  # expect-clean
other_filler = pipeline("fill-mask", model="distilbert-base-uncased-finetuned-squad")  # expect: HG201@warning:model=


def push_finetuned(trainer, run_name):
    trainer.save_model(f"{run_name}-finetuned-imdb")
    reloaded = AutoModelForCausalLM.from_pretrained("bert-base-cased-finetuned-imdb")  # expect-clean
    upstream = AutoModelForCausalLM.from_pretrained("textattack/bert-finetuned-imdb")  # expect: HG201@warning:"textattack/bert-finetuned-imdb"
    trainer.save_model(f"{run_name}-ft")
    short_suffix = AutoModelForCausalLM.from_pretrained("bert-ft")  # expect: HG201@warning:"bert-ft"
    return reloaded, upstream, short_suffix
