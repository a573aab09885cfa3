"""The resolver interface: a hub is one factory in the registry, and the remote pass needs nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubguard.hub.http import HttpClient
from hubguard.hub.huggingface import HuggingFaceApi, HuggingFaceResolver
from hubguard.hub.registry import RESOLVERS, create_resolvers
from hubguard.hub.remote_pass import RemoteOptions
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import RepoReader, Resolver, ResolverContext
from hubguard.hub.transport import Deadline
from tests.fakehub import FakeHub
from tests.hub.test_remote_pass import BENIGN, options, ref, rules, run  # noqa: F401  (options is a fixture)


class LoopbackGitHub:
    """A stand-in extra hub: "owner/repo" references served by the loopback Hugging Face API."""

    def __init__(self, context: ResolverContext, endpoint: str) -> None:
        self._inner = HuggingFaceResolver(HuggingFaceApi(context.http, endpoint, None), offline=context.offline)

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        if repo_type != "github" or repo_id.count("/") != 1:
            raise InvalidReference(f"{repo_id!r} is not owner/repo")
        self._inner.validate("model", repo_id, revision)

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        return self._inner.open("model", repo_id, revision, deadline)


def test_every_registered_hub_builds_a_resolver(isolated_hf_env: Path) -> None:
    with HttpClient() as http:
        resolvers = create_resolvers(ResolverContext(http, offline=True))
    assert set(resolvers) == set(RESOLVERS) and "huggingface" in resolvers
    resolver: Resolver = resolvers["huggingface"]
    with pytest.raises(InvalidReference):
        resolver.validate("model", "../../etc/passwd", None)


def test_a_new_hub_is_one_registry_line(
    fake_hub: FakeHub, options: RemoteOptions, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    sha = fake_hub.add_repo("owner/repo", BENIGN)
    unsupported = run([ref("owner/repo", hub="sixthhub", repo_type="github")], options)
    assert rules(unsupported) == ["HG405"] and fake_hub.requests == []

    monkeypatch.setitem(RESOLVERS, "sixthhub", lambda context: LoopbackGitHub(context, fake_hub.url))
    result = run([ref("owner/repo", hub="sixthhub", repo_type="github")], options)
    assert rules(result) == ["HG401"]
    assert result.findings[0].properties["hub"] == "sixthhub"
    assert result.resolutions[0][1] == sha


def test_each_hub_validates_its_own_references(
    fake_hub: FakeHub, options: RemoteOptions, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    monkeypatch.setitem(RESOLVERS, "sixthhub", lambda context: LoopbackGitHub(context, fake_hub.url))
    result = run([ref("just-a-name", hub="sixthhub", repo_type="github")], options)
    assert result.findings == [] and fake_hub.requests == []
    assert [n.message for n in result.notifications] == ["not looked up on sixthhub: 'just-a-name' is not owner/repo"]
