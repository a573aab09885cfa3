"""The hub references the static pass hands to the remote pass."""

from __future__ import annotations

from pathlib import Path

from hubguard.config import Config
from hubguard.findings import Location, Region, RevisionState
from hubguard.static.engine import scan_paths

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_references_carry_what_the_remote_pass_needs(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text(
        "from transformers import AutoModel\nimport torch\n"
        "REPO = 'org/' + 'model'\n"
        f"a = AutoModel.from_pretrained(REPO, revision='{SHA}', code_revision='{SHA}', trust_remote_code=True)\n"
        "b = AutoModel.from_pretrained('org/plain', revision='v1.0')\n"
        "c = torch.hub.load('owner/repo:main', 'model')\n"
        "d = AutoModel.from_pretrained('./local-dir')\n"
    )
    result = scan_paths([tmp_path / "load.py"], Config(), tmp_path)
    by_repo = {reference.repo_id: reference for reference in result.references}
    assert set(by_repo) == {"org/model", "org/plain", "owner/repo"}
    pinned = by_repo["org/model"]
    assert (pinned.revision_state, pinned.code_revision, pinned.runs_remote_code) == (RevisionState.PINNED, SHA, True)
    assert pinned.location == Location("load.py", Region(4, 5, 4, 30))  # the callee, AutoModel.from_pretrained
    plain = by_repo["org/plain"]
    assert (plain.revision, plain.revision_state, plain.runs_remote_code, plain.loads_weights) == (
        "v1.0", RevisionState.WEAK, False, True
    )
    hub = by_repo["owner/repo"]
    assert (hub.hub, hub.revision, hub.revision_state) == ("torchhub", "main", RevisionState.UNPINNED)


def test_modelscope_and_csghub_references(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text(
        "from modelscope import AutoModel, MsDataset, snapshot_download\n"
        "from modelscope.models import Model\n"
        "from pycsghub.repo_reader import AutoModelForCausalLM, load_dataset\n"
        "from pycsghub.snapshot_download import snapshot_download as csg_download\n"
        f"Model.from_pretrained('owner/model', '{SHA}', code_revision='{SHA}')\n"
        "Model.from_pretrained('iic/trusted')\n"
        "AutoModel.from_pretrained('owner/auto', trust_remote_code=True)\n"
        "snapshot_download('owner/data', repo_type='dataset')\n"
        "MsDataset.load('squad', subset_name='plain')\n"
        "MsDataset.load('clue', namespace='owner', trust_remote_code=True)\n"
        "MsDataset.load('owner/hf-data', hub=HUB)\n"
        "csg_download('Qwen/Qwen2-0.5B', source='hf')\n"
        "csg_download('qwen/Qwen2-0.5B', source='ms', repo_type='dataset')\n"
        "csg_download('owner/unknown-source', source=SOURCE)\n"
        "load_dataset('OpenCSG/data', revision='v1', trust_remote_code=True)\n"
        "AutoModelForCausalLM.from_pretrained('OpenCSG/model', revision='v1')\n"
    )
    result = scan_paths([tmp_path / "load.py"], Config(), tmp_path)
    seen = {
        (r.hub, r.repo_type, r.repo_id): (r.revision, r.runs_remote_code, r.imports_repo_code, r.loads_weights)
        for r in result.references
    }
    assert seen == {
        ("modelscope", "model", "owner/model"): (SHA, False, True, True),
        ("modelscope", "model", "iic/trusted"): (None, True, True, True),  # ModelScope forces trust for iic/damo
        ("modelscope", "model", "owner/auto"): (None, True, False, True),
        ("modelscope", "dataset", "owner/data"): (None, False, False, False),
        ("modelscope", "dataset", "modelscope/squad"): (None, False, False, False),
        ("modelscope", "dataset", "owner/clue"): (None, True, False, False),
        ("opencsg:hf", "model", "Qwen/Qwen2-0.5B"): (None, False, False, False),
        ("opencsg:ms", "dataset", "qwen/Qwen2-0.5B"): (None, False, False, False),
        ("opencsg", "dataset", "OpenCSG/data"): (None, True, False, False),  # pycsghub ignores the revision
        ("opencsg", "model", "OpenCSG/model"): (None, False, False, True),
    }
    assert all(r.code_revision is None for r in result.references)  # ModelScope ignores code_revision


def test_references_name_the_code_repositories_the_call_chooses(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text(
        "from diffusers import DiffusionPipeline\n"
        "a = DiffusionPipeline.from_pretrained('org/base', custom_pipeline='org/pipe', custom_revision='dev')\n"
        "b = DiffusionPipeline.from_pretrained('org/base2', custom_pipeline='lpw_stable_diffusion')\n"
        "c = DiffusionPipeline.from_pretrained('org/base3', custom_pipeline='./my_pipeline')\n"
        "out = model.generate(ids, custom_generate='org/gen', revision='v1.0', trust_remote_code=True)\n"
        "off = model.generate(ids, custom_generate='org/off', trust_remote_code=False)\n"
        "local = model.generate(ids, custom_generate='./gen', trust_remote_code=True)\n"
    )
    result = scan_paths([tmp_path / "load.py"], Config(), tmp_path)
    by_repo = {reference.repo_id: reference for reference in result.references}
    assert set(by_repo) == {"org/base", "org/base2", "org/base3", "org/gen"}
    pipeline = by_repo["org/base"]
    assert (pipeline.custom_pipeline, pipeline.custom_revision, pipeline.custom_generate) == ("org/pipe", "dev", None)
    assert by_repo["org/base2"].custom_pipeline is None and by_repo["org/base3"].custom_pipeline is None
    generate = by_repo["org/gen"]
    assert (generate.custom_generate, generate.revision, generate.revision_state) == ("org/gen", "v1.0", RevisionState.WEAK)
    assert (generate.runs_remote_code, generate.loads_weights, generate.sink) == (True, False, "custom_generate")
    assert generate.location == Location("load.py", Region(5, 7, 5, 21))  # the callee, model.generate


def test_a_custom_pipeline_keyword_names_code_only_for_a_loader_that_takes_one(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text(
        "from diffusers import DiffusionPipeline\nfrom transformers import AutoModel\n"
        "a = DiffusionPipeline.from_pretrained('org/base', custom_pipeline='org/pipe')\n"
        "b = AutoModel.from_pretrained('org/text', custom_pipeline='org/unused', custom_revision='dev')\n"
    )
    result = scan_paths([tmp_path / "load.py"], Config(), tmp_path)
    by_repo = {reference.repo_id: reference for reference in result.references}
    assert (by_repo["org/base"].custom_pipeline, by_repo["org/text"].custom_pipeline) == ("org/pipe", None)
    assert by_repo["org/text"].custom_revision is None
