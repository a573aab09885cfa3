"""The labelled corpus of the remote rules (tests/remote_corpus): every call's remote findings, exactly.

Its repositories are served by the loopback hub; its consumer files are scanned in ONE run of the whole
product (static pass, remote pass, real Semgrep). Each call line states the exact multiset of remote
findings (rule and level) its call must produce, and every remote finding sits where its reference does.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding, ScanResult
from hubguard.pipeline import ScanOptions, run_scan
from tests.fakehub import FakeHub
from tests.remote_code.corpus import serve_repos
from tests.remote_corpus.repos import repos

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[1] / "remote_corpus"
REMOTE_PREFIX = "HG4"
_PLACEHOLDER = re.compile(r"<sha of (?P<repo>[\w.-]+/[\w.-]+)(?:@(?P<branch>[\w.-]+))?>")
_ANNOTATION = re.compile(r"#\s*remote:(?P<tokens>[^#]*)$")
_TOKEN = re.compile(r"(?P<rule>HG\d{3})@(?P<level>note|warning|error)")
# Every remote rule at every level the remote pass reports it at, or the corpus does not pin that behaviour.
REQUIRED = {
    ("HG401", "warning"), ("HG402", "error"), ("HG402", "warning"), ("HG403", "error"), ("HG403", "warning"),
    ("HG403", "note"), ("HG404", "warning"), ("HG405", "warning"), ("HG406", "error"), ("HG407", "error"),
    ("HG408", "error"),
}

Key = tuple[str, int]  # consumer file, line


def expected_findings() -> tuple[dict[Key, Counter[tuple[str, str]]], list[str]]:
    expected: dict[Key, Counter[tuple[str, str]]] = {}
    problems = []
    for path in sorted((CORPUS / "loads").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            annotation = _ANNOTATION.search(line)
            if annotation is None:
                continue
            tokens = annotation["tokens"].split()
            parsed = [_TOKEN.fullmatch(token) for token in tokens]
            if tokens == ["clean"]:
                expected[(path.name, number)] = Counter()
            elif tokens and all(parsed):
                expected[(path.name, number)] = Counter((m["rule"], m["level"]) for m in parsed if m)
            else:
                problems.append(f"{path.name}:{number}: malformed annotation {annotation['tokens'].strip()!r}")
    return expected, problems


@pytest.fixture(scope="module")
def corpus_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    base = tmp_path_factory.mktemp("remote-corpus")
    with FakeHub() as hub, pytest.MonkeyPatch.context() as env:
        env.setenv("HF_ENDPOINT", hub.url)
        env.setenv("HF_HOME", str(base / "hf-home"))
        env.setenv("HF_HUB_CACHE", str(base / "hf-home" / "hub"))
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            env.delenv(name, raising=False)
        served = {repo.repo_id: repo for repo in repos()}
        serve_repos(hub, list(served.values()))

        def commit(match: re.Match[str]) -> str:
            return hub.repo(match["repo"], served[match["repo"]].repo_type).refs[match["branch"] or "main"]

        project = base / "project"
        project.mkdir()
        for path in (CORPUS / "loads").glob("*.py"):
            (project / path.name).write_text(_PLACEHOLDER.sub(commit, path.read_text(encoding="utf-8")))
        return run_scan(ScanOptions([project], project, Config(cache_dir=base / "cache", timeout=60)))


def test_every_call_gets_exactly_its_remote_findings(corpus_scan: ScanResult) -> None:
    expected, problems = expected_findings()
    found: dict[Key, Counter[tuple[str, str]]] = {}
    for finding in corpus_scan.findings:
        if finding.rule_id.startswith(REMOTE_PREFIX):
            assert finding.location.region is not None
            key = (finding.location.path, finding.location.region.start_line)
            found.setdefault(key, Counter())[(finding.rule_id, finding.level.value)] += 1
    calls = {(ref.location.path, ref.location.region.start_line) for ref in corpus_scan.references
             if ref.location.region is not None}
    problems += [f"{path}:{line}: a hub reference without a '# remote:' annotation" for path, line in calls - set(expected)]
    problems += [f"{path}:{line}: annotated, but no hub reference here" for path, line in set(expected) - calls]
    for key in sorted(set(expected) | set(found)):
        want, got = expected.get(key, Counter()), found.get(key, Counter())
        if want != got:
            problems.append(f"{key[0]}:{key[1]}: expected {sorted(want.elements())}, got {sorted(got.elements())}"
                            + "".join(f"\n    {f.rule_id} {f.level.value}: {f.message[:200]}"
                                      for f in remote_findings(corpus_scan, key)))
    assert not problems, "\n".join(problems)


def test_remote_findings_sit_at_their_reference(corpus_scan: ScanResult) -> None:
    anchors = {ref.location for ref in corpus_scan.references}
    misplaced = [f for f in corpus_scan.findings if f.rule_id.startswith(REMOTE_PREFIX) and f.location not in anchors]
    assert misplaced == []


def test_the_corpus_covers_every_remote_rule_and_level() -> None:
    expected, problems = expected_findings()
    assert problems == []
    covered = {pair for counts in expected.values() for pair in counts}
    assert REQUIRED <= covered, sorted(REQUIRED - covered)
    assert sum(not counts for counts in expected.values()) >= 5  # quiet calls, so silence is pinned too


def remote_findings(result: ScanResult, key: Key) -> list[Finding]:
    return [f for f in result.findings if f.rule_id.startswith(REMOTE_PREFIX) and f.location.region
            and (f.location.path, f.location.region.start_line) == key]
