"""Loopback Hugging Face Hub for tests: a real HTTP server on 127.0.0.1 with fault injection."""

from __future__ import annotations

from tests.fakehub.faults import Fault, FaultKind
from tests.fakehub.repos import git_blob_id, sha256_hex
from tests.fakehub.server import FakeHub, LoggedRequest

__all__ = ["FakeHub", "Fault", "FaultKind", "LoggedRequest", "git_blob_id", "sha256_hex"]
