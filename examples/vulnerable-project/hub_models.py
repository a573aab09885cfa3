import torch.hub
from diffusers import DiffusionPipeline

detector = torch.hub.load("someone/detector", "yolo", trust_repo=True)
pipe = DiffusionPipeline.from_pretrained(
    "acme-research/diffusion",
    custom_pipeline="someone/fancy-pipeline",
)
legacy = torch.load("legacy.ckpt", weights_only=False)  # hubguard: ignore[HG301]
