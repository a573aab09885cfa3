"""Reading files to analyse: decoding, binary detection, notebooks, and the byte-level prefilter."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from hubguard.static.notebook import NotebookError, NotebookSource, read_notebook

MAX_SOURCE_BYTES = 8 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024

_PYTHON_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def python_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer counts them (with their endings); str.splitlines also splits on
    form feeds and other separators, which would shift every later line number."""
    return _PYTHON_LINE.findall(text)


class UnreadableSource(Exception):
    """The file cannot be analysed; the message says why in words a user can act on."""


@dataclass
class Source:
    text: str
    notebook: NotebookSource | None = None


def read_source(path: Path, data: bytes) -> Source:
    if path.suffix == ".ipynb":
        return _read_notebook(data)
    if len(data) > MAX_SOURCE_BYTES:
        raise UnreadableSource(f"file is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB; not analysed")
    if b"\x00" in data:
        raise UnreadableSource("binary file (contains NUL bytes); not analysed")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return Source(data.decode(encoding))
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise UnreadableSource(f"cannot decode the file as Python source: {error}") from None


def _read_notebook(data: bytes) -> Source:
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise UnreadableSource(f"notebook is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MiB; not analysed")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableSource(f"notebook is not valid UTF-8: {error}") from None
    try:
        notebook = read_notebook(raw)
    except NotebookError as error:
        raise UnreadableSource(f"broken notebook: {error}") from None
    return Source(notebook.code, notebook)
