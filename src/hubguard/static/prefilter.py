"""Cheap tests that keep most files away from the analysis.

1. Bytes: a file that mentions no sink module and no risky keyword cannot contain a sink.
2. Text: some call must end with a sink's final name (``.from_pretrained(``), or call a name imported from
   a sink module or assigned from one (``tload(``), or the file must spell a risky keyword
   (``trust_remote_code``). Before the analysis this test skips string literals and comments (f-strings are
   kept: they hold code; a string that is exactly a risky keyword counts, it may be a ``**{...}`` key), so a
   file that only mentions ``from_pretrained(`` or ``trust_remote_code`` in docstrings is not parsed.
3. ``ast``: the same test on real calls, so docstrings full of ``from_pretrained(`` do not count (made on the
   calls and bindings the analysis's walk collects, before any call is resolved).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hubguard.static.catalogue import GENERIC_KEYWORD_CHECKS, SINK_ROOT_MODULES, SINKS

_RISKY_KEYWORDS = frozenset(GENERIC_KEYWORD_CHECKS) | {"custom_pipeline"}
_BYTES = re.compile(
    rb"\b(?:" + b"|".join(re.escape(name.encode()) for name in sorted(SINK_ROOT_MODULES | _RISKY_KEYWORDS)) + rb")\b"
)
_LEAVES = frozenset(pattern.rsplit(".", 1)[-1] for sink in SINKS for pattern in sink.names)
_LEAF_PATTERN = "|".join(re.escape(leaf).replace(r"\*", r"\w*") for leaf in sorted(_LEAVES))
_ATTRIBUTE_CALL = re.compile(rf"\.\s*(?:{_LEAF_PATTERN})\s*\(")
_LEAF = re.compile(rf"(?:{_LEAF_PATTERN})\Z")
_RISKY = re.compile(r"\b(?:" + "|".join(sorted(_RISKY_KEYWORDS)) + r")\b")
_RISKY_STRING = re.compile(r"""(?P<q>["'])(?:""" + "|".join(sorted(_RISKY_KEYWORDS)) + r")(?P=q)")  # a dict key
# Each of these starts with a literal (which the regex engine finds fast) and is kept only where what comes
# before it on its line is indentation: ``^[ \t]*from ...`` tried at every position costs several times more.
_FROM_IMPORT = re.compile(r"from[ \t]+([\w.]+)[ \t]+import[ \t]*(\([^)]*\)|[^\n#\\]*(?:\\\n[^\n#\\]*)*)")
_ALIAS = re.compile(r"(\w+)(?:\s+as\s+(\w+))?")
# ``= torch.load``, ``= HfApi().snapshot_download``, ``= HfApi(token=t).hf_hub_download``: names and attributes,
# calls one bracket deep
_ASSIGNED_VALUE = re.compile(r"=[ \t]*([A-Za-z_][\w.]*(?:\([^()\n]*\)[\w.]*)*)[ \t]*(?:#[^\n]*)?$", re.M)
_ASSIGNED_TARGET = re.compile(r"[ \t]*(\w+)[ \t]*")
# String literals and comments, to be dropped before looking for call sites; f-strings are kept (see _code).
_STRINGS_AND_COMMENTS = re.compile(
    r'''"""(?:\\.|[^\\])*?"""|\'\'\'(?:\\.|[^\\])*?\'\'\'|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\#[^\n]*''', re.S
)
# To Python a lone carriage return ends a line (old Mac files) and a form feed is a space; the patterns here
# know only "\n", and spaces and tabs.
_LONE_CARRIAGE_RETURN = re.compile(r"\r(?!\n)")


def might_contain_sinks(data: bytes) -> bool:
    return _BYTES.search(data) is not None


def _line_starts(text: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` that begin a line (after indentation). One that does not is no match at all:
    the search goes on from its next character, so it cannot swallow a real one (``"from a import (`` in a
    string must not hide the imports below it)."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        start = match.start()
        if text[text.rfind("\n", 0, start) + 1 : start].strip(" \t"):
            position = start + 1
        else:
            yield match
            position = match.end()


def _assigned_references(text: str) -> Iterator[tuple[str, str]]:
    """(target, value) of each line ``target = dotted.name``."""
    for match in _ASSIGNED_VALUE.finditer(text):
        start = match.start()
        target = _ASSIGNED_TARGET.fullmatch(text, text.rfind("\n", 0, start) + 1, start)
        if target is not None:
            yield target[1], match[1]


def _names_from_sink_modules(text: str) -> set[str]:
    """Names a call through which could reach a sink: imported from a sink module under a sink's final name
    (``from torch import load as tload``), assigned an attribute of that name (``tload = torch.load``,
    ``download = HfApi().snapshot_download``, whatever it is taken from), or assigned such a name
    (``fn = tload``), a few assignments deep."""
    names: set[str] = set()
    for module, imported in (match.groups() for match in _line_starts(text, _FROM_IMPORT)):
        if module.split(".")[0] in SINK_ROOT_MODULES:
            names.update(alias or name for name, alias in _ALIAS.findall(imported) if _LEAF.match(name))
    references = [(target, value, value.rpartition(".")[2]) for target, value in _assigned_references(text)]
    for _ in range(3):
        names.update(target for target, value, last in references
                     if value in names or ("." in value and _LEAF.match(last)))
    return names


def _spells_risky_keyword(text: str) -> bool:
    return any(keyword in text for keyword in _RISKY_KEYWORDS) and _RISKY.search(text) is not None


def _code(text: str) -> str:
    """``text`` without string literals and comments, f-strings kept (their braces hold code). Only decides
    whether to parse; a quote this misreads keeps more text, never less code."""

    def blank(match: re.Match[str]) -> str:
        start = match.start()
        keep = match.group()[0] != "#" and "f" in text[max(0, start - 2) : start].lower()  # f, rf, fr, Rb...
        return match.group() if keep else ""

    return _STRINGS_AND_COMMENTS.sub(blank, text)


@dataclass(frozen=True)
class TextHints:
    """What stage 2 read from the text, reused by stage 3."""

    spells_risky_keyword: bool


def screen_text(text: str, *, code_only: bool = False) -> TextHints | None:
    """Stage 2: None when no textual call site could be a sink. ``code_only``: call sites and risky keywords
    in string literals and comments do not count, except a string that is exactly a risky keyword (it may be a
    ``**{...}`` key)."""
    if "\r" in text or "\f" in text:
        text = _LONE_CARRIAGE_RETURN.sub("\n", text).replace("\f", " ")
    hints = TextHints(_spells_risky_keyword(text))
    if not code_only and hints.spells_risky_keyword:
        return hints
    calls = _code(text) if code_only else text
    if code_only and hints.spells_risky_keyword and (_RISKY.search(calls) or _RISKY_STRING.search(text)):
        return hints
    if _ATTRIBUTE_CALL.search(calls):
        return hints
    names = _names_from_sink_modules(text)  # the costliest test, last
    if names and re.search(r"\b(?:" + "|".join(map(re.escape, names)) + r")\s*\(", calls):
        return hints
    return None


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _bound_names(nodes: list[ast.stmt]) -> tuple[set[str], set[str]]:
    """Names bound to any import, and those bound to a sink module's; both with simple aliases
    (``Model = AutoModel``, ``api = HfApi()``, ``tload = torch.load``)."""
    imported: set[str] = set()
    from_sinks: set[str] = set()
    aliases: list[tuple[str, str | None]] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imported.add(local)
                if alias.name.split(".")[0] in SINK_ROOT_MODULES:
                    from_sinks.add(local)
        elif isinstance(node, ast.ImportFrom):
            locals_ = {alias.asname or alias.name for alias in node.names}
            imported |= locals_
            if node.module and not node.level and node.module.split(".")[0] in SINK_ROOT_MODULES:
                from_sinks |= locals_
        elif isinstance(node, ast.Assign):
            root = _root_name(node.value)
            aliases.extend((target.id, root) for target in node.targets if isinstance(target, ast.Name))
    for _ in range(3):  # short alias chains
        imported.update(name for name, root in aliases if root in imported)
        from_sinks.update(name for name, root in aliases if root in from_sinks)
    return imported, from_sinks


def has_candidate_calls(calls: list[ast.Call], bindings: list[ast.stmt], hints: TextHints) -> bool:
    """Stage 3: whether some real call (not one in a docstring) could be a sink. ``bindings``: the module's
    imports and assignments; both lists come from the analysis's own walk of the tree."""
    imported, from_sinks = _bound_names(bindings)
    for call in calls:
        func = call.func
        if (
            (hints.spells_risky_keyword and any(k.arg is None or k.arg in _RISKY_KEYWORDS for k in call.keywords))
            or (isinstance(func, ast.Name) and func.id in from_sinks)
            or (isinstance(func, ast.Attribute) and _LEAF.match(func.attr) and _root_name(func) in imported)
        ):
            return True
    return False
