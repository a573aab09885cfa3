"""Constant propagation: what an argument expression is known to be, as a reviewer would read it."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property
from typing import TypeGuard, Union

from hubguard.static.bindings import Scope, dotted_name
from hubguard.static.positions import SourceText


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

_PATH_CALLS = ("os.path.", "pathlib.", "posixpath.", "ntpath.", "tempfile.", "os.getcwd", "os.fspath")
# pytest's temporary-directory fixtures: a test function's parameter of that name is a fresh local folder.
_TMP_FIXTURES = frozenset({"tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory"})
# Helpers of test base classes that return a fresh temporary folder (transformers' TestCasePlus).
_TMP_METHODS = ("get_auto_remove_tmp_dir", "mkdtemp", "mktemp")
# Calls that return a local directory or file already downloaded (the download itself is checked on its own).
_DOWNLOAD_CALLS = ("snapshot_download", "hf_hub_download", "cached_file", "cached_path", "file_download")
_MAX_DEPTH = 8


_ADJACENT_STRINGS = re.compile(r"""["'][ \t\f\\\r\n]*(?:#[^\n]*\n[ \t\f\\\r\n]*)*[A-Za-z]{0,2}["']""")
_STRING_TOKENS = frozenset({tokenize.STRING, getattr(tokenize, "FSTRING_START", tokenize.STRING)})


class Resolver:
    """Resolves callee names and argument values within one module."""

    def __init__(self, source: SourceText) -> None:
        self.text = source
        self._attributes: dict[tuple[int, str], Value] = {}

    @cached_property
    def mentions_path_checks(self) -> bool:
        """Whether the module could guard a load with an existence check at all."""
        text = self.text.text
        return any(word in text for word in ("exists(", "isdir(", "isfile(", "is_dir(", "is_file("))

    def is_path_call(self, call: ast.Call, scope: Scope) -> bool:
        return any(name.startswith(_PATH_CALLS) for name in self.qualified_names(call.func, scope))

    def source(self, node: ast.AST) -> str:
        return self.text.segment(node)

    # --- names ------------------------------------------------------------------------------
    def qualified_names(self, expr: ast.expr, scope: Scope, depth: int = 0) -> list[str]:
        """Qualified names an expression may refer to (several with ``try: import x except: import y``)."""
        dotted = dotted_name(expr)
        if dotted is None:
            if isinstance(expr, ast.Call) and depth < _MAX_DEPTH:
                return [f"{name}()" for name in self.qualified_names(expr.func, scope, depth + 1)]
            if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Call) and depth < _MAX_DEPTH:
                # ``Unpickler().restore``, ``HfApi().snapshot_download``: the method, named after the class
                return [f"{name}.{expr.attr}" for name in self.qualified_names(expr.value.func, scope, depth + 1)]
            return []
        head, _, rest = dotted.partition(".")
        owner = scope.binding_scope(head)
        if owner is None:
            return []
        imports = owner.imports.get(head, [])
        suffix = f".{rest}" if rest else ""
        if imports and owner.binding_counts.get(head, 0) == len(imports):
            return [qualified + suffix for qualified in owner.imports_at(head, expr.lineno)]
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
    def value(self, expr: ast.expr, scope: Scope, depth: int = 0) -> Value:
        if depth > _MAX_DEPTH:
            return Unknown(self.source(expr))
        if isinstance(expr, ast.Constant):
            return self._constant_value(expr)
        if isinstance(expr, ast.Name):
            return self._name_value(expr, scope, depth)
        if isinstance(expr, ast.JoinedStr):
            return self._fstring_value(expr, scope, depth)
        if isinstance(expr, ast.BinOp):
            return self._binary_value(expr, scope, depth)
        if isinstance(expr, ast.Dict):
            return self._dict_value(expr, scope, depth)
        if isinstance(expr, (ast.List, ast.Tuple)):
            return Known([self.value(_unstarred(element), scope, depth + 1) for element in expr.elts])
        if isinstance(expr, ast.Call):
            return self._call_value(expr, scope, depth)
        if isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name) and expr.value.id in ("self", "cls"):
                return self._attribute_value(expr, scope, depth)
            base = self.value(expr.value, scope, depth + 1)
            return LocalPath(self.source(expr)) if isinstance(base, LocalPath) else Unknown(self.source(expr))
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            inner = self.value(expr.operand, scope, depth + 1)
            return Known(not inner.value) if _is_scalar(inner) else Unknown(self.source(expr))
        return Unknown(self.source(expr))

    def known_prefix(self, expr: ast.expr, scope: Scope) -> tuple[str, bool]:
        """The start of a string expression that is known, and whether that is all of it: ``"hf://x/" + name``
        and ``f"hf://x/{name}"`` start with ``hf://x/``."""
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left, complete = self.known_prefix(expr.left, scope)
            if not complete:
                return left, False
            right, complete = self.known_prefix(expr.right, scope)
            return left + right, complete
        if isinstance(expr, ast.JoinedStr):
            parts: list[str] = []
            for part in expr.values:
                value = self.value(part.value, scope) if isinstance(part, ast.FormattedValue) else self.value(part, scope)
                if not (_is_scalar(value) and (not isinstance(part, ast.FormattedValue) or part.format_spec is None)):
                    return "".join(parts), False
                parts.append(str(value.value))  # type: ignore[union-attr]
            return "".join(parts), True
        value = self.value(expr, scope)
        if isinstance(value, Known) and isinstance(value.value, str):
            return value.value, True
        return "", False

    def _constant_value(self, expr: ast.Constant) -> Value:
        value = expr.value
        if isinstance(value, (bytes, complex)) or value is Ellipsis:
            return Unknown(self.source(expr))
        return Known(value)

    def _name_value(self, expr: ast.Name, scope: Scope, depth: int) -> Value:
        owner = scope.binding_scope(expr.id)
        if owner is not None and expr.id in _TMP_FIXTURES and expr.id in owner.parameters:
            return LocalPath(expr.id)
        if owner is None or owner.binding_counts.get(expr.id) != 1:
            return Unknown(expr.id)
        if expr.id in owner.external:  # ``from .config import MODEL_ID``: that module's constant
            kind, constant = owner.external[expr.id]
            return LocalPath(str(constant)) if kind == "local" else Known(constant, "constant")
        if expr.id in owner.values:
            resolved = self.value(owner.values[expr.id], owner, depth + 1)
            if isinstance(resolved, Known) and resolved.via != "default":  # a parameter's alias is still its default
                return Known(resolved.value, "constant")
            return resolved
        if expr.id in owner.defaults:
            resolved = self.value(owner.defaults[expr.id], owner.parent or owner, depth + 1)
            return Known(resolved.value, "default") if isinstance(resolved, Known) else resolved
        return Unknown(expr.id)

    def _attribute_value(self, expr: ast.Attribute, scope: Scope, depth: int) -> Value:
        """``self.tmp_dir``: a local folder when every assignment in the class's methods makes it one; a
        constant when the class assigns it once."""
        owner = next((s.enclosing_class() for s in scope.lookup_chain() if s.enclosing_class()), None)
        assigned = owner.attributes.get(expr.attr) if owner is not None else None
        if not assigned:
            return Unknown(self.source(expr))
        key = (id(owner), expr.attr)
        if key not in self._attributes:
            self._attributes[key] = Unknown(self.source(expr))  # while it is worked out: ``self.d = self.d / "x"``
            values = [self.value(value, method, depth + 1) if value is not None else None for value, method in assigned]
            if all(isinstance(value, LocalPath) for value in values):
                self._attributes[key] = LocalPath(self.source(expr))
            elif len(values) == 1 and isinstance(values[0], Known) and _is_scalar(values[0]):
                self._attributes[key] = Known(values[0].value, "constant")  # ``self.model_id = "org/m"`` once
            else:
                self._attributes[key] = Unknown(self.source(expr))
        return self._attributes[key]

    def _fstring_value(self, expr: ast.JoinedStr, scope: Scope, depth: int) -> Value:
        if self._is_concatenation(expr):
            return Unknown(self.source(expr))  # ``f"a" "b"``: left unevaluated, as a reviewer would not bother
        parts: list[str] = []
        for part in expr.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
                continue
            assert isinstance(part, ast.FormattedValue)
            inner = self.value(part.value, scope, depth + 1)
            if part.format_spec is not None or part.conversion != -1 or not _is_scalar(inner):
                return Unknown(self.source(expr))
            parts.append(str(inner.value))  # type: ignore[union-attr]
        return Known("".join(parts))

    def _is_concatenation(self, expr: ast.JoinedStr) -> bool:
        text = self.source(expr)
        if not _ADJACENT_STRINGS.search(text):
            return False
        # The expression's own source, in parentheses as in its call: it always tokenizes, however its
        # continuation lines are indented.
        tokens = tokenize.generate_tokens(io.StringIO(f"({text})").readline)
        return sum(token.type in _STRING_TOKENS for token in tokens) > 1

    def _binary_value(self, expr: ast.BinOp, scope: Scope, depth: int) -> Value:
        left = self.value(expr.left, scope, depth + 1)
        right = self.value(expr.right, scope, depth + 1)
        if isinstance(expr.op, ast.Div) and any(
            isinstance(side, LocalPath) or (isinstance(side, Known) and isinstance(side.value, str))
            for side in (left, right)
        ):
            return LocalPath(self.source(expr))  # ``base / "adapter"``: only a pathlib path divides by a string
        if (
            isinstance(expr.op, ast.Add)
            and isinstance(left, Known)
            and isinstance(right, Known)
            and isinstance(left.value, str)
            and isinstance(right.value, str)
        ):
            return Known(left.value + right.value)
        return Unknown(self.source(expr))

    def _dict_value(self, expr: ast.Dict, scope: Scope, depth: int) -> Value:
        items: dict[str, Value] = {}
        for key_node, value_node in zip(expr.keys, expr.values):
            if key_node is None:
                spread = self.value(value_node, scope, depth + 1)
                if isinstance(spread, Known) and isinstance(spread.value, dict):
                    items.update(spread.value)
                continue
            key = self.value(key_node, scope, depth + 1)
            if isinstance(key, Known) and isinstance(key.value, str):
                items[key.value] = self.value(value_node, scope, depth + 1)
        return Known(items)

    def _call_value(self, expr: ast.Call, scope: Scope, depth: int) -> Value:
        names = self.qualified_names(expr.func, scope)
        if any(name.startswith(_PATH_CALLS) or name.endswith(_DOWNLOAD_CALLS) for name in names):
            return LocalPath(self.source(expr))
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in _TMP_METHODS:
            return LocalPath(self.source(expr))
        if dotted_name(expr.func) == "str" and len(expr.args) == 1 and scope.binding_scope("str") is None:
            inner = self.value(expr.args[0], scope, depth + 1)  # str(tmp_path)
            return LocalPath(self.source(expr)) if isinstance(inner, LocalPath) else Unknown(self.source(expr))
        if isinstance(expr.func, ast.Attribute) and isinstance(self.value(expr.func.value, scope, depth + 1), LocalPath):
            return LocalPath(self.source(expr))
        if dotted_name(expr.func) == "dict" and scope.binding_scope("dict") is None:
            items: dict[str, Value] = {}
            for keyword in expr.keywords:
                if keyword.arg is not None:
                    items[keyword.arg] = self.value(keyword.value, scope, depth + 1)
                else:
                    spread = self.value(keyword.value, scope, depth + 1)
                    if isinstance(spread, Known) and isinstance(spread.value, dict):
                        items.update(spread.value)
            return Known(items)
        return Unknown(self.source(expr))


def _unstarred(element: ast.expr) -> ast.expr:
    return element.value if isinstance(element, ast.Starred) else element


def _is_scalar(value: Value) -> TypeGuard[Known]:
    return isinstance(value, Known) and isinstance(value.value, (str, bool, int, float, type(None)))
