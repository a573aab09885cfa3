"""A local folder imported from another module of the scanned tree, passed through **kwargs: the message names it
as that module writes it, since the call itself only shows the spread."""

from __future__ import annotations

from pathlib import Path

from hubguard.config import Config
from hubguard.static.engine import scan_paths

CONFIG = "import os\nCHECKPOINTS = os.path.join(os.path.dirname(__file__), 'checkpoints')\n"
TRAIN = (
    "from transformers import AutoModel\n"
    "from .config import CHECKPOINTS\n"
    "reload_kwargs = {'pretrained_model_name_or_path': CHECKPOINTS, 'trust_remote_code': True}\n"
    "AutoModel.from_pretrained(**reload_kwargs)\n"
)


def test_the_folder_is_named_as_its_module_writes_it(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "config.py").write_text(CONFIG)
    (tmp_path / "pkg" / "train.py").write_text(TRAIN)
    [finding] = scan_paths([tmp_path], Config(cache=False), tmp_path).findings
    assert (finding.rule_id, finding.level.value, finding.location.path) == ("HG101", "error", "pkg/train.py")
    assert "from the local folder os.path.join(os.path.dirname(__file__), 'checkpoints') run on load" in finding.message
