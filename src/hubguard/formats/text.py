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
from hubguard.formats.rule_docs import fix_advice
from hubguard.formats.source_lines import SourceLines
from hubguard.rules import RULES

CONTEXT_LINES = 2
_ELLIPSIS = "…"
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
    """Findings grouped by file with code frames; each rule's why/fix once per run; notices; a summary."""
    shown = [f for f in ordered(result.findings) if ctx.show_suppressed or not f.suppressed]
    sources = SourceLines(ctx.root, ctx.sources)
    explained: set[str] = set()
    for path, group in groupby(shown, key=lambda finding: finding.location.path):
        console.print(Text(single_line(path), style="bold underline"))
        for finding in group:
            _print_finding(finding, sources, console, explained)
    _print_notifications(result, ctx, err_console)
    if not ctx.quiet:
        _print_summary(result, ctx, console)


def print_concise(result: ScanResult, ctx: ReportContext, console: Console, err_console: Console) -> None:
    """One line per finding, ``path:line:col: RULE message`` (Ruff's concise format), then the summary."""
    for finding in ordered(result.findings):
        if finding.suppressed and not ctx.show_suppressed:
            continue
        region = finding.location.region
        where = f"{region.start_line}:{region.start_column}" if region else "1:1"
        line = Text(f"{single_line(finding.location.path)}:{where}: ")
        line.append(finding.rule_id, style=_LEVEL_STYLE[finding.level])
        line.append(f" {single_line(finding.message)}")
        if finding.suppressed:
            line.append(" (suppressed)", style="dim")
        console.print(line, no_wrap=True, overflow="ignore", crop=False)
    _print_notifications(result, ctx, err_console)
    if not ctx.quiet:
        _print_summary(result, ctx, console)


def _print_notifications(result: ScanResult, ctx: ReportContext, err_console: Console) -> None:
    """Notices go to stderr; ``-q`` keeps only errors (an internal error is never hidden)."""
    for notification in sorted(result.notifications, key=lambda n: (n.path or "", n.kind, n.message)):
        if not ctx.quiet or notification.level is Level.ERROR:
            err_console.print(_notification_line(notification))


def _position(finding: Finding) -> str:
    cell = _notebook_cell(finding)
    region = finding.location.region
    if cell is not None:
        return f"cell {cell.number}:{cell.line}"
    return f"{region.start_line}:{region.start_column}" if region else "-"


def _print_finding(finding: Finding, sources: SourceLines, console: Console, explained: set[str]) -> None:
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
    for line in _code_frame(finding, sources, console.width):
        console.print(line, no_wrap=True, overflow="ignore", crop=False)
    if rule and rule.id not in explained:
        explained.add(rule.id)
        _print_indented(console, Text.assemble(("why:", "bold"), f" {rule.why}"))
    advice = fix_advice(finding)
    if advice and f"fix {advice.key}" not in explained:
        explained.add(f"fix {advice.key}")
        _print_indented(console, Text.assemble(("fix:", "bold green"), f" {advice.text}"))
    for location in finding.related:
        _print_indented(console, Text.assemble(("related:", "bold"), f" {single_line(_describe(location))}"))
    console.print()


def _print_indented(console: Console, text: Text, indent: int = 4) -> None:
    """``text`` indented under the finding header, wrapped lines included."""
    for line in text.wrap(console, max(20, console.width - indent), overflow="fold"):
        line.rstrip()
        console.print(Text.assemble(" " * indent, line), no_wrap=True, overflow="ignore")


def _describe(location: Location) -> str:
    where = location.path if location.region is None else f"{location.path}:{location.region.start_line}"
    return f"{where} ({location.description})" if location.description else where


def _code_frame(finding: Finding, sources: SourceLines, width: int) -> list[Text]:
    location = finding.location
    if location.is_remote:
        return []
    cell = _notebook_cell(finding)
    if cell is not None:
        lines = sources.cell_lines(location.path, cell.index)
        return [] if lines is None else _frame(lines, cell.line, cell.line, None, width)
    region = location.region
    lines = sources.file_lines(location.path)
    if region is None or lines is None:
        return []
    end_column = region.end_column if region.end_line == region.start_line else None
    return _frame(lines, region.start_line, region.end_line, (region.start_column, end_column), width)


def _display(source: str) -> str:
    return neutralize_controls(source).expandtabs(_TAB_SIZE)


@dataclass(frozen=True)
class _Window:
    """The slice of display columns a frame shows, so a long line never pushes the caret off screen."""

    start: int
    stop: int | None  # None: to the end of each line

    def show(self, text: str) -> str:
        stop = len(text) if self.stop is None else min(len(text), self.stop)
        shown = text[self.start : stop]
        if self.start > 0:
            shown = _ELLIPSIS + shown
        return shown + _ELLIPSIS if stop < len(text) else shown

    @property
    def offset(self) -> int:
        """Columns the window shifts the caret by (the leading ellipsis counts as one)."""
        return 0 if self.start == 0 else 1 - self.start


def _window(display_line: str, marked: tuple[int, int], available: int) -> _Window:
    """Columns to show of a line ``available`` wide, keeping the marked span (or its start) in view."""
    if len(display_line) <= available:
        return _Window(0, None)
    room = max(available - 2, 10)  # an ellipsis on either side
    start, stop = marked
    if stop <= room:
        return _Window(0, room)
    begin = max(0, min(start - max(0, (room - (stop - start)) // 2), len(display_line) - room))
    return _Window(begin, begin + room)


def _frame(
    lines: list[str], start: int, end: int, columns: tuple[int, int | None] | None, width: int
) -> list[Text]:
    if not 1 <= start <= len(lines):
        return []
    first = max(1, start - CONTEXT_LINES)
    last = min(len(lines), max(start, end) + CONTEXT_LINES, first + _MAX_FRAME_LINES - 1)
    number_width = len(str(last))
    gutter_width = len(f"  > {last} | ")
    marked_line = lines[start - 1]
    span = _caret_span(marked_line, columns)
    window = _window(_display(marked_line), span, width - gutter_width)
    frame: list[Text] = []
    for number in range(first, last + 1):
        marked = start <= number <= end
        gutter = Text(f"  {'>' if marked else ' '} {number:>{number_width}} | ", style="bold" if marked else "dim")
        frame.append(Text.assemble(gutter, window.show(_display(lines[number - 1]))))
        if number == start and columns is not None:
            frame.append(_caret_line(span, window, number_width))
    return frame


def _caret_span(line: str, columns: tuple[int, int | None] | None) -> tuple[int, int]:
    """Display columns [start, stop) of the marked code (the whole line without ``columns``)."""
    if columns is None:
        return 0, len(_display(line))
    start_column, end_column = columns
    stop = len(line) + 1 if end_column is None else end_column
    prefix = len(_display(line[: start_column - 1]))
    return prefix, prefix + max(1, len(_display(line[start_column - 1 : stop - 1])))


def _caret_line(span: tuple[int, int], window: _Window, number_width: int) -> Text:
    start, stop = span
    if window.stop is not None:
        stop = min(stop, window.stop)
    start, stop = start + window.offset, stop + window.offset
    caret = Text(f"    {' ' * number_width} | {' ' * start}")
    caret.append("^" * max(1, stop - start), style="bold red")
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
    if ctx.fixed is not None:
        console.print(Text(f"{ctx.fixed} fixed, {summary.total} remaining."))
    scanned = _plural(result.files_scanned, "file")
    suppressed = f", {summary.suppressed} suppressed" if summary.suppressed else ""
    hidden = "".join(f", {count} {why}" for why, count in ctx.hidden.items() if count)
    if summary.total == 0:
        console.print(Text.assemble(("No findings", "bold green"), f" ({scanned} scanned{suppressed}{hidden})."))
        return
    files = len({f.location.path for f in result.findings if not f.suppressed})
    levels = ", ".join(_plural(count, level) for level, count in summary.by_level.items() if count)
    console.print(
        Text(
            f"Found {_plural(summary.total, 'finding')} ({levels}) in {_plural(files, 'file')}; "
            f"{scanned} scanned{suppressed}{hidden}."
        )
    )
    for rule_id, count in summary.by_rule.items():
        rule = RULES.get(rule_id)
        console.print(Text(f"  {rule_id} {rule.name if rule else '':<24} {count:>5}"))
    if ctx.fail_on is None:
        console.print(Text("fail-on is none: findings do not change the exit code."))
    else:
        console.print(Text(f"{summary.at_or_above_fail_on} at or above the fail-on level ({ctx.fail_on.value})."))
