# corpus-rows: A1 C1
"""More shapes of the two facts that make a load's folder local: an existence check the load runs under (early
return, continue, break, sys.exit, and/or conditions, try/except/finally, match, with, Path methods) and a write
the code made before it (torch.save, mlflow's path=, Path.mkdir, module-level folders). A check of something else,
a check that does not leave, or a remote file system's exists() keeps the load a hub reference."""

import os
import sys
from os.path import isdir, isfile
from pathlib import Path

import fsspec
import mlflow
import torch
from huggingface_hub import snapshot_download
from transformers import AutoModel, AutoTokenizer

EXPORT_DIR = os.environ["EXPORT_DIR"]
os.makedirs(EXPORT_DIR, exist_ok=True)


def load_after_early_return(path):
    if not os.path.isdir(path):
        return None
    return AutoModel.from_pretrained(path)  # expect-clean


def load_each_existing(paths):
    for path in paths:
        if not os.path.exists(path):
            continue
        yield AutoModel.from_pretrained(path)  # expect-clean


def load_first_existing(paths):
    for path in paths:
        if not isdir(path):
            break
        return AutoModel.from_pretrained(path)  # expect-clean


def load_or_exit(path):
    if not isdir(path):
        sys.exit(f"no folder {path}")
    return AutoModel.from_pretrained(path)  # expect-clean


def load_after_a_check_with_an_else(path):
    if not isdir(path):
        raise FileNotFoundError(path)
    else:
        print(f"loading {path}")
    return AutoModel.from_pretrained(path)  # expect-clean


def load_after_a_check_that_leaves_in_its_else(path):
    if isdir(path):
        print(f"loading {path}")
    else:
        raise FileNotFoundError(path)
    return AutoModel.from_pretrained(path)  # expect-clean


def load_after_a_check_whose_else_stays(path):
    if isdir(path):
        print(f"loading {path}")
    else:
        print(f"downloading {path}")
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_after_a_missing_check_whose_else_leaves(path):
    if not isdir(path):
        print(f"downloading {path}")
    else:
        return None
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_after_a_warning(path):
    if not isdir(path):
        print(f"{path} is not a local folder, downloading it")
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_after_a_validation(path, validate):
    if not validate(path):
        raise ValueError(path)
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_after_checking_another_file(model_name, weights_file):
    if not isfile(weights_file):
        raise FileNotFoundError(weights_file)
    return AutoModel.from_pretrained(model_name)  # expect: HG201@note:model_name


def load_after_a_keyword_check(model_name, weights_file):
    if not isfile(path=weights_file):
        raise FileNotFoundError(weights_file)
    return AutoModel.from_pretrained(model_name)  # expect: HG201@note:model_name


def load_after_a_registry_check(path, checks):
    if not checks["folder"](path):
        raise FileNotFoundError(path)
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_after_a_remote_check(path):
    if not fsspec.filesystem("s3").exists(path):
        raise FileNotFoundError(path)
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_path_object(checkpoint: Path):
    if checkpoint.is_dir():
        return AutoModel.from_pretrained(checkpoint)  # expect-clean
    return AutoModel.from_pretrained(checkpoint)  # expect: HG201@note:checkpoint


def load_with_a_config(path):
    if not Path(path, "config.json").is_file():
        raise FileNotFoundError(path)
    return AutoModel.from_pretrained(path)  # expect: HG201@note:path


def load_if_both(path, use_local):
    if isdir(path) and use_local:
        return AutoModel.from_pretrained(path)  # expect-clean
    if os.path.exists(os.path.join(path, "config.json")) and use_local:
        return AutoModel.from_pretrained(path)  # expect: HG201@note:path
    if isdir(path) or use_local:
        return AutoModel.from_pretrained(path)  # expect: HG201@note:path
    return None


def load_unless_refreshing(path, refresh):
    if not isdir(path) or refresh:
        tokenizer = AutoTokenizer.from_pretrained(path)  # expect: HG201@note:path
    else:
        tokenizer = AutoTokenizer.from_pretrained(path)  # expect-clean
    return tokenizer


def load_after_either_missing(path):
    if not isdir(path) or not isfile(os.path.join(path, "config.json")):
        raise FileNotFoundError(path)
    return AutoModel.from_pretrained(path)  # expect-clean


def load_in_blocks(path, kind):
    try:
        model = AutoModel.from_pretrained(path)  # expect: HG201@note:path
    except OSError:
        if not isdir(path):
            raise
        model = AutoModel.from_pretrained(path, local_files_only=True)  # expect-clean
    finally:
        if not isdir(path):
            raise FileNotFoundError(path)
        tokenizer = AutoTokenizer.from_pretrained(path)  # expect-clean
    match kind:
        case "tokenizer":
            if not isdir(path):
                raise FileNotFoundError(path)
            return AutoTokenizer.from_pretrained(path)  # expect-clean
    with open(os.path.join(path, "README.md")) as readme:
        if not isdir(path):
            raise FileNotFoundError(path)
        return model, tokenizer, AutoModel.from_pretrained(path), readme.read()  # expect-clean


def load_or_stop(path, interactive):
    if interactive:
        if not isdir(path):
            exit(1)  # noqa: PLR1722
        return AutoModel.from_pretrained(path)  # expect-clean
    if not isdir(path):
        quit()  # noqa: PLR1722
    return AutoModel.from_pretrained(path)  # expect-clean


def save_then_load(model, checkpoint):
    torch.save(model, checkpoint)
    restored = AutoModel.from_pretrained(checkpoint)  # expect-clean
    return restored


def save_by_keyword_then_load(model, checkpoint):
    torch.save(model, f=checkpoint)
    restored = AutoModel.from_pretrained(checkpoint)  # expect-clean
    return restored


def save_without_a_file_then_load(model, checkpoint):
    torch.save(model)
    return AutoModel.from_pretrained(checkpoint)  # expect: HG201@note:checkpoint


def train_then_load(trainer, output_dir):
    trainer.save_model()
    return AutoModel.from_pretrained(output_dir)  # expect: HG201@note:output_dir


def export_then_load(model, export_dir):
    mlflow.transformers.save_model(transformers_model=model, path=export_dir)
    return AutoModel.from_pretrained(export_dir)  # expect-clean


def make_then_load(folder: Path, other: Path):
    folder.mkdir(parents=True)
    Path(other, "cache").mkdir()
    made = AutoModel.from_pretrained(folder)  # expect-clean
    also_made = AutoModel.from_pretrained(Path(other, "cache"))  # expect-clean
    return made, also_made, AutoModel.from_pretrained(other)  # expect: HG201@note:other


def load_from_module_folder():
    return AutoModel.from_pretrained(EXPORT_DIR)  # expect-clean


def mirror(model_name):
    folder = snapshot_download(repo_id="org/mirrored", local_dir="org/mirrored")  # expect: HG201@warning:repo_id=
    return folder, AutoModel.from_pretrained("org/mirrored")  # expect-clean
