# corpus-rows: A1
"""Which literals read as local paths, not hub IDs: Windows drive paths (drive-relative ones too, "C:" and
"D:checkpoints": a hub ID never holds a colon), the current and parent folder, an empty string, two or more slashes,
a weight file by its suffix in any case. A hub ID's owner may be two letters long."""

from transformers import AutoConfig, AutoModel, AutoTokenizer

backslashed = AutoModel.from_pretrained("D:\\checkpoints")  # expect-clean
forward = AutoModel.from_pretrained("C:/bert")  # expect-clean
drive_root = AutoModel.from_pretrained("E:\\")  # expect-clean
drive_current = AutoModel.from_pretrained("C:")  # expect-clean
drive_relative = AutoModel.from_pretrained("D:checkpoints", trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
here = AutoTokenizer.from_pretrained(".")  # expect-clean
parent = AutoTokenizer.from_pretrained("..")  # expect-clean
unset = AutoConfig.from_pretrained("")  # expect-clean
nested = AutoModel.from_pretrained("runs/bert/final")  # expect-clean
weights = AutoModel.from_pretrained("pytorch_model.bin")  # expect-clean
shouting = AutoModel.from_pretrained("MODEL.SAFETENSORS")  # expect-clean
short_owner = AutoModel.from_pretrained("ai/tiny-model")  # expect: HG201@warning:"ai/tiny-model"
