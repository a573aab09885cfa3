"""The remote-code corpus: malicious and benign hub repositories, stored as data.

Every case declares the consumer's call, the repositories it involves (with the revision the
loader would fetch code from when that is not the loaded commit), and the exact rules and levels
expected at that call. The repositories' code is text in these builders: tests serve it from the
loopback hub and scan it, never import or run it (each malicious module writes a canary file first
thing, and tests assert it never appears).

A call is a format string: ``{rev}`` is the loaded repository's commit, ``{sha[org/name]}`` the
commit of another repository's main branch (for calls that pin code_revision or custom_revision).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakehub import FakeHub

ERROR, WARNING = "error", "warning"
ALLOWED = ("benign/*", "benign-code/*", "allowed/*")  # allow-remote-code for every run of the corpus
CONSUMER_IMPORTS = (
    "from datasets import load_dataset\n"
    "from diffusers import DiffusionPipeline\n"
    "from sentence_transformers import SentenceTransformer\n"
    "from transformers import AutoModel, AutoModelForCausalLM, AutoProcessor, AutoTokenizer, pipeline\n\n"
)


@dataclass(frozen=True)
class Repo:
    """A repository the loopback hub serves (``serve_repos``)."""

    repo_id: str
    files: Mapping[str, bytes]
    repo_type: str = "model"
    branches: Mapping[str, Mapping[str, bytes]] = field(default_factory=dict)  # name -> the branch's whole tree
    tags: Mapping[str, str] = field(default_factory=dict)  # tag -> branch
    gated: bool = False
    security_status: dict[str, Any] | None = None  # the hub's own scan verdict
    rate_limited: bool = False  # every API answer is a 429 asking for an hour's wait


@dataclass(frozen=True)
class Fetch:
    """Code the load runs from a repository other than the loaded one, or at another revision."""

    repo_id: str
    branch: str | None  # the branch whose commit the loader fetches; None: the default branch (main)
    entry: str  # the module file the loader imports first


@dataclass(frozen=True)
class Case:
    name: str
    malicious: bool
    covers: tuple[str, ...]  # the classes of issue 9 this case stands for
    call: str  # the consumer's statement (see the module docstring for its fields)
    repos: tuple[Repo, ...]  # the loaded repository first
    expected: frozenset[tuple[str, str]]  # (rule, level) findings at the consumer's call
    fetches: tuple[Fetch, ...] = ()  # code run from another repository or revision: findings point there

    @property
    def loaded(self) -> Repo:
        return self.repos[0]


def expect(*pairs: tuple[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairs)


def text(source: str) -> bytes:
    return source.encode("utf-8")


def config(auto_map: Mapping[str, Any] | None = None, **extra: Any) -> bytes:
    data: dict[str, Any] = {"model_type": "custom", "architectures": ["CustomModel"], **extra}
    if auto_map is not None:
        data["auto_map"] = dict(auto_map)
    return json.dumps(data, indent=2).encode()


def json_file(data: Any) -> bytes:
    return json.dumps(data, indent=2).encode()


def canary_line(canary: str, name: str) -> str:
    """First statement of every malicious module: proof that scanning never runs the code."""
    return f"open({canary!r}, 'a').write({name!r})  # canary: exists only if this file ever runs\n"


MODEL_CLASS = '''

class CustomConfig(PretrainedConfig):
    model_type = "custom"

    def __init__(self, hidden_size=64, num_layers=2, **kwargs):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        super().__init__(**kwargs)


class CustomModel(PreTrainedModel):
    config_class = CustomConfig

    def __init__(self, config):
        super().__init__(config)
        self.layers = nn.ModuleList(nn.Linear(config.hidden_size, config.hidden_size) for _ in range(config.num_layers))

    def forward(self, hidden_states):
        for layer in self.layers:
            hidden_states = torch.relu(layer(hidden_states))
        return hidden_states
'''
MODEL_IMPORTS = "import torch\nfrom torch import nn\nfrom transformers import PretrainedConfig, PreTrainedModel\n"
AUTO_MAP = {"AutoConfig": "modeling_custom.CustomConfig", "AutoModel": "modeling_custom.CustomModel"}
PAIR_PIPELINES = {
    "pair-classification": {"impl": "pair_pipeline.PairClassification", "pt": ["AutoModelForSequenceClassification"]}
}


def serve(hub: FakeHub, cases: list[Case]) -> dict[str, str]:
    """Every repository of the cases on the loopback hub; returns each one's main commit."""
    return serve_repos(hub, [repo for case in cases for repo in case.repos])


def serve_repos(hub: FakeHub, repos: list[Repo]) -> dict[str, str]:
    shas: dict[str, str] = {}
    for repo in repos:
        if repo.repo_id in shas:
            continue
        shas[repo.repo_id] = hub.add_repo(
            repo.repo_id, dict(repo.files), repo_type=repo.repo_type, gated=repo.gated, tags=dict(repo.tags),
            branches={name: dict(tree) for name, tree in repo.branches.items()}, security_status=repo.security_status,
        )
        if repo.rate_limited:
            hub.fault(f"^/api/{repo.repo_type}s/{re.escape(repo.repo_id)}[/?]", "status", status=429, retry_after=3600)
    return shas


def write_consumer(root: Path, cases: list[Case], shas: dict[str, str]) -> dict[str, int]:
    """One consumer file with every case's call, one per line; returns each case's line."""
    lines = {}
    source = CONSUMER_IMPORTS
    for case in cases:
        lines[case.name] = source.count("\n") + 1
        source += f"result_{len(lines)} = " + case.call.format(rev=shas[case.loaded.repo_id], sha=shas) + "\n"
    root.mkdir(parents=True)
    (root / "loads.py").write_text(source)
    return lines
