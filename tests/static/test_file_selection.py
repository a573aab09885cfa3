"""Which files a scan covers, in-process: suffixes, default skips, exclude globs, .gitignore files, and the
paths findings are reported under."""

from __future__ import annotations

import locale
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.static.engine import scan_paths
from hubguard.static.files import discover, relative_path, repository_root

LOADER = "import torch\nstate = torch.load('w.pt')\n"


def tree(root: Path, *relatives: str, text: str = LOADER) -> Path:
    for relative in relatives:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def walked(root: Path, config: Config | None = None, *paths: Path) -> list[str]:
    """What a scan of ``paths`` (default: ``root``) covers, as root-relative paths in the order found."""
    return [relative_path(path, root) for path in discover(list(paths) or [root], root.resolve(), config or Config())]


def git_repository(root: Path, gitignores: dict[str, str], info_exclude: str = "") -> Path:
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text(info_exclude)
    for relative, text in gitignores.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_python_sources_stubs_and_notebooks_are_walked_in_a_stable_order(tmp_path: Path) -> None:
    tree(tmp_path, "b.py", "a.pyi", "c.ipynb", "notes.txt", "setup.cfg", "mod.pyc", "script", "sub/z.py", "sub/a.py")
    tree(tmp_path, "a/y.py")
    # A directory's files in name order, then its subdirectories in name order.
    assert walked(tmp_path) == ["a.pyi", "b.py", "c.ipynb", "a/y.py", "sub/a.py", "sub/z.py"]


@pytest.mark.parametrize(
    "skipped",
    [
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "node_modules", "__pycache__", "build", "dist", ".tox",
        ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "site-packages", ".eggs",
        ".direnv", "hubguard.egg-info",
    ],
)
def test_tool_and_dependency_directories_are_skipped(tmp_path: Path, skipped: str) -> None:
    tree(tmp_path, f"{skipped}/inner/x.py", "app.py", f"pkg/{skipped}/y.py")
    assert walked(tmp_path) == ["app.py"]


def test_a_directory_merely_named_like_a_skipped_one_is_walked(tmp_path: Path) -> None:
    tree(tmp_path, "builder/a.py", "my.venv/b.py", "egg-info/c.py", "distance/d.py")
    assert walked(tmp_path) == ["builder/a.py", "distance/d.py", "egg-info/c.py", "my.venv/b.py"]


def test_a_virtualenv_under_any_name_is_skipped(tmp_path: Path) -> None:
    tree(tmp_path, "py312/lib/site.py", "app.py")
    (tmp_path / "py312" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert walked(tmp_path) == ["app.py"]


def test_symlinked_directories_are_not_followed_but_named_ones_are_walked(tmp_path: Path) -> None:
    outside = tree(tmp_path / "outside", "vendored.py")
    project = tree(tmp_path / "project", "app.py")
    (project / "linked").symlink_to(outside, target_is_directory=True)
    assert walked(project) == ["app.py"]
    # Named, it is walked; its files are reported under their real paths, here outside the scan root.
    assert walked(project, None, project / "linked") == [(outside / "vendored.py").resolve().as_posix()]


def test_a_file_named_twice_or_through_a_symlink_is_scanned_once(tmp_path: Path) -> None:
    tree(tmp_path, "app.py", "sub/other.py")
    (tmp_path / "alias.py").symlink_to(tmp_path / "app.py")
    assert walked(tmp_path, None, tmp_path / "app.py", tmp_path, tmp_path / "sub" / "other.py") == [
        "app.py", "sub/other.py"
    ]
    result = scan_paths([tmp_path / "app.py", tmp_path / "alias.py", tmp_path], Config(cache=False), tmp_path)
    assert result.files_scanned == 2
    assert [(f.location.path, f.rule_id) for f in result.findings] == [("app.py", "HG301"), ("sub/other.py", "HG301")]


def test_a_named_file_is_scanned_whatever_its_suffix(tmp_path: Path) -> None:
    tree(tmp_path, "train", "notes.txt")
    assert walked(tmp_path, None, tmp_path / "train", tmp_path / "notes.txt") == ["train", "notes.txt"]


def test_exclude_globs_are_anchored_at_the_configuration_file(tmp_path: Path) -> None:
    tree(tmp_path, "app.py", "generated/a.py", "src/generated/b.py", "src/model_pb2.py", "src/keep.py")
    (tmp_path / "pyproject.toml").write_text("")
    config = Config(exclude=("/generated", "*_pb2.py"), source=tmp_path / "pyproject.toml")
    assert walked(tmp_path, config) == ["app.py", "src/keep.py", "src/generated/b.py"]
    # A named file is still subject to the excludes; a path outside the configuration's directory never matches.
    assert walked(tmp_path, config, tmp_path / "src" / "model_pb2.py", tmp_path / "src" / "keep.py") == ["src/keep.py"]
    outside = tree(tmp_path.parent / f"{tmp_path.name}-outside", "generated/c.py")
    assert walked(outside, config) == ["generated/c.py"]


def test_an_exclude_glob_ending_in_a_slash_matches_directories_only(tmp_path: Path) -> None:
    tree(tmp_path, "cache/a.py", "app.py", "sub/cache.py")
    (tmp_path / "cache.py").mkdir()
    tree(tmp_path, "cache.py/inside.py")
    config = Config(exclude=("cache/", "cache.py/"), source=tmp_path / "pyproject.toml")
    assert walked(tmp_path, config) == ["app.py", "sub/cache.py"]


def test_without_a_configuration_file_excludes_are_relative_to_the_scan_root(tmp_path: Path) -> None:
    tree(tmp_path, "generated/a.py", "app.py")
    assert walked(tmp_path, Config(exclude=("generated",))) == ["app.py"]


def test_gitignore_files_deeper_ones_winning_and_info_exclude(tmp_path: Path) -> None:
    git_repository(
        tmp_path,
        {".gitignore": "generated/\n*_gen.py\nsrc/keep/\n", "src/.gitignore": "tmp/\n!keep/\n!api_gen.py\n"},
        info_exclude="notes/\n",
    )
    tree(
        tmp_path, "app.py", "generated/out.py", "notes/scratch.py", "src/tmp/cache.py", "src/keep/me.py",
        "src/api_gen.py", "src/other_gen.py", "lib/x_gen.py",
    )
    assert walked(tmp_path) == ["app.py", "src/api_gen.py", "src/keep/me.py"]
    assert walked(tmp_path, Config(respect_gitignore=False)) == [
        "app.py", "generated/out.py", "lib/x_gen.py", "notes/scratch.py", "src/api_gen.py", "src/other_gen.py",
        "src/keep/me.py", "src/tmp/cache.py",
    ]


def test_gitignore_patterns_with_a_slash_are_relative_to_their_own_directory(tmp_path: Path) -> None:
    git_repository(tmp_path, {"src/.gitignore": "/top.py\ndeep/*.py\nlocal.py/\n"})
    tree(tmp_path, "top.py", "src/top.py", "src/sub/top.py", "src/deep/a.py", "deep/b.py", "src/local.py")
    tree(tmp_path, "src/pkg/local.py/inside.py")  # a directory named like a module
    # "local.py/" names directories only: the file src/local.py stays.
    assert walked(tmp_path) == ["top.py", "deep/b.py", "src/local.py", "src/sub/top.py"]


def test_info_exclude_applies_where_no_gitignore_decides(tmp_path: Path) -> None:
    git_repository(tmp_path, {"src/.gitignore": "!local.py\n"}, info_exclude="local.py\nscratch/\n")
    tree(tmp_path, "local.py", "src/local.py", "scratch/a.py", "src/scratch/b.py", "app.py")
    assert walked(tmp_path) == ["app.py", "src/local.py"]


def test_without_a_repository_the_scanned_directory_s_gitignore_applies(tmp_path: Path) -> None:
    tree(tmp_path, "app.py", "out/a.py", "sub/b.py")
    (tmp_path / ".gitignore").write_text("out/\n")
    assert repository_root(tmp_path / "sub") is None
    assert walked(tmp_path) == ["app.py", "sub/b.py"]


def test_a_subdirectory_is_walked_with_its_repository_s_rules(tmp_path: Path) -> None:
    git_repository(tmp_path, {".gitignore": "src/tmp/\n"}, info_exclude="*.local.py\n")
    tree(tmp_path, "src/app.py", "src/tmp/cache.py", "src/dev.local.py")
    assert repository_root(tmp_path / "src" / "tmp") == tmp_path.resolve()
    assert walked(tmp_path, None, tmp_path / "src") == ["src/app.py"]


def test_an_ignored_directory_named_explicitly_is_walked_with_only_its_own_gitignore(tmp_path: Path) -> None:
    git_repository(tmp_path, {".gitignore": "generated/\n*.tmp.py\n", "generated/.gitignore": "skip.py\n"})
    tree(tmp_path, "generated/out.py", "generated/skip.py", "generated/x.tmp.py")
    assert walked(tmp_path, None, tmp_path / "generated") == ["generated/out.py", "generated/x.tmp.py"]


def test_a_worktree_reads_info_exclude_from_its_common_git_directory(tmp_path: Path) -> None:
    common = tmp_path / "main" / ".git"
    (common / "info").mkdir(parents=True)
    (common / "info" / "exclude").write_text("scratch/\n")
    (common / "worktrees" / "feature").mkdir(parents=True)
    (common / "worktrees" / "feature" / "commondir").write_text("../..\n")
    worktree = tree(tmp_path / "feature", "app.py", "scratch/a.py")
    (worktree / ".git").write_text(f"gitdir: {common / 'worktrees' / 'feature'}\n")
    assert repository_root(worktree / "scratch") == worktree.resolve()
    assert walked(worktree) == ["app.py"]


def test_a_git_file_may_name_its_git_directory_relative_to_the_worktree(tmp_path: Path) -> None:
    (tmp_path / "the gitdir: here" / "info").mkdir(parents=True)  # a path may hold anything, "gitdir:" too
    (tmp_path / "the gitdir: here" / "info" / "exclude").write_text("scratch/\n")
    tree(tmp_path, "app.py", "scratch/a.py")
    (tmp_path / ".git").write_text("gitdir: the gitdir: here\n")
    assert walked(tmp_path) == ["app.py"]


def test_a_git_file_naming_a_directory_in_bytes_that_are_not_utf8_is_followed(tmp_path: Path) -> None:
    """Found by this file's tests: such a .git file stopped the whole scan with a UnicodeDecodeError."""
    gitdir = os.fsencode(tmp_path) + b"/git\xff"
    os.makedirs(gitdir + b"/info")
    Path(os.fsdecode(gitdir + b"/info/exclude")).write_text("scratch/\n")
    tree(tmp_path, "app.py", "scratch/a.py")
    (tmp_path / ".git").write_bytes(b"gitdir: git\xff\n")
    assert walked(tmp_path) == ["app.py"]


def test_a_gitignore_that_is_not_utf8_or_not_a_file_is_read_leniently(tmp_path: Path) -> None:
    git_repository(tmp_path, {".gitignore": ""})
    (tmp_path / ".gitignore").write_bytes(b"# \xff comment\nout/\n")
    (tmp_path / "sub" / ".gitignore").mkdir(parents=True)
    tree(tmp_path, "app.py", "out/a.py", "sub/b.py")
    assert walked(tmp_path) == ["app.py", "sub/b.py"]


def test_findings_are_reported_relative_to_the_root_or_absolute_outside_it(tmp_path: Path) -> None:
    project = tree(tmp_path / "project", "src/app.py")
    outside = tree(tmp_path / "outside", "lib.py")
    result = scan_paths([project / "src", outside / "lib.py"], Config(cache=False), project)
    assert [f.location.path for f in result.findings] == [
        (outside / "lib.py").resolve().as_posix(), "src/app.py"
    ]


def test_a_symlinked_file_is_reported_under_its_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, "real/app.py")
    (tmp_path / "alias.py").symlink_to(tmp_path / "real" / "app.py")
    assert relative_path(tmp_path / "alias.py", tmp_path.resolve()) == "real/app.py"
    monkeypatch.chdir(tmp_path / "real")
    assert relative_path(Path("app.py"), tmp_path.resolve()) == "real/app.py"


def test_a_sibling_whose_name_extends_the_roots_is_outside_it(tmp_path: Path) -> None:
    tree(tmp_path, "project/app.py", "project2/app.py")
    root, sibling = (tmp_path / "project").resolve(), (tmp_path / "project2" / "app.py").resolve()
    assert relative_path(tmp_path / "project" / "app.py", root) == "app.py"
    assert relative_path(sibling, root) == sibling.as_posix()
    assert relative_path(tmp_path / "project", root) == "."
    assert relative_path(sibling, Path("/")) == sibling.as_posix()[1:]


@contextmanager
def ascii_locale() -> Iterator[None]:
    """A machine whose locale is not UTF-8 (LANG=C without coercion)."""
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)


def test_gitignore_files_are_utf8_whatever_the_locale(tmp_path: Path) -> None:
    git_repository(tmp_path, {".gitignore": ""})
    (tmp_path / ".gitignore").write_text("café/\n", encoding="utf-8")
    tree(tmp_path, "café/x.py", "app.py")
    with ascii_locale():
        assert walked(tmp_path) == ["app.py"]


def test_a_file_below_an_excluded_or_ignored_directory_cannot_be_re_included(tmp_path: Path) -> None:
    """As git says: "It is not possible to re-include a file if a parent directory of that file is excluded"."""
    git_repository(tmp_path, {".gitignore": "tmp/\n!tmp/keep.py\n"})
    tree(tmp_path, "app.py", "generated/keep.py", "generated/other.py", "tmp/keep.py", "tmp/other.py")
    config = Config(exclude=("generated/", "!generated/keep.py"), source=tmp_path / "pyproject.toml")
    assert walked(tmp_path, config) == ["app.py"]


def test_a_named_file_is_not_excluded_by_a_glob_for_directories(tmp_path: Path) -> None:
    tree(tmp_path, "sub/cache.py")
    config = Config(exclude=("cache.py/",), source=tmp_path / "pyproject.toml")
    assert walked(tmp_path, config, tmp_path / "sub" / "cache.py") == ["sub/cache.py"]
