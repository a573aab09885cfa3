"""Notebook shell lines (``!lm_eval ... --model_args pretrained=org/m,trust_remote_code=True``): the lm-eval
command line loads the model ``pretrained=`` names, with remote code when the model arguments enable it.

Only the lm-eval CLI is read here; every other ``!``/``%`` line is masked out of the Python (notebook.py).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from hubguard.findings import Level, RevisionState
from hubguard.revisions import classify_revision
from hubguard.static.calls import looks_local, parse_key_values
from hubguard.static.checks import pin_level
from hubguard.static.lines import python_lines
from hubguard.static.values import Known

_SHELL_LINE = re.compile(r"^\s*(?:\w+\s*=\s*)?!")
# the CLI (``\lm_eval``: bash's way past an alias), or python -m lm_eval
_LM_EVAL = re.compile(r"(?:^|[\s/!\\])(?:lm_eval|lm-eval)\b")
_MODEL_ARGS = re.compile(r"--model_args(?:=|\s+)")


@dataclass(frozen=True)
class ShellHit:
    rule_id: str
    level: Level
    message: str
    line: int  # 1-based line of the cell
    column: int  # 0-based
    length: int
    properties: dict[str, object]


def lm_eval_hits(cell_text: str) -> Iterator[ShellHit]:
    """Findings for the lm-eval commands in one cell's shell lines (joined over ``\\`` continuations)."""
    lines = python_lines(cell_text)
    number = 0
    while number < len(lines):
        start = number
        content = lines[number].rstrip("\r\n")
        while content.endswith("\\") and number + 1 < len(lines):
            number += 1
            content = lines[number].rstrip("\r\n")
        number += 1
        if not _SHELL_LINE.match(lines[start]):
            continue
        command = " ".join(lines[k].rstrip("\r\n\\") for k in range(start, number))
        if _LM_EVAL.search(command):
            for line in range(start, number):
                following = lines[line + 1] if line + 1 < number else None
                yield from _model_args_hits(lines[line], line + 1, following)


def _model_args_hits(physical: str, line_number: int, following: str | None) -> Iterator[ShellHit]:
    """``following``: the next line of the same command, where ``--model_args \\`` leaves its value."""
    match = _MODEL_ARGS.search(physical)
    if match is None:
        return
    column, option, written = match.start(), match.end() - match.start(), physical[match.end():]
    if written.strip() == "\\" and following is not None:  # the region is then the value on its own line
        column = len(following) - len(following.lstrip())
        line_number, option, written = line_number + 1, 0, following[column:]
    try:
        value = shlex.split(written, comments=False)[0]
    except (ValueError, IndexError):
        return
    options = parse_key_values(value)
    length = option + _word_length(written)
    model = options.get("pretrained")
    named = model.value if isinstance(model, Known) and isinstance(model.value, str) else None
    local = named is not None and looks_local(named)
    repo_id = None if named is None or local or "$" in named or "{" in named else named
    revision = options.get("revision")
    rev = revision.value if isinstance(revision, Known) and isinstance(revision.value, str) else None
    state = classify_revision(rev)
    trust = options.get("trust_remote_code")
    trusted = isinstance(trust, Known) and trust.value is True
    where = f"'{repo_id}'" if repo_id else f"the local folder {named}" if local else "the model it names"
    if trusted:
        pinned = repo_id is not None and state is RevisionState.PINNED
        yield ShellHit(
            "HG101",
            Level.WARNING if pinned else Level.ERROR,
            f"lm_eval --model_args sets trust_remote_code=True: Python files from {where} run on load with this "
            "process's privileges.",
            line_number, column, length, {"sink": "A1", **({"repoId": repo_id} if repo_id else {})},
        )
    if repo_id is not None and state is not RevisionState.PINNED:
        shown = f"at '{rev}', which is not a commit SHA" if rev else "without a revision, so at 'main'"
        yield ShellHit(
            "HG201",
            pin_level(state, trusted),
            f"lm_eval --model_args loads {where} {shown}: add revision=<commit sha> to --model_args.",
            line_number, column, length,
            {"sink": "A1", "repoId": repo_id, "revisionStyle": "unfixable", "requestedRevision": rev},
        )


def _word_length(text: str) -> int:
    """How many characters the first shell word of ``text`` takes as written, quotes and escapes included."""
    quote, index = "", 0
    while index < len(text) and (quote or not text[index].isspace()):
        character = text[index]
        if character == quote:
            quote = ""
        elif not quote and character in "'\"":
            quote = character
        elif character == "\\" and quote != "'":
            index += 1
        index += 1
    return min(index, len(text))
