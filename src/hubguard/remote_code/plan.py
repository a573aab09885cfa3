"""Work out which repository files a loader would import, from the repository's own config files.

``plan_code`` never fetches anything itself: the caller hands it the file listing and a
``read_json`` callback, so the same logic serves the live hub client, the cache and tests.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hubguard.remote_code.names import (
    UnsafeName,
    check_module,
    check_relative_path,
    check_repo_id,
    find_module,
    label,
    parse_class_ref,
    shown,
)

AUTO_MAP_CONFIGS = (
    "config.json",
    "tokenizer_config.json",
    "preprocessor_config.json",
    "processor_config.json",
    "video_preprocessor_config.json",
)
# Libraries diffusers imports by name for model_index.json components; anything else that is
# not a file in the repository must be an installed package.
KNOWN_COMPONENT_LIBRARIES = frozenset(
    {"diffusers", "transformers", "onnxruntime", "k_diffusion", "peft", "torch", "sentence_transformers"}
)
MAX_CONFIG_BYTES = 5 * 1024 * 1024
_MAX_ENTRIES = 500

JsonReader = Callable[[str], Any]


@dataclass(frozen=True)
class CodeModule:
    path: str
    classes: tuple[str, ...]
    reason: str  # e.g. "config.json auto_map AutoModel"


@dataclass(frozen=True)
class CrossRepoRef:
    """Code that runs from another repository, at the revision the loader fetches it."""

    repo_id: str
    module: str  # dotted module in that repository, e.g. "modeling_x" or "custom_generate.generate"
    class_name: str
    key: str  # where it was named, e.g. "config.json auto_map AutoModel"
    revision: str | None = None  # None: the repository's default branch, whatever it holds at load time


@dataclass(frozen=True)
class CallCode:
    """What the call itself says about the code it runs (keyword arguments of the consumer's call)."""

    code_revision: str | None = None  # transformers/sentence-transformers code_revision
    custom_pipeline: str | None = None  # diffusers custom_pipeline
    custom_revision: str | None = None  # diffusers custom_revision
    custom_generate: str | None = None  # transformers generate(custom_generate=...)
    generate_revision: str | None = None  # the revision passed along with custom_generate


@dataclass
class CodePlan:
    modules: list[CodeModule] = field(default_factory=list)
    cross_repo: list[CrossRepoRef] = field(default_factory=list)  # named by the repository's configs
    call_repos: list[CrossRepoRef] = field(default_factory=list)  # named by the call (custom_pipeline...)
    code_revision: str | None = None  # same-repository modules are fetched here; None: the loaded revision
    refused: list[str] = field(default_factory=list)  # names on the load path hubguard would not map to a file
    notes: list[str] = field(default_factory=list)
    configs_read: list[str] = field(default_factory=list)
    pip_plugins: list[str] = field(default_factory=list)  # ModelScope configuration.json plugins
    pip_requirements: list[str] = field(default_factory=list)  # repository files ModelScope pip-installs
    imports_all: bool = False  # ModelScope imports every .py of the repository, named by a config or not

    @property
    def module_paths(self) -> list[str]:
        return [module.path for module in self.modules]


def plan_code(
    files: Mapping[str, int],
    read_json: JsonReader,
    *,
    repo_type: str,
    runs_remote_code: bool,
    call: CallCode | None = None,
    imports_repo_code: bool = False,
    code_files: Mapping[str, int] | None = None,
) -> CodePlan:
    """List the code a load of this repo would run, and where each piece comes from.

    ``runs_remote_code`` is whether the call lets gated code run (``trust_remote_code=True``);
    code that some supported library version runs without that flag (dataset scripts,
    hubconf.py, ModelScope plugins, mlx ``model_file``, a ``.py`` file fetched from a URL) is listed
    either way. ``call`` carries the call's own code arguments: transformers fetches same-repository
    modules at ``code_revision`` when it is given, and cross-repository ``auto_map`` code at
    ``code_revision`` or else at the other repository's default branch. ``code_files`` lists the
    repository at ``code_revision`` when that is another commit: configs are read from ``files``,
    modules are looked up in ``code_files``.
    ``imports_repo_code`` is set for ModelScope's ``Model.from_pretrained`` and ``pipeline``, which read
    ``configuration.json`` and import the whole repository (see ``modelscope_configuration``).
    """
    call = call or CallCode()
    planner = _Planner(files, read_json, runs_remote_code, call.code_revision, code_files)
    planner.plan.code_revision = call.code_revision
    if repo_type == "url":
        planner.downloaded_code()
        return planner.finish()
    if repo_type == "github":  # torch.hub runs hubconf.py and what it imports, nothing a config names
        planner.hubconf()
        return planner.finish()
    planner.transformers_configs()
    planner.custom_generate()
    planner.diffusers_model_index()
    planner.diffusers_custom_pipeline()
    planner.sentence_transformers_modules()
    if imports_repo_code:
        planner.modelscope_configuration()
    planner.mlx_model_file()
    if repo_type == "dataset":
        planner.root_python_files("datasets loading script", gated=False)
    elif repo_type == "space":
        planner.add_path("tool.py", None, "smolagents tool.py", gated=True, required=False)
    planner.call_repos(call)
    return planner.finish()


class _Planner:
    def __init__(
        self,
        files: Mapping[str, int],
        read_json: JsonReader,
        runs_remote_code: bool,
        code_revision: str | None,
        code_files: Mapping[str, int] | None,
    ) -> None:
        self.files = files  # where configs are read
        self.code_files = files if code_files is None else code_files  # where the modules they name are
        self.read_json = read_json
        self.runs_remote_code = runs_remote_code
        self.code_revision = code_revision
        self.plan = CodePlan()
        self.classes: dict[str, list[str]] = {}
        self.reasons: dict[str, list[str]] = {}
        self.parsed: dict[str, Any] = {}

    def finish(self) -> CodePlan:
        self.plan.modules = [
            CodeModule(path, tuple(self.classes[path]), "; ".join(self.reasons[path])) for path in self.classes
        ]
        return self.plan

    def note(self, message: str) -> None:
        if message not in self.plan.notes:
            self.plan.notes.append(message)

    def refuse(self, reason: str, error: UnsafeName, *, gated: bool = True) -> None:
        """A name on the load path that hubguard will not map to a file: reported, never dropped."""
        if gated and not self.runs_remote_code:
            self.note(f"{reason}: skipped {error}; it runs only with trust_remote_code=True")
            return
        message = f"{reason}: refused the name ({error}); the code it names was not scanned"
        if message not in self.plan.refused:
            self.plan.refused.append(message)

    def read(self, path: str) -> Any:
        if path not in self.parsed:
            self.parsed[path] = self.read_uncached(path)
        return self.parsed[path]

    def read_uncached(self, path: str) -> Any:
        size = self.files.get(path)
        if size is None:
            return None
        if size > MAX_CONFIG_BYTES:
            self.note(f"{path} is {size} bytes; not read (limit {MAX_CONFIG_BYTES})")
            return None
        data = self.read_json(path)
        if data is None:
            self.note(f"{path} could not be read as JSON")
            return None
        self.plan.configs_read.append(path)
        return data

    def add_path(self, path: str, class_name: str | None, reason: str, *, gated: bool, required: bool = True) -> None:
        if path not in self.code_files:
            if required:
                self.note(f"{reason} names {path}, which is not in the repository (the load would fail)")
            return
        if gated and not self.runs_remote_code:
            self.note(f"{reason} names {path}; it runs only with trust_remote_code=True")
            return
        classes = self.classes.setdefault(path, [])
        reasons = self.reasons.setdefault(path, [])
        if class_name and class_name not in classes:
            classes.append(class_name)
        if reason not in reasons:
            reasons.append(reason)

    def add_class_ref(self, value: object, reason: str, *, base_dir: str = "", gated: bool = True) -> None:
        if not isinstance(value, str):
            self.note(f"{reason}: ignored non-string value {shown(value)}")
            return
        try:
            ref = parse_class_ref(value)
        except UnsafeName as error:
            self.refuse(reason, error, gated=gated)
            return
        if ref.repo_id is not None:
            if gated and not self.runs_remote_code:
                self.note(f"{reason} names code in {ref.repo_id}; it runs only with trust_remote_code=True")
                return
            cross_ref = CrossRepoRef(ref.repo_id, ref.module, ref.class_name, reason, self.code_revision)
            if cross_ref not in self.plan.cross_repo:
                self.plan.cross_repo.append(cross_ref)
            return
        path = find_module(ref.module, self.code_files, (base_dir,))
        if path is None:
            expected = posixpath.join(base_dir, ref.module.replace(".", "/") + ".py")
            self.note(f"{reason} names {expected}, which is not in the repository (the load would fail)")
            return
        self.add_path(path, ref.class_name, reason, gated=gated)

    def transformers_configs(self, base_dir: str = "") -> None:
        for name in AUTO_MAP_CONFIGS:
            path = posixpath.join(base_dir, name)
            data = self.read(path)
            if not isinstance(data, dict):
                continue
            if "auto_map" in data:
                self.auto_map(path, data["auto_map"], base_dir)
            if name == "config.json" and "custom_pipelines" in data:
                self.custom_pipelines(path, data["custom_pipelines"], base_dir)

    def auto_map(self, config_path: str, auto_map: object, base_dir: str) -> None:
        if isinstance(auto_map, list):  # old tokenizer_config.json: [slow, fast]
            auto_map = {"AutoTokenizer": auto_map}
        if not isinstance(auto_map, dict):
            self.note(f"{config_path} auto_map is not an object: {shown(auto_map)}")
            return
        for key, value in list(auto_map.items())[:_MAX_ENTRIES]:
            reason = f"{config_path} auto_map {label(key)}"
            values = value if isinstance(value, list) else [value]
            for item in values[:_MAX_ENTRIES]:
                if item is not None:
                    self.add_class_ref(item, reason, base_dir=base_dir)

    def custom_pipelines(self, config_path: str, pipelines: object, base_dir: str) -> None:
        if not isinstance(pipelines, dict):
            self.note(f"{config_path} custom_pipelines is not an object: {shown(pipelines)}")
            return
        for task, spec in list(pipelines.items())[:_MAX_ENTRIES]:
            reason = f"{config_path} custom_pipelines {label(task)}"
            if not isinstance(spec, dict) or "impl" not in spec:
                self.note(f"{reason}: no impl in {shown(spec)}")
                continue
            self.add_class_ref(spec["impl"], reason, base_dir=base_dir)

    def custom_generate(self) -> None:
        self.add_path("custom_generate/generate.py", None, "custom_generate/generate.py", gated=True, required=False)
        if "custom_generate/requirements.txt" in self.code_files:
            self.note("custom_generate/requirements.txt lists packages the custom generate code needs")

    def diffusers_model_index(self) -> None:
        data = self.read("model_index.json")
        if not isinstance(data, dict):
            return
        pipeline_class = data.get("_class_name")
        if isinstance(pipeline_class, list):
            self.diffusers_pair("model_index.json _class_name", pipeline_class, component=None)
        for component, value in list(data.items())[:_MAX_ENTRIES]:
            if isinstance(component, str) and not component.startswith("_") and isinstance(value, list):
                self.diffusers_pair(f"model_index.json {label(component)}", value, component=component)

    def diffusers_pair(self, reason: str, pair: list[Any], component: str | None) -> None:
        if len(pair) != 2 or pair[0] is None:
            return
        library, class_name = pair
        if not isinstance(library, str) or not isinstance(class_name, str):
            self.note(f"{reason}: ignored non-string value {shown(pair)}")
            return
        module = library.removesuffix(".py")
        try:
            check_module(module)
            base_dirs = ("",) if component is None else (check_relative_path(component), "")
        except UnsafeName as error:
            self.refuse(reason, error)
            return
        path = find_module(module, self.code_files, base_dirs)
        if path is not None:
            self.add_path(path, class_name, reason, gated=True)
        elif component is None:
            self.note(f"{reason} names {module}.py, which is not in the repository (the load would fail)")
        elif module.split(".")[0] not in KNOWN_COMPONENT_LIBRARIES:
            self.note(f"{reason} imports {module!r} from an installed package, not from the repository")

    def diffusers_custom_pipeline(self) -> None:
        self.add_path("pipeline.py", None, "diffusers custom_pipeline pipeline.py", gated=True, required=False)

    def sentence_transformers_modules(self) -> None:
        data = self.read("modules.json")
        if data is None:
            return
        if not isinstance(data, list):
            self.note(f"modules.json is not a list: {shown(data)}")
            return
        for entry in data[:_MAX_ENTRIES]:
            module_type = entry.get("type") if isinstance(entry, dict) else None
            if not isinstance(module_type, str):
                self.note(f"modules.json: ignored entry {shown(entry)}")
                continue
            if module_type.startswith("sentence_transformers."):
                continue
            self.sentence_transformers_module(module_type, entry.get("path"))

    def sentence_transformers_module(self, module_type: str, module_dir: object) -> None:
        reason = f"modules.json type {label(module_type)}"
        try:
            ref = parse_class_ref(module_type)
        except UnsafeName as error:
            self.refuse(reason, error)
            return
        if ref.repo_id is not None:
            self.add_class_ref(module_type, reason)
            return
        base_dirs: tuple[str, ...] = ("",)
        if isinstance(module_dir, str) and module_dir:
            try:
                base_dirs = ("", check_relative_path(module_dir))
            except UnsafeName as error:
                self.refuse(f"{reason} module path", error)
                return
        path = find_module(ref.module, self.code_files, base_dirs)
        if path is None:
            self.note(f"{reason} imports {ref.module!r} from an installed package, not from the repository")
            return
        self.add_path(path, ref.class_name, reason, gated=True)

    def modelscope_configuration(self) -> None:
        """ModelScope pip-installs ``plugins``; with trust (or ``allow_remote``, which SDKs before the trust
        gate, modelscope < 1.28.1 for Model and < 1.37 for pipeline, obey alone) it pip-installs every file
        whose name contains "requirement" and then imports every .py of the repository."""
        data = self.read("configuration.json")
        config = data if isinstance(data, dict) else {}
        plugins = config.get("plugins")
        for plugin in [plugins] if isinstance(plugins, str) else plugins if isinstance(plugins, list) else []:
            if isinstance(plugin, str) and plugin.isprintable() and plugin.strip():
                self.plan.pip_plugins.append(plugin.strip()[:200])
            else:
                self.note(f"configuration.json plugins: ignored {shown(plugin)}")
        if self.plan.pip_plugins:
            self.note("configuration.json plugins are pip-installed by ModelScope: " + ", ".join(self.plan.pip_plugins))
        allow_remote = config.get("allow_remote") is True
        if not (self.runs_remote_code or allow_remote):
            self.note("ModelScope imports every .py of the repository only with trust_remote_code=True")
            return
        reason = "ModelScope imports every .py of the repository" + (
            "" if self.runs_remote_code else " (configuration.json allow_remote, obeyed without trust before 1.28.1)"
        )
        self.plan.imports_all = True
        for path in sorted(self.code_files):
            kind = _modelscope_kind(path)
            if kind == "module":
                self.add_path(path, None, reason, gated=False)
            elif kind == "requirements":
                self.plan.pip_requirements.append(path)

    def mlx_model_file(self) -> None:
        data = self.read("config.json")
        if not isinstance(data, dict) or "model_file" not in data:
            return
        value = data["model_file"]
        if not isinstance(value, str):
            self.note(f"config.json model_file: ignored non-string value {shown(value)}")
            return
        try:
            path = check_relative_path(value)
        except UnsafeName as error:
            self.refuse("config.json model_file", error, gated=False)
            return
        self.add_path(path, None, "mlx config.json model_file", gated=False)

    def root_python_files(self, reason: str, *, gated: bool) -> None:
        for path in sorted(self.code_files):
            if "/" not in path and path.endswith(".py"):
                self.add_path(path, None, reason, gated=gated)

    def downloaded_code(self) -> None:
        """A URL's one file: Python code runs when the caller imports or executes it (OpenMMLab's
        Config.fromfile executes .py configs); anything else is data."""
        for path in self.code_files:
            if path.endswith(".py"):
                self.add_path(path, None, "Python file fetched from a URL", gated=False)

    def hubconf(self) -> None:
        self.add_path("hubconf.py", None, "torch.hub hubconf.py", gated=False)

    def call_repos(self, call: CallCode) -> None:
        if call.custom_pipeline is not None:
            self.call_repo(call.custom_pipeline, "pipeline", "custom_pipeline", call.custom_revision)
        if call.custom_generate is not None:
            self.call_repo(call.custom_generate, "custom_generate.generate", "custom_generate", call.generate_revision)

    def call_repo(self, repo_id: str, module: str, argument: str, revision: str | None) -> None:
        """A repository the call names directly; a bare name (diffusers community pipeline) is not a repo."""
        if "/" not in repo_id:
            self.note(f"{argument}={shown(repo_id)} names a community pipeline, not a hub repository")
            return
        try:
            check_repo_id(repo_id)
        except UnsafeName as error:
            self.refuse(argument, error)
            return
        reference = CrossRepoRef(repo_id, module, module.rpartition(".")[2], argument, revision)
        if reference not in self.plan.call_repos:
            self.plan.call_repos.append(reference)


def _modelscope_kind(path: str) -> str | None:
    """What ModelScope's import-all does with a repository file (``FilesAstScanning._traversal_files``):
    names starting with ``__`` (but ``__init__.py``) and ``.json``/``.md`` names are skipped, in any folder."""
    parts = path.split("/")
    if any(part.startswith("__") and part != "__init__.py" or part.endswith((".json", ".md")) for part in parts):
        return None
    if parts[-1].endswith(".py"):
        return "module"
    return "requirements" if "requirement" in parts[-1] else None
