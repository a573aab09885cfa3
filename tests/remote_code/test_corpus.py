"""The remote-code corpus through the whole product: consumer code -> static pass -> loopback hub ->
plan -> closure -> one Semgrep run + byte signatures -> verdict -> findings at the consumer's call.

Cases whose code comes from another repository or revision (next wave's orchestration) run here at
the planning and scanning level, batched into one more Semgrep run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding, Level
from hubguard.pipeline import ScanOptions, run_scan
from hubguard.remote_code import import_closure, plan_code, scan_code
from hubguard.remote_code.verdict import CodeIssue, judge_closure
from tests.fakehub import FakeHub
from tests.remote_code.corpus import Case, Repo, benign, malicious

pytestmark = pytest.mark.slow

ALLOWED = ("benign/*", "benign-code/*", "allowed/*")
CONSUMER_IMPORTS = (
    "from datasets import load_dataset\n"
    "from diffusers import DiffusionPipeline\n"
    "from sentence_transformers import SentenceTransformer\n"
    "from transformers import AutoModel, AutoModelForCausalLM, AutoProcessor, AutoTokenizer, pipeline\n\n"
)
REQUIRED_CLASSES = {
    "cross-repo", "code_revision", "custom-pipeline-repo", "custom-generate", "regex-relative-import", "oversize",
    "pth", "dns-exfiltration", "builtins-indirection", "mmap-prot-exec", "ctypes-cfunctype", "socket-to-popen",
    "write-site-packages", "download-chmod-run", "computed-attribute", "computed-import", "lambda-decode",
    "xor-decode", "eval-chain", "cross-function-flow",
    "combination:credential-read+network-send", "combination:computed-import+process-spawn",
    "combination:decode+code-exec",
}
REQUIRED_BENIGN = {"quantization-kernels", "flash-attn-hints", "bz2-base64-kernel-blob", "tokenizer", "processor"}


def build(canary: str) -> list[Case]:
    return malicious.cases(canary) + benign.cases()


NAMES = [case.name for case in build("<canary>")]


@dataclass
class EndToEnd:
    cases: dict[str, Case]
    at_call: dict[str, list[Finding]]  # case name -> findings at its consumer call
    canary: Path
    second_run_requests: int  # every reference is pinned, so a second run is answered from the cache
    second_run_same: bool


def _serve(hub: FakeHub, cases: list[Case]) -> dict[str, str]:
    shas: dict[str, str] = {}
    for case in cases:
        for repo in case.repos:
            if repo.repo_id not in shas:
                branches = {name: dict(tree) for name, tree in repo.branches.items()}
                shas[repo.repo_id] = hub.add_repo(repo.repo_id, dict(repo.files), repo_type=repo.repo_type,
                                                  branches=branches)
    return shas


def _consumer(root: Path, cases: list[Case], shas: dict[str, str]) -> dict[str, int]:
    lines = {}
    source = CONSUMER_IMPORTS
    for case in cases:
        lines[case.name] = source.count("\n") + 1
        source += f"result_{len(lines)} = " + case.call.format(rev=shas[case.loaded.repo_id]) + "\n"
    root.mkdir(parents=True)
    (root / "loads.py").write_text(source)
    return lines


def _tree(repo: Repo, revision: str | None) -> dict[str, bytes]:
    return dict(repo.branches.get(revision, repo.files)) if revision else dict(repo.files)


def _planned(cases: list[Case], work: Path) -> tuple[dict[str, list[CodeIssue]], dict[str, set[tuple[str, str | None]]]]:
    """Plan each case from its loaded repository, stage the code each named fetch runs, scan once."""
    repos = {repo.repo_id: repo for case in cases for repo in case.repos}
    fetched: dict[str, set[tuple[str, str | None]]] = {}
    for index, case in enumerate(cases):
        loaded = case.loaded
        files = {path: len(data) for path, data in loaded.files.items()}
        plan = plan_code(files, lambda path: json.loads(loaded.files[path]), repo_type=loaded.repo_type,
                         runs_remote_code=True, call=case.code_call)
        named = {(ref.repo_id, ref.revision) for ref in plan.cross_repo + plan.call_repos}
        if plan.code_revision is not None and plan.modules:
            named.add((loaded.repo_id, plan.code_revision))
        fetched[case.name] = named
        for fetch in case.fetches:
            tree = _tree(repos[fetch.repo_id], fetch.revision)
            closure = import_closure([fetch.entry], lambda path: tree[path].decode(), {p: len(d) for p, d in tree.items()})
            for path in closure:
                target = work / f"c{index}" / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tree[path])
    scanned = scan_code(work)
    assert scanned.errors == [] and scanned.unscanned == {}
    verdicts = {}
    for index, case in enumerate(cases):
        prefix = f"c{index}/"
        verdicts[case.name] = judge_closure(m for m in scanned.matches if m.path.startswith(prefix))
    return verdicts, fetched


def run_end_to_end(base: Path) -> EndToEnd:
    """Every end-to-end case in ONE scan: one consumer file, one remote pass, one Semgrep run."""
    canary = base / "canary-ran"
    cases = [case for case in build(str(canary)) if case.end_to_end]
    with FakeHub() as hub, pytest.MonkeyPatch.context() as env:
        home = base / "hf-home"
        env.setenv("HF_ENDPOINT", hub.url)
        env.setenv("HF_HOME", str(home))
        env.setenv("HF_HUB_CACHE", str(home / "hub"))
        env.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        env.setenv("HF_HUB_DISABLE_XET", "1")
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            env.delenv(name, raising=False)
        shas = _serve(hub, cases)
        project = base / "consumer"
        lines = _consumer(project, cases, shas)
        config = Config(allow_remote_code=ALLOWED, cache_dir=base / "cache", timeout=300)
        result = run_scan(ScanOptions([project], project, config))
        hub.reset_log()
        again = run_scan(ScanOptions([project], project, config))
        second_run_requests = len(hub.requests)
    at_call: dict[str, list[Finding]] = {name: [] for name in lines}
    by_line = {line: name for name, line in lines.items()}
    for finding in result.findings:
        region = finding.location.region
        if finding.location.path == "loads.py" and region and region.start_line in by_line:
            at_call[by_line[region.start_line]].append(finding)
    same_answer = [(f.rule_id, f.message) for f in again.findings] == [(f.rule_id, f.message) for f in result.findings]
    return EndToEnd({case.name: case for case in cases}, at_call, canary, second_run_requests, same_answer)


def levels(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(finding.rule_id, finding.level.value) for finding in findings if not finding.suppressed}


def test_corpus_size_and_coverage() -> None:
    cases = build("<canary>")
    bad = [case for case in cases if case.malicious]
    good = [case for case in cases if not case.malicious]
    assert len(bad) >= 40 and len(good) >= 20
    assert REQUIRED_CLASSES <= {cover for case in bad for cover in case.covers}
    assert REQUIRED_BENIGN <= {cover for case in good for cover in case.covers}
    assert len(set(NAMES)) == len(NAMES)


def test_end_to_end_corpus(tmp_path: Path) -> None:
    run = run_end_to_end(tmp_path)
    wrong = []
    for name, case in run.cases.items():
        found = levels(run.at_call[name])
        blocked = ("HG402", "error") in found or ("HG403", "error") in found
        errors = any(level == "error" for _, level in found)
        if found != case.expected or (case.malicious and not blocked) or (not case.malicious and errors):
            details = "".join(f"\n    {f.rule_id} {f.level.value}: {f.message[:240]}" for f in run.at_call[name])
            wrong.append(f"{name}: expected {sorted(case.expected)}, got {sorted(found)}{details}")
    assert not wrong, "\n".join(wrong)
    assert not run.canary.exists(), "scanned code ran"
    assert run.second_run_requests == 0 and run.second_run_same
    assert_one_issue_per_line(run.at_call["reverse-shell-dup2"])
    assert_found_past_tables(run.at_call["oversize-file"])
    assert_combination_lists_every_place(run.at_call["combo-credential-send"])
    assert_allow_remote_code_keeps_hg402(run.at_call["allowed-org-payload"])


def test_other_repositories_are_planned_and_their_code_judged(tmp_path: Path) -> None:
    cases = [case for case in build(str(tmp_path / "canary")) if not case.end_to_end]
    verdicts, fetched = _planned(cases, tmp_path / "planned")
    wrong = []
    for case in cases:
        expected_fetches = {(fetch.repo_id, fetch.revision) for fetch in case.fetches}
        judged = {issue.level for issue in verdicts[case.name]}
        if fetched[case.name] != expected_fetches or ("error" in judged) is not case.malicious:
            messages = [issue.message[:240] for issue in verdicts[case.name]]
            wrong.append(f"{case.name}: planned {sorted(fetched[case.name], key=str)}, judged {messages}")
    assert not wrong, "\n".join(wrong)
    assert not (tmp_path / "canary").exists()


def assert_one_issue_per_line(findings: list[Finding]) -> None:
    (finding,) = [f for f in findings if f.rule_id == "HG402"]
    assert finding.message.count("'os.dup2(_s.fileno(), 0)'") == 1
    assert "hubguard.reverse-shell" in finding.message and "hubguard.sig.reverse-shell-dup2" in finding.message
    assert [(loc.region.start_line, loc.region.end_line) for loc in finding.related if loc.region] == [(8, 12)]


def assert_found_past_tables(findings: list[Finding]) -> None:
    (finding,) = [f for f in findings if f.rule_id == "HG402"]
    related = finding.related[0]
    assert related.path.endswith("/rope_tables.py") and related.region is not None
    assert related.region.start_line > 70_000 and finding.level is Level.ERROR


def assert_combination_lists_every_place(findings: list[Finding]) -> None:
    (finding,) = [f for f in findings if f.rule_id == "HG402"]
    assert finding.properties["combination"] == ["credential-read", "network-send"]
    assert {re.sub(r".*/", "", loc.path) for loc in finding.related} == {"auth_utils.py", "telemetry.py"}


def assert_allow_remote_code_keeps_hg402(findings: list[Finding]) -> None:
    found = levels(findings)
    assert ("HG402", "error") in found and not any(rule == "HG101" for rule, _ in found)
