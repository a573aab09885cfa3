# corpus-rows: A1
"""lm-evaluation-harness's Python entry point: model_args is a "key=value,..." string (or a dict) that names
the model, its revision and trust_remote_code (shapes from evaluation scripts and README snippets). An item
without "=" sets nothing (lm-eval refuses it), so a bare "revision" leaves the model at its default branch."""

import lm_eval
from lm_eval import evaluator
from lm_eval.evaluator import simple_evaluate

SHA = "5b2d1e0f9c8a7b6e5d4c3b2a1f0e9d8c7b6a5f4e"
MODEL_ARGS = "pretrained=mistralai/Mistral-7B-v0.1,dtype=bfloat16"

results = lm_eval.simple_evaluate(
    model="hf",
    model_args="pretrained=meta-llama/Llama-2-7b-hf",  # expect: HG201@warning:model_args=
    tasks=["mmlu", "hellaswag", "arc_challenge"],
    num_fewshot=5,
)
custom = evaluator.simple_evaluate(model="hf", model_args="pretrained=org/custom-arch,trust_remote_code=True", tasks=["arc_easy"])  # expect: HG201@error:model_args= HG101@error:model_args=
lowercase = simple_evaluate(model="hf", model_args="pretrained=org/custom-arch,trust_remote_code=true,revision=main", tasks=["arc_easy"])  # expect: HG201@error:model_args= HG101@error:model_args=
pinned = simple_evaluate(model="hf", model_args=f"pretrained=org/custom-arch,revision={SHA},trust_remote_code=True", tasks=["arc_easy"])  # expect: HG101@warning:model_args=
refused = simple_evaluate(model="hf", model_args="pretrained=org/custom-arch,trust_remote_code=False", tasks=["arc_easy"])  # expect: HG201@warning:model_args=
constant = simple_evaluate(model="hf", model_args=MODEL_ARGS, tasks=["gsm8k"])  # expect: HG201@warning:model_args=
as_dict = simple_evaluate(model="vllm", model_args={"pretrained": "org/served", "revision": SHA}, tasks=["gsm8k"])  # expect-clean
bare_key = simple_evaluate(model="hf", model_args="pretrained=org/custom-arch,revision", tasks=["arc_easy"])  # expect: HG201@warning:model_args=
local_checkpoint = simple_evaluate(model="hf", model_args="pretrained=./outputs/final,trust_remote_code=True", tasks=["gsm8k"])  # expect: HG101@error:model_args=


def evaluate_checkpoint(path):
    return simple_evaluate(model="hf", model_args=f"pretrained={path},dtype=float16", tasks=["gsm8k"])  # expect-clean
