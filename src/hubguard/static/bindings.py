"""Cheap scope tracking: which names a scope binds, to what, and how often.

LibCST's ScopeProvider answers this exactly but costs a full metadata pass per file. The static pass
only needs two facts per name: what import (if any) it refers to, and whether it is bound exactly once
to a simple expression (so its value can be propagated). Both come out of one walk of the tree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

_UNSET: Any = object()


@dataclass
class Scope:
    kind: str  # "module" | "function" | "class"
    parent: Scope | None
    imports: dict[str, list[str]] = field(default_factory=dict)  # local name -> qualified names
    values: dict[str, cst.BaseExpression] = field(default_factory=dict)  # single simple assignments
    defaults: dict[str, cst.BaseExpression] = field(default_factory=dict)  # parameter defaults
    binding_counts: dict[str, int] = field(default_factory=dict)

    def bind(self, name: str) -> None:
        self.binding_counts[name] = self.binding_counts.get(name, 0) + 1

    def lookup_chain(self) -> list[Scope]:
        """This scope, then enclosing function scopes and the module; class bodies are skipped as Python does."""
        chain: list[Scope] = [self]
        scope = self.parent
        while scope is not None:
            if scope.kind != "class":
                chain.append(scope)
            scope = scope.parent
        return chain

    def binding_scope(self, name: str) -> Scope | None:
        for scope in self.lookup_chain():
            if name in scope.binding_counts:
                return scope
        return None


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _alias_target(alias: cst.ImportAlias) -> tuple[str, str]:
    full = dotted_name(alias.name) or ""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value, full
    # ``import a.b`` binds ``a`` to module ``a``.
    head = full.split(".", 1)[0]
    return head, head


_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "leading_lines", "lines_after_decorators",
        "header", "footer", "indent", "comma", "semicolon", "equal", "colon", "dot", "star", "operator",
        "asynchronous", "relative", "posonly_ind", "trailing_whitespace", "default_indent", "default_newline",
        "encoding", "has_trailing_newline",
    }
)
# Source order where a node's dataclass fields are not in it (PositionIndex pairs calls by source order).
_FIELD_ORDER: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "bases", "keywords", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.MatchCase: ("pattern", "guard", "body"),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
}
_CHILD_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """Fields that can hold code; whitespace, brackets and punctuation are never walked into."""
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        names = _FIELD_ORDER.get(node_type) or tuple(field.name for field in dataclasses.fields(node_type))
        fields = tuple(name for name in names if name not in _SKIPPED_FIELDS and not name.startswith("whitespace"))
        _CHILD_FIELDS[node_type] = fields
    return fields


class BindingCollector:
    """Records bindings per scope while walking a LibCST tree in source order.

    The walk skips whitespace, comments and punctuation, which are most of a concrete syntax tree, and
    dispatches only to the ``visit_<NodeType>`` methods defined here or in a subclass. A method returning
    False has walked the node's children itself.
    """

    def __init__(self) -> None:
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self._handlers: dict[type[cst.CSTNode], Callable[[Any], bool | None]] = {}

    def walk(self, node: cst.CSTNode) -> None:
        node_type = type(node)
        handler = self._handlers.get(node_type, _UNSET)
        if handler is _UNSET:
            handler = getattr(self, f"visit_{node_type.__name__}", None)
            self._handlers[node_type] = handler
        if handler is not None and handler(node) is False:
            return
        for name in _child_fields(node_type):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                self.walk(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        self.walk(item)

    # --- scopes -----------------------------------------------------------------------------
    def _push(self, kind: str) -> None:
        self.scope = Scope(kind, self.scope)

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.scope.bind(node.name.value)
        for decorator in node.decorators:
            self.walk(decorator)
        self._visit_function(node.params, node.body, node.returns)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self._visit_function(node.params, node.body)
        return False

    def _visit_function(self, params: cst.Parameters, body: cst.CSTNode, returns: cst.Annotation | None = None) -> None:
        """Annotations and defaults are evaluated in the enclosing scope; parameters and body live in a new one."""
        self._visit_parameter_expressions(params)
        if returns is not None:
            self.walk(returns)
        self._push("function")
        self._bind_parameters(params)
        self.walk(body)
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.scope.bind(node.name.value)
        for decorator in node.decorators:
            self.walk(decorator)
        for base in (*node.bases, *node.keywords):
            self.walk(base)
        self._push("class")
        self.walk(node.body)
        self._pop()
        return False

    def _visit_parameter_expressions(self, params: cst.Parameters) -> None:
        star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
        star_kwarg = [params.star_kwarg] if params.star_kwarg is not None else []
        for param in (*params.posonly_params, *params.params, *star, *params.kwonly_params, *star_kwarg):
            if param.annotation is not None:
                self.walk(param.annotation)
            if param.default is not None:
                self.walk(param.default)

    def _bind_parameters(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.scope.bind(param.name.value)
            if param.default is not None:
                self.scope.defaults[param.name.value] = param.default
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.scope.bind(star.name.value)

    # --- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            local, qualified = _alias_target(alias)
            self.scope.bind(local)
            self.scope.imports.setdefault(local, []).append(qualified)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    local, _ = _alias_target(alias)
                    self.scope.bind(local)
            return False
        module = dotted_name(node.module) or ""
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self.scope.bind(local)
            self.scope.imports.setdefault(local, []).append(f"{module}.{name}")
        return False

    # --- assignments and other bindings -----------------------------------------------------
    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value)
            if value is not None:
                self.scope.values[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        single = len(node.targets) == 1
        for target in node.targets:
            self._bind_target(target.target, node.value if single else None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target)
        self._bind_target(node.target)  # an augmented name is never a constant

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.scope.bind(item.name.value)
            self.scope.bind(item.name.value)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.scope.bind(item.name.value)
            self.scope.bind(item.name.value)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind_target(node.target)
