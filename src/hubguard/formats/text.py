"""Human output on the terminal: findings grouped by file, with code frames, why and fix."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from rich.console import Console
from rich.text import Text

from hubguard.findings import Finding, Level, Location, Notification, ScanResult
from hubguard.formats.context import ReportContext
from hubguard.formats.escaping import neutralize_controls, single_line
from hubguard.formats.ordering import ordered, summarize
from hubguard.formats.source_lines import SourceLines
from hubguard.rules import RULES

CONTEXT_LINES = 2
_MAX_FRAME_LINES = 12
_TAB_SIZE = 4
_LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.NOTE: "cyan"}


@dataclass(frozen=True)
class _NotebookCell:
    index: int
    number: int
    line: int


def _notebook_cell(finding: Finding) -> _NotebookCell | None:
    cell = finding.properties.get("notebook")
    if not isinstance(cell, dict):
        return None
    index, number, line = cell.get("cellIndex"), cell.get("cellNumber"), cell.get("lineInCell")
    if isinstance(index, int) and isinstance(number, int) and isinstance(line, int):
        return _NotebookCell(index, number, line)
    return None


def print_text(result: ScanResult, ctx: ReportContext, console: Console, err_console: Console) -> None:
    shown = [f for f in ordered(result.findings) if ctx.show_suppressed or not f.suppressed]
    sources = SourceLines(ctx.root)
    for path, group in groupby(shown, key=lambda finding: finding.location.path):
        console.print(Text(single_line(path), style="bold underline"))
        for finding in group:
            _print_finding(finding, sources, console)
    for notification in sorted(result.notifications, key=lambda n: (n.path or "", n.kind, n.message)):
        err_console.print(_notification_line(notification))
    _print_summary(result, ctx, console)


def _position(finding: Finding) -> str:
    cell = _notebook_cell(finding)
    region = finding.location.region
    if cell is not None:
        return f"cell {cell.number}:{cell.line}"
    return f"{region.start_line}:{region.start_column}" if region else "-"


def _print_finding(finding: Finding, sources: SourceLines, console: Console) -> None:
    rule = RULES.get(finding.rule_id)
    header = Text("  ")
    header.append(_position(finding), style="bold")
    header.append("  ")
    header.append(finding.level.value, style=_LEVEL_STYLE[finding.level])
    header.append(f"  {finding.rule_id}", style="bold")
    if rule:
        header.append(f" {rule.name}")
    if finding.suppressed:
        header.append("  (suppressed)", style="dim")
    console.print(header)
    _print_indented(console, Text(neutralize_controls(finding.message)))
    for line in _code_frame(finding, sources):
        console.print(line, no_wrap=True, overflow="ellipsis")
    if rule:
        _print_indented(console, Text("why: ", style="bold") + Text(rule.why))
        _print_indented(console, Text("fix: ", style="bold green") + Text(rule.fix))
    for location in finding.related:
        _print_indented(console, Text("related: ", style="bold") + Text(single_line(_describe(location))))
    console.print()


def _print_indented(console: Console, text: Text, indent: int = 4) -> None:
    """``text`` indented under the finding header, wrapped lines included."""
    for line in text.wrap(console, max(20, console.width - indent), overflow="fold"):
        line.rstrip()
        console.print(Text(" " * indent) + line, no_wrap=True, overflow="ignore")


def _describe(location: Location) -> str:
    where = location.path if location.region is None else f"{location.path}:{location.region.start_line}"
    return f"{where} ({location.description})" if location.description else where


def _code_frame(finding: Finding, sources: SourceLines) -> list[Text]:
    location = finding.location
    if location.is_remote:
        return []
    cell = _notebook_cell(finding)
    if cell is not None:
        lines = sources.cell_lines(location.path, cell.index)
        return [] if lines is None else _frame(lines, cell.line, cell.line, None)
    region = location.region
    lines = sources.file_lines(location.path)
    if region is None or lines is None:
        return []
    end_column = region.end_column if region.end_line == region.start_line else None
    return _frame(lines, region.start_line, region.end_line, (region.start_column, end_column))


def _display(source: str) -> str:
    return neutralize_controls(source).expandtabs(_TAB_SIZE)


def _frame(lines: list[str], start: int, end: int, columns: tuple[int, int | None] | None) -> list[Text]:
    if not 1 <= start <= len(lines):
        return []
    first = max(1, start - CONTEXT_LINES)
    last = min(len(lines), max(start, end) + CONTEXT_LINES, first + _MAX_FRAME_LINES - 1)
    width = len(str(last))
    frame: list[Text] = []
    for number in range(first, last + 1):
        marked = start <= number <= end
        gutter = Text(f"  {'>' if marked else ' '} {number:>{width}} | ", style="bold" if marked else "dim")
        frame.append(gutter + Text(_display(lines[number - 1])))
        if number == start and columns is not None:
            frame.append(_caret_line(lines[start - 1], columns, width))
    return frame


def _caret_line(line: str, columns: tuple[int, int | None], width: int) -> Text:
    start_column, end_column = columns
    prefix = _display(line[: start_column - 1])
    stop = len(line) + 1 if end_column is None else end_column
    marked = _display(line[start_column - 1 : stop - 1])
    caret = Text(f"    {' ' * width} | {' ' * len(prefix)}")
    caret.append("^" * max(1, len(marked)), style="bold red")
    return caret


def _notification_line(notification: Notification) -> Text:
    line = Text()
    line.append(f"{notification.level.value}: ", style=_LEVEL_STYLE[notification.level])
    if notification.path:
        line.append(f"{single_line(notification.path)}: ", style="bold")
    line.append(single_line(notification.message))
    line.append(f" [{notification.kind}]", style="dim")
    return line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _print_summary(result: ScanResult, ctx: ReportContext, console: Console) -> None:
    summary = summarize(result.findings, ctx.fail_on)
    scanned = _plural(result.files_scanned, "file")
    suppressed = f", {summary.suppressed} suppressed" if summary.suppressed else ""
    if summary.total == 0:
        console.print(Text(f"No findings ({scanned} scanned{suppressed}).", style="bold green"))
        return
    files = len({f.location.path for f in result.findings if not f.suppressed})
    levels = ", ".join(_plural(count, level) for level, count in summary.by_level.items() if count)
    console.print(
        Text(
            f"Found {_plural(summary.total, 'finding')} ({levels}) in {_plural(files, 'file')}; "
            f"{scanned} scanned{suppressed}.",
            style="bold",
        )
    )
    for rule_id, count in summary.by_rule.items():
        rule = RULES.get(rule_id)
        console.print(Text(f"  {rule_id} {rule.name if rule else '':<24} {count:>5}"))
    console.print(Text(f"{summary.at_or_above_fail_on} at or above the fail-on level ({ctx.fail_on.value})."))
