"""Cheap scope tracking over CPython's ``ast``: which names a scope binds, to what, and how often.

The static pass only needs two facts per name: what import (if any) it refers to, and whether it is bound
exactly once to a simple expression (so its value can be propagated). Both come out of one walk of the
tree. The walk keeps its own stack, so no nesting the parser accepted can exhaust Python's recursion limit.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Scope:
    kind: str  # "module" | "function" | "class"
    parent: Scope | None
    imports: dict[str, list[str]] = field(default_factory=dict)  # local name -> qualified names
    # beside each of those imports: the lines of the if/else branch or try/except block it sits in, if any
    import_blocks: dict[str, list[tuple[int, int] | None]] = field(default_factory=dict)
    values: dict[str, ast.expr] = field(default_factory=dict)  # single simple assignments
    defaults: dict[str, ast.expr] = field(default_factory=dict)  # parameter defaults
    parameters: set[str] = field(default_factory=set)
    binding_counts: dict[str, int] = field(default_factory=dict)
    # class scopes: ``self.x = value`` / ``cls.x = value`` in its methods, with the method's scope
    attributes: dict[str, list[tuple[ast.expr | None, Scope]]] = field(default_factory=dict)
    # paths the code writes or makes here (save_pretrained(p), os.makedirs(p), output_dir=p, ...), with their line
    written: list[tuple[ast.expr, int]] = field(default_factory=list)
    # names imported from another module of the scanned tree, with that module's constant: (kind, value)
    external: dict[str, tuple[str, object]] = field(default_factory=dict)

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

    def enclosing_class(self) -> Scope | None:
        """The class whose method this scope is (``self.x`` lives there)."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None

    def imports_at(self, name: str, line: int) -> list[str]:
        """The imports of ``name`` a use on ``line`` sees: those of the innermost branch around it that imports
        ``name`` (``if a: from x import f`` / ``else: from y import f``), else all of them."""
        imports = self.imports.get(name, [])
        blocks = self.import_blocks.get(name, [])
        around = [(block[1] - block[0], qualified) for qualified, block in zip(imports, blocks)
                  if block is not None and block[0] <= line <= block[1]]
        if not around:
            return imports
        narrowest = min(size for size, _ in around)
        return [qualified for size, qualified in around if size == narrowest]

    def binding_scope(self, name: str) -> Scope | None:
        for scope in self.lookup_chain():
            if name in scope.binding_counts:
                return scope
        return None


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _alias_target(alias: ast.alias) -> tuple[str, str]:
    if alias.asname is not None:
        return alias.asname, alias.name
    head = alias.name.split(".", 1)[0]  # ``import a.b`` binds ``a`` to module ``a``
    return head, head


def _parameters(arguments: ast.arguments) -> list[ast.arg]:
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]


def _parameter_expressions(arguments: ast.arguments) -> list[ast.expr]:
    """Annotations and defaults, in source order: evaluated in the enclosing scope."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: dict[int, ast.expr] = {
        id(param): default for param, default in zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults)
    }
    defaults.update(
        (id(param), default) for param, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is not None
    )
    ordered = [*positional, *([arguments.vararg] if arguments.vararg else []), *arguments.kwonlyargs]
    ordered += [arguments.kwarg] if arguments.kwarg else []
    expressions: list[ast.expr] = []
    for param in ordered:
        if param.annotation is not None:
            expressions.append(param.annotation)
        if id(param) in defaults:
            expressions.append(defaults[id(param)])
    return expressions


def parameter_defaults(arguments: ast.arguments) -> dict[str, ast.expr]:
    positional = [*arguments.posonlyargs, *arguments.args]
    result = {param.arg: default for param, default in zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults)}
    result.update((param.arg, default) for param, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is not None)
    return result


# Fields that never hold a node worth visiting (names, flags, contexts, operators).
_SKIPPED_FIELDS = frozenset(
    {"ctx", "op", "ops", "type_comment", "type_params", "id", "attr", "arg", "name", "kind", "conversion", "level",
     "module", "is_async", "simple", "lineno"}
)
_ORDERED_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {ast.IfExp: ("body", "test", "orelse")}  # source order


class _EnterScope:
    """Walk marker: the nodes after it (until the matching exit) belong to ``scope``."""

    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


class BindingCollector:
    """Records bindings per scope while walking an ``ast`` tree in source order, without recursion.

    Subclasses add ``visit_<NodeType>(node, scope)`` methods. A handler returning None lets the walk visit
    the node's children in the same scope; one returning a list has visited (or scheduled) them itself:
    ``self.schedule`` puts nodes on the walk in a scope of the handler's choosing.
    """

    def __init__(self, tree_constants: dict[str, dict[str, tuple[str, object]]] | None = None) -> None:
        self.module_scope = Scope("module", None)
        self._tree_constants = tree_constants or {}  # "<level>:<module>" -> name -> constant (tree_constants.py)
        self._blocks: dict[int, tuple[int, int]] = {}  # id of an import statement -> lines of its branch
        self._handlers: dict[type[ast.AST], Callable[[ast.AST, Scope], list[ast.AST] | None] | None] = {}
        self._stack: list[Any] = []  # nodes, and the markers that enter and leave scopes

    def walk(self, tree: ast.AST) -> None:
        stack = self._stack
        stack.append(tree)
        handlers = self._handlers
        fields_of = _FIELDS
        scopes = [self.module_scope]
        while stack:
            node = stack.pop()
            node_type = type(node)
            if node_type is _EnterScope:
                scopes.append(node.scope)  # type: ignore[attr-defined]
                continue
            if node is _EXIT_SCOPE:
                scopes.pop()
                continue
            if node_type in handlers:
                handler = handlers[node_type]
            else:
                handler = handlers[node_type] = getattr(self, f"visit_{node_type.__name__}", None)
            if handler is not None and handler(node, scopes[-1]) is not None:
                continue
            fields = fields_of.get(node_type)
            if fields is None:
                fields = fields_of[node_type] = _ORDERED_FIELDS.get(node_type) or tuple(
                    name for name in node._fields if name not in _SKIPPED_FIELDS  # type: ignore[attr-defined]
                )
            for name in reversed(fields):
                value = getattr(node, name, None)
                if isinstance(value, list):
                    stack.extend(item for item in reversed(value) if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    stack.append(value)

    def schedule(self, nodes: Iterable[ast.AST], scope: Scope | None = None) -> None:
        """Visit ``nodes`` next, in order, in ``scope`` (default: the current one). Calls made by one handler
        run in reverse: the nodes scheduled last are visited first."""
        items = list(nodes)
        if scope is not None:
            self._stack.append(_EXIT_SCOPE)
        self._stack.extend(reversed(items))
        if scope is not None:
            self._stack.append(_EnterScope(scope))

    # --- scopes -----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> list[ast.AST]:
        scope.bind(node.name)
        self.schedule(node.body, self._function_scope(node.args, scope))
        self.schedule([*node.decorator_list, *_parameter_expressions(node.args), *filter(None, [node.returns])])
        return []

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda, scope: Scope) -> list[ast.AST]:
        self.schedule([node.body], self._function_scope(node.args, scope))
        self.schedule(_parameter_expressions(node.args))
        return []

    def _function_scope(self, arguments: ast.arguments, parent: Scope) -> Scope:
        scope = Scope("function", parent)
        for param in _parameters(arguments):
            scope.bind(param.arg)
            scope.parameters.add(param.arg)
        scope.defaults.update(parameter_defaults(arguments))
        for star in (arguments.vararg, arguments.kwarg):
            if star is not None:
                scope.bind(star.arg)
        return scope

    def visit_ClassDef(self, node: ast.ClassDef, scope: Scope) -> list[ast.AST]:
        scope.bind(node.name)
        self.schedule(node.body, Scope("class", scope))
        self.schedule([*node.decorator_list, *node.bases, *node.keywords])
        return []

    # --- imports ----------------------------------------------------------------------------
    def visit_If(self, node: ast.If | ast.Try, scope: Scope) -> None:
        branches = [node.body, node.orelse]
        if isinstance(node, ast.Try):
            branches += [handler.body for handler in node.handlers]
        for branch in branches:
            if branch:
                lines = (branch[0].lineno, branch[-1].end_lineno or branch[-1].lineno)
                for statement in branch:
                    if isinstance(statement, (ast.Import, ast.ImportFrom)):
                        self._blocks[id(statement)] = lines

    visit_Try = visit_If

    def _add_import(self, scope: Scope, node: ast.Import | ast.ImportFrom, local: str, qualified: str) -> None:
        scope.bind(local)
        scope.imports.setdefault(local, []).append(qualified)
        scope.import_blocks.setdefault(local, []).append(self._blocks.get(id(node)))

    def visit_Import(self, node: ast.Import, scope: Scope) -> list[ast.AST]:
        for alias in node.names:
            self._add_import(scope, node, *_alias_target(alias))
        return []

    def visit_ImportFrom(self, node: ast.ImportFrom, scope: Scope) -> list[ast.AST]:
        constants = self._tree_constants.get(f"{node.level}:{node.module or ''}", {})
        for alias in node.names:
            if alias.name in constants:
                scope.external[alias.asname or alias.name] = constants[alias.name]
        star = any(alias.name == "*" for alias in node.names)
        if node.level or node.module is None or star:
            if not star:
                for alias in node.names:
                    scope.bind(_alias_target(alias)[0])
            return []
        for alias in node.names:
            self._add_import(scope, node, alias.asname or alias.name, f"{node.module}.{alias.name}")
        return []

    # --- assignments and other bindings -----------------------------------------------------
    def _bind_target(self, scope: Scope, target: ast.AST, value: ast.expr | None = None) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id)
            if value is not None:
                scope.values[target.id] = value
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in _SELF:
            owner = scope.enclosing_class()
            if owner is not None:
                owner.attributes.setdefault(target.attr, []).append((value, scope))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_target(scope, element)
        elif isinstance(target, ast.Starred):
            self._bind_target(scope, target.value)

    def visit_Assign(self, node: ast.Assign, scope: Scope) -> None:
        for target in node.targets:  # ``MODEL_ID = DEFAULT_MODEL_ID = "org/m"``: each name holds the value
            self._bind_target(scope, target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign, scope: Scope) -> None:
        self._bind_target(scope, node.target, node.value)

    def visit_AugAssign(self, node: ast.AugAssign, scope: Scope) -> None:
        self._bind_target(scope, node.target)
        self._bind_target(scope, node.target)  # an augmented name is never a constant

    def visit_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> None:
        self._bind_target(scope, node.target)

    def visit_For(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        self._bind_target(scope, node.target)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension, scope: Scope) -> None:
        self._bind_target(scope, node.target)

    def visit_withitem(self, node: ast.withitem, scope: Scope) -> None:
        if node.optional_vars is not None:  # ``with TemporaryDirectory() as tmp``: the value entering returns
            self._bind_target(scope, node.optional_vars, node.context_expr)

    def visit_ExceptHandler(self, node: ast.ExceptHandler, scope: Scope) -> None:
        if node.name is not None:
            scope.bind(node.name)

    def visit_Global(self, node: ast.Global | ast.Nonlocal, scope: Scope) -> None:
        for name in node.names:
            scope.bind(name)
            scope.bind(name)

    visit_Nonlocal = visit_Global

    def visit_Delete(self, node: ast.Delete, scope: Scope) -> None:
        for target in node.targets:
            self._bind_target(scope, target)


_SELF = frozenset({"self", "cls"})
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_EXIT_SCOPE = object()
