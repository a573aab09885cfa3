"""tools/mutation.py without running mutmut: arguments, module groups, the checked-in mutant lists, scoring."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def test_modules_default_to_every_group_and_accept_a_subset(tool: ModuleType) -> None:
    assert tool.parse_args([]).modules == list(tool.GROUPS)
    assert tool.parse_args(["--modules", "revisions, cache-keys"]).modules == ["revisions", "cache-keys"]


@pytest.mark.parametrize("value", ["revision", "revisions,nope", ""])
def test_an_unknown_module_group_is_a_usage_error(
    tool: ModuleType, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        tool.parse_args(["--modules", value])
    assert exit_info.value.code == 2
    assert "choose from revisions, suppressions" in capsys.readouterr().err


def test_every_group_names_existing_source_files(tool: ModuleType) -> None:
    for group in tool.GROUPS:
        files = tool.group_files(group)
        assert files, f"module group {group} matches no file: was a module moved?"
        assert all((ROOT / file).is_file() and file.startswith("src/hubguard/") for file in files)


def test_a_file_belongs_to_one_group_only(tool: ModuleType) -> None:
    files = [file for group in tool.GROUPS for file in tool.group_files(group)]
    assert len(files) == len(set(files))
    assert "src/hubguard/static/suppression.py" in tool.group_files("suppressions")
    assert "src/hubguard/static/suppression.py" not in tool.group_files("static-input")


def test_the_static_groups_cover_every_static_module(tool: ModuleType) -> None:
    grouped = {file for group in tool.GROUPS for file in tool.group_files(group)}
    static = {str(path.relative_to(ROOT)) for path in (ROOT / "src/hubguard/static").glob("*.py")}
    assert static <= grouped


def test_every_group_names_existing_tests(tool: ModuleType) -> None:
    for name, group in tool.GROUPS.items():
        assert group.tests and all((ROOT / path).exists() for path in group.tests), name


def test_a_group_work_folder_mutates_only_its_files_and_runs_only_its_tests(
    tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One mutmut work folder per group: mutmut generates mutants for every file it may mutate, so a folder
    shared by all groups made a run of one group mutate (and time out on) all of them."""
    monkeypatch.setattr(tool, "STATE", tmp_path)
    work = tool.prepare_workdir("pickle-vm")
    assert work == tmp_path / "groups" / "pickle-vm"
    settings = tomllib.loads((work / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert settings["only_mutate"] == ["src/hubguard/inspectors/pickle_vm.py"]
    selection = settings["pytest_add_cli_args_test_selection"]
    assert selection[: len(tool.GROUPS["pickle-vm"].tests)] == list(tool.GROUPS["pickle-vm"].tests)
    assert selection[-2:] == ["-m", "not slow"] and "tests/static" not in selection
    assert settings["process_isolation"] == "forkserver"  # mutants must not inherit the reach run's caches
    assert (work / "src").resolve() == ROOT / "src" and not (work / "bench").exists()
    assert tool.prepare_workdir("policy") != work


def test_mutant_names_map_to_their_module(tool: ModuleType) -> None:
    assert tool.module_name("src/hubguard/hub/cache.py") == "hubguard.hub.cache"
    assert tool.mutant_module("hubguard.hub.cache.xǁResultCacheǁget__mutmut_3") == "hubguard.hub.cache"
    assert tool.mutant_module("hubguard.revisions.x_is_commit_sha__mutmut_1") == "hubguard.revisions"


def test_the_checked_in_equivalent_mutants_parse_and_name_grouped_modules(tool: ModuleType) -> None:
    modules = {tool.module_name(file) for group in tool.GROUPS for file in tool.group_files(group)}
    for name in tool.read_equivalents():
        assert tool.mutant_module(name) in modules, name


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("hubguard.revisions.x_is_commit_sha__mutmut_1", "expected '<mutant name> | <reason>'"),
        ("hubguard.revisions.x_is_commit_sha__mutmut_1 |  ", "expected '<mutant name> | <reason>'"),
        ("is_commit_sha | the same", "expected '<mutant name> | <reason>'"),
        ("hubguard.revisions.x_f__mutmut_1 | a\nhubguard.revisions.x_f__mutmut_1 | b", "listed twice"),
    ],
)
def test_a_malformed_equivalent_entry_is_refused(tool: ModuleType, tmp_path: Path, line: str, problem: str) -> None:
    listing = tmp_path / "equivalent-mutants.txt"
    listing.write_text(f"# comment\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        tool.read_equivalents(listing)


def test_scores_count_equivalents_apart_and_report_survivors_and_stale_entries(tool: ModuleType) -> None:
    statuses = {
        "hubguard.revisions.x_a__mutmut_1": "killed",
        "hubguard.revisions.x_a__mutmut_2": "timeout",
        "hubguard.revisions.x_a__mutmut_3": "survived",
        "hubguard.revisions.x_a__mutmut_4": "survived",
        "hubguard.revisions.x_a__mutmut_5": "no tests",
        "hubguard.revisions.x_a__mutmut_6": "not checked",
        "hubguard.hub.cache.x_b__mutmut_1": "survived",  # not in the groups asked for
    }
    equivalents = {
        "hubguard.revisions.x_a__mutmut_4": "same behaviour",
        "hubguard.revisions.x_a__mutmut_1": "killed since",
        "hubguard.revisions.x_gone__mutmut_1": "function renamed",
    }
    scores, survivors, stale = tool.score_groups(statuses, ["revisions"], equivalents)
    score = scores["revisions"]
    assert (score.killed, score.survived, score.equivalent, score.unchecked, score.total) == (2, 2, 1, 1, 6)
    assert score.percent() == 50.0
    assert survivors == [
        ("hubguard.revisions.x_a__mutmut_3", "survived"),
        ("hubguard.revisions.x_a__mutmut_5", "no tests"),
    ]
    assert stale == ["hubguard.revisions.x_a__mutmut_1", "hubguard.revisions.x_gone__mutmut_1"]
    assert "revisions" in tool.format_scores(scores) and "50.0%" in tool.format_scores(scores)


def test_every_named_mutant_still_applies_once(tool: ModuleType) -> None:
    mutants = tool.read_named_mutants()
    assert mutants
    for mutant in mutants:
        assert mutant.tests and all((ROOT / path).exists() for path in mutant.tests), mutant.id
        # On failure: the code moved; rewrite the entry in tools/named-mutants.toml to mutate it where it is now.
        assert tool.mutated_source(mutant) != (ROOT / mutant.file).read_text(encoding="utf-8")


def test_fail_under_needs_every_group_judged_in_full_and_at_the_score(tool: ModuleType) -> None:
    full = tool.Score(killed=9, survived=1, equivalent=2)
    assert tool.meets({"a": full}, 90.0)
    assert not tool.meets({"a": full}, 90.1)
    assert not tool.meets({"a": full, "b": tool.Score(killed=5, unchecked=1)}, 50.0)
    assert not tool.meets({"a": tool.Score()}, 0.0)  # a group with no mutants at all was not run
    assert tool.parse_args(["--fail-under", "100"]).fail_under == 100.0


def test_a_survivors_rerun_forgets_which_tests_reach_what(tool: ModuleType, tmp_path: Path) -> None:
    stats = tmp_path / "mutants" / "mutmut-stats.json"
    stats.parent.mkdir()
    stats.write_text("{}")
    tool.forget_reach(tmp_path)
    assert not stats.exists()
    tool.forget_reach(tmp_path)  # nothing measured yet is fine too
