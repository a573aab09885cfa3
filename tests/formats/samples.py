"""Hand-built ScanResults covering every rule, a notebook, a suppressed and a remote finding."""

from __future__ import annotations

import json
from pathlib import Path

from hubguard.findings import (
    Finding,
    HubReference,
    Level,
    Location,
    Notification,
    Region,
    RevisionState,
    ScanResult,
)
from hubguard.formats import ReportContext

CANARY_NAME = "CANARY_EXECUTED"
SHA = "0123456789abcdef0123456789abcdef01234567"
REMOTE_FILE = f"https://huggingface.co/org/custom/blob/{SHA}/modeling_custom.py"
INJECTION = "[evil](http://x)"
MARKUP = "[bold]"

TRAIN_PY = f"""\
import torch
from transformers import AutoModel
open({CANARY_NAME!r}, "w").write("ran")  # canary: appears only if this file is executed

model = AutoModel.from_pretrained("org/custom", trust_remote_code=True)
hub_model = torch.hub.load("owner/repo", "resnet50", trust_repo=True)
tokenizer = AutoModel.from_pretrained("org/model")
state = torch.load("model.pt")
evil = AutoModel.from_pretrained("org/evil", trust_remote_code=True)
pickled = AutoModel.from_pretrained("org/pickle-only")
gated = AutoModel.from_pretrained("org/gated")
cross = AutoModel.from_pretrained("org/cross", revision="{SHA}", trust_remote_code=True)
missing = AutoModel.from_pretrained("typo-org/model")
"""

NOTEBOOK_CELLS = [
    {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Demo\n"]},
    {
        "cell_type": "code",
        "id": "imports",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": ["import pickle\n", "import torch\n"],
    },
    {
        "cell_type": "code",
        "id": "load",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": ["m = torch.load('model.pt')\n", "d = pickle.loads(blob)\n", "unused = 1"],
    },
]


def _call_region(line: int, text: str, needle: str) -> Region:
    start = text.splitlines()[line - 1].index(needle) + 1
    return Region(line, start, line, start + len(needle))


def write_tree(root: Path) -> None:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "train.py").write_text(TRAIN_PY, encoding="utf-8")
    (root / "src" / "with space.py").write_text("import pickle\npickle.load(open('x', 'rb'))\n", encoding="utf-8")
    (root / "notebooks").mkdir(exist_ok=True)
    notebook = {"cells": NOTEBOOK_CELLS, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "notebooks" / "demo.ipynb").write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


def notebook_raw_line(root: Path, needle: str) -> int:
    lines = (root / "notebooks" / "demo.ipynb").read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def _train(rule_id: str, level: Level, line: int, needle: str, message: str, **extra: object) -> Finding:
    return Finding(
        rule_id=rule_id,
        message=message,
        location=Location("src/train.py", _call_region(line, TRAIN_PY, needle)),
        level=level,
        **extra,  # type: ignore[arg-type]
    )


def sample_result(root: Path) -> ScanResult:
    """A result with one finding per rule plus notebook, suppressed, remote and injection cases."""
    write_tree(root)
    notebook_line = notebook_raw_line(root, "torch.load('model.pt')")
    notebook_column = (root / "notebooks" / "demo.ipynb").read_text().split("\n")[notebook_line - 1].index(
        "torch.load"
    ) + 1
    findings = [
        _train(
            "HG101",
            Level.ERROR,
            5,
            "AutoModel.from_pretrained",
            "trust_remote_code=True lets org/custom run its own code.",
        ),
        _train("HG102", Level.WARNING, 6, "torch.hub.load", "torch.hub.load runs hubconf.py from owner/repo."),
        _train("HG201", Level.WARNING, 7, "AutoModel.from_pretrained", "org/model is loaded without a pinned commit."),
        _train("HG301", Level.WARNING, 8, "torch.load", "torch.load without weights_only=True can run pickled code."),
        _train(
            "HG401",
            Level.WARNING,
            5,
            "AutoModel.from_pretrained",
            f"org/custom ships code this call would execute {MARKUP}.",
            related=(Location(REMOTE_FILE, Region(1, 1, 1, 10), f"modeling_custom.py {INJECTION}"),),
        ),
        _train(
            "HG402",
            Level.ERROR,
            9,
            "AutoModel.from_pretrained",
            f"Code in org/evil matches a dangerous pattern: os.system {INJECTION}.",
            related=(
                Location(
                    f"https://huggingface.co/org/evil/blob/{SHA}/modeling_evil.py",
                    Region(12, 5, 12, 30),
                    "os.system call",
                ),
                Location(f"https://huggingface.co/org/evil/blob/{SHA}/config.json", None, None),
            ),
        ),
        _train(
            "HG403", Level.ERROR, 9, "AutoModel.from_pretrained", "pytorch_model.bin in org/evil imports posix.system."
        ),
        _train("HG404", Level.WARNING, 10, "AutoModel.from_pretrained", "org/pickle-only has only pickle weights."),
        _train("HG405", Level.NOTE, 11, "AutoModel.from_pretrained", "org/gated is gated and no HF_TOKEN is set."),
        _train(
            "HG406",
            Level.ERROR,
            12,
            "AutoModel.from_pretrained",
            "auto_map loads code from other/repo at its main branch.",
        ),
        _train("HG407", Level.ERROR, 13, "AutoModel.from_pretrained", "typo-org/model does not exist on the hub."),
        _train("HG410", Level.WARNING, 13, "AutoModel.from_pretrained", "open-mmlab://r50 is redirected locally."),
        _train(
            "HG408", Level.ERROR, 12, "AutoModel.from_pretrained", "modeling_big.py in other/repo was not analysed."
        ),
        _train(
            "HG201", Level.WARNING, 13, "AutoModel.from_pretrained", "typo-org/model is not pinned.", suppressed=True
        ),
        Finding(
            rule_id="HG301",
            message="pickle.load can run pickled code.",
            location=Location("src/with space.py", Region(2, 1, 2, 12)),
            level=Level.WARNING,
        ),
        Finding(
            rule_id="HG002",
            message="Unused suppression (unused: HG101).",
            location=Location("src/with space.py", Region(1, 1, 1, 2)),
            level=Level.WARNING,
        ),
        Finding(
            rule_id="HG301",
            message="torch.load without weights_only=True can run pickled code. (cell 3, line 1)",
            location=Location(
                "notebooks/demo.ipynb",
                Region(notebook_line, notebook_column, notebook_line, notebook_column + len("torch.load")),
            ),
            level=Level.WARNING,
            properties={"notebook": {"cellIndex": 2, "cellNumber": 3, "lineInCell": 1, "cellId": "load"}},
        ),
    ]
    findings.append(
        Finding(
            rule_id="HG001",
            message="Not analysed (syntax error: invalid syntax, at line 3, column 8); the file mentions a model loader.",
            location=Location("src/broken.py", Region(3, 8, 3, 9)),
            level=Level.WARNING,
        )
    )
    notifications = [
        Notification("could not parse: invalid syntax [line 3]", path="src/broken.py", kind="parse-error"),
        Notification("huggingface.co did not answer", path=None, level=Level.NOTE, kind="hub-unreachable"),
    ]
    references = [
        HubReference(
            hub="huggingface",
            repo_type="model",
            repo_id="org/custom",
            revision=None,
            revision_state=RevisionState.UNPINNED,
            location=Location("src/train.py", _call_region(5, TRAIN_PY, "AutoModel.from_pretrained")),
            sink="A1",
            runs_remote_code=True,
            loads_weights=True,
        )
    ]
    return ScanResult(findings=findings, notifications=notifications, references=references, files_scanned=4)


def context(root: Path, **overrides: object) -> ReportContext:
    values: dict[str, object] = {"root": root, "tool_version": "0.1.0", "fail_on": Level.WARNING}
    values.update(overrides)
    return ReportContext(**values)  # type: ignore[arg-type]
