# corpus-rows: A1
"""Fine-tuning entry point: loads a causal LM, its config and its tokenizer (hub references in the order the
code reads, a conditional expression's condition after its first value)."""

from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoTokenizer, BertForSequenceClassification

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"

config = AutoConfig.from_pretrained("tiiuae/falcon-7b", trust_remote_code=True)  # expect: HG201@error:"tiiuae/falcon-7b" HG101@error:trust_remote_code=True
tokenizer = AutoTokenizer.from_pretrained("tiiuae/falcon-7b", revision="main")  # expect: HG201@warning:revision="main"
model = AutoModelForCausalLM.from_pretrained(
    "tiiuae/falcon-7b",
    revision="v1.0",  # expect: HG201@warning:revision="v1.0"
    trust_remote_code=True,  # expect: HG101@error:trust_remote_code=True
)
pinned = AutoModelForCausalLM.from_pretrained("tiiuae/falcon-7b", revision=SHA)  # expect-clean
reviewed = AutoModelForCausalLM.from_pretrained("tiiuae/falcon-7b", revision=SHA, trust_remote_code=True)  # expect: HG101@warning:trust_remote_code=True
gpt2_tok = AutoTokenizer.from_pretrained("gpt2", revision=SHA, trust_remote_code=False)  # expect-clean
classifier = BertForSequenceClassification.from_pretrained("google-bert/bert-base-uncased", num_labels=3)  # expect: HG201@warning:"google-bert/bert-base-uncased"
pr_head = AutoModel.from_pretrained("org/encoder", revision="refs/pr/12")  # expect: HG201@warning:revision="refs/pr/12"
short_sha = AutoModel.from_pretrained("org/encoder", revision="86f7e43")  # expect: HG201@note:revision="86f7e43"
upper_sha = AutoModel.from_pretrained("org/encoder", revision="86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8")  # expect: HG201@warning:revision="86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8"
from_cfg = AutoModel.from_config(config, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
truthy = AutoModel.from_pretrained("org/encoder", revision=SHA, trust_remote_code=1)  # expect: HG101@warning:trust_remote_code=1
string_flag = AutoModel.from_pretrained("org/encoder", revision=SHA, trust_remote_code="False")  # expect: HG101@warning:trust_remote_code="False"
bert_only = AutoTokenizer.from_pretrained("org/body", revision=SHA) if AutoConfig.from_pretrained("org/test").model_type == "bert" else None  # expect: HG201@warning:"org/test"
model.save_pretrained("./out")  # expect-clean
