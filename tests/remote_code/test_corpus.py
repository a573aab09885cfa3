"""The remote-code corpus through the whole product, every case in ONE scan: consumer code -> static pass ->
loopback hub -> plan -> code sources (the loaded repository's own modules, at code_revision when given; other
repositories named by configs or the call) -> closures -> one Semgrep run + byte signatures -> one verdict per
load -> findings at the consumer's call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from hubguard.config import Config
from hubguard.findings import Finding, Level
from hubguard.pipeline import ScanOptions, run_scan
from tests.fakehub import FakeHub
from tests.remote_code.corpus import ALLOWED, Case, benign, malicious, serve, write_consumer

pytestmark = pytest.mark.slow

REQUIRED_CLASSES = {
    "cross-repo", "code_revision", "custom-pipeline-repo", "custom-generate", "regex-relative-import", "oversize",
    "pth", "dns-exfiltration", "builtins-indirection", "mmap-prot-exec", "ctypes-cfunctype", "socket-to-popen",
    "write-site-packages", "download-chmod-run", "computed-attribute", "computed-import", "lambda-decode",
    "xor-decode", "eval-chain", "cross-function-flow",
    "combination:credential-read+network-send", "combination:computed-import+process-spawn",
    "combination:decode+code-exec",
}
# An error about the code itself on a benign load is a false alarm. A benign load may still be unpinned (HG201,
# HG406 at error): that is the call's fault, and the right answer.
FALSE_ALARMS = {("HG402", "error"), ("HG403", "error"), ("HG408", "error")}
REQUIRED_BENIGN = {"quantization-kernels", "flash-attn-hints", "bz2-base64-kernel-blob", "tokenizer", "processor"}


def build(canary: str) -> list[Case]:
    return malicious.cases(canary) + benign.cases()


NAMES = [case.name for case in build("<canary>")]


@dataclass
class EndToEnd:
    cases: dict[str, Case]
    at_call: dict[str, list[Finding]]  # case name -> findings at its consumer call
    fetched: set[tuple[str, str, str]]  # (repository, commit, path) of every file the first run downloaded
    branch_shas: dict[tuple[str, str], str]  # (repository, branch) -> commit
    canary: Path
    second_run: list[str]  # the requests of a second run (only unpinned code: re-resolving a branch)
    second_run_same: bool


QUERY = "?blobs=true&securityStatus=true"
_DOWNLOAD = re.compile(r"^/(?:datasets/|spaces/)?(?P<repo>[^/]+/[^/]+)/resolve/(?P<sha>[0-9a-f]{40})/(?P<path>[^?]+)")


def run_end_to_end(base: Path) -> EndToEnd:
    """Every case in ONE scan: one consumer file, one remote pass, one Semgrep run; then the same again."""
    canary = base / "canary-ran"
    cases = build(str(canary))
    with FakeHub() as hub, pytest.MonkeyPatch.context() as env:
        home = base / "hf-home"
        env.setenv("HF_ENDPOINT", hub.url)
        env.setenv("HF_HOME", str(home))
        env.setenv("HF_HUB_CACHE", str(home / "hub"))
        env.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        env.setenv("HF_HUB_DISABLE_XET", "1")
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            env.delenv(name, raising=False)
        shas = serve(hub, cases)
        branch_shas = {(repo.repo_id, name): hub.repo(repo.repo_id, repo.repo_type).refs[name]
                       for case in cases for repo in case.repos for name in ("main", *repo.branches)}
        project = base / "consumer"
        lines = write_consumer(project, cases, shas)
        config = Config(allow_remote_code=ALLOWED, cache_dir=base / "cache", timeout=300)
        result = run_scan(ScanOptions([project], project, config))
        fetched = {(m["repo"], m["sha"], unquote(m["path"])) for r in hub.requests if (m := _DOWNLOAD.match(r.path))}
        hub.reset_log()
        again = run_scan(ScanOptions([project], project, config))
        second_run = sorted(request.path for request in hub.requests)
    at_call: dict[str, list[Finding]] = {name: [] for name in lines}
    by_line = {line: name for name, line in lines.items()}
    for finding in result.findings:
        region = finding.location.region
        if finding.location.path == "loads.py" and region and region.start_line in by_line:
            at_call[by_line[region.start_line]].append(finding)
    same_answer = [(f.rule_id, f.message) for f in again.findings] == [(f.rule_id, f.message) for f in result.findings]
    return EndToEnd({case.name: case for case in cases}, at_call, fetched, branch_shas, canary, second_run,
                    same_answer)


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
        if found != case.expected or (case.malicious and not blocked) or (not case.malicious and found & FALSE_ALARMS):
            details = "".join(f"\n    {f.rule_id} {f.level.value}: {f.message[:240]}" for f in run.at_call[name])
            wrong.append(f"{name}: expected {sorted(case.expected)}, got {sorted(found)}{details}")
        wrong.extend(f"{name}: {problem}" for problem in fetch_problems(run, case))
    assert not wrong, "\n".join(wrong)
    assert not run.canary.exists(), "scanned code ran"
    assert run.second_run_same
    assert run.second_run == sorted(set(unpinned_code_lookups(run))), "pinned code was fetched again"
    assert_one_issue_per_line(run.at_call["reverse-shell-dup2"])
    assert_found_past_tables(run.at_call["oversize-file"])
    assert_combination_lists_every_place(run.at_call["combo-credential-send"])
    assert_allow_remote_code_keeps_hg402(run.at_call["allowed-org-payload"])
    assert_combination_spans_repositories(run.at_call["combination-across-repositories"])


def fetch_problems(run: EndToEnd, case: Case) -> list[str]:
    """The code the loader runs from elsewhere was downloaded at the commit the loader uses, and the load's
    HG402 findings point into it."""
    problems = []
    commits = {(fetch.repo_id, run.branch_shas[(fetch.repo_id, fetch.branch or "main")]) for fetch in case.fetches}
    for fetch in case.fetches:
        sha = run.branch_shas[(fetch.repo_id, fetch.branch or "main")]
        if (fetch.repo_id, sha, fetch.entry) not in run.fetched:
            problems.append(f"{fetch.entry} of {fetch.repo_id} at {fetch.branch or 'main'} ({sha[:12]}) not fetched")
        loaded = run.branch_shas[(fetch.repo_id, "main")]  # the corpus loads main's commit
        if fetch.repo_id == case.loaded.repo_id and sha != loaded and (fetch.repo_id, loaded, fetch.entry) in run.fetched:
            problems.append(f"{fetch.entry} was fetched at the loaded commit too, where it does not run from")
    hg402 = [f for f in run.at_call[case.name] if f.rule_id == "HG402"]
    pointed = {_blob_commit(location.path) for finding in hg402 for location in finding.related}
    if case.malicious and commits and not pointed & commits:
        problems.append(f"HG402 points at {sorted(map(str, pointed))}, not at the fetched code {sorted(commits)}")
    return problems


def unpinned_code_lookups(run: EndToEnd) -> list[str]:
    """What a second run may ask the hub: the commit of each branch a load's code comes from (another
    repository's default branch, or the branch code_revision or custom_revision names)."""
    lookups = []
    for case in run.cases.values():
        code_revision = re.search(r'code_revision="([^"{]+)"', case.call)
        if code_revision:
            lookups.append(f"/api/models/{case.loaded.repo_id}/revision/{code_revision[1]}{QUERY}")
        pinned = re.search(r"(code|custom)_revision=\"\{sha\[", case.call)
        for fetch in case.fetches:
            if fetch.branch is not None:
                lookups.append(f"/api/models/{fetch.repo_id}/revision/{fetch.branch}{QUERY}")
            elif not pinned:
                lookups.append(f"/api/models/{fetch.repo_id}{QUERY}")
    return lookups


def _blob_commit(url: str) -> tuple[str, str] | None:
    match = re.search(r"/(?P<repo>[^/]+/[^/]+)/blob/(?P<sha>[0-9a-f]{40})/", url)
    return (match["repo"], match["sha"]) if match else None


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


def assert_combination_spans_repositories(findings: list[Finding]) -> None:
    (finding,) = [f for f in findings if f.rule_id == "HG402"]
    assert finding.properties["combination"] == ["credential-read", "network-send"] and finding.level is Level.ERROR
    assert {(_blob_commit(location.path) or ("?",))[0] for location in finding.related} == {
        "mal/split-stealer", "mal-code/sender"
    }
    assert "'mal-code/sender:modeling_custom.py' line" in finding.message
