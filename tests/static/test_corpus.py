"""The labelled corpus: every expected finding is reported, and nothing else.

Expectations are trailing comments on the line where a finding starts (see tests/corpus/README.md).
For notebooks the line is the raw .ipynb line that holds the comment.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding, Level
from hubguard.static import scan_paths

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
CASE_FILES = sorted(p for p in CORPUS_DIR.rglob("*") if p.suffix in {".py", ".ipynb"})
STATIC_RULES = {"HG101", "HG102", "HG201", "HG301"}
MIN_CASES = 150
REQUIRED_ROWS = {
    *(f"A{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 14, 15, 16, 17)),
    *(f"B{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)),
    "C1",
    "C2",
}

_EXPECT = re.compile(r"#\s*expect(?P<suppressed>-suppressed)?:(?P<tokens>(?:[ \t]+HG\d{3}(?:@[a-z]+)?)+)")
_TOKEN = re.compile(r"(HG\d{3})(?:@([a-z]+))?")
_CLEAN = re.compile(r"#\s*expect-clean\b")
_ROWS = re.compile(r"corpus-rows:((?:[ \t]+[A-D]\d+)+)")

Key = tuple[int, str, bool]  # (line, rule ID, suppressed)


@dataclass
class CaseFile:
    path: Path
    expected: Counter[Key] = field(default_factory=Counter)
    levels: dict[Key, list[Level]] = field(default_factory=dict)
    clean_lines: list[int] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)
    source_lines: list[str] = field(default_factory=list)

    @property
    def case_count(self) -> int:
        return len({line for line, _, _ in self.expected}) + len(self.clean_lines)


def parse_case_file(path: Path) -> CaseFile:
    # Split where Python's tokenizer does: str.splitlines also breaks at form feeds.
    case = CaseFile(path, source_lines=re.split(r"\r\n|\r|\n", path.read_text(encoding="utf-8")))
    for line_number, text in enumerate(case.source_lines, start=1):
        for marker in _EXPECT.finditer(text):
            suppressed = marker.group("suppressed") is not None
            for rule_id, level in _TOKEN.findall(marker.group("tokens")):
                key = (line_number, rule_id, suppressed)
                case.expected[key] += 1
                if level:
                    case.levels.setdefault(key, []).append(Level(level))
        if _CLEAN.search(text):
            case.clean_lines.append(line_number)
        for rows in _ROWS.findall(text):
            case.rows.update(rows.split())
    return case


def _case_id(path: Path) -> str:
    return path.relative_to(CORPUS_DIR).as_posix()


def _describe(case: CaseFile, key: Key, finding: Finding | None = None) -> str:
    line, rule_id, suppressed = key
    source = case.source_lines[line - 1].strip() if 0 < line <= len(case.source_lines) else "<no such line>"
    state = " (suppressed)" if suppressed else ""
    detail = f"  [{finding.level.value}] {finding.message}" if finding else ""
    return f"  line {line}: {rule_id}{state}: {source}{detail}"


def reported_line(finding: Finding) -> int:
    """The line of the call a finding belongs to: expectations sit on a call's first line.

    The region itself may point at a later line of a multi-line call (the risky argument), which is what
    GitHub needs to show it in a diff; notebook regions are raw .ipynb lines and calls there are one line.
    """
    if "notebook" in finding.properties:
        return finding.location.region.start_line
    return finding.properties["call"]["line"]


def _mismatch_report(case: CaseFile, findings: list[Finding]) -> str:
    actual: Counter[Key] = Counter((reported_line(f), f.rule_id, f.suppressed) for f in findings)
    by_key = {(reported_line(f), f.rule_id, f.suppressed): f for f in findings}
    missing = case.expected - actual
    unexpected = actual - case.expected
    parts: list[str] = []
    if missing:
        parts.append("false negatives (expected, not reported):")
        parts.extend(_describe(case, key) for key in sorted(missing.elements()))
    if unexpected:
        parts.append("false positives (reported, not expected):")
        parts.extend(_describe(case, key, by_key[key]) for key in sorted(unexpected.elements()))
    for key, wanted in sorted(case.levels.items()):
        got = sorted(f.level.value for f in findings if (reported_line(f), f.rule_id, f.suppressed) == key)
        if key in actual and not (Counter(level.value for level in wanted) <= Counter(got)):
            parts.append("wrong level:")
            parts.append(f"{_describe(case, key)}  expected {[w.value for w in wanted]}, got {got}")
    return "\n".join(parts)


@pytest.mark.parametrize("path", CASE_FILES, ids=_case_id)
def test_corpus_case(path: Path) -> None:
    case = parse_case_file(path)
    result = scan_paths([path], Config())

    assert not result.notifications, f"{_case_id(path)} is valid input, yet: {result.notifications}"
    assert all(f.location.region is not None for f in result.findings), "static findings need a region"
    for finding in result.findings:
        region = finding.location.region
        assert region.start_line == region.end_line, f"{finding}: regions stay on one line for PR annotations"
        if "notebook" not in finding.properties:
            assert region.start_line >= reported_line(finding), f"{finding}: region starts before its call"
    report = _mismatch_report(case, result.findings)
    assert not report, f"{_case_id(path)}:\n{report}"


def test_corpus_is_well_formed() -> None:
    problems: list[str] = []
    for path in CASE_FILES:
        case = parse_case_file(path)
        name = _case_id(path)
        if path.suffix == ".py":
            ast.parse("\n".join(case.source_lines), filename=name)
        else:
            problems.extend(_notebook_problems(path))
        problems.extend(
            f"{name}:{line} unknown rule {rule_id}" for line, rule_id, _ in case.expected if rule_id not in STATIC_RULES
        )
        expected_lines = {line for line, _, _ in case.expected}
        problems.extend(f"{name}:{line} is both clean and expected" for line in case.clean_lines if line in expected_lines)
        if path.parent.name == "negatives" and case.expected:
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

    expected_rules = {rule_id for case in cases for _, rule_id, _ in case.expected}
    assert expected_rules == STATIC_RULES, f"rules without a positive case: {STATIC_RULES - expected_rules}"
    positive_rows = set().union(*(case.rows for case in cases if case.expected))
    negative_rows = set().union(*(case.rows for case in cases if case.clean_lines))
    assert not REQUIRED_ROWS - positive_rows, f"rows without positives: {sorted(REQUIRED_ROWS - positive_rows)}"
    assert not REQUIRED_ROWS - negative_rows, f"rows without negatives: {sorted(REQUIRED_ROWS - negative_rows)}"
    families = {path.relative_to(CORPUS_DIR).parts[0] for path in CASE_FILES}
    assert len(families) >= 16, f"families: {sorted(families)}"
    assert sum(path.suffix == ".ipynb" for path in CASE_FILES) >= 3
    assert any(key[2] for case in cases for key in case.expected), "no suppression case"
