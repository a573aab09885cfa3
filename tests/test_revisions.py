"""What a revision string pins: only exactly 40 lower-case hex characters name an immutable commit."""

from __future__ import annotations

import pytest

from hubguard.findings import RevisionState
from hubguard.revisions import classify_revision, is_commit_sha

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"


@pytest.mark.parametrize(
    ("revision", "state"),
    [
        (SHA, RevisionState.PINNED),
        (None, RevisionState.UNPINNED),
        ("", RevisionState.UNPINNED),
        (SHA + "0", RevisionState.UNPINNED),  # 41 hex: a ref name, not a commit
        (SHA + "-fix", RevisionState.UNPINNED),
        (SHA + "\n", RevisionState.UNPINNED),
        (" " + SHA, RevisionState.UNPINNED),
        (SHA + " ", RevisionState.UNPINNED),
        (SHA.upper(), RevisionState.UNPINNED),
        (SHA[:-1] + "B", RevisionState.UNPINNED),
        (SHA[:39], RevisionState.WEAK),
        (SHA[:7], RevisionState.WEAK),
        (SHA[:6], RevisionState.UNPINNED),
        (SHA[:7] + "\n", RevisionState.UNPINNED),
        ("v1.0", RevisionState.WEAK),
        ("1.2.3", RevisionState.WEAK),
        ("v2.0.0-rc1", RevisionState.WEAK),
        ("v1.0/hotfix", RevisionState.UNPINNED),
        ("v1.0\n", RevisionState.UNPINNED),
        ("v2", RevisionState.UNPINNED),
        ("main", RevisionState.UNPINNED),
        ("refs/pr/3", RevisionState.UNPINNED),
        ("refs/convert/parquet", RevisionState.UNPINNED),
    ],
)
def test_classify_revision(revision: str | None, state: RevisionState) -> None:
    assert classify_revision(revision) is state
    assert is_commit_sha(revision) is (state is RevisionState.PINNED)
