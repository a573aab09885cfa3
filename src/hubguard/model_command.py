"""``hubguard model TARGET``: judge weight files without loading them, locally or on a hub."""

from __future__ import annotations

import os
from pathlib import Path

from hubguard.config import Config, ConfigError
from hubguard.findings import Finding, Level, Location, Region, ScanResult
from hubguard.inspectors import FileVerdict, Verdict, inspect_path, is_weight_candidate, verdict_findings
from hubguard.inspectors.policy import Policy

_WHOLE_FILE = Region(1, 1, 1, 2)


def inspect_target(target: str, revision: str | None, repo_type: str, config: Config, root: Path) -> ScanResult:
    """Raises ConfigError when the target is neither a local path, a URL hubguard may fetch, nor a hub repo ID."""
    path = Path(target)
    if path.exists() or path.is_symlink():
        return _local(path, root, config)
    if target.startswith(("https://", "http://")):
        return _url(target, config)
    if _looks_like_a_path(target):
        raise ConfigError(f"no such file or directory: {target} (a hub repo ID looks like org/name)")
    return _remote(target, revision, repo_type, config)


def _looks_like_a_path(target: str) -> bool:
    """A missing target the user meant as a file: a path prefix, or one name with a weights-file suffix."""
    if target.startswith(("./", "../", "/", "~", ".\\")) or "\\" in target or target.endswith(("/", "\\")):
        return True
    return "/" not in target and is_weight_candidate(target)


def _local(path: Path, root: Path, config: Config) -> ScanResult:
    result = ScanResult()
    for verdict in inspect_path(path, policy=Policy.from_entries(config.pickle_allowlist)):
        file = path / verdict.name if path.is_dir() else path
        if path.is_dir() and verdict.verdict is Verdict.UNKNOWN and not is_weight_candidate(verdict.name):
            continue  # a README or config beside the weights, not a model file
        _add(result, verdict, Location(_shown_path(file, root), _WHOLE_FILE))
    return result


def _shown_path(file: Path, root: Path) -> str:
    """Root-relative without resolving symlinks: the file is named as the user named it."""
    absolute = Path(os.path.abspath(file))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def _remote(repo_id: str, revision: str | None, repo_type: str, config: Config) -> ScanResult:
    from hubguard.hub.errors import HubError
    from hubguard.hub.huggingface import blob_url, default_endpoint
    from hubguard.hub.remote_model import inspect_remote_repo
    from hubguard.hub.remote_pass import RemoteOptions
    from hubguard.hub.repo_ids import InvalidReference, validate_repo_id, validate_revision

    result = ScanResult()
    try:
        validate_repo_id(repo_id)
        if revision is not None:
            validate_revision(revision)
    except InvalidReference as error:
        raise ConfigError(f"{repo_id!r} is neither an existing path nor a valid hub repo ID: {error}") from None
    if repo_type != "model":
        raise ConfigError("hubguard model inspects model repositories only")
    if config.offline:
        raise ConfigError(f"{repo_id!r} is not a local path, and --offline forbids looking it up on the hub")
    endpoint = os.environ.get("HF_ENDPOINT") or default_endpoint()
    options = RemoteOptions(
        offline=False,
        timeout=config.timeout,
        cache_dir=config.cache_dir,
        endpoint=endpoint,
        token=os.environ.get("HF_TOKEN") or None,
        pickle_allowlist=config.pickle_allowlist,
    )
    try:
        inspection = inspect_remote_repo(repo_id, revision, options)
    except HubError as error:
        result.findings.append(
            Finding(
                "HG405",
                f"{repo_id} could not be inspected: {error.reason}; {error.fix}.",
                Location(f"{endpoint}/{repo_id}", _WHOLE_FILE),
                Level.WARNING,
                properties={"repoId": repo_id},
            )
        )
        return result
    for path, verdict in inspection.files:
        _add(result, verdict, Location(blob_url(endpoint, "model", repo_id, inspection.sha, path), _WHOLE_FILE))
    return result


def _url(url: str, config: Config) -> ScanResult:
    from hubguard.hub.errors import HubError
    from hubguard.hub.remote_model import inspect_url
    from hubguard.hub.remote_pass import RemoteOptions
    from hubguard.hub.repo_ids import InvalidReference

    if config.offline:
        raise ConfigError(f"{url!r} is a URL, and --offline forbids fetching it")
    result = ScanResult()
    options = RemoteOptions(
        offline=False, timeout=config.timeout, cache_dir=None, endpoint=None, token=None,
        pickle_allowlist=config.pickle_allowlist,
    )
    try:
        inspection = inspect_url(url, options)
    except InvalidReference as refused:
        raise ConfigError(f"hubguard will not fetch {refused}") from None
    except HubError as error:
        message = f"{url} could not be inspected: {error.reason}; {error.fix}."
        result.findings.append(Finding("HG405", message, Location(url, _WHOLE_FILE), Level.WARNING))
        return result
    for _, verdict in inspection.files:
        _add(result, verdict, Location(url, _WHOLE_FILE))
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
