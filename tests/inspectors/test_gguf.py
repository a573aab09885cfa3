"""GGUF: chat templates with Jinja sandbox-escape gadgets are warnings (CVE-2024-34359 class), quoted;
ordinary templates and metadata are clean; the header walk is bounded and reads only the header."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy
import pytest

from tests.inspectors.fixtures import (
    CHATML_TEMPLATE, GGUF_ARRAY, GGUF_STRING, GGUF_UINT32, LLAMA3_TEMPLATE, gguf_bytes, llama_gguf,
)
from tests.inspectors.helpers import CountingSource, judge, kinds, messages
from hubguard.inspectors import Limits, Verdict, inspect_source
from hubguard.inspectors.template_gadgets import find_gadget

GADGETS = {
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "cycler-init": "{{ cycler.__init__.__globals__.os.popen('touch /tmp/x') }}",
    "attr-filter": "{{ ''|attr('__class__') }}",
    "concatenated": "{{ ''|attr('__cla' ~ 'ss__') }}",
    "hex-escaped": "{{ ''['\\x5f\\x5fclass\\x5f\\x5f'] }}",
    "joined-list": "{% set n = ['__cla', 'ss__']|join %}{{ ''|attr(n) }}",
    "builtins": "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
                "{{ c()._module.__builtins__['__import__']('os').system('id') }}{% endif %}{% endfor %}",
    "namespace-init": "{{ namespace.__init__.__globals__.os.system('id') }}",
}


@pytest.mark.parametrize("name", GADGETS)
def test_template_gadgets_are_warnings_with_the_gadget_quoted(name: str) -> None:
    verdict = judge(llama_gguf(CHATML_TEMPLATE + GADGETS[name]), "model.gguf")
    assert verdict.verdict is Verdict.SUSPICIOUS and verdict.format == "gguf", messages(verdict)
    assert "template-gadget" in kinds(verdict)
    assert "tokenizer.chat_template" in messages(verdict) and ("{{" in messages(verdict) or "{%" in messages(verdict))


@pytest.mark.parametrize("template", [CHATML_TEMPLATE, LLAMA3_TEMPLATE, None,
                                      "Say __init__ and os.system() in plain text: not evaluated"])
def test_ordinary_templates_and_models_are_clean(template: str | None) -> None:
    assert judge(llama_gguf(template), "model.gguf").verdict is Verdict.SAFE


@pytest.mark.parametrize("options", [{"version": 2}, {"version": 1}, {"big_endian": True}], ids=str)
def test_every_header_layout_is_read(options: dict[str, object]) -> None:
    verdict = judge(llama_gguf(GADGETS["mro-subclasses"], **options), "model.gguf")
    assert "template-gadget" in kinds(verdict)


def test_named_templates_are_checked_too() -> None:
    data = gguf_bytes([("tokenizer.chat_template", GGUF_STRING, CHATML_TEMPLATE),
                       ("tokenizer.chat_template.tool_use", GGUF_STRING, GADGETS["lipsum-globals"])])
    assert "tokenizer.chat_template.tool_use" in messages(judge(data))


def test_only_the_header_is_read() -> None:
    source = CountingSource("big.gguf", llama_gguf(CHATML_TEMPLATE, vocabulary=20_000) + bytes(32 * 2**20))
    assert inspect_source(source).verdict is Verdict.SAFE
    assert source.bytes_read < 2 * 2**20


@pytest.mark.parametrize("data", [
    gguf_bytes([("k", GGUF_STRING, "v")])[:-1],
    b"GGUF" + (3).to_bytes(4, "little") + (0).to_bytes(8, "little") + (2**40).to_bytes(8, "little"),
    gguf_bytes([("k", 99, b"")]),
    gguf_bytes([("tokenizer.ggml.tokens", GGUF_ARRAY, b"")]) + GGUF_STRING.to_bytes(4, "little") + (2**39).to_bytes(8, "little"),
    b"GGUF" + (7).to_bytes(4, "little") + bytes(16),
], ids=["truncated", "absurd-count", "unknown-type", "huge-array", "bad-version"])
def test_broken_headers_are_never_clean(data: bytes) -> None:
    assert judge(data, "model.gguf").verdict >= Verdict.SUSPICIOUS


def test_a_template_hidden_behind_a_huge_vocabulary_is_bounded() -> None:
    data = llama_gguf(GADGETS["mro-subclasses"], vocabulary=50_000)
    verdict = judge(data, limits=Limits(max_file_read_bytes=100_000))
    assert verdict.verdict is Verdict.SUSPICIOUS  # either the gadget or the exhausted budget, never clean


def test_gadget_finder_ignores_literal_text() -> None:
    assert find_gadget("You are an assistant. Never call os.system or __import__.") is None
    assert find_gadget("{{ messages[0]['content'] }}") is None
    gadget = find_gadget("{{ x }}{{ ''.__class__ }}")
    assert gadget is not None and gadget.found == "__class__" and gadget.block == "{{ ''.__class__ }}"


def test_files_written_by_the_gguf_package(tmp_path: Path) -> None:
    """llama.cpp's own writer (the gguf package, a test dependency)."""
    for name, template in (("ok", LLAMA3_TEMPLATE), ("evil", GADGETS["lipsum-globals"])):
        path = tmp_path / f"{name}.gguf"
        writer = gguf.GGUFWriter(str(path), "llama")
        writer.add_name("tiny")
        writer.add_tokenizer_model("gpt2")
        writer.add_token_list([f"tok{index}" for index in range(500)])
        writer.add_token_scores([0.0] * 500)
        writer.add_chat_template(template)
        writer.add_tensor("w", numpy.zeros((4, 4), dtype=numpy.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        verdict = judge(path.read_bytes(), path.name)
        assert verdict.verdict is (Verdict.SAFE if name == "ok" else Verdict.SUSPICIOUS), messages(verdict)
