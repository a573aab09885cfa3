# corpus-rows: A7 B2
"""Model zoo helpers built on torch.hub."""

import torch

SHA = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98"
WEIGHTS_URL = "https://download.pytorch.org/models/resnet18-f37072fd.pth"

resnet = torch.hub.load("pytorch/vision", "resnet50", weights="IMAGENET1K_V2")  # expect: HG102@warning:torch.hub.load HG201@error:"pytorch/vision"
yolo = torch.hub.load("ultralytics/yolov5", "yolov5s", trust_repo=True)  # expect: HG201@error:"ultralytics/yolov5" HG102@error:trust_repo=True
dino = torch.hub.load("facebookresearch/dinov2:main", "dinov2_vits14")  # expect: HG102@warning:torch.hub.load HG201@error:"facebookresearch/dinov2:main"
tagged = torch.hub.load("pytorch/vision:v0.10.0", "resnet18", pretrained=True)  # expect: HG102@warning:torch.hub.load HG201@warning:"pytorch/vision:v0.10.0"
vad = torch.hub.load("snakers4/silero-vad:" + SHA, "silero_vad", trust_repo="check")  # expect: HG102@warning:torch.hub.load
pinned_none = torch.hub.load("snakers4/silero-vad:" + SHA, "silero_vad", trust_repo=None)  # expect: HG102@error:trust_repo=None
custom = torch.hub.load("./hub_repo", "custom_model", source="local")  # expect-clean
entrypoints = torch.hub.list("NVIDIA/DeepLearningExamples:torchhub", trust_repo=None)  # expect: HG201@error:"NVIDIA/DeepLearningExamples:torchhub" HG102@error:trust_repo=None
docs = torch.hub.help("intel-isl/MiDaS", "DPT_Large")  # expect: HG102@warning:torch.hub.help HG201@error:"intel-isl/MiDaS"
torch.hub.set_dir("/tmp/torch-hub")  # expect-clean
hub_dir = torch.hub.get_dir()  # expect-clean

state = torch.hub.load_state_dict_from_url(WEIGHTS_URL)  # expect: HG301@warning:torch.hub.load_state_dict_from_url HG201@warning:WEIGHTS_URL
state = torch.hub.load_state_dict_from_url(WEIGHTS_URL, map_location="cpu", weights_only=False)  # expect: HG201@warning:WEIGHTS_URL HG301@error:weights_only=False
safe_state = torch.hub.load_state_dict_from_url(WEIGHTS_URL, check_hash=True, weights_only=True)  # expect: HG201@note:check_hash=True
