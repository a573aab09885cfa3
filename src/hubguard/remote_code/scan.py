"""Scan a directory of repository code with hubguard's Semgrep rules and byte signatures.

One ``semgrep scan`` subprocess covers the whole tree, with local rules only and nothing sent
anywhere. Python files are passed as explicit targets so that ``.semgrepignore`` files shipped
by the repository, and Semgrep's default ignores (``tests/``, ``build/``...), cannot hide code.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubguard.remote_code.signatures import match_signatures

RULES_DIR = Path(__file__).resolve().parent.parent / "semgrep_rules"
PYTHON_SUFFIXES = (".py", ".pyi")
MAX_SIGNATURE_BYTES = 4 * 1024 * 1024
MAX_SEMGREP_TARGET_BYTES = 10 * 1024 * 1024
_SEVERITIES = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}
_SECRET_MARKERS = ("TOKEN", "SECRET", "PASSWORD", "CREDENTIAL", "API_KEY")


@dataclass(frozen=True)
class CodeMatch:
    path: str  # relative to the scanned root, POSIX
    start_line: int
    end_line: int
    rule_id: str
    message: str
    severity: str  # "error" | "warning" | "info"
    engine: str  # "semgrep" | "signature"


@dataclass
class ScanOutcome:
    matches: list[CodeMatch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def scan_code(root: Path, *, timeout: float = 120) -> ScanOutcome:
    """Run Semgrep and the byte signatures over every regular file under ``root``; never raises."""
    root = Path(root).resolve()
    outcome = ScanOutcome()
    if not root.is_dir():
        outcome.errors.append(f"not a directory: {root}")
        return outcome
    files = _regular_files(root)
    for relative in files:
        _scan_signatures(root, relative, outcome)
    python_files = [relative for relative in files if relative.endswith(PYTHON_SUFFIXES)]
    if python_files:
        _scan_semgrep(root, python_files, timeout, outcome)
    outcome.matches.sort(key=lambda match: (match.path, match.start_line, match.rule_id))
    return outcome


def find_semgrep() -> str | None:
    beside_python = Path(sys.executable).parent / ("semgrep.exe" if os.name == "nt" else "semgrep")
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("semgrep")


def _regular_files(root: Path) -> list[str]:
    found: list[str] = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory, name)
            if not path.is_symlink() and path.is_file():
                found.append(path.relative_to(root).as_posix())
    return found


def _scan_signatures(root: Path, relative: str, outcome: ScanOutcome) -> None:
    try:
        with open(root / relative, "rb") as handle:
            data = handle.read(MAX_SIGNATURE_BYTES + 1)
    except OSError as error:
        outcome.errors.append(f"{relative}: could not read ({error.strerror or error})")
        return
    if len(data) > MAX_SIGNATURE_BYTES:
        data = data[:MAX_SIGNATURE_BYTES]
        if relative.endswith(PYTHON_SUFFIXES):
            outcome.errors.append(f"{relative}: only the first {MAX_SIGNATURE_BYTES} bytes were checked by signatures")
    for hit in match_signatures(data):
        outcome.matches.append(
            CodeMatch(relative, hit.start_line, hit.end_line, hit.signature_id, hit.message, hit.severity, "signature")
        )


def _semgrep_environment(settings_dir: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not any(marker in key.upper() for marker in _SECRET_MARKERS) and not key.startswith("SEMGREP_")
    }
    environment.update(
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_USER_AGENT_APPEND="hubguard",
        # Semgrep rewrites its settings file by rename: never point it at a shared path such as /dev/null.
        SEMGREP_SETTINGS_FILE=os.path.join(settings_dir, "settings.yml"),
        NO_COLOR="1",
    )
    return environment


def _semgrep_command(executable: str, targets: list[str], timeout: float) -> list[str]:
    per_rule_timeout = max(1, min(30, int(timeout)))
    return [
        executable,
        "scan",
        "--config",
        str(RULES_DIR),
        "--metrics=off",
        "--disable-version-check",
        "--json",
        "--quiet",
        "--no-git-ignore",
        "--no-rewrite-rule-ids",
        "--timeout",
        str(per_rule_timeout),
        "--max-target-bytes",
        str(MAX_SEMGREP_TARGET_BYTES),
        "--jobs",
        "1",
        *targets,
    ]


def _scan_semgrep(root: Path, targets: list[str], timeout: float, outcome: ScanOutcome) -> None:
    executable = find_semgrep()
    if executable is None:
        outcome.errors.append("semgrep is not installed; only byte signatures were checked")
        return
    command = _semgrep_command(executable, [str(root / target) for target in targets], timeout)
    with tempfile.TemporaryDirectory(prefix="hubguard-semgrep-") as settings_dir:
        _run_semgrep(command, root, settings_dir, timeout, outcome)


def _run_semgrep(command: list[str], root: Path, settings_dir: str, timeout: float, outcome: ScanOutcome) -> None:
    try:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=_semgrep_environment(settings_dir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        outcome.errors.append(f"semgrep could not start: {error.strerror or error}")
        return
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        outcome.errors.append(f"semgrep timed out after {timeout:g} s; only byte signatures are complete")
        return
    _read_semgrep_report(root, stdout, stderr, process.returncode, outcome)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        process.kill()
    process.communicate()


def _read_semgrep_report(root: Path, stdout: bytes, stderr: bytes, returncode: int, outcome: ScanOutcome) -> None:
    try:
        report: dict[str, Any] = json.loads(stdout)
    except ValueError:
        last_line = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        outcome.errors.append(f"semgrep failed (exit {returncode}): {last_line[0][:300]}")
        return
    for result in report.get("results", []):
        extra = result.get("extra", {})
        outcome.matches.append(
            CodeMatch(
                path=_relative(root, result.get("path", "")),
                start_line=int(result.get("start", {}).get("line", 0)),
                end_line=int(result.get("end", {}).get("line", 0)),
                rule_id=str(result.get("check_id", "")),
                message=str(extra.get("message", "")).strip(),
                severity=_SEVERITIES.get(str(extra.get("severity", "")).upper(), "warning"),
                engine="semgrep",
            )
        )
    for error in report.get("errors", []):
        outcome.errors.append(_describe_error(root, error))


def _describe_error(root: Path, error: dict[str, Any]) -> str:
    message = str(error.get("message") or error.get("type") or "error").strip().splitlines()[0][:300]
    path = error.get("path")
    return f"semgrep: {_relative(root, path)}: {message}" if path else f"semgrep: {message}"


def _relative(root: Path, path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(root).as_posix()
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix()
