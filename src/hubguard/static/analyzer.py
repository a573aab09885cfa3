"""Analyse one parsed module: find candidate calls, resolve them, run the catalogue's checks."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from hubguard.findings import HubReference, Location, Region
from hubguard.revisions import classify_revision
from hubguard.static.bindings import BindingCollector, Scope, dotted_name
from hubguard.static.calls import BoundArg, CallContext, looks_local
from hubguard.static.catalogue import GENERIC_KEYWORD_CHECKS, SINK_ROOT_MODULES, Sink, find_sink
from hubguard.static.checks import CHECKS, Hit
from hubguard.static.local_paths import record_written
from hubguard.static.positions import SourceText, Span
from hubguard.static.prefilter import TextHints, has_candidate_calls
from hubguard.static.tree_constants import Imported
from hubguard.static.values import Known, Resolver


@dataclass
class CallHit:
    hit: Hit
    call_range: Span
    anchor_range: Span


@dataclass
class ModuleAnalysis:
    hits: list[CallHit]
    references: list[tuple[HubReference, Span]]  # with the range of the callee, a tight one-line anchor
    errors: list[tuple[Exception, Span]]  # calls whose analysis failed (a bug), with their range


class _CandidateCollector(BindingCollector):
    """Collects every call whose callee is a plain name or attribute chain, with its scope.

    Whether it is a sink is decided after the walk, when every import and binding of the module is known.
    """

    def __init__(self, source: SourceText, tree_constants: Imported | None) -> None:
        super().__init__(tree_constants)
        self.source = source
        self.calls: list[tuple[ast.Call, Scope]] = []
        self.bindings: list[ast.stmt] = []  # imports and assignments, for the prefilter's last stage

    def visit_Import(self, node: ast.Import, scope: Scope) -> list[ast.AST]:
        self.bindings.append(node)
        return super().visit_Import(node, scope)

    def visit_ImportFrom(self, node: ast.ImportFrom, scope: Scope) -> list[ast.AST]:
        self.bindings.append(node)
        return super().visit_ImportFrom(node, scope)

    def visit_Assign(self, node: ast.Assign, scope: Scope) -> None:
        self.bindings.append(node)
        super().visit_Assign(node, scope)

    def visit_Call(self, node: ast.Call, scope: Scope) -> None:
        if isinstance(node.func, (ast.Name, ast.Attribute)) or node.args or node.keywords:
            self.calls.append((node, scope))
        record_written(node, scope)
        if len(node.args) == 1 and not node.keywords:
            self.source.claimed.add(id(node.args[0]))


def analyze_module(tree: ast.Module, text: str, hints: TextHints, tree_constants: Imported | None = None) -> ModuleAnalysis:
    """``text``: what ``tree`` was parsed from; ``hints``: what the prefilter read in it; ``tree_constants``: what
    it imports from other modules of the scanned tree."""
    source = SourceText(text, tree)
    collector = _CandidateCollector(source, tree_constants)
    collector.walk(tree)
    if not has_candidate_calls([call for call, _ in collector.calls], collector.bindings, hints):
        return ModuleAnalysis([], [], [])
    resolver = Resolver(source)
    pending: list[tuple[ast.Call, Hit]] = []
    pending_refs: list[tuple[ast.Call, HubReference]] = []
    failed: list[tuple[ast.Call, Exception]] = []
    for call, scope in collector.calls:
        try:
            ctx = _context(call, scope, resolver)
            if ctx is None:
                continue
            hits = _run_checks(ctx)
            references = _references(ctx)
        except Exception as error:  # one call's bug must not hide the other calls' findings
            failed.append((call, error))
            continue
        pending.extend((call, hit) for hit in hits)
        pending_refs.extend((call, reference) for reference in references)
    if not pending and not pending_refs and not failed:
        return ModuleAnalysis([], [], [])
    call_hits = [CallHit(hit, source.span(call), source.span(hit.anchor or call)) for call, hit in pending]
    spanned = [(reference, source.span(call.func)) for call, reference in pending_refs]
    errors = [(error, source.span(call)) for call, error in failed]
    return ModuleAnalysis(call_hits, spanned, errors)


def _context(call: ast.Call, scope: Scope, resolver: Resolver) -> CallContext | None:
    """The call resolved against the catalogue; an unknown callee still gets the generic keyword checks."""
    names = resolver.qualified_names(call.func, scope)
    for name in names:
        if name.split(".", 1)[0] in SINK_ROOT_MODULES:
            sink = find_sink(name)
            if sink is not None:
                return CallContext(call, scope, resolver, name, sink)
    if dotted_name(call.func) == "dict" and scope.binding_scope("dict") is None:
        return None  # dict(trust_remote_code=True) is a value; the call it is passed to is judged
    if any(keyword.arg is None or keyword.arg in GENERIC_KEYWORD_CHECKS for keyword in call.keywords):
        return CallContext(call, scope, resolver, "", None)  # no sink: nothing reads its qualified name
    return None


def _run_checks(ctx: CallContext) -> list[Hit]:
    sink: Sink | None = ctx.sink
    names = list(sink.checks) if sink else []
    for keyword, check_name in GENERIC_KEYWORD_CHECKS.items():
        if check_name not in names and ctx.keyword(keyword) is not None:
            names.append(check_name)
    hits: list[Hit] = []
    for name in names:
        hits.extend(CHECKS[name](ctx))
    sink_id = sink.id if sink else "generic"
    repo_id = ctx.repo.repo_id if ctx.repo else None
    for hit in hits:
        hit.properties.setdefault("sink", sink_id)
        if repo_id:
            hit.properties.setdefault("repoId", repo_id)
    return hits


def _references(ctx: CallContext) -> list[HubReference]:
    """The call's hub reference, and the hub files its arguments name by URL (``hf://``, ``/resolve/<rev>/``)."""
    references = [
        HubReference(
            hub="huggingface",
            repo_type=url.repo_type,
            repo_id=url.repo_id,
            revision=url.revision,
            revision_state=classify_revision(url.revision),
            location=Location(""),
            sink=ctx.sink.id if ctx.sink else "",
            runs_remote_code=False,
            loads_weights=False,
        )
        for _, url in ctx.hub_urls
    ]
    reference = _reference(ctx)
    return [*references, reference] if reference is not None else references


def _reference(ctx: CallContext) -> HubReference | None:
    sink = ctx.sink
    repo = ctx.repo
    if sink is None:
        return _generate_reference(ctx)
    target = ctx.target
    if repo is None or target is None:
        return None
    hub, repo_type, repo_id = target
    custom_pipeline = _hub_repo(ctx.keyword("custom_pipeline")) if "custom_pipeline" in sink.checks else None
    return HubReference(
        hub=hub,
        repo_type=repo_type,
        repo_id=repo_id,
        revision=repo.revision,
        revision_state=repo.revision_state,
        location=Location(""),  # filled in by the caller, which knows the file
        sink=sink.id,
        runs_remote_code=ctx.runs_remote_code,
        loads_weights=sink.loads_weights,
        # ModelScope fetches cross-repository code at master whatever code_revision says.
        code_revision=None if sink.hub == "modelscope" else _literal_string(ctx.keyword("code_revision")),
        imports_repo_code=sink.imports_repo_code,
        custom_pipeline=custom_pipeline,
        custom_revision=_literal_string(ctx.keyword("custom_revision")) if custom_pipeline else None,
    )


def _generate_reference(ctx: CallContext) -> HubReference | None:
    """``model.generate(custom_generate="org/repo", trust_remote_code=True)`` runs that repository's
    custom_generate/generate.py at ``revision``: a reference to that code alone."""
    repo_id = _hub_repo(ctx.keyword("custom_generate"))
    if repo_id is None or ctx.trust_enabled is False:
        return None
    revision = _literal_string(ctx.keyword("revision"))
    return HubReference(
        hub="huggingface",
        repo_type="model",
        repo_id=repo_id,
        revision=revision,
        revision_state=classify_revision(revision),
        location=Location(""),
        sink="custom_generate",
        runs_remote_code=True,
        loads_weights=False,
        custom_generate=repo_id,
    )


def _hub_repo(bound: BoundArg | None) -> str | None:
    """A literal ``org/name`` naming a hub repository (not a local path, not a bare community name)."""
    value = _literal_string(bound)
    return value if value is not None and "/" in value and not looks_local(value) else None


def _literal_string(bound: BoundArg | None) -> str | None:
    if bound is not None and isinstance(bound.value, Known) and isinstance(bound.value.value, str):
        return bound.value.value
    return None


def region_of(span: Span) -> Region:
    return Region(span.start_line, span.start_column + 1, span.end_line, span.end_column + 1)
