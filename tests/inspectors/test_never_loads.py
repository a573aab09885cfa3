"""Static guard: the inspector package never imports a deserialiser nor calls eval/exec/load on content."""

from __future__ import annotations

import ast
from pathlib import Path

import hubguard.inspectors

PACKAGE = Path(hubguard.inspectors.__file__).parent
DESERIALISERS = {
    "pickle", "_pickle", "cPickle", "marshal", "dill", "cloudpickle", "joblib", "torch", "numpy", "shelve", "yaml",
    "h5py", "tensorflow", "keras", "onnx", "gguf",
}
EVALUATORS = {"eval", "exec", "compile", "__import__"}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted(PACKAGE.glob("*.py"))]


def test_no_deserialiser_is_imported() -> None:
    imported: set[str] = set()
    for _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert imported, "the walk found no imports at all"
    assert not imported & DESERIALISERS


def test_no_eval_exec_or_dynamic_import_of_content() -> None:
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if isinstance(node.func, ast.Name) and name in EVALUATORS:
                offenders.append(f"{path.name}:{node.lineno} {name}")
            if name == "import_module":
                offenders.append(f"{path.name}:{node.lineno} import_module")
    assert offenders == []
