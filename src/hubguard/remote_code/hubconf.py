"""torch.hub's ``hubconf.py`` ``dependencies``: read with ``ast``, never imported.

torch.hub imports ``hubconf.py`` (running it), then checks that each name in its module-level
``dependencies`` list can be imported; it installs nothing. A name that is also a top-level module of
the repository is satisfied by the repository itself, because the repository comes first on ``sys.path``.
"""

from __future__ import annotations

import ast

HUBCONF = "hubconf.py"
MAX_LISTED = 20
COMPUTED = "?"  # a dependencies value that is not a literal list of strings


def hubconf_dependencies(source: str) -> list[str] | None:
    """The names of the last module-level ``dependencies`` assignment, or None when there is none or the file
    does not parse. A value that is not a literal list of strings (computed at import time) gives ``["?"]``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found: list[str] | None = None
    for statement in tree.body:
        value = _assigned_value(statement)
        if value is not None:
            found = _literal_names(value)
    return found


def describe_dependencies(source: str) -> str | None:
    """A sentence for the report, or None when hubconf.py declares nothing."""
    names = hubconf_dependencies(source)
    if names is None:
        return None
    if names == [COMPUTED]:
        return "hubconf.py computes its dependencies at import time (torch.hub only checks they import)"
    if not names:
        return "hubconf.py declares no dependencies"
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED]) + (" ..." if len(names) > MAX_LISTED else "")
    return f"hubconf.py declares dependencies {listed} (torch.hub only checks they import; it installs nothing)"


def _literal_names(value: ast.expr) -> list[str]:
    items = value.elts if isinstance(value, ast.List | ast.Tuple) else None
    if items is None or not all(isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items):
        return [COMPUTED]
    return [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]


def _assigned_value(statement: ast.stmt) -> ast.expr | None:
    if isinstance(statement, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == "dependencies" for target in statement.targets
    ):
        return statement.value
    if (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.target.id == "dependencies"
        and statement.value is not None
    ):
        return statement.value
    return None
