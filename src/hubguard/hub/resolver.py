"""The one interface every hub implements: a reference in, an immutable snapshot and its files out.

A hub is a module beside ``huggingface.py`` with a factory ``create(context) -> Resolver`` and one line
in ``registry.py``. The remote pass never sees more than this file: it validates a reference with
``Resolver.validate`` before any request, calls ``Resolver.open`` once per (repo, revision) under a
deadline, and reads files only through the ``RepoReader`` it gets back. How a hub maps onto it:

- Hugging Face / CSGHub: ``repo_type`` model|dataset|space, ``revision`` a branch, tag or SHA
  (None: ``main``); ``sha`` from the repo-info call, files with git blob SHA-1 and LFS SHA-256.
- GitHub (torch.hub): ``repo_type`` "github", ``revision`` the ref after ``:`` (None: ``main`` if it
  exists, else ``master``); ``sha`` from ``/commits/{ref}``, files from the tree at that SHA.
- ModelScope: ``revision`` None means ``master``; ``sha`` from ``commits?Ref=``, files with Sha256.
- Plain URLs (``load_state_dict_from_url``): ``repo_id`` is the URL, one file, ``sha`` the server's
  identity for it (``hub/url.py``); OpenMMLab names (``open-mmlab://...``) expand to such a URL first.

Typed ``HubError`` subclasses are the only failures a resolver or reader raises; ``RepoNotFound`` means
the name is free for anyone to register (HG407), so raise it only when the hub says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from hubguard.hub.http import HttpClient
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline
from hubguard.inspectors.sources import ByteSource


class RepoReader(Protocol):
    """Files of one snapshot, always at ``snapshot.sha``."""

    snapshot: RepoSnapshot

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        """The whole file, verified against the listed size and hashes; TooLarge past ``max_bytes``."""
        ...

    def open_source(self, path: str) -> ByteSource:
        """Random access for the inspectors (HTTP Range reads on a hub)."""
        ...

    def web_url(self, path: str) -> str:
        """A page showing the file at the snapshot's commit, for a finding's related location."""
        ...


class Resolver(Protocol):
    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        """Raise InvalidReference for anything taken from scanned code that must not reach the hub."""
        ...

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        """Resolve ``revision`` (None: the hub's default) to an immutable snapshot; every request within
        ``deadline``."""
        ...


@dataclass(frozen=True)
class ResolverContext:
    """What every resolver of one run shares. ``endpoints``/``tokens`` override, per hub name, what the
    hub's own environment variables say; ``project_root`` is the scanned project (OpenMMLab reads the
    checkpoint-name tables of the packages installed in its environment)."""

    http: HttpClient
    offline: bool
    endpoints: Mapping[str, str] = field(default_factory=dict)
    tokens: Mapping[str, str] = field(default_factory=dict)
    project_root: Path | None = None


ResolverFactory = Callable[[ResolverContext], Resolver]
