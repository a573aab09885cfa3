# corpus-rows: A1
"""str() and dict() are the builtins only while nothing in scope rebinds them, and a class or function defined
over an imported loader's name is that class or function: a rebound name says nothing about what it returns."""

import json

from checkpoints import find_checkpoint
from torch import load
from transformers import AutoModel, AutoTokenizer

SHA = "2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"


class AutoTokenizer:  # the project's own stand-in, defined over the import
    @classmethod
    def from_pretrained(cls, name):
        return name


def load(path):  # the project's own loader, defined over the import
    with open(path) as fh:
        return json.load(fh)


def tokenizer():
    return AutoTokenizer.from_pretrained("org/tokenizer")  # expect-clean


settings = load("settings.json")  # expect-clean


def test_saved_model(tmp_path):
    return AutoModel.from_pretrained(str(tmp_path))  # expect-clean


def test_found_checkpoint(tmp_path):
    return AutoModel.from_pretrained(find_checkpoint(tmp_path))  # expect: HG201@note:find_checkpoint(tmp_path)


def test_registered_name(tmp_path, registry):
    str = registry.name_for  # not the builtin: it may well map a folder to a hub ID
    return AutoModel.from_pretrained(str(tmp_path))  # expect: HG201@note:str(tmp_path)


def load_with_builtin_dict():
    return AutoModel.from_pretrained("org/options", **dict(revision=SHA))  # expect-clean


def load_with_project_options(project):
    dict = project.options  # may drop or replace the revision it is given
    return AutoModel.from_pretrained("org/options", **dict(revision=SHA))  # expect: HG201@warning:"org/options"
