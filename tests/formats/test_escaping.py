from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from hubguard.formats.escaping import (
    neutralize_controls,
    redact_secrets,
    sarif_message_text,
    workflow_command_data,
    workflow_command_property,
)
from tests.formats.sarif_checks import message_links


def test_sarif_brackets_are_escaped() -> None:
    assert sarif_message_text("see [evil](http://x) and [1](1)") == "see \\[evil\\](http://x) and \\[1\\](1)"


@given(st.text())
@example("[a](1)")
@example("\\[a\\](1) [b\\](2)")
def test_no_text_can_form_a_sarif_link(text: str) -> None:
    assert message_links(sarif_message_text(text)) == []


@given(st.text())
def test_workflow_data_stays_on_one_line(text: str) -> None:
    escaped = workflow_command_data(text)
    assert "\n" not in escaped and "\r" not in escaped
    property_value = workflow_command_property(text)
    assert not {",", ":", "\n", "\r"} & set(property_value)


def test_workflow_escapes() -> None:
    assert workflow_command_data("50%\r\n") == "50%25%0D%0A"
    assert workflow_command_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_controls_and_bidi_overrides_become_visible() -> None:
    assert neutralize_controls("a\tb\nc\x1b[31m\x7f\u202e\u2066") == "a\tb\nc\\x1b[31m\\x7f\\u202e\\u2066"


def test_redact_secrets() -> None:
    token = "hf_" + "Ab1" * 12
    assert redact_secrets(f"scan --token={token} --token other {token}") == "scan --token=*** --token *** hf_***"
    assert redact_secrets("scan src/") == "scan src/"
