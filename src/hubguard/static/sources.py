"""Reading files to analyse: decoding, binary detection, notebooks, and the byte-level prefilter."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubguard.static.notebook import NotebookSource


class UnreadableSource(Exception):
    """The file cannot be analysed; the message says why in words a user can act on."""


@dataclass
class Source:
    text: str
    notebook: NotebookSource | None = None


def read_source(relative: str, data: bytes) -> Source:
    if relative.endswith(".ipynb"):
        return _read_notebook(data)
    if b"\x00" in data:
        raise UnreadableSource("binary file (contains NUL bytes); not analysed")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return Source(data.decode(encoding))
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise UnreadableSource(f"cannot decode the file as Python source: {error}") from None


def _read_notebook(data: bytes) -> Source:
    from hubguard.static.notebook import NotebookError, read_notebook  # JSON positions: notebooks only

    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableSource(f"notebook is not valid UTF-8: {error}") from None
    try:
        notebook = read_notebook(raw)
    except NotebookError as error:
        raise UnreadableSource(f"broken notebook: {error}") from None
    return Source(notebook.code, notebook)
