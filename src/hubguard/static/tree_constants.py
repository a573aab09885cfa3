"""Constants one module of the scanned tree imports from another (``from .config import MODEL_ID, LOCAL_DIR``).

A whole-tree step before the per-file analysis, kept cheap: a bytes regex finds a file's from-imports and checks
that the module assigns one of the imported names at its top level; only then, and only for files the cache
does not answer, is that module parsed (once per run) and its module-level names bound once evaluated (a
string, a flag, a number, or a local path such as ``os.path.join(ROOT, "ckpt")``). The bytes of those modules
are part of the importing file's result-cache key, so editing ``config.py`` re-analyses the files that use it.
"""

from __future__ import annotations

import ast
import hashlib
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

_FROM_IMPORT = re.compile(
    rb"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#\\]*(?:\\\n[^\n#\\]*)*)", re.M
)
_NAME = re.compile(r"\b(\w+)(?:\s+as\s+\w+)?")


# A top-level ``NAME = <value>`` whose value may be a constant the analysis can use: a string (any prefix), a
# number, True/False/None, an os.path/pathlib/tempfile path, or another UPPER_CASE name (not dicts, lists, calls).
_TOP_LEVEL_ASSIGNMENT = re.compile(
    rb"^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*"
    rb"(?=[rRbBuUfF]{0,2}[\"']|[\d.]|True\b|False\b|None\b|os\.|Path\b|pathlib\.|tempfile\.|[A-Z_][A-Z0-9_]*\b)",
    re.M,
)


def import_key(level: int, module: str | None) -> str:
    return f"{level}:{module or ''}"


class TreeConstants:
    def __init__(self, files: list[Path], max_file_size: int) -> None:
        self._files = {path for path in files if path.suffix == ".py"}
        self._max_file_size = max_file_size
        self._by_suffix: dict[str, list[Path]] | None = None
        self._bytes: dict[Path, bytes] = {}
        self._top_level: dict[Path, frozenset[str]] = {}
        self._exports: dict[Path, dict[str, Constant]] = {}

    def imports_of(self, path: Path, data: bytes) -> Imports:
        """The tree modules the Python file ``path`` (bytes ``data``) takes module-level names from, found without
        parsing anything: a module counts only if one of those names is assigned at its top level."""
        if path.suffix != ".py" or b"from" not in data:
            return {}
        imports: Imports = {}
        for raw_dots, raw_module, raw_names in _FROM_IMPORT.findall(data):
            dots, module, names = (part.decode("utf-8", "replace") for part in (raw_dots, raw_module, raw_names))
            if not module and not dots:
                continue
            source = self._module_file(path, len(dots), module)
            if source is None or source == path:
                continue
            assigned = self._assigned(source)
            wanted = tuple(sorted({name for name in _NAME.findall(names.strip("()")) if name in assigned}))
            if wanted:
                imports[import_key(len(dots), module or None)] = (source, wanted)
        return imports

    def fingerprint(self, imports: Imports) -> dict[str, object]:
        """What the result cache keys on: each module's bytes and the names taken from it."""
        return {key: [hashlib.sha256(self._read(source)).hexdigest(), list(names)]
                for key, (source, names) in imports.items()}

    def constants(self, imports: Imports) -> Imported:
        """The constants behind ``imports`` (parsing each module once per run), for the analysis."""
        imported: Imported = {}
        for key, (source, names) in imports.items():
            exports = self._exports_of(source)
            found = {name: exports[name] for name in names if name in exports}
            if found:
                imported[key] = found
        return imported

    def _assigned(self, path: Path) -> frozenset[str]:
        """The names a module assigns a possible constant at its top level (``NAME = "..."``, ``NAME: str = ...``),
        by one regex pass."""
        if path not in self._top_level:
            found = _TOP_LEVEL_ASSIGNMENT.findall(self._read(path))
            self._top_level[path] = frozenset(name.decode() for name in found)
        return self._top_level[path]

    def _read(self, path: Path) -> bytes:
        if path not in self._bytes:
            try:
                self._bytes[path] = read_regular_file(str(path), self._max_file_size, lambda data: False)
            except NotRead:
                self._bytes[path] = b""
        return self._bytes[path]

    def _module_file(self, path: Path, level: int, module: str) -> Path | None:
        parts = module.split(".") if module else []
        if level:
            base = path.parent
            for _ in range(level - 1):
                base = base.parent
            return self._existing(base.joinpath(*parts)) if parts else None
        sibling = self._existing(path.parent.joinpath(*parts))  # a script's own directory comes first
        if sibling is not None:
            return sibling
        matches = self._suffix_index().get(module, [])
        return matches[0] if len(matches) == 1 else None

    def _existing(self, stem: Path) -> Path | None:
        for candidate in (stem.with_name(stem.name + ".py"), stem / "__init__.py"):
            if candidate in self._files:
                return candidate
        return None

    def _suffix_index(self) -> dict[str, list[Path]]:
        """Dotted module names by every suffix (``src.pkg.config``, ``pkg.config``, ``config``)."""
        if self._by_suffix is None:
            self._by_suffix = {}
            for file in self._files:
                parts = list(file.with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                for start in range(max(len(parts) - 6, 0), len(parts)):
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
