"""The prefilter's text and tree stages: what keeps a file away from the parser and the analysis, and what must not."""

from __future__ import annotations

import ast

from hubguard.config import Config
from hubguard.static.engine import analyze_bytes
from hubguard.static.prefilter import has_candidate_calls, screen_text


def test_call_sites_only_in_docstrings_and_comments_do_not_need_a_parse() -> None:
    text = '"""Example: model = AutoModel.from_pretrained("org/m")."""\n# torch.load(path)\nx = \'.load(\'\n'
    assert screen_text(text) is not None  # a mention, as far as HG001 is concerned
    assert screen_text(text, code_only=True) is None


def test_code_inside_f_strings_and_real_calls_count() -> None:
    assert screen_text('x = f"{AutoModel.from_pretrained(name)}"\n', code_only=True) is not None
    assert screen_text('"""doc"""\nm = AutoModel.from_pretrained(name)\n', code_only=True) is not None


def test_a_risky_keyword_counts_even_in_a_string_it_may_be_a_spread_key() -> None:
    text = 'options = {"trust_remote_code": True}\nload_model(name, **options)\n'
    assert screen_text(text, code_only=True) is not None
    [finding] = analyze_bytes(text.encode(), "a.py", Config()).findings
    assert finding.rule_id == "HG101"


def test_calls_through_assigned_aliases_count() -> None:
    text = "import torch as t\nloader = t.load\nfn = loader\nstate = fn('x.pt')\n"
    assert screen_text(text, code_only=True) is not None
    assert [f.rule_id for f in analyze_bytes(text.encode(), "a.py", Config()).findings] == ["HG301"]


def test_risky_keywords_and_values_from_sink_modules_in_prose_or_data_do_not_need_a_parse() -> None:
    text = 'import torch\n"""Pass ``trust_remote_code=True`` to ...."""\nmask = torch.ones(3)\nout = mask(x)\n'
    assert screen_text(text, code_only=True) is None  # mask is a tensor, not a loader
    assert screen_text('AutoModel.from_pretrained(name, **{"trust_remote_code": flag})\n', code_only=True)


def test_imports_and_aliases_count_only_where_they_begin_a_line() -> None:
    aliased = "from torch import load as tload\nstate = tload('f')\n"
    assert screen_text(aliased, code_only=True) is not None
    assert screen_text("    " + aliased.replace("\n", "\n    "), code_only=True) is not None  # indented
    in_prose = "note = 'from torch import load as tload'; state = tload('f')\n"
    assert screen_text(in_prose, code_only=True) is None
    assigned = "import torch as t\nfn = t.load\nfn('f')\n"
    assert screen_text(assigned, code_only=True) is not None
    assert screen_text("x == t.load\nimport torch as t\nfn('f')\n", code_only=True) is None


def test_an_import_quoted_on_an_earlier_line_does_not_swallow_a_real_one() -> None:
    text = 'doc = "from a import (b"\nfrom torch import load as tload\nclose = ")"\nstate = tload("f")\n'
    assert screen_text(text, code_only=True) is not None
    [finding] = analyze_bytes(text.encode(), "train.py", Config()).findings
    assert finding.rule_id == "HG301" and finding.location.region is not None
    assert finding.location.region.start_line == 4


def test_form_feeds_are_spaces_for_the_prefilter_as_for_python() -> None:
    """Found while testing the prefilter: an import or alias after a form feed was not at a line start."""
    for text in (
        "\ffrom torch import load as tl\nstate = tl('f')\n",
        "import torch as t\n\floader =\ft.load\nstate = loader('x')\n",
    ):
        assert screen_text(text, code_only=True) is not None
        assert [f.rule_id for f in analyze_bytes(text.encode(), "a.py", Config()).findings] == ["HG301"]


def test_lone_carriage_returns_end_lines_for_the_prefilter_as_for_python() -> None:
    """Found while testing recovery: in a file with old Mac line endings a comment ran to the end of the file,
    and imports and aliases were not at a line start, so the prefilter kept the file away from the analysis."""
    for text in (
        "import torch\n# a note\nstate = torch.load('x')\n",
        "import os\nfrom torch import load as tload\nstate = tload('x')\n",
        "import torch as t\nloader = t.load\nstate = loader('x')\n",
    ):
        old_mac = text.replace("\n", "\r")
        assert screen_text(old_mac, code_only=True) is not None
        findings = analyze_bytes(old_mac.encode(), "a.py", Config()).findings
        assert [(f.rule_id, f.location.region.start_line if f.location.region else None) for f in findings] == [
            ("HG301", 3)
        ]


CALL_SITES = [
    # Calls through names imported from a sink module, as the module's final name or an alias.
    "from torch import load as tl\nstate = tl('f')\n",
    "from torch.serialization import load\nstate = load('f')\n",
    "from torch import (\n    save,\n    load as tl,\n)\nstate = tl('f')\n",
    "from torch import save, \\\n    load\nstate = load('f')\n",
    "if True:\n    from torch import load as tl\n    state = tl ('f')\n",
    # Calls through names assigned a sink module's function, or another such name.
    "import torch.hub as th\nfetch = th.load\nfetch('a/b', 'm')\n",
    "import torch\nfetch = torch.load  # the loader\nfetch('f')\n",
    "from torch import load\nfetch = load\nstate = fetch('f')\n",
    "import torch\na = torch.load\nb = a\nc = b\nd = c\nd('f')\n",
    "from torch import load\nc = b\nb = a\na = load\nc('f')\n",
    "import torch\n    fetch = torch.load\nfetch('f')\n",
    # Calls through a bound method kept in a name, whatever the object (the analysis judges it).
    "from huggingface_hub import HfApi\ndownload = HfApi().snapshot_download\ndownload('org/x')\n",
    "from huggingface_hub import HfApi\nget = HfApi(token=t).hf_hub_download  # one file\nget('org/x', 'f')\n",
    "import huggingface_hub as hh\nclient = hh.HfApi()\nget = client.hf_hub_download\nfn = get\nfn('org/x', 'f')\n",
    # A comment between the callee and its arguments (inside brackets, where the call may go on to the next line).
    "import torch\nstate = (torch.load  # the checkpoint\n         ('w.pt'))\n",
    # A risky keyword in code, whatever the call.
    "build(name, trust_remote_code=flag)\n",
]
NO_CALL_SITES = [
    "import json\njson.dump(config, stream)\n",
    "from torch import ones as to\nx = to(3)\n",  # not a loader's name
    "from mylib import load\nstate = load('f')\n",  # not a sink module
    "from torch import load as tl\n# tl('f')\nnote = 'tl(f)'\n",  # the call only in a comment and a string
    "import torch\nfetch = torch.ones\nfetch(3)\n",  # a sink module's function that loads nothing
    "import torch\nself.fetch = torch.load\nfetch('f')\n",  # an attribute is not the name called
    "import torch\nfetch = torch.load + 1\nfetch('f')\n",  # not a plain alias
    "import torch\nfetch = torch.load\n",  # kept, never called
    "from torch import load as tl\nstate = tl\n",  # named, never called
    "#from torch import load as tl\nstate = tl('f')\n",  # an import commented out
    "X from torch import load as tl\nstate = tl('f')\n",  # a word before it: no import
    "\u00a0from torch import load as tl\nstate = tl('f')\n",  # a non-breaking space is no indentation to Python
    "trust_remote_codes = 1\nmy_trust_remote_code = 2\n",  # words that only contain a risky keyword
    "x = f +'m.from_pretrained(x)'\n",  # a string after a name ending in f is no f-string
    "x = b'm.from_pretrained(x)'\ny = rb'm.load(x)'\n",
    "import torch\nd = c\nc = b\nb = a\na = torch.load\nd('f')\n",  # an alias chain longer than three steps
]


def test_the_text_stage_lets_through_every_kind_of_call_site() -> None:
    for text in CALL_SITES:
        assert screen_text(text, code_only=True) is not None, text


def test_the_text_stage_keeps_away_code_without_a_call_site() -> None:
    for text in NO_CALL_SITES:
        assert screen_text(text, code_only=True) is None, text


def test_for_unparsable_text_any_mention_counts_even_in_comments() -> None:
    """What decides HG001 for text that could not be analysed: a risky keyword or a loader call anywhere."""
    assert screen_text("# pass trust_remote_code here\n") is not None
    assert screen_text("'''Use AutoModel.from_pretrained(x).'''\n") is not None
    assert screen_text("from torch import load as tl\n# tl('f')\n") is not None
    assert screen_text("trust_remote_codes = 1\nimport torch\nx = torch.ones(3)\n") is None
    assert screen_text("import torch\nx = torch.ones(3)\n") is None


def test_boundaries_of_the_text_the_first_character_and_a_first_line_left_blank() -> None:
    assert screen_text('f"{AutoModel.from_pretrained(name)}"\n', code_only=True) is not None  # f-string at 0
    assert screen_text("\nfetch = torch.load\nstate = fetch('f')\n", code_only=True) is not None
    text = "\nfrom torch import load as tl\nstate = tl('f')\n"
    assert [f.rule_id for f in analyze_bytes(text.encode(), "a.py", Config()).findings] == ["HG301"]


def test_comments_are_dropped_even_after_a_word_ending_in_f_and_when_empty() -> None:
    """Only a quote can open an f-string: a comment after ``self`` on the line before, or a lone ``#``, is prose."""
    text = "class Box:\n    def get(self):\n        return self\n# Box().get().load(path) is called elsewhere\n#\n"
    assert screen_text(text, code_only=True) is None


def test_calls_through_a_submodule_import_and_after_other_sink_imports_are_analysed() -> None:
    for text, rules in (
        ("import torch.hub\nfetch = torch.hub.load\nmodel = fetch('org/repo', 'm')\n", ["HG102", "HG201"]),
        ("import torch\nfetch = torch.hub.load\nmodel = fetch('org/repo', 'm')\n", ["HG102", "HG201"]),
        ("from torch import load as tl\nfrom transformers import pipeline\nstate = tl('x')\n", ["HG301"]),
    ):
        assert screen_text(text, code_only=True) is not None, text
        assert sorted(f.rule_id for f in analyze_bytes(text.encode(), "a.py", Config()).findings) == rules, text


def tree_stage(text: str) -> bool:
    """Stage 3 on a file the text stage lets through, given the module's calls and bindings as the analysis
    collects them."""
    hints = screen_text(text, code_only=True)
    assert hints is not None, text
    nodes = list(ast.walk(ast.parse(text)))
    calls = [node for node in nodes if isinstance(node, ast.Call)]
    bindings = [node for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign))]
    return has_candidate_calls(calls, bindings, hints)


# Files with a textual call site (``.load(``, a risky keyword in a dict key) but no real call that could be a sink.
NO_CANDIDATE_CALLS = [
    "state = checkpoint.load(path)\n",  # a method named like a loader, on an object no import binds
    "import numpy as np\nweights = np.zeros(3)\nstate = checkpoint.load(path)\n",  # imported, but no loader's name
    "state = checkpoint.load(path, **options)\n",  # a spread, in a file that spells no risky keyword
    'DEFAULTS = {"trust_remote_code": False}\nprint(DEFAULTS, sep="\\n")\n',  # a keyword, but not a risky one
    "from mylib import load\nstate = load(path)\nweights = checkpoint.load(path)\n",  # not a sink module
    "from .torch import load\nstate = load(path)\nweights = checkpoint.load(path)\n",  # a local package
    "loader = make_loader()\nstate = loader.load(path)\n",  # an object the project builds, not an import
    # an alias chain longer than three steps (in this order; see NO_CALL_SITES)
    "import torch\nd = c\nc = b\nb = a\na = torch.load\nstate = checkpoint.load(path)\nd('f')\n",
]
CANDIDATE_CALLS = [
    "import torch.hub\nfetch = torch.hub.load\nfetch('org/repo', 'm')\n",
    "from torch import load as tl\nfrom transformers import pipeline\nstate = tl('x')\n",
    'options = {"trust_remote_code": True}\nmodel = build(name, **options)\n',
    "import torch as t\nloader = t\nstate = loader.load(path)\n",
]


def test_the_tree_stage_keeps_away_files_whose_real_calls_cannot_be_sinks() -> None:
    for text in NO_CANDIDATE_CALLS:
        assert not tree_stage(text), text
    for text in CANDIDATE_CALLS:
        assert tree_stage(text), text


def test_a_call_that_spells_every_risky_keyword_is_analysed() -> None:
    text = (
        "model = build_model(\n    name,\n    trust_remote_code=True,\n    custom_pipeline=\"org/pipeline\",\n"
        '    custom_generate="org/generate",\n    allow_dangerous_deserialization=True,\n)\n'
    )
    findings = analyze_bytes(text.encode(), "a.py", Config()).findings
    assert [(f.rule_id, f.location.region.start_line if f.location.region else None) for f in findings] == [
        ("HG101", 3),
        ("HG201", 5),
        ("HG301", 6),
    ]
