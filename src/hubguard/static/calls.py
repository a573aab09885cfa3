"""A candidate call with its arguments bound the way the callee would see them."""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from hubguard.findings import RevisionState
from hubguard.revisions import classify_revision
from hubguard.static.bindings import Scope
from hubguard.static.hub_urls import HubUrl, hub_urls, strings_in
from hubguard.static.local_paths import checked_local, written_before
from hubguard.static.catalogue import (
    CHECKPOINT_PREFIXES,
    MODELSCOPE_TRUSTED_OWNERS,
    PACKAGED_DATASET_BUILDERS,
    UNPINNABLE_STYLES,
    URL_STYLES,
    Arg,
    Sink,
)
from hubguard.static.values import Known, LocalPath, Resolver, Unknown, Value


@dataclass(frozen=True)
class BoundArg:
    value: Value
    node: ast.AST  # what to point at: the keyword (or positional) argument, or the ``**`` spread it came through
    at_call_site: bool  # written literally in this call (a fix can rewrite it)

    @property
    def expression(self) -> ast.expr:
        """The argument's value as written."""
        return self.node.value if isinstance(self.node, ast.keyword) else self.node  # type: ignore[return-value]


@dataclass(frozen=True)
class RepoRef:
    repo_id: str | None  # None when unknown at analysis time
    revision: str | None
    revision_state: RevisionState
    revision_arg: BoundArg | None


_TORCH_HASH = re.compile(r"-([a-f0-9]*)\.")  # torch.hub.HASH_REGEX
_LOCAL_PREFIXES = ("./", "../", "/", "~", ".\\", "..\\", "\\", "file:")
# "C:\\x", "C:/x", and also "C:" or "C:x" (relative to drive C's current folder): a hub ID never holds a colon.
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:")
_WEIGHT_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".pkl", ".safetensors", ".h5", ".keras", ".onnx", ".gguf", ".json")


def _hub_like(value: object) -> bool:
    """A parameter default that names a hub repository (not None, not a path or a placeholder like it)."""
    return isinstance(value, str) and not looks_local(value)


def looks_local(path: str) -> bool:
    if path.startswith(_LOCAL_PREFIXES) or _WINDOWS_DRIVE.match(path):
        return True
    return path.count("/") > 1 or path.lower().endswith(_WEIGHT_SUFFIXES) or path in ("", ".", "..")


class CallContext:
    def __init__(self, call: ast.Call, scope: Scope, resolver: Resolver, qualified_name: str, sink: Sink | None):
        self.call = call
        self.scope = scope
        self.resolver = resolver
        self.qualified_name = qualified_name
        self.sink = sink

    @cached_property
    def display_name(self) -> str:
        return self.resolver.source(self.call.func)

    @cached_property
    def _spread_kwargs(self) -> list[tuple[dict[str, Value] | None, ast.keyword]]:
        spreads = []
        for keyword in self.call.keywords:
            if keyword.arg is None:
                value = self.resolver.value(keyword.value, self.scope)
                known = value.value if isinstance(value, Known) and isinstance(value.value, dict) else None
                spreads.append((known, keyword))
        return spreads

    @cached_property
    def _fixed_positionals(self) -> int:
        """How many positional arguments sit at known positions: those before the first ``*args``."""
        return next((index for index, arg in enumerate(self.call.args) if isinstance(arg, ast.Starred)), len(self.call.args))

    @cached_property
    def has_unknown_kwargs(self) -> bool:
        return any(known is None for known, _ in self._spread_kwargs)

    def argument(self, spec: Arg | None, *, search_nested: bool = True) -> BoundArg | None:
        if spec is None:
            return None
        for keyword in self.call.keywords:
            if keyword.arg == spec.keyword:
                return BoundArg(self.resolver.value(keyword.value, self.scope), keyword, True)
        if spec.position is not None and spec.position < self._fixed_positionals:
            arg = self.call.args[spec.position]
            return BoundArg(self.resolver.value(arg, self.scope), arg, True)
        for known, spread in self._spread_kwargs:
            if known is not None and spec.keyword in known:
                return BoundArg(known[spec.keyword], spread, False)
        if self.sink is not None and search_nested:
            for name in self.sink.nested_kwargs:
                nested = self.argument(Arg(name), search_nested=False)
                if nested is None or not isinstance(nested.value, Known):
                    continue
                options = nested.value.value
                if isinstance(options, str):
                    options = parse_key_values(options)
                if isinstance(options, dict) and spec.keyword in options:
                    return BoundArg(options[spec.keyword], nested.node, False)
        return None

    def keyword(self, name: str) -> BoundArg | None:
        return self.argument(Arg(name))

    @cached_property
    def repo_arg(self) -> BoundArg | None:
        return self.argument(self.sink.repo) if self.sink else None

    @cached_property
    def repo(self) -> RepoRef | None:
        """The hub reference this call makes, or None when it plainly reads a local path."""
        sink = self.sink
        if sink is None or sink.repo is None:
            return None
        bound = self.repo_arg
        if bound is None or self.reads_local_folder:
            return None
        if sink.revision_style == "torchhub-suffix" and self._local_source:
            return None  # torch.hub.load(x, ..., source="local") reads the folder x, whatever x is
        value = bound.value
        # ``def f(model=None)``, ``model="path/to/model"``: the caller decides what is loaded, not the default.
        if isinstance(value, Known) and value.via == "default" and not _hub_like(value.value):
            value = Unknown(self.resolver.source(bound.expression) if bound.at_call_site else describe_unknown(value))
        repo_id: str | None = None
        revision: str | None = None
        revision_arg = self.argument(sink.revision)
        if isinstance(value, Known):
            if not isinstance(value.value, str):
                return None
            text = value.value
            if sink.repo_prefixes:
                prefix = next((p for p in sink.repo_prefixes if text.startswith(p)), None)
                if prefix is None:
                    return None
                text = text[len(prefix) :]
            if sink.revision_style in URL_STYLES:
                prefixes = CHECKPOINT_PREFIXES if sink.revision_style == "checkpoint" else ("https://", "http://")
                return self._content_ref(text) if text.startswith(prefixes) else None
            if sink.revision_style == "hf-hub-suffix":
                repo_id, _, revision = text.partition("@")
            elif sink.revision_style == "torchhub-suffix":
                if looks_local(text):
                    return None
                repo_id, _, revision = text.partition(":")
            else:
                if looks_local(text):
                    return None
                if sink.repo_type == "dataset" and text.lower() in PACKAGED_DATASET_BUILDERS:
                    return None
                repo_id = text
            revision = revision or None
        elif sink.repo_prefixes or sink.revision_style in URL_STYLES:
            return None  # a run-time value may or may not carry the hub prefix, or be a URL at all
        if sink.revision_style in UNPINNABLE_STYLES:
            return RepoRef(repo_id, revision, RevisionState.UNPINNED, revision_arg)
        if revision_arg is not None:
            rev_value = revision_arg.value
            if isinstance(rev_value, Known) and isinstance(rev_value.value, str):
                revision = rev_value.value
            elif isinstance(rev_value, Known) and rev_value.value is None:
                revision = None
            else:
                return RepoRef(repo_id, None, RevisionState.UNKNOWN, revision_arg)
        return RepoRef(repo_id, revision, classify_revision(revision), revision_arg)

    @cached_property
    def reads_local_folder(self) -> bool:
        """The repository argument is a folder on this machine: a local path value, or one the code wrote,
        made or checked for existence before this call."""
        bound = self.repo_arg
        if bound is None:
            return False
        if isinstance(bound.value, LocalPath):
            return True
        if not bound.at_call_site:
            return False
        expression = bound.expression
        literal = bound.value.value if isinstance(bound.value, Known) and isinstance(bound.value.value, str) else None

        def same_value(target: ast.expr, scope: Scope) -> bool:
            if literal is None:
                return False
            value = self.resolver.value(target, scope)
            if isinstance(value, Known):
                return value.value == literal
            return isinstance(target, ast.JoinedStr) and fstring_matches(target, literal)  # f"{name}-finetuned"

        if written_before(expression, self.scope, self.call.lineno, same_value):
            return True
        return (
            not isinstance(expression, ast.Constant)
            and self.resolver.mentions_path_checks
            and checked_local(
                expression, self.call, self.resolver.text.tree, lambda call: self.resolver.is_path_call(call, self.scope)
            )
        )

    @property
    def _local_source(self) -> bool:
        source = self.keyword("source")
        return source is not None and isinstance(source.value, Known) and source.value.value == "local"

    def _content_ref(self, url: str) -> RepoRef:
        """A URL (or checkpoint name), pinned only by the SHA-256 prefix its loader checks, if any."""
        assert self.sink is not None
        style = self.sink.revision_style
        if style == "checkpoint":  # mmengine and mmcv never check a hash
            return RepoRef(url, None, RevisionState.UNPINNED, None)
        if style == "url-hash-prefix":
            bound = self.argument(self.sink.revision)
            prefix = bound.value if bound is not None else Known(None)
        else:
            prefix, bound = self._checked_prefix(url)
        if not (isinstance(prefix, Known) and isinstance(prefix.value, str | None)):
            return RepoRef(url, None, RevisionState.UNKNOWN, bound)
        return RepoRef(url, prefix.value, classify_hash_prefix(prefix.value), bound)

    def _checked_prefix(self, url: str) -> tuple[Value, BoundArg | None]:
        """What load_state_dict_from_url compares (with check_hash=True, the ``-<hex>.`` of ``file_name``, else
        of the URL's file name), and the argument that decides it."""
        check = self.argument(Arg("check_hash", 4))
        if check is None or not isinstance(check.value, Known):
            return (check.value if check is not None else Known(None)), check
        if not check.value.value:
            return Known(None), check
        named = self.argument(Arg("file_name", 5))
        if named is None or (isinstance(named.value, Known) and named.value.value is None):
            return Known(torch_hash_prefix(url)), check
        if isinstance(named.value, Known) and isinstance(named.value.value, str):
            return Known(torch_hash_prefix(named.value.value)), named
        return named.value, named  # a file name known only at run time

    @cached_property
    def hub_urls(self) -> list[tuple[BoundArg, HubUrl]]:
        """Hub files named by URL in the arguments that may hold them (``Sink.url_args``), once each."""
        found: dict[tuple[int, str, str, str | None], tuple[BoundArg, HubUrl]] = {}
        for spec in self.sink.url_args if self.sink else ():
            bound = self.argument(spec)
            if bound is None:
                continue
            if isinstance(bound.value, Known):
                texts = [(text, True) for text in strings_in(bound.value.value)]
            elif bound.at_call_site:  # ``"hf://datasets/org/x/" + split``: the known start names the repository
                texts = [self.resolver.known_prefix(bound.expression, self.scope)]
            else:
                continue
            for text, complete in texts:
                for url in hub_urls(text):
                    if not complete and text.removesuffix("@").endswith(url.text):
                        continue  # the unknown rest may start with its @revision, or be it
                    found.setdefault((id(bound.node), url.repo_type, url.repo_id, url.revision), (bound, url))
        return list(found.values())

    @cached_property
    def trust(self) -> BoundArg | None:
        spec = self.sink.trust if self.sink else Arg("trust_remote_code")
        return self.argument(spec)

    @cached_property
    def target(self) -> tuple[str, str, str] | None:
        """(hub, repository type, repository ID) the call loads, after the keywords that choose them
        (``Sink.reference_args``); None when unknown or not a hub repository."""
        sink, repo = self.sink, self.repo
        if sink is None or repo is None or not repo.repo_id:
            return None
        hub, repo_type, repo_id = sink.hub, sink.repo_type, repo.repo_id
        for name in sink.reference_args:
            bound = self.keyword(name)
            value = bound.value.value if bound is not None and isinstance(bound.value, Known) else None
            if bound is not None and (not isinstance(bound.value, Known) or not isinstance(value, str | None)):
                return None  # a run-time value: which repository is meant is not known here
            if name == "repo_type" and value is not None:
                if value not in ("model", "dataset"):
                    return None
                repo_type = value
            elif name == "source" and value not in (None, "csg"):  # pycsghub: CSGHub's mirror namespaces
                if value not in ("hf", "ms"):
                    return None
                hub = f"{hub}:{value}"
            elif name == "hub" and bound is not None and value != "modelscope":  # MsDataset.load(hub=Hubs....)
                return None
            elif name == "namespace" and "/" not in repo_id:  # MsDataset.load's default namespace
                repo_id = f"{value or 'modelscope'}/{repo_id}"
        return hub, repo_type, repo_id

    @cached_property
    def trusted_owner(self) -> str | None:
        """The owner ModelScope trusts by itself (iic, damo) when this call is its Model/pipeline loader."""
        repo = self.repo
        if self.sink is None or not self.sink.imports_repo_code or repo is None or not repo.repo_id:
            return None
        owner = repo.repo_id.partition("/")[0]
        return owner if "/" in repo.repo_id and owner in MODELSCOPE_TRUSTED_OWNERS else None

    @property
    def runs_remote_code(self) -> bool:
        """Whether repository code may run: trust enabled (or dynamic), torch.hub, an owner ModelScope trusts,
        or a .py file fetched from a URL."""
        sink = self.sink
        if sink is None:
            return False
        gated = "trust_remote_code" in sink.checks and self.trust_enabled is not False
        fetched_code = sink.hub == "url" and self.repo is not None and fetches_python(self.repo.repo_id or "")
        return gated or sink.id == "A7" or self.trusted_owner is not None or fetched_code

    @property
    def trust_enabled(self) -> bool | None:
        """True when remote code is enabled, None when it may be (dynamic), False otherwise."""
        bound = self.trust
        if bound is None:
            return False
        if isinstance(bound.value, Known):
            return bool(bound.value.value) if not isinstance(bound.value.value, dict) else None
        return None


def fstring_matches(template: ast.JoinedStr, text: str) -> bool:
    """Whether ``text`` could be what ``template`` formats to: its literal parts in order, and between them
    anything but a ``/`` (``org/name`` is a hub ID, not what ``f"{name}-ft"`` made)."""
    literal = "".join(str(part.value) for part in template.values if isinstance(part, ast.Constant))
    if len(literal) < 4:
        return False  # f"{name}" or f"{a}/{b}" would match anything
    parts = [re.escape(str(part.value)) if isinstance(part, ast.Constant) else "[^/]+" for part in template.values]
    return re.fullmatch("".join(parts), text, re.S) is not None


def parse_key_values(text: str) -> dict[str, Value]:
    """``"pretrained=org/m,trust_remote_code=True"`` as lm-eval reads ``model_args`` (simple_parse_args_string:
    ``true``/``false`` in any case are booleans)."""
    options: dict[str, Value] = {}
    for item in text.split(","):
        key, equals, raw = item.partition("=")
        if equals and key.strip():
            value = raw.strip()
            lowered = value.lower()
            options[key.strip()] = Known(True if lowered == "true" else False if lowered == "false" else value)
    return options


def torch_hash_prefix(name_or_url: str) -> str | None:
    """The SHA-256 prefix torch.hub checks with check_hash=True: ``-([a-f0-9]*)\\.`` in the file name."""
    match = _TORCH_HASH.search(posixpath.basename(urlsplit(name_or_url).path) if "://" in name_or_url else name_or_url)
    return match[1] if match else None


def fetches_python(url: str) -> bool:
    """A URL whose file is Python: whoever downloads it means to run it (OpenMMLab configs are executed)."""
    return "://" in url and urlsplit(url).path.endswith(".py")


def classify_hash_prefix(prefix: str | None) -> RevisionState:
    """A full SHA-256 pins the content; a shorter prefix is a weak pin; none (or an empty one) pins nothing."""
    if not prefix:
        return RevisionState.UNPINNED
    return RevisionState.PINNED if len(prefix) == 64 else RevisionState.WEAK


def describe_unknown(value: Value) -> str:
    if isinstance(value, Unknown):
        return value.source
    if isinstance(value, LocalPath):
        return value.source
    return repr(value.value)
