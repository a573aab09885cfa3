# corpus-rows: A2 A3
"""Serving helpers built on transformers.pipeline and custom generation strategies."""

from transformers import AutoModelForCausalLM, pipeline

SHA = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98"

sentiment = pipeline("text-classification", model="distilbert/distilbert-base-uncased-finetuned-sst-2-english")  # expect: HG201@warning:model="distilbert/distilbert-base-uncased-finetuned-sst-2-english"
generator = pipeline("text-generation", "microsoft/phi-2", trust_remote_code=True)  # expect: HG201@error:"microsoft/phi-2" HG101@error:trust_remote_code=True
qwen = pipeline("text-generation", model="Qwen/Qwen-7B", revision=SHA, model_kwargs={"trust_remote_code": True})  # expect: HG101@warning:model_kwargs=
default_model = pipeline("summarization")  # expect-clean
ner = pipeline(task="ner", model="dslim/bert-base-NER", revision=SHA)  # expect-clean
local = pipeline("text-generation", model="./finetuned-phi")  # expect-clean
answer = sentiment("I love this")  # expect-clean

lm = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B", revision=SHA)  # expect-clean
dola = lm.generate(max_new_tokens=32, custom_generate="transformers-community/dola", trust_remote_code=True)  # expect: HG201@error:custom_generate="transformers-community/dola" HG101@error:trust_remote_code=True
plain = lm.generate(max_new_tokens=32, do_sample=False)  # expect-clean
