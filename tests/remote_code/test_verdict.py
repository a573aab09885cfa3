from __future__ import annotations

from hubguard.remote_code.scan import CodeMatch
from hubguard.remote_code.verdict import COMBINATIONS, SIGNALS, gather_places, judge_closure


def match(
    path: str,
    line: int,
    rule: str,
    severity: str = "warning",
    signals: tuple[str, ...] = (),
    snippet: str = "code()",
    end: int | None = None,
) -> CodeMatch:
    return CodeMatch(path, line, end or line, rule, f"{rule} message.", severity, "semgrep", signals, snippet)


def summary(matches: list[CodeMatch]) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (issue.level, [(place.path, place.start_line) for place in issue.places]) for issue in judge_closure(matches)
    ]


def test_one_line_matched_by_many_rules_is_one_issue_naming_them_all() -> None:
    snippet = 'os.dup2(s.fileno(), 0); print("\\x1b[2J")'
    (issue,) = judge_closure(
        [
            match("m.py", 7, "hubguard.reverse-shell", "error", snippet=snippet),
            match("m.py", 7, "hubguard.sig.reverse-shell-dup2", "error", snippet=snippet),
            match("m.py", 7, "hubguard.process-spawn", "warning", snippet=snippet),
        ]
    )
    assert issue.level == "error" and issue.combination is None
    assert issue.rules == ("hubguard.process-spawn", "hubguard.reverse-shell", "hubguard.sig.reverse-shell-dup2")
    assert issue.message.startswith("'m.py' line 7 'os.dup2(s.fileno(), 0); print(\"\\\\x1b[2J\")': ")
    assert issue.message.endswith(
        "Matched by hubguard.process-spawn, hubguard.reverse-shell, hubguard.sig.reverse-shell-dup2."
    )


def test_long_lines_are_truncated_in_the_message() -> None:
    (issue,) = judge_closure([match("m.py", 1, "r", "error", snippet="x" * 500)])
    assert "x" * 90 in issue.message and "x" * 120 not in issue.message and "..." in issue.message


def test_adjacent_and_overlapping_lines_form_one_place() -> None:
    matches = [
        match("shell.py", 3, "hubguard.reverse-shell", "error", end=6),
        match("shell.py", 4, "hubguard.sig.reverse-shell-dup2", "error"),
        match("shell.py", 7, "hubguard.sig.reverse-shell-dup2", "error"),
        match("shell.py", 12, "hubguard.shell-command", "error"),
        match("other.py", 4, "hubguard.shell-command", "error"),
    ]
    places = gather_places(matches)
    assert [(p.path, p.start_line, p.end_line) for p in places] == [
        ("other.py", 4, 4), ("shell.py", 3, 7), ("shell.py", 12, 12)
    ]
    assert len(judge_closure(matches)) == 3


def test_signals_alone_are_not_reported() -> None:
    assert judge_closure([match("m.py", 2, "hubguard.credential-read", "info", ("credential-read",))]) == []


def test_credential_read_and_network_send_in_different_files_become_one_error() -> None:
    matches = [
        match("auth.py", 5, "hubguard.credential-read", "info", ("credential-read",), "token = os.environ['HF_TOKEN']"),
        match("telemetry.py", 9, "hubguard.network-send", "info", ("network-send",), "requests.post(URL, json=s)"),
    ]
    (issue,) = judge_closure(matches)
    assert issue.level == "error" and issue.combination == COMBINATIONS[0]
    assert [(p.path, p.start_line) for p in issue.places] == [("auth.py", 5), ("telemetry.py", 9)]
    assert issue.message == (
        "this code reads a credential and sends data over the network (token theft): "
        "credential-read at 'auth.py' line 5 \"token = os.environ['HF_TOKEN']\" (hubguard.credential-read); "
        "network-send at 'telemetry.py' line 9 'requests.post(URL, json=s)' (hubguard.network-send)."
    )


def test_computed_import_and_process_spawn_warnings_become_one_error() -> None:
    matches = [
        match("a.py", 3, "hubguard.computed-attribute", "warning", ("computed-import",)),
        match("b.py", 8, "hubguard.process-spawn", "warning", ("process-spawn",)),
        match("b.py", 20, "hubguard.exec-dynamic-code", "warning", ("code-exec",)),
    ]
    assert summary(matches) == [("error", [("a.py", 3), ("b.py", 8)]), ("warning", [("b.py", 20)])]


def test_decode_chain_and_dynamic_exec_across_functions() -> None:
    matches = [
        match("m.py", 4, "hubguard.decode-to-text", "info", ("decode",)),
        match("m.py", 30, "hubguard.exec-dynamic-code", "warning", ("code-exec",)),
    ]
    assert summary(matches) == [("error", [("m.py", 4), ("m.py", 30)])]


def test_both_signals_on_one_place_are_enough() -> None:
    matches = [match("m.py", 4, "hubguard.network-send", "info", ("credential-read", "network-send"))]
    assert summary(matches) == [("error", [("m.py", 4)])]


def test_a_combination_raises_only_what_is_not_already_an_error() -> None:
    matches = [
        match("steal.py", 2, "hubguard.credential-file-access", "error", ("credential-read",)),
        match("send.py", 7, "hubguard.network-send", "info", ("network-send",)),
    ]
    issues = judge_closure(matches)
    assert [(i.level, [(p.path, p.start_line) for p in i.places]) for i in issues] == [
        ("error", [("send.py", 7)]),
        ("error", [("steal.py", 2)]),
    ]
    assert "Also contributing, reported separately: 'steal.py' line 2." in issues[0].message


def test_no_combination_issue_when_every_contributor_is_an_error_already() -> None:
    matches = [
        match("m.py", 2, "hubguard.exec-decoded-payload", "error", ("decode", "code-exec")),
        match("m.py", 9, "hubguard.credential-exfiltration", "error", ("credential-read", "network-send")),
    ]
    assert summary(matches) == [("error", [("m.py", 2)]), ("error", [("m.py", 9)])]


def test_one_sided_signals_stay_as_they_are() -> None:
    matches = [
        match("q.py", 40, "hubguard.sig.decompress-decode-chain", "warning", ("decode",)),
        match("q.py", 80, "hubguard.shell-command-constant", "warning", ("process-spawn",)),
        match("q.py", 90, "hubguard.credential-read", "info", ("credential-read",)),
    ]
    assert summary(matches) == [("warning", [("q.py", 40)]), ("warning", [("q.py", 80)])]


def test_a_place_joins_only_the_first_combination_it_contributes_to() -> None:
    matches = [
        match("m.py", 1, "hubguard.credential-read", "info", ("credential-read",)),
        match("m.py", 5, "x", "warning", ("network-send", "process-spawn")),
        match("m.py", 9, "hubguard.dynamic-import", "warning", ("computed-import",)),
    ]
    issues = judge_closure(matches)
    assert [[(p.path, p.start_line) for p in i.places] for i in issues] == [[("m.py", 1), ("m.py", 5)], [("m.py", 9)]]
    assert all(issue.level == "error" for issue in issues)
    assert "reported separately: 'm.py' line 5" in issues[1].message


def test_signal_vocabulary_matches_the_rules() -> None:
    assert SIGNALS == {"credential-read", "network-send", "computed-import", "process-spawn", "decode", "code-exec"}


def test_long_combinations_list_every_place_but_quote_a_few() -> None:
    reads = [match(f"m{index}.py", 1, "hubguard.credential-read", "info", ("credential-read",)) for index in range(8)]
    (issue,) = judge_closure([*reads, match("send.py", 3, "hubguard.network-send", "info", ("network-send",))])
    assert len(issue.places) == 9
    assert issue.message.endswith("; and 3 more.")
