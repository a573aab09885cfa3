"""Constants one module of the scanned tree imports from another (``from .config import MODEL_ID, LOCAL_DIR``).

A whole-tree step before the per-file analysis, kept cheap: a bytes regex finds a file's from-imports of
names written in capitals (PEP 8's constants: ``MODEL_ID``) and checks that the module assigns one of them at
its top level; only then, and only for files the cache
does not answer, is that module parsed (once per run) and its module-level names bound once evaluated (a
string, a flag, a number, or a local path such as ``os.path.join(ROOT, "ckpt")``). The bytes of those modules
are part of the importing file's result-cache key, so editing ``config.py`` re-analyses the files that use it.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from pathlib import Path

from hubguard.static.bindings import BindingCollector
from hubguard.static.positions import SourceText
from hubguard.static.reading import NotRead, read_regular_file
from hubguard.static.recovery import PARSE_ERRORS, parse
from hubguard.static.values import Known, LocalPath, Resolver

Constant = tuple[str, object]  # ("known", value) or ("local", the expression as written)
Imported = dict[str, dict[str, Constant]]  # "<level>:<module>" as written in the import -> name -> constant
Imports = dict[str, tuple[Path, tuple[str, ...]]]  # the same key -> (module file, names it assigns at top level)
FromImport = tuple[int, str, tuple[str, ...]]  # ``from ..a.b import X, Y as Z``: (2, "a.b", ("X", "Y"))

# ``from x import`` followed by a bracket or, on its line, a name in capitals (the loop below checks the rest)
# (starting with the literal lets the regex engine skip ahead; the caller checks that it starts a statement)
_FROM_IMPORT = re.compile(rb"from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(?=\(|[^\n]*\b[A-Z][A-Z0-9_]+\b)")
_CONSTANT_NAME = re.compile(rb"\b[A-Z][A-Z0-9_]+\b")
_NAMES = re.compile(rb"\([^)]*\)|[^\n#\\]*(?:\\\n[^\n#\\]*)*")  # what follows ``import``
_NAME = re.compile(r"\b(\w+)(?:\s+as\s+\w+)?")


# A top-level ``NAME = <value>`` whose value may be a constant the analysis can use: a string (any prefix), a
# number, True/False/None, an os.path/pathlib/tempfile path, or another UPPER_CASE name (not dicts, lists, calls).
_TOP_LEVEL_ASSIGNMENT = re.compile(
    rb"^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*"
    rb"(?=[rRbBuUfF]{0,2}[\"']|[\d.]|True\b|False\b|None\b|os\.|Path\b|pathlib\.|tempfile\.|[A-Z_][A-Z0-9_]*\b)",
    re.M,
)


def from_imports(data: bytes) -> tuple[FromImport, ...]:
    """The file's ``from X import NAMES`` statements that name a constant (a name in capitals, PEP 8's
    ``MODEL_ID``), from its bytes alone: (leading dots, module, the names imported)."""
    if b"from" not in data:
        return ()
    found = []
    for match in _FROM_IMPORT.finditer(data):
        if data[data.rfind(b"\n", 0, match.start()) + 1 : match.start()].strip():
            continue  # not at the start of a line (a form feed may indent it): ``x = "from a import B"``
        raw_names = _NAMES.match(data, match.end())[0]  # type: ignore[index]
        if not (match[1] or match[2]) or not _CONSTANT_NAME.search(raw_names):
            continue
        names = tuple(_NAME.findall(raw_names.decode("utf-8", "replace")))
        found.append((len(match[1]), match[2].decode("utf-8", "replace"), names))
    return tuple(found)


def import_key(level: int, module: str | None) -> str:
    return f"{level}:{module or ''}"


class TreeConstants:
    def __init__(self, files: list[Path], max_file_size: int) -> None:
        self._files = {str(path) for path in files if path.suffix == ".py"}
        self._components = {part for path in files if path.suffix == ".py" for part in (path.stem, *path.parent.parts)}
        self._max_file_size = max_file_size
        self._by_suffix: dict[str, list[str]] | None = None
        self._modules: dict[tuple[str, int, str], Path | None] = {}  # (importing directory, level, module) -> file
        self._summaries: dict[Path, tuple[str, frozenset[str]]] = {}  # module -> (SHA-256, top-level constants)
        self._exports: dict[Path, dict[str, Constant]] = {}

    def imports_of(self, path: Path, found: tuple[FromImport, ...]) -> Imports:
        """The tree modules the Python file ``path`` takes module-level names from (``found``: its
        ``from_imports``), found without parsing anything: a module counts only if one of those names is
        assigned at its top level."""
        if path.suffix != ".py":
            return {}
        imports: Imports = {}
        directory = os.path.dirname(path)
        for dots, module, names in found:
            source = self._module_file(directory, dots, module)
            if source is None or source == path:
                continue
            assigned = self._summary(source)[1]
            wanted = {name for name in names if name in assigned}
            if wanted:  # ``from .config import MODEL_ID`` and, further down, ``from .config import REVISION``
                key = import_key(dots, module or None)
                taken = imports[key][1] if key in imports else ()
                imports[key] = (source, tuple(sorted(wanted.union(taken))))
        return imports

    def fingerprint(self, imports: Imports) -> dict[str, object]:
        """What the result cache keys on: each module's bytes (their SHA-256) and the names taken from it."""
        return {key: [self._summary(source)[0], list(names)] for key, (source, names) in imports.items()}

    def constants(self, imports: Imports) -> Imported:
        """The constants behind ``imports`` (parsing each module once per run), for the analysis."""
        imported: Imported = {}
        for key, (source, names) in imports.items():
            exports = self._exports_of(source)
            found = {name: exports[name] for name in names if name in exports}
            if found:
                imported[key] = found
        return imported

    def _summary(self, path: Path) -> tuple[str, frozenset[str]]:
        """A module's SHA-256 and the names it assigns a possible constant at top level (one regex pass; the
        bytes are not kept)."""
        if path not in self._summaries:
            data = self._read(path)
            names = frozenset(name.decode() for name in _TOP_LEVEL_ASSIGNMENT.findall(data))
            self._summaries[path] = (hashlib.sha256(data).hexdigest(), names)
        return self._summaries[path]

    def _read(self, path: Path) -> bytes:
        try:
            return read_regular_file(str(path), self._max_file_size, lambda data: False)
        except NotRead:
            return b""

    def _module_file(self, directory: str, level: int, module: str) -> Path | None:
        key = (directory, level, module)
        if key not in self._modules:
            found = self._find_module(directory, level, module)
            self._modules[key] = Path(found) if found is not None else None
        return self._modules[key]

    def _find_module(self, directory: str, level: int, module: str) -> str | None:
        parts = module.split(".") if module else []
        if level:
            for _ in range(level - 1):
                directory = os.path.dirname(directory)
            if not parts:  # ``from . import MODEL_ID``: a name the package's __init__.py assigns
                package = os.path.join(directory, "__init__.py")
                return package if package in self._files else None
            return self._existing(os.path.join(directory, *parts))
        if parts[0] not in self._components:
            return None  # typing, torch, ...: no file or folder of the tree has that name
        sibling = self._existing(os.path.join(directory, *parts))  # a script's own directory comes first
        if sibling is not None:
            return sibling
        matches = self._suffix_index().get(module, [])
        return matches[0] if len(matches) == 1 else None

    def _existing(self, stem: str) -> str | None:
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if candidate in self._files:
                return candidate
        return None

    def _suffix_index(self) -> dict[str, list[str]]:
        """Dotted module names by every suffix (``src.pkg.config``, ``pkg.config``, ``config``)."""
        if self._by_suffix is None:
            self._by_suffix = {}
            for file in self._files:  # (strings, not Paths: thousands of files)
                parts = os.path.splitext(file)[0].split(os.sep)
                if parts[-1] == "__init__":
                    parts.pop()
                for start in range(len(parts)):
                    self._by_suffix.setdefault(".".join(parts[start:]), []).append(file)
        return self._by_suffix

    def _exports_of(self, path: Path) -> dict[str, Constant]:
        if path not in self._exports:
            self._exports[path] = self._evaluate(path)
        return self._exports[path]

    def _evaluate(self, path: Path) -> dict[str, Constant]:
        try:
            text = self._read(path).decode("utf-8")
            tree = parse(text)
        except (UnicodeDecodeError, *PARSE_ERRORS):
            return {}
        assert isinstance(tree, ast.Module)
        collector = BindingCollector()
        collector.walk(tree)
        scope = collector.module_scope
        resolver = Resolver(SourceText(text, tree))
        exports: dict[str, Constant] = {}
        for name, expression in scope.values.items():
            if scope.binding_counts.get(name) != 1:
                continue
            value = resolver.value(expression, scope)
            if isinstance(value, LocalPath):
                exports[name] = ("local", value.source)
            elif isinstance(value, Known) and isinstance(value.value, (str, bool, int, float, type(None))):
                exports[name] = ("known", value.value)
        return exports
