"""The neutral inventory model: records per repository version, their facts, and how they survive the cache."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

import pytest

from hubguard.findings import Finding, HubReference, Level, ScanResult
from hubguard.hub.code_units import UnitResult
from hubguard.hub.facts import MAX_LISTED_FILES, code_facts, repo_facts
from hubguard.hub.outcome import RepoIssue, RepoOutcome
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.inventory import (
    PINNED,
    RESOLVED,
    UNRESOLVED,
    LoadedCode,
    RepoFacts,
    RepoFile,
    ResolvedReference,
    build_inventory,
)
from tests.hub.test_remote_pass import ref

SHA = "a" * 40
OTHER_SHA = "b" * 40


def remote_finding(reference: HubReference, rule_id: str, level: Level) -> Finding:
    return RepoIssue(rule_id, "m", level).finding_at(reference, SHA)


def test_references_resolving_to_one_commit_are_one_record() -> None:
    main, default = ref("org/m", "main", line=1), ref("org/m", None, line=2, code=True)
    facts = RepoFacts(SHA, (RepoFile("model.safetensors", 8, "weights", format="safetensors"),), 1)
    result = ScanResult(references=[default, main], resolved=[
        ResolvedReference(main, SHA, facts), ResolvedReference(default, SHA, facts)
    ])
    [item] = build_inventory(result, "p").items
    assert (item.version, item.resolution, item.requested_revisions) == (SHA, RESOLVED, {None, "main"})
    assert [site.line for site in item.call_sites] == [1, 2]
    assert item.trust_remote_code and not item.pinned and item.facts == facts


def test_offline_each_requested_revision_is_its_own_unresolved_record() -> None:
    result = ScanResult(references=[ref("org/m", "main"), ref("org/m"), ref("org/m", SHA), ref("org/m", "v1.0")])
    items = build_inventory(result, "p").items
    assert [(item.version, item.resolution) for item in items] == [
        (None, UNRESOLVED), (SHA, PINNED), ("main", UNRESOLVED), ("v1.0", UNRESOLVED)
    ]
    assert items[0].bom_ref == "huggingface:model/org/m@(default)"
    assert items[1].bom_ref == f"huggingface:model/org/m@{SHA}"
    assert items[1].pinned and not items[0].pinned


def test_a_pinned_sha_another_reference_resolved_to_is_resolved() -> None:
    pinned, branch = ref("org/m", SHA, line=1), ref("org/m", "main", line=2)
    result = ScanResult(references=[pinned, branch], resolved=[ResolvedReference(branch, SHA, None)])
    [item] = build_inventory(result, "p").items
    assert item.resolution == RESOLVED and len(item.call_sites) == 2


def test_remote_findings_attach_to_their_reference_and_static_ones_do_not() -> None:
    first, second = ref("org/m", line=1), ref("org/other", line=1)
    findings = [
        remote_finding(first, "HG404", Level.WARNING),
        remote_finding(first, "HG403", Level.ERROR),
        remote_finding(second, "HG407", Level.ERROR),
        Finding("HG201", "unpinned", first.location, Level.WARNING, properties={"repoId": "org/m", "hub": "huggingface",
                "repoType": "model", "requestedRevision": None}),
    ]
    result = ScanResult(findings=findings, references=[first, second])
    items = {item.repo_id: item for item in build_inventory(result, "p").items}
    assert items["org/m"].rules == {"HG403", "HG404"} and items["org/m"].worst_level is Level.ERROR
    assert items["org/other"].rules == {"HG407"}


def code(repo_id: str, revision: str | None, sha: str | None, *paths: str) -> LoadedCode:
    files = tuple(RepoFile(path, 1, "code") for path in paths)
    return LoadedCode("huggingface", "model", repo_id, revision, sha, RepoFacts(sha, files, len(files)) if sha else None)


def test_code_a_load_runs_is_its_own_or_a_dependency_on_the_commit_it_comes_from() -> None:
    loads = ref("org/m", SHA, code=True, code_revision="dev")
    weights = RepoFacts(SHA, (RepoFile("model.safetensors", 8, "weights"),), 1)
    ran = (
        code("org/m", "dev", OTHER_SHA, "modeling.py"),  # its own modules, at code_revision
        code("org/code", None, OTHER_SHA, "remote.py", "util.py"),  # a cross-repository auto_map
        code("org/tagged", "v2", None),  # named, but not fetched
    )
    result = ScanResult(references=[loads], resolved=[ResolvedReference(loads, SHA, weights, ran)])
    items = {(item.repo_id, item.version): item for item in build_inventory(result, "p").items}
    model, own_elsewhere = items["org/m", SHA], items["org/m", OTHER_SHA]
    other, tagged = items["org/code", OTHER_SHA], items["org/tagged", "v2"]
    assert model.depends_on == {own_elsewhere.key, other.key, tagged.key}
    assert model.runs_code == {f"org/m@{OTHER_SHA}:modeling.py", f"org/code@{OTHER_SHA}:remote.py",
                               f"org/code@{OTHER_SHA}:util.py"}
    assert [file.path for file in model.facts.files] == ["model.safetensors"]  # the loaded commit's code never runs
    assert [file.path for file in other.facts.files] == ["remote.py", "util.py"]
    assert (other.resolution, other.direct, tagged.resolution, tagged.facts) == (RESOLVED, False, UNRESOLVED, None)


def test_code_of_the_loaded_commit_is_listed_with_its_files() -> None:
    loads = ref("org/m", "main", code=True)
    weights = RepoFacts(SHA, (RepoFile("config.json", 2, "config"),), 1, "bert")
    result = ScanResult(references=[loads], resolved=[
        ResolvedReference(loads, SHA, weights, (code("org/m", SHA, SHA, "modeling.py"),))
    ])
    [item] = build_inventory(result, "p").items
    assert item.runs_code == {"modeling.py"} and not item.depends_on
    assert [(file.path, file.role) for file in item.facts.files] == [("config.json", "config"), ("modeling.py", "code")]
    assert item.facts.model_type == "bert"


def test_a_repository_loaded_directly_and_as_code_is_one_component() -> None:
    model, pipeline = ref("org/m", SHA, line=1), ref("org/pipe", SHA, line=2)
    pipe_code = code("org/pipe", SHA, SHA, "pipeline.py")
    result = ScanResult(references=[model, pipeline], resolved=[
        ResolvedReference(model, SHA, None, (pipe_code,)), ResolvedReference(pipeline, SHA, None)
    ])
    items = {item.repo_id: item for item in build_inventory(result, "p").items}
    assert items["org/m"].depends_on == {items["org/pipe"].key} and items["org/pipe"].direct
    assert [file.path for file in items["org/pipe"].facts.files] == ["pipeline.py"]


def test_facts_of_two_loads_of_one_commit_merge() -> None:
    config = RepoFile("config.json", 2, "config")
    weights = RepoFile("pytorch_model.bin", 9, "weights", format="torch-zip", format_source="content", verdict="safe")
    without_weights = RepoFacts(SHA, (config,), 1, "llama", ("LlamaModel",))
    with_weights = RepoFacts(SHA, (config, weights), 2)
    merged = with_weights.merged(without_weights)
    assert merged.files == (config, weights) and merged.files_total == 2
    assert (merged.model_type, merged.architectures) == ("llama", ("LlamaModel",))


def test_outcomes_carry_their_facts_through_the_cache_format() -> None:
    facts = RepoFacts(
        SHA,
        (RepoFile("m.bin", 3, "weights", "f" * 64, "c" * 40, "https://hub/m.bin", "pickle", "content", "malicious"),),
        4,
        "bert",
        ("BertModel",),
    )
    outcome = RepoOutcome(SHA, [RepoIssue("HG404", "pickles", Level.WARNING)], facts=facts)
    assert RepoOutcome.from_json(outcome.to_json()) == outcome
    failed = RepoOutcome(None, [])
    assert RepoOutcome.from_json(failed.to_json()) == failed
    stale = outcome.to_json()
    del stale["facts"]
    with pytest.raises(KeyError):  # an entry without facts is a cache miss, never an inventory without files
        RepoOutcome.from_json(stale)


def test_code_sources_carry_their_files_through_the_cache_format() -> None:
    files = (RepoFile("modeling.py", 7, "code", "f" * 64, "c" * 40, "https://hub/modeling.py"),)
    unit = UnitResult(SHA, ["modeling.py"], {"modeling.py": "https://hub/modeling.py"}, facts=RepoFacts(SHA, files, 1))
    assert UnitResult.from_json(unit.to_json()) == unit
    stale = unit.to_json()
    del stale["facts"]
    with pytest.raises(KeyError):
        UnitResult.from_json(stale)


# --- hub/facts.py: what the remote pass records about one load ------------------------------------------------


class Reader:
    def web_url(self, path: str) -> str:
        return f"https://hub.example/org/m/blob/{SHA}/{path}"


def snapshot(files: dict[str, FileInfo], repo_type: str = "model") -> RepoSnapshot:
    return RepoSnapshot("huggingface", repo_type, "org/m", None, SHA, files)


def facts_of(snap: RepoSnapshot, **overrides: Any) -> RepoFacts:
    arguments: dict[str, Any] = {
        "loads_weights": True,
        "configs_read": [],
        "verdicts": {},
        "is_weight_candidate": lambda path: path.endswith((".bin", ".gguf", ".safetensors")),
        "read_json": lambda path: None,
        "fetched": lambda path: None,
    }
    return repo_facts(snap, Reader(), **(arguments | overrides))


def test_each_listed_file_has_its_role_and_the_hub_hashes() -> None:
    snap = snapshot({
        "config.json": FileInfo(20, blob_id="1" * 40),
        "modeling.py": FileInfo(7, blob_id="2" * 40),
        "model.safetensors": FileInfo(100, "3" * 40, "4" * 64),
        "pytorch_model.bin": FileInfo(100, "5" * 40, "6" * 64),
        "README.md": FileInfo(5),
    })
    facts = facts_of(snap, configs_read=["config.json"], fetched={"modeling.py": b"x = 1\n"}.get)
    assert [(f.path, f.role, f.format, f.format_source) for f in facts.files] == [
        ("config.json", "config", None, None),
        ("model.safetensors", "weights", "safetensors", "name"),  # safetensors win: the .bin is not loaded
    ]
    assert facts.files[0].sha256 is None  # neither listed by the hub nor read by the scan: no hash is invented
    assert facts.files[1].sha256 == "4" * 64
    assert facts.files[1].url == f"https://hub.example/org/m/blob/{SHA}/model.safetensors"


def test_code_files_get_the_sha256_of_the_bytes_read() -> None:
    snap = snapshot({"modeling.py": FileInfo(7, blob_id="2" * 40), "util.py": FileInfo(3, blob_id="3" * 40)})
    urls = {"modeling.py": "https://hub.example/modeling.py"}
    facts = code_facts(snap, ["modeling.py", "util.py", "gone.py"], urls, {"modeling.py": b"x = 1\n"}.get)
    [code, unread] = facts.files
    assert (code.path, code.role, code.blob_id, code.url) == ("modeling.py", "code", "2" * 40, urls["modeling.py"])
    assert code.sha256 == hashlib.sha256(b"x = 1\n").hexdigest()  # the hub lists only a blob id; hubguard read it
    assert (unread.path, unread.sha256, unread.url) == ("util.py", None, None)
    assert facts.files_total == 2 and facts.sha == SHA


def test_weights_the_inspector_read_carry_its_format_and_verdict() -> None:
    snap = snapshot({"pytorch_model.bin": FileInfo(10), "extra.gguf": FileInfo(10)})
    verdict = SimpleNamespace(format="torch-zip", verdict=SimpleNamespace(name="MALICIOUS"))
    facts = facts_of(snap, verdicts={"pytorch_model.bin": verdict})
    assert [(f.path, f.format, f.format_source, f.verdict) for f in facts.files] == [
        ("extra.gguf", "gguf", "name", None),
        ("pytorch_model.bin", "torch-zip", "content", "malicious"),
    ]
    assert facts_of(snap, loads_weights=False).files == ()


def test_datasets_list_their_files_up_to_a_cap_and_count_the_rest() -> None:
    shards = {f"data/{index:05}.parquet": FileInfo(1) for index in range(MAX_LISTED_FILES + 5)}
    snap = snapshot(shards | {"README.md": FileInfo(1), ".gitattributes": FileInfo(1)}, repo_type="dataset")
    facts = facts_of(snap, loads_weights=False)
    assert len(facts.files) == MAX_LISTED_FILES and facts.files_total == MAX_LISTED_FILES + 5
    assert {f.role for f in facts.files} == {"data"} and facts.files[0].path == "data/00000.parquet"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}, ("llama", ("LlamaForCausalLM",))),
        ({"model_type": 3, "architectures": "LlamaForCausalLM"}, (None, ())),
        ({"model_type": "x\u202e\x1b[31m" + "y" * 500, "architectures": [1, "", "A\nB"] + ["C"] * 10},
         ("x??[31m" + "y" * 90 + "...", ("A?B", "C", "C", "C", "C"))),
        (["not", "a", "dict"], (None, ())),
    ],
)
def test_architecture_from_config_json_is_untrusted_text(config: Any, expected: tuple[Any, Any]) -> None:
    snap = snapshot({"config.json": FileInfo(10)})
    facts = facts_of(snap, read_json=lambda path: config)
    assert (facts.model_type, facts.architectures) == expected
