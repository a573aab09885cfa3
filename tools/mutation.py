#!/usr/bin/env python3
"""Mutation testing of hubguard's core modules with mutmut, and a score per module.

    python3 tools/mutation.py                                  # every module group
    python3 tools/mutation.py --modules revisions,suppressions
    python3 tools/mutation.py --list                           # the groups and their files
    python3 tools/mutation.py --named                          # the hand-written mutants must all die

From a fresh clone it makes its own virtualenv (``.mutation/venv``, with the ``test`` and ``mutation``
extras) unless the running interpreter already has both. Each group has its own mutmut work folder,
``.mutation/groups/<group>`` (out of git), holding only that group's mutants: the first run measures which
of the group's tests reach which function. ``--survivors`` reruns the mutants that survived, then every mutant
without a verdict (those of functions changed since, which mutmut regenerates as it starts).
Each mutant runs only the tests that reach its function, fastest first, two mutants at a time, so most
groups fit half an hour on two cores (cache-keys, which meets the loopback hub suites, takes longer); past
``--time-limit`` (for all the groups asked for together) the run stops and the mutants not reached are
reported as unchecked, for ``--survivors`` to carry on.

Score = killed / (total - equivalent). Timeouts count as killed (the suite noticed); "no tests" counts as
survived. Equivalent mutants are listed with a reason in ``tools/equivalent-mutants.txt``.

``--named`` runs the hand-written mutants of ``tools/named-mutants.toml`` instead (behaviours mutmut's
operators cannot reach): each is applied to a copy of src/ that its listed tests then import first.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".mutation"
EQUIVALENTS = ROOT / "tools" / "equivalent-mutants.txt"
NAMED = ROOT / "tools" / "named-mutants.toml"

# Group name -> the source files it mutates (globs relative to the repository root) and the tests that pin
# them. Each group has its own mutmut work folder holding only its own mutants, and its mutants meet only its
# own tests (those that reach the mutated function, fastest first): a group's run fits the time bound on two
# cores, and a mutant that only a distant end-to-end test would notice counts as surviving.
_STATIC_TESTS = ("tests/static", "tests/fuzz/test_sources.py", "tests/fuzz/test_notebooks.py", "tests/cli", "tests/fix")
_INSPECTOR_TESTS = (
    "tests/inspectors",
    "tests/fuzz/test_model_pickles.py",
    "tests/fuzz/test_model_archives.py",
    "tests/test_model_command.py",
)


@dataclass(frozen=True)
class Group:
    files: tuple[str, ...]
    tests: tuple[str, ...]


GROUPS: dict[str, Group] = {
    "revisions": Group(("src/hubguard/revisions.py",), ("tests/test_revisions.py", "tests/static")),
    "suppressions": Group(
        ("src/hubguard/static/suppression.py", "src/hubguard/filters/suppressions.py"), ("tests/static", "tests/cli")
    ),
    "fingerprints": Group(("src/hubguard/formats/fingerprints.py",), ("tests/formats",)),
    "range-reads": Group(("src/hubguard/hub/range_source.py",), ("tests/hub",)),
    "cache-keys": Group(
        (
            "src/hubguard/cache_files.py",
            "src/hubguard/hub/cache.py",
            "src/hubguard/hub/scanners.py",
            "src/hubguard/static/cache.py",
        ),
        ("tests/hub", "tests/static", "tests/closure", "tests/inspectors/test_allowlist_config.py"),
    ),
    "pickle-vm": Group(("src/hubguard/inspectors/pickle_vm.py",), _INSPECTOR_TESTS),
    "policy": Group(("src/hubguard/inspectors/policy.py",), _INSPECTOR_TESTS),
    # The static pass, split by stage so that each part fits the time bound.
    "static-checks": Group(("src/hubguard/static/checks.py", "src/hubguard/static/catalogue.py"), _STATIC_TESTS),
    "static-values": Group(
        ("src/hubguard/static/calls.py", "src/hubguard/static/values.py", "src/hubguard/static/bindings.py"),
        _STATIC_TESTS,
    ),
    "static-paths": Group(
        (
            "src/hubguard/static/local_paths.py",
            "src/hubguard/static/tree_constants.py",
            "src/hubguard/static/hub_urls.py",
            "src/hubguard/static/shell_commands.py",
        ),
        _STATIC_TESTS,
    ),
    "static-engine": Group(("src/hubguard/static/engine.py", "src/hubguard/static/analyzer.py"), _STATIC_TESTS),
    "static-positions": Group(
        ("src/hubguard/static/positions.py", "src/hubguard/static/jsonpos.py", "src/hubguard/static/notebook.py"),
        _STATIC_TESTS,
    ),
    "static-prefilter": Group(("src/hubguard/static/prefilter.py", "src/hubguard/static/recovery.py"), _STATIC_TESTS),
    "static-input": Group(("src/hubguard/static/*.py",), _STATIC_TESTS),
}
# Top-level entries the work directory does not mirror: its own pyproject.toml, and bench/ (only slow tests
# read it, and its .work/ may hold gigabytes).
_NOT_MIRRORED = {"pyproject.toml", "bench"}
# Slow tests (virtualenvs, pre-commit, whole-tree scans) reach no core function that faster tests miss.
_NOT_SLOW = ("-m", "not slow")
_KILLED = {"killed", "timeout", "caught by type check", "segfault"}
_UNCHECKED = {"not checked", "check was interrupted by user", "skipped"}
_PYTEST_FAILED = {1, 2}  # tests failed; collection failed (a mutant that breaks an import)
_ENTRY = re.compile(r"(?P<name>[\w.]+\.x\S*__mutmut_\d+)\s*\|\s*(?P<reason>\S.*)")


@dataclass
class Score:
    killed: int = 0
    survived: int = 0
    equivalent: int = 0
    unchecked: int = 0

    @property
    def total(self) -> int:
        return self.killed + self.survived + self.equivalent + self.unchecked

    def percent(self) -> float | None:
        judged = self.killed + self.survived
        return None if judged == 0 else 100.0 * self.killed / judged


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modules", type=_module_list, default=list(GROUPS), help="comma-separated groups (see --list)"
    )
    parser.add_argument("--list", action="store_true", help="print the module groups and their files, then exit")
    parser.add_argument("--time-limit", type=float, default=30.0, metavar="MINUTES", help="stop mutating after this")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--report-only", action="store_true", help="print the scores of the last run, run nothing")
    parser.add_argument(
        "--survivors", action="store_true", help="rerun only the mutants that survived or went unchecked last time"
    )
    parser.add_argument("--named", action="store_true", help="run the hand-written mutants of tools/named-mutants.toml")
    parser.add_argument(
        "--fail-under",
        type=float,
        metavar="PERCENT",
        help="exit 1 if a group scores below PERCENT or leaves mutants unchecked (for CI)",
    )
    return parser.parse_args(argv)


def _module_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in GROUPS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown module group {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    return names


def group_files(group: str) -> list[str]:
    """The files of ``group``; a file two groups match belongs to the first (static/*.py leaves out
    static/suppression.py and static/cache.py)."""
    earlier = list(GROUPS)[: list(GROUPS).index(group)]
    claimed = {path for name in earlier for pattern in GROUPS[name].files for path in ROOT.glob(pattern)}
    paths = {path for pattern in GROUPS[group].files for path in ROOT.glob(pattern)} - claimed
    return sorted(str(path.relative_to(ROOT)) for path in paths)


def module_name(source_file: str) -> str:
    """``src/hubguard/hub/cache.py`` -> ``hubguard.hub.cache`` (the prefix of its mutants' names)."""
    return Path(source_file).relative_to("src").with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")


def mutant_module(mutant: str) -> str:
    """The module a mutant name belongs to: mutmut names a mutant ``<module>.x_<function>__mutmut_<n>``."""
    return mutant.rsplit(".", 1)[0]


def read_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Mutant name -> why it is equivalent, from lines ``<mutant name> | <reason>`` (``#`` starts a comment)."""
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.fullmatch(line)
        if match is None:
            raise ValueError(f"{path.name}:{number}: expected '<mutant name> | <reason>', got {line!r}")
        if match["name"] in entries:
            raise ValueError(f"{path.name}:{number}: {match['name']} is listed twice")
        entries[match["name"]] = match["reason"]
    return entries


@dataclass(frozen=True)
class NamedMutant:
    id: str
    file: str
    old: str
    new: str
    why: str
    tests: tuple[str, ...] = ("tests",)


def read_named_mutants(path: Path = NAMED) -> list[NamedMutant]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["mutant"]
    mutants = [NamedMutant(**entry | {"tests": tuple(entry.get("tests", ("tests",)))}) for entry in entries]
    ids = [mutant.id for mutant in mutants]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: mutant ids must be unique")
    return mutants


def mutated_source(mutant: NamedMutant) -> str:
    """``mutant.file`` with ``old`` replaced; ValueError unless ``old`` occurs exactly once."""
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    if text.count(mutant.old) != 1:
        raise ValueError(f"{mutant.id}: the text to mutate occurs {text.count(mutant.old)} times in {mutant.file}")
    return text.replace(mutant.old, mutant.new)


def run_named(mutants: list[NamedMutant], jobs: int) -> bool:
    """Whether the fast suite kills every mutant; one line per mutant."""
    copy = STATE / "named"
    all_killed = True
    for mutant in mutants:
        try:
            text = mutated_source(mutant)
        except ValueError as problem:
            print(f"STALE     {problem}")
            all_killed = False
            continue
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        (copy / mutant.file).write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-n", str(jobs), "-p", "no:cacheprovider"]
        command += ["-m", "not slow", *mutant.tests]
        env = os.environ | {"PYTHONPATH": str(copy / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
        _check_copy_is_imported(env, copy)
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        killed = result.returncode in _PYTEST_FAILED
        all_killed &= killed
        summary = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
        print(f"{'killed' if killed else 'SURVIVED':<9} {mutant.id}: {mutant.why} [{summary[0]}]", flush=True)
    shutil.rmtree(copy, ignore_errors=True)
    return all_killed


def _check_copy_is_imported(env: dict[str, str], copy: Path) -> None:
    """The mutated copy must shadow the installed package, or every mutant would survive unseen."""
    where = subprocess.run(
        [sys.executable, "-c", "import hubguard; print(hubguard.__file__)"], env=env, capture_output=True, text=True
    ).stdout.strip()
    if not Path(where).is_relative_to(copy):
        raise SystemExit(f"the mutated copy is not what the tests import (they import {where or 'nothing'})")


def score_groups(
    statuses: dict[str, str], groups: list[str], equivalents: dict[str, str]
) -> tuple[dict[str, Score], list[tuple[str, str]], list[str]]:
    """Scores per group, the surviving mutants not listed as equivalent, and listed entries that no longer
    survive (killed since, or renamed because their function changed)."""
    module_group = {module_name(file): group for group in groups for file in group_files(group)}
    scores = {group: Score() for group in groups}
    survivors: list[tuple[str, str]] = []
    for mutant, status in sorted(statuses.items()):
        group = module_group.get(mutant_module(mutant))
        if group is None:
            continue
        score = scores[group]
        if status in _KILLED:
            score.killed += 1
        elif status in _UNCHECKED:
            score.unchecked += 1
        elif mutant in equivalents:
            score.equivalent += 1
        else:
            score.survived += 1
            survivors.append((mutant, status))
    stale = [
        name
        for name in sorted(equivalents)
        if module_group.get(mutant_module(name)) in scores
        and (statuses.get(name) in _KILLED or name not in statuses)
    ]
    return scores, survivors, stale


def format_scores(scores: dict[str, Score]) -> str:
    lines = [f"{'module':<14} {'killed':>7} {'total':>6} {'equiv.':>6} {'survived':>8} {'unchecked':>9}  score"]
    for group, score in scores.items():
        percent = score.percent()
        shown = "n/a" if percent is None else f"{percent:.1f}%"
        lines.append(
            f"{group:<14} {score.killed:>7} {score.total:>6} {score.equivalent:>6} "
            f"{score.survived:>8} {score.unchecked:>9}  {shown}"
        )
    return "\n".join(lines)


def _has_tools() -> bool:
    """mutmut, and hubguard installed from this checkout (an editable install)."""
    spec = importlib.util.find_spec("hubguard")
    if importlib.util.find_spec("mutmut") is None or spec is None or spec.origin is None:
        return False
    return Path(spec.origin).is_relative_to(ROOT / "src")


def _reexec_in_own_venv(argv: list[str]) -> None:
    python = STATE / "venv" / "bin" / "python"
    if Path(sys.prefix).resolve() == (STATE / "venv").resolve():
        raise SystemExit("mutmut or hubguard is missing from .mutation/venv: delete that folder and run again")
    if not python.exists():
        print("creating .mutation/venv with hubguard[test,mutation] ...", flush=True)
        venv.create(STATE / "venv", with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test,mutation]"], check=True)
    os.execv(python, [str(python), str(Path(__file__).resolve()), *argv])


def workdir(group: str) -> Path:
    return STATE / "groups" / group


def prepare_workdir(group: str) -> Path:
    """``.mutation/groups/<group>`` mirrors the repository through symlinks, with a pyproject.toml that adds mutmut's
    settings for ``group`` to the project's own (pytest options and markers included)."""
    work = workdir(group)
    work.mkdir(parents=True, exist_ok=True)
    mirrored = _tracked_top_level() - _NOT_MIRRORED
    for name in mirrored:
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    settings = "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["src"]',
            f"only_mutate = {_toml_list(group_files(group))}",
            # mutmut walks src/ without following symlinked folders: the Semgrep rules come in separately.
            f"also_copy = {_toml_list(['src/hubguard/semgrep_rules', *sorted(mirrored - {'src'})])}",
            f"pytest_add_cli_args_test_selection = {_toml_list([*GROUPS[group].tests, *_NOT_SLOW])}",
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-W", "ignore"]',
            # Mutants run in children of a server that only collected the tests. Forked from mutmut's main
            # process instead, they inherit what the reach measurement left in memory (functools caches in
            # hubguard and in tests) and replay results the original code computed: mutants seem to survive.
            'process_isolation = "forkserver"',
            "",
        ]
    )
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    target = work / "pyproject.toml"
    if not target.exists() or target.read_text(encoding="utf-8") != project + settings:
        target.write_text(project + settings, encoding="utf-8")
    return work


def _tracked_top_level() -> set[str]:
    """What the tests may read from the repository (mutmut runs them from a copy of it)."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return {path.split("/", 1)[0] for path in listing.decode().split("\0") if path}


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def group_patterns(group: str) -> list[str]:
    """mutmut's names for every mutant of ``group``."""
    return [f"{module_name(file)}.*" for file in group_files(group)]


def unsettled_mutants(group: str, equivalents: dict[str, str]) -> list[str]:
    """The mutants of ``group`` that survived the last run or were never checked (time limit, changed code)."""
    return [
        name
        for name, status in mutant_statuses(group).items()
        if status not in _KILLED and name not in equivalents
    ]


def run_mutmut(work: Path, names: list[str], jobs: int, seconds: float) -> None:
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *names]
    # The copy mutmut tests lies inside this checkout; git must not see it as part of the checkout's repository.
    env = os.environ | {"GIT_CEILING_DIRECTORIES": str(work)}
    process = subprocess.Popen(command, cwd=work, env=env, start_new_session=True)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        print("\ntime limit reached: stopping; unreached mutants count as unchecked")
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def forget_reach(work: Path) -> None:
    """Make mutmut measure again which tests reach which function: it re-measures only tests it has not seen, so
    an existing test that now reaches a function (it was changed, or what it calls was) would never meet the
    survivors there."""
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)


def _unchecked(group: str) -> bool:
    return any(status in _UNCHECKED for status in mutant_statuses(group).values())


def mutant_statuses(group: str) -> dict[str, str]:
    """The verdicts of ``group``'s mutants from its last runs, as ``mutmut results`` prints them."""
    work = workdir(group)
    if not (work / "mutants").is_dir():
        return {}
    output = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    modules = {module_name(file) for file in group_files(group)}
    statuses = {}
    for line in output.splitlines():
        name, colon, status = line.strip().rpartition(": ")
        if colon and "__mutmut_" in name and mutant_module(name) in modules:
            statuses[name] = status
    return statuses


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.list:
        for group in GROUPS:
            print(f"{group}: {' '.join(group_files(group))}")
        return 0
    equivalents = read_equivalents()
    if not _has_tools():
        _reexec_in_own_venv(argv)
    if args.named:
        return 0 if run_named(read_named_mutants(), args.jobs) else 1
    deadline = time.monotonic() + args.time_limit * 60
    statuses: dict[str, str] = {}
    for group in args.modules:
        work = prepare_workdir(group)
        names = unsettled_mutants(group, equivalents) if args.survivors else group_patterns(group)
        if not args.report_only and deadline > time.monotonic():
            print(f"== {group}: {' '.join(group_files(group))}", flush=True)
            if args.survivors:
                forget_reach(work)
            if names:
                run_mutmut(work, names, args.jobs, deadline - time.monotonic())
            if args.survivors and (not names or _unchecked(group)) and deadline > time.monotonic():
                # mutmut regenerates the mutants of functions changed since the last run only when it starts, so
                # the list above could not name them; named nothing, it runs every mutant without a verdict.
                run_mutmut(work, [], args.jobs, deadline - time.monotonic())
        statuses |= mutant_statuses(group)
    scores, survivors, stale = score_groups(statuses, args.modules, equivalents)
    print()
    if survivors:
        print("surviving mutants (kill them with a test, or list them in tools/equivalent-mutants.txt):")
        print("\n".join(f"  {name}: {status}" for name, status in survivors))
    if stale:
        print("entries in tools/equivalent-mutants.txt that no longer survive (remove them):")
        print("\n".join(f"  {name}" for name in stale))
    print(format_scores(scores))
    print(f"command: python3 tools/mutation.py {' '.join(argv)}".rstrip())
    return 0 if args.fail_under is None or meets(scores, args.fail_under) else 1


def meets(scores: dict[str, Score], percent: float) -> bool:
    """Every group judged in full (nothing unchecked) and at or above ``percent``."""
    return all(
        score.unchecked == 0 and (score.percent() or 0.0) >= percent and score.total > 0 for score in scores.values()
    )


if __name__ == "__main__":
    sys.exit(main())
