"""How far the resolver follows a value: at most 8 steps from a call's argument to the literal it ends in.

A step is a name to the value bound to it, ``self.x`` to what the class assigns it, or an expression to one of
its parts (an operand of ``+``, an f-string field, an argument of ``str()`` or ``dict()``, an item of a dict).
Past the eighth step the value is reported as a run-time value, which is also what ends cycles such as
``a = b`` / ``b = a``. Every kind of step must count exactly once: counting one twice would hide constants a
reviewer sees, and not counting one would follow values further than the resolver promises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding
from hubguard.static.engine import scan_paths

MAX_STEPS = 8  # hubguard.static.values._MAX_DEPTH
SHA = "0123456789abcdef0123456789abcdef01234567"


@dataclass(frozen=True)
class Shape:
    """A call whose argument reaches a literal through steps of its own and a chain of names between them."""

    code: str  # ``{chain}``: the chain's assignments, one per line at that indentation; ``{value}``: its last name
    leaf: str  # what the chain's first name is bound to
    steps: int  # steps from the call's argument to ``{value}``
    leaf_steps: int = 0  # steps from ``leaf`` to the literal inside it


def _in_function(call: str) -> str:
    return f"def load(tmp_path):\n    {{chain}}\n    {call}\n"


def _pinned_load(options: str) -> str:
    """A load of a pinned model with ``options`` after the revision."""
    return _in_function(f'AutoModel.from_pretrained("org/m", revision="{SHA}", {options})')


def _program(shape: Shape, total_steps: int) -> str:
    """``shape`` with a chain of names just long enough that the literal is ``total_steps`` steps away."""
    links = total_steps - shape.steps - shape.leaf_steps  # value_1 = leaf; value_k = value_(k-1), a step each
    assert links >= 1
    indent = shape.code.split("{chain}")[0].rsplit("\n", 1)[-1]
    chain = [f"value_1 = {shape.leaf}", *(f"value_{k} = value_{k - 1}" for k in range(2, links + 1))]
    code = shape.code.replace("{chain}", f"\n{indent}".join(chain)).replace("{value}", f"value_{links}")
    return f"import datasets\nfrom huggingface_hub import HfApi\nfrom transformers import AutoModel\n\n\n{code}"


def _findings(tmp_path: Path, source: str) -> list[Finding]:
    path = tmp_path / "case.py"
    path.write_text(source, encoding="utf-8")
    return scan_paths([path], Config(), tmp_path).findings


def _summary(findings: list[Finding]) -> list[tuple[str, str, object]]:
    return sorted((f.rule_id, f.level.value, f.properties.get("repoId")) for f in findings)


_REPO_FOUND = [("HG201", "warning", "org/deep")]  # a hub ID without a revision
_REPO_UNKNOWN = [("HG201", "note", None)]  # "if that is a hub ID"
_TRUST_FOUND = [("HG101", "warning", "org/m")]  # trust_remote_code=True on a pinned model
_TRUST_UNKNOWN = [("HG101", "note", "org/m")]  # a trust flag that may be enabled at run time

# shape, what is reported when the literal is reached, and what is reported when it is not
SHAPES: dict[str, tuple[Shape, list[tuple[str, str, object]], list[tuple[str, str, object]]]] = {
    "names": (Shape(_in_function("AutoModel.from_pretrained({value})"), '"org/deep"', 0), _REPO_FOUND, _REPO_UNKNOWN),
    "left operand of +": (
        Shape(_in_function('AutoModel.from_pretrained({value} + "/deep")'), '"org"', 1),
        _REPO_FOUND,
        _REPO_UNKNOWN,
    ),
    "right operand of +": (
        Shape(_in_function('AutoModel.from_pretrained("org/" + {value})'), '"deep"', 1),
        _REPO_FOUND,
        _REPO_UNKNOWN,
    ),
    "f-string field": (
        Shape(_in_function('AutoModel.from_pretrained(f"org/{{value}}")'), '"deep"', 1),
        _REPO_FOUND,
        _REPO_UNKNOWN,
    ),
    "str() of a temporary folder": (
        Shape(_in_function("AutoModel.from_pretrained(str({value}))"), "tmp_path", 1),
        [],  # a local folder: nothing to pin
        _REPO_UNKNOWN,
    ),
    "dict() keyword": (
        Shape(_pinned_load("**dict(trust_remote_code={value})"), "True", 1),
        _TRUST_FOUND,
        _TRUST_UNKNOWN,
    ),
    "dict() spread": (
        Shape(
            _pinned_load("**dict(**{value})"),
            '{"trust_remote_code": True}',
            1,
            leaf_steps=1,
        ),
        _TRUST_FOUND,
        [],  # the dict's keys are past the limit too: no trust_remote_code keyword is seen
    ),
    "dict key": (
        Shape(_pinned_load("**{{value}: True}"), '"trust_remote_code"', 1),
        _TRUST_FOUND,
        [],  # a key not known is no keyword
    ),
    "dict value": (
        Shape(_pinned_load('**{"trust_remote_code": {value}}'), "True", 1),
        _TRUST_FOUND,
        _TRUST_UNKNOWN,
    ),
    "dict spread in a dict": (
        Shape(
            _pinned_load("**{**{value}}"),
            '{"trust_remote_code": True}',
            1,
            leaf_steps=1,
        ),
        _TRUST_FOUND,
        [],
    ),
    "callee alias": (Shape(_in_function('{value}.from_pretrained("org/deep")'), "AutoModel", 0), _REPO_FOUND, []),
    "instance of an API class": (
        Shape(_in_function('{value}.snapshot_download("org/deep")'), "HfApi()", 0, leaf_steps=1),
        _REPO_FOUND,
        [],
    ),
    "method of a call": (Shape(_in_function('{value}().snapshot_download("org/deep")'), "HfApi", 1), _REPO_FOUND, []),
    "instance of an alias": (
        Shape(_in_function('api = {value}()\n    api.snapshot_download("org/deep")'), "HfApi", 2),
        _REPO_FOUND,
        [],
    ),
    "bound method": (  # the pinned load keeps the module past the prefilter, which reads callee names only
        Shape(
            _in_function(f'AutoModel.from_pretrained("org/m", revision="{SHA}")\n    {{value}}("org/deep")'),
            "HfApi().snapshot_download",
            0,
            leaf_steps=1,
        ),
        _REPO_FOUND,
        [],
    ),
    "parameter default": (
        Shape("{chain}\n\n\ndef load(model_id={value}):\n    AutoModel.from_pretrained(model_id)\n", '"org/deep"', 1),
        _REPO_FOUND,
        _REPO_UNKNOWN,
    ),
    "operand of not": (
        Shape(_pinned_load("trust_remote_code=not {value}"), "False", 1),
        _TRUST_FOUND,
        _TRUST_UNKNOWN,
    ),
    "attribute of a temporary folder": (
        Shape(_in_function("AutoModel.from_pretrained({value}.parent)"), "tmp_path", 1),
        [],
        _REPO_UNKNOWN,
    ),
    "list item": (
        Shape(_in_function('datasets.load_dataset("json", data_files=[{value}])'), '"hf://datasets/org/deep/x.json"', 1),
        [("HG201", "warning", "org/deep")],
        [],  # a run-time value inside a list: no URL is read from it
    ),
    "self.x assigned once": (
        Shape(
            "class Loader:\n"
            "    def __init__(self):\n"
            "        {chain}\n"
            "        self.model_id = {value}\n\n"
            "    def load(self):\n"
            "        return AutoModel.from_pretrained(self.model_id)\n",
            '"org/deep"',
            1,
        ),
        _REPO_FOUND,
        _REPO_UNKNOWN,
    ),
}


@pytest.mark.parametrize("name", SHAPES)
def test_a_literal_eight_steps_away_is_resolved_and_nine_steps_away_is_not(tmp_path: Path, name: str) -> None:
    shape, resolved, unresolved = SHAPES[name]
    assert _summary(_findings(tmp_path, _program(shape, MAX_STEPS))) == resolved
    assert _summary(_findings(tmp_path, _program(shape, MAX_STEPS + 1))) == unresolved


def test_past_the_limit_the_message_names_the_expression_the_resolver_stopped_at(tmp_path: Path) -> None:
    shape = Shape(_in_function('AutoModel.from_pretrained("org/deep", revision={value})'), '"main"', 0)
    # revision=value_10, value_10 = value_9, ..., value_1 = "main": the ninth step reaches value_1, whose value is past the limit
    [finding] = _findings(tmp_path, _program(shape, MAX_STEPS + 2))
    assert (finding.rule_id, finding.level.value) == ("HG201", "note")
    assert "at revision value_1, which is not known to be a commit SHA" in finding.message
