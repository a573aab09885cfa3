"""Benign remote-code repositories shaped like published ones (written for this corpus, not copied).

They exercise what real custom code does and a scanner must not call malicious: CUDA kernels
shipped as bz2+base64 blobs, a gcc build of a CPU kernel from fixed strings, optional flash-attn
imports, tiktoken vocabularies decoded from base64, gated downloads with the user's token sent to
the hub, processors decoding base64 images, lazy submodule imports.
"""

from __future__ import annotations

import base64
import bz2

from tests.remote_code.corpus import (
    AUTO_MAP,
    MODEL_CLASS,
    MODEL_IMPORTS,
    PAIR_PIPELINES,
    WARNING,
    Case,
    Fetch,
    Repo,
    config,
    expect,
    json_file,
    text,
)

LOAD = 'AutoModel.from_pretrained("{repo}", revision="{{rev}}", trust_remote_code=True)'
QUIET = expect(("HG401", WARNING))


def _model_case(name: str, modules: dict[str, str], *, auto_map: dict[str, object] | None = None,
                extra: dict[str, bytes] | None = None, call: str = LOAD,
                expected: frozenset[tuple[str, str]] = QUIET, covers: tuple[str, ...] = ()) -> Case:
    repo_id = f"benign/{name}"
    tree = {"config.json": config(auto_map or AUTO_MAP)}
    tree |= {path: text(source) for path, source in modules.items()}
    tree |= extra or {}
    return Case(name, False, covers or (name,), call.format(repo=repo_id), (Repo(repo_id, tree),), expected)


_KERNEL_SOURCE = b"extern \"C\" __global__ void int4WeightExtractionHalf(const char* w, const half* s, half* o) {}\n"
_KERNEL_BLOB = base64.b64encode(bz2.compress(_KERNEL_SOURCE * 40)).decode()

QUANTIZATION = f'''import base64
import bz2
import ctypes
import os
from typing import List

import torch
from transformers.utils import logging

logger = logging.get_logger(__name__)

try:
    from cpm_kernels.kernels.base import LazyKernelCModule, KernelFunction, round_up

    class Kernel:
        def __init__(self, code: bytes, function_names: List[str]):
            self.code = code
            self._function_names = function_names
            self._cmodule = LazyKernelCModule(self.code)
            for name in self._function_names:
                setattr(self, name, KernelFunction(self._cmodule, name))

    quantization_code = "{_KERNEL_BLOB}"

    kernels = Kernel(
        bz2.decompress(base64.b64decode(quantization_code)),
        ["int4WeightCompression", "int4WeightExtractionFloat", "int4WeightExtractionHalf"],
    )
except Exception as exception:
    kernels = None
    logger.warning("Failed to load cpm_kernels: %s", exception)


class CPUKernel:
    def __init__(self, kernel_file="", source_code="", compile_parallel_kernel=None, parallel_num=None):
        self.load = False
        self.int4WeightExtractionFloat = None
        default_cpu_kernel_code_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quantization_kernels.c")
        default_cpu_kernel_path = default_cpu_kernel_code_path.replace(".c", ".so")
        if not source_code:
            source_code = default_cpu_kernel_code_path
        if not kernel_file:
            kernel_file = default_cpu_kernel_path
        if not os.path.exists(kernel_file) and source_code:
            compile_command = "gcc -O3 -fPIC -pthread -fopenmp -std=c99 {{}} -shared -o {{}}".format(
                source_code, kernel_file
            )
            logger.info("Compiling %s", compile_command)
            exit_state = os.system(compile_command)
            if exit_state:
                logger.warning("Compile failed, using default cpu kernel code.")
                return
        kernels = ctypes.cdll.LoadLibrary(kernel_file)
        self.int4WeightExtractionFloat = kernels.extract_int4_weight_to_float
        self.load = True


def extract_weight_to_half(weight: torch.Tensor, scale_list: torch.Tensor, source_bit_width: int):
    func = kernels.int8WeightExtractionHalf if source_bit_width == 8 else kernels.int4WeightExtractionHalf
    out = torch.empty(weight.size(0), weight.size(1) * (8 // source_bit_width), dtype=torch.half, device="cuda")
    func((weight.size(0), 1, 1), (min(round_up(weight.size(1), 32), 1024), 1, 1), 0, torch.cuda.current_stream(),
         [ctypes.c_void_p(weight.data_ptr()), ctypes.c_void_p(scale_list.data_ptr()), ctypes.c_void_p(out.data_ptr())])
    return out
'''

FLASH_ATTENTION = '''import importlib.util
import math

import torch
import torch.nn.functional as F
from torch import nn
from transformers.utils import is_flash_attn_2_available

if is_flash_attn_2_available():
    from flash_attn import flash_attn_func, flash_attn_varlen_func  # noqa: F401
    from flash_attn.bert_padding import pad_input, unpad_input  # noqa: F401

try:
    import xformers.ops as xops
except ImportError:
    xops = None

HAS_TRITON = importlib.util.find_spec("triton") is not None


class Attention(nn.Module):
    def __init__(self, hidden_size: int, num_heads: int, attn_impl: str = "torch"):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = hidden_size // num_heads
        self.attn_impl = attn_impl
        self.qkv = nn.Linear(hidden_size, 3 * hidden_size, bias=False)
        self.out = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        batch, length, _ = hidden_states.shape
        q, k, v = self.qkv(hidden_states).view(batch, length, 3, self.num_heads, self.head_dim).unbind(2)
        if self.attn_impl == "flash" and is_flash_attn_2_available():
            attended = flash_attn_func(q, k, v, causal=True)
        elif self.attn_impl == "xformers" and xops is not None:
            attended = xops.memory_efficient_attention(q, k, v)
        else:
            scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(self.head_dim)
            attended = torch.einsum("bhqk,bkhd->bqhd", F.softmax(scores, dim=-1), v)
        return self.out(attended.reshape(batch, length, -1))
'''

TIKTOKEN_TOKENIZER = '''import base64
import logging
import os
import unicodedata
from typing import Collection, Dict, List, Set, Union

import tiktoken
from transformers import PreTrainedTokenizer

logger = logging.getLogger(__name__)

VOCAB_FILES_NAMES = {"vocab_file": "custom.tiktoken"}
PAT_STR = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"""
ENDOFTEXT = "<|endoftext|>"


def _load_tiktoken_bpe(tiktoken_bpe_file: str) -> Dict[bytes, int]:
    with open(tiktoken_bpe_file, "rb") as f:
        contents = f.read()
    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in contents.splitlines() if line)}


class CustomTokenizer(PreTrainedTokenizer):
    vocab_files_names = VOCAB_FILES_NAMES

    def __init__(self, vocab_file, errors="replace", **kwargs):
        super().__init__(**kwargs)
        self.errors = errors
        self.mergeable_ranks = _load_tiktoken_bpe(vocab_file)
        self.special_tokens = {ENDOFTEXT: len(self.mergeable_ranks)}
        self.tokenizer = tiktoken.Encoding("custom", pat_str=PAT_STR, mergeable_ranks=self.mergeable_ranks,
                                           special_tokens=self.special_tokens)

    def tokenize(self, text: str, allowed_special: Union[Set, str] = "all", **kwargs) -> List[Union[bytes, str]]:
        text = unicodedata.normalize("NFC", text)
        return [self.decoder_for(t) for t in self.tokenizer.encode(text, allowed_special=allowed_special)]

    def decoder_for(self, token_id: int) -> bytes:
        return self.tokenizer.decode_single_token_bytes(token_id)

    def save_vocabulary(self, save_directory: str, **kwargs):
        path = os.path.join(save_directory, "custom.tiktoken")
        with open(path, "w", encoding="utf8") as writer:
            for token, rank in self.mergeable_ranks.items():
                writer.write(base64.b64encode(token).decode("utf8") + " " + str(rank) + "\\n")
        return (path,)
'''

GATED_DOWNLOAD = '''import os

import requests
import torch
from huggingface_hub import hf_hub_url
from huggingface_hub.constants import ENDPOINT


def _auth_headers():
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def fetch_adapter(repo_id: str, filename: str, cache_dir: str) -> str:
    target = os.path.join(cache_dir, filename)
    if not os.path.exists(target):
        response = requests.get(hf_hub_url(repo_id, filename), headers=_auth_headers(), timeout=60)
        response.raise_for_status()
        with open(target, "wb") as handle:
            handle.write(response.content)
    return target


def fetch_config(repo_id: str) -> dict:
    endpoint = os.environ.get("HF_ENDPOINT", ENDPOINT)
    token = os.environ.get("HF_TOKEN")
    url = f"{endpoint}/{repo_id}/resolve/main/adapter_config.json"
    return requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30).json()


def load_adapter(path: str) -> dict:
    return torch.load(path, map_location="cpu", weights_only=True)
'''

IMAGE_PROCESSOR = '''import base64
import io
import re
from typing import List, Optional, Union

from PIL import Image
from transformers import BatchFeature, ProcessorMixin

_DATA_URL = re.compile(r"^data:image/(png|jpeg);base64,(.*)$")


def load_image(image: Union[str, Image.Image]) -> Image.Image:
    if isinstance(image, Image.Image):
        return image.convert("RGB")
    match = _DATA_URL.match(image)
    if match:
        return Image.open(io.BytesIO(base64.b64decode(match.group(2)))).convert("RGB")
    return Image.open(image).convert("RGB")


class CustomProcessor(ProcessorMixin):
    attributes = ["image_processor", "tokenizer"]
    image_processor_class = "CLIPImageProcessor"
    tokenizer_class = ("BartTokenizer", "BartTokenizerFast")

    def __init__(self, image_processor=None, tokenizer=None):
        super().__init__(image_processor, tokenizer)
        self.tasks = {"<CAPTION>": "What does the image describe?", "<OCR>": "What is the text in the image?"}

    def _construct_prompts(self, text: List[str]) -> List[str]:
        return [self.tasks.get(item, item) for item in text]

    def __call__(self, text: Optional[List[str]] = None, images=None, return_tensors="pt") -> BatchFeature:
        pixel_values = self.image_processor([load_image(i) for i in images], return_tensors=return_tensors)["pixel_values"]
        inputs = self.tokenizer(self._construct_prompts(text), return_tensors=return_tensors, padding=True)
        return BatchFeature(data={**inputs, "pixel_values": pixel_values})
'''

STREAMER = '''import queue
import threading
from typing import Optional

import torch
from transformers.generation.streamers import BaseStreamer


class ChatStreamer(BaseStreamer):
    def __init__(self, tokenizer, timeout: Optional[float] = None) -> None:
        self.tokenizer = tokenizer
        self.queue: "queue.Queue[Optional[str]]" = queue.Queue()
        self.timeout = timeout
        self.cache = []
        self.lock = threading.Lock()

    def put(self, value: torch.Tensor) -> None:
        with self.lock:
            self.cache.extend(value.tolist())
            self.queue.put(self.tokenizer.decode(self.cache, skip_special_tokens=True))

    def end(self) -> None:
        self.queue.put(None)

    def __iter__(self):
        while (item := self.queue.get(timeout=self.timeout)) is not None:
            yield item


def chat_in_background(model, tokenizer, prompt: str):
    streamer = ChatStreamer(tokenizer, timeout=60)
    inputs = tokenizer(prompt, return_tensors="pt")
    thread = threading.Thread(target=model.generate, kwargs=dict(**inputs, streamer=streamer, max_new_tokens=256))
    thread.start()
    return streamer
'''

LAZY_IMPORTS = '''import importlib
import os
from typing import Any

_SUBMODULES = ("configuration_custom", "modeling_custom")


class _LazyModule:
    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __getattr__(self, item: str) -> Any:
        for submodule in _SUBMODULES:
            module = importlib.import_module("." + submodule, self.__name__)
            if hasattr(module, item):
                return getattr(module, item)
        raise AttributeError(item)


def package_dir() -> str:
    return os.path.dirname(os.path.abspath(__file__))
'''

GPU_PROBE = '''import shutil
import subprocess
from functools import lru_cache


@lru_cache(maxsize=1)
def gpu_names() -> list:
    if shutil.which("nvidia-smi") is None:
        return []
    completed = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                               text=True, check=False)
    return [line.strip() for line in completed.stdout.splitlines() if line.strip()]


def supports_bf16() -> bool:
    return any(name.startswith(("NVIDIA A100", "NVIDIA H100", "NVIDIA L4")) for name in gpu_names())
'''

CACHE_NEXT_TO_MODULE = '''import json
import os
import site

_CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rope_cache.json")


def installed_flash_attn_version() -> str:
    for directory in site.getsitepackages():
        candidate = os.path.join(directory, "flash_attn", "version.txt")
        if os.path.exists(candidate):
            with open(candidate, "r") as handle:
                return handle.read().strip()
    return ""


def remember_rope(scaling: dict) -> None:
    with open(_CACHE, "w") as handle:
        json.dump(scaling, handle)


def recall_rope() -> dict:
    if not os.path.exists(_CACHE):
        return {}
    with open(_CACHE) as handle:
        return json.load(handle)
'''

VOCAB_DOWNLOAD = '''import json
import os

import requests

_MERGES_URL = "https://raw.githubusercontent.com/example-org/custom-tokenizers/v1.2.0/merges.json"


def merges(cache_dir: str) -> dict:
    path = os.path.join(cache_dir, "merges.json")
    if not os.path.exists(path):
        response = requests.get(_MERGES_URL, timeout=30)
        response.raise_for_status()
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(response.text)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
'''

DTYPE_CONFIG = '''import torch
from transformers import PretrainedConfig

_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}


class CustomConfig(PretrainedConfig):
    model_type = "custom"

    def __init__(self, hidden_size=64, num_layers=2, torch_dtype="bfloat16", rope_scaling=None, **kwargs):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rope_scaling = rope_scaling or {"type": "linear", "factor": 1.0}
        super().__init__(torch_dtype=_DTYPES.get(torch_dtype, torch.float32), **kwargs)

    def activation(self):
        return getattr(torch.nn.functional, self.hidden_act if hasattr(self, "hidden_act") else "gelu")
'''

CPP_EXTENSION = '''import os

from torch.utils.cpp_extension import load

_HERE = os.path.dirname(os.path.abspath(__file__))


def fused_rmsnorm():
    return load(
        name="fused_rmsnorm",
        sources=[os.path.join(_HERE, "csrc", "rmsnorm.cpp"), os.path.join(_HERE, "csrc", "rmsnorm_kernel.cu")],
        extra_cuda_cflags=["-O3", "--use_fast_math"],
        verbose=False,
    )
'''

DATASET_SCRIPT = '''import csv
import os

import datasets

_CITATION = "@misc{reviews2024, title={Product reviews}}"
_URLS = {"train": "https://huggingface.co/datasets/benign/reviews-script/resolve/main/data/train.csv"}


class Reviews(datasets.GeneratorBasedBuilder):
    VERSION = datasets.Version("1.0.0")

    def _info(self):
        features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["neg", "pos"])})
        return datasets.DatasetInfo(features=features, citation=_CITATION)

    def _split_generators(self, dl_manager):
        files = dl_manager.download_and_extract(_URLS)
        return [datasets.SplitGenerator(name=datasets.Split.TRAIN, gen_kwargs={"path": files["train"]})]

    def _generate_examples(self, path):
        with open(path, encoding="utf-8") as handle:
            for index, row in enumerate(csv.DictReader(handle)):
                yield index, {"text": row["text"], "label": int(row["label"])}
'''

ST_MODULE = '''import json
import os
from typing import Dict, Optional

import torch
from torch import nn


class WeightedPooling(nn.Module):
    def __init__(self, dimension: int, prompts: Optional[Dict[str, str]] = None):
        super().__init__()
        self.dimension = dimension
        self.prompts = prompts or {"query": "Represent the query: ", "document": ""}
        self.weights = nn.Parameter(torch.ones(dimension))

    def forward(self, features: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        mask = features["attention_mask"].unsqueeze(-1).float()
        summed = (features["token_embeddings"] * mask * self.weights).sum(1)
        features["sentence_embedding"] = summed / mask.sum(1).clamp(min=1e-9)
        return features

    def save(self, output_path: str) -> None:
        with open(os.path.join(output_path, "pooling_config.json"), "w") as handle:
            json.dump({"dimension": self.dimension, "prompts": self.prompts}, handle)

    @classmethod
    def load(cls, input_path: str) -> "WeightedPooling":
        with open(os.path.join(input_path, "pooling_config.json")) as handle:
            return cls(**json.load(handle))
'''


def same_repo_cases() -> list[Case]:
    kernel_c = b"#include <omp.h>\nvoid extract_int4_weight_to_float(void *w, void *s, void *o, int n, int m) {}\n"
    return [
        _model_case(
            "int4-quantization-kernels",
            {"modeling_custom.py": MODEL_IMPORTS + "from .quantization import CPUKernel, extract_weight_to_half\n" + MODEL_CLASS,
             "quantization.py": QUANTIZATION},
            extra={"quantization_kernels.c": kernel_c},
            expected=expect(("HG401", WARNING), ("HG402", WARNING)),
            covers=("quantization-kernels", "bz2-base64-kernel-blob"),
        ),
        _model_case(
            "flash-attn-hints",
            {"modeling_custom.py": MODEL_IMPORTS + "from .attention import Attention\n" + MODEL_CLASS,
             "attention.py": FLASH_ATTENTION},
            covers=("flash-attn-hints",),
        ),
        _tokenizer_case(),
        _model_case(
            "gated-adapter-download",
            {"modeling_custom.py": MODEL_IMPORTS + "from .hub_utils import fetch_adapter, load_adapter\n" + MODEL_CLASS,
             "hub_utils.py": GATED_DOWNLOAD},
            covers=("hub-authorization-header",),
        ),
        _processor_case(),
        _model_case(
            "chat-streamer",
            {"modeling_custom.py": MODEL_IMPORTS + "from .streaming import chat_in_background\n" + MODEL_CLASS,
             "streaming.py": STREAMER},
        ),
        _model_case(
            "lazy-submodules",
            {"modeling_custom.py": MODEL_IMPORTS + "from .lazy import _LazyModule\n" + MODEL_CLASS,
             "lazy.py": LAZY_IMPORTS, "configuration_custom.py": DTYPE_CONFIG},
        ),
        _model_case(
            "gpu-probe",
            {"modeling_custom.py": MODEL_IMPORTS + "from .hardware import supports_bf16\n" + MODEL_CLASS,
             "hardware.py": GPU_PROBE},
            expected=expect(("HG401", WARNING), ("HG402", WARNING)),
        ),
        _model_case(
            "rope-cache-next-to-module",
            {"modeling_custom.py": MODEL_IMPORTS + "from .rope_cache import recall_rope, installed_flash_attn_version\n"
             + MODEL_CLASS, "rope_cache.py": CACHE_NEXT_TO_MODULE},
            covers=("site-packages-read",),
        ),
        _model_case(
            "vocabulary-from-github",
            {"modeling_custom.py": MODEL_IMPORTS + "from .merges import merges\n" + MODEL_CLASS,
             "merges.py": VOCAB_DOWNLOAD},
        ),
        _model_case(
            "dtype-config",
            {"modeling_custom.py": MODEL_IMPORTS + "from .configuration_custom import CustomConfig\n"
             + "\n\nclass CustomModel" + MODEL_CLASS.split("\n\nclass CustomModel")[1],
             "configuration_custom.py": DTYPE_CONFIG},
            auto_map={"AutoConfig": "configuration_custom.CustomConfig", "AutoModel": "modeling_custom.CustomModel"},
        ),
        _model_case(
            "cpp-extension-kernels",
            {"modeling_custom.py": MODEL_IMPORTS + "from .kernels import fused_rmsnorm\n" + MODEL_CLASS,
             "kernels.py": CPP_EXTENSION},
            extra={"csrc/rmsnorm.cpp": b"#include <torch/extension.h>\n", "csrc/rmsnorm_kernel.cu": b"__global__ void k() {}\n"},
        ),
        _model_case(
            "plain-custom-architecture",
            {"modeling_custom.py": MODEL_IMPORTS + MODEL_CLASS},
        ),
        _model_case(
            "causal-lm-with-generation-utils",
            {"modeling_custom.py": MODEL_IMPORTS + "from .generation_utils import top_p_filter\n" + MODEL_CLASS,
             "generation_utils.py": (
                 "import torch\n\n\ndef top_p_filter(logits: torch.Tensor, top_p: float = 0.9) -> torch.Tensor:\n"
                 "    sorted_logits, indices = torch.sort(logits, descending=True)\n"
                 "    cumulative = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)\n"
                 "    sorted_logits[cumulative > top_p] = float('-inf')\n"
                 "    return sorted_logits.gather(-1, indices.argsort(-1))\n"
             )},
            call='AutoModelForCausalLM.from_pretrained("{repo}", revision="{{rev}}", trust_remote_code=True)',
        ),
        _dataset_case(),
        _sentence_transformers_case(),
        _pipeline_case(),
    ]


def _tokenizer_case() -> Case:
    repo_id = "benign/tiktoken-tokenizer"
    vocab = b"".join(base64.b64encode(bytes([index])) + b" %d\n" % index for index in range(256))
    tree = {
        "config.json": config(),
        "tokenizer_config.json": json_file({"auto_map": {"AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]}}),
        "tokenization_custom.py": text(TIKTOKEN_TOKENIZER),
        "custom.tiktoken": vocab,
    }
    call = 'AutoTokenizer.from_pretrained("benign/tiktoken-tokenizer", revision="{rev}", trust_remote_code=True)'
    return Case("tiktoken-tokenizer", False, ("tokenizer", "base64-vocabulary"), call, (Repo(repo_id, tree),), QUIET)


def _processor_case() -> Case:
    repo_id = "benign/vision-processor"
    tree = {
        "config.json": config(),
        "preprocessor_config.json": json_file({"auto_map": {"AutoProcessor": "processing_custom.CustomProcessor"},
                                                "image_size": 768}),
        "processing_custom.py": text(IMAGE_PROCESSOR),
    }
    call = 'AutoProcessor.from_pretrained("benign/vision-processor", revision="{rev}", trust_remote_code=True)'
    return Case("vision-processor", False, ("processor", "base64-image"), call, (Repo(repo_id, tree),), QUIET)


def _dataset_case() -> Case:
    repo_id = "benign/reviews-script"
    call = 'load_dataset("benign/reviews-script", revision="{rev}", trust_remote_code=True)'
    return Case("reviews-dataset-script", False, ("dataset-script",), call,
                (Repo(repo_id, {"reviews-script.py": text(DATASET_SCRIPT), "README.md": b"# reviews\n"},
                      repo_type="dataset"),), QUIET)


def _sentence_transformers_case() -> Case:
    repo_id = "benign/st-weighted-pooling"
    tree = {
        "modules.json": json_file([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "custom_pooling.WeightedPooling"},
        ]),
        "custom_pooling.py": text(ST_MODULE),
        "1_Pooling/pooling_config.json": json_file({"dimension": 64}),
        "config.json": config(),
    }
    call = 'SentenceTransformer("benign/st-weighted-pooling", revision="{rev}", trust_remote_code=True)'
    return Case("st-weighted-pooling", False, ("sentence-transformers",), call, (Repo(repo_id, tree),), QUIET)


def _pipeline_case() -> Case:
    repo_id = "benign/pair-pipeline"
    source = (
        "import numpy as np\nfrom transformers import Pipeline\n\n\n"
        "class PairClassification(Pipeline):\n"
        "    def _sanitize_parameters(self, **kwargs):\n        return {}, {}, {}\n\n"
        "    def preprocess(self, inputs):\n        return self.tokenizer(inputs['text'], inputs['pair'], return_tensors=self.framework)\n\n"
        "    def _forward(self, model_inputs):\n        return self.model(**model_inputs)\n\n"
        "    def postprocess(self, outputs):\n        return {'score': float(np.max(outputs.logits[0].softmax(-1).numpy()))}\n"
    )
    tree = {
        "config.json": config(custom_pipelines=PAIR_PIPELINES),
        "pair_pipeline.py": text(source),
    }
    call = 'pipeline("pair-classification", model="benign/pair-pipeline", revision="{rev}", trust_remote_code=True)'
    return Case("pair-pipeline", False, ("custom-pipelines",), call, (Repo(repo_id, tree),), QUIET)


def other_repository_cases() -> list[Case]:
    """Code from a sibling repository, a pinned code revision, a custom pipeline repository."""
    architecture = MODEL_IMPORTS + "from .attention import Attention\n" + MODEL_CLASS
    sibling = Repo("benign-code/bert-2048", {"modeling_custom.py": text(architecture), "attention.py": text(FLASH_ATTENTION)})
    cross_map = {"AutoConfig": "benign-code/bert-2048--modeling_custom.CustomConfig",
                 "AutoModel": "benign-code/bert-2048--modeling_custom.CustomModel"}
    pipeline_code = (
        "import torch\nfrom diffusers import DiffusionPipeline\n\n\n"
        "class LongPromptPipeline(DiffusionPipeline):\n"
        "    def __init__(self, unet, scheduler):\n        super().__init__()\n"
        "        self.register_modules(unet=unet, scheduler=scheduler)\n\n"
        "    @torch.no_grad()\n    def __call__(self, prompt_embeds, steps: int = 30):\n"
        "        latents = torch.randn_like(prompt_embeds)\n"
        "        for t in self.scheduler.timesteps[:steps]:\n"
        "            latents = self.scheduler.step(self.unet(latents, t, prompt_embeds).sample, t, latents).prev_sample\n"
        "        return latents\n"
    )
    return [
        Case(
            "embedding-with-sibling-code", False, ("cross-repo",),
            'AutoModel.from_pretrained("benign/embed-2048", revision="{rev}", '
            'code_revision="{sha[benign-code/bert-2048]}", trust_remote_code=True)',
            (Repo("benign/embed-2048", {"config.json": config(cross_map)}), sibling),
            expect(), fetches=(Fetch("benign-code/bert-2048", None, "modeling_custom.py"),),
        ),
        Case(
            # The brief's benign cross-repository pull: the code is scanned and quiet, only unpinned.
            "embedding-with-unpinned-sibling-code", False, ("cross-repo",),
            'AutoModel.from_pretrained("benign/embed-2048-unpinned", revision="{rev}", trust_remote_code=True)',
            (Repo("benign/embed-2048-unpinned", {"config.json": config(cross_map)}), sibling),
            expect(("HG406", "error")), fetches=(Fetch("benign-code/bert-2048", None, "modeling_custom.py"),),
        ),
        Case(
            "code-revision-pinned", False, ("code_revision",),
            'AutoModel.from_pretrained("benign/code-pinned", revision="{rev}", code_revision="release", '
            "trust_remote_code=True)",
            (Repo("benign/code-pinned", {"config.json": config(AUTO_MAP), "modeling_custom.py": text(MODEL_IMPORTS + MODEL_CLASS)},
                  branches={"release": {"config.json": config(AUTO_MAP),
                                        "modeling_custom.py": text(MODEL_IMPORTS + MODEL_CLASS + "\nVERSION = 2\n")}}),),
            expect(("HG201", "error"), ("HG401", WARNING)), fetches=(Fetch("benign/code-pinned", "release", "modeling_custom.py"),),
        ),
        Case(
            "long-prompt-pipeline-repo", False, ("custom-pipeline-repo",),
            'DiffusionPipeline.from_pretrained("benign/sd-base", revision="{rev}", '
            'custom_pipeline="benign/long-prompt", custom_revision="{sha[benign/long-prompt]}")',
            (Repo("benign/sd-base", {"model_index.json": json_file({"_class_name": "StableDiffusionPipeline"})}),
             Repo("benign/long-prompt", {"pipeline.py": text(pipeline_code)})),
            expect(), fetches=(Fetch("benign/long-prompt", None, "pipeline.py"),),
        ),
    ]


def cases() -> list[Case]:
    return same_repo_cases() + other_repository_cases()
