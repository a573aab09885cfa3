"""Scan a directory of repository code with hubguard's Semgrep rules and byte signatures.

One ``semgrep scan`` subprocess covers the whole tree, with local rules only and nothing sent
anywhere. Python files are passed as explicit targets so that ``.semgrepignore`` files shipped
by the repository, and Semgrep's default ignores (``tests/``, ``build/``...), cannot hide code.
Large files reach Semgrep with their data literals blanked out (lines preserved); the byte
signatures always read every byte of the original.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubguard.remote_code.literals import strip_data_literals
from hubguard.remote_code.signatures import CHUNK_BYTES, match_stream

RULES_DIR = Path(__file__).resolve().parent.parent / "semgrep_rules"
PYTHON_SUFFIXES = (".py", ".pyi")
STRIP_ABOVE_BYTES = 256 * 1024  # larger Python files reach Semgrep with data literals blanked
MAX_STRIP_INPUT_BYTES = 64 * 1024 * 1024
MAX_SEMGREP_TARGET_BYTES = 4 * 1024 * 1024  # after stripping; more would time out rule by rule
SNIPPET_CHARS = 160
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
    signals: tuple[str, ...] = ()  # weak-signal classes the rule declares (see verdict.py)
    snippet: str = ""  # the start line's text, truncated


@dataclass
class ScanOutcome:
    matches: list[CodeMatch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the scan as a whole is incomplete
    unscanned: dict[str, str] = field(default_factory=dict)  # path -> why Semgrep could not read it all
    retryable: set[str] = field(default_factory=set)  # unscanned paths whose reason may not recur (timeouts)


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
        with tempfile.TemporaryDirectory(prefix="hubguard-semgrep-") as work:
            targets = _semgrep_targets(root, python_files, Path(work), outcome)
            if targets:
                _scan_semgrep(targets, Path(work), timeout, outcome)
    _attach_snippets(root, outcome)
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
            hits = match_stream(handle, relative)
    except OSError as error:
        outcome.errors.append(f"{relative}: could not read ({error.strerror or error})")
        return
    for hit in hits:
        outcome.matches.append(
            CodeMatch(
                relative, hit.start_line, hit.end_line, hit.signature_id, hit.message, hit.severity, "signature",
                hit.signals,
            )
        )


def _semgrep_targets(root: Path, python_files: list[str], work: Path, outcome: ScanOutcome) -> dict[Path, str]:
    """Semgrep target path -> the file it stands for; large files become stripped copies in ``work``."""
    targets: dict[Path, str] = {}
    for relative in python_files:
        path = root / relative
        size = path.stat().st_size
        if size <= STRIP_ABOVE_BYTES:
            targets[path] = relative
            continue
        if size > MAX_STRIP_INPUT_BYTES:
            outcome.unscanned[relative] = f"{size} bytes, too large to parse (limit {MAX_STRIP_INPUT_BYTES})"
            continue
        stripped = strip_data_literals(path.read_bytes().decode("utf-8", errors="replace")).encode("utf-8")
        if len(stripped) > MAX_SEMGREP_TARGET_BYTES:
            outcome.unscanned[relative] = (
                f"{len(stripped)} bytes of code once data literals are removed, more than Semgrep can analyse "
                f"in time (limit {MAX_SEMGREP_TARGET_BYTES})"
            )
            continue
        copy = work / "stripped" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(stripped)
        targets[copy] = relative
    return targets


def _semgrep_environment(settings_dir: Path) -> dict[str, str]:
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
        SEMGREP_SETTINGS_FILE=str(settings_dir / "settings.yml"),
        NO_COLOR="1",
    )
    return environment


def _semgrep_command(executable: str, targets: Iterable[Path], timeout: float) -> list[str]:
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
        str(MAX_SEMGREP_TARGET_BYTES + STRIP_ABOVE_BYTES),
        "--jobs",
        "1",
        *(str(target) for target in targets),
    ]


def _scan_semgrep(targets: dict[Path, str], work: Path, timeout: float, outcome: ScanOutcome) -> None:
    executable = find_semgrep()
    if executable is None:
        outcome.errors.append("semgrep is not installed; only byte signatures were checked")
        return
    command = _semgrep_command(executable, targets, timeout)
    try:
        process = subprocess.Popen(
            command,
            cwd=work,
            env=_semgrep_environment(work),
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
    _read_semgrep_report(targets, stdout, stderr, process.returncode, outcome)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        process.kill()
    process.communicate()


def _read_semgrep_report(
    targets: dict[Path, str], stdout: bytes, stderr: bytes, returncode: int, outcome: ScanOutcome
) -> None:
    try:
        report: dict[str, Any] = json.loads(stdout)
    except ValueError:
        last_line = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        outcome.errors.append(f"semgrep failed (exit {returncode}): {last_line[0][:300]}")
        return
    by_path = {str(target.resolve()): relative for target, relative in targets.items()}

    def relative_of(path: object) -> str | None:
        return by_path.get(str(Path(str(path)).resolve())) if path else None

    for result in report.get("results", []):
        extra = result.get("extra", {})
        relative = relative_of(result.get("path"))
        if relative is None:
            continue
        signals = extra.get("metadata", {}).get("hubguard-signals", [])
        outcome.matches.append(
            CodeMatch(
                path=relative,
                start_line=int(result.get("start", {}).get("line", 0)),
                end_line=int(result.get("end", {}).get("line", 0)),
                rule_id=str(result.get("check_id", "")),
                message=str(extra.get("message", "")).strip(),
                severity=_SEVERITIES.get(str(extra.get("severity", "")).upper(), "warning"),
                engine="semgrep",
                signals=tuple(str(name) for name in signals) if isinstance(signals, list) else (),
            )
        )
    for error in report.get("errors", []):
        message = str(error.get("message") or error.get("type") or "error").strip().splitlines()[0][:300]
        relative = relative_of(error.get("path"))
        if relative is not None:
            outcome.unscanned.setdefault(relative, f"semgrep: {message}")
            outcome.retryable.add(relative)
        else:
            outcome.errors.append(f"semgrep: {message}")
    scanned = {relative_of(path) for path in report.get("paths", {}).get("scanned", [])}
    for relative in targets.values():
        if relative not in scanned:
            outcome.unscanned.setdefault(relative, "semgrep did not analyse it")
            outcome.retryable.add(relative)


def _attach_snippets(root: Path, outcome: ScanOutcome) -> None:
    wanted: dict[str, set[int]] = {}
    for match in outcome.matches:
        wanted.setdefault(match.path, set()).add(match.start_line)
    texts = {path: _line_texts(root / path, lines) for path, lines in wanted.items()}
    outcome.matches = [
        CodeMatch(
            match.path, match.start_line, match.end_line, match.rule_id, match.message, match.severity,
            match.engine, match.signals, texts[match.path].get(match.start_line, ""),
        )
        for match in outcome.matches
    ]


def _line_texts(path: Path, lines: set[int]) -> dict[int, str]:
    """The first ``SNIPPET_CHARS`` characters of each wanted line, read in bounded chunks."""
    found: dict[int, bytearray] = {}
    last = max(lines)
    line = 1
    try:
        with open(path, "rb") as handle:
            while line <= last and (chunk := handle.read(CHUNK_BYTES)):
                for piece_index, piece in enumerate(chunk.split(b"\n")):
                    if piece_index:
                        line += 1
                    if line in lines:
                        text = found.setdefault(line, bytearray())
                        text += piece[: max(0, SNIPPET_CHARS * 4 - len(text))]
    except OSError:
        return {}
    return {number: _printable(bytes(text).decode("utf-8", "replace")) for number, text in found.items()}


def _printable(text: str) -> str:
    cleaned = "".join(char if char.isprintable() else " " for char in text.strip())
    return cleaned if len(cleaned) <= SNIPPET_CHARS else cleaned[: SNIPPET_CHARS - 3] + "..."
