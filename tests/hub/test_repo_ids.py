from __future__ import annotations

import pytest

from hubguard.hub.repo_ids import InvalidReference, validate_repo_id, validate_revision


@pytest.mark.parametrize("repo_id", ["org/name", "bert-base-uncased", "Org_1/model.v2-final", "a/" + "b" * 90])
def test_accepts_hub_ids(repo_id: str) -> None:
    assert validate_repo_id(repo_id) == repo_id


@pytest.mark.parametrize(
    "repo_id",
    [
        "",
        "https://huggingface.co/org/name",
        "hf://org/name",
        "org/../etc",
        "../etc/passwd",
        "org/name/extra",
        "org/na me",
        "org/name\n",
        "org/name\x00",
        "org/na%2Fme",
        "org/name?x=1",
        "org/name#frag",
        "-org/name",
        "org/name.",
        "org/na--me",
        "/org/name",
        "org/" + "n" * 100,
        "org/nämé",
    ],
)
def test_rejects_hostile_ids(repo_id: str) -> None:
    with pytest.raises(InvalidReference):
        validate_repo_id(repo_id)


def test_legacy_ids_can_be_refused() -> None:
    with pytest.raises(InvalidReference):
        validate_repo_id("gpt2", allow_legacy=False)


@pytest.mark.parametrize("revision", ["main", "v1.0", "refs/pr/12", "refs/convert/parquet", "a" * 40])
def test_accepts_revisions(revision: str) -> None:
    assert validate_revision(revision) == revision


@pytest.mark.parametrize("revision", ["", "../main", "main\n", "ma in", "a%2Fb", "/main", "x?y", "a//b", "r" * 300])
def test_rejects_hostile_revisions(revision: str) -> None:
    with pytest.raises(InvalidReference):
        validate_revision(revision)


def test_messages_escape_control_characters() -> None:
    with pytest.raises(InvalidReference) as caught:
        validate_repo_id("org/\x1b[31mred")
    assert "\x1b" not in str(caught.value)
