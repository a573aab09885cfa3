"""Byte signatures for known payload shapes, run over every file (binary-safe, never decoded).

They back up Semgrep where it cannot look: non-Python files, files Semgrep cannot parse, and
payloads hidden in strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_MATCHES_PER_SIGNATURE = 20

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
    rb"\b(?:requests|httpx|session|client)\.(?:post|put)\s*\(|urllib\.request\.Request\s*\([^\n)]*data="
    rb"|\.send(?:all|to)?\s*\(|\bcurl\b[^\n]*\s(?:-d|--data(?:-binary)?|-F|-T)\s|\bsmtplib\b"
)


@dataclass(frozen=True)
class SignatureHit:
    signature_id: str
    message: str
    severity: str  # "error" | "warning" | "info"
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Signature:
    id: str
    message: str
    severity: str
    find: Callable[[bytes], Iterator[tuple[int, int]]]  # byte spans of matches


def _pattern(regex: bytes, flags: int = 0) -> Callable[[bytes], Iterator[tuple[int, int]]]:
    compiled = re.compile(regex, flags)

    def find(data: bytes) -> Iterator[tuple[int, int]]:
        for match in compiled.finditer(data):
            yield match.span()

    return find


def _both(anchor: re.Pattern[bytes], required: re.Pattern[bytes]) -> Callable[[bytes], Iterator[tuple[int, int]]]:
    """Spans of ``anchor`` in data that also contains ``required`` somewhere."""

    def find(data: bytes) -> Iterator[tuple[int, int]]:
        if required.search(data) is None:
            return
        for match in anchor.finditer(data):
            yield match.span()

    return find


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "hubguard.sig.exec-decoded",
        "exec/eval/compile of decoded or decompressed data: a common way to hide a payload.",
        "error",
        _pattern(rb"\b(?:exec|eval|compile)\s*\(\s*(?:" + _DECODER + rb")\s*\("),
    ),
    Signature(
        "hubguard.sig.decompress-decode-chain",
        "Decompression of base64/hex-decoded data: the shape of a packed payload.",
        "warning",
        _pattern(rb"(?:zlib|lzma|bz2|gzip)\.decompress\s*\(\s*(?:" + _DECODER + rb")\s*\("),
    ),
    Signature(
        "hubguard.sig.encoded-blob-with-exec",
        "A long base64/hex blob in a file that also runs exec/eval/compile or unpickles.",
        "warning",
        _both(_LONG_BLOB, _CODE_RUNNER),
    ),
    Signature(
        "hubguard.sig.reverse-shell-interactive",
        "Interactive shell one-liner (sh -i / bash -i) typical of reverse shells.",
        "error",
        _pattern(rb"/bin/(?:ba|z|da)?sh\s+-i\b|\bbash\s+-i\s*>&"),
    ),
    Signature(
        "hubguard.sig.reverse-shell-dev-tcp",
        "Bash /dev/tcp redirection: a network connection wired to a shell.",
        "error",
        _pattern(rb"/dev/(?:tcp|udp)/[A-Za-z0-9.{}$_-]+/[0-9{}$_A-Za-z]+"),
    ),
    Signature(
        "hubguard.sig.reverse-shell-netcat",
        "netcat/socat launching a program over a connection (nc -e, socat exec:).",
        "error",
        _pattern(rb"\b(?:nc|ncat|netcat)\b[^\n]{0,80}\s-(?:e|c)\s+\S|\bsocat\b[^\n]{0,120}\bexec:", re.IGNORECASE),
    ),
    Signature(
        "hubguard.sig.reverse-shell-dup2",
        "Socket file descriptors duplicated onto stdin/stdout/stderr: a Python reverse shell.",
        "error",
        _pattern(rb"\bdup2\s*\(\s*[\w.]+\.fileno\(\)\s*,\s*[012]\s*\)"),
    ),
    Signature(
        "hubguard.sig.crypto-miner",
        "Crypto-miner indicator (stratum pool URL, xmrig, donate-level).",
        "error",
        _pattern(rb"stratum\+(?:tcp|ssl|tls)://|\bxmrig\b|--donate-level|\bcryptonight\b", re.IGNORECASE),
    ),
    Signature(
        "hubguard.sig.pipe-to-shell",
        "Download piped straight into a shell or interpreter (curl ... | sh).",
        "error",
        _pattern(rb"\b(?:curl|wget)\b[^\n|;]{0,300}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|\b(?:curl|wget)\b[^\n|;]{0,300}\|\s*python[0-9.]*\b"),
    ),
    Signature(
        "hubguard.sig.download-chmod",
        "Download followed by chmod +x: fetching a binary to run.",
        "error",
        _pattern(rb"\b(?:curl|wget)\b[^\n]{0,300}(?:&&|;)\s*chmod\s+(?:[ugoa]*\+x|0?[0-7]?7[0-7]{2})\b"),
    ),
    Signature(
        "hubguard.sig.powershell-download-exec",
        "PowerShell download-and-run or encoded command.",
        "error",
        _pattern(
            rb"\b(?:iex|invoke-expression)\b[^\n]{0,200}(?:downloadstring|net\.webclient|invoke-webrequest)"
            rb"|\bpowershell(?:\.exe)?\b[^\n]{0,100}\s-e(?:nc|ncodedcommand)?\s+[A-Za-z0-9+/=]{40,}",
            re.IGNORECASE,
        ),
    ),
    Signature(
        "hubguard.sig.credential-exfiltration",
        "A credential (HF token, SSH key, cloud credentials) in a file that also sends data out.",
        "error",
        _both(_CREDENTIAL, _SENDER),
    ),
)


def match_signatures(data: bytes) -> list[SignatureHit]:
    """Every signature hit in ``data``, at most ``MAX_MATCHES_PER_SIGNATURE`` per signature."""
    hits: list[SignatureHit] = []
    for signature in SIGNATURES:
        lines_seen: set[int] = set()
        for start, end in signature.find(data):
            start_line = data.count(b"\n", 0, start) + 1
            if start_line in lines_seen:
                continue
            lines_seen.add(start_line)
            end_line = start_line + data.count(b"\n", start, max(start, end - 1))
            hits.append(SignatureHit(signature.id, signature.message, signature.severity, start_line, end_line))
            if len(lines_seen) >= MAX_MATCHES_PER_SIGNATURE:
                break
    return hits
