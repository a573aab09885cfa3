"""Constant propagation: what an argument expression is known to be, as a reviewer would read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import libcst as cst

from hubguard.static.bindings import Scope, dotted_name


@dataclass(frozen=True)
class Known:
    value: object  # str | bool | int | float | None | dict[str, Value] | list[Value]
    via: str = "literal"  # literal | constant | default (a parameter default the caller may override)


@dataclass(frozen=True)
class Unknown:
    source: str  # the expression as written, for messages


@dataclass(frozen=True)
class LocalPath:
    source: str


Value = Union[Known, Unknown, LocalPath]

_PATH_CALLS = ("os.path.", "pathlib.", "posixpath.", "ntpath.")
# Calls that return a local directory or file already downloaded (the download itself is checked on its own).
_DOWNLOAD_CALLS = ("snapshot_download", "hf_hub_download", "cached_file", "cached_path", "file_download")
_MAX_DEPTH = 8


class Resolver:
    """Resolves callee names and argument values within one module."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module

    def source(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()

    # --- names ------------------------------------------------------------------------------
    def qualified_names(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> list[str]:
        """Qualified names an expression may refer to (several with ``try: import x except: import y``)."""
        dotted = dotted_name(expr)
        if dotted is None:
            if isinstance(expr, cst.Call) and depth < _MAX_DEPTH:
                return [f"{name}()" for name in self.qualified_names(expr.func, scope, depth + 1)]
            return []
        head, _, rest = dotted.partition(".")
        owner = scope.binding_scope(head)
        if owner is None:
            return []
        imports = owner.imports.get(head, [])
        suffix = f".{rest}" if rest else ""
        if imports and owner.binding_counts.get(head, 0) == len(imports):
            return [qualified + suffix for qualified in imports]
        bound = owner.values.get(head)
        if bound is not None and owner.binding_counts.get(head) == 1 and depth < _MAX_DEPTH:
            # ``Model = AutoModel`` then ``Model.from_pretrained``; ``api = HfApi()`` then ``api.snapshot_download``
            # (an instance's method is named after the class; calling the instance itself matches no sink).
            targets = self.qualified_names(bound, owner, depth + 1)
            if suffix:
                return [target.removesuffix("()") + suffix for target in targets]
            return targets
        return []

    # --- values -----------------------------------------------------------------------------
    def value(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> Value:
        if depth > _MAX_DEPTH:
            return Unknown(self.source(expr))
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            evaluated = expr.evaluated_value
            if isinstance(evaluated, bytes):
                return Unknown(self.source(expr))
            return Known(evaluated) if evaluated is not None else Unknown(self.source(expr))
        if isinstance(expr, cst.Integer):
            return Known(int(expr.evaluated_value))
        if isinstance(expr, cst.Float):
            return Known(expr.evaluated_value)
        if isinstance(expr, cst.Name):
            return self._name_value(expr, scope, depth)
        if isinstance(expr, cst.FormattedString):
            return self._fstring_value(expr, scope, depth)
        if isinstance(expr, cst.BinaryOperation):
            return self._binary_value(expr, scope, depth)
        if isinstance(expr, cst.Dict):
            return self._dict_value(expr, scope, depth)
        if isinstance(expr, (cst.List, cst.Tuple)):
            return Known([self.value(element.value, scope, depth + 1) for element in expr.elements])
        if isinstance(expr, cst.Call):
            return self._call_value(expr, scope, depth)
        if isinstance(expr, cst.Attribute):
            base = self.value(expr.value, scope, depth + 1)
            return LocalPath(self.source(expr)) if isinstance(base, LocalPath) else Unknown(self.source(expr))
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            inner = self.value(expr.expression, scope, depth + 1)
            return Known(not inner.value) if _is_scalar(inner) else Unknown(self.source(expr))
        return Unknown(self.source(expr))

    def _name_value(self, expr: cst.Name, scope: Scope, depth: int) -> Value:
        if expr.value in ("True", "False", "None"):
            return Known({"True": True, "False": False, "None": None}[expr.value])
        owner = scope.binding_scope(expr.value)
        if owner is None or owner.binding_counts.get(expr.value) != 1:
            return Unknown(expr.value)
        if expr.value in owner.values:
            resolved = self.value(owner.values[expr.value], owner, depth + 1)
            return Known(resolved.value, "constant") if isinstance(resolved, Known) else resolved
        if expr.value in owner.defaults:
            resolved = self.value(owner.defaults[expr.value], owner.parent or owner, depth + 1)
            return Known(resolved.value, "default") if isinstance(resolved, Known) else resolved
        return Unknown(expr.value)

    def _fstring_value(self, expr: cst.FormattedString, scope: Scope, depth: int) -> Value:
        parts: list[str] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            inner = self.value(part.expression, scope, depth + 1)
            if part.format_spec or part.conversion or not _is_scalar(inner):
                return Unknown(self.source(expr))
            parts.append(str(inner.value))  # type: ignore[union-attr]
        return Known("".join(parts))

    def _binary_value(self, expr: cst.BinaryOperation, scope: Scope, depth: int) -> Value:
        left = self.value(expr.left, scope, depth + 1)
        right = self.value(expr.right, scope, depth + 1)
        if isinstance(expr.operator, cst.Divide) and (isinstance(left, LocalPath) or isinstance(right, LocalPath)):
            return LocalPath(self.source(expr))
        if (
            isinstance(expr.operator, cst.Add)
            and isinstance(left, Known)
            and isinstance(right, Known)
            and isinstance(left.value, str)
            and isinstance(right.value, str)
        ):
            return Known(left.value + right.value)
        return Unknown(self.source(expr))

    def _dict_value(self, expr: cst.Dict, scope: Scope, depth: int) -> Value:
        items: dict[str, Value] = {}
        for element in expr.elements:
            if isinstance(element, cst.StarredDictElement):
                spread = self.value(element.value, scope, depth + 1)
                if isinstance(spread, Known) and isinstance(spread.value, dict):
                    items.update(spread.value)
                continue
            key = self.value(element.key, scope, depth + 1)
            if isinstance(key, Known) and isinstance(key.value, str):
                items[key.value] = self.value(element.value, scope, depth + 1)
        return Known(items)

    def _call_value(self, expr: cst.Call, scope: Scope, depth: int) -> Value:
        names = self.qualified_names(expr.func, scope)
        if any(name.startswith(_PATH_CALLS) or name.endswith(_DOWNLOAD_CALLS) for name in names):
            return LocalPath(self.source(expr))
        if isinstance(expr.func, cst.Attribute) and isinstance(self.value(expr.func.value, scope, depth + 1), LocalPath):
            return LocalPath(self.source(expr))
        if dotted_name(expr.func) == "dict" and scope.binding_scope("dict") is None:
            items: dict[str, Value] = {}
            for arg in expr.args:
                if arg.keyword is not None:
                    items[arg.keyword.value] = self.value(arg.value, scope, depth + 1)
                elif arg.star == "**":
                    spread = self.value(arg.value, scope, depth + 1)
                    if isinstance(spread, Known) and isinstance(spread.value, dict):
                        items.update(spread.value)
            return Known(items)
        return Unknown(self.source(expr))


def _is_scalar(value: Value) -> bool:
    return isinstance(value, Known) and isinstance(value.value, (str, bool, int, float, type(None)))

