"""Lines as Python counts them."""

from __future__ import annotations

import re

_PYTHON_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def python_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer counts them (with their endings); str.splitlines also splits on
    form feeds and other separators, which would shift every later line number."""
    return _PYTHON_LINE.findall(text)
