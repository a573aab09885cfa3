"""The labelled corpus: each finding at its exact position, level and suppression state, and nothing else.

Annotations are trailing comments on the line where a finding's region starts (tests/corpus/README.md).
Notebook lines and columns are raw .ipynb positions, as SARIF reports them.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding, HubReference, ScanResult
from hubguard.static.engine import scan_paths

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
CASE_FILES = sorted(p for p in CORPUS_DIR.rglob("*") if p.suffix in {".py", ".ipynb"})
# Every finding's message and properties and every hub reference, one line each, per case file: what the
# annotations do not say. Rewrite it after an intended change with `python tests/static/test_corpus.py --update`.
SNAPSHOT = CORPUS_DIR / "findings.snapshot"
STATIC_RULES = {"HG101", "HG102", "HG201", "HG301"}
MIN_CASES = 575
REQUIRED_ROWS = {
    *(f"A{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 14, 15, 16, 17)),
    *(f"B{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)),
    "C1",
    "C2",
    "C3",
}

_ANY_MARKER = re.compile(r"#\s*(?:expect|missing|wrong|known-failure)\b")
_MARKER = re.compile(r"#\s*(?P<kind>expect|missing|wrong)(?P<suppressed>-suppressed)?:(?P<tokens>[^#]*)")
_TOKEN = re.compile(r"(?P<rule>HG\d{3})@(?P<level>note|warning|error):(?P<where>\S+)")
_CLEAN = re.compile(r"#\s*expect-clean\b")
_KNOWN_FAILURE = re.compile(r"#\s*known-failure:(?P<reason>.*)")
_ROWS = re.compile(r"corpus-rows:((?:[ \t]+[A-D]\d+)+)")
_JSON_STRING_TAIL = re.compile(r'(?:\\n)?"\s*,?\s*$')  # the end of a notebook source element

# (line, 1-based start column, rule ID, level, suppressed): where the region starts, as SARIF reports it.
Key = tuple[int, int, str, str, bool]


@dataclass
class CaseFile:
    path: Path
    expected: Counter[Key] = field(default_factory=Counter)  # right, and reported today
    missing: Counter[Key] = field(default_factory=Counter)  # right, not reported today (known failure)
    wrong: Counter[Key] = field(default_factory=Counter)  # reported today, but wrong (known failure)
    known_failures: dict[int, str] = field(default_factory=dict)  # line -> reason
    clean_lines: list[int] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)
    source_lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def today(self) -> Counter[Key]:
        """What hubguard must report now: a change here is a regression or a fix that needs new annotations."""
        return self.expected + self.wrong

    @property
    def correct(self) -> Counter[Key]:
        return self.expected + self.missing

    @property
    def case_count(self) -> int:
        return len({key[0] for key in self.correct}) + len(self.clean_lines)


def parse_case_file(path: Path) -> CaseFile:
    # Split where Python's tokenizer does: str.splitlines also breaks at form feeds.
    case = CaseFile(path, source_lines=re.split(r"\r\n|\r|\n", path.read_text(encoding="utf-8")))
    for number, text in enumerate(case.source_lines, start=1):
        body = _JSON_STRING_TAIL.sub("", text) if path.suffix == ".ipynb" else text
        _parse_line(case, number, body)
    return case


def _parse_line(case: CaseFile, number: int, body: str) -> None:
    first_marker = _ANY_MARKER.search(body)
    code = body[: first_marker.start()] if first_marker else body
    where = f"{_case_id(case.path)}:{number}"
    for marker in _MARKER.finditer(body):
        target = {"expect": case.expected, "missing": case.missing, "wrong": case.wrong}[marker.group("kind")]
        suppressed = marker.group("suppressed") is not None
        tokens = marker.group("tokens").split()
        if not tokens:
            case.problems.append(f"{where}: '{marker.group(0).strip()}' lists no finding")
        for token in tokens:
            parsed = _TOKEN.fullmatch(token)
            if parsed is None:
                case.problems.append(f"{where}: '{token}' is not RULE@level:column-or-snippet")
                continue
            column = _column(parsed.group("where"), code)
            if isinstance(column, str):
                case.problems.append(f"{where}: {token}: {column}")
                continue
            target[(number, column, parsed.group("rule"), parsed.group("level"), suppressed)] += 1
    known = _KNOWN_FAILURE.search(body)
    if known:
        case.known_failures[number] = known.group("reason").strip()
    if _CLEAN.search(body):
        case.clean_lines.append(number)
    for rows in _ROWS.findall(body):
        case.rows.update(rows.split())


def _column(where: str, code: str) -> int | str:
    """The 1-based column a token names: a number, or the only place its snippet occurs in the line's code."""
    if where.isdigit():
        column = int(where)
        return column if 1 <= column <= len(code) else f"column {column} is outside the code on this line"
    occurrences = code.count(where)
    if occurrences != 1:
        return f"snippet {where!r} occurs {occurrences} times before the annotations; use a number"
    return code.index(where) + 1


def _case_id(path: Path) -> str:
    return path.relative_to(CORPUS_DIR).as_posix()


def _key(finding: Finding) -> Key:
    region = finding.location.region
    assert region is not None, f"{finding}: static findings need a region"
    return (region.start_line, region.start_column, finding.rule_id, finding.level.value, finding.suppressed)


def _scan(path: Path) -> ScanResult:
    """A fresh scan for every test that asks (no memo): each test that checks a file must run the code it checks,
    or mutation testing credits only the first of them."""
    return scan_paths([path], Config())


def _describe(case: CaseFile, key: Key, detail: str = "") -> str:
    line, column, rule_id, level, suppressed = key
    text = case.source_lines[line - 1] if 0 < line <= len(case.source_lines) else ""
    state = " suppressed" if suppressed else ""
    at = text[column - 1 :].split(maxsplit=1)[0] if text[column - 1 :].strip() else "<end of line>"
    return f"  line {line}, column {column} ({at[:40]!r}): {rule_id}@{level}{state}{detail}"


def _mismatch_report(case: CaseFile, findings: list[Finding]) -> str:
    actual = Counter(_key(f) for f in findings)
    messages = {_key(f): f.message for f in findings}
    parts: list[str] = []
    if missing := case.today - actual:
        parts.append("annotated, not reported:")
        parts.extend(_describe(case, key) for key in sorted(missing.elements()))
    if unexpected := actual - case.today:
        parts.append("reported, not annotated:")
        parts.extend(_describe(case, key, f"  {messages[key]}") for key in sorted(unexpected.elements()))
    fixed = sorted(line for line in case.known_failures if _on_line(actual, line) == _on_line(case.correct, line))
    if parts and fixed:
        parts.append(f"known failures now fixed on lines {fixed}: turn 'missing:' into 'expect:', drop 'wrong:'")
    return "\n".join(parts)


def _on_line(keys: Counter[Key], line: int) -> Counter[Key]:
    return Counter({key: count for key, count in keys.items() if key[0] == line})


@pytest.mark.parametrize("path", CASE_FILES, ids=_case_id)
def test_corpus_case(path: Path) -> None:
    case = parse_case_file(path)
    assert not case.problems, "\n".join(case.problems)
    result = _scan(path)

    assert not result.notifications, f"{_case_id(path)} is valid input, yet: {result.notifications}"
    for finding in result.findings:
        region = finding.location.region
        assert region is not None and region.start_line == region.end_line, f"{finding}: one-line regions only"
    report = _mismatch_report(case, result.findings)
    assert not report, f"{_case_id(path)}:\n{report}"


KNOWN_FAILURES = [
    pytest.param(path, line, reason, id=f"{_case_id(path)}:{line}")
    for path in CASE_FILES
    for line, reason in sorted(parse_case_file(path).known_failures.items())
]


if KNOWN_FAILURES:  # an empty parametrization would be a skip, and tests never skip (tests/conftest.py)

    @pytest.mark.parametrize(("path", "line", "reason"), KNOWN_FAILURES)
    def test_corpus_known_failure(path: Path, line: int, reason: str) -> None:
        """Reported as XFAIL with its reason until the analysis is fixed; then it fails to ask for new annotations."""
        case = parse_case_file(path)
        actual = Counter(_key(f) for f in _scan(path).findings)
        assert _on_line(actual, line) != _on_line(case.correct, line), (
            f"{_case_id(path)}:{line} is fixed: turn its 'missing:' into 'expect:', drop 'wrong:' and 'known-failure:'"
        )
        pytest.xfail(reason)


def test_corpus_is_well_formed() -> None:
    problems: list[str] = []
    for path in CASE_FILES:
        case = parse_case_file(path)
        name = _case_id(path)
        problems.extend(case.problems)
        if path.suffix == ".py":
            ast.parse("\n".join(case.source_lines), filename=name)
        else:
            problems.extend(_notebook_problems(path))
        problems.extend(
            f"{name}:{key[0]} unknown rule {key[2]}"
            for key in case.correct + case.wrong
            if key[2] not in STATIC_RULES
        )
        expected_lines = {key[0] for key in case.correct}
        problems.extend(f"{name}:{line} is both clean and expected" for line in case.clean_lines if line in expected_lines)
        failing_lines = {key[0] for key in case.missing + case.wrong}
        problems.extend(f"{name}:{line} needs '# known-failure: <reason>'" for line in failing_lines - case.known_failures.keys())
        problems.extend(
            f"{name}:{line} has a known-failure reason but no 'missing:' or 'wrong:' finding"
            for line in case.known_failures.keys() - failing_lines
        )
        problems.extend(f"{name}:{line}: known-failure without a reason" for line, why in case.known_failures.items() if not why)
        if path.parent.name == "negatives" and case.correct:
            problems.append(f"{name}: negatives must not expect findings")
        if not case.rows:
            problems.append(f"{name}: no 'corpus-rows:' header")
    assert not problems, "\n".join(problems)


def _notebook_problems(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    problems = [] if notebook.get("nbformat") == 4 else [f"{path.name}: not nbformat 4"]
    for cell in notebook["cells"]:
        source = cell["source"]
        if not isinstance(source, list) or any(not _is_one_line(line, last=i == len(source) - 1) for i, line in enumerate(source)):
            problems.append(f"{path.name}: cell {cell.get('id')} source is not one line per element")
    return problems


def _is_one_line(element: str, last: bool) -> bool:
    body = element if last else element.removesuffix("\n")
    return "\n" not in body and (last or element.endswith("\n"))


def test_corpus_size_and_coverage() -> None:
    cases = [parse_case_file(path) for path in CASE_FILES]
    total = sum(case.case_count for case in cases)
    assert total >= MIN_CASES, f"corpus has {total} cases, want >= {MIN_CASES}"

    expected_rules = {key[2] for case in cases for key in case.correct}
    assert expected_rules == STATIC_RULES, f"rules without a positive case: {STATIC_RULES - expected_rules}"
    positive_rows = set().union(*(case.rows for case in cases if case.correct))
    negative_rows = set().union(*(case.rows for case in cases if case.clean_lines))
    assert not REQUIRED_ROWS - positive_rows, f"rows without positives: {sorted(REQUIRED_ROWS - positive_rows)}"
    assert not REQUIRED_ROWS - negative_rows, f"rows without negatives: {sorted(REQUIRED_ROWS - negative_rows)}"
    families = {path.relative_to(CORPUS_DIR).parts[0] for path in CASE_FILES}
    assert len(families) >= 16, f"families: {sorted(families)}"
    assert sum(path.suffix == ".ipynb" for path in CASE_FILES) >= 3
    levels = {(key[2], key[3]) for case in cases for key in case.correct}
    assert {(rule, level) for rule in STATIC_RULES for level in ("error", "warning")} <= levels
    assert {("HG201", "note"), ("HG301", "note")} <= levels
    assert any(key[4] for case in cases for key in case.expected), "no suppression case"


def snapshot_lines(path: Path) -> list[str]:
    """What ``path`` reports beyond its annotations: messages, properties, and the references it hands the
    remote pass, one line each in report order."""
    result = _scan(path)
    name = _case_id(path)
    lines = []
    for finding in result.findings:
        line, column, rule_id, level, suppressed = _key(finding)
        state = " suppressed" if suppressed else ""
        properties = json.dumps(finding.properties, sort_keys=True)
        message = json.dumps(finding.message)  # one line, whatever the scanned code put in it
        lines.append(f"{name}:{line}:{column}: {rule_id} {level}{state} {message} {properties}")
    for reference in result.references:
        lines.append(f"{name}:{_reference_position(reference)}: reference {_reference_fields(reference)}")
    return lines


def _reference_position(reference: HubReference) -> str:
    region = reference.location.region
    return "?" if region is None else f"{region.start_line}:{region.start_column}"


def _reference_fields(reference: HubReference) -> str:
    fields = {key: value for key, value in asdict(reference).items() if key != "location"}
    return json.dumps(fields, sort_keys=True, default=str)


def _read_snapshot() -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        entries.setdefault(line.split(":", 1)[0], []).append(line)
    return entries


@pytest.mark.parametrize("path", CASE_FILES, ids=_case_id)
def test_corpus_messages_properties_and_references_match_the_snapshot(path: Path) -> None:
    expected = _read_snapshot().get(_case_id(path), [])
    actual = snapshot_lines(path)
    assert actual == expected, (
        f"{_case_id(path)} reports differently from tests/corpus/findings.snapshot; if the change is intended, "
        "run `python tests/static/test_corpus.py --update` and review the diff"
    )


def test_the_snapshot_names_only_case_files() -> None:
    assert set(_read_snapshot()) <= {_case_id(path) for path in CASE_FILES}


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/static/test_corpus.py --update")
    SNAPSHOT.write_text("".join(f"{line}\n" for path in CASE_FILES for line in snapshot_lines(path)), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
