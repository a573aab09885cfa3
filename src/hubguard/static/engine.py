"""Analyse files into findings, in a process pool when there are many."""

from __future__ import annotations

import ast
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path

import libcst as cst

from hubguard.config import Config
from hubguard.findings import Finding, Level, Location, Notification, Region, ScanResult, SuppressionComment
from hubguard.static.analyzer import CallHit, analyze_module, region_of
from hubguard.static.positions import Span
from hubguard.static.files import discover, relative_path
from hubguard.static.notebook import NotebookSource
from hubguard.static.prefilter import candidate_call_lines, might_contain_sinks, screen_text
from hubguard.static.reduce import reduced_source
from hubguard.static.sources import Source, UnreadableSource, python_lines, read_source
from hubguard.static.suppression import comment_span, suppressing_line, suppressions_by_line

_POOL_THRESHOLD = 64
_CHUNK = 16


def scan_paths(paths: list[Path], config: Config, root: Path | None = None) -> ScanResult:
    root = (root or Path.cwd()).resolve()
    files = list(discover(paths, root, config))
    jobs = [(str(path), relative_path(path, root)) for path in files]
    workers = config.jobs if config.jobs is not None else (os.cpu_count() or 1)
    result = ScanResult()
    if len(jobs) < _POOL_THRESHOLD or workers <= 1:
        partials = [analyze_file(path, relative, config) for path, relative in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            partials = list(pool.map(_analyze_job, jobs, [config] * len(jobs), chunksize=_CHUNK))
    for partial in partials:
        result.extend(partial)
    result.findings.sort(key=Finding.sort_key)
    return result


def _analyze_job(job: tuple[str, str], config: Config) -> ScanResult:
    return analyze_file(*job, config)


def analyze_file(path: str, relative: str, config: Config) -> ScanResult:
    """Analyse one file; every failure becomes a notification, never an exception."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return ScanResult(
            files_scanned=1, notifications=[Notification(f"cannot read file: {error.strerror or error}", relative)]
        )
    return analyze_bytes(data, relative, config)


def analyze_bytes(data: bytes, relative: str, config: Config) -> ScanResult:
    """Analyse ``data`` as the file ``relative`` (its suffix says whether it is a notebook): stdin, caches."""
    result = _analyze_bytes(data, relative, config)
    if not result.suppressions and b"hubguard" in data:
        result.suppressions = _unused_suppressions(data, relative)  # skipped before _collect: nothing to suppress
    return result


def _unused_suppressions(data: bytes, relative: str) -> list[SuppressionComment]:
    try:
        source = read_source(Path(relative), data)
    except UnreadableSource:
        return []
    return _suppression_comments(source, relative, suppressions_by_line(source.text), {})


def _suppression_comments(
    source: Source, relative: str, table: dict[int, frozenset[str]], used: dict[int, set[str]]
) -> list[SuppressionComment]:
    lines = python_lines(source.text)
    comments = []
    for line, rules in table.items():
        start, end = comment_span(lines[line - 1]) or (0, len(lines[line - 1].rstrip()))
        location = _location(relative, Region(line, start + 1, line, end + 1), source.notebook)
        if location is not None:
            comments.append(SuppressionComment(location, rules, used.get(line, set())))
    return comments


def _analyze_bytes(data: bytes, relative: str, config: Config) -> ScanResult:
    result = ScanResult(files_scanned=1)
    if not might_contain_sinks(data):
        return result
    try:
        source = read_source(Path(relative), data)
        if source.notebook is not None:
            result.notifications.extend(
                Notification(f"cell {index + 1} not analysed: {reason}", relative, Level.NOTE)
                for index, reason in source.notebook.skipped_cells
                if reason != "cell magic"
            )
        hints = screen_text(source.text)
        if hints is None:
            return result
        code = source.text
        tree = _ast_tree(code)
        if tree is not None:
            candidate_lines = candidate_call_lines(tree, hints)
            if not candidate_lines:
                return result
            code = reduced_source(tree, code, candidate_lines)
        module = cst.parse_module(code)
    except UnreadableSource as error:
        result.notifications.append(Notification(str(error), relative))
        return result
    except cst.ParserSyntaxError as error:
        result.notifications.append(
            Notification(f"syntax error at line {error.raw_line}, column {error.raw_column}: {error.message}", relative)
        )
        return result
    except RecursionError:
        result.notifications.append(Notification("source nests too deeply to analyse", relative))
        return result
    try:
        _collect(module, code, source, relative, config, result)
    except Exception as error:  # a bug in one check must not hide the findings in every other file
        result.findings.clear()
        result.references.clear()
        kind = type(error).__name__
        result.notifications.append(
            Notification(
                f"internal error while analysing ({kind}: {error}); please report it",
                relative,
                Level.ERROR,
                "internal-error",
            )
        )
    return result


def _ast_tree(text: str) -> ast.Module | None:
    """The file parsed by CPython, or None when only LibCST can say what is wrong with it."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _collect(module: cst.Module, code: str, source: Source, relative: str, config: Config, result: ScanResult) -> None:
    """``code`` is what LibCST parsed: ``source.text`` with irrelevant definitions blanked, line for line."""
    analysis = analyze_module(module, code)
    suppressed = suppressions_by_line(source.text)
    used: dict[int, set[str]] = {}
    for call_hit in analysis.hits:
        found = _finding(call_hit, source, relative, suppressed)
        if found is not None and _reported(found[0], config):
            result.findings.append(found[0])
            if found[1] is not None:
                used.setdefault(found[1], set()).add(found[0].rule_id)
    result.suppressions.extend(_suppression_comments(source, relative, suppressed, used))
    for reference, callee_range in analysis.references:
        location = _location(relative, region_of(callee_range), source.notebook)
        if location is not None:
            result.references.append(replace(reference, location=location))


def _finding(
    call_hit: CallHit, source: Source, relative: str, suppressed: dict[int, frozenset[str]]
) -> tuple[Finding, int | None] | None:
    """The finding for ``call_hit``, and the line of the comment that suppresses it (None if none does)."""
    hit = call_hit.hit
    anchor = call_hit.anchor_range
    region = Region(anchor.start_line, anchor.start_column + 1, anchor.start_line, _end_column(anchor, source))
    location = _location(relative, region, source.notebook)
    if location is None:
        return None
    call = call_hit.call_range
    properties = dict(hit.properties)
    properties["call"] = {"line": call.start_line, "column": call.start_column + 1}
    message = hit.message
    if source.notebook is not None:
        cell = source.notebook.cell_of(anchor.start_line)
        if cell is not None:
            properties["notebook"] = {
                "cellIndex": cell.cell_index,
                "cellNumber": cell.cell_index + 1,
                "lineInCell": cell.line_in_cell,
                "cellId": cell.cell_id,
            }
            message = f"{message} (cell {cell.cell_index + 1}, line {cell.line_in_cell})"
    suppressing = suppressing_line(hit.rule_id, (anchor.start_line, call.start_line, call.end_line), suppressed)
    finding = Finding(
        rule_id=hit.rule_id,
        message=message,
        location=location,
        level=hit.level,
        suppressed=suppressing is not None,
        properties=properties,
    )
    return finding, suppressing


def _end_column(anchor: Span, source: Source) -> int:
    """Regions stay on one line so GitHub can show them in the PR diff; a multi-line anchor ends at its line's end."""
    if anchor.end_line == anchor.start_line:
        return anchor.end_column + 1
    line_text = python_lines(source.text)[anchor.start_line - 1]
    return len(line_text.rstrip()) + 1


def _location(relative: str, region: Region, notebook: NotebookSource | None) -> Location | None:
    if notebook is None:
        return Location(relative, region)
    start = notebook.raw_position(region.start_line, region.start_column - 1)
    end = notebook.raw_position(region.end_line, region.end_column - 1)
    if start is None:
        return None
    if end is None or end[0] != start[0]:
        end = (start[0], start[1] + 1)
    return Location(relative, Region(start[0], start[1] + 1, end[0], end[1] + 1))


def _reported(finding: Finding, config: Config) -> bool:
    if not config.rule_enabled(finding.rule_id):
        return False
    if finding.rule_id in ("HG101", "HG102") and config.allow_remote_code:
        repo_id = finding.properties.get("repoId") or finding.properties.get("customPipeline")
        if isinstance(repo_id, str) and any(fnmatchcase(repo_id, glob) for glob in config.allow_remote_code):
            return False
    return True
