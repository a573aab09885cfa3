"""Analyse files into findings: read, prefilter, answer from the cache or analyse (in workers when there are many)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

from hubguard.config import Config
from hubguard.findings import INTERNAL_ERROR, Finding, Level, Location, Notification, Region, ScanResult, SuppressionComment
from hubguard.static.analyzer import CallHit, ModuleAnalysis, analyze_module, region_of
from hubguard.static.cache import StaticCache
from hubguard.static.checks import Hit
from hubguard.static.facts import file_facts
from hubguard.static.files import discover, relative_path
from hubguard.static.lines import python_lines
from hubguard.static.positions import Span
from hubguard.static.prefilter import might_contain_sinks, screen_text
from hubguard.static.progress import ProgressBar
from hubguard.static.reading import NotRead, TooLarge, read_regular_file
from hubguard.static.recovery import Parsed, parse_recovering
from hubguard.static.sources import Source, UnreadableSource, read_source
from hubguard.static.suppression import comment_span, suppressing_line, suppressions_by_line
from hubguard.static.tree_constants import Imported, TreeConstants

if TYPE_CHECKING:
    from hubguard.static.notebook import NotebookSource

_POOL_THRESHOLD = 64
_CHUNK = 16


def scan_paths(paths: list[Path], config: Config, root: Path | None = None, progress: bool = False) -> ScanResult:
    """Every file under ``paths``; ``progress``: show a bar on stderr if the scan takes more than a second."""
    root = (root or Path.cwd()).resolve()
    files = list(discover(paths, root, config))
    tree = TreeConstants(files, config.max_file_size)
    cache = StaticCache.for_config(config)
    memo = cache.facts_memo(paths) if cache and any(path.is_dir() for path in paths) else None
    screen = memo.facts if memo else file_facts
    bar = ProgressBar(len(files)) if progress else None
    advance = bar.advance if bar else lambda: None
    partials: list[ScanResult] = []
    pending: list[tuple[str, bytes, Imported, str | None]] = []  # (relative path, bytes, tree constants, cache key)
    try:
        for path in files:
            relative = relative_path(path, root)
            data = _read(str(path), relative, config, partials)
            facts = screen(data) if data is not None else None
            if data is not None and facts is not None and facts.analysed:
                imports = tree.imports_of(path, facts.from_imports)
                key = cache.key(relative, facts.digest, tree.fingerprint(imports)) if cache else None
                cached = cache.get(key) if cache and key else None
                if cached is None:
                    pending.append((relative, data, tree.constants(imports), key))
                    continue
                partials.append(cached)
            elif facts is not None:
                partials.append(ScanResult(files_scanned=1))
            advance()
        if memo:
            memo.save()
        analysed = _analyse([(relative, data, imported) for relative, data, imported, _ in pending], config, advance)
    finally:
        if bar:
            bar.close()
    for (_, _, _, key), partial in zip(pending, analysed):
        if cache and key and not _has_internal_error(partial):
            cache.put(key, partial)
    result = ScanResult()
    for partial in [*partials, *analysed]:
        result.extend(partial)
    result.findings = [finding for finding in result.findings if config.rule_enabled(finding.rule_id)]
    if cache:
        result.stats["cache"] = {"hits": cache.hits, "misses": cache.misses}
    result.findings.sort(key=Finding.sort_key)
    return result


def _analyse(jobs: list[tuple[str, bytes, Imported]], config: Config, advance: Callable[[], None]) -> list[ScanResult]:
    workers = config.jobs if config.jobs is not None else (os.cpu_count() or 1)
    if len(jobs) >= _POOL_THRESHOLD and workers > 1:
        from hubguard.static.workers import analyse_in_workers  # multiprocessing only when it is used

        return analyse_in_workers(jobs, analyze_bytes, config, workers, _CHUNK, advance)
    results = []
    for relative, data, imported in jobs:
        results.append(analyze_bytes(data, relative, config, imported))
        advance()
    return results


def _read(path: str, relative: str, config: Config, partials: list[ScanResult]) -> bytes | None:
    """The file's bytes; None when it is not read (the reason goes into ``partials``)."""
    try:
        return read_regular_file(path, config.max_file_size, might_contain_sinks)
    except TooLarge as error:
        result = ScanResult(files_scanned=1)
        _report_unanalysed(result, relative, str(error), None, error.mentions_loader, config)
    except NotRead as error:
        result = ScanResult(files_scanned=1, notifications=[Notification(str(error), relative)])
    partials.append(result)
    return None


def _has_internal_error(result: ScanResult) -> bool:
    """Results of a crash or a bug are not kept: the next run tries again."""
    return any(f.properties.get("reason") in ("internal-error", "worker-died") for f in result.findings)


def analyze_bytes(data: bytes, relative: str, config: Config, tree_constants: Imported | None = None) -> ScanResult:
    """Analyse the bytes of one file shown as ``relative`` (a notebook when it ends in ``.ipynb``): files on
    disk, stdin, the cache. ``tree_constants``: what it imports from other modules of the scanned tree.

    Whatever goes wrong stays inside this file: input that cannot be parsed is an HG001 finding when it
    mentions a loader (a notice otherwise), an internal error is HG001 at level error (and an error notice, so
    the run exits 3), and the findings established before it are kept.
    """
    result = ScanResult(files_scanned=1)
    if len(data) > config.max_file_size:  # stdin: files on disk are never read past it
        error = TooLarge(len(data), config.max_file_size, might_contain_sinks(data))
        _report_unanalysed(result, relative, str(error), None, error.mentions_loader, config)
        return result
    if might_contain_sinks(data):
        try:
            _analyze(data, relative, config, result, tree_constants)
        except (Exception, MemoryError, RecursionError) as error:  # a bug must not hide the other findings
            _internal_error(result, relative, error)
    if not result.suppressions and b"hubguard" in data:
        result.suppressions = _unused_suppressions(data, relative)  # nothing reached _collect to suppress
    return result


def _unused_suppressions(data: bytes, relative: str) -> list[SuppressionComment]:
    try:
        source = read_source(relative, data)
    except UnreadableSource:
        return []
    return _suppression_comments(source, relative, suppressions_by_line(_commented_text(source)), {})


def _suppression_comments(
    source: Source, relative: str, table: dict[int, frozenset[str]], used: dict[int, set[str]]
) -> list[SuppressionComment]:
    lines = python_lines(_commented_text(source))
    comments = []
    for line, rules in table.items():
        span = comment_span(lines[line - 1])
        assert span is not None  # the table was read from these same lines, with the same pattern
        start, end = span
        location = _location(relative, Region(line, start + 1, line, end + 1), source.notebook)
        if location is not None:
            comments.append(SuppressionComment(location, rules, used.get(line, set())))
    return comments


def _commented_text(source: Source) -> str:
    """Where suppression comments are read: the source, or a notebook's cells with their shell lines as written."""
    return source.notebook.written if source.notebook is not None else source.text


def _analyze(data: bytes, relative: str, config: Config, result: ScanResult, tree_constants: Imported | None) -> None:
    try:
        source = read_source(relative, data)
    except UnreadableSource as error:
        mentions = screen_text(data.decode("latin-1")) is not None
        _report_unanalysed(result, relative, str(error), None, mentions, config)
        return
    suppressed = suppressions_by_line(_commented_text(source))
    used: dict[int, set[str]] = {}
    if source.notebook is not None:
        _report_skipped_cells(source.notebook, relative, config, result)
        _collect_shell_commands(source, relative, config, result, suppressed, used)
    hints = screen_text(source.text, code_only=True)
    if hints is None:
        if used:
            result.suppressions.extend(_suppression_comments(source, relative, suppressed, used))
        return
    tree = source.notebook.tree if source.notebook is not None else None
    parsed = Parsed(tree, source.text, []) if tree is not None else parse_recovering(source.text)
    for part in parsed.skipped:  # never a notebook's: its code holds only cells that parse alone (read_notebook)
        region = Region(part.line, part.column, part.line, part.column + 1)
        message = f"{part.reason}, at line {part.line}, column {part.column}"
        if part.end_line > part.start_line:
            message += f" (lines {part.start_line}-{part.end_line} skipped)"
        flagged = part.too_deep or screen_text(part.text) is not None
        _report_unanalysed(result, relative, message, region, flagged, config)
    if parsed.tree is not None:
        analysis = analyze_module(parsed.tree, parsed.text, hints, tree_constants)
        _collect(analysis, source, relative, config, result, suppressed, used)
    if source.notebook is None:  # HG001 findings honour ``# hubguard: ignore[HG001]`` on their line
        for finding in result.findings:
            at = finding.location.region
            line = suppressing_line("HG001", (at.start_line,), suppressed) if at else None
            if finding.rule_id == "HG001" and line is not None:
                finding.suppressed = True
                used.setdefault(line, set()).add("HG001")
    result.suppressions.extend(_suppression_comments(source, relative, suppressed, used))


def _collect_shell_commands(
    source: Source,
    relative: str,
    config: Config,
    result: ScanResult,
    suppressed: dict[int, frozenset[str]],
    used: dict[int, set[str]],
) -> None:
    """Findings in a notebook's shell lines (the lm-eval CLI), positioned in its code as Python findings are."""
    notebook = source.notebook
    assert notebook is not None
    if "lm_eval" not in notebook.raw and "lm-eval" not in notebook.raw:
        return
    from hubguard.static.shell_commands import lm_eval_hits  # notebooks that run lm-eval only

    for cell, first_line in zip(notebook.cells, notebook.first_lines):
        for shell in lm_eval_hits(cell.text):
            line = first_line + shell.line - 1
            span = Span(line, shell.column, line, shell.column + shell.length)
            hit = Hit(shell.rule_id, shell.level, shell.message, None, dict(shell.properties))
            _add_finding(CallHit(hit, span, span), source, relative, config, result, suppressed, used)


def _report_skipped_cells(notebook: NotebookSource, relative: str, config: Config, result: ScanResult) -> None:
    for skipped in notebook.skipped_cells:
        if skipped.reason == "cell magic":
            continue
        line, column = notebook.raw_position_in_cell(skipped.cell, skipped.line_in_cell, skipped.column)
        region = Region(line, column + 1, line, column + 2)
        message = f"cell {skipped.cell.index + 1} not analysed: {skipped.reason}"
        if skipped.too_deep or screen_text(skipped.cell.text) is not None:
            _not_analysed(result, relative, message, config.not_analysed_level, region)
        else:
            result.notifications.append(Notification(message, relative, Level.NOTE))


def _report_unanalysed(
    result: ScanResult,
    relative: str,
    message: str,
    region: Region | None,
    flagged: bool,
    config: Config,
) -> None:
    """Input that could not be analysed: HG001 when flagged (its text mentions a loader, or it is too deep for
    the parser), else a notice."""
    if flagged:
        _not_analysed(result, relative, message, config.not_analysed_level, region)
    else:
        result.notifications.append(Notification(message, relative))


def _not_analysed(result: ScanResult, relative: str, message: str, level: Level, region: Region | None = None) -> None:
    result.findings.append(
        Finding(
            "HG001",
            f"Not analysed ({message}); the file mentions a model loader, so findings may be hidden here.",
            Location(relative, region),
            level,
            properties={"reason": "unparsable-input"},
        )
    )


def _internal_error(result: ScanResult, relative: str, error: BaseException, region: Region | None = None) -> None:
    kind = type(error).__name__
    where = f" at line {region.start_line}" if region else ""
    notice = f"internal error while analysing{where} ({kind}: {error}); please report it"
    result.notifications.append(Notification(notice, relative, Level.ERROR, INTERNAL_ERROR))
    result.findings.append(
        Finding(
            "HG001",
            f"Internal error while analysing ({kind}: {error}); findings may be hidden here. Please report it.",
            Location(relative, region),
            Level.ERROR,
            properties={"reason": "internal-error"},
        )
    )


def _collect(
    analysis: ModuleAnalysis,
    source: Source,
    relative: str,
    config: Config,
    result: ScanResult,
    suppressed: dict[int, frozenset[str]],
    used: dict[int, set[str]],
) -> None:
    """The analysis's hits as findings; ``used`` gets, per suppression comment line, the rules it suppressed."""
    for error, call_range in analysis.errors:
        _internal_error(result, relative, error, _raw_region(region_of(call_range), source.notebook))
    for call_hit in analysis.hits:
        _add_finding(call_hit, source, relative, config, result, suppressed, used)
    for reference, callee_range in analysis.references:
        location = _location(relative, region_of(callee_range), source.notebook)
        if location is not None:
            result.references.append(replace(reference, location=location))


def _add_finding(
    call_hit: CallHit,
    source: Source,
    relative: str,
    config: Config,
    result: ScanResult,
    suppressed: dict[int, frozenset[str]],
    used: dict[int, set[str]],
) -> None:
    found = _finding(call_hit, source, relative, suppressed)
    if found is not None and _reported(found[0], config):
        result.findings.append(found[0])
        if found[1] is not None:
            used.setdefault(found[1], set()).add(found[0].rule_id)


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
    call_at = _raw_region(region_of(call), source.notebook)  # in a notebook, where the call is written in the .ipynb
    if call_at is not None:
        properties["call"] = {"line": call_at.start_line, "column": call_at.start_column}
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
    raw = _raw_region(region, notebook)
    return Location(relative, raw) if raw is not None else None


def _raw_region(region: Region, notebook: NotebookSource | None) -> Region | None:
    """``region`` in the file as written: for a notebook, in the raw ``.ipynb`` (None if it is not there)."""
    if notebook is None:
        return region
    start = notebook.raw_position(region.start_line, region.start_column - 1)
    end = notebook.raw_position(region.end_line, region.end_column - 1)
    if start is None:
        return None
    if end is None or end[0] != start[0]:
        end = (start[0], start[1] + 1)
    return Region(start[0], start[1] + 1, end[0], end[1] + 1)


def _reported(finding: Finding, config: Config) -> bool:
    if not config.rule_enabled(finding.rule_id):
        return False
    if finding.rule_id in ("HG101", "HG102") and config.allow_remote_code:
        # The code a custom pipeline runs is the pipeline's, whatever model repository the call loads.
        code_from = finding.properties.get("customPipeline") or finding.properties.get("repoId")
        if isinstance(code_from, str) and any(fnmatchcase(code_from, glob) for glob in config.allow_remote_code):
            return False
    return True
