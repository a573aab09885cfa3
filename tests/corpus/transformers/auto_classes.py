# corpus-rows: A1
"""Fine-tuning entry point: loads a causal LM, its config and its tokenizer."""

from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoTokenizer, BertForSequenceClassification

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"

config = AutoConfig.from_pretrained("tiiuae/falcon-7b", trust_remote_code=True)  # expect: HG101@error HG201
tokenizer = AutoTokenizer.from_pretrained("tiiuae/falcon-7b", revision="main")  # expect: HG201
model = AutoModelForCausalLM.from_pretrained(  # expect: HG101 HG201
    "tiiuae/falcon-7b",
    revision="v1.0",
    trust_remote_code=True,
)
pinned = AutoModelForCausalLM.from_pretrained("tiiuae/falcon-7b", revision=SHA)  # expect-clean
reviewed = AutoModelForCausalLM.from_pretrained("tiiuae/falcon-7b", revision=SHA, trust_remote_code=True)  # expect: HG101
gpt2_tok = AutoTokenizer.from_pretrained("gpt2", revision=SHA, trust_remote_code=False)  # expect-clean
classifier = BertForSequenceClassification.from_pretrained("google-bert/bert-base-uncased", num_labels=3)  # expect: HG201
pr_head = AutoModel.from_pretrained("org/encoder", revision="refs/pr/12")  # expect: HG201
short_sha = AutoModel.from_pretrained("org/encoder", revision="86f7e43")  # expect: HG201
upper_sha = AutoModel.from_pretrained("org/encoder", revision="86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8")  # expect: HG201
from_cfg = AutoModel.from_config(config, trust_remote_code=True)  # expect: HG101
truthy = AutoModel.from_pretrained("org/encoder", revision=SHA, trust_remote_code=1)  # expect: HG101
string_flag = AutoModel.from_pretrained("org/encoder", revision=SHA, trust_remote_code="False")  # expect: HG101
model.save_pretrained("./out")  # expect-clean
