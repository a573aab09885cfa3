"""Loopback hubs for tests: real HTTP servers on 127.0.0.1 with fault injection (see base.py)."""

from __future__ import annotations

from tests.fakehub.base import HttpFailure, LoggedRequest, LoopbackServer, Reply, Request, bytes_reply, json_reply
from tests.fakehub.csghub import FakeCsgHub
from tests.fakehub.faults import Fault, FaultKind
from tests.fakehub.github import FakeGitHub
from tests.fakehub.huggingface import FakeHub
from tests.fakehub.modelscope import BlobStorage, FakeModelScope
from tests.fakehub.repos import git_blob_id, sha256_hex

__all__ = [
    "BlobStorage",
    "FakeCsgHub",
    "FakeGitHub",
    "FakeHub",
    "FakeModelScope",
    "Fault",
    "FaultKind",
    "HttpFailure",
    "LoggedRequest",
    "LoopbackServer",
    "Reply",
    "Request",
    "bytes_reply",
    "git_blob_id",
    "json_reply",
    "sha256_hex",
]
