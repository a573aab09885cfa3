"""Which files a directory walk yields, in-process: .gitignore scope, exclude globs below the base, the order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hubguard.config import Config
from hubguard.static.files import discover


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _walked(root: Path, config: Config, scanned: Path | None = None) -> list[str]:
    return [path.relative_to(root).as_posix() for path in discover([scanned or root], root, config)]


def test_a_gitignore_above_a_tree_that_is_no_repository_does_not_hide_the_tree(tmp_path: Path) -> None:
    _tree(tmp_path, {".gitignore": "project/\n*.py\n", "project/app.py": "", "project/lib/util.py": ""})
    project = tmp_path / "project"
    assert _walked(project, Config()) == ["app.py", "lib/util.py"]


def test_deeper_gitignore_files_override_shallower_ones_without_a_repository(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "*.py\n!keep.py\n",
            "keep.py": "",
            "drop.py": "",
            "sub/.gitignore": "!*.py\nlocal.py\n",
            "sub/any.py": "",
            "sub/local.py": "",
            "sub/deeper/also.py": "",
            "sub/deeper/local.py": "",
        },
    )
    assert _walked(tmp_path, Config()) == ["keep.py", "sub/any.py", "sub/deeper/also.py"]


def test_exclude_globs_match_paths_relative_to_the_configuration_directory(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "src/pkg/model.py": "",
            "src/pkg/generated_model.py": "",
            "src/other/generated_x.py": "",
            "top_generated_y.py": "",
            "vendor/lib.py": "",
        },
    )
    config = replace(
        Config(source=tmp_path / "pyproject.toml"), exclude=("src/pkg/generated_*.py", "vendor", "/top_*.py")
    )
    assert _walked(tmp_path, config) == ["src/other/generated_x.py", "src/pkg/model.py"]
    assert _walked(tmp_path, config, tmp_path / "src" / "pkg") == ["src/pkg/model.py"]


def test_only_python_sources_and_notebooks_are_walked_in_sorted_order(tmp_path: Path) -> None:
    _tree(tmp_path, {"b.py": "", "a.ipynb": "{}", "c.pyi": "", "d.txt": "", "e.pyc": "", "z/a.py": "", "A.py": ""})
    assert _walked(tmp_path, Config()) == ["A.py", "a.ipynb", "b.py", "c.pyi", "z/a.py"]
