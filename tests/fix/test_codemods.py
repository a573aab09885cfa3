"""Round-trips of the --fix codemods on real files: exact formatting, comments and line endings kept."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from hubguard.fix import FixOutcome, apply_fixes
from tests.fix.helpers import OTHER_SHA, SHA, call_finding, suffix_pin, torch_load, unpinned


def fix(
    tmp_path: Path, source: str, findings: list, *, write: bool = True, name: str = "app.py", unsafe: bool = True
) -> FixOutcome:
    (tmp_path / name).write_bytes(source.encode("utf-8"))
    [outcome] = apply_fixes(findings, tmp_path, write=write, unsafe=unsafe)
    return outcome


def fixed_text(tmp_path: Path, name: str = "app.py") -> str:
    data = (tmp_path / name).read_bytes()
    cst.parse_module(data)  # every rewritten file must still parse
    return data.decode("utf-8")


def test_single_line_call_gets_keyword_and_comment_after_existing_one(tmp_path: Path) -> None:
    source = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m")  # keep me\n'
    outcome = fix(tmp_path, source, [unpinned(2, 5)])
    assert outcome.changed and outcome.skipped == []
    assert fixed_text(tmp_path) == (
        "from transformers import AutoModel\n"
        f'm = AutoModel.from_pretrained("org/m", revision="{SHA}")  # keep me  # was: default branch\n'
    )


def test_multiline_call_with_trailing_comma_gets_its_own_line(tmp_path: Path) -> None:
    source = (
        "def load():\n"
        "    return AutoModel.from_pretrained(\n"
        "        'org/m',  # the model\n"
        "        trust_remote_code=True,\n"
        "    )\n"
    )
    fix(tmp_path, source, [unpinned(2, 12)])
    assert fixed_text(tmp_path) == (
        "def load():\n"
        "    return AutoModel.from_pretrained(\n"
        "        'org/m',  # the model\n"
        "        trust_remote_code=True,\n"
        f"        revision='{SHA}',  # was: default branch\n"
        "    )\n"
    )


def test_multiline_call_without_trailing_comma_keeps_the_last_arguments_comment(tmp_path: Path) -> None:
    source = 'm = AutoModel.from_pretrained(\n  "org/m",\n  cache_dir="c"  # local cache\n)\n'
    fix(tmp_path, source, [unpinned(1, 5)])
    assert fixed_text(tmp_path) == (
        'm = AutoModel.from_pretrained(\n  "org/m",\n  cache_dir="c",  # local cache\n'
        f'  revision="{SHA}"  # was: default branch\n)\n'
    )


def test_hanging_indent_call_is_extended_inline(tmp_path: Path) -> None:
    source = 'p = AutoModel.from_pretrained("org/p",\n                              cache_dir="x")\n'
    fix(tmp_path, source, [unpinned(1, 5)])
    assert fixed_text(tmp_path) == (
        'p = AutoModel.from_pretrained("org/p",\n'
        f'                              cache_dir="x", revision="{SHA}")  # was: default branch\n'
    )


def test_existing_branch_revision_is_replaced_keeping_quotes_and_comment(tmp_path: Path) -> None:
    source = "m = AutoModel.from_pretrained(\n    'org/m',\n    revision='main'  # prod\n)\n"
    outcome = fix(tmp_path, source, [unpinned(1, 5, requested="main")])
    assert outcome.applied == [f"HG201 at app.py:1:5: revision={SHA} (was: main)"]
    assert fixed_text(tmp_path) == f"m = AutoModel.from_pretrained(\n    'org/m',\n    revision='{SHA}'  # prod  # was: main\n)\n"


def test_other_revision_keywords_are_used(tmp_path: Path) -> None:
    source = 'p = pipeline("text-classification", "damo/m", model_revision="v1.0")\n'
    fix(tmp_path, source, [unpinned(1, 5, requested="v1.0", revisionKeyword="model_revision")])
    assert fixed_text(tmp_path) == f'p = pipeline("text-classification", "damo/m", model_revision="{SHA}")  # was: v1.0\n'


def test_torch_hub_repo_gets_sha_suffix(tmp_path: Path) -> None:
    source = 'm = torch.hub.load("owner/repo:v1", "resnet")\nn = torch.hub.load(repo_or_dir="owner/other", model="x")\n'
    fix(tmp_path, source, [suffix_pin("torchhub-suffix", 1, 5, "v1"), suffix_pin("torchhub-suffix", 2, 5)])
    assert fixed_text(tmp_path) == (
        f'm = torch.hub.load("owner/repo:{SHA}", "resnet")  # was: v1\n'
        f'n = torch.hub.load(repo_or_dir="owner/other:{SHA}", model="x")  # was: default branch\n'
    )


def test_hf_hub_literal_gets_at_sha(tmp_path: Path) -> None:
    source = "m = timm.create_model('hf-hub:org/vit', pretrained=True)\n"
    fix(tmp_path, source, [suffix_pin("hf-hub-suffix", 1, 5)])
    assert fixed_text(tmp_path) == f"m = timm.create_model('hf-hub:org/vit@{SHA}', pretrained=True)  # was: default branch\n"


def test_torch_load_gets_weights_only(tmp_path: Path) -> None:
    source = 'state = torch.load(\n    "x.pt",\n    map_location="cpu",\n)\n'
    outcome = fix(tmp_path, source, [torch_load(1, 9)])
    assert outcome.applied == ["HG301 at app.py:1:9: weights_only=True"]
    assert fixed_text(tmp_path) == 'state = torch.load(\n    "x.pt",\n    map_location="cpu",\n    weights_only=True,\n)\n'


def test_several_fixes_in_one_file_and_chained_call(tmp_path: Path) -> None:
    source = (
        "import torch\n"
        'a = AutoModel.from_pretrained("org/a").to("cuda")\n'
        'b = AutoTokenizer.from_pretrained("org/b", revision="dev")\n'
        'c = torch.load(path, map_location="cpu")\n'
    )
    findings = [unpinned(2, 5), unpinned(3, 5, requested="dev"), torch_load(4, 5)]
    outcome = fix(tmp_path, source, findings)
    assert len(outcome.applied) == 3 and outcome.skipped == []
    assert fixed_text(tmp_path) == (
        "import torch\n"
        f'a = AutoModel.from_pretrained("org/a", revision="{SHA}").to("cuda")  # was: default branch\n'
        f'b = AutoTokenizer.from_pretrained("org/b", revision="{SHA}")  # was: dev\n'
        'c = torch.load(path, map_location="cpu", weights_only=True)\n'
    )


def test_crlf_line_endings_are_preserved(tmp_path: Path) -> None:
    source = 'import torch\r\nm = AutoModel.from_pretrained(\r\n    "org/m",\r\n)\r\nw = torch.load("x")\r\n'
    fix(tmp_path, source, [unpinned(2, 5), torch_load(5, 5)])
    data = (tmp_path / "app.py").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") == 6
    assert data == (
        'import torch\r\nm = AutoModel.from_pretrained(\r\n    "org/m",\r\n'
        f'    revision="{SHA}",  # was: default branch\r\n)\r\nw = torch.load("x", weights_only=True)\r\n'
    ).encode()


def test_non_ascii_before_the_call_uses_code_point_columns(tmp_path: Path) -> None:
    source = '# modèle ünïcode\nlabel = "données"; m = AutoModel.from_pretrained("org/m")\n'
    column = len('label = "données"; m = ') + 1
    fix(tmp_path, source, [unpinned(2, column)])
    assert fixed_text(tmp_path) == (
        '# modèle ünïcode\n'
        f'label = "données"; m = AutoModel.from_pretrained("org/m", revision="{SHA}")  # was: default branch\n'
    )


def test_byte_order_mark_is_kept(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes('\ufeffw = torch.load("x")\n'.encode("utf-8"))
    apply_fixes([torch_load(1, 5)], tmp_path, write=True, unsafe=True)
    assert (tmp_path / "app.py").read_bytes() == '\ufeffw = torch.load("x", weights_only=True)\n'.encode("utf-8")


def test_dry_run_only_produces_a_diff(tmp_path: Path) -> None:
    source = 'w = torch.load("x")\n'
    outcome = fix(tmp_path, source, [torch_load(1, 5)], write=False)
    assert (tmp_path / "app.py").read_text() == source
    assert outcome.changed
    assert outcome.diff == (
        "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n"
        '-w = torch.load("x")\n+w = torch.load("x", weights_only=True)\n'
    )


def test_fixing_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    source = 'w = torch.load("x")\n'
    fix(tmp_path, source, [torch_load(1, 5)])
    first = (tmp_path / "app.py").read_text()
    [again] = apply_fixes([torch_load(1, 5)], tmp_path, write=True, unsafe=True)
    assert not again.changed and (tmp_path / "app.py").read_text() == first
    assert again.skipped[0][1].startswith("weights_only is already set explicitly")


@pytest.mark.parametrize(
    ("source", "finding", "reason"),
    [
        ('m = AutoModel.from_pretrained("org/m")\n', unpinned(1, 5, resolvedRevision=None),
         "the hub did not resolve org/m to a commit (see the other findings for that call)"),
        ('m = AutoModel.from_pretrained(name)\n', unpinned(1, 5, resolvedRevision=None, repoId=None),
         "the repository is not a literal, so there is no commit to pin it to; pin it where it is chosen"),
        ('m = AutoModel.from_pretrained("org/m", revision=REV)\n', unpinned(1, 5, revisionArgPresent=True),
         "the revision is not a literal (a variable or run-time value); pin it to a commit SHA where it is set"),
        ('m = AutoModel.from_pretrained("org/m", revision=cfg["revision"])\n', unpinned(1, 5, revisionArgPresent=True),
         "the revision is not a literal (a variable or run-time value); pin it to a commit SHA where it is set"),
        ('m = AutoModel.from_pretrained("org/m", revision=MAIN)\n',
         unpinned(1, 5, requested="main", revisionArgIsLiteral=False),
         "the revision 'main' comes from a variable or **kwargs; pin it where it is defined"),
        ('m = Model.from_pretrained("org/m", "main")\n', unpinned(1, 5, requested="main"),
         "the revision is passed positionally; pin it by hand"),
        ('m = AutoModel.from_pretrained("org/m", revision="dev")\n', unpinned(1, 5, requested="main"),
         "revision is 'dev' but the scan saw 'main' (file changed since the scan?)"),
        ('m = AutoModel.from_pretrained("org/m", **kw)\n', unpinned(1, 5),
         "the call passes **kwargs, which may already set revision"),
        ('m = snapshot_download("org/m", "v1")\n', unpinned(1, 5, requested="v1"),
         "the revision is passed positionally; pin it by hand"),
        ('m = AutoModel.from_pretrained("org/m")\n', unpinned(1, 6),
         "no call at the recorded position (file changed since the scan?)"),
        ('m = AutoModel.from_pretrained("org/m")\n', unpinned(1, 5, revisionStyle="unfixable"),
         "this loader has no revision argument that pins the files it loads"),
        ('m = torch.hub.load(REPO, "x")\n', suffix_pin("torchhub-suffix", 1, 5, repoArgIsLiteral=False),
         "the repository argument is not a string literal"),
        ('m = torch.hub.load("./local", "x")\n', suffix_pin("torchhub-suffix", 1, 5),
         "'./local' does not look like owner/repo"),
        ('m = torch.load("x", pickle_module=dill)\n', torch_load(1, 5),
         "the call passes pickle_module, which weights_only=True does not allow"),
        ('m = torch.load("x", weights_only=False)\n', call_finding("HG301", 1, 5, sink="B1"),
         "no automatic fix for this load: pass weights_only=True (torch >= 2.6), or store the weights as safetensors"),
        ('m = numpy.load("x", allow_pickle=True)\n', call_finding("HG301", 1, 5, sink="B4"),
         "no automatic fix for this load: drop allow_pickle=True and store plain numeric arrays (no object dtype)"),
        ('m = pandas.read_pickle(f)\n', call_finding("HG301", 1, 5, sink="B5"),
         "no automatic fix for this load: load a format that cannot run code (safetensors, JSON, ONNX), or only "
         "files you created"),
    ],
)
def test_unsafe_or_unknown_rewrites_are_skipped_with_a_reason(
    tmp_path: Path, source: str, finding, reason: str
) -> None:
    outcome = fix(tmp_path, source, [finding])
    assert not outcome.changed and outcome.diff == "" and outcome.applied == []
    assert [why for _, why in outcome.skipped] == [reason]
    assert (tmp_path / "app.py").read_text() == source


def test_weights_only_is_an_unsafe_fix_applied_only_on_request(tmp_path: Path) -> None:
    source = 'state = torch.load("model.pt")\n'
    outcome = fix(tmp_path, source, [torch_load(1, 9)], unsafe=False)
    assert not outcome.changed and outcome.applied == []
    [(_, reason)] = outcome.skipped
    assert "unsafe fix" in reason and "non-tensor objects" in reason and "--unsafe-fixes" in reason
    assert fix(tmp_path, source, [torch_load(1, 9)], unsafe=True).changed


def test_an_offline_scan_says_so_for_unresolved_revisions(tmp_path: Path) -> None:
    source = 'm = AutoModel.from_pretrained("org/m")\n'
    (tmp_path / "app.py").write_text(source)
    [outcome] = apply_fixes([unpinned(1, 5, resolvedRevision=None)], tmp_path, write=True, offline=True)
    assert [why for _, why in outcome.skipped] == [
        "the scan ran with --offline, so the revision was not looked up; run it online to pin"
    ]


def test_conflicting_findings_on_one_call_leave_it_alone(tmp_path: Path) -> None:
    source = 'm = AutoModel.from_pretrained("org/m")\n'
    outcome = fix(tmp_path, source, [unpinned(1, 5), unpinned(1, 5, resolvedRevision=OTHER_SHA)])
    assert not outcome.changed and outcome.applied == []
    assert sorted(why for _, why in outcome.skipped) == [
        "findings on this call ask for different edits; fix it by hand",
        "same call as HG201 at app.py:1:5",
    ]


def test_notebooks_and_remote_files_are_not_rewritten(tmp_path: Path) -> None:
    notebook = unpinned(3, 5, path="nb.ipynb")
    remote = unpinned(3, 5, path="https://huggingface.co/org/m/blob/abc/modeling.py")
    outcomes = apply_fixes([notebook, remote], tmp_path, write=True)
    assert [(o.path, o.changed, [why for _, why in o.skipped]) for o in outcomes] == [
        ("https://huggingface.co/org/m/blob/abc/modeling.py", False, ["the finding is in a remote file"]),
        ("nb.ipynb", False, ["notebooks are not rewritten; edit the cell by hand"]),
    ]


def test_bad_files_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def (:\n")
    outcomes = apply_fixes(
        [unpinned(1, 1, path="broken.py"), unpinned(1, 1, path="missing.py"), unpinned(1, 1, path="../outside.py")],
        tmp_path,
        write=True,
    )
    reasons = {o.path: [why for _, why in o.skipped] for o in outcomes}
    assert reasons["broken.py"] == ["could not parse the file"]
    assert reasons["missing.py"][0].startswith("could not read the file")
    assert reasons["../outside.py"] == ["the path is outside the scanned root"]
    assert (tmp_path / "broken.py").read_text() == "def (:\n"


def test_only_unsuppressed_hg201_and_hg301_findings_are_considered(tmp_path: Path) -> None:
    source = 'm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
    suppressed = unpinned(1, 5)
    suppressed.suppressed = True
    (tmp_path / "app.py").write_text(source)
    assert apply_fixes([suppressed, call_finding("HG101", 1, 5)], tmp_path, write=True) == []
    assert (tmp_path / "app.py").read_text() == source
