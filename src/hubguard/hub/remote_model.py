"""``hubguard model <repo-id | URL>``: inspect every weight file of a hub repo, or the file at a URL, through
Range requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubguard.hub.http import HttpClient
from hubguard.hub.huggingface import HUB, HuggingFaceResolver
from hubguard.hub.remote_pass import RemoteOptions
from hubguard.hub.resolver import ResolverContext
from hubguard.hub.scanners import Scanners
from hubguard.hub.transport import Deadline
from hubguard.hub.url import REPO_TYPE as URL_REPO_TYPE
from hubguard.hub.url import UrlResolver


@dataclass
class RemoteInspection:
    sha: str  # the commit the revision resolved to: every file was read there
    files: list[tuple[str, Any]]  # (path, FileVerdict) for each weight candidate


def inspect_remote_repo(
    repo_id: str, revision: str | None, options: RemoteOptions, *, scanners: Scanners | None = None
) -> RemoteInspection:
    """Every weight candidate at the resolved commit, judged over Range reads; raises HubError subclasses.

    One deadline of ``options.timeout`` covers the whole repository, as in the remote pass.
    """
    scanners = scanners or Scanners.default(options.pickle_allowlist)
    with HttpClient(options.retry) as http:
        context = ResolverContext(
            http,
            options.offline,
            endpoints={HUB: options.endpoint} if options.endpoint else {},
            tokens={HUB: options.token} if options.token else {},
        )
        reader = HuggingFaceResolver.create(context).open("model", repo_id, revision, Deadline(options.timeout))
        files = [
            (path, scanners.inspect_source(reader.open_source(path)))
            for path in sorted(reader.snapshot.files)
            if scanners.is_weight_candidate(path)
        ]
    return RemoteInspection(reader.snapshot.sha, files)


def inspect_url(url: str, options: RemoteOptions, *, scanners: Scanners | None = None) -> RemoteInspection:
    """The file at ``url``, judged over Range reads under the URL policy of ``hub/url.py``; raises HubError
    subclasses, or InvalidReference for a URL hubguard will not request."""
    scanners = scanners or Scanners.default(options.pickle_allowlist)
    with HttpClient(options.retry) as http:
        reader = UrlResolver.create(ResolverContext(http, options.offline)).open(
            URL_REPO_TYPE, url, None, Deadline(options.timeout)
        )
        files = [(path, scanners.inspect_source(reader.open_source(path))) for path in sorted(reader.snapshot.files)]
    return RemoteInspection(reader.snapshot.sha, files)
