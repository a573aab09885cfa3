# corpus-rows: A8 A15
"""Local inference servers: vLLM on GPU boxes, mlx-lm on Apple silicon."""

import mlx_lm
from mlx_lm import generate, load
from vllm import LLM, EngineArgs, SamplingParams

SHA = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98"

deepseek = LLM(model="deepseek-ai/DeepSeek-V2-Lite", trust_remote_code=True)  # expect: HG201@error:model="deepseek-ai/DeepSeek-V2-Lite" HG101@error:trust_remote_code=True
llama = LLM("meta-llama/Llama-3.1-8B-Instruct", revision=SHA)  # expect-clean
vl = LLM(model="Qwen/Qwen2-VL-7B-Instruct", revision=SHA, tokenizer_revision=SHA)  # expect-clean
phi = EngineArgs(model="microsoft/Phi-3-mini-4k-instruct", trust_remote_code=True)  # expect: HG201@error:model="microsoft/Phi-3-mini-4k-instruct" HG101@error:trust_remote_code=True
unpinned = LLM(model="mistralai/Mistral-7B-Instruct-v0.3")  # expect: HG201@warning:model="mistralai/Mistral-7B-Instruct-v0.3"
params = SamplingParams(temperature=0.2, max_tokens=64)  # expect-clean
outputs = llama.generate(["Hello"], params)  # expect-clean

mlx_model, mlx_tokenizer = load("mlx-community/Qwen2.5-7B-Instruct-4bit")  # expect: HG201@warning:"mlx-community/Qwen2.5-7B-Instruct-4bit"
custom_tok = load("mlx-community/internlm2-chat-7b-4bit", tokenizer_config={"trust_remote_code": True})  # expect: HG201@error:"mlx-community/internlm2-chat-7b-4bit" HG101@error:tokenizer_config=
pinned_mlx = mlx_lm.load("mlx-community/Mistral-7B-Instruct-v0.3-4bit", revision=SHA)  # expect-clean
reply = generate(mlx_model, mlx_tokenizer, prompt="hi", max_tokens=32)  # expect-clean
