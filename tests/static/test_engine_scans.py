"""What a scan does with each file before and around the analysis: files it cannot read, files the prefilter
drops, the worker processes ``--jobs`` asks for (64 files or more), the progress bar, the cache, internal errors.

Workers are replaced by an in-process stand-in that records how it was asked to run: the results are the same,
what is pinned is when processes would be started and with how many workers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest

from hubguard.config import Config
from hubguard.findings import (
    INTERNAL_ERROR,
    Finding,
    Level,
    Location,
    Notification,
    Region,
    ScanResult,
    SuppressionComment,
)
from hubguard.static import engine, workers
from hubguard.static.engine import analyze_bytes, scan_paths
from hubguard.static.suppression import ALL_RULES

LOADER = "import torch\nstate = torch.load('x.pt')\n"


class PoolStandIn:
    """Records each request for worker processes and answers it in this process, file by file."""

    def __init__(self, died: str | None = None) -> None:
        self.requests: list[
            tuple[int, int, int]
        ] = []  # (files, workers, files per batch)
        self.died = died  # the file whose worker "dies"

    def __call__(
        self,
        jobs: list[tuple[str, bytes, dict]],
        analyse: Callable[[bytes, str, Config, dict], ScanResult],
        config: Config,
        worker_count: int,
        batch_size: int,
        advance: Callable[[], None],
    ) -> list[ScanResult]:
        self.requests.append((len(jobs), worker_count, batch_size))
        results = []
        for relative, data, constants in jobs:
            if relative == self.died:
                died = Finding(
                    "HG001",
                    "worker died",
                    Location(relative),
                    Level.ERROR,
                    properties={"reason": "worker-died"},
                )
                results.append(ScanResult(findings=[died], files_scanned=1))
            else:
                results.append(analyse(data, relative, config, constants))
            advance()
        return results


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> PoolStandIn:
    stand_in = PoolStandIn()
    monkeypatch.setattr(workers, "analyse_in_workers", stand_in)
    return stand_in


def loaders(folder: Path, count: int) -> Path:
    folder.mkdir(exist_ok=True)
    for index in range(count):
        (folder / f"f{index:02}.py").write_text(LOADER)
    return folder


@pytest.mark.parametrize(
    ("files", "jobs", "cpus", "requests"),
    [
        (
            64,
            2,
            8,
            [(64, 2, 16)],
        ),  # 64 files or more: in workers, as many as --jobs says, 16 files a batch
        (63, 2, 8, []),  # fewer: starting processes would cost more than it saves
        (64, 1, 8, []),  # --jobs 1: never another process
        (64, None, 3, [(64, 3, 16)]),  # no --jobs: one worker per CPU
        (64, None, None, []),  # the CPU count unknown: one worker, so none started
    ],
)
def test_a_large_scan_is_analysed_in_as_many_workers_as_jobs_says(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pool: PoolStandIn,
    files: int,
    jobs: int | None,
    cpus: int | None,
    requests: list[tuple[int, int, int]],
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    result = scan_paths(
        [loaders(tmp_path / "src", files)], Config(jobs=jobs, cache=False), tmp_path
    )
    assert pool.requests == requests
    assert result.files_scanned == files
    assert sorted(f.location.path for f in result.findings) == [
        f"src/f{index:02}.py" for index in range(files)
    ]


def test_a_file_whose_worker_died_is_analysed_again_on_the_next_run(
    tmp_path: Path, pool: PoolStandIn
) -> None:
    config = Config(jobs=2, cache_dir=tmp_path / "cache")
    folder = loaders(tmp_path / "src", 64)
    pool.died = "src/f07.py"
    first = scan_paths([folder], config, tmp_path)
    assert first.stats["cache"] == {"hits": 0, "misses": 64}
    assert [f.properties["reason"] for f in first.findings if f.rule_id == "HG001"] == [
        "worker-died"
    ]
    pool.died = None
    second = scan_paths([folder], config, tmp_path)
    assert second.stats["cache"] == {"hits": 63, "misses": 1}
    assert pool.requests == [
        (64, 2, 16)
    ]  # the second run analysed one file, in this process
    assert not [f for f in second.findings if f.rule_id == "HG001"]


def test_files_that_cannot_be_read_or_are_too_large_are_reported_and_counted(
    tmp_path: Path,
) -> None:
    padding = "# " + "x" * 78 + "\n"
    (tmp_path / "big_loader.py").write_text(padding * 20 + LOADER)
    (tmp_path / "big_plain.py").write_text("import json\n" + padding * 20)
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "small.py").write_text(LOADER)
    result = scan_paths([tmp_path], Config(max_file_size=1024, cache=False), tmp_path)
    assert result.files_scanned == 4
    findings = {
        (f.location.path, f.rule_id, f.level, f.location.region)
        for f in result.findings
    }
    assert ("big_loader.py", "HG001", Level.WARNING, None) in findings
    assert [f.location.path for f in result.findings if f.rule_id == "HG301"] == [
        "small.py"
    ]
    [too_large] = [f for f in result.findings if f.location.path == "big_loader.py"]
    assert too_large.message == (
        "Not analysed (file is 1,660 bytes, larger than max-file-size (1,024 bytes); not analysed); "
        "the file mentions a model loader, so findings may be hidden here."
    )
    assert {(n.path, n.message, n.level) for n in result.notifications} == {
        (
            "big_plain.py",
            "file is 1,632 bytes, larger than max-file-size (1,024 bytes); not analysed",
            Level.WARNING,
        ),
        ("fifo.py", "a FIFO (named pipe), not a regular file; not read", Level.WARNING),
    }


def test_every_file_counts_once_whatever_happens_to_it(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("x = 1\n")  # dropped by the prefilter
    (tmp_path / "ignored.py").write_text(
        "x = 1  # hubguard: ignore[HG301]\n"
    )  # a comment to account for
    (tmp_path / "loader.py").write_text(LOADER)
    result = scan_paths([tmp_path], Config(cache=False), tmp_path)
    assert result.files_scanned == 3
    [comment] = result.suppressions
    assert (comment.location.path, comment.rules, comment.used) == (
        "ignored.py",
        frozenset({"HG301"}),
        set(),
    )


class RecordingBar:
    made: ClassVar[list[RecordingBar]] = []

    def __init__(self, total: int) -> None:
        self.total, self.done, self.closed = total, 0, False
        RecordingBar.made.append(self)

    def advance(self) -> None:
        self.done += 1

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("cached", [False, True], ids=["analysed", "from-the-cache"])
def test_the_progress_bar_counts_every_file_and_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    monkeypatch.setattr(engine, "ProgressBar", RecordingBar)
    monkeypatch.setattr(RecordingBar, "made", [])
    (tmp_path / "plain.py").write_text("x = 1\n")
    (tmp_path / "loader.py").write_text(LOADER)
    (tmp_path / "other.py").write_text(LOADER.replace("x.pt", "y.pt"))
    config = Config(cache_dir=tmp_path / "cache", cache=cached)
    if cached:
        scan_paths([tmp_path], config, tmp_path)
    scan_paths([tmp_path], config, tmp_path)
    assert RecordingBar.made == []  # no bar unless asked (the default)
    scan_paths([tmp_path], config, tmp_path, progress=True)
    [bar] = RecordingBar.made
    assert (bar.total, bar.done, bar.closed) == (3, 3, True)


def test_an_internal_error_names_its_kind_and_where_it_happened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hubguard.static import analyzer

    def explode(ctx: object) -> list[object]:
        raise KeyError("boom")

    monkeypatch.setattr(analyzer, "_run_checks", explode)
    result = analyze_bytes(LOADER.encode(), "a.py", Config())
    [finding] = result.findings
    assert (
        finding.message
        == "Internal error while analysing (KeyError: 'boom'); findings may be hidden here. Please report it."
    )
    assert (finding.level, finding.properties) == (
        Level.ERROR,
        {"reason": "internal-error"},
    )
    assert (
        finding.location.region is not None and finding.location.region.start_line == 2
    )
    assert result.notifications == [
        Notification(
            "internal error while analysing at line 2 (KeyError: 'boom'); please report it",
            "a.py",
            Level.ERROR,
            INTERNAL_ERROR,
        )
    ]


def test_an_internal_error_outside_any_call_has_no_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("lost")

    monkeypatch.setattr(engine, "analyze_module", explode)
    result = analyze_bytes(LOADER.encode(), "a.py", Config())
    [finding] = result.findings
    assert finding.location.region is None and "(RuntimeError: lost)" in finding.message
    assert [n.message for n in result.notifications] == [
        "internal error while analysing (RuntimeError: lost); please report it"
    ]


@pytest.mark.parametrize("command", ["lm_eval", "lm-eval", "python -m lm_eval"])
def test_a_notebook_shell_line_running_lm_eval_under_either_name_is_read(
    command: str,
) -> None:
    line = f"!{command} --model hf --model_args pretrained=org/m,trust_remote_code=True --tasks x\n"
    raw = (
        '{"cells": [{"cell_type": "code", "source": ["'
        + line.replace("\n", "\\n")
        + '"]}]}'
    )
    result = analyze_bytes(raw.encode(), "nb.ipynb", Config())
    assert sorted(f.rule_id for f in result.findings) == ["HG101", "HG201"]


def test_allow_remote_code_drops_remote_code_findings_for_the_repositories_it_names() -> (
    None
):
    text = (
        "import torch\nfrom diffusers import DiffusionPipeline\n"
        'hub = torch.hub.load("trusted-org/repo", "net", trust_repo=True)\n'
        'other = torch.hub.load("other/repo", "net", trust_repo=True)\n'
        'pipe = DiffusionPipeline.from_pretrained(base, custom_pipeline="trusted-org/pipe")\n'
        'pipe = DiffusionPipeline.from_pretrained(base, custom_pipeline="other/pipe")\n'
    )

    def remote_code(config: Config) -> list[tuple[str, int | None]]:
        findings = analyze_bytes(text.encode(), "a.py", config).findings
        return [
            (f.rule_id, f.location.region and f.location.region.start_line)
            for f in findings
            if f.rule_id in ("HG101", "HG102")
        ]

    assert remote_code(Config()) == [
        ("HG102", 3),
        ("HG102", 4),
        ("HG101", 5),
        ("HG101", 6),
    ]
    assert remote_code(Config(allow_remote_code=("trusted-org/*",))) == [
        ("HG102", 4),
        ("HG101", 6),
    ]
    assert remote_code(
        Config(allow_remote_code=("trusted-org/*",), ignore=frozenset({"HG102"}))
    ) == [("HG101", 6)]


def test_each_suppression_comment_is_listed_with_the_rules_it_suppressed() -> None:
    lines = [
        "import torch\n",
        "state = torch.load('x.pt')  # hubguard: ignore[HG301, HG201]\n",
        "x = 1  # hubguard: ignore\n",
    ]
    result = analyze_bytes("".join(lines).encode(), "load.py", Config())
    assert [(finding.rule_id, finding.suppressed) for finding in result.findings] == [("HG301", True)]

    def where(line: int) -> Location:
        text = lines[line - 1].rstrip("\n")
        start = text.index("#") + 1
        return Location("load.py", Region(line, start, line, len(text) + 1))

    assert result.suppressions == [
        SuppressionComment(where(2), frozenset({"HG301", "HG201"}), {"HG301"}),
        SuppressionComment(where(3), frozenset({ALL_RULES}), set()),
    ]


def test_allow_remote_code_matches_a_community_pipeline_by_its_name() -> None:
    text = (
        "from diffusers import DiffusionPipeline\n"
        "pipe = DiffusionPipeline.from_pretrained('./local-model', custom_pipeline='lpw_stable_diffusion')\n"
    )

    def remote_code(*allowed: str) -> list[tuple[str, str]]:
        result = analyze_bytes(text.encode(), "pipe.py", Config(allow_remote_code=allowed))
        return [(finding.rule_id, finding.properties["customPipeline"]) for finding in result.findings]

    assert remote_code() == remote_code("other/*") == [("HG101", "lpw_stable_diffusion")]
    assert remote_code("lpw_*") == []


def test_allowing_the_model_repository_does_not_allow_the_community_pipeline_it_runs() -> None:
    text = (
        "from diffusers import DiffusionPipeline\n"
        "pipe = DiffusionPipeline.from_pretrained('my-org/model', custom_pipeline='lpw_stable_diffusion')\n"
    )
    findings = analyze_bytes(text.encode(), "pipe.py", Config(allow_remote_code=("my-org/*",))).findings
    assert [(f.rule_id, f.properties["repoId"], f.properties.get("customPipeline")) for f in findings] == [
        ("HG201", "my-org/model", None),
        ("HG101", "my-org/model", "lpw_stable_diffusion"),
    ]
    assert analyze_bytes(text.encode(), "pipe.py", Config(allow_remote_code=("lpw_*",))).findings == [
        f for f in findings if f.rule_id != "HG101"
    ]


def test_the_keyword_checks_reach_a_callee_that_is_not_a_plain_name() -> None:
    text = 'model = LOADERS["hf"](model_id=path, trust_remote_code=True)\n'
    result = analyze_bytes(text.encode(), "registry.py", Config())
    assert [(f.rule_id, f.level, f.location.region.start_column) for f in result.findings if f.location.region] == [
        ("HG101", Level.ERROR, text.index("trust_remote_code") + 1)
    ]


def test_a_loader_that_always_unpickles_is_flagged_by_its_callee_even_without_arguments() -> None:
    text = "import pickle\nrestored = pickle.load()\n"
    result = analyze_bytes(text.encode(), "restore.py", Config())
    assert [(f.rule_id, f.level, f.location.region) for f in result.findings] == [
        ("HG301", Level.WARNING, Region(2, 12, 2, 23))
    ]


def test_a_call_whose_analysis_fails_hides_no_finding_of_the_calls_around_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubguard.static import analyzer
    from hubguard.static.calls import CallContext
    from hubguard.static.checks import Hit

    real_checks = analyzer._run_checks

    def failing_on_line_3(ctx: CallContext) -> list[Hit]:
        if ctx.call.lineno == 3:
            raise KeyError("boom")
        return real_checks(ctx)

    monkeypatch.setattr(analyzer, "_run_checks", failing_on_line_3)
    text = "import torch\na = torch.load(p)\nb = torch.load(q)\nc = torch.load(r)\n"
    result = analyze_bytes(text.encode(), "a.py", Config())
    found = sorted((f.location.region.start_line, f.rule_id, f.level) for f in result.findings if f.location.region)
    assert found == [(2, "HG301", Level.WARNING), (3, "HG001", Level.ERROR), (4, "HG301", Level.WARNING)]


def test_dict_of_a_trust_flag_is_a_value_unless_the_module_binds_its_own_dict() -> None:
    def findings(text: str) -> list[tuple[str, Level, int, int]]:
        result = analyze_bytes(text.encode(), "options.py", Config())
        regions = [(f, f.location.region) for f in result.findings]
        return [(f.rule_id, f.level, at.start_line, at.start_column) for f, at in regions if at is not None]

    assert findings("options = dict(trust_remote_code=True)\n") == []  # judged where it is passed
    rebound = "from loaders import dict\nmodel = dict('org/m', trust_remote_code=True)\n"
    assert findings(rebound) == [("HG101", Level.ERROR, 2, rebound.splitlines()[1].index("trust_remote_code") + 1)]


def test_bytes_over_max_file_size_are_not_analysed_and_say_their_size_as_files_on_disk_do() -> None:
    """Stdin has no size bound on reading: the bytes are judged here, HG001 when they mention a loader."""
    config = Config(max_file_size=40)
    loader = analyze_bytes(LOADER.encode() + b"# more\n", "big.py", config)
    assert loader.findings == [
        Finding(
            "HG001",
            "Not analysed (file is 47 bytes, larger than max-file-size (40 bytes); not analysed); "
            "the file mentions a model loader, so findings may be hidden here.",
            Location("big.py", None),
            Level.WARNING,
            properties={"reason": "unparsable-input"},
        )
    ]
    assert (loader.notifications, loader.files_scanned) == ([], 1)
    data = analyze_bytes(b"x = 1\n" * 10, "data.py", config)
    assert data.findings == []
    assert data.notifications == [
        Notification("file is 60 bytes, larger than max-file-size (40 bytes); not analysed", "data.py")
    ]
    at_limit = analyze_bytes(LOADER.encode(), "a.py", Config(max_file_size=len(LOADER)))
    assert [finding.rule_id for finding in at_limit.findings] == ["HG301"]


def test_a_loader_named_only_in_comments_does_not_make_a_broken_file_worth_parsing() -> None:
    """The byte prefilter lets the file through; its code mentions no loader, so nothing there is hidden."""
    result = analyze_bytes(b"# the weights come from torch.load(path) elsewhere\ndef f(:\n", "a.py", Config())
    assert (result.findings, result.notifications, result.suppressions) == ([], [], [])


def test_a_skipped_statement_is_flagged_at_its_first_bad_character_one_column_wide() -> None:
    result = analyze_bytes(b"import torch\nx = (\ntorch.load(p)\n", "a.py", Config())
    assert [(f.rule_id, f.location.region) for f in result.findings] == [("HG001", Region(2, 5, 2, 6))]
    assert result.findings[0].message.startswith("Not analysed (syntax error: '(' was never closed, at line 2, column 5")


def test_an_hg001_suppressed_on_its_line_marks_the_comment_used() -> None:
    text = "import torch\ndef f(: torch.load(p)  # hubguard: ignore[HG001]\n"
    result = analyze_bytes(text.encode(), "a.py", Config())
    assert [(f.rule_id, f.suppressed) for f in result.findings] == [("HG001", True)]
    start = text.splitlines()[1].index("#") + 1
    assert result.suppressions == [
        SuppressionComment(
            Location("a.py", Region(2, start, 2, len(text.splitlines()[1]) + 1)), frozenset({"HG001"}), {"HG001"}
        )
    ]


def test_a_notebooks_code_is_parsed_once_when_its_cells_parse_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """read_notebook's tree is the one analysed, also when a cell ends in a comment whose backslash is followed by
    something (a space, an X): only a backslash ending the cell continues its line."""

    def refuse(text: str) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(engine, "parse_recovering", refuse)
    cells = ["import torch  # on C:\\\\ \n", "state = torch.load('x.pt')\n# kept on C:\\\\X"]
    raw = '{"cells": [' + ", ".join('{"cell_type": "code", "source": %s}' % json.dumps(c) for c in cells) + "]}"
    result = analyze_bytes(raw.encode(), "nb.ipynb", Config())
    assert ([f.rule_id for f in result.findings], result.notifications) == (["HG301"], [])
