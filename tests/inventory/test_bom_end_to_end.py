"""A realistic project through ``hubguard scan --format cyclonedx`` against the loopback hub: every model, the
dataset, code from elsewhere (a cross-repository ``auto_map``, a ``custom_pipeline``, ``code_revision``), a
pickle-only repo, a torch.hub repo and a checkpoint URL, validated by cyclonedx-python-lib."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubguard.cli import main
from tests.fakehub import FakeGitHub, FakeHub, FakeModelScope, git_blob_id, sha256_hex
from tests.fakehub.files import FakeFileServer
from tests.fakehub.fixtures import fake_github, fake_hub, isolated_hf_env  # noqa: F401  (pytest fixtures)
from tests.inspectors.fixtures import safetensors_bytes, torch_state_dict_pickle, torch_zip
from tests.inventory.bom import assert_valid_bom, component, properties

TOKEN = "hf_bomSECRETmarker0123456789"
SAFETENSORS = safetensors_bytes()
STATE_DICT = torch_zip(torch_state_dict_pickle())
PARQUET = b"PAR1" + bytes(64) + b"PAR1"
LOCAL_CODE = b"class LocalModel:\n    pass\n"
CHAT_CODE = b"from .layers import Block\n\nclass ChatModel:\n    pass\n"
LAYERS = b"class Block:\n    pass\n"
PIPELINE = b"class Pipeline:\n    pass\n"
DEV_CODE = b"class DevModel:\n    version = 2\n"


def _config(auto_map: dict[str, str], model_type: str, architecture: str) -> bytes:
    return json.dumps({"auto_map": auto_map, "model_type": model_type, "architectures": [architecture]}).encode()


def _hub_repos(hub: FakeHub) -> dict[str, str]:
    """The repos the project loads; returns their commits by a short name."""
    shas = {
        "chat": hub.add_repo(
            "org/chat",
            {
                "config.json": _config({"AutoModel": "org/code-base--modeling_chat.ChatModel"}, "chat", "ChatModel"),
                "model.safetensors": SAFETENSORS,
                "README.md": b"# chat\n",
            },
        ),
        "code-base": hub.add_repo("org/code-base", {"modeling_chat.py": CHAT_CODE, "layers.py": LAYERS}),
        "local-code": hub.add_repo(
            "org/local-code",
            {
                "config.json": _config({"AutoModel": "modeling_local.LocalModel"}, "local", "LocalModel"),
                "modeling_local.py": LOCAL_CODE,
                "model.safetensors": SAFETENSORS,
            },
        ),
        "dialogues": hub.add_repo(
            "org/dialogues",
            {"data/train.parquet": PARQUET, "README.md": b"# dialogues\n", ".gitattributes": b"*.parquet lfs\n"},
            repo_type="dataset",
        ),
    }
    hub.add_repo("org/pickle-only", {"config.json": b"{}"}, branches={"release": {"pytorch_model.bin": STATE_DICT}})
    shas["pickle-only"] = hub.repo("org/pickle-only").refs["release"]
    shas["sd"] = hub.add_repo("org/sd", {"model_index.json": b'{"_class_name": "StableDiffusionPipeline"}'})
    hub.add_repo("org/pipe", {"pipeline.py": b"class Old:\n    pass\n"}, branches={"next": {"pipeline.py": PIPELINE}})
    shas["pipe@next"] = hub.repo("org/pipe").refs["next"]
    dev_files = {"config.json": _config({"AutoModel": "modeling_dev.DevModel"}, "dev", "DevModel"),
                 "modeling_dev.py": b"class DevModel:\n    version = 1\n"}
    shas["dev-code"] = hub.add_repo("org/dev-code", dev_files, branches={"dev": {**dev_files, "modeling_dev.py": DEV_CODE}})
    shas["dev-code@dev"] = hub.repo("org/dev-code").refs["dev"]
    return shas


@pytest.fixture
def shas(fake_hub: FakeHub, isolated_hf_env: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:  # noqa: F811
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    return _hub_repos(fake_hub)


@pytest.fixture
def modelscope(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModelScope]:
    with FakeModelScope() as hub:
        monkeypatch.setenv("MODELSCOPE_ENDPOINT", hub.url)
        yield hub


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFileServer]:
    with FakeFileServer() as server:
        monkeypatch.setenv("HUBGUARD_ALLOW_PRIVATE_URLS", "1")  # the file host is on loopback
        yield server


def _project(root: Path, shas: dict[str, str], checkpoint_url: str = "") -> None:
    local = shas["local-code"]
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir(exist_ok=True)
    (root / "src" / "models.py").write_text(
        "from datasets import load_dataset\n"
        "from diffusers import DiffusionPipeline\n"
        "from transformers import AutoModel, AutoModelForCausalLM, AutoTokenizer\n"
        "\n"
        'chat = AutoModelForCausalLM.from_pretrained("org/chat", revision="main", trust_remote_code=True)\n'
        'tokenizer = AutoTokenizer.from_pretrained("org/chat")\n'
        f'local = AutoModel.from_pretrained("org/local-code", revision="{local}", trust_remote_code=True)\n'
        'legacy = AutoModel.from_pretrained("org/pickle-only", revision="release")\n'
        f'data = load_dataset("org/dialogues", revision="{shas["dialogues"]}")\n'
        'ghost = AutoModel.from_pretrained("org/ghost")\n'
        f'pipe = DiffusionPipeline.from_pretrained("org/sd", revision="{shas["sd"]}", custom_pipeline="org/pipe", '
        'custom_revision="next")\n'
        f'dev = AutoModel.from_pretrained("org/dev-code", revision="{shas["dev-code"]}", code_revision="dev", '
        "trust_remote_code=True)\n"
    )
    (root / "src" / "hub.py").write_text(
        "import torch\n"
        'net = torch.hub.load("someone/repo:main", "m")\n'
        f'state = torch.hub.load_state_dict_from_url("{checkpoint_url}")\n'
    )


@pytest.mark.slow
def test_realistic_project_bom(
    shas: dict[str, str],
    fake_hub: FakeHub,  # noqa: F811
    fake_github: FakeGitHub,  # noqa: F811
    files: FakeFileServer,
    modelscope: FakeModelScope,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ms_files = {"configuration.json": b'{"framework": "pytorch"}', "ms_wrapper.py": b"class Wrapper:\n    pass\n",
                "model.safetensors": SAFETENSORS}
    ms_sha = modelscope.add_repo("owner/ms-model", ms_files)
    (tmp_path / "acme-app" / "src").mkdir(parents=True)
    (tmp_path / "acme-app" / "src" / "ms.py").write_text(
        f"from modelscope.models import Model\nms = Model.from_pretrained('owner/ms-model', '{ms_sha}', trust_remote_code=True)\n"
    )
    torch_sha = fake_github.add_repo("someone/repo", {"hubconf.py": b"def m():\n    return None\n"})
    checkpoint_url = files.add("/models/resnet.pth", STATE_DICT, digest=True)
    project = tmp_path / "acme-app"
    _project(project, shas, checkpoint_url)
    monkeypatch.chdir(project)
    monkeypatch.setenv("HF_TOKEN", TOKEN)

    outputs = []
    for run in range(2):
        output = tmp_path / f"run{run}.cdx.json"
        arguments = ["scan", "--format", "cyclonedx", "--output", str(output), "--fail-on", "none"]
        assert main([*arguments, "--cache-dir", str(tmp_path / "cache"), "."]) == 0
        outputs.append(output.read_bytes())
    capsys.readouterr()
    assert outputs[0] == outputs[1], "the same input gives a byte-identical BOM (the second run is served from cache)"
    assert b"bomSECRETmarker" not in outputs[0]
    bom = json.loads(outputs[0])
    assert_valid_bom(outputs[0].decode())
    assert "timestamp" not in bom["metadata"]
    assert bom["metadata"]["component"] == {"bom-ref": "project", "name": "acme-app", "type": "application"}

    refs = {entry["bom-ref"]: entry for entry in bom["components"]}
    chat_ref = f"huggingface:model/org/chat@{shas['chat']}"
    code_base_ref = f"huggingface:model/org/code-base@{shas['code-base']}"
    local_ref = f"huggingface:model/org/local-code@{shas['local-code']}"
    pickle_ref = f"huggingface:model/org/pickle-only@{shas['pickle-only']}"
    dataset_ref = f"huggingface:dataset/org/dialogues@{shas['dialogues']}"
    ghost_ref = "huggingface:model/org/ghost@(default)"
    torch_ref = f"torchhub:github/someone/repo@{torch_sha}"
    url_ref = f"url:url/{checkpoint_url}@sha256:{sha256_hex(STATE_DICT)}"
    sd_ref, pipe_ref = f"huggingface:model/org/sd@{shas['sd']}", f"huggingface:model/org/pipe@{shas['pipe@next']}"
    dev_ref = f"huggingface:model/org/dev-code@{shas['dev-code']}"
    dev_code_ref = f"huggingface:model/org/dev-code@{shas['dev-code@dev']}"
    code_elsewhere = {code_base_ref, pipe_ref, dev_code_ref}
    ms_ref = f"modelscope:model/owner/ms-model@{ms_sha}"
    loaded = {chat_ref, local_ref, pickle_ref, dataset_ref, ghost_ref, torch_ref, url_ref, sd_ref, dev_ref, ms_ref}
    assert set(refs) == loaded | code_elsewhere

    # org/chat: two call sites (main and no revision) resolve to one commit; its code comes from org/code-base,
    # fetched at the commit its default branch resolved to, with the module that one imports
    chat = refs[chat_ref]
    assert chat["type"] == "machine-learning-model" and chat["version"] == shas["chat"]
    assert chat["purl"] == f"pkg:huggingface/org/chat@{shas['chat']}?repository_url={fake_hub.url}"
    assert chat["pedigree"] == {"commits": [{"uid": shas["chat"]}]}
    assert chat["modelCard"] == {"modelParameters": {"architectureFamily": "chat", "modelArchitecture": "ChatModel"}}
    assert [(o["location"], o["line"]) for o in chat["evidence"]["occurrences"]] == [
        ("src/models.py", 5), ("src/models.py", 6)
    ]
    assert properties(chat) == {
        "hubguard:hub": ["huggingface"],
        "hubguard:repo-type": ["model"],
        "hubguard:resolution": ["resolved"],
        "hubguard:requested-revision": ["(default)", "main"],
        "hubguard:pinned": ["false"],
        "hubguard:trust-remote-code": ["true"],
        "hubguard:remote-code": ["true"],
        "hubguard:remote-code-file": [
            f"org/code-base@{shas['code-base']}:layers.py", f"org/code-base@{shas['code-base']}:modeling_chat.py"
        ],
        "hubguard:findings": ["HG406"],
        "hubguard:findings-level": ["error"],
    }
    assert _files(chat) == {
        "config.json": ("config", sha256_hex(_config(
            {"AutoModel": "org/code-base--modeling_chat.ChatModel"}, "chat", "ChatModel")), None),
        "model.safetensors": ("weights", sha256_hex(SAFETENSORS), "safetensors"),
    }
    code_base = refs[code_base_ref]
    assert code_base["type"] == "library" and code_base["version"] == shas["code-base"] and "evidence" not in code_base
    assert code_base["purl"] == f"pkg:huggingface/org/code-base@{shas['code-base']}?repository_url={fake_hub.url}"
    assert properties(code_base)["hubguard:resolution"] == ["resolved"]
    assert properties(code_base)["hubguard:remote-code"] == ["true"]
    assert _files(code_base) == {
        "layers.py": ("code", sha256_hex(LAYERS), None), "modeling_chat.py": ("code", sha256_hex(CHAT_CODE), None)
    }

    # custom_pipeline at custom_revision, and the model's own code moved by code_revision: each is the
    # component of the commit the code comes from, which the loaded model depends on
    assert properties(refs[sd_ref])["hubguard:remote-code-file"] == [f"org/pipe@{shas['pipe@next']}:pipeline.py"]
    assert _files(refs[pipe_ref]) == {"pipeline.py": ("code", sha256_hex(PIPELINE), None)}
    assert refs[pipe_ref]["type"] == "library"
    dev, dev_code = refs[dev_ref], refs[dev_code_ref]
    assert properties(dev)["hubguard:remote-code-file"] == [f"org/dev-code@{shas['dev-code@dev']}:modeling_dev.py"]
    assert "modeling_dev.py" not in _files(dev)  # the loaded commit's module does not run
    assert _files(dev_code) == {"modeling_dev.py": ("code", sha256_hex(DEV_CODE), None)}
    assert dev_code["type"] == "library" and "evidence" not in dev_code

    # org/local-code: pinned, its own code runs; code files get the SHA-256 of the bytes hubguard read
    local = refs[local_ref]
    assert properties(local)["hubguard:pinned"] == ["true"]
    assert properties(local)["hubguard:remote-code-file"] == ["modeling_local.py"]
    assert properties(local)["hubguard:findings"] == ["HG401"]
    modeling = component(local["components"], "modeling_local.py")
    assert modeling["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256(LOCAL_CODE).hexdigest()}]
    assert modeling["externalReferences"] == [
        {"type": "vcs", "url": f"{fake_hub.url}/org/local-code/blob/{shas['local-code']}/modeling_local.py"}
    ]
    assert properties(modeling)["hubguard:git-blob-id"] == [git_blob_id(LOCAL_CODE)]

    # org/pickle-only: a branch; the pickle the call loads is inspected by content
    pickled = refs[pickle_ref]
    weights = component(pickled["components"], "pytorch_model.bin")
    assert properties(weights)["hubguard:format-source"] == ["content"]
    assert properties(weights)["hubguard:inspector-verdict"] == ["safe"]
    assert properties(weights)["hubguard:format"] == ["torch-zip"]  # a zip of pickles, as torch.save writes
    assert weights["hashes"] == [{"alg": "SHA-256", "content": sha256_hex(STATE_DICT)}]
    assert properties(pickled)["hubguard:weights-verdict"] == ["safe"]
    assert properties(pickled)["hubguard:requested-revision"] == ["release"]
    assert "HG404" in properties(pickled)["hubguard:findings"][0]

    # the dataset: no purl type exists for Hugging Face datasets, so its URL stands in
    dataset = refs[dataset_ref]
    assert dataset["type"] == "data" and "purl" not in dataset
    url = f"{fake_hub.url}/datasets/org/dialogues"
    assert dataset["externalReferences"] == [{"type": "vcs", "url": url}]
    assert dataset["data"] == [{"type": "dataset", "name": "org/dialogues", "contents": {"url": url}}]
    # the loopback hub lists a .parquet file without LFS: only its git blob id, which is no content hash
    assert _files(dataset) == {"data/train.parquet": ("data", None, None)}
    train = component(dataset["components"], "data/train.parquet")
    assert properties(train)["hubguard:git-blob-id"] == [git_blob_id(PARQUET)]

    # what could not be resolved says so, and why
    assert properties(refs[ghost_ref])["hubguard:findings"] == ["HG407"]
    assert properties(refs[ghost_ref])["hubguard:resolution"] == ["unresolved"]

    # a torch.hub repository on GitHub, and a checkpoint URL, which has an identity but no commit
    torch_hub = refs[torch_ref]
    assert torch_hub["purl"] == f"pkg:github/someone/repo@{torch_sha}"
    assert properties(torch_hub)["hubguard:remote-code-file"] == ["hubconf.py"]
    checkpoint = refs[url_ref]
    assert checkpoint["type"] == "machine-learning-model" and "purl" not in checkpoint and "pedigree" not in checkpoint
    assert checkpoint["externalReferences"] == [{"type": "distribution", "url": checkpoint_url}]
    assert _files(checkpoint) == {"resnet.pth": ("weights", sha256_hex(STATE_DICT), "torch-zip")}

    # ModelScope has no purl type: each file's page at the commit stands in; ModelScope imports every .py
    ms_model = refs[ms_ref]
    assert "purl" not in ms_model and properties(ms_model)["hubguard:hub"] == ["modelscope"]
    assert properties(ms_model)["hubguard:remote-code-file"] == ["ms_wrapper.py"]
    assert _files(ms_model) == {
        "configuration.json": ("config", sha256_hex(ms_files["configuration.json"]), None),
        "model.safetensors": ("weights", sha256_hex(SAFETENSORS), "safetensors"),
        "ms_wrapper.py": ("code", sha256_hex(ms_files["ms_wrapper.py"]), None),
    }
    wrapper = component(ms_model["components"], "ms_wrapper.py")
    assert wrapper["externalReferences"] == [
        {"type": "vcs", "url": f"{modelscope.url}/models/owner/ms-model/file/view/{ms_sha}/ms_wrapper.py"}
    ]

    dependencies = {entry["ref"]: entry.get("dependsOn", []) for entry in bom["dependencies"]}
    assert dependencies["project"] == sorted(loaded)
    assert dependencies[chat_ref] == [code_base_ref]
    assert dependencies[sd_ref] == [pipe_ref] and dependencies[dev_ref] == [dev_code_ref]
    assert all(dependencies[ref] == [] for ref in [*code_elsewhere, local_ref, torch_ref])


@pytest.mark.slow
def test_a_run_from_the_cache_makes_no_request_and_gives_the_same_bom(
    shas: dict[str, str],
    fake_hub: FakeHub,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "pinned"
    (project / ".git").mkdir(parents=True)
    local, chat, code_base = shas["local-code"], shas["chat"], shas["code-base"]
    (project / "load.py").write_text(
        "from transformers import AutoModel\n"
        f'model = AutoModel.from_pretrained("org/local-code", revision="{local}", trust_remote_code=True)\n'
        f'chat = AutoModel.from_pretrained("org/chat", revision="{chat}", code_revision="{code_base}", '
        "trust_remote_code=True)\n"
    )
    monkeypatch.chdir(project)
    boms = []
    for run in range(2):
        fake_hub.reset_log()
        output = tmp_path / f"run{run}.cdx.json"
        main(["scan", "--format", "cyclonedx", "-o", str(output), "--cache-dir", str(tmp_path / "cache"), "."])
        boms.append(output.read_bytes())
    capsys.readouterr()
    assert fake_hub.requests == []
    assert boms[0] == boms[1]
    components = {entry["name"]: entry for entry in json.loads(boms[1])["components"]}
    assert sorted(_files(components["org/local-code"])) == ["config.json", "model.safetensors", "modeling_local.py"]
    assert _files(components["org/code-base"]) == {  # code from another repository, from its cache entry
        "layers.py": ("code", sha256_hex(LAYERS), None), "modeling_chat.py": ("code", sha256_hex(CHAT_CODE), None)
    }
    assert properties(components["org/chat"])["hubguard:remote-code-file"] == [
        f"org/code-base@{code_base}:layers.py", f"org/code-base@{code_base}:modeling_chat.py"
    ]


def _files(entry: dict[str, Any]) -> dict[str, tuple[str, str | None, str | None]]:
    """Nested file components: path -> (role, SHA-256, format)."""
    files = {}
    for nested in entry.get("components", []):
        props = properties(nested)
        sha256 = nested["hashes"][0]["content"] if nested.get("hashes") else None
        files[nested["name"]] = (props["hubguard:role"][0], sha256, props.get("hubguard:format", [None])[0])
    return files
