"""``hubguard model TARGET``: judge weight files without loading them, locally or on a hub."""

from __future__ import annotations

import os
from pathlib import Path

from hubguard.config import Config
from hubguard.findings import Finding, Level, Location, Notification, Region, ScanResult
from hubguard.inspectors import FileVerdict, inspect_path, verdict_findings
from hubguard.static.files import relative_path

_WHOLE_FILE = Region(1, 1, 1, 2)


def inspect_target(target: str, revision: str | None, repo_type: str, config: Config, root: Path) -> ScanResult:
    path = Path(target)
    if path.exists():
        return _local(path, root)
    return _remote(target, revision, repo_type, config)


def _local(path: Path, root: Path) -> ScanResult:
    result = ScanResult()
    base = path if path.is_dir() else path.parent
    for verdict in inspect_path(path):
        where = relative_path(base / verdict.name, root) if path.is_dir() else relative_path(path, root)
        _add(result, verdict, Location(where, _WHOLE_FILE))
    return result


def _remote(repo_id: str, revision: str | None, repo_type: str, config: Config) -> ScanResult:
    from hubguard.hub.client import blob_url, default_endpoint
    from hubguard.hub.errors import HubError
    from hubguard.hub.remote_model import inspect_remote_repo
    from hubguard.hub.remote_pass import RemoteOptions
    from hubguard.hub.repo_ids import InvalidReference, validate_repo_id, validate_revision

    result = ScanResult()
    try:
        validate_repo_id(repo_id)
        if revision is not None:
            validate_revision(revision)
    except InvalidReference as error:
        result.notifications.append(Notification(f"not a local path or a valid hub repo ID: {error}", repo_id))
        return result
    if repo_type != "model":
        result.notifications.append(Notification("hubguard model inspects model repositories only", repo_id))
        return result
    if config.offline:
        result.notifications.append(Notification("--offline: hub repositories cannot be inspected", repo_id))
        return result
    endpoint = os.environ.get("HF_ENDPOINT") or default_endpoint()
    options = RemoteOptions(
        offline=False,
        timeout=config.timeout,
        cache_dir=config.cache_dir,
        endpoint=endpoint,
        token=os.environ.get("HF_TOKEN") or None,
    )
    try:
        verdicts = inspect_remote_repo(repo_id, revision, options)
    except HubError as error:
        result.notifications.append(Notification(f"cannot inspect {repo_id}: {error}", repo_id, Level.ERROR, "remote"))
        return result
    bytes_read: dict[str, int] = {}
    for path, verdict in verdicts:
        url = blob_url(endpoint, "model", repo_id, revision or "main", path)
        _add(result, verdict, Location(url, _WHOLE_FILE))
        bytes_read[path] = verdict.bytes_read
    result.stats["bytesRead"] = bytes_read
    return result


def _add(result: ScanResult, verdict: FileVerdict, location: Location) -> None:
    result.files_scanned += 1
    findings: list[Finding] = verdict_findings(verdict, location)
    result.findings.extend(findings)
    result.stats.setdefault("files", {})[location.path] = {
        "format": verdict.format,
        "verdict": verdict.verdict.name.lower(),
        "bytesRead": verdict.bytes_read,
        "size": verdict.size,
    }
