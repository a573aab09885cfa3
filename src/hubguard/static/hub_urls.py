"""Hugging Face Hub files named by URL inside strings: ``hf://`` paths (huggingface_hub's HfFileSystem, which
pandas, polars, duckdb and datasets' ``data_files`` read through) and ``https://huggingface.co/.../resolve/<rev>/``
download URLs. Each names a repository and a revision (``main`` when an ``hf://`` path has no ``@rev``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

# hf://[datasets/|spaces/|models/]owner/name[@rev]/path; a revision may be refs/pr/N or refs/convert/<name>
# verbatim (huggingface_hub's SPECIAL_REFS_REVISION_REGEX), or URL-encoded.
_HF_PATH = re.compile(
    r"hf://(?:(?P<kind>datasets|spaces|models)/)?(?P<repo>[\w.-]+/[\w.-]+)"
    r"(?:@(?P<rev>refs/(?:pr|convert)/\w+|[^/\s'\"]+))?"
)
_RESOLVE_URL = re.compile(
    r"https?://(?:huggingface\.co|hf\.co)/(?:(?P<kind>datasets|spaces)/)?(?P<repo>(?:[\w.-]+/)?[\w.-]+)"
    r"/(?:resolve|raw|blob)/(?P<rev>[^/\s'\"?#]+)"
)
_REPO_TYPES = {"datasets": "dataset", "spaces": "space", "models": "model", None: "model"}


@dataclass(frozen=True)
class HubUrl:
    text: str  # the URL as written (up to the revision)
    repo_type: str
    repo_id: str
    revision: str | None  # None: an hf:// path without @rev reads the default branch


def hub_urls(text: str) -> Iterator[HubUrl]:
    if "hf://" not in text and "huggingface.co" not in text and "hf.co" not in text:
        return
    for match in _HF_PATH.finditer(text):
        revision = unquote(match["rev"]) if match["rev"] else None
        yield HubUrl(match.group(), _REPO_TYPES[match["kind"]], match["repo"], revision)
    for match in _RESOLVE_URL.finditer(text):
        yield HubUrl(match.group(), _REPO_TYPES[match["kind"]], match["repo"], unquote(match["rev"]))


def strings_in(value: object) -> Iterator[str]:
    """The strings of a resolved value: a string, or those nested in lists and dicts (``data_files={...}``)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(getattr(item, "value", None))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(getattr(item, "value", None))
