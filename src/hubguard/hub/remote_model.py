"""``hubguard model <repo-id>``: inspect every weight file of a hub repo through Range requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubguard.hub.client import HubClient, default_endpoint
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.remote_pass import RemoteOptions
from hubguard.hub.scanners import Scanners
from hubguard.hub.transport import Deadline


@dataclass
class RemoteInspection:
    sha: str  # the commit the revision resolved to: every file was read there
    files: list[tuple[str, Any]]  # (path, FileVerdict) for each weight candidate


def inspect_remote_repo(
    repo_id: str, revision: str | None, options: RemoteOptions, *, scanners: Scanners | None = None
) -> RemoteInspection:
    """Every weight candidate at the resolved commit, judged over Range reads; raises HubError subclasses."""
    scanners = scanners or Scanners.default()
    client = HubClient(options.endpoint or default_endpoint(), options.token, options.retry)
    deadline = Deadline(options.timeout)
    snapshot = client.resolve("model", repo_id, revision, deadline)
    files = [
        (path, scanners.inspect_source(HttpRangeSource(client, snapshot, path, deadline)))
        for path in sorted(snapshot.files)
        if scanners.is_weight_candidate(path)
    ]
    return RemoteInspection(snapshot.sha, files)
