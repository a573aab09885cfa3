from __future__ import annotations

from collections.abc import Mapping

from hubguard.remote_code import import_closure


def closure(sources: Mapping[str, str | None], entries: list[str], **limits: int) -> list[str]:
    sizes = {path: len(text or "") for path, text in sources.items()}
    return import_closure(entries, sources.get, sizes, **limits)


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


def test_syntax_error_file_is_kept_and_only_the_loader_regex_follows_it() -> None:
    sources = {
        "a.py": "from .broken import x\n",
        "broken.py": "from .c import y\nimport d\ndef oops(:\n",
        "c.py": "",
        "d.py": "",
    }
    assert closure(sources, ["a.py"]) == ["a.py", "broken.py", "c.py"]


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

    assert import_closure(["model"], read_text, {"model": 5}) == ["model"]
    assert calls == []


def test_loader_regex_fetches_relative_imports_named_in_docstrings_and_strings() -> None:
    sources = {
        "modeling_x.py": (
            '"""Usage:\n\n    from .hidden_in_docstring import run\n"""\n'
            "TEMPLATE = '''\nfrom .hidden_in_string import x\n'''\n"
            "import torch\n"
        ),
        "hidden_in_docstring.py": "",
        "hidden_in_string.py": "",
        "unrelated.py": "",
    }
    assert closure(sources, ["modeling_x.py"]) == ["modeling_x.py", "hidden_in_docstring.py", "hidden_in_string.py"]


def test_loader_regex_resolves_against_the_entry_module_directory_with_dotted_names_literal() -> None:
    sources = {
        "custom_generate/generate.py": "from .helpers import h\n",
        "custom_generate/helpers.py": "'''\nfrom .nested.mod import y\n'''\n",
        "custom_generate/nested.mod.py": "",
        "nested/mod.py": "",
    }
    assert closure(sources, ["custom_generate/generate.py"]) == [
        "custom_generate/generate.py",
        "custom_generate/helpers.py",
        "custom_generate/nested.mod.py",
    ]


def test_relative_literal_dynamic_imports_resolve_in_the_package() -> None:
    sources = {
        "pkg/__init__.py": "",
        "pkg/model.py": (
            "import importlib\n"
            "a = importlib.import_module('.kernels', __package__)\n"
            "b = importlib.import_module('..top', package=__package__)\n"
            "c = __import__('sibling', globals(), locals(), [], 1)\n"
        ),
        "pkg/kernels.py": "",
        "pkg/sibling.py": "",
        "top.py": "",
    }
    assert closure(sources, ["pkg/model.py"]) == [
        "pkg/model.py", "pkg/__init__.py", "pkg/kernels.py", "top.py", "pkg/sibling.py"
    ]


def test_a_computed_module_name_pulls_in_every_python_file() -> None:
    sources = {
        "modeling_x.py": "import importlib\nname = 'x' + 'y'\nmod = importlib.import_module(name)\n",
        "payload.py": "",
        "sub/other.py": "",
        "README.md": "",
    }
    assert closure(sources, ["modeling_x.py"]) == ["modeling_x.py", "payload.py", "sub/other.py"]


def test_files_the_code_names_and_files_that_run_once_copied_join_the_closure() -> None:
    sources = {
        "quantization.py": (
            "import os, shutil\n"
            "source = os.path.join(os.path.dirname(__file__), 'quantization_kernels.c')\n"
            "shutil.copy('hooks/zz_init.pth', target)\n"
        ),
        "quantization_kernels.c": "int main() {}",
        "hooks/zz_init.pth": "import os",
        "setup.sh": "pip install x",
        "requirements.txt": "torch",
        "notes.md": "mentions nothing",
        "data/train.csv": "a,b",
    }
    assert closure(sources, ["quantization.py"]) == [
        "quantization.py", "quantization_kernels.c", "hooks/zz_init.pth", "requirements.txt", "setup.sh"
    ]


def test_configs_vocabularies_and_checkpoints_the_code_names_stay_out() -> None:
    code = "paths = ['tokenizer.json', 'pytorch_model.bin', 'model.pth', 'vocab.txt']\n"
    files = {"modeling.py": len(code), "tokenizer.json": 10, "pytorch_model.bin": 10, "model.pth": 10_000_000,
             "vocab.txt": 10, "hook.pth": 40}
    assert import_closure(["modeling.py"], {"modeling.py": code}.get, files) == ["modeling.py", "hook.pth"]


def test_no_entry_means_no_data_files() -> None:
    assert closure({"setup.sh": "x"}, []) == []


def test_limits_leave_a_trace_of_what_was_not_followed() -> None:
    sources = {f"m{index}.py": f"from .m{index + 1} import x\n" for index in range(10)}
    result = import_closure(["m0.py"], sources.get, {path: 10 for path in sources}, max_files=3)
    assert result == ["m0.py", "m1.py", "m2.py"] and result.unfollowed == ["m3.py"]



def test_imports_after_a_large_table_are_followed() -> None:
    table = "TABLE = [\n" + "    0.5, 0.25, 0.125,\n" * 20_000 + "]\n"
    sources = {"m.py": "from .tables import TABLE\n", "tables.py": table + "from .tail import x\n", "tail.py": ""}
    assert closure(sources, ["m.py"]) == ["m.py", "tables.py", "tail.py"]
