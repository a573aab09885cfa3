"""Which resolver serves which hub name (the names the static pass puts in ``HubReference.hub``).

Adding a hub: a module beside ``huggingface.py`` whose ``create(context)`` returns a ``Resolver``, and
one line here. A reference to a hub without a line here is reported as not supported yet (HG405).
"""

from __future__ import annotations

from hubguard.hub import csghub, github, huggingface, modelscope, openmmlab, url
from hubguard.hub.resolver import Resolver, ResolverContext, ResolverFactory

RESOLVERS: dict[str, ResolverFactory] = {
    huggingface.HUB: huggingface.HuggingFaceResolver.create,
    modelscope.HUB: modelscope.ModelScopeResolver.create,
    **csghub.RESOLVERS,  # opencsg, and its mirrors of Hugging Face and ModelScope repos (opencsg:hf, opencsg:ms)
    github.HUB: github.GitHubResolver.create,
    url.HUB: url.UrlResolver.create,
    openmmlab.HUB: openmmlab.OpenMMLabResolver.create,
}


def create_resolvers(context: ResolverContext) -> dict[str, Resolver]:
    return {hub: factory(context) for hub, factory in RESOLVERS.items()}
