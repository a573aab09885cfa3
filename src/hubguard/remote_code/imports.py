"""Follow a module's imports to the other repository files that would load with it.

Files are parsed with ``ast`` only; nothing is imported or executed.
"""

from __future__ import annotations

import ast
import posixpath
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator

from hubguard.remote_code.names import module_candidates

MAX_FILES = 200
MAX_BYTES = 8 * 1024 * 1024
_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


def import_closure(
    entry_paths: Iterable[str],
    read_text: Callable[[str], str | None],
    files: Collection[str],
    *,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_BYTES,
) -> list[str]:
    """Entry files plus every repository file they import, transitively, in discovery order.

    Relative imports resolve against the importing file's package; absolute imports resolve
    against the repository root and the importing file's directory (torch.hub and dataset
    scripts run with those on ``sys.path``). Importing ``a/b.py`` also runs ``a/__init__.py``.
    A file that cannot be read or parsed stays in the result (signatures still scan its bytes)
    but contributes no imports. Discovery stops at ``max_files`` files or ``max_bytes`` of text.
    """
    available = set(files)
    found: list[str] = []
    queue: deque[str] = deque()

    def add(path: str) -> None:
        if path in available and path not in found and len(found) < max_files:
            found.append(path)
            queue.append(path)

    for entry in entry_paths:
        add(entry)
        for package_init in _parent_inits(entry):
            add(package_init)
    bytes_read = 0
    while queue and bytes_read < max_bytes:
        path = queue.popleft()
        text = read_text(path) if path.endswith(".py") else None
        if text is None:
            continue
        bytes_read += len(text.encode("utf-8", "surrogatepass"))
        for candidate in _imported_paths(path, text):
            add(candidate)
            for package_init in _parent_inits(candidate):
                if candidate in available:
                    add(package_init)
    return found


def _parent_inits(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return [posixpath.join(*parts[: depth + 1], "__init__.py") for depth in range(len(parts))]


def _imported_paths(path: str, text: str) -> Iterator[str]:
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    directory = posixpath.dirname(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _absolute(alias.name, directory)
        elif isinstance(node, ast.ImportFrom):
            yield from _from_import(node, directory)
        elif isinstance(node, ast.Call):
            module = _literal_dynamic_import(node)
            if module is not None:
                yield from _absolute(module, directory)


def _absolute(module: str, directory: str) -> Iterator[str]:
    for base in dict.fromkeys(("", directory)):
        yield from module_candidates(module, base)


def _from_import(node: ast.ImportFrom, directory: str) -> Iterator[str]:
    names = [alias.name for alias in node.names if alias.name != "*"]
    if node.level == 0:
        if node.module:
            yield from _absolute(node.module, directory)
            for name in names:
                yield from _absolute(f"{node.module}.{name}", directory)
        return
    package = directory
    for _ in range(node.level - 1):
        if not package:
            return  # beyond the repository root
        package = posixpath.dirname(package)
    if node.module:
        yield from module_candidates(node.module, package)
        for name in names:
            yield from module_candidates(f"{node.module}.{name}", package)
    else:
        yield posixpath.join(package, "__init__.py")
        for name in names:
            yield from module_candidates(name, package)


def _literal_dynamic_import(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name not in _DYNAMIC_IMPORTERS or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and not first.value.startswith("."):
        return first.value
    return None
