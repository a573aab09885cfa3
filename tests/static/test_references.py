"""The hub references the static pass hands to the remote pass."""

from __future__ import annotations

from pathlib import Path

from hubguard.config import Config
from hubguard.findings import RevisionState
from hubguard.static import scan_paths

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_references_carry_what_the_remote_pass_needs(tmp_path: Path) -> None:
    (tmp_path / "load.py").write_text(
        "from transformers import AutoModel\nimport torch\n"
        "REPO = 'org/' + 'model'\n"
        f"a = AutoModel.from_pretrained(REPO, revision='{SHA}', code_revision='{SHA}', trust_remote_code=True)\n"
        "b = AutoModel.from_pretrained('org/plain', revision='v1.0')\n"
        "c = torch.hub.load('owner/repo:main', 'model')\n"
        "d = AutoModel.from_pretrained('./local-dir')\n"
    )
    result = scan_paths([tmp_path / "load.py"], Config(), tmp_path)
    by_repo = {reference.repo_id: reference for reference in result.references}
    assert set(by_repo) == {"org/model", "org/plain", "owner/repo"}
    pinned = by_repo["org/model"]
    assert (pinned.revision_state, pinned.code_revision, pinned.runs_remote_code) == (RevisionState.PINNED, SHA, True)
    assert pinned.location.path == "load.py" and pinned.location.region.start_line == 4
    plain = by_repo["org/plain"]
    assert (plain.revision, plain.revision_state, plain.runs_remote_code, plain.loads_weights) == (
        "v1.0", RevisionState.WEAK, False, True
    )
    hub = by_repo["owner/repo"]
    assert (hub.hub, hub.revision, hub.revision_state) == ("torchhub", "main", RevisionState.UNPINNED)
