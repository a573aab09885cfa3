"""How the remote pass reports what remote_code finds: the real planner and closure against the
loopback hub, with a scanner stand-in so no Semgrep run is needed (test_corpus.py runs the real one)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from hubguard.findings import Finding, HubReference, Level, Location, Region, RevisionState
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.scanners import Scanners
from hubguard.hub.transport import RetryPolicy
from hubguard.remote_code import import_closure, plan_code
from hubguard.remote_code.scan import CodeMatch, ScanOutcome
from tests.fakehub import FakeHub
from tests.hub import doubles

MODEL = b"class CustomModel:\n    pass\n"


class Scanner:
    """Matches `DANGER` lines like a rule would; reports listed files as not analysed by Semgrep."""

    def __init__(self, unscanned: tuple[str, ...] = ()) -> None:
        self.unscanned = unscanned
        self.staged: list[str] = []

    def __call__(self, root: Path) -> ScanOutcome:
        outcome = ScanOutcome()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root).as_posix()
            self.staged.append(relative.partition("/")[2])
            if relative.partition("/")[2] in self.unscanned:
                outcome.unscanned[relative] = "semgrep: Timeout when running rules"
                outcome.retryable.add(relative)
            for number, line in enumerate(path.read_bytes().splitlines(), 1):
                if b"DANGER" in line:
                    outcome.matches.append(CodeMatch(relative, number, number, "hubguard.test-rule", "Danger.",
                                                     "error", "semgrep", (), line.decode()))
        return outcome


def scanners(scanner: Scanner) -> Scanners:
    return dataclasses.replace(doubles.scanners(), plan_code=plan_code, import_closure=import_closure,
                               scan_code=scanner)


def reference(repo_id: str, revision: str, *, line: int = 4) -> HubReference:
    return HubReference("huggingface", "model", repo_id, revision, RevisionState.PINNED,
                        Location("app.py", Region(line, 1, line, 30)), "A1", True, False)


@pytest.fixture
def options(fake_hub: FakeHub, isolated_hf_env: Path, tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(offline=False, timeout=10, cache_dir=tmp_path / "cache", endpoint=fake_hub.url, token=None,
                         retry=RetryPolicy(attempts=2, backoff=0.01))


def by_rule(result: RemoteResult, rule_id: str) -> list[Finding]:
    return [finding for finding in result.findings if finding.rule_id == rule_id]


def test_a_refused_auto_map_name_is_an_error_saying_so(fake_hub: FakeHub, options: RemoteOptions) -> None:
    auto_map = {"AutoConfig": "..escape.Cfg", "AutoModel": "modeling.CustomModel"}
    sha = fake_hub.add_repo("org/escape", {"config.json": json.dumps({"auto_map": auto_map}).encode(),
                                           "modeling.py": MODEL})
    result = run_remote_pass([reference("org/escape", sha)], options, scanners=scanners(Scanner()))
    (finding,) = by_rule(result, "HG408")
    assert finding.level is Level.ERROR
    assert "config.json auto_map AutoConfig: refused the name (unsafe module name: '..escape')" in finding.message


def test_a_modules_json_path_escaping_the_repo_is_an_error(fake_hub: FakeHub, options: RemoteOptions) -> None:
    modules = [{"idx": 0, "name": "0", "path": "../../x", "type": "custom_st.Pool"}]
    sha = fake_hub.add_repo("org/st", {"modules.json": json.dumps(modules).encode(), "custom_st.py": MODEL})
    result = run_remote_pass([reference("org/st", sha)], options, scanners=scanners(Scanner()))
    (finding,) = by_rule(result, "HG408")
    assert "refused the name (unsafe path: '../../x')" in finding.message


def test_sentence_transformers_modules_json_is_planned(fake_hub: FakeHub, options: RemoteOptions) -> None:
    modules = [{"idx": 0, "name": "0", "path": "", "type": "custom_st.Pool"}]
    sha = fake_hub.add_repo("org/st-ok", {"modules.json": json.dumps(modules).encode(),
                                          "custom_st.py": b"DANGER = 1\nclass Pool:\n    pass\n"})
    result = run_remote_pass([reference("org/st-ok", sha)], options, scanners=scanners(Scanner()))
    assert sorted(f.rule_id for f in result.findings) == ["HG401", "HG402"]


def test_code_over_the_size_cap_is_an_error_and_cached_with_its_reason(
    fake_hub: FakeHub, options: RemoteOptions
) -> None:
    config = json.dumps({"auto_map": {"AutoModel": "modeling.CustomModel"}}).encode()
    modeling = b"from .tables import T\n" + MODEL
    sha = fake_hub.add_repo("org/big", {"config.json": config, "modeling.py": modeling, "tables.py": b"#" * 5000})
    options.max_code_bytes = 4000
    scanner = Scanner()
    first = run_remote_pass([reference("org/big", sha)], options, scanners=scanners(scanner))
    (finding,) = by_rule(first, "HG408")
    assert finding.level is Level.ERROR and "tables.py" in finding.message and "cap" in finding.message
    assert [loc.path.rsplit("/", 1)[1] for loc in finding.related] == ["tables.py"]
    fake_hub.reset_log()
    second = run_remote_pass([reference("org/big", sha)], options, scanners=scanners(scanner))
    assert fake_hub.requests == []
    assert [(f.rule_id, f.message) for f in second.findings] == [(f.rule_id, f.message) for f in first.findings]


def test_a_closure_file_semgrep_could_not_analyse_is_an_error(fake_hub: FakeHub, options: RemoteOptions) -> None:
    config = json.dumps({"auto_map": {"AutoModel": "modeling.CustomModel"}}).encode()
    sha = fake_hub.add_repo("org/slow", {"config.json": config, "modeling.py": b"from .heavy import x\n" + MODEL,
                                         "heavy.py": b"x = 1\n"})
    result = run_remote_pass([reference("org/slow", sha)], options, scanners=scanners(Scanner(("heavy.py",))))
    (finding,) = by_rule(result, "HG408")
    assert "'heavy.py': 'semgrep: Timeout when running rules'" in finding.message
    fake_hub.reset_log()
    run_remote_pass([reference("org/slow", sha)], options, scanners=scanners(Scanner()))
    assert fake_hub.requests, "a timeout may not recur, so that outcome must not be cached"


def test_a_file_only_the_loader_regex_finds_is_fetched_and_judged(fake_hub: FakeHub, options: RemoteOptions) -> None:
    config = json.dumps({"auto_map": {"AutoModel": "modeling.CustomModel"}}).encode()
    modeling = b'"""Example:\n\n    from .helpers import boot\n"""\n' + MODEL
    sha = fake_hub.add_repo("org/doc", {"config.json": config, "modeling.py": modeling,
                                        "helpers.py": b"import os\nDANGER = os.system\n"})
    scanner = Scanner()
    result = run_remote_pass([reference("org/doc", sha)], options, scanners=scanners(scanner))
    assert "helpers.py" in scanner.staged
    (finding,) = by_rule(result, "HG402")
    assert finding.level is Level.ERROR and "'helpers.py' line 2 'DANGER = os.system'" in finding.message
