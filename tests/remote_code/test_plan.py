from __future__ import annotations

from typing import Any

import pytest

from hubguard.remote_code import CallCode, CodeModule, CodePlan, CrossRepoRef, plan_code


def plan(
    configs: dict[str, Any],
    other_files: tuple[str, ...] = (),
    *,
    repo_type: str = "model",
    runs_remote_code: bool = True,
    imports_repo_code: bool = False,
) -> CodePlan:
    files = {path: 100 for path in (*configs, *other_files)}
    return plan_code(
        files,
        configs.get,
        repo_type=repo_type,
        runs_remote_code=runs_remote_code,
        imports_repo_code=imports_repo_code,
    )


def test_config_auto_map_string_values() -> None:
    result = plan(
        {
            "config.json": {
                "auto_map": {
                    "AutoConfig": "configuration_x.XConfig",
                    "AutoModelForCausalLM": "modeling_x.XForCausalLM",
                    "AutoModel": "modeling_x.XModel",
                }
            }
        },
        ("configuration_x.py", "modeling_x.py"),
    )
    assert result.modules == [
        CodeModule("configuration_x.py", ("XConfig",), "config.json auto_map AutoConfig"),
        CodeModule(
            "modeling_x.py",
            ("XForCausalLM", "XModel"),
            "config.json auto_map AutoModelForCausalLM; config.json auto_map AutoModel",
        ),
    ]
    assert result.configs_read == ["config.json"]
    assert result.cross_repo == [] and result.notes == []


def test_tokenizer_auto_map_slow_fast_list_with_null() -> None:
    result = plan(
        {"tokenizer_config.json": {"auto_map": {"AutoTokenizer": ["tokenization_x.XTokenizer", None]}}},
        ("tokenization_x.py",),
    )
    assert result.module_paths == ["tokenization_x.py"]
    assert result.modules[0].classes == ("XTokenizer",)


def test_legacy_tokenizer_auto_map_as_bare_list() -> None:
    result = plan(
        {"tokenizer_config.json": {"auto_map": [None, "tokenization_fast.XTokenizerFast"]}},
        ("tokenization_fast.py",),
    )
    assert result.modules == [
        CodeModule("tokenization_fast.py", ("XTokenizerFast",), "tokenizer_config.json auto_map AutoTokenizer")
    ]


@pytest.mark.parametrize(
    "config_name",
    ["preprocessor_config.json", "processor_config.json", "video_preprocessor_config.json"],
)
def test_processor_configs_auto_map(config_name: str) -> None:
    result = plan({config_name: {"auto_map": {"AutoProcessor": "processing_x.XProcessor"}}}, ("processing_x.py",))
    assert result.module_paths == ["processing_x.py"]
    assert result.modules[0].reason == f"{config_name} auto_map AutoProcessor"


def test_cross_repo_reference_is_reported_not_resolved_locally() -> None:
    result = plan({"config.json": {"auto_map": {"AutoModel": "other-org/code-repo--modeling_y.YModel"}}})
    assert result.cross_repo == [
        CrossRepoRef("other-org/code-repo", "modeling_y", "YModel", "config.json auto_map AutoModel")
    ]
    assert result.modules == []


def test_missing_module_file_becomes_a_note() -> None:
    result = plan({"config.json": {"auto_map": {"AutoModel": "modeling_gone.GoneModel"}}})
    assert result.modules == []
    assert result.notes == [
        "config.json auto_map AutoModel names modeling_gone.py, which is not in the repository (the load would fail)"
    ]


def test_dotted_module_maps_to_package_path() -> None:
    result = plan({"config.json": {"auto_map": {"AutoModel": "models.core.CoreModel"}}}, ("models/core.py",))
    assert result.module_paths == ["models/core.py"]


def test_module_name_falls_back_to_package_init() -> None:
    result = plan({"config.json": {"auto_map": {"AutoModel": "mypkg.Model"}}}, ("mypkg/__init__.py",))
    assert result.module_paths == ["mypkg/__init__.py"]


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd.Model",
        "/abs/modeling.Model",
        "..modeling.Model",
        "modeling x.Model",
        "modeling\x00.Model",
        "modeling.Model; rm -rf",
        "modeling.",
        "NoDotAtAll",
        "evil/../repo--modeling.Model",
        "a/b/c--modeling.Model",
        "org/re..po--modeling.Model",
    ],
)
def test_hostile_auto_map_values_are_refused_and_reported(hostile: str) -> None:
    files = ("modeling.py", "etc/passwd.py", "abs/modeling.py")
    result = plan({"config.json": {"auto_map": {"AutoModel": hostile}}}, files)
    assert result.modules == [] and result.cross_repo == [] and result.notes == []
    (refused,) = result.refused
    assert refused.startswith("config.json auto_map AutoModel: refused the name (")
    assert refused.endswith("); the code it names was not scanned")
    assert "\x00" not in refused


def test_hostile_names_that_would_not_run_are_only_noted() -> None:
    result = plan({"config.json": {"auto_map": {"AutoModel": "..escape.Cfg"}}}, runs_remote_code=False)
    assert result.refused == []
    assert result.notes == [
        "config.json auto_map AutoModel: skipped unsafe module name: '..escape'; it runs only with trust_remote_code=True"
    ]


@pytest.mark.parametrize("value", [42, {"nested": "modeling.Model"}, True, [1, 2]])
def test_non_string_auto_map_values_are_noted(value: object) -> None:
    result = plan({"config.json": {"auto_map": {"AutoModel": value}}}, ("modeling.py",))
    assert result.modules == []
    assert result.notes and "ignored non-string value" in result.notes[0]


def test_auto_map_that_is_not_an_object() -> None:
    result = plan({"config.json": {"auto_map": "modeling.Model"}}, ("modeling.py",))
    assert result.modules == [] and "auto_map is not an object" in result.notes[0]


def test_hostile_key_is_rendered_printable() -> None:
    result = plan({"config.json": {"auto_map": {"Auto\x1b[31mModel\n": "modeling.Model"}}}, ("modeling.py",))
    assert result.modules[0].reason == "config.json auto_map Auto[31mModel"


def test_custom_pipelines_impl() -> None:
    result = plan(
        {
            "config.json": {
                "custom_pipelines": {
                    "text-classification": {"impl": "my_pipeline.MyPipeline", "pt": ["AutoModel"]},
                    "broken": {"pt": []},
                }
            }
        },
        ("my_pipeline.py",),
    )
    assert result.modules == [
        CodeModule("my_pipeline.py", ("MyPipeline",), "config.json custom_pipelines text-classification")
    ]
    assert result.notes == ["config.json custom_pipelines broken: no impl in {'pt': []}"]


def test_gated_code_is_noted_when_remote_code_is_off() -> None:
    result = plan(
        {"config.json": {"auto_map": {"AutoModel": "modeling.Model", "AutoConfig": "o/r--configuration.C"}}},
        ("modeling.py",),
        runs_remote_code=False,
    )
    assert result.modules == [] and result.cross_repo == []
    assert result.notes == [
        "config.json auto_map AutoModel names modeling.py; it runs only with trust_remote_code=True",
        "config.json auto_map AutoConfig names code in o/r; it runs only with trust_remote_code=True",
    ]


def test_diffusers_model_index_custom_pipeline_and_components() -> None:
    result = plan(
        {
            "model_index.json": {
                "_class_name": ["pipeline_custom", "CustomPipeline"],
                "_diffusers_version": "0.30.0",
                "unet": ["my_unet", "MyUNet"],
                "vae": ["diffusers", "AutoencoderKL"],
                "text_encoder": ["transformers", "CLIPTextModel"],
                "safety_checker": [None, None],
                "scheduler": ["some_installed_lib", "Scheduler"],
            }
        },
        ("pipeline_custom.py", "unet/my_unet.py", "unet/config.json"),
    )
    assert result.modules == [
        CodeModule("pipeline_custom.py", ("CustomPipeline",), "model_index.json _class_name"),
        CodeModule("unet/my_unet.py", ("MyUNet",), "model_index.json unet"),
    ]
    assert result.notes == [
        "model_index.json scheduler imports 'some_installed_lib' from an installed package, not from the repository"
    ]


def test_diffusers_hostile_component_library() -> None:
    result = plan({"model_index.json": {"unet": ["../../x", "C"], "vae": [7, "C"]}}, ("x.py",))
    assert result.modules == []
    assert result.notes == ["model_index.json vae: ignored non-string value [7, 'C']"]
    assert result.refused == [
        "model_index.json unet: refused the name (unsafe module name: '../../x'); the code it names was not scanned"
    ]


def test_diffusers_custom_pipeline_file_is_listed() -> None:
    result = plan({}, ("pipeline.py", "README.md"))
    assert result.module_paths == ["pipeline.py"]


def test_sentence_transformers_custom_module() -> None:
    result = plan(
        {
            "modules.json": [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Custom", "type": "custom_st.CustomPooling"},
                {"idx": 2, "name": "2", "path": "2_Other", "type": "installed_package.Module"},
                "garbage",
            ]
        },
        ("1_Custom/custom_st.py",),
    )
    assert result.modules == [
        CodeModule("1_Custom/custom_st.py", ("CustomPooling",), "modules.json type custom_st.CustomPooling")
    ]
    assert result.notes == [
        "modules.json type installed_package.Module imports 'installed_package' from an installed package,"
        " not from the repository",
        "modules.json: ignored entry 'garbage'",
    ]


def test_sentence_transformers_modules_json_not_a_list() -> None:
    result = plan({"modules.json": {"type": "x.Y"}})
    assert result.notes == ["modules.json is not a list: {'type': 'x.Y'}"]


def test_dataset_repo_root_scripts_run_without_trust_flag() -> None:
    result = plan({}, ("my_dataset.py", "helpers.py", "data/train.py", "README.md"), repo_type="dataset",
                  runs_remote_code=False)
    assert result.module_paths == ["helpers.py", "my_dataset.py"]
    assert all(module.reason.startswith("datasets loading script") for module in result.modules)


def test_model_repo_root_scripts_are_not_dataset_scripts() -> None:
    assert plan({}, ("my_dataset.py",)).modules == []


def test_custom_generate() -> None:
    result = plan({}, ("custom_generate/generate.py", "custom_generate/requirements.txt"))
    assert result.module_paths == ["custom_generate/generate.py"]
    assert any("requirements.txt" in note for note in result.notes)


def test_mlx_model_file() -> None:
    result = plan({"config.json": {"model_file": "arch/model.py"}}, ("arch/model.py",), runs_remote_code=False)
    assert result.modules == [CodeModule("arch/model.py", (), "mlx config.json model_file")]


@pytest.mark.parametrize("value", ["../outside.py", "/etc/passwd", "a/../../b.py"])
def test_mlx_model_file_hostile(value: str) -> None:
    result = plan({"config.json": {"model_file": value}}, ("outside.py", "b.py"))
    assert result.modules == [] and result.notes == []
    assert len(result.refused) == 1 and repr(value) in result.refused[0]


def test_mlx_model_file_not_a_string() -> None:
    result = plan({"config.json": {"model_file": 5}}, ("outside.py",))
    assert result.modules == [] and result.refused == [] and len(result.notes) == 1


def test_sentence_transformers_module_path_escaping_the_repo_is_refused() -> None:
    result = plan({"modules.json": [{"idx": 0, "path": "../../x", "type": "custom_st.Pool"}]}, ("custom_st.py",))
    assert result.modules == []
    assert result.refused == [
        "modules.json type custom_st.Pool module path: refused the name (unsafe path: '../../x'); "
        "the code it names was not scanned"
    ]


def test_cross_repo_code_is_fetched_at_code_revision_or_the_default_branch() -> None:
    configs = {"config.json": {"auto_map": {"AutoModel": "org/code--modeling_y.Y"}}}
    assert plan(configs).cross_repo[0].revision is None
    pinned = plan_code(
        {"config.json": 10}, configs.get, repo_type="model", runs_remote_code=True, call=CallCode(code_revision="c" * 40)
    )
    assert pinned.cross_repo == [CrossRepoRef("org/code", "modeling_y", "Y", "config.json auto_map AutoModel", "c" * 40)]
    assert pinned.code_revision == "c" * 40


def test_repositories_the_call_names() -> None:
    call = CallCode(custom_pipeline="org/pipe", custom_revision="v1", custom_generate="org/gen")
    result = plan_code({}, {}.get, repo_type="model", runs_remote_code=True, call=call)
    assert result.call_repos == [
        CrossRepoRef("org/pipe", "pipeline", "pipeline", "custom_pipeline", "v1"),
        CrossRepoRef("org/gen", "custom_generate.generate", "generate", "custom_generate", None),
    ]


def test_call_named_community_pipeline_and_hostile_repo() -> None:
    community = plan_code({}, {}.get, repo_type="model", runs_remote_code=True, call=CallCode(custom_pipeline="lpw"))
    assert community.call_repos == [] and "community pipeline" in community.notes[0]
    hostile = plan_code({}, {}.get, repo_type="model", runs_remote_code=True, call=CallCode(custom_generate="a/../b"))
    assert hostile.call_repos == [] and "refused" in hostile.refused[0]


def test_modelscope_plugins_and_allow_remote() -> None:
    result = plan(
        {"configuration.json": {"framework": "pytorch", "plugins": ["my-plugin==1.0", 3], "allow_remote": True}},
        ("ms_wrapper.py", "sub/inner.py", "requirements.txt"),
        runs_remote_code=False,
        imports_repo_code=True,
    )
    assert result.pip_plugins == ["my-plugin==1.0"]
    assert result.module_paths == ["ms_wrapper.py", "sub/inner.py"]  # the whole repository, not only its root
    assert result.pip_requirements == ["requirements.txt"]
    assert "allow_remote" in result.modules[0].reason
    assert any("pip-installed" in note for note in result.notes)
    assert any("ignored 3" in note for note in result.notes)


def test_modelscope_allow_remote_must_be_true_exactly() -> None:
    configuration = {"configuration.json": {"allow_remote": "yes"}}
    result = plan(configuration, ("ms_wrapper.py",), runs_remote_code=False, imports_repo_code=True)
    assert result.modules == [] and result.pip_plugins == [] and result.pip_requirements == []


def test_modelscope_trust_imports_every_module_without_any_configuration() -> None:
    files = (
        "ms_wrapper.py", "models/__init__.py", "models/net.py", "__hidden.py", "__pycache__/x.py", "tools/setup.md",
        "requirements.txt", "docker/requirements-gpu.txt", "config.json", "weights.bin",
    )
    result = plan({}, files, imports_repo_code=True)
    assert result.module_paths == ["models/__init__.py", "models/net.py", "ms_wrapper.py"] and result.imports_all
    assert result.pip_requirements == ["docker/requirements-gpu.txt", "requirements.txt"]
    assert plan({}, files, imports_repo_code=True, runs_remote_code=False).modules == []


def test_configuration_json_is_modelscope_only() -> None:
    configuration = {"configuration.json": {"plugins": ["evil"], "allow_remote": True}}
    result = plan(configuration, ("ms_wrapper.py", "requirements.txt"))  # transformers never reads it
    assert result.modules == [] and result.pip_plugins == [] and result.pip_requirements == []


def test_torch_hub_hubconf() -> None:
    assert plan({}, ("hubconf.py", "models/net.py"), repo_type="github").module_paths == ["hubconf.py"]
    missing = plan({}, ("README.md",), repo_type="github")
    assert missing.modules == [] and "hubconf.py" in missing.notes[0]
    # A GitHub repo that also ships a transformers config: torch.hub never runs what auto_map names.
    both = plan({"config.json": {"auto_map": {"AutoModel": "modeling_x.X"}}}, ("hubconf.py", "modeling_x.py"),
                repo_type="github")
    assert both.module_paths == ["hubconf.py"] and both.configs_read == []


def test_smolagents_space_tool() -> None:
    assert plan({}, ("tool.py", "app.py"), repo_type="space").module_paths == ["tool.py"]


def test_unreadable_and_oversized_configs_are_noted() -> None:
    files = {"config.json": 10, "tokenizer_config.json": 50 * 1024 * 1024}
    result = plan_code(files, lambda path: None, repo_type="model", runs_remote_code=True)
    assert result.configs_read == []
    assert result.notes[0] == "config.json could not be read as JSON"
    assert "tokenizer_config.json is 52428800 bytes" in result.notes[1]


def test_each_config_is_read_once() -> None:
    calls: list[str] = []

    def read_json(path: str) -> Any:
        calls.append(path)
        return {"auto_map": {"AutoModel": "modeling.M"}, "model_file": "modeling.py"}

    plan_code({"config.json": 1, "modeling.py": 1}, read_json, repo_type="model", runs_remote_code=True)
    assert calls == ["config.json"]


def test_config_that_is_not_an_object_is_ignored() -> None:
    result = plan({"config.json": ["not", "a", "dict"]}, ("modeling.py",))
    assert result.modules == [] and result.configs_read == ["config.json"]
