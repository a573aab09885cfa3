# corpus-rows: A1 A4 A6 A7 C1
"""Revision strings at the edge of "pinned": only exactly 40 lower-case hex characters pin a commit."""

import torch
from datasets import load_dataset
from diffusers import DiffusionPipeline
from huggingface_hub import hf_hub_download
from transformers import AutoModel

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
SHORT = "86f7e43"
UPPER = "86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8"

exact = AutoModel.from_pretrained("org/m", revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667b8")  # expect-clean
via_constant = AutoModel.from_pretrained("org/m", revision=SHA)  # expect-clean
explicit_none = AutoModel.from_pretrained("org/m", revision=None)  # expect: HG201@warning:revision=None
forty_one = AutoModel.from_pretrained("org/m", revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667b80")  # expect: HG201@warning:revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667b80"
thirty_nine = AutoModel.from_pretrained("org/m", revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667b")  # expect: HG201@note:revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667b"
six_hex = AutoModel.from_pretrained("org/m", revision="86f7e4")  # expect: HG201@warning:revision="86f7e4"
short = AutoModel.from_pretrained("org/m", revision=SHORT)  # expect: HG201@note:revision=SHORT
upper = AutoModel.from_pretrained("org/m", revision="86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8")  # expect: HG201@warning:revision="86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8"
mixed_case = AutoModel.from_pretrained("org/m", revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667B8")  # expect: HG201@warning:revision="86f7e437faa5a7fce15d1ddcb9eaeaea377667B8"
suffixed = AutoModel.from_pretrained("org/m", revision=SHA + "-fix")  # expect: HG201@warning:revision=SHA
sha_then_path = AutoModel.from_pretrained("org/m", revision=SHA + "/model")  # expect: HG201@warning:revision=SHA
leading_space = AutoModel.from_pretrained("org/m", revision=" " + SHA)  # expect: HG201@warning:revision="
trailing_space = AutoModel.from_pretrained("org/m", revision=SHA + " ")  # expect: HG201@warning:revision=SHA
trailing_newline = AutoModel.from_pretrained("org/m", revision=SHA + "\n")  # expect: HG201@warning:revision=SHA
tag = AutoModel.from_pretrained("org/m", revision="v1.0")  # expect: HG201@note:revision="v1.0"
bare_version = AutoModel.from_pretrained("org/m", revision="1.2.3")  # expect: HG201@note:revision="1.2.3"
prerelease = AutoModel.from_pretrained("org/m", revision="v2.0.0-rc1")  # expect: HG201@note:revision="v2.0.0-rc1"
tag_then_branch = AutoModel.from_pretrained("org/m", revision="v1.0/hotfix")  # expect: HG201@warning:revision="v1.0/hotfix"
major_only = AutoModel.from_pretrained("org/m", revision="v2")  # expect: HG201@warning:revision="v2"
branch = AutoModel.from_pretrained("org/m", revision="main")  # expect: HG201@warning:revision="main"
pull_request = AutoModel.from_pretrained("org/m", revision="refs/pr/3")  # expect: HG201@warning:revision="refs/pr/3"

trusted_exact = AutoModel.from_pretrained("org/m", revision=SHA, trust_remote_code=True)  # expect: HG101@warning:trust_remote_code=True
trusted_forty_one = AutoModel.from_pretrained("org/m", revision=SHA + "0", trust_remote_code=True)  # expect: HG201@error:revision=SHA HG101@error:trust_remote_code=True
trusted_short = AutoModel.from_pretrained("org/m", revision=SHORT, trust_remote_code=True)  # expect: HG201@warning:revision=SHORT HG101@error:trust_remote_code=True
trusted_tag = AutoModel.from_pretrained("org/m", revision="v1.0", trust_remote_code=True)  # expect: HG201@warning:revision="v1.0" HG101@error:trust_remote_code=True
trusted_branch = AutoModel.from_pretrained("org/m", revision="main", trust_remote_code=True)  # expect: HG201@error:revision="main" HG101@error:trust_remote_code=True
trusted_upper = AutoModel.from_pretrained("org/m", revision=UPPER, trust_remote_code=True)  # expect: HG201@error:revision=UPPER HG101@error:trust_remote_code=True
run_time_upper = AutoModel.from_pretrained("org/m", revision=SHA.upper(), trust_remote_code=True)  # expect: HG201@note:revision=SHA.upper HG101@error:trust_remote_code=True

dataset_tag = load_dataset("org/d", revision="1.0.0")  # expect: HG201@note:revision="1.0.0"
dataset_short = load_dataset("org/d", revision=SHORT, trust_remote_code=True)  # expect: HG201@warning:revision=SHORT HG101@error:trust_remote_code=True
file_sha_suffix = hf_hub_download("org/m", "config.json", revision=SHA + "x")  # expect: HG201@warning:revision=SHA

hub_exact = torch.hub.load("owner/repo:" + SHA, "net")  # expect: HG102@warning:torch.hub.load
hub_forty_one = torch.hub.load("owner/repo:" + SHA + "0", "net")  # expect: HG102@warning:torch.hub.load HG201@error:"owner/repo:"
hub_short = torch.hub.load("owner/repo:" + SHORT, "net")  # expect: HG102@warning:torch.hub.load HG201@warning:"owner/repo:"
hub_upper = torch.hub.load("owner/repo:86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8", "net")  # expect: HG102@warning:torch.hub.load HG201@error:"owner/repo:86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8"

code_tag = AutoModel.from_pretrained("org/m", revision=SHA, code_revision="v1.0", trust_remote_code=True)  # expect: HG201@warning:code_revision="v1.0" HG101@error:trust_remote_code=True
code_branch = AutoModel.from_pretrained("org/m", revision=SHA, code_revision="main", trust_remote_code=True)  # expect: HG201@error:code_revision="main" HG101@error:trust_remote_code=True
code_exact = AutoModel.from_pretrained("org/m", revision=SHA, code_revision=SHA, trust_remote_code=True)  # expect: HG101@warning:trust_remote_code=True
pipeline_tag = DiffusionPipeline.from_pretrained("org/base", revision=SHA, custom_pipeline="org/p", custom_revision="v0.30.0")  # expect: HG101@error:custom_pipeline="org/p" HG201@warning:custom_revision="v0.30.0"
pipeline_exact = DiffusionPipeline.from_pretrained("org/base", revision=SHA, custom_pipeline="org/p", custom_revision=SHA)  # expect: HG101@warning:custom_pipeline="org/p"
