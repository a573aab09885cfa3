from __future__ import annotations

from collections.abc import Mapping

from hubguard.remote_code import import_closure


def closure(sources: Mapping[str, str | None], entries: list[str], **limits: int) -> list[str]:
    return import_closure(entries, sources.get, sources.keys(), **limits)


def test_relative_imports_are_followed_transitively() -> None:
    sources = {
        "modeling_x.py": "from .configuration_x import XConfig\nfrom . import utils_x\n",
        "configuration_x.py": "from .constants import SIZE\n",
        "constants.py": "SIZE = 3\n",
        "utils_x.py": "import torch\n",
        "unrelated.py": "import os\n",
    }
    assert closure(sources, ["modeling_x.py"]) == ["modeling_x.py", "configuration_x.py", "utils_x.py", "constants.py"]


def test_relative_import_of_subpackage_module_and_package_inits() -> None:
    sources = {
        "pkg/__init__.py": "",
        "pkg/model.py": "from .layers.attention import Attention\nfrom ..top import helper\n",
        "pkg/layers/__init__.py": "from . import norm\n",
        "pkg/layers/attention.py": "",
        "pkg/layers/norm.py": "",
        "top.py": "",
    }
    assert closure(sources, ["pkg/model.py"]) == [
        "pkg/model.py",
        "pkg/__init__.py",
        "pkg/layers/attention.py",
        "pkg/layers/__init__.py",
        "top.py",
        "pkg/layers/norm.py",
    ]


def test_absolute_imports_of_repo_modules_only() -> None:
    sources = {
        "hubconf.py": "dependencies = ['torch']\nimport torch\nfrom models.resnet import build\nimport utils\n",
        "models/__init__.py": "",
        "models/resnet.py": "import os, sys\n",
        "utils.py": "",
        "unused.py": "",
    }
    assert closure(sources, ["hubconf.py"]) == ["hubconf.py", "models/resnet.py", "models/__init__.py", "utils.py"]


def test_absolute_import_resolves_beside_the_importing_file() -> None:
    sources = {"unet/my_unet.py": "from unet_blocks import Block\n", "unet/unet_blocks.py": ""}
    assert closure(sources, ["unet/my_unet.py"]) == ["unet/my_unet.py", "unet/unet_blocks.py"]


def test_imports_inside_functions_and_try_blocks_and_literal_dynamic_imports() -> None:
    sources = {
        "a.py": (
            "def f():\n    from .b import x\n"
            "try:\n    import c\nexcept ImportError:\n    pass\n"
            "import importlib\nmod = importlib.import_module('d')\nother = __import__('e')\n"
        ),
        "b.py": "",
        "c.py": "",
        "d.py": "",
        "e.py": "",
    }
    assert closure(sources, ["a.py"]) == ["a.py", "b.py", "c.py", "d.py", "e.py"]


def test_cycles_terminate() -> None:
    sources = {"a.py": "from .b import x\n", "b.py": "from .a import y\nfrom . import a\n"}
    assert closure(sources, ["a.py"]) == ["a.py", "b.py"]


def test_missing_files_and_unreadable_files() -> None:
    sources: dict[str, str | None] = {"a.py": "from .missing import x\nfrom .b import y\n", "b.py": None}
    assert closure(sources, ["a.py", "not_in_repo.py"]) == ["a.py", "b.py"]


def test_syntax_error_file_is_kept_without_following_its_imports() -> None:
    sources = {
        "a.py": "from .broken import x\n",
        "broken.py": "from .c import y\ndef oops(:\n",
        "c.py": "",
    }
    assert closure(sources, ["a.py"]) == ["a.py", "broken.py"]


def test_null_bytes_and_deep_nesting_do_not_raise() -> None:
    sources = {"a.py": "from .b import x\nfrom .c import y\n", "b.py": "x = 1\x00\n", "c.py": "(" * 5000 + ")" * 5000}
    assert closure(sources, ["a.py"]) == ["a.py", "b.py", "c.py"]


def test_relative_import_beyond_root_is_ignored() -> None:
    sources = {"a.py": "from ...outside import x\nfrom .. import y\n", "outside.py": "", "y.py": ""}
    assert closure(sources, ["a.py"]) == ["a.py"]


def test_star_import() -> None:
    sources = {"a.py": "from .b import *\n", "b.py": ""}
    assert closure(sources, ["a.py"]) == ["a.py", "b.py"]


def test_max_files_bound() -> None:
    sources = {f"m{index}.py": f"from .m{index + 1} import x\n" for index in range(50)}
    assert closure(sources, ["m0.py"], max_files=5) == ["m0.py", "m1.py", "m2.py", "m3.py", "m4.py"]


def test_max_bytes_bound_stops_discovery() -> None:
    sources = {f"m{index}.py": f"from .m{index + 1} import x\n" + "#" * 1000 for index in range(50)}
    result = closure(sources, ["m0.py"], max_bytes=2500)
    assert result == ["m0.py", "m1.py", "m2.py", "m3.py"]


def test_non_python_entry_is_kept_but_not_parsed() -> None:
    calls: list[str] = []

    def read_text(path: str) -> str | None:
        calls.append(path)
        return ""

    assert import_closure(["model"], read_text, {"model"}) == ["model"]
    assert calls == []
