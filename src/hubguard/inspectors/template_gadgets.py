"""Find Jinja2 sandbox-escape gadgets in chat templates (the llama-cpp-python CVE-2024-34359 class).

A chat template is code: rendered by a plain ``jinja2.Environment`` (as llama-cpp-python did) it
can walk ``''.__class__.__mro__[1].__subclasses__()`` to ``os.popen``. Real chat templates loop over
messages and format strings; they never touch dunder attributes. So the check looks inside the
template's ``{{ }}`` and ``{% %}`` blocks only (text outside them is printed, never evaluated), after
undoing the usual disguises: escaped characters and string literals glued back together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\([0-7]{1,3})")
_GLUE = re.compile(r"""['"]\s*(?:[~+,]\s*)?['"]""")  # 'a' ~ 'b', 'a' + 'b', 'a' 'b', ['a', 'b']|join
_GADGETS = re.compile(
    r"__\w+__"  # __class__, __mro__, __subclasses__, __globals__, __builtins__, __init__, __import__ ...
    r"|\battr\s*\("  # |attr('...'): attribute access by computed name
    r"|\b(?:popen|subprocess|import_module|getattr|from_pyfile)\b"
    r"|\bos\s*\.\s*(?:system|popen|exec\w*|spawn\w*)\b"
    r"|\b(?:eval|exec|compile)\s*\("
    r"|\bsys\s*\.\s*modules\b"
)
_QUOTE_LIMIT = 160


@dataclass(frozen=True)
class Gadget:
    found: str  # the gadget as it reads after undoing disguises, e.g. "__subclasses__"
    block: str  # the template block it is in, quoted (shortened)


def find_gadget(template: str) -> Gadget | None:
    for match in _BLOCK.finditer(template):
        block = match.group(0)
        found = _GADGETS.search(_undisguised(block))
        if found:
            return Gadget(found.group(0), _shortened(block))
    return None


def _undisguised(block: str) -> str:
    unescaped = _ESCAPE.sub(lambda match: chr(int(next(g for g in match.groups() if g), 8 if match.group(4) else 16)), block)
    return _GLUE.sub("", unescaped)


def _shortened(block: str) -> str:
    flat = " ".join(block.split())
    return flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 3] + "..."
