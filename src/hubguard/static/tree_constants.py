"""Constants one module of the scanned tree imports from another (``from .config import MODEL_ID, LOCAL_DIR``).

A whole-tree step before the per-file analysis, kept cheap: only modules some analysed file imports from are
read and parsed, once each, and only their module-level names bound once are evaluated (a string, a flag, a
number, or a local path such as ``os.path.join(ROOT, "ckpt")``). What a file imports this way is part of its
result-cache key, so editing ``config.py`` re-analyses the files that use its constants.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hubguard.static.bindings import BindingCollector
from hubguard.static.positions import SourceText
from hubguard.static.reading import NotRead, TooLarge, read_regular_file
from hubguard.static.recovery import PARSE_ERRORS, parse
from hubguard.static.values import Known, LocalPath, Resolver

Constant = tuple[str, object]  # ("known", value) or ("local", the expression as written)
Imported = dict[str, dict[str, Constant]]  # "<level>:<module>" as written in the import -> name -> constant

_FROM_IMPORT = re.compile(
    rb"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#\\]*(?:\\\n[^\n#\\]*)*)", re.M
)
_NAME = re.compile(r"\b(\w+)(?:\s+as\s+\w+)?")


def import_key(level: int, module: str | None) -> str:
    return f"{level}:{module or ''}"


class TreeConstants:
    def __init__(self, files: list[Path], max_file_size: int) -> None:
        self._files = {path for path in files if path.suffix == ".py"}
        self._max_file_size = max_file_size
        self._by_suffix: dict[str, list[Path]] | None = None
        self._exports: dict[Path, dict[str, Constant]] = {}

    def imported_by(self, path: Path, data: bytes) -> Imported:
        """The constants the Python file ``path`` (whose bytes are ``data``) imports from other modules of the tree."""
        if path.suffix != ".py" or b"from" not in data:
            return {}
        imported: Imported = {}
        for raw_dots, raw_module, raw_names in _FROM_IMPORT.findall(data):
            dots, module, names = (part.decode("utf-8", "replace") for part in (raw_dots, raw_module, raw_names))
            if not module and not dots:
                continue
            source = self._module_file(path, len(dots), module)
            if source is None or source == path:
                continue
            exports = self._exports_of(source)
            wanted = {name: exports[name] for name in _NAME.findall(names.strip("()")) if name in exports}
            if wanted:
                imported.setdefault(import_key(len(dots), module or None), {}).update(wanted)
        return imported

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
            text = read_regular_file(str(path), self._max_file_size, lambda data: False).decode("utf-8")
            tree = parse(text)
        except (NotRead, TooLarge, UnicodeDecodeError, *PARSE_ERRORS):
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
