# corpus-rows: A1 A5 C1
"""Parameters are what the caller passes, not their defaults (shapes from eval harnesses and embedding
wrappers: ``model_name_or_path=None`` narrowed by ``is not None``/``isinstance`` before the load)."""

from huggingface_hub import hf_hub_download
from sentence_transformers import SentenceTransformer
from transformers import AutoConfig, AutoModel, AutoTokenizer


def build_config(model=None):
    return AutoConfig.from_pretrained(model)  # expect: HG201@note:model


def build_tokenizer(tokenizer_name=None, model_name_or_path="path/to/model"):
    if tokenizer_name is not None:
        return AutoTokenizer.from_pretrained(tokenizer_name)  # expect: HG201@note:tokenizer_name
    return AutoTokenizer.from_pretrained(model_name_or_path)  # expect: HG201@note:model_name_or_path


def embedder(model_name_or_path: str | None = None, device: str = "cpu"):
    if isinstance(model_name_or_path, str):
        return SentenceTransformer(model_name_or_path, device=device)  # expect: HG201@note:model_name_or_path
    return None


def default_hub_model(model_id: str = "org/default-encoder"):
    return AutoModel.from_pretrained(model_id)  # expect: HG201@warning:model_id


def default_local_folder(model_dir: str = "./checkpoints/encoder"):
    return AutoModel.from_pretrained(model_dir)  # expect: HG201@note:model_dir


def fetch(repo_id=None, filename="config.json"):
    return hf_hub_download(repo_id, filename)  # expect: HG201@note:repo_id


def keyword_only(*, checkpoint=""):
    return AutoModel.from_pretrained(checkpoint, trust_remote_code=False)  # expect: HG201@note:checkpoint


def forward(pretrained_model_name_or_path, *init_inputs, **kwargs):
    return AutoTokenizer.from_pretrained(pretrained_model_name_or_path, *init_inputs, **kwargs)  # expect: HG201@note:pretrained_model_name_or_path


def forward_all(*args, **kwargs):
    return AutoTokenizer.from_pretrained(*args, **kwargs)  # expect-clean


def load_aliased(model_name_or_path=None):
    path = model_name_or_path
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path
