# corpus-rows: C1 C2
"""Vision backbones from timm / open_clip and raw file downloads from the Hub."""

import open_clip
import timm
from huggingface_hub import hf_hub_download, snapshot_download

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"

vit = timm.create_model("hf-hub:timm/vit_base_patch16_224.augreg_in21k", pretrained=True)  # expect: HG201@warning:"hf-hub:timm/vit_base_patch16_224.augreg_in21k"
resnet = timm.create_model("hf-hub:timm/resnet50.a1_in1k@86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", pretrained=True)  # expect-clean
concat = timm.create_model("hf-hub:timm/vit_small_patch16_224@" + SHA, pretrained=True)  # expect-clean
branch = timm.create_model("hf-hub:timm/convnext_tiny.fb_in1k@main", pretrained=True)  # expect: HG201@warning:"hf-hub:timm/convnext_tiny.fb_in1k@main"
builtin = timm.create_model("resnet50", pretrained=True)  # expect-clean
scratch = timm.create_model("convnext_tiny", pretrained=False, num_classes=10)  # expect-clean

clip, _, preprocess = open_clip.create_model_and_transforms("hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K")  # expect: HG201@warning:"hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K"
named, _, named_preprocess = open_clip.create_model_and_transforms("ViT-B-32", pretrained="laion2b_s34b_b79k")  # expect-clean
bare = open_clip.create_model("hf-hub:timm/ViT-SO400M-14-SigLIP")  # expect: HG201@warning:"hf-hub:timm/ViT-SO400M-14-SigLIP"

config_path = hf_hub_download("openai/whisper-tiny", "config.json")  # expect: HG201@warning:"openai/whisper-tiny"
weights_path = hf_hub_download(repo_id="openai/whisper-tiny", filename="model.safetensors", revision=SHA)  # expect-clean
tagged_path = hf_hub_download(repo_id="openai/whisper-tiny", filename="config.json", revision="v1.0")  # expect: HG201@note:revision="v1.0"
snapshot = snapshot_download("bigscience/bloom-560m", allow_patterns=["*.json"])  # expect: HG201@warning:"bigscience/bloom-560m"
pinned_snapshot = snapshot_download("bigscience/bloom-560m", revision=SHA)  # expect-clean
conversion = snapshot_download(
    repo_id="HuggingFaceFW/fineweb",
    repo_type="dataset",
    revision="refs/convert/parquet",  # expect: HG201@warning:revision="refs/convert/parquet"
)
