# corpus-rows: A1 A10 B6 C1
"""Imports inside branches bind only in their branch (shapes from model-download helpers that pick a hub at
run time, and optional-dependency fallbacks)."""

import os


def get_model_path(model_name_or_path, from_hub="huggingface", cache_dir=None):
    if os.path.isdir(model_name_or_path):
        model_path = model_name_or_path
    elif from_hub == "huggingface":
        from huggingface_hub import snapshot_download

        model_path = snapshot_download(repo_id="internlm/internlm2-chat-7b", cache_dir=cache_dir)  # expect: HG201@warning:repo_id=
    elif from_hub == "modelscope":
        from modelscope import snapshot_download

        model_path = snapshot_download(model_id="Shanghai_AI_Laboratory/internlm2-chat-7b", cache_dir=cache_dir)  # expect: HG201@warning:model_id=
    else:
        raise NotImplementedError(from_hub)
    return model_path


if os.environ.get("USE_MODELSCOPE"):
    from modelscope import AutoModelForCausalLM

    qwen = AutoModelForCausalLM.from_pretrained("qwen/Qwen2-7B-Instruct", trust_remote_code=True)  # expect: HG201@error:"qwen/Qwen2-7B-Instruct" HG101@error:trust_remote_code=True
else:
    from transformers import AutoModelForCausalLM

    qwen = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-7B-Instruct", revision="main")  # expect: HG201@warning:revision="main"
    wrapped = (
        AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-1.5B")  # expect: HG201@warning:"Qwen/Qwen2-1.5B"
    )

try:
    from modelscope.hub.file_download import model_file_download as fetch_file

    weights = fetch_file("damo/nlp_model", "pytorch_model.bin")  # expect: HG201@warning:"damo/nlp_model"
except ImportError:
    from huggingface_hub import hf_hub_download as fetch_file

    weights = fetch_file("org/nlp_model", "pytorch_model.bin", revision="0d1b3c5e7f9a2b4c6d8e0f1a3b5c7d9e1f2a4b6c")  # expect-clean

try:
    import torch_npu  # noqa: F401
except ImportError:
    from huggingface_hub import snapshot_download as fetch_repo
else:
    from openmind_hub import snapshot_download as fetch_repo

    npu_weights = fetch_repo("org/npu-model")  # expect-clean


def restore(blob):
    try:
        import cloudpickle as serializer
    except ImportError:
        import json as serializer
    return serializer.loads(blob)  # expect: HG301@warning:serializer.loads


def fetch_weights(repo_id):
    try:
        from modelscope import snapshot_download as fetch_weights_from

        if os.environ.get("USE_HF_HUB"):
            from huggingface_hub import snapshot_download as fetch_weights_from

            return fetch_weights_from("org/weights")  # expect: HG201@warning:"org/weights"
        return fetch_weights_from(repo_id)  # expect: HG201@note:repo_id
    except ImportError:
        return None


if os.environ.get("USE_MODELSCOPE"):
    from modelscope import snapshot_download as fetch_config
else:
    from huggingface_hub import snapshot_download as fetch_config; config_dir = fetch_config("org/config")  # expect: HG201@warning:"org/config"


def read_state(path, backend):
    if backend == "torch":
        import torch as checkpoint_io

        state = checkpoint_io.load(path)  # expect: HG301@warning:checkpoint_io.load
    else:
        import numpy as checkpoint_io

        state = checkpoint_io.load(path)  # expect-clean
    return state
