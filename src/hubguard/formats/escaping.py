"""Neutralising text that comes from scanned files or remote repositories before it is output."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidirectional
# controls of "Trojan Source" (CVE-2021-42574): all shown as visible escapes instead.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SECRET_OPTION = re.compile(r"(--token[= ])\S+")
_HF_TOKEN = re.compile(r"\bhf_[A-Za-z0-9]{20,}")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def neutralize_controls(text: str) -> str:
    """Replace terminal control and bidi-override characters with visible escapes."""
    return _UNSAFE_CHARS.sub(_visible, text)


def single_line(text: str) -> str:
    """``neutralize_controls`` that also makes line breaks visible."""
    return neutralize_controls(text).replace("\n", "\\n")


def sarif_message_text(text: str) -> str:
    """Plain-text SARIF message content: brackets escaped so no ``[text](id)`` link can form (§3.11.6)."""
    return neutralize_controls(text).replace("[", "\\[").replace("]", "\\]")


def workflow_command_data(text: str) -> str:
    """The message part of a GitHub workflow command (``::error ...::<data>``)."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return neutralize_controls(escaped)


def workflow_command_property(text: str) -> str:
    """A property value of a GitHub workflow command (``file=<value>,title=<value>``)."""
    return workflow_command_data(text).replace(":", "%3A").replace(",", "%2C")


def redact_secrets(text: str) -> str:
    """Hide token values in a command line (``--token X``) and anything shaped like an HF token."""
    return _HF_TOKEN.sub("hf_***", _SECRET_OPTION.sub(r"\1***", text))
