# corpus-rows: A11
"""OpenCSG (pycsghub): repo_reader ignores revision; snapshot and file downloads honour it."""

from pycsghub.file_download import file_download
from pycsghub.repo_reader import AutoModelForCausalLM as CsgAutoModel
from pycsghub.repo_reader import AutoTokenizer as CsgAutoTokenizer
from pycsghub.repo_reader import load_dataset as csg_load_dataset
from pycsghub.snapshot_download import snapshot_download as csg_snapshot

SHA = "3c363836cf4e16666669a25da280a1865c2d2874"
ENDPOINT = "https://hub.opencsg.com"

model = CsgAutoModel.from_pretrained("OpenCSG/csg-wukong-1B", revision=SHA)  # expect: HG201@warning:"OpenCSG/csg-wukong-1B"
tokenizer = CsgAutoTokenizer.from_pretrained("OpenCSG/csg-wukong-1B", trust_remote_code=True)  # expect: HG201@error:"OpenCSG/csg-wukong-1B" HG101@error:trust_remote_code=True
dataset = csg_load_dataset("OpenCSG/chinese-fineweb-edu", revision=SHA)  # expect: HG201@warning:"OpenCSG/chinese-fineweb-edu"
pinned_dir = csg_snapshot("OpenCSG/csg-wukong-1B", revision=SHA, endpoint=ENDPOINT)  # expect-clean
unpinned_dir = csg_snapshot("OpenCSG/csg-wukong-1B", endpoint=ENDPOINT)  # expect: HG201@warning:"OpenCSG/csg-wukong-1B"
config_file = file_download("OpenCSG/csg-wukong-1B", file_name="config.json", revision="main")  # expect: HG201@warning:revision="main"
weights_file = file_download("OpenCSG/csg-wukong-1B", file_name="model.safetensors", revision=SHA)  # expect-clean
mirrored_dir = csg_snapshot("Qwen/Qwen2-0.5B", source="hf", revision=SHA)  # expect-clean
mirrored_data = file_download("qwen/corpus", file_name="data.json", repo_type="dataset", source="ms")  # expect: HG201@warning:"qwen/corpus"
