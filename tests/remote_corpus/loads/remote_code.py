"""Repositories that ship code the call runs (HG401), and what the code scan finds in it (HG402)."""

from datasets import load_dataset
from transformers import AutoModel, AutoTokenizer

plain = AutoModel.from_pretrained("rc/custom-model", revision="<sha of rc/custom-model>", trust_remote_code=True)  # remote: HG401@warning
declined = AutoModel.from_pretrained("rc/custom-model", revision="<sha of rc/custom-model>", trust_remote_code=False)  # remote: clean
undecided = AutoModel.from_pretrained("rc/custom-model", revision="<sha of rc/custom-model>")  # remote: clean
tokenizer = AutoTokenizer.from_pretrained("rc/custom-tokenizer", revision="<sha of rc/custom-tokenizer>", trust_remote_code=True)  # remote: HG401@warning
script = load_dataset("rc/scripted-data", revision="<sha of rc/scripted-data>", trust_remote_code=True)  # remote: HG401@warning
shell = AutoModel.from_pretrained("rc/curl-pipe-sh", revision="<sha of rc/curl-pipe-sh>", trust_remote_code=True)  # remote: HG401@warning HG402@error
kernel = AutoModel.from_pretrained("rc/gcc-kernel", revision="<sha of rc/gcc-kernel>", trust_remote_code=True)  # remote: HG401@warning HG402@warning
kernel_declined = AutoModel.from_pretrained("rc/gcc-kernel", revision="<sha of rc/gcc-kernel>", trust_remote_code=False)  # remote: clean
flagged = AutoModel.from_pretrained("rc/hub-flagged", revision="<sha of rc/hub-flagged>")  # remote: HG402@error
