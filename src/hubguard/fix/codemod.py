"""Plan the edits for one file's fix requests and apply them with a LibCST transformer.

Planning checks each request against the call found at the recorded position; anything that does
not match what the scan saw, or could change meaning, is skipped with a reason instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from hubguard.fix.args import (
    add_comment,
    append_keyword,
    closes_on_own_line,
    has_star_kwargs,
    keyword_arg,
    plain_string_parts,
    preferred_quote,
    replace_arg_value,
    with_body,
)
from hubguard.fix.requests import FixKind, FixRequest

CallEdit = Callable[[cst.Call], cst.Call]
HF_HUB_PREFIX = "hf-hub:"
GITHUB_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+")


@dataclass
class EditPlan:
    call_edits: dict[cst.Call, list[CallEdit]] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)  # line -> comments to append there
    applied: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Edit:
    target: tuple[int, str]  # (id of the call, what it changes): two edits may not share a target
    edit: CallEdit
    comment_line: int | None
    comment: str | None
    summary: str


def plan_edits(wrapper: MetadataWrapper, requests: list[FixRequest]) -> EditPlan:
    positions = wrapper.resolve(PositionProvider)
    calls_by_start: dict[tuple[int, int], list[cst.Call]] = {}
    for node, code_range in positions.items():
        if isinstance(node, cst.Call):
            calls_by_start.setdefault((code_range.start.line, code_range.start.column), []).append(node)

    plan = EditPlan()
    planned: dict[tuple[int, str], tuple[FixRequest, _Edit]] = {}
    conflicts: set[tuple[int, str]] = set()
    for request in requests:
        candidates = calls_by_start.get((request.line, request.column - 1), [])
        call = _pick_call(candidates, positions)
        if call is None:
            plan.skipped.append((request.label, "no call at the recorded position (file changed since the scan?)"))
            continue
        result = _plan_one(request, call, positions)
        if isinstance(result, str):
            plan.skipped.append((request.label, result))
        elif result.target in planned:
            if planned[result.target][1].summary != result.summary:
                conflicts.add(result.target)
            plan.skipped.append((request.label, f"same call as {planned[result.target][0].label}"))
        else:
            planned[result.target] = (request, result)

    calls = {id(call): call for group in calls_by_start.values() for call in group}
    for target, (request, edit) in planned.items():
        if target in conflicts:
            plan.skipped.append((request.label, "findings on this call ask for different edits; fix it by hand"))
            continue
        plan.call_edits.setdefault(calls[target[0]], []).append(edit.edit)
        if edit.comment_line is not None and edit.comment is not None:
            plan.comments.setdefault(edit.comment_line, []).append(edit.comment)
        note = f" ({request.note})" if request.note else ""
        plan.applied.append(f"{request.label}: {edit.summary}{note}")
    return plan


class CallFixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, plan: EditPlan) -> None:
        super().__init__()
        self._plan = plan

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        for edit in self._plan.call_edits.get(original_node, ()):
            updated_node = edit(updated_node)
        return updated_node

    def leave_TrailingWhitespace(
        self, original_node: cst.TrailingWhitespace, updated_node: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        line = self.get_metadata(PositionProvider, original_node).start.line
        comments = self._plan.comments.pop(line, None)
        if comments:
            updated_node = add_comment(updated_node, "  ".join(dict.fromkeys(comments)))
        return updated_node


def _pick_call(candidates: list[cst.Call], positions: Mapping[cst.CSTNode, CodeRange]) -> cst.Call | None:
    """The call at the recorded start; for chained calls sharing a start (``f(x).to(d)``), the innermost."""
    if not candidates:
        return None
    return min(candidates, key=lambda call: (positions[call].end.line, positions[call].end.column))


def _plan_one(request: FixRequest, call: cst.Call, positions: Mapping[cst.CSTNode, CodeRange]) -> _Edit | str:
    if request.kind is FixKind.WEIGHTS_ONLY:
        return _plan_weights_only(call)
    if request.kind is FixKind.REVISION_KEYWORD:
        return _plan_revision_keyword(request, call, positions)
    return _plan_revision_suffix(request, call, positions)


def _was(requested: str | None) -> str:
    return f"# was: {requested if requested is not None else 'default branch'}"


def _plan_revision_keyword(
    request: FixRequest, call: cst.Call, positions: Mapping[cst.CSTNode, CodeRange]
) -> _Edit | str:
    keyword, resolved, requested = request.revision_keyword, request.resolved_revision, request.requested_revision
    assert keyword is not None and resolved is not None
    comment = _was(requested)
    summary = f"{keyword}={resolved} ({comment[2:]})"
    existing = keyword_arg(call, keyword)
    if existing is not None:
        parts = plain_string_parts(existing.value)
        if parts is None:
            return f"{keyword} is not a plain string literal"
        if parts[2] != requested:
            return f"{keyword} is {parts[2]!r} but the scan saw {requested!r} (file changed since the scan?)"
        literal = existing.value
        assert isinstance(literal, cst.SimpleString)

        def replace(updated: cst.Call) -> cst.Call:
            arg = keyword_arg(updated, keyword)
            assert arg is not None
            return replace_arg_value(updated, arg, with_body(literal, resolved))

        value_line = positions[existing.value].end.line
        return _Edit((id(call), f"kw:{keyword}"), replace, value_line, comment, summary)
    if requested is not None or request.revision_arg_present:
        return "the revision is passed positionally; pin it by hand"
    if has_star_kwargs(call):
        return f"the call passes **kwargs, which may already set {keyword}"
    own_line = closes_on_own_line(call)
    value = cst.SimpleString(f"{preferred_quote(call)}{resolved}{preferred_quote(call)}")

    def add(updated: cst.Call) -> cst.Call:
        return append_keyword(updated, keyword, value, comment if own_line else None)

    call_end_line = None if own_line else positions[call].end.line
    return _Edit((id(call), f"kw:{keyword}"), add, call_end_line, comment, summary)


def _plan_revision_suffix(
    request: FixRequest, call: cst.Call, positions: Mapping[cst.CSTNode, CodeRange]
) -> _Edit | str:
    resolved, requested = request.resolved_revision, request.requested_revision
    assert resolved is not None
    repo_arg = _repo_arg(call, request.kind)
    if repo_arg is None:
        return "the repository argument is not a plain string literal"
    literal = repo_arg.value
    parts = plain_string_parts(literal)
    assert parts is not None and isinstance(literal, cst.SimpleString)
    body = parts[2]
    if request.kind is FixKind.HF_HUB_SUFFIX:
        repo, separator, current = body[len(HF_HUB_PREFIX) :].partition("@")
        new_body = f"{HF_HUB_PREFIX}{repo}@{resolved}"
    else:
        repo, separator, current = body.partition(":")
        new_body = f"{repo}:{resolved}"
        if not GITHUB_REPO.fullmatch(repo):
            return f"{body!r} does not look like owner/repo"
    if (current if separator else None) != requested:
        return f"the reference is {body!r} but the scan saw revision {requested!r} (file changed since the scan?)"
    comment = _was(requested)

    def replace(updated: cst.Call) -> cst.Call:
        arg = _repo_arg(updated, request.kind)
        assert arg is not None
        return replace_arg_value(updated, arg, with_body(literal, new_body))

    line = positions[literal].end.line
    return _Edit((id(call), "repo"), replace, line, comment, f"{new_body!r} ({comment[2:]})")


def _repo_arg(call: cst.Call, kind: FixKind) -> cst.Arg | None:
    """The argument holding the repository reference, if it is a plain string literal."""
    if kind is FixKind.HF_HUB_SUFFIX:
        for arg in call.args:
            parts = None if arg.star else plain_string_parts(arg.value)
            if parts is not None and parts[2].startswith(HF_HUB_PREFIX):
                return arg
        return None
    first = call.args[0] if call.args else None
    positional = first is not None and first.keyword is None and not first.star
    repo = first if positional else keyword_arg(call, "repo_or_dir")
    if repo is None or plain_string_parts(repo.value) is None:
        return None
    return repo


def _plan_weights_only(call: cst.Call) -> _Edit | str:
    if keyword_arg(call, "weights_only") is not None:
        return "weights_only is already set explicitly; changing it needs a review of what the file holds"
    if keyword_arg(call, "pickle_module") is not None:
        return "the call passes pickle_module, which weights_only=True does not allow"
    if has_star_kwargs(call):
        return "the call passes **kwargs, which may already set weights_only"

    def add(updated: cst.Call) -> cst.Call:
        return append_keyword(updated, "weights_only", cst.Name("True"), None)

    return _Edit((id(call), "kw:weights_only"), add, None, None, "weights_only=True")
