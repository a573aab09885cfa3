"""One small function per check (Bandit-plugin style). Each reads a CallContext and yields Hits."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hubguard.findings import Level, RevisionState
from hubguard.revisions import classify_revision
from hubguard.static.catalogue import MODELSCOPE_PINS_COMMITS, UNPINNABLE_STYLES, URL_STYLES, Arg, Sink
from hubguard.static.calls import BoundArg, CallContext, RepoRef, describe_unknown, looks_local
from hubguard.static.values import Known, LocalPath


@dataclass
class Hit:
    rule_id: str
    level: Level
    message: str
    anchor: ast.AST | None  # what the region covers (None: the caller positions it, e.g. a notebook shell line)
    properties: dict[str, Any] = field(default_factory=dict)


Check = Callable[[CallContext], Iterator[Hit]]
CHECKS: dict[str, Check] = {}


def check(function: Check) -> Check:
    CHECKS[function.__name__] = function
    return function


def _anchor(ctx: CallContext, bound: BoundArg | None) -> ast.AST:
    """The argument that carries the value (the ``**`` spread or ``model_kwargs=`` it came through), else the callee."""
    return bound.node if bound is not None else ctx.call.func


def _repo_phrase(ctx: CallContext) -> str:
    repo = ctx.repo
    kind = ctx.sink.repo_type if ctx.sink else "model"
    if repo is not None and repo.repo_id:
        return f"the {kind} repository '{repo.repo_id}'"
    bound = ctx.repo_arg
    literal = bound.value.value if bound is not None and isinstance(bound.value, Known) else None
    if ctx.reads_local_folder or (isinstance(literal, str) and looks_local(literal)):
        return f"the local folder {_shown_argument(ctx, bound)}"
    return f"the {kind} repository"


def _shown_argument(ctx: CallContext, bound: BoundArg | None) -> str:
    """An argument as written in the call (the expression, not the value it may have)."""
    if bound is None:
        return "a run-time value"
    if isinstance(bound.value, Known) and isinstance(bound.value.value, str) and bound.value.via != "default":
        return repr(bound.value.value)  # a parameter's default is not what is loaded: its name is shown
    return ctx.resolver.source(bound.expression) if bound.at_call_site else describe_unknown(bound.value)


def _is_truthy_literal(bound: BoundArg) -> bool:
    return isinstance(bound.value, Known) and bool(bound.value.value)


def _is_dynamic(bound: BoundArg) -> bool:
    return not isinstance(bound.value, Known)


# --- HG101 / HG102: remote code ---------------------------------------------------------------
@check
def trust_remote_code(ctx: CallContext) -> Iterator[Hit]:
    bound = ctx.trust
    if bound is None:
        return
    enabled = ctx.trust_enabled
    where = _repo_phrase(ctx)
    pinned = _code_pinned(ctx)
    at_commit = " at the pinned commit (review that code)" if pinned else ""
    if enabled:
        via = "" if bound.at_call_site else " (passed through keyword arguments)"
        yield Hit(
            "HG101",
            Level.WARNING if pinned else Level.ERROR,
            f"{ctx.display_name} is called with trust_remote_code=True{via}: Python files from {where}{at_commit} "
            "run on load with this process's privileges.",
            _anchor(ctx, bound),
        )
    elif enabled is None:
        yield Hit(
            "HG101",
            Level.NOTE if pinned else Level.WARNING,
            f"{ctx.display_name} gets trust_remote_code={describe_unknown(bound.value)}, which may be enabled at "
            f"run time: then Python files from {where}{at_commit} run on load.",
            _anchor(ctx, bound),
        )


def _code_pinned(ctx: CallContext) -> bool:
    """The code trust_remote_code lets run is fixed: the repository at a commit SHA, and code_revision (the code of
    a cross-repository auto_map) not a mutable ref either (sinks.md 4.4: pinned + trust is one level lower)."""
    repo = ctx.repo
    if repo is None or repo.revision_state is not RevisionState.PINNED:
        return False
    code = ctx.keyword("code_revision")
    if code is None or (isinstance(code.value, Known) and code.value.value is None):
        return True
    return isinstance(code.value, Known) and isinstance(code.value.value, str) and (
        classify_revision(code.value.value) is RevisionState.PINNED
    )


@check
def implicit_remote_code(ctx: CallContext) -> Iterator[Hit]:
    yield Hit(
        "HG101",
        Level.WARNING,
        f"{ctx.display_name} loads transformers models with trust_remote_code=True when the saved architecture is "
        "not built in; set MLFLOW_ALLOW_MODEL_CODE_EXECUTION=false to refuse repository code.",
        ctx.call.func,
    )


@check
def modelscope_remote_code(ctx: CallContext) -> Iterator[Hit]:
    """ModelScope's Model/pipeline: owners it trusts by itself, and releases without a trust gate."""
    sink, repo = ctx.sink, ctx.repo
    if sink is None or ctx.trust_enabled is True:
        return  # trust_remote_code=True is reported as such
    owner = ctx.trusted_owner
    if owner is not None and repo is not None:
        yield Hit(
            "HG101",
            Level.WARNING,
            f"ModelScope trusts the '{owner}' namespace by itself: {ctx.display_name} loads '{repo.repo_id}' with "
            "trust_remote_code forced on, so its configuration.json plugins are pip-installed and every .py file "
            "of the repository is imported, whatever trust_remote_code says.",
            _anchor(ctx, ctx.repo_arg),
            {"trustedNamespace": owner},
        )
    if sink.trust_gate is None or owner is not None or ctx.trust_enabled is not False:
        return
    if repo is None or not repo.repo_id or repo.revision_state is RevisionState.PINNED:
        return  # a local folder or a run-time value; or a commit SHA, which only releases with the gate can load
    gate = _release(sink.trust_gate)
    yield Hit(
        "HG101",
        Level.NOTE,
        f"modelscope < {gate} has no trust_remote_code gate in {ctx.display_name}: with those releases a "
        "repository's configuration.json plugins and allow_remote install and import its code on load, whatever "
        f"trust_remote_code says. Require modelscope >= {gate}.",
        ctx.call.func,
        {"trustGateSince": gate},
    )


def _release(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


@check
def custom_pipeline(ctx: CallContext) -> Iterator[Hit]:
    bound = ctx.keyword("custom_pipeline")
    if bound is None:
        return
    value = bound.value
    if isinstance(value, LocalPath) or (isinstance(value, Known) and value.value is None):
        return
    if isinstance(value, Known) and isinstance(value.value, str):
        name = value.value
        if looks_local(name):
            return
        if "/" in name:
            pinned = _custom_revision_state(ctx) is RevisionState.PINNED
            message = (
                f"custom_pipeline='{name}' makes {ctx.display_name} download and run pipeline code from the hub "
                f"repository it names{' at the pinned commit' if pinned else ''} (diffusers < 0.38 does not ask "
                "for trust_remote_code)."
            )
            level = Level.WARNING if pinned else Level.ERROR
            # The code comes from the pipeline repository: allow-remote-code is judged against it.
            yield Hit("HG101", level, message, _anchor(ctx, bound), {"customPipeline": name, "repoId": name})
            yield from _custom_pipeline_revision(ctx, name, bound)
        else:
            message = (
                f"custom_pipeline='{name}' makes {ctx.display_name} run a community pipeline fetched from the "
                "diffusers community mirror at a mutable revision, with no trust_remote_code gate."
            )
            yield Hit("HG101", Level.WARNING, message, _anchor(ctx, bound), {"customPipeline": name})
        return
    yield Hit(
        "HG101",
        Level.WARNING,
        f"custom_pipeline={describe_unknown(value)} may name a hub repository whose pipeline code "
        f"{ctx.display_name} would run.",
        _anchor(ctx, bound),
    )


def _custom_revision_state(ctx: CallContext) -> RevisionState | None:
    """How custom_revision pins the pipeline code; None when it is a run-time value."""
    bound = ctx.keyword("custom_revision")
    if bound is None:
        return RevisionState.UNPINNED
    if not isinstance(bound.value, Known):
        return None
    revision = bound.value.value
    return classify_revision(revision if isinstance(revision, str) else None)


def _custom_pipeline_revision(ctx: CallContext, repo_id: str, pipeline: BoundArg) -> Iterator[Hit]:
    state = _custom_revision_state(ctx)
    if state is None or state is RevisionState.PINNED:
        return
    bound = ctx.keyword("custom_revision")
    revision = bound.value.value if bound and isinstance(bound.value, Known) else None
    shown = f"custom_revision='{revision}'" if revision else "no custom_revision"
    yield Hit(
        "HG201",
        pin_level(state, True),
        f"The custom pipeline code from '{repo_id}' is loaded with {shown}: pin custom_revision to a commit SHA.",
        _anchor(ctx, bound or pipeline),
        _code_revision_properties("custom_revision", revision if isinstance(revision, str) else None, repo_id),
    )


@check
def custom_generate(ctx: CallContext) -> Iterator[Hit]:
    """``model.generate(custom_generate="owner/repo")`` runs that repo's generate.py at its default branch."""
    bound = ctx.keyword("custom_generate")
    if bound is None or not isinstance(bound.value, Known) or not isinstance(bound.value.value, str):
        return
    repo_id = bound.value.value
    if looks_local(repo_id) or "/" not in repo_id:
        return
    revision = ctx.keyword("revision")
    if revision is not None and isinstance(revision.value, Known) and isinstance(revision.value.value, str):
        if classify_revision(revision.value.value) is RevisionState.PINNED:
            return
    yield Hit(
        "HG201",
        pin_level(RevisionState.UNPINNED, ctx.trust_enabled is not False),
        f"custom_generate='{repo_id}' makes {ctx.display_name} run custom_generate/generate.py from that repository "
        "at a mutable revision: pin revision to a commit SHA.",
        _anchor(ctx, bound),
        {"revisionStyle": "unfixable", "repoId": repo_id},
    )


@check
def torch_hub(ctx: CallContext) -> Iterator[Hit]:
    repo = ctx.repo
    if repo is None:
        return
    trust = ctx.keyword("trust_repo")
    target = f"'{repo.repo_id}'" if repo.repo_id else "the GitHub repository"
    if trust is not None and isinstance(trust.value, Known) and (trust.value.value is True or trust.value.value is None):
        shown = "True" if trust.value.value else "None"
        yield Hit(
            "HG102",
            Level.ERROR,
            f"{ctx.display_name} runs hubconf.py from {target} with trust_repo={shown}: the repository is trusted "
            "without asking, and its code runs on load.",
            _anchor(ctx, trust),
        )
    elif trust is not None and _is_dynamic(trust):
        yield Hit(
            "HG102",
            Level.WARNING,
            f"{ctx.display_name} runs hubconf.py from {target}; trust_repo={describe_unknown(trust.value)} may "
            "trust it without asking at run time.",
            _anchor(ctx, trust),
        )
    else:
        yield Hit(
            "HG102",
            Level.WARNING,
            f"{ctx.display_name} downloads {target} from GitHub and runs its hubconf.py (and everything it imports).",
            ctx.call.func,
        )


# --- HG201: unpinned revisions ----------------------------------------------------------------
@check
def unpinned_revision(ctx: CallContext) -> Iterator[Hit]:
    sink = ctx.sink
    repo = ctx.repo
    if sink is None or repo is None or repo.revision_state is RevisionState.PINNED:
        return
    remote_code = ctx.runs_remote_code
    name = f"'{repo.repo_id}'" if repo.repo_id else "the referenced repository"
    properties = _fix_properties(ctx)
    state = repo.revision_state
    if sink.revision_style in URL_STYLES:
        anchor = _anchor(ctx, repo.revision_arg) if repo.revision_arg else _anchor(ctx, ctx.repo_arg)
        yield Hit("HG201", *_content_pin(ctx, repo), anchor, properties)
        return
    if sink.revision_style == "ignored":
        level = Level.ERROR if remote_code else Level.WARNING
        message = (
            f"{ctx.display_name} ignores revision and always loads {name} at 'main': the code and weights that "
            "load tomorrow are not the ones reviewed today."
        )
    elif sink.revision_style == "unpinnable":
        level = Level.WARNING
        message = (
            f"{ctx.display_name} has no way to pin {name} to a revision: it always downloads the default branch. "
            "Download it at a commit SHA (snapshot_download(..., revision=<sha>)) and load the local copy."
        )
    elif state is RevisionState.UNKNOWN:
        level = Level.NOTE
        shown = describe_unknown(repo.revision_arg.value) if repo.revision_arg else "a run-time value"
        message = f"{ctx.display_name} loads {name} at revision {shown}, which is not known to be a commit SHA."
    elif repo.repo_id is None:
        level = Level.NOTE
        shown = _shown_argument(ctx, ctx.repo_arg)
        message = (
            f"{ctx.display_name} loads {shown} without a pinned revision: if that is a hub ID, it resolves to the "
            "mutable default branch."
        )
    else:
        level = pin_level(state, remote_code)
        message = _unpinned_message(ctx, name, repo.revision, state)
    anchor = _anchor(ctx, repo.revision_arg) if repo.revision_arg else _anchor(ctx, ctx.repo_arg)
    yield Hit("HG201", level, message, anchor, properties)


@check
def hub_url_revision(ctx: CallContext) -> Iterator[Hit]:
    """``hf://datasets/org/x@rev/...`` and ``https://huggingface.co/.../resolve/<rev>/...`` in a reader's path."""
    for bound, url in ctx.hub_urls:
        state = classify_revision(url.revision)
        if state is RevisionState.PINNED:
            continue
        at = f"at '{url.revision}', which is not a commit SHA" if url.revision else "without @<revision>, so at 'main'"
        pin = "@<commit sha>" if url.text.startswith("hf://") else "resolve/<commit sha>"
        yield Hit(
            "HG201",
            pin_level(state, False),
            f"{ctx.display_name} reads {url.text} from the {url.repo_type} repository '{url.repo_id}' {at}: the "
            f"files can change after review. Pin the commit in the URL ({pin}).",
            _anchor(ctx, bound),
            {"revisionStyle": "unfixable", "repoId": url.repo_id, "requestedRevision": url.revision,
             "hub": "huggingface", "repoType": url.repo_type},
        )


def _content_pin(ctx: CallContext, repo: RepoRef) -> tuple[Level, str]:
    """HG201 for a URL or checkpoint name: only a hash the loader checks pins what it loads."""
    style = ctx.sink.revision_style if ctx.sink else ""
    name, prefix, state = f"'{repo.repo_id}'", repo.revision, repo.revision_state
    runs_code = ctx.runs_remote_code  # a .py file fetched to be run
    full_hash = "-<sha256>.pth" if style == "url-check-hash" else "hash_prefix=<sha256>"
    if style == "checkpoint":
        message = (
            f"{ctx.display_name} loads {name} with no hash check (mmengine and mmcv never check one): the file "
            "behind it can change after review. Load a reviewed copy by path or by a URL with its full SHA-256."
        )
        return Level.WARNING, message
    if state is RevisionState.UNKNOWN:
        shown = describe_unknown(repo.revision_arg.value) if repo.revision_arg else "a run-time value"
        return Level.NOTE, f"{ctx.display_name} loads {name}; whether a hash check protects it depends on {shown}."
    if state is RevisionState.WEAK:
        message = (
            f"{ctx.display_name} checks only {len(prefix or '')} hex digits of the SHA-256 of {name} "
            f"({4 * len(prefix or '')} bits): a file with the same prefix can be crafted. Check the full hash "
            f"({full_hash})."
        )
        return pin_level(state, runs_code), message
    if prefix == "":
        consequence = "the empty hash prefix in its file name matches any file, so check_hash checks nothing"
    elif style == "url-check-hash":
        consequence = "without check_hash=True and a -<sha256 prefix>. in the file name, nothing checks the file"
    else:
        consequence = "without hash_prefix=, nothing checks the file"
    message = (
        f"{ctx.display_name} loads {name}: {consequence}, so whatever the server sends next is used. Pin the "
        f"reviewed file's SHA-256 ({full_hash})."
    )
    return pin_level(state, runs_code), message


def pin_level(state: RevisionState, remote_code: bool) -> Level:
    if state is RevisionState.WEAK:
        return Level.WARNING if remote_code else Level.NOTE
    return Level.ERROR if remote_code else Level.WARNING


def _unpinned_message(ctx: CallContext, name: str, revision: str | None, state: RevisionState) -> str:
    hub = {"modelscope": "ModelScope", "opencsg": "OpenCSG", "torchhub": "GitHub"}.get(
        ctx.sink.hub if ctx.sink else "", "the hub"
    )
    advice = _modelscope_pin_advice(ctx)
    if revision is None:
        default = "master" if ctx.sink and ctx.sink.hub == "modelscope" else "main"
        if ctx.sink and ctx.sink.hub == "torchhub":
            default = "main/master"
        return (
            f"{ctx.display_name} loads {name} from {hub} without a revision, so it follows the mutable "
            f"'{default}' branch: pin it to a commit SHA{advice}."
        )
    if state is RevisionState.WEAK:
        return (
            f"{ctx.display_name} loads {name} at '{revision}', a tag or short SHA that can be moved or is "
            f"ambiguous: pin the full 40-character commit SHA{advice}."
        )
    return f"{ctx.display_name} loads {name} at '{revision}', a mutable branch or ref: pin it to a commit SHA{advice}."


def _modelscope_pin_advice(ctx: CallContext) -> str:
    """What a ModelScope model loader accepts: modelscope < 1.38 refuses commit SHAs (branches and tags only)."""
    if not _modelscope_model(ctx.sink):
        return ""
    return (
        f" (modelscope >= {_release(MODELSCOPE_PINS_COMMITS)} loads a commit SHA; older releases accept only branch "
        "and tag names, so upgrade, or pin a release tag there)"
    )


def _modelscope_model(sink: Sink | None) -> bool:
    return sink is not None and sink.hub == "modelscope" and sink.repo_type == "model"


def _fix_properties(ctx: CallContext) -> dict[str, Any]:
    sink = ctx.sink
    repo = ctx.repo
    assert sink is not None and repo is not None
    style = sink.revision_style
    if style in UNPINNABLE_STYLES | URL_STYLES:
        style = "unfixable"
    repo_literal = _is_string_literal(ctx, ctx.repo_arg)
    revision_literal = _is_string_literal(ctx, repo.revision_arg)
    properties: dict[str, Any] = {
        "revisionStyle": style,
        "revisionArgPresent": repo.revision_arg is not None,
        "requestedRevision": repo.revision,
        "revisionArgIsLiteral": revision_literal,
        "repoArgIsLiteral": repo_literal,
        "hub": sink.hub,
        "repoType": sink.repo_type,
    }
    if repo.repo_id:
        properties["repoId"] = repo.repo_id
    if style == "keyword" and sink.revision is not None:
        properties["revisionKeyword"] = sink.revision.keyword
    if _modelscope_model(sink):
        properties["fixNote"] = (
            f"the commit SHA needs modelscope >= {_release(MODELSCOPE_PINS_COMMITS)}; older releases accept only "
            "branch and tag names (pin a release tag there)"
        )
    return properties


def _is_string_literal(ctx: CallContext, bound: BoundArg | None) -> bool:
    """One string literal written in the call (not a concatenation or f-string): a fix can rewrite it."""
    if bound is None or not bound.at_call_site:
        return False
    expression = bound.expression
    return isinstance(expression, ast.Constant) and ctx.resolver.text.is_one_string_token(expression)


@check
def cross_repo_code_revision(ctx: CallContext) -> Iterator[Hit]:
    """code_revision given as a non-SHA literal: the code of a cross-repo auto_map follows that ref."""
    bound = ctx.keyword("code_revision")
    if bound is None or not isinstance(bound.value, Known) or not isinstance(bound.value.value, str):
        return
    state = classify_revision(bound.value.value)
    if state is RevisionState.PINNED:
        return
    yield Hit(
        "HG201",
        pin_level(state, ctx.trust_enabled is not False),
        f"{ctx.display_name} loads repository code at code_revision='{bound.value.value}', which is not a "
        "commit SHA.",
        _anchor(ctx, bound),
        _code_revision_properties("code_revision", bound.value.value),
    )


def _code_revision_properties(keyword: str, requested: str | None, repo_id: str | None = None) -> dict[str, Any]:
    """HG201 on the argument that chooses where a load's code comes from: the remote pass resolves it to a
    commit (``resolvedRevision``), which ``--fix`` writes into that argument."""
    properties: dict[str, Any] = {"revisionStyle": "keyword", "revisionKeyword": keyword, "requestedRevision": requested}
    if repo_id is not None:
        properties["repoId"] = repo_id
    return properties


# --- HG301: unsafe deserialization ------------------------------------------------------------
def _risky_flag(
    ctx: CallContext,
    keyword: str,
    bound: BoundArg | None,
    *,
    risky_when: bool,
    literal_level: Level,
    consequence: str,
    dynamic_level: Level,
    dynamic_effect: str,
    properties: dict[str, Any] | None = None,
) -> Iterator[Hit]:
    """A keyword whose literal value ``risky_when`` turns a safeguard off; a run-time value may."""
    if bound is None:
        return
    if isinstance(bound.value, Known) and bool(bound.value.value) is risky_when:
        yield Hit(
            "HG301",
            literal_level,
            f"{ctx.display_name} is called with {keyword}={risky_when}: {consequence}",
            _anchor(ctx, bound),
            dict(properties or {}),
        )
    elif _is_dynamic(bound):
        yield Hit(
            "HG301",
            dynamic_level,
            f"{ctx.display_name} gets {keyword}={describe_unknown(bound.value)}, which may {dynamic_effect} at run "
            "time.",
            _anchor(ctx, bound),
        )


@check
def always_unpickles(ctx: CallContext) -> Iterator[Hit]:
    if _round_trip(ctx):
        yield Hit(
            "HG301",
            Level.NOTE,
            f"{ctx.display_name} round-trips an object this process just serialized (a deep copy): nothing "
            "outside the process is read, but pickle still rebuilds whatever the object holds; copy.deepcopy "
            "does the same without pickle.",
            ctx.call.func,
            {"roundTrip": True},
        )
        return
    yield Hit(
        "HG301",
        Level.WARNING,
        f"{ctx.display_name} deserializes with pickle (or an equivalent): a crafted file runs arbitrary code "
        "when loaded.",
        ctx.call.func,
    )


_SERIALIZERS = ("pickle.dumps", "_pickle.dumps", "cPickle.dumps", "dill.dumps", "cloudpickle.dumps", "marshal.dumps")


def _round_trip(ctx: CallContext) -> bool:
    """``pickle.loads(pickle.dumps(obj))``: the bytes come straight from this process."""
    if not ctx.qualified_name.endswith("loads") or len(ctx.call.args) != 1:
        return False
    inner = ctx.call.args[0]
    return isinstance(inner, ast.Call) and any(
        name in _SERIALIZERS for name in ctx.resolver.qualified_names(inner.func, ctx.scope)
    )


@check
def torch_load(ctx: CallContext) -> Iterator[Hit]:
    weights_only = ctx.keyword("weights_only")
    pickle_module = ctx.argument(Arg("pickle_module", 2))
    if pickle_module is not None:
        yield Hit(
            "HG301",
            Level.ERROR,
            f"{ctx.display_name} is given pickle_module=, which turns off the weights_only safeguard: a crafted "
            "checkpoint runs arbitrary code.",
            _anchor(ctx, pickle_module),
        )
        return
    if weights_only is not None and isinstance(weights_only.value, Known) and weights_only.value.value is None:
        yield Hit(  # torch's own default, written out: as unsafe as leaving it out before torch 2.6
            "HG301",
            Level.WARNING,
            f"{ctx.display_name} is called with weights_only=None, torch's default: torch < 2.6 (and "
            "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1) unpickles arbitrary objects, so a crafted checkpoint runs code.",
            _anchor(ctx, weights_only),
        )
    elif weights_only is None:
        if ctx.has_unknown_kwargs:
            return
        yield Hit(
            "HG301",
            Level.WARNING,
            f"{ctx.display_name} is called without weights_only=True: torch < 2.6 (and TORCH_FORCE_NO_WEIGHTS_ONLY_"
            "LOAD=1) unpickles arbitrary objects, so a crafted checkpoint runs code.",
            ctx.call.func,
            {"fix": "weights_only"},
        )
    else:
        yield from _risky_flag(
            ctx,
            "weights_only",
            weights_only,
            risky_when=False,
            literal_level=Level.ERROR,
            consequence="the checkpoint is fully unpickled and a crafted file runs arbitrary code.",
            dynamic_level=Level.NOTE,
            dynamic_effect="disable the safeguard",
        )


@check
def weights_only_default_false(ctx: CallContext) -> Iterator[Hit]:
    weights_only = ctx.keyword("weights_only")
    if weights_only is not None and isinstance(weights_only.value, Known) and weights_only.value.value is True:
        return
    level = Level.NOTE if weights_only is not None and _is_dynamic(weights_only) else Level.WARNING
    if weights_only is not None and isinstance(weights_only.value, Known) and weights_only.value.value is False:
        level = Level.ERROR  # written out, as torch.load(weights_only=False)
    yield Hit(
        "HG301",
        level,
        f"{ctx.display_name} calls torch.load with weights_only=False unless weights_only=True is passed: a "
        "crafted checkpoint at that URL runs arbitrary code.",
        _anchor(ctx, weights_only),
    )


@check
def openmmlab_checkpoint(ctx: CallContext) -> Iterator[Hit]:
    """load_checkpoint, init_detector & co. unpickle the checkpoint they are given, when they are given one."""
    bound = ctx.repo_arg
    if bound is None or (isinstance(bound.value, Known) and not bound.value.value):
        return
    yield Hit(
        "HG301",
        Level.WARNING,
        f"{ctx.display_name} unpickles the checkpoint it is given (downloads and open-mmlab:// names always; local "
        "files with mmengine after 0.10.7 or torch < 2.6): a crafted checkpoint runs arbitrary code.",
        _anchor(ctx, bound),
    )


@check
def numpy_allow_pickle(ctx: CallContext) -> Iterator[Hit]:
    yield from _risky_flag(
        ctx,
        "allow_pickle",
        ctx.argument(Arg("allow_pickle", 2)),
        risky_when=True,
        literal_level=Level.WARNING,
        consequence="object arrays in the file are unpickled, so a crafted .npy/.npz runs arbitrary code.",
        dynamic_level=Level.NOTE,
        dynamic_effect="enable unpickling",
        properties={"explain": "allow_pickle"},
    )


@check
def keras_safe_mode(ctx: CallContext) -> Iterator[Hit]:
    yield from _risky_flag(
        ctx,
        "safe_mode",
        ctx.keyword("safe_mode"),
        risky_when=False,
        literal_level=Level.ERROR,
        consequence="Lambda layers and arbitrary callables in the model file run on load.",
        dynamic_level=Level.NOTE,
        dynamic_effect="disable Keras's safe mode",
    )


@check
def skops_trusted(ctx: CallContext) -> Iterator[Hit]:
    bound = ctx.keyword("trusted")
    if bound is None or (isinstance(bound.value, Known) and not bound.value.value):
        return
    level = Level.ERROR if _is_truthy_literal(bound) and bound.value.value is True else Level.WARNING  # type: ignore[union-attr]
    yield Hit(
        "HG301",
        level,
        f"{ctx.display_name} is given trusted={describe_unknown(bound.value)}: every type it lists (or, with "
        "True, every type) is instantiated from the file, which can run arbitrary code.",
        _anchor(ctx, bound),
    )


@check
def dangerous_deserialization_flag(ctx: CallContext) -> Iterator[Hit]:
    yield from _risky_flag(
        ctx,
        "allow_dangerous_deserialization",
        ctx.keyword("allow_dangerous_deserialization"),
        risky_when=True,
        literal_level=Level.ERROR,
        consequence="the stored index is unpickled, so a crafted file runs arbitrary code.",
        dynamic_level=Level.WARNING,
        dynamic_effect="enable unpickling",
    )
