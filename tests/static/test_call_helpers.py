"""Helpers of the call model whose edge cases no realistic corpus line reaches."""

from __future__ import annotations

import ast

from hubguard.static.calls import fstring_matches, parse_key_values, torch_hash_prefix
from hubguard.static.values import Known


def _template(source: str) -> ast.JoinedStr:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.JoinedStr)
    return node


def test_four_literal_characters_are_enough_to_recognise_a_saved_folder() -> None:
    assert fstring_matches(_template('f"{run}-sft"'), "llama-sft")
    assert not fstring_matches(_template('f"{run}-ft"'), "llama-ft")  # three could be anything


def test_the_literal_parts_count_together_not_with_separators_between_them() -> None:
    assert not fstring_matches(_template('f"{org}-{run}-"'), "acme-7b-")


def test_a_file_name_with_a_folder_is_searched_whole_as_torch_hub_does() -> None:
    assert torch_hash_prefix("release-2024.05/resnet18.pth") == "2024"
    assert torch_hash_prefix("https://cdn-cafe.example.com/release-2024.05/resnet18.pth") is None


def test_model_args_split_at_the_first_equals_sign_as_lm_eval_does() -> None:
    options = parse_key_values("pretrained=org/m,model_kwargs=dtype=bfloat16")
    assert options == {"pretrained": Known("org/m"), "model_kwargs": Known("dtype=bfloat16")}
