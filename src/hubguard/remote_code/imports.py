"""Follow a module's imports to the other repository files that would load with it.

The closure is the union of three views, because the loader and Python disagree:
- Python's: ``import``/``from`` statements (parsed with ``ast``; nothing is imported or run);
- transformers': a regular expression over the text, which also fetches ``x.py`` for a
  ``from .x import y`` line sitting inside a docstring or a string;
- module names handed to ``importlib.import_module``/``__import__`` as string literals (relative
  ones with a package). A *computed* module name can import any module the repository ships.
Files the code names in a string literal that it could compile, unpack or load (C/CUDA sources,
archives, shared libraries), and files that execute or install once copied (``.pth`` site hooks,
shared libraries, shell scripts, requirements), join the closure so their bytes are read.
"""

from __future__ import annotations

import ast
import posixpath
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping

from hubguard.remote_code.literals import strip_data_literals
from hubguard.remote_code.names import module_candidates

MAX_FILES = 1000
STRIP_ABOVE_CHARS = 256 * 1024
# On CPython 3.11, ast.parse in several threads at once (the remote pass's workers) fails now and then
# with "SystemError: AST constructor recursion depth mismatch" (python/cpython gh-106905): one at a time.
_PARSE_LOCK = threading.Lock()
MAX_BYTES = 64 * 1024 * 1024
MAX_DATA_FILE_BYTES = 32 * 1024 * 1024
MAX_SITE_HOOK_BYTES = 64 * 1024  # .pth is also a checkpoint suffix; site hooks are a few lines
_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})
# transformers.dynamic_module_utils.get_relative_imports
_LOADER_RELATIVE_IMPORT = re.compile(r"^\s*import\s+\.(\S+)\s*$|^\s*from\s+\.(\S+)\s+import", re.MULTILINE)
_LOADER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
# Files that run or get installed once code copies or loads them, whatever name the code computes.
_RUNNABLE_SUFFIXES = (".so", ".dylib", ".dll", ".pyd", ".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd")
_RUNNABLE_NAMES = re.compile(r"(^|/)requirements[^/]*\.txt$")
# Files that code compiles, unpacks or installs when it names them (not configs, vocabularies, weights).
_LOADABLE_SUFFIXES = (*_RUNNABLE_SUFFIXES, ".c", ".cc", ".cpp", ".cu", ".h", ".pyc", ".zip", ".tar", ".tgz", ".gz",
                      ".bz2", ".xz", ".whl", ".egg")
_STRING_LITERAL = re.compile(r"""["']([^"'\\\r\n]{1,300})["']""")


class Closure(list[str]):
    """Files in discovery order; ``unfollowed`` holds files whose imports were not followed (limits)."""

    def __init__(self, files: Iterable[str] = (), unfollowed: Iterable[str] = ()) -> None:
        super().__init__(files)
        self.unfollowed = list(unfollowed)


def import_closure(
    entry_paths: Iterable[str],
    read_text: Callable[[str], str | None],
    files: Mapping[str, int],
    *,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_BYTES,
) -> Closure:
    """Entry files plus every repository file they import or load, transitively, in discovery order.

    ``files`` maps each repository path to its size. Relative imports resolve against the importing
    file's package, and loader-style discovery against the entry module's directory; absolute
    imports resolve against the repository root and the importing file's directory (torch.hub and
    dataset scripts run with those on ``sys.path``). Importing ``a/b.py`` also runs ``a/__init__.py``.
    A file that cannot be read or parsed stays in the result (signatures still scan its bytes) but
    contributes no imports. Files found after ``max_files`` files or ``max_bytes`` of text are listed
    in ``unfollowed`` instead of being explored.
    """
    found: dict[str, str] = {}  # path -> directory of the entry module that reached it
    queue: deque[str] = deque()
    unfollowed: list[str] = []
    python_files = sorted(path for path in files if path.endswith(".py"))
    loadable = _loadable_files_by_name(files)

    def add(path: str, entry_dir: str) -> None:
        if path not in files or path in found or path in unfollowed:
            return
        if len(found) >= max_files:
            unfollowed.append(path)
            return
        found[path] = entry_dir
        queue.append(path)

    for entry in entry_paths:
        entry_dir = posixpath.dirname(entry)
        add(entry, entry_dir)
        for package_init in _parent_inits(entry):
            add(package_init, entry_dir)
    bytes_read = 0
    computed_import = False
    while queue:
        path = queue.popleft()
        if bytes_read >= max_bytes:
            unfollowed.append(path)
            continue
        text = read_text(path) if path.endswith(".py") else None
        if text is None:
            continue
        bytes_read += len(text.encode("utf-8", "surrogatepass"))
        entry_dir = found[path]
        imported = _ImportedPaths(path, entry_dir, text)
        for candidate in imported.paths():
            add(candidate, entry_dir)
            if candidate in files:
                for package_init in _parent_inits(candidate):
                    add(package_init, entry_dir)
        if imported.computed_import and not computed_import:
            computed_import = True
            for python_file in python_files:
                add(python_file, entry_dir)
        for named in _named_files(text, loadable):
            add(named, entry_dir)
    if found:
        for path in sorted(files):
            if _runs_once_copied(path, files[path]):
                add(path, "")
    return Closure(found, unfollowed)


def _parent_inits(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return [posixpath.join(*parts[: depth + 1], "__init__.py") for depth in range(len(parts))]


def _runs_once_copied(path: str, size: int) -> bool:
    if path.lower().endswith(".pth"):
        return size <= MAX_SITE_HOOK_BYTES
    return size <= MAX_DATA_FILE_BYTES and (
        path.lower().endswith(_RUNNABLE_SUFFIXES) or _RUNNABLE_NAMES.search(path) is not None
    )


def _named_files(text: str, by_name: Mapping[str, list[str]]) -> Iterator[str]:
    """Repository files a string literal in the text names, by path or base name."""
    for literal in _STRING_LITERAL.findall(text):
        yield from by_name.get(posixpath.basename(literal.rstrip("/")), ())


def _loadable_files_by_name(files: Mapping[str, int]) -> dict[str, list[str]]:
    by_name: dict[str, list[str]] = {}
    for path, size in files.items():
        if _runs_once_copied(path, size) or (path.lower().endswith(_LOADABLE_SUFFIXES) and size <= MAX_DATA_FILE_BYTES):
            by_name.setdefault(posixpath.basename(path), []).append(path)
    return by_name


class _ImportedPaths:
    """The repository paths one file's text makes the loader or Python import."""

    def __init__(self, path: str, entry_dir: str, text: str) -> None:
        self.path = path
        self.directory = posixpath.dirname(path)
        self.entry_dir = entry_dir
        self.text = text
        self.computed_import = False

    def paths(self) -> Iterator[str]:
        yield from self._loader_paths()
        # Imports survive literal stripping (lines too), and the tree of a weight table costs hundreds of MB.
        source = strip_data_literals(self.text) if len(self.text) > STRIP_ABOVE_CHARS else self.text
        try:
            with _PARSE_LOCK:
                tree = ast.parse(source, filename=self.path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield from self._absolute(alias.name)
            elif isinstance(node, ast.ImportFrom):
                yield from self._from_import(node)
            elif isinstance(node, ast.Call) and _called_name(node) in _DYNAMIC_IMPORTERS:
                yield from self._dynamic_import(node)

    def _loader_paths(self) -> Iterator[str]:
        for match in _LOADER_RELATIVE_IMPORT.finditer(self.text):
            name = match.group(1) or match.group(2)
            if _LOADER_NAME.fullmatch(name) and ".." not in name:
                yield posixpath.join(self.entry_dir, f"{name}.py")

    def _absolute(self, module: str) -> Iterator[str]:
        for base in dict.fromkeys(("", self.directory)):
            yield from module_candidates(module, base)

    def _relative(self, module: str | None, names: list[str], level: int) -> Iterator[str]:
        package = self.directory
        for _ in range(level - 1):
            if not package:
                return  # beyond the repository root
            package = posixpath.dirname(package)
        if module:
            yield from module_candidates(module, package)
            for name in names:
                yield from module_candidates(f"{module}.{name}", package)
        else:
            yield posixpath.join(package, "__init__.py")
            for name in names:
                yield from module_candidates(name, package)

    def _from_import(self, node: ast.ImportFrom) -> Iterator[str]:
        names = [alias.name for alias in node.names if alias.name != "*"]
        if node.level:
            yield from self._relative(node.module, names, node.level)
        elif node.module:
            yield from self._absolute(node.module)
            for name in names:
                yield from self._absolute(f"{node.module}.{name}")

    def _dynamic_import(self, call: ast.Call) -> Iterator[str]:
        first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            self.computed_import = first is not None
            return
        name = first.value
        level = len(name) - len(name.lstrip("."))
        if _called_name(call) == "__import__":
            level = max(level, _literal_int(call.args[4] if len(call.args) > 4 else _keyword(call, "level")))
        module = name.lstrip(".")
        if level:
            yield from self._relative(module or None, [], level)
        elif module:
            yield from self._absolute(module)


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def _literal_int(node: ast.expr | None) -> int:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, int) else 0
