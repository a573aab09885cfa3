# corpus-rows: A1
"""Which literals read as local paths, not hub IDs: Windows drive paths, the current and parent folder, an empty
string, two or more slashes, a weight file by its suffix in any case. A hub ID's owner may be two letters long."""

from transformers import AutoConfig, AutoModel, AutoTokenizer

backslashed = AutoModel.from_pretrained("D:\\checkpoints")  # expect-clean
forward = AutoModel.from_pretrained("C:/bert")  # expect-clean
drive_root = AutoModel.from_pretrained("E:\\")  # expect-clean
here = AutoTokenizer.from_pretrained(".")  # expect-clean
parent = AutoTokenizer.from_pretrained("..")  # expect-clean
unset = AutoConfig.from_pretrained("")  # expect-clean
nested = AutoModel.from_pretrained("runs/bert/final")  # expect-clean
weights = AutoModel.from_pretrained("pytorch_model.bin")  # expect-clean
shouting = AutoModel.from_pretrained("MODEL.SAFETENSORS")  # expect-clean
short_owner = AutoModel.from_pretrained("ai/tiny-model")  # expect: HG201@warning:"ai/tiny-model"
