# corpus-rows: A1
"""Project-specific factories: trust_remote_code=True is reported whatever the callee is."""

from myproject.models import build_backbone, registry


class Trainer:
    def __init__(self, cfg: dict) -> None:
        self.backbone = build_backbone(cfg, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
        self.head = registry.get("head").create(cfg, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True
        self.safe = build_backbone(cfg, trust_remote_code=False)  # expect-clean
        self.plain = build_backbone(cfg)  # expect-clean
        self.indexed = registry["neck"].create(cfg, trust_remote_code=True)  # expect: HG101@error:trust_remote_code=True


def make_model(name: str) -> object:
    return registry.load(name, revision="main")  # expect-clean
