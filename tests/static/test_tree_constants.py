"""Constants imported from another module of the scanned tree resolve both ways (hub ID / local folder), and the
result cache follows the module they come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding
from hubguard.static.engine import scan_paths

CONFIG = (
    "import os\n"
    "MODEL_ID = 'org/shared-model'\n"
    "CHECKPOINTS = os.path.join(os.path.dirname(__file__), 'checkpoints')\n"
    "OUTPUT_DIR = './outputs/final'\n"
    "TRUST = True\n"
    "BRANCH = 'main'\n"
    "TWICE = 'org/a'\n"
    "TWICE = 'org/b'\n"
)
TRAIN = (
    "from transformers import AutoModel\n"
    "from .config import MODEL_ID, CHECKPOINTS, OUTPUT_DIR as OUT, TRUST, BRANCH, TWICE\n"
    "hub = AutoModel.from_pretrained(MODEL_ID, trust_remote_code=TRUST)\n"
    "local = AutoModel.from_pretrained(CHECKPOINTS, trust_remote_code=TRUST)\n"
    "written = AutoModel.from_pretrained(OUT, revision=BRANCH)\n"
    "rebound = AutoModel.from_pretrained(TWICE)\n"
    "branch = AutoModel.from_pretrained('org/other', revision=BRANCH)\n"
)
SCRIPT = "from transformers import AutoModel\nfrom pkg.config import MODEL_ID\nm = AutoModel.from_pretrained(MODEL_ID)\n"


def tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "config.py").write_text(CONFIG)
    (tmp_path / "pkg" / "train.py").write_text(TRAIN)
    (tmp_path / "script.py").write_text(SCRIPT)
    return tmp_path


def by_line(findings: list[Finding], path: str) -> dict[int, list[tuple[str, str, str]]]:
    lines: dict[int, list[tuple[str, str, str]]] = {}
    for finding in findings:
        if finding.location.path == path and finding.location.region is not None:
            entry = (finding.rule_id, finding.level.value, finding.properties.get("repoId", ""))
            lines.setdefault(finding.location.region.start_line, []).append(entry)
    return lines


def test_constants_from_the_tree_resolve_both_ways(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = scan_paths([root], Config(cache=False), root)
    train = by_line(result.findings, "pkg/train.py")
    assert sorted(train[3]) == [("HG101", "error", "org/shared-model"), ("HG201", "error", "org/shared-model")]
    assert [rule for rule, _, _ in train[4]] == ["HG101"]  # a local folder: its code still runs, no hub reference
    assert 5 not in train  # './outputs/final' is local, whatever revision says
    assert [(rule, level) for rule, level, _ in train[6]] == [("HG201", "note")]  # bound twice: not a constant
    assert train[7] == [("HG201", "warning", "org/other")]  # BRANCH = 'main'
    assert by_line(result.findings, "script.py")[3] == [("HG201", "warning", "org/shared-model")]
    references = {(ref.location.path, ref.repo_id) for ref in result.references}
    assert ("pkg/train.py", "org/shared-model") in references and ("script.py", "org/shared-model") in references


def test_editing_the_constants_module_reanalyses_its_importers(tmp_path: Path) -> None:
    root = tree(tmp_path / "project")
    config = Config(cache_dir=tmp_path / "cache")
    scan_paths([root], config, root)
    again = scan_paths([root], config, root)
    assert again.stats["cache"]["misses"] == 0
    (root / "pkg" / "config.py").write_text(CONFIG.replace("org/shared-model", "org/renamed"))
    edited = scan_paths([root], config, root)
    assert {"pkg/train.py", "script.py"} <= {f.location.path for f in edited.findings if f.properties.get("repoId") == "org/renamed"}
    assert edited.stats["cache"]["misses"] == 2  # the two importers; the edited module itself has no loader


def test_a_module_outside_the_scanned_paths_is_not_read(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = scan_paths([root / "pkg" / "train.py"], Config(cache=False), root)
    train = by_line(result.findings, "pkg/train.py")
    assert sorted((rule, level) for rule, level, _ in train[3]) == [("HG101", "warning"), ("HG201", "note")]


# A tree laid out like a project with a src/ package, scripts and tools beside it.
PROJECT = {
    "src/pkg/__init__.py": "DEFAULT_MODEL = 'org/package-default'\n",
    "src/pkg/settings.py": (
        "import os\n"
        "TWICE = 'org/a'\n"
        "TWICE = 'org/b'\n"
        "TOKEN = os.environ.get('HF_TOKEN')\n"
        "MODEL_ID = 'org/deep-model'\n"
        "model_name = 'org/lower-case'\n"
        "CHECKPOINTS = os.path.join(\n"
        "    os.path.dirname(__file__), 'checkpoints'\n"
        ")\n"
    ),
    "src/pkg/config.py": "MODEL_ID = 'org/pkg-config'\n",
    "src/pkg/sub/__init__.py": "SUB_MODEL = 'org/sub-model'\n",
    "src/pkg/sub/config.py": "MODEL_ID = 'org/sub-config'\n",
    "src/pkg/sub/train.py": (
        "from transformers import AutoModel\n"
        "from ..config import MODEL_ID\n"
        "from . import SUB_MODEL\n"
        "parent = AutoModel.from_pretrained(MODEL_ID)\n"
        "package = AutoModel.from_pretrained(SUB_MODEL)\n"
    ),
    "src/pkg/serve.py": "from transformers import AutoModel\nfrom .sub import SUB_MODEL\nm = AutoModel.from_pretrained(SUB_MODEL)\n",
    "scripts/run.py": (
        "\n"
        "from pkg import DEFAULT_MODEL\n"
        "from typing import TYPE_CHECKING\n"
        "USAGE = 'from pkg.sub.config import MODEL_ID'\n"
        "#from pkg.sub.config import MODEL_ID\n"
        "from transformers import (AutoModel)\n"
        "from pkg.settings import (model_name)\n"
        "from pkg.settings import MODEL_ID, CHECKPOINTS, TWICE\n"
        "from pkg.missing import OTHER\n"
        "deep = AutoModel.from_pretrained(MODEL_ID)\n"
        "package = AutoModel.from_pretrained(DEFAULT_MODEL)\n"
        "local = AutoModel.from_pretrained(CHECKPOINTS, trust_remote_code=True)\n"
        "lower = AutoModel.from_pretrained(model_name)\n"
        "rebound = AutoModel.from_pretrained(TWICE)\n"
    ),
    "tools/config.py": "MODEL_ID = 'org/tools-config'\n",
    "tools/evaluate.py": "from transformers import AutoModel\nfrom config import MODEL_ID\nm = AutoModel.from_pretrained(MODEL_ID)\n",
    "other/evaluate.py": "from transformers import AutoModel\nfrom config import MODEL_ID\nm = AutoModel.from_pretrained(MODEL_ID)\n",
}


def project(root: Path) -> Path:
    for relative, text in PROJECT.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_an_absolute_import_finds_its_module_by_dotted_name_anywhere_in_the_tree(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = scan_paths([root], Config(cache=False), root)
    run = by_line(result.findings, "scripts/run.py")
    assert run[10] == [("HG201", "warning", "org/deep-model")]  # src/pkg/settings.py, though scripts/ has no pkg/
    assert run[11] == [("HG201", "warning", "org/package-default")]  # from pkg import ...: src/pkg/__init__.py
    assert run[12] == [("HG101", "error", "")]  # a local path spread over three lines of settings.py
    assert run[13] == [("HG201", "note", "")]  # model_name is not named like a constant (PEP 8)
    assert run[14] == [("HG201", "note", "")]  # TWICE is bound twice in settings.py
    assert not result.notifications


def test_a_relative_import_climbs_one_package_per_dot_and_a_bare_dot_is_the_package(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = scan_paths([root], Config(cache=False), root)
    train = by_line(result.findings, "src/pkg/sub/train.py")
    assert train[4] == [("HG201", "warning", "org/pkg-config")]  # ..config: src/pkg/config.py, not sub/config.py
    assert train[5] == [("HG201", "warning", "org/sub-model")]  # from . import SUB_MODEL: sub/__init__.py
    assert by_line(result.findings, "src/pkg/serve.py")[3] == [("HG201", "warning", "org/sub-model")]  # from .sub


def test_a_script_s_own_directory_comes_first_and_an_ambiguous_module_resolves_to_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = scan_paths([root], Config(cache=False), root)
    assert by_line(result.findings, "tools/evaluate.py")[3] == [("HG201", "warning", "org/tools-config")]
    # other/ has no config.py, and the tree has two (tools/, src/pkg/) plus src/pkg/sub/: which one is meant is unknown
    assert by_line(result.findings, "other/evaluate.py")[3] == [("HG201", "note", "")]


def test_a_module_named_only_in_a_string_or_a_comment_is_not_a_dependency(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    config = Config(cache_dir=tmp_path / "cache")
    scan_paths([root], config, root)
    (root / "src/pkg/sub/config.py").write_text("MODEL_ID = 'org/renamed'\n")  # run.py names it in a string, a comment
    assert scan_paths([root], config, root).stats["cache"]["misses"] == 0
    (root / "src/pkg/settings.py").write_text(PROJECT["src/pkg/settings.py"].replace("org/deep-model", "org/renamed"))
    edited = scan_paths([root], config, root)
    assert edited.stats["cache"]["misses"] == 1
    assert by_line(edited.findings, "scripts/run.py")[10] == [("HG201", "warning", "org/renamed")]


def test_an_import_in_a_file_that_is_not_utf8_still_resolves(tmp_path: Path) -> None:
    root = project(tmp_path)
    source = "# -*- coding: latin-1 -*-\nfrom transformers import AutoModel\nfrom pkg.settings import (MODEL_ID,  # modèle\n)\n"
    (root / "scripts" / "latin.py").write_bytes((source + "m = AutoModel.from_pretrained(MODEL_ID)\n").encode("latin-1"))
    result = scan_paths([root / "scripts" / "latin.py", root / "src"], Config(cache=False), root)
    assert by_line(result.findings, "scripts/latin.py")[5] == [("HG201", "warning", "org/deep-model")]


def test_every_import_of_a_module_counts_and_a_form_feed_may_indent_one(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("MODEL_ID = 'org/m'\nREVISION = 'main'\n")
    train = "from transformers import AutoModel\nfrom config import MODEL_ID\n\x0cfrom config import REVISION\n"
    (tmp_path / "train.py").write_text(train + "m = AutoModel.from_pretrained(MODEL_ID, revision=REVISION)\n")
    result = scan_paths([tmp_path], Config(cache=False), tmp_path)
    assert by_line(result.findings, "train.py")[4] == [("HG201", "warning", "org/m")]  # at 'main', not unknown


def test_a_constants_module_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "src/pkg/settings.py").write_text(PROJECT["src/pkg/settings.py"] + "# padding\n" * 100)
    result = scan_paths([root], Config(cache=False, max_file_size=800), root)
    assert by_line(result.findings, "scripts/run.py")[10] == [("HG201", "note", "")]  # MODEL_ID: not known


def test_a_scan_of_relative_paths_finds_modules_by_their_full_dotted_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    (root / "main.py").write_text("from transformers import AutoModel\nfrom src.pkg.settings import MODEL_ID\nm = AutoModel.from_pretrained(MODEL_ID)\n")
    monkeypatch.chdir(root)
    result = scan_paths([Path("main.py"), Path("src")], Config(cache=False), root)
    assert by_line(result.findings, "main.py")[3] == [("HG201", "warning", "org/deep-model")]


def test_a_scan_of_relative_paths_finds_a_module_by_its_full_dotted_name_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)  # scripts/ has no src/: only the dotted names of the tree's files can say where it is
    (root / "scripts" / "export.py").write_text(
        "from transformers import AutoModel\nfrom src.pkg.settings import MODEL_ID\nm = AutoModel.from_pretrained(MODEL_ID)\n"
    )
    monkeypatch.chdir(root)
    result = scan_paths([Path("scripts/export.py"), Path("src")], Config(cache=False), root)
    assert by_line(result.findings, "scripts/export.py")[3] == [("HG201", "warning", "org/deep-model")]


def test_a_module_seven_packages_deep_resolves_by_its_full_dotted_name(tmp_path: Path) -> None:
    package = tmp_path / "src" / "company" / "research" / "nlp" / "models" / "bert" / "configs"
    package.mkdir(parents=True)
    (package / "base.py").write_text("MODEL_ID = 'org/seven-parts'\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "train.py").write_text(
        "from transformers import AutoModel\n"
        "from company.research.nlp.models.bert.configs.base import MODEL_ID\n"
        "m = AutoModel.from_pretrained(MODEL_ID)\n"
    )
    result = scan_paths([tmp_path], Config(cache=False), tmp_path)
    assert by_line(result.findings, "scripts/train.py")[3] == [("HG201", "warning", "org/seven-parts")]


def test_a_package_init_outside_the_scanned_paths_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = scan_paths([root / "src/pkg/sub/train.py"], Config(cache=False), root)
    assert by_line(result.findings, "src/pkg/sub/train.py")[5] == [("HG201", "note", "")]  # from . import SUB_MODEL


def test_a_constant_added_to_a_module_reaches_its_unchanged_importer_on_a_warm_run(tmp_path: Path) -> None:
    """The importer's own facts come from the warm run's memo; what the module assigns is read afresh."""
    root = tree(tmp_path / "project")
    (root / "pkg" / "config.py").write_text("OTHER = 1\n")
    config = Config(cache_dir=tmp_path / "cache")
    before = scan_paths([root], config, root)
    assert not [f for f in before.findings if f.properties.get("repoId") == "org/added"]
    (root / "pkg" / "config.py").write_text("MODEL_ID = 'org/added'\n")
    after = scan_paths([root], config, root)
    assert "script.py" in {f.location.path for f in after.findings if f.properties.get("repoId") == "org/added"}
    assert after.findings == scan_paths([root], Config(cache=False), root).findings
