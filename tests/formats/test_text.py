from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from hubguard.findings import Finding, Level, Location, Notification, Region, ScanResult
from hubguard.formats import print_text
from hubguard.formats.context import ReportContext
from tests.formats.samples import CANARY_NAME, INJECTION, MARKUP, context, sample_result


def text_output(result: ScanResult, ctx: ReportContext) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    print_text(result, ctx, Console(file=out, width=200), Console(file=err, width=200))
    return out.getvalue(), err.getvalue()


def test_findings_grouped_by_file_with_code_frame(tmp_path: Path) -> None:
    out, _ = text_output(sample_result(tmp_path), context(tmp_path))
    assert out.index("notebooks/demo.ipynb\n") < out.index("src/train.py\n") < out.index("src/with space.py\n")
    assert out.count("src/train.py\n") == 1
    assert "  5:9  error  HG101 remote-code-enabled\n" in out
    assert "    trust_remote_code=True lets org/custom run its own code.\n" in out
    frame = [
        '    3 | open(\'CANARY_EXECUTED\', "w").write("ran")  # canary: appears only if this file is executed',
        "    4 | ",
        '  > 5 | model = AutoModel.from_pretrained("org/custom", trust_remote_code=True)',
        "      |         " + "^" * len("AutoModel.from_pretrained"),
        '    6 | hub_model = torch.hub.load("owner/repo", "resnet50", trust_repo=True)',
        '    7 | tokenizer = AutoModel.from_pretrained("org/model")',
    ]
    assert "\n".join(frame) in out
    assert "    why: The repository's Python files are imported and run with the caller's privileges.\n" in out
    assert "    fix: remove trust_remote_code, or pin revision to a reviewed commit SHA\n" in out
    assert not (tmp_path / CANARY_NAME).exists()


def test_notebook_frame_shows_cell_code_not_json(tmp_path: Path) -> None:
    out, _ = text_output(sample_result(tmp_path), context(tmp_path))
    section = out[out.index("notebooks/demo.ipynb") : out.index("src/train.py")]
    assert "cell 3:1  warning  HG301 unsafe-deserialization" in section
    assert "  > 1 | m = torch.load('model.pt')\n    2 | d = pickle.loads(blob)\n    3 | unused = 1\n" in section
    assert '"source"' not in section and "cell_type" not in section


def test_related_locations_and_untrusted_text_are_literal(tmp_path: Path) -> None:
    out, _ = text_output(sample_result(tmp_path), context(tmp_path))
    assert f"org/custom ships code this call would execute {MARKUP}." in out
    assert f"os.system {INJECTION}." in out
    assert "    related: https://huggingface.co/org/evil/blob/" in out
    assert "modeling_evil.py:12 (os.system call)" in out
    assert "\x1b" not in out


def test_control_characters_from_scanned_files_are_neutralised(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = '\x1b[2J\u202e'\nimport pickle\n", encoding="utf-8")
    result = ScanResult(
        findings=[Finding("HG301", "msg \x1b]0;title\x07 end", Location("a.py", Region(1, 1, 1, 2)), Level.WARNING)]
    )
    out, _ = text_output(result, context(tmp_path))
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "x = '\\x1b[2J\\u202e'" in out
    assert "msg \\x1b]0;title\\x07 end" in out


def test_summary_by_rule_and_suppressed_hidden_by_default(tmp_path: Path) -> None:
    out, _ = text_output(sample_result(tmp_path), context(tmp_path))
    assert "Found 17 findings (6 errors, 10 warnings, 1 note) in 4 files; 4 files scanned, 1 suppressed.\n" in out
    assert "  HG301 unsafe-deserialization" in out and out.rstrip().endswith("(warning).")
    assert "typo-org/model is not pinned." not in out
    shown, _ = text_output(sample_result(tmp_path), context(tmp_path, show_suppressed=True))
    assert "typo-org/model is not pinned." in shown and "(suppressed)" in shown


def test_clean_run_says_no_findings(tmp_path: Path) -> None:
    out, err = text_output(ScanResult(files_scanned=1), context(tmp_path))
    assert out == "No findings (1 file scanned).\n" and err == ""


def test_notifications_go_to_err_console_only(tmp_path: Path) -> None:
    result = ScanResult(notifications=[Notification("bad [red]syntax[/red]", path="b.py")])
    out, err = text_output(result, context(tmp_path))
    assert err == "warning: b.py: bad [red]syntax[/red] [parse-error]\n"
    assert "syntax" not in out


def test_missing_or_escaping_files_have_no_frame(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.py").write_text("SECRET = 'do not show'\n")
    result = ScanResult(
        findings=[
            Finding("HG301", "outside.", Location("../outside.py", Region(1, 1, 1, 2)), Level.WARNING),
            Finding("HG301", "gone.", Location("gone.py", Region(1, 1, 1, 2)), Level.WARNING),
            Finding(
                "HG301",
                "bad nb.",
                Location("nb.ipynb", Region(1, 1, 1, 2)),
                Level.WARNING,
                properties={"notebook": {"cellIndex": 9, "cellNumber": 10, "lineInCell": 1, "cellId": None}},
            ),
        ]
    )
    (root / "nb.ipynb").write_text("{not json")
    out, _ = text_output(result, context(root))
    assert "SECRET" not in out and "|" not in out
    assert "outside." in out and "gone." in out and "bad nb." in out


def test_terminal_gets_colour_and_plain_file_does_not(tmp_path: Path) -> None:
    result = sample_result(tmp_path)
    plain, _ = text_output(result, context(tmp_path))
    assert "\x1b[" not in plain
    out = io.StringIO()
    print_text(
        result,
        context(tmp_path),
        Console(file=out, force_terminal=True, color_system="standard", width=200),
        Console(file=io.StringIO()),
    )
    assert "\x1b[" in out.getvalue()
