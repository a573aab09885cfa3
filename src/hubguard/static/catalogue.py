"""The sink catalogue: every loader the static pass knows, as data.

Each ``Sink`` names the callables (qualified-name globs), where the hub reference and its revision are
passed, and which checks apply. Row IDs follow ``shared/research/sinks.md`` (A = remote code, B = unsafe
deserialization, C = download only). The analysis reads this table and nothing else knows loader names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from functools import lru_cache


@dataclass(frozen=True)
class Arg:
    """An argument by keyword and, where stable across versions, by 0-based position (excluding self)."""

    keyword: str
    position: int | None = None


@dataclass(frozen=True)
class Sink:
    id: str
    names: tuple[str, ...]
    checks: tuple[str, ...]  # names of functions in hubguard.static.checks
    hub: str = "huggingface"
    repo_type: str = "model"
    repo: Arg | None = None
    revision: Arg | None = None
    # keyword | torchhub-suffix | hf-hub-suffix (org/x@rev) | ignored (API drops it) | unpinnable (API has none)
    # | url-check-hash (check_hash + a file name's -<sha256 prefix>.) | url-hash-prefix (hash_prefix=)
    # | checkpoint (OpenMMLab: never checked)
    revision_style: str = "keyword"
    repo_prefixes: tuple[str, ...] = ()  # the repo argument is a hub reference only with one of these prefixes
    nested_kwargs: tuple[str, ...] = ()  # dict-valued keywords forwarded to a loader (model_kwargs=...)
    loads_weights: bool = True
    trust: Arg = field(default_factory=lambda: Arg("trust_remote_code"))
    library: str = ""
    # Keywords that change which repository the call means: repo_type, source (pycsghub's namespace),
    # namespace and hub (MsDataset.load). Applied by CallContext.target.
    reference_args: tuple[str, ...] = ()
    # ModelScope Model/pipeline: configuration.json plugins are pip-installed and, with trust (forced for
    # MODELSCOPE_TRUSTED_OWNERS), every .py of the repo is imported; trust_gate is the first modelscope
    # release whose trust_remote_code gates that (before it, configuration.json alone decides).
    imports_repo_code: bool = False
    trust_gate: tuple[int, ...] | None = None
    url_args: tuple[Arg, ...] = ()  # arguments whose strings may hold hf:// paths or huggingface.co URLs

    def matches(self, qualified_name: str) -> bool:
        return any(fnmatchcase(qualified_name, pattern) for pattern in self.names)


REMOTE_CODE = ("trust_remote_code", "unpinned_revision")
OPENMMLAB_CHECKS = ("openmmlab_checkpoint", "unpinned_revision")
# OpenMMLab codebases whose apis.init_* take (config, checkpoint): init_detector, init_model, init_recognizer, ...
OPENMMLAB_CODEBASES = (
    "mmdet", "mmseg", "mmpose", "mmdet3d", "mmpretrain", "mmcls", "mmaction", "mmagic", "mmedit", "mmtrack", "mmocr"
)
# Where CheckpointLoader fetches from the network; anything else is a local path (or pavi://, s3://, petrel://).
CHECKPOINT_PREFIXES = (
    "https://", "http://", "open-mmlab://", "openmmlab://", "mmcls://", "torchvision://", "modelzoo://"
)
_MODEL = Arg("pretrained_model_name_or_path", 0)

# A12, OpenMMLab checkpoint loaders: each row below adds its names, the checkpoint argument, and whose name tables
# expand open-mmlab:// names (kept as repo_type and library): mmengine, mmcv, or openmmlab (the codebase's own).
_CHECKPOINT_LOADER = Sink("A12", (), OPENMMLAB_CHECKS, hub="openmmlab", revision_style="checkpoint")


SINKS: tuple[Sink, ...] = (
    # --- A. remote code executed at load time -------------------------------------------------
    Sink(
        "A1",
        ("transformers.Auto*.from_pretrained", "transformers.*.Auto*.from_pretrained"),
        REMOTE_CODE + ("cross_repo_code_revision",),
        repo=_MODEL,
        revision=Arg("revision"),
        library="transformers",
    ),
    Sink(
        "A1",
        ("transformers.Auto*.from_config", "transformers.*.Auto*.from_config"),
        ("trust_remote_code",),
        loads_weights=False,
        library="transformers",
    ),
    Sink(
        "A1",
        ("transformers.*.from_pretrained",),
        ("unpinned_revision",),
        repo=_MODEL,
        revision=Arg("revision"),
        library="transformers",
    ),
    Sink(
        "A2",
        ("transformers.pipeline", "transformers.pipelines.pipeline"),
        REMOTE_CODE,
        repo=Arg("model", 1),
        revision=Arg("revision"),
        nested_kwargs=("model_kwargs",),
        library="transformers",
    ),
    Sink(
        "A4",
        ("datasets.load_dataset", "datasets.load_dataset_builder", "datasets.load.load_dataset"),
        REMOTE_CODE + ("hub_url_revision",),
        repo_type="dataset",
        repo=Arg("path", 0),
        revision=Arg("revision"),
        loads_weights=False,
        library="datasets",
        url_args=(Arg("path", 0), Arg("data_files"), Arg("data_dir")),
    ),
    Sink(
        "A5",
        (
            "sentence_transformers.SentenceTransformer",
            "sentence_transformers.CrossEncoder",
            "sentence_transformers.SparseEncoder",
            "sentence_transformers.cross_encoder.CrossEncoder",
        ),
        REMOTE_CODE,
        repo=Arg("model_name_or_path", 0),
        revision=Arg("revision"),
        nested_kwargs=("model_kwargs", "config_kwargs", "tokenizer_kwargs"),
        library="sentence-transformers",
    ),
    Sink(
        "A6",
        ("diffusers.*.from_pretrained", "diffusers.*.download", "diffusers.*.from_pipe"),
        REMOTE_CODE + ("custom_pipeline",),
        repo=_MODEL,
        revision=Arg("revision"),
        library="diffusers",
    ),
    Sink(
        "A7",
        ("torch.hub.load", "torch.hub.list", "torch.hub.help"),
        ("torch_hub", "unpinned_revision"),
        hub="torchhub",
        repo_type="github",
        repo=Arg("repo_or_dir", 0),
        revision_style="torchhub-suffix",
        loads_weights=False,  # torch.hub itself loads no repository file but code; hubconf.py's own loads are code
        library="torch.hub",
    ),
    Sink(
        "A8",
        ("vllm.LLM", "vllm.EngineArgs", "vllm.AsyncEngineArgs", "vllm.engine.arg_utils.*EngineArgs"),
        REMOTE_CODE,
        repo=Arg("model", 0),
        revision=Arg("revision"),
        library="vllm",
    ),
    Sink(
        "A10",
        ("modelscope.pipeline", "modelscope.pipelines.pipeline"),
        REMOTE_CODE + ("modelscope_remote_code",),
        hub="modelscope",
        repo=Arg("model", 1),
        revision=Arg("model_revision", 7),
        trust=Arg("trust_remote_code", 9),
        imports_repo_code=True,
        trust_gate=(1, 37, 0),
        library="modelscope",
    ),
    Sink(
        "A10",
        ("modelscope.Model.from_pretrained", "modelscope.models.Model.from_pretrained"),
        REMOTE_CODE + ("modelscope_remote_code",),
        hub="modelscope",
        repo=Arg("model_name_or_path", 0),
        revision=Arg("revision", 1),
        trust=Arg("trust_remote_code", 4),
        imports_repo_code=True,
        trust_gate=(1, 28, 1),
        library="modelscope",
    ),
    Sink(
        "A10",
        ("modelscope.Auto*.from_pretrained",),  # transformers classes behind a ModelScope snapshot_download
        REMOTE_CODE,
        hub="modelscope",
        repo=_MODEL,
        revision=Arg("revision"),
        library="modelscope",
    ),
    Sink(
        "A10",
        ("modelscope.snapshot_download", "modelscope.hub.snapshot_download.snapshot_download"),
        ("unpinned_revision",),
        hub="modelscope",
        repo=Arg("model_id", 0),
        revision=Arg("revision", 1),
        reference_args=("repo_type",),
        loads_weights=False,
        library="modelscope",
    ),
    Sink(
        "A10",
        ("modelscope.model_file_download", "modelscope.hub.file_download.model_file_download"),
        ("unpinned_revision",),
        hub="modelscope",
        repo=Arg("model_id", 0),
        revision=Arg("revision", 2),
        loads_weights=False,
        library="modelscope",
    ),
    Sink(
        "A10",
        ("modelscope.dataset_snapshot_download", "modelscope.hub.snapshot_download.dataset_snapshot_download"),
        ("unpinned_revision",),
        hub="modelscope",
        repo_type="dataset",
        repo=Arg("dataset_id", 0),
        revision=Arg("revision", 1),
        loads_weights=False,
        library="modelscope",
    ),
    Sink(
        "A10",
        ("modelscope.dataset_file_download", "modelscope.hub.file_download.dataset_file_download"),
        ("unpinned_revision",),
        hub="modelscope",
        repo_type="dataset",
        repo=Arg("dataset_id", 0),
        revision=Arg("revision", 2),
        loads_weights=False,
        library="modelscope",
    ),
    Sink(
        "A10",
        (
            "modelscope.MsDataset.load",
            "modelscope.msdatasets.MsDataset.load",
            "modelscope.msdatasets.*.MsDataset.load",
        ),
        REMOTE_CODE,
        hub="modelscope",
        repo_type="dataset",
        repo=Arg("dataset_name", 0),
        revision=Arg("version", 3),
        reference_args=("namespace", "hub"),
        loads_weights=False,
        library="modelscope",
    ),
    Sink(
        "A11",
        ("pycsghub.repo_reader.Auto*.from_pretrained",),
        REMOTE_CODE,
        hub="opencsg",
        repo=Arg("pretrained_model_name_or_path", 0),
        revision_style="ignored",
        library="pycsghub",
    ),
    Sink(
        "A11",
        ("pycsghub.repo_reader.load_dataset",),
        REMOTE_CODE,
        hub="opencsg",
        repo_type="dataset",
        repo=Arg("path", 0),
        revision_style="ignored",
        loads_weights=False,
        library="pycsghub",
    ),
    Sink(
        "A11",
        ("pycsghub.snapshot_download.snapshot_download", "pycsghub.file_download.file_download"),
        ("unpinned_revision",),
        hub="opencsg",
        repo=Arg("repo_id", 0),
        revision=Arg("revision"),
        reference_args=("repo_type", "source"),
        loads_weights=False,
        library="pycsghub",
    ),
    Sink(
        "A14",
        ("smolagents.load_tool", "smolagents.tools.load_tool"),
        REMOTE_CODE,
        repo_type="space",
        repo=Arg("repo_id", 0),
        revision=Arg("revision"),
        trust=Arg("trust_remote_code", 3),
        loads_weights=False,
        library="smolagents",
    ),
    Sink(
        "A14",
        ("smolagents.Tool.from_hub", "smolagents.ToolCollection.from_hub", "smolagents.tools.*.from_hub"),
        REMOTE_CODE,
        repo_type="space",
        repo=Arg("repo_id", 0),
        revision=Arg("revision"),
        loads_weights=False,
        library="smolagents",
    ),
    Sink(
        "A15",
        ("mlx_lm.load", "mlx_lm.utils.load"),
        REMOTE_CODE,
        repo=Arg("path_or_hf_repo", 0),
        revision=Arg("revision", 6),
        trust=Arg("trust_remote_code", 7),
        nested_kwargs=("tokenizer_config", "model_config"),
        library="mlx-lm",
    ),
    Sink(
        "A16",
        ("mlflow.transformers.load_model",),
        ("implicit_remote_code",),
        loads_weights=False,
        library="mlflow",
    ),
    Sink(  # lm-eval's hf/vllm models: model_args="pretrained=org/m,revision=...,trust_remote_code=True" (or a dict)
        "A1",
        ("lm_eval.simple_evaluate", "lm_eval.evaluator.simple_evaluate"),
        REMOTE_CODE,
        repo=Arg("pretrained"),
        revision=Arg("revision"),
        nested_kwargs=("model_args",),
        library="lm_eval",
    ),
    Sink(
        "A17",
        ("peft.AutoPeftModel*.from_pretrained",),
        REMOTE_CODE,
        repo=Arg("pretrained_model_name_or_path", 0),
        revision=Arg("revision"),
        library="peft",
    ),
    Sink(
        "A17",
        ("peft.PeftModel.from_pretrained", "peft.PeftModel*.from_pretrained"),
        REMOTE_CODE,
        repo=Arg("model_id", 1),
        revision=Arg("revision"),
        library="peft",
    ),
    # --- B. unsafe deserialization --------------------------------------------------------------
    Sink("B1", ("torch.load", "torch.serialization.load"), ("torch_load",), library="torch"),
    Sink(
        "B2",
        ("torch.hub.load_state_dict_from_url", "torch.utils.model_zoo.load_url"),
        ("weights_only_default_false", "unpinned_revision"),
        hub="url",
        repo_type="url",
        repo=Arg("url", 0),
        revision_style="url-check-hash",
        library="torch",
    ),
    Sink("B4", ("numpy.load",), ("numpy_allow_pickle",), library="numpy"),
    Sink(
        "B5",
        ("pandas.read_pickle",),
        ("always_unpickles", "hub_url_revision"),
        library="pandas",
        url_args=(Arg("filepath_or_buffer", 0),),
    ),
    Sink(
        "B6",
        (
            "pickle.load",
            "pickle.loads",
            "pickle.Unpickler",
            "_pickle.load",
            "_pickle.loads",
            "_pickle.Unpickler",
            "cPickle.load",
            "cPickle.loads",
            "cPickle.Unpickler",
            "dill.load",
            "dill.loads",
            "dill.Unpickler",
            "cloudpickle.load",
            "cloudpickle.loads",
            "joblib.load",
            "shelve.open",
            "shelve.DbfilenameShelf",
            "jsonpickle.decode",
            "jsonpickle.loads",
            "jsonpickle.unpickler.decode",
            "jsonpickle.Unpickler.restore",
            "jsonpickle.unpickler.Unpickler.restore",
            "marshal.load",
            "marshal.loads",
        ),
        ("always_unpickles",),
        library="pickle",
    ),
    Sink(
        "B7",
        (
            "keras.models.load_model",
            "keras.saving.load_model",
            "keras.saving.*.load_model",
            "tensorflow.keras.models.load_model",
            "tensorflow.keras.saving.load_model",
            "tf_keras.models.load_model",
        ),
        ("keras_safe_mode", "unpinned_revision"),
        repo=Arg("filepath", 0),
        revision_style="unpinnable",
        repo_prefixes=("hf://",),
        library="keras",
    ),
    Sink(
        "B7",
        ("keras.config.enable_unsafe_deserialization", "tensorflow.keras.config.enable_unsafe_deserialization"),
        ("always_unpickles",),
        library="keras",
    ),
    Sink("B8", ("skops.io.load", "skops.io.loads"), ("skops_trusted",), library="skops"),
    Sink(
        "B9",
        ("mlflow.pyfunc.load_model", "mlflow.sklearn.load_model", "mlflow.pytorch.load_model"),
        ("always_unpickles",),
        library="mlflow",
    ),
    Sink(
        "B10",
        (
            "langchain_community.vectorstores.*.load_local",
            "langchain.vectorstores.*.load_local",
            "langchain_community.retrievers.*.load_local",
        ),
        ("dangerous_deserialization_flag",),
        library="langchain",
    ),
    Sink(
        "B11",
        ("fastai.learner.load_learner", "fastai.basics.load_learner", "fastai.vision.all.load_learner"),
        ("always_unpickles",),
        library="fastai",
    ),
    Sink(
        "B11",
        ("huggingface_hub.from_pretrained_fastai",),
        ("always_unpickles", "unpinned_revision"),
        repo=Arg("repo_id", 0),
        revision=Arg("revision", 1),
        library="huggingface_hub",
    ),
    Sink("B12", ("ultralytics.YOLO", "ultralytics.RTDETR"), ("always_unpickles",), library="ultralytics"),
    Sink("B13", ("nemo.*.restore_from",), ("always_unpickles",), library="nemo"),
    Sink(
        "B13",
        ("nemo.*.from_pretrained",),
        ("always_unpickles", "unpinned_revision"),
        repo=Arg("model_name", 0),
        revision_style="unpinnable",
        library="nemo",
    ),
    replace(
        _CHECKPOINT_LOADER,
        names=("mmengine.runner.load_checkpoint", "mmengine.runner.checkpoint.load_checkpoint"),
        repo=Arg("filename", 1),
        repo_type="mmengine",
        library="mmengine",
    ),
    replace(
        _CHECKPOINT_LOADER,
        names=(
            "mmengine.runner.CheckpointLoader.load_checkpoint",
            "mmengine.runner.checkpoint.CheckpointLoader.load_checkpoint",
            "mmengine.runner.checkpoint._load_checkpoint",
        ),
        repo=Arg("filename", 0),
        repo_type="mmengine",
        library="mmengine",
    ),
    replace(
        _CHECKPOINT_LOADER,
        names=("mmengine.runner.Runner", "mmengine.runner.FlexibleRunner", "mmengine.runner.runner.Runner"),
        repo=Arg("load_from"),
        repo_type="mmengine",
        library="mmengine",
    ),
    replace(
        _CHECKPOINT_LOADER,
        names=("mmcv.runner.load_checkpoint", "mmcv.runner.checkpoint.load_checkpoint"),
        repo=Arg("filename", 1),
        repo_type="mmcv",
        library="mmcv",
    ),
    replace(
        _CHECKPOINT_LOADER,
        names=(
            "mmcv.runner.CheckpointLoader.load_checkpoint",
            "mmcv.runner.checkpoint.CheckpointLoader.load_checkpoint",
            "mmcv.runner.checkpoint._load_checkpoint",
        ),
        repo=Arg("filename", 0),
        repo_type="mmcv",
        library="mmcv",
    ),
    replace(  # init_detector, init_model, init_recognizer, ...: (config, checkpoint=None, ...)
        _CHECKPOINT_LOADER,
        names=tuple(f"{codebase}.apis.init_*" for codebase in OPENMMLAB_CODEBASES),
        repo=Arg("checkpoint", 1),
        repo_type="openmmlab",
        library="openmmlab",
    ),
    replace(  # DetInferencer, MMSegInferencer, ...: (model, weights=None, ...)
        _CHECKPOINT_LOADER,
        names=("mmdet.apis.*Inferencer", "mmseg.apis.*Inferencer", "mmdet3d.apis.*Inferencer"),
        repo=Arg("weights", 1),
        repo_type="openmmlab",
        library="openmmlab",
    ),
    # --- C. download only -------------------------------------------------------------------
    Sink(
        "C1",
        (
            "huggingface_hub.hf_hub_download",
            "huggingface_hub.snapshot_download",
            "huggingface_hub.hf_hub_url",
            "huggingface_hub.HfApi.hf_hub_download",
            "huggingface_hub.HfApi.snapshot_download",
            "huggingface_hub.file_download.hf_hub_download",
            "huggingface_hub._snapshot_download.snapshot_download",
        ),
        ("unpinned_revision",),
        repo=Arg("repo_id", 0),
        revision=Arg("revision"),
        loads_weights=False,
        library="huggingface_hub",
    ),
    # Dataframe readers: hf:// paths (HfFileSystem) and huggingface.co URLs are hub files at a revision.
    Sink(
        "C1",
        tuple(f"pandas.read_{kind}" for kind in ("csv", "parquet", "json", "feather", "orc", "table", "excel")),
        ("hub_url_revision",),
        loads_weights=False,
        library="pandas",
        url_args=(Arg("filepath_or_buffer", 0),),
    ),
    Sink(
        "C1",
        tuple(f"polars.{verb}_{kind}" for verb in ("read", "scan") for kind in ("csv", "parquet", "ndjson", "ipc")),
        ("hub_url_revision",),
        loads_weights=False,
        library="polars",
        url_args=(Arg("source", 0),),
    ),
    Sink(
        "C1",
        ("duckdb.sql", "duckdb.read_parquet", "duckdb.read_csv", "duckdb.read_json"),
        ("hub_url_revision",),
        loads_weights=False,
        library="duckdb",
        url_args=(Arg("query", 0), Arg("path_or_buffer", 0)),
    ),
    Sink(
        "C3",
        ("torch.hub.download_url_to_file",),
        ("unpinned_revision",),
        hub="url",
        repo_type="url",
        repo=Arg("url", 0),
        revision=Arg("hash_prefix", 2),
        revision_style="url-hash-prefix",
        library="torch.hub",
    ),
    Sink(
        "C2",
        ("timm.create_model", "timm.models.create_model"),
        ("unpinned_revision",),
        repo=Arg("model_name", 0),
        revision_style="hf-hub-suffix",
        repo_prefixes=("hf-hub:", "hf_hub:"),
        library="timm",
    ),
    Sink(
        "C2",
        (
            "open_clip.create_model",
            "open_clip.create_model_and_transforms",
            "open_clip.create_model_from_pretrained",
        ),
        ("unpinned_revision",),
        repo=Arg("model_name", 0),
        revision_style="unpinnable",
        repo_prefixes=("hf-hub:", "hf_hub:"),
        library="open_clip",
    ),
)

# Checks that apply to any call, whatever the callee, keyed by the keyword that triggers them.
GENERIC_KEYWORD_CHECKS: dict[str, str] = {
    "trust_remote_code": "trust_remote_code",
    "custom_generate": "custom_generate",
    "allow_dangerous_deserialization": "dangerous_deserialization_flag",
}

SINK_ROOT_MODULES: frozenset[str] = frozenset(
    pattern.split(".", 1)[0] for sink in SINKS for pattern in sink.names
)

# datasets' packaged builders: load_dataset("json", ...) reads local files, not a hub repo.
PACKAGED_DATASET_BUILDERS = frozenset(
    {"json", "csv", "parquet", "arrow", "text", "imagefolder", "audiofolder", "videofolder", "webdataset",
     "pandas", "sql", "generator", "spark", "xml", "pdffolder", "niftifolder", "hdf5", "eval", "lance"}
)


UNPINNABLE_STYLES = frozenset({"ignored", "unpinnable"})
URL_STYLES = frozenset({"url-check-hash", "url-hash-prefix", "checkpoint"})  # a URL's content, pinned by hash only

# ModelScope's Model.from_pretrained and pipeline force trust_remote_code for these owners
# (utils/automodel_utils.py :: check_model_from_owner_group, modelscope >= 1.29).
MODELSCOPE_TRUSTED_OWNERS = frozenset({"iic", "damo"})
# modelscope < 1.38 checks a model revision against the repository's branches and tags, so a commit SHA
# fails (hub/api.py :: get_valid_revision_detail); 1.38 hands it to the server.
MODELSCOPE_PINS_COMMITS = (1, 38)


@lru_cache(maxsize=4096)
def find_sink(qualified_name: str) -> Sink | None:
    for sink in SINKS:
        if sink.matches(qualified_name):
            return sink
    return None
