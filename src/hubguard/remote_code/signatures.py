"""Byte signatures for known payload shapes, run over every byte of every file (binary-safe).

They back up Semgrep where it cannot look: non-Python files, files Semgrep cannot parse, and
payloads hidden in strings. Files are streamed in bounded memory, so no file is too large to check.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

MAX_MATCHES_PER_SIGNATURE = 20
CHUNK_BYTES = 1 << 20
# Every pattern below matches at most this many bytes (apart from the blob run, whose start is
# enough), so a match that begins before a window's cut is complete within that window.
OVERLAP_BYTES = 4096

_DECODER = (
    rb"(?:base64\.)?(?:b64decode|b32decode|b85decode|a85decode|urlsafe_b64decode|decodebytes|decodestring)"
    rb"|(?:zlib|lzma|bz2|gzip)\.decompress|marshal\.loads|binascii\.(?:unhexlify|a2b_base64|a2b_hex)"
    rb"|bytes\.fromhex|codecs\.decode"
)
_LONG_BLOB = re.compile(rb"[A-Za-z0-9+/]{256,}={0,2}")
_CODE_RUNNER = re.compile(rb"\b(?:exec|eval|compile)\s*\(|\b(?:marshal|pickle|cPickle|dill)\.loads?\s*\(")
_CREDENTIAL = re.compile(
    rb"\.cache/huggingface/token|huggingface/stored_tokens|\bHF_TOKEN\b|\bHUGGING_FACE_HUB_TOKEN\b"
    rb"|\.ssh/id_(?:rsa|dsa|ecdsa|ed25519)|\.aws/credentials|\.git-credentials|\.netrc\b|\.docker/config\.json"
)
_SENDER = re.compile(
    rb"\b(?:requests|httpx|session|client)\.(?:post|put)\s*\(|urllib\.request\.Request\s*\([^\n)]{0,300}data="
    rb"|\.send(?:all|to)?\s*\(|\bcurl\b[^\n]{0,300}\s(?:-d|--data(?:-binary)?|-F|-T)\s|\bsmtplib\b"
)


@dataclass(frozen=True)
class SignatureHit:
    signature_id: str
    message: str
    severity: str  # "error" | "warning" | "info"
    start_line: int
    end_line: int
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signature:
    id: str
    message: str
    severity: str
    pattern: re.Pattern[bytes]
    signals: tuple[str, ...] = ()
    requires: re.Pattern[bytes] | None = None  # the file must also contain this, anywhere
    suffixes: tuple[str, ...] = ()  # only files whose name ends so (empty: every file)


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "hubguard.sig.exec-decoded",
        "exec/eval/compile of decoded or decompressed data: a common way to hide a payload.",
        "error",
        re.compile(rb"\b(?:exec|eval|compile)\s*\(\s*(?:" + _DECODER + rb")\s*\("),
        ("decode", "code-exec"),
    ),
    Signature(
        "hubguard.sig.decompress-decode-chain",
        "Decompression of base64/hex-decoded data: the shape of a packed payload.",
        "warning",
        re.compile(rb"(?:zlib|lzma|bz2|gzip)\.decompress\s*\(\s*(?:" + _DECODER + rb")\s*\("),
        ("decode",),
    ),
    Signature(
        "hubguard.sig.encoded-blob-with-exec",
        "A long base64/hex blob in a file that also runs exec/eval/compile or unpickles.",
        "warning",
        _LONG_BLOB,
        ("decode",),
        requires=_CODE_RUNNER,
    ),
    Signature(
        "hubguard.sig.reverse-shell-interactive",
        "Interactive shell one-liner (sh -i / bash -i) typical of reverse shells.",
        "error",
        re.compile(rb"/bin/(?:ba|z|da)?sh\s+-i\b|\bbash\s+-i\s*>&"),
        ("network-send", "process-spawn"),
    ),
    Signature(
        "hubguard.sig.reverse-shell-dev-tcp",
        "Bash /dev/tcp redirection: a network connection wired to a shell.",
        "error",
        re.compile(rb"/dev/(?:tcp|udp)/[A-Za-z0-9.{}$_-]{1,255}/[0-9{}$_A-Za-z]{1,64}"),
        ("network-send", "process-spawn"),
    ),
    Signature(
        "hubguard.sig.reverse-shell-netcat",
        "netcat/socat launching a program over a connection (nc -e, socat exec:).",
        "error",
        re.compile(rb"\b(?:nc|ncat|netcat)\b[^\n]{0,80}\s-(?:e|c)\s+\S|\bsocat\b[^\n]{0,120}\bexec:", re.IGNORECASE),
        ("network-send", "process-spawn"),
    ),
    Signature(
        "hubguard.sig.reverse-shell-dup2",
        "Socket file descriptors duplicated onto stdin/stdout/stderr: a Python reverse shell.",
        "error",
        re.compile(rb"\bdup2\s*\(\s*[\w.]{1,200}\.fileno\(\)\s*,\s*[012]\s*\)"),
        ("network-send", "process-spawn"),
    ),
    Signature(
        "hubguard.sig.crypto-miner",
        "Crypto-miner indicator (stratum pool URL, xmrig, donate-level).",
        "error",
        re.compile(rb"stratum\+(?:tcp|ssl|tls)://|\bxmrig\b|--donate-level|\bcryptonight\b", re.IGNORECASE),
    ),
    Signature(
        "hubguard.sig.pipe-to-shell",
        "Download piped straight into a shell or interpreter (curl ... | sh).",
        "error",
        re.compile(
            rb"\b(?:curl|wget)\b[^\n|;]{0,300}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b"
            rb"|\b(?:curl|wget)\b[^\n|;]{0,300}\|\s*python[0-9.]*\b"
        ),
        ("network-send", "process-spawn"),
    ),
    Signature(
        "hubguard.sig.download-chmod",
        "Download followed by chmod +x: fetching a binary to run.",
        "error",
        re.compile(rb"\b(?:curl|wget)\b[^\n]{0,300}(?:&&|;)\s*chmod\s+(?:[ugoa]*\+x|0?[0-7]?7[0-7]{2})\b"),
        ("process-spawn",),
    ),
    Signature(
        "hubguard.sig.powershell-download-exec",
        "PowerShell download-and-run or encoded command.",
        "error",
        re.compile(
            rb"\b(?:iex|invoke-expression)\b[^\n]{0,200}(?:downloadstring|net\.webclient|invoke-webrequest)"
            rb"|\bpowershell(?:\.exe)?\b[^\n]{0,100}\s-e(?:nc|ncodedcommand)?\s+[A-Za-z0-9+/=]{40,}",
            re.IGNORECASE,
        ),
        ("process-spawn",),
    ),
    Signature(
        "hubguard.sig.credential-exfiltration",
        "A credential (HF token, SSH key, cloud credentials) in a file that also sends data out.",
        "error",
        _CREDENTIAL,
        ("credential-read", "network-send"),
        requires=_SENDER,
    ),
    Signature(
        "hubguard.sig.pth-code",
        "A .pth line that imports code: Python runs it at every start once the file sits in site-packages.",
        "error",
        re.compile(rb"(?m)^[ \t]*import[ \t]"),
        ("code-exec",),
        suffixes=(".pth",),
    ),
)


@dataclass
class _Progress:
    """What one signature has found so far in one file."""

    signature: Signature
    lines: list[tuple[int, int]] = field(default_factory=list)  # (start line, end line)
    required_seen: bool = False

    @property
    def full(self) -> bool:
        return len(self.lines) >= MAX_MATCHES_PER_SIGNATURE

    def add(self, start_line: int, end_line: int) -> None:
        if not self.full and all(start_line != seen for seen, _ in self.lines):
            self.lines.append((start_line, end_line))

    def hits(self) -> Iterator[SignatureHit]:
        signature = self.signature
        if signature.requires is not None and not self.required_seen:
            return
        for start, end in self.lines:
            yield SignatureHit(signature.id, signature.message, signature.severity, start, end, signature.signals)


def match_stream(stream: BinaryIO, name: str = "") -> list[SignatureHit]:
    """Every signature hit in the stream, read ``CHUNK_BYTES`` at a time so memory stays bounded.

    ``name`` (the file's path) selects signatures meant for one kind of file, such as ``.pth``.
    """
    progress = [_Progress(signature) for signature in SIGNATURES if _applies(signature, name)]
    window = b""
    first_line = 1  # the line number of window[0]
    context = 0  # bytes at the window's start kept only so that \b sees the byte before the cut
    while True:
        chunk = stream.read(CHUNK_BYTES)
        window += chunk
        final = not chunk
        cut = len(window) if final else max(context, len(window) - OVERLAP_BYTES)
        for state in progress:
            _search(state, window, context, cut, first_line)
        if final:
            break
        keep_from = max(0, cut - 1)
        first_line += window.count(b"\n", 0, keep_from)
        context = cut - keep_from
        window = window[keep_from:]
    return [hit for state in progress for hit in state.hits()]


def match_signatures(data: bytes, name: str = "") -> list[SignatureHit]:
    """Every signature hit in ``data``, at most ``MAX_MATCHES_PER_SIGNATURE`` per signature."""
    return match_stream(io.BytesIO(data), name)


def _applies(signature: Signature, name: str) -> bool:
    return not signature.suffixes or name.lower().endswith(signature.suffixes)


def _search(state: _Progress, window: bytes, context: int, cut: int, first_line: int) -> None:
    """Record matches that start in ``window[context:cut]``; later ones are found in the next window."""
    requires = state.signature.requires
    if requires is not None and not state.required_seen:
        state.required_seen = requires.search(window) is not None
    if state.full:
        return
    for match in state.signature.pattern.finditer(window, context):
        start, end = match.span()
        if start >= cut:
            break
        start_line = first_line + window.count(b"\n", 0, start)
        state.add(start_line, start_line + window.count(b"\n", start, max(start, end - 1)))
        if state.full:
            break
