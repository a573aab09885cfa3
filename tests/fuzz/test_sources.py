"""Fuzzing the static pass with Python sources: structured mutations of real-looking code.

Properties: analysing never raises, stays bounded, and never hides a finding — a loader call kept as its own
statement after any mutated prefix is either reported or covered by an HG001 finding.

Seeded and short in the normal suite (the same examples on every run); for a long run, e.g.
``HUBGUARD_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/fuzz/test_sources.py tests/fuzz/test_notebooks.py``
(random examples each run; every failure Hypothesis prints becomes a regression test).
"""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from hubguard.config import Config
from hubguard.findings import ScanResult
from hubguard.static.engine import analyze_bytes
from tests.inspectors.strategies import fuzz_settings

PER_EXAMPLE_SECONDS = 60.0  # generous (a shared, loaded machine): a hostile example takes well under a second

SEEDS = (
    'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", revision="main", trust_remote_code=True)\n',
    "import torch\n\n\ndef load(path, device='cpu'):\n    return torch.load(path, map_location=device)\n",
    'class Loader:\n    """Docs: AutoModel.from_pretrained(x)."""\n\n    def __init__(self, name=None):\n'
    "        self.name = name or 'org/model'\n\n    @property\n    def model(self):\n"
    "        from diffusers import DiffusionPipeline\n        return DiffusionPipeline.from_pretrained(self.name, custom_pipeline='x')\n",
    "import pickle as pk\nwith open('f', 'rb') as f:\n    data = pk.load(f)  # hubguard: ignore[HG301]\n",
    "try:\n    from modelscope import snapshot_download\nexcept ImportError:\n    from huggingface_hub import snapshot_download\n"
    "path = snapshot_download('org/x', revision=REV)\n",
    "kwargs = {'trust_remote_code': True, **extra}\nmodel = AutoModel.from_pretrained(name, **kwargs)\n"
    "f = lambda p=torch.hub.load('a/b', 'm'): [x async for x in p] if p else {k: v for k, v in p}\n",
    "match cfg:\n    case {'model': str(name)} if name:\n        pipeline('text-generation', model=name)\n"
    "    case _:\n        pass\nx = f'{name!r:>{width}}' 'tail' + r'\\d' * 3\n",
)
SINK_LINE = "import pickle\nrestored = pickle.loads(blob)\n"
FRAGMENTS = (
    "(", ")", "[", "]", "{", "}", "'", '"', '"""', "'''", "\\", "\\\n", "#", ":", "\n", "\r\n", "\r", "\t", "\f", "\x00",
    "\ufeff", "é", "\U0001f600", "\ud800", "lambda", "await ", "yield", "async ", "def ", "class ", "if x:\n", "else:\n",
    "    ", "\n    ", "@", "*", "**", ",", "=", ":=", "->", "f'{", "}'", "# coding: latin-1\n", "# -*- coding: bogus -*-\n",
    "not ", "-", "~", ".", "()", "trust_remote_code=True", ".from_pretrained(", "torch.load(", "from transformers import ",
)


@st.composite
def mutated_sources(draw: st.DrawFn) -> str:
    """A seed with a few edits: insert or repeat a fragment (deep nesting when repeated), delete or duplicate a
    slice, re-indent a line."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(("insert", "repeat", "delete", "duplicate", "indent")))
        if edit == "insert":
            text = text[:position] + draw(st.sampled_from(FRAGMENTS) | st.text(max_size=8)) + text[position:]
        elif edit == "repeat":
            fragment = draw(st.sampled_from(("(", "[", "-", "not ", "f(", "lambda: ", "a if b else ", "x.", "1+")))
            text = text[:position] + fragment * draw(st.sampled_from((10, 300, 3000, 20000))) + text[position:]
        elif edit == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        elif edit == "duplicate":
            end = min(len(text), position + draw(st.integers(1, 200)))
            text = text[:end] + text[position:end] + text[end:]
        else:
            start = text.rfind("\n", 0, position) + 1
            text = text[:start] + draw(st.sampled_from((" ", "  ", "\t", " \t"))) + text[start:]
    return text


def encodings(text: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(("utf-8", "utf-16", "latin-1", "utf-8-sig")).map(
        lambda codec: text.encode(codec, errors="surrogatepass" if codec.startswith("utf-8") else "replace")
    )


def analyse(data: bytes, relative: str) -> ScanResult:
    started = time.monotonic()
    result = analyze_bytes(data, relative, Config())
    assert time.monotonic() - started < PER_EXAMPLE_SECONDS
    for finding in result.findings:
        assert finding.rule_id.startswith("HG") and finding.message
        region = finding.location.region
        assert region is None or 1 <= region.start_line <= region.end_line
    assert all(notification.message for notification in result.notifications)
    return result


def internal_errors(result: ScanResult) -> list[str]:
    return [f.message for f in result.findings if f.rule_id == "HG001" and f.properties.get("reason") == "internal-error"]


@fuzz_settings(300)
@given(mutated_sources().flatmap(encodings))
def test_mutated_sources_never_crash(data: bytes) -> None:
    result = analyse(data, "fuzz.py")
    assert not internal_errors(result), internal_errors(result)


@fuzz_settings(300)
@given(mutated_sources())
def test_a_loader_after_any_prefix_is_reported_or_flagged(prefix: str) -> None:
    text = prefix + "\n" + SINK_LINE
    sink_line = text.count("\n")  # the last line of the text
    result = analyse(text.encode("utf-8", errors="surrogatepass"), "fuzz.py")
    reported = {(f.rule_id, f.location.region.start_line) for f in result.findings if f.location.region}
    flagged = any(f.rule_id == "HG001" for f in result.findings)
    assert ("HG301", sink_line) in reported or flagged, (reported, result.notifications)


@fuzz_settings(100)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    assert not internal_errors(analyse(b"import torch\n" + data + b"\ntorch.load(f)\n", "fuzz.py"))
