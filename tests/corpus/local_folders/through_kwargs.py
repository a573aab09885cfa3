# corpus-rows: A1
"""A local folder passed through **kwargs: the message names it as written where it was made (a fixture, a
temporary folder, a pathlib expression, an os.path call), since the call itself only shows the spread."""

import os
import tempfile
from pathlib import Path

from transformers import AutoModel

CHECKPOINTS = Path("checkpoints")


class Trainer:
    def __init__(self):
        self.output_dir = tempfile.mkdtemp()

    def reload(self):
        reload_kwargs = {"pretrained_model_name_or_path": self.output_dir, "trust_remote_code": True}
        return AutoModel.from_pretrained(**reload_kwargs)  # expect: HG101@error:**reload_kwargs


class RemoteCodeTest:
    def test_round_trip(self):
        saved = {"pretrained_model_name_or_path": self.get_auto_remove_tmp_dir(), "trust_remote_code": True}
        AutoModel.from_pretrained(**saved)  # expect: HG101@error:**saved


def test_fixture_folder(tmp_path):
    as_fixture = {"pretrained_model_name_or_path": tmp_path, "trust_remote_code": True}
    AutoModel.from_pretrained(**as_fixture)  # expect: HG101@error:**as_fixture
    as_text = {"pretrained_model_name_or_path": str(tmp_path), "trust_remote_code": True}
    AutoModel.from_pretrained(**as_text)  # expect: HG101@error:**as_text
    inside = {"pretrained_model_name_or_path": tmp_path.joinpath("model"), "trust_remote_code": True}
    AutoModel.from_pretrained(**inside)  # expect: HG101@error:**inside


def load_run(run_name):
    divided = {"pretrained_model_name_or_path": CHECKPOINTS / run_name, "trust_remote_code": True}
    AutoModel.from_pretrained(**divided)  # expect: HG101@error:**divided
    joined = {"pretrained_model_name_or_path": os.path.join("runs", run_name), "trust_remote_code": True}
    AutoModel.from_pretrained(**joined)  # expect: HG101@error:**joined
    method = {"pretrained_model_name_or_path": CHECKPOINTS.joinpath(run_name), "trust_remote_code": True}
    AutoModel.from_pretrained(**method)  # expect: HG101@error:**method
    parent = {"pretrained_model_name_or_path": CHECKPOINTS.parent, "trust_remote_code": True}
    AutoModel.from_pretrained(**parent)  # expect: HG101@error:**parent
