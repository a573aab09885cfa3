"""Folders the code itself writes, makes or checks: a load from one of them is not a hub reference.

Two facts a reviewer reads off the code around a load, beyond the value of its path argument
(``values.Resolver`` already knows ``tempfile``, ``pathlib``, ``os.path`` and pytest's fixtures):
- the same expression (or one with the same string value) was passed earlier, in the same function, module or
  notebook, to a call that writes or makes a folder (``save_pretrained``, ``save_model``, ``save_adapter``,
  ``save``, ``mkdir``, ``makedirs``) or as ``output_dir=``/``save_directory=``/``local_dir=`` of any call;
- the load runs only if ``os.path.exists``/``isdir``/``isfile`` (or ``Path.exists()``/``is_dir()``) holds for it:
  inside ``if exists(p):``, in the ``else`` of ``if not exists(p):``, or after ``assert exists(p)`` or
  ``if not exists(p): raise``/``return``.
Expressions are compared as written (``ast.dump``: names, attributes and literals, not positions).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from hubguard.static.bindings import Scope, dotted_name

# Methods whose first argument is a folder (or file) the code writes; ``torch.save(obj, f)`` writes its second.
_WRITERS = frozenset({"save_pretrained", "save_model", "save_adapter", "save", "save_to_disk", "mkdir", "makedirs"})
_SECOND_ARGUMENT_WRITERS = frozenset({"torch.save"})
_FOLDER_KEYWORDS = frozenset({"output_dir", "save_directory", "local_dir"})  # where training and downloads write
_CHECKS = frozenset({"exists", "isdir", "isfile", "is_dir", "is_file"})
_EXITS = (ast.Raise, ast.Return, ast.Continue, ast.Break)
PathCallTest = Callable[[ast.Call], bool]  # whether a call is os.path.* / pathlib.* (through the module's imports)


def path_key(expr: ast.expr) -> str:
    return ast.dump(expr)


def record_written(call: ast.Call, scope: Scope) -> None:
    """Remember the folder a writing call names, if it is one (called for every call, so cheap first)."""
    for keyword in call.keywords:  # TrainingArguments(output_dir=...), SFTConfig, PushToHubCallback, ...
        if keyword.arg in _FOLDER_KEYWORDS:
            scope.written.append((keyword.value, call.lineno))
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _WRITERS:
        return
    target: ast.expr | None
    if dotted_name(func) in _SECOND_ARGUMENT_WRITERS:
        target = call.args[1] if len(call.args) > 1 else _keyword(call, "f")
    elif func.attr == "mkdir" and not call.args:
        target = func.value  # Path(p).mkdir(), p.mkdir(parents=True)
        if isinstance(target, ast.Call) and len(target.args) == 1:
            scope.written.append((target.args[0], call.lineno))
    else:
        target = call.args[0] if call.args else _first_keyword(call, ("path", "name"))
    if target is not None and not isinstance(target, ast.Starred):
        scope.written.append((target, call.lineno))


def written_before(expr: ast.expr, scope: Scope, line: int, same_value: Callable[[ast.expr, Scope], bool]) -> bool:
    """Whether ``expr`` names a folder the code wrote or made earlier in this scope or an enclosing one: the same
    expression as written, or one ``same_value`` says holds the same string (``output_dir=f"{name}-ft"``)."""
    key = None
    for owner in scope.lookup_chain():
        for target, first in owner.written:
            if owner is scope and first >= line:
                continue
            key = key or path_key(expr)
            if path_key(target) == key or same_value(target, owner):
                return True
    return False


def checked_local(expr: ast.expr, call: ast.Call, tree: ast.Module, is_path_call: PathCallTest) -> bool:
    """Whether the load ``call`` runs only when ``expr`` exists on the local file system."""
    key = path_key(expr)
    for container, statements, index in _statements_around(tree, call):
        if isinstance(container, ast.If):
            if statements is container.body and _asserts(container.test, key, is_path_call, positive=True):
                return True
            if statements is container.orelse and _asserts(container.test, key, is_path_call, positive=False):
                return True
        if any(_guards(statement, key, is_path_call) for statement in statements[:index]):
            return True
    return False


def _statements_around(tree: ast.Module, call: ast.Call) -> list[tuple[ast.AST, list[ast.stmt], int]]:
    """The statements that contain ``call``, outermost first, as (their parent, its statement list, index): found
    by descending through the blocks whose lines cover the call's, not by walking the whole tree."""
    line = call.lineno
    path: list[tuple[ast.AST, list[ast.stmt], int]] = []
    node: ast.AST = tree
    while True:
        for statements in _statement_lists(node):
            index = next((i for i, statement in enumerate(statements)
                          if statement.lineno <= line <= (statement.end_lineno or statement.lineno)), None)
            if index is not None:
                path.append((node, statements, index))
                node = statements[index]
                break
        else:
            return path


def _asserts(test: ast.expr, key: str, is_path_call: PathCallTest, *, positive: bool) -> bool:
    """``test`` being true (``positive``) or false implies that the path ``key`` exists."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _asserts(test.operand, key, is_path_call, positive=not positive)
    if isinstance(test, ast.BoolOp):
        conjunctive = isinstance(test.op, ast.And) == positive  # ``a and b`` true, or ``a or b`` false
        return conjunctive and any(_asserts(value, key, is_path_call, positive=positive) for value in test.values)
    return positive and isinstance(test, ast.Call) and _checks_path(test, key, is_path_call)


def _checks_path(call: ast.Call, key: str, is_path_call: PathCallTest) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name not in _CHECKS:
        return False
    if call.args:  # os.path.exists(p)
        return path_key(call.args[0]) == key and is_path_call(call)
    if isinstance(func, ast.Attribute):  # p.exists(), Path(p).is_dir()
        receiver = func.value
        if isinstance(receiver, ast.Call) and len(receiver.args) == 1 and is_path_call(receiver):
            receiver = receiver.args[0]
        return path_key(receiver) == key
    return False


def _guards(statement: ast.stmt, key: str, is_path_call: PathCallTest) -> bool:
    """``assert exists(p)``, ``if not exists(p): raise ...`` (with or without an ``else``), or ``if exists(p):
    ... else: raise ...``: any branch that leaves."""
    if isinstance(statement, ast.Assert):
        return _asserts(statement.test, key, is_path_call, positive=True)
    if isinstance(statement, ast.If):
        return (_leaves(statement.body) and _asserts(statement.test, key, is_path_call, positive=False)) or (
            _leaves(statement.orelse) and _asserts(statement.test, key, is_path_call, positive=True)
        )
    return False


def _leaves(statements: list[ast.stmt]) -> bool:
    """The block ends by leaving: raise, return, continue, break, or a call of sys.exit, exit or quit."""
    if not statements:
        return False
    last = statements[-1]
    return isinstance(last, _EXITS) or (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and dotted_name(last.value.func) in ("sys.exit", "exit", "quit")
    )


def _statement_lists(node: ast.AST) -> list[list[ast.stmt]]:
    lists = [value for name in ("body", "orelse", "finalbody") if isinstance(value := getattr(node, name, None), list)]
    for handler in getattr(node, "handlers", ()):  # try/except
        lists.append(handler.body)
    for case in getattr(node, "cases", ()):  # match
        lists.append(case.body)
    return lists


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def _first_keyword(call: ast.Call, names: tuple[str, ...]) -> ast.expr | None:
    return next((value for name in names if (value := _keyword(call, name)) is not None), None)
