"""Command line: ``hubguard scan``, ``hubguard model``, ``hubguard rules``, ``hubguard explain``."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console

from hubguard import __version__
from hubguard.config import Config, ConfigError, load_config, parse_fail_on, parse_rule_list
from hubguard.findings import INTERNAL_ERROR, Finding, Level, ScanResult
from hubguard.static.files import relative_path, repository_root

if TYPE_CHECKING:
    from hubguard.filters.baseline import Baseline
    from hubguard.filters.changed_lines import ChangedLines
    from hubguard.pipeline import ScanOptions

STDIN = Path("-")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
ISSUES_URL = "https://github.com/hubguard/hubguard/issues"
DEBUG_ENV = "HUBGUARD_DEBUG"
EXIT_CODES_HELP = """\
exit codes:
  0  no finding at or above the fail-on level
  1  findings at or above the fail-on level, and nothing else went wrong
  2  usage or configuration error (bad option, unknown rule, missing path)
  3  internal error: hubguard failed; the report may be incomplete (please report it)
"""


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"hubguard: error: {message}\n")


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "concise", "json", "sarif", "github", "cyclonedx"),
        default="text",
        help="text (default), concise (one line per finding), json, sarif, github (workflow annotations) "
        "or cyclonedx (an ML-BOM of the models and datasets the code loads)",
    )
    parser.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of stdout")
    parser.add_argument("--fail-on", help="lowest level that makes the exit code 1: note, warning, error or none")
    parser.add_argument("--category", default="hubguard/", help="SARIF automationDetails.id (default: hubguard/)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary or notices")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output: auto (default; honours NO_COLOR and FORCE_COLOR), always or never",
    )
    parser.add_argument("--show-suppressed", action="store_true", help="list suppressed findings in text output")
    parser.add_argument("--stats", action="store_true", help="print files scanned and bytes transferred")
    parser.add_argument(
        "--verbose", action="store_true", help=f"show the traceback of an internal error (also: {DEBUG_ENV}=1)"
    )


def _add_remote_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", default=None, help="never touch the network")
    parser.add_argument("--timeout", type=float, help="seconds allowed per repository lookup (default 30)")
    parser.add_argument("--cache-dir", type=Path, help="result caches (default: $XDG_CACHE_HOME/hubguard)")


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="hubguard",
        description="Find model-hub loads that run somebody else's code, and what that code would do.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hubguard {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_ArgumentParser)

    scan = commands.add_parser("scan", help="scan Python files, notebooks and directories")
    scan.add_argument(
        "paths", nargs="*", type=Path, default=[Path(".")], help="files and directories (default: .); - reads stdin"
    )
    scan.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with -: the path the source on stdin belongs to (for reports, notebooks, config and suppressions)",
    )
    scan.add_argument("--config", type=Path, help="pyproject.toml or hubguard.toml to read settings from")
    scan.add_argument(
        "--select", action="append", help="rule IDs or prefixes to report, comma-separated (repeatable; e.g. HG1,HG201)"
    )
    scan.add_argument("--ignore", action="append", help="rule IDs or prefixes not to report (repeatable)")
    scan.add_argument(
        "--exclude", action="append", default=[], help="gitignore-style glob of paths to skip (repeatable)"
    )
    scan.add_argument(
        "--no-respect-gitignore",
        action="store_true",
        help="also scan files that .gitignore or .git/info/exclude ignore",
    )
    scan.add_argument(
        "--report-unused-ignores",
        action="store_true",
        help="report '# hubguard: ignore' comments that suppress nothing (rule HG002)",
    )
    scan.add_argument("--jobs", "-j", type=int, help="worker processes for the static pass")
    scan.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings not in FILE (see --write-baseline)"
    )
    scan.add_argument(
        "--write-baseline", type=Path, metavar="FILE", help="accept every current finding: write them to FILE"
    )
    scan.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings on lines changed since REF (its merge base with HEAD; uncommitted changes count)",
    )
    scan.add_argument("--no-cache", action="store_true", help="do not read or write the static pass's result cache")
    scan.add_argument("--fix", action="store_true", help="pin revisions and add weights_only=True in place")
    scan.add_argument("--diff", action="store_true", help="with --fix: print the patch instead of writing it")
    scan.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix: also apply fixes that can change behaviour (weights_only=True may stop a checkpoint "
        "holding non-tensor objects from loading)",
    )
    _add_report_options(scan)
    _add_remote_options(scan)

    model = commands.add_parser("model", help="inspect model files (local file/dir, hub repo ID, URL) without loading")
    model.add_argument("target", help="a weights file, a directory, a hub repo ID such as org/name, or an https:// URL")
    model.add_argument("--revision", help="hub revision (branch, tag or commit SHA)")
    model.add_argument("--repo-type", choices=("model", "dataset"), default="model")
    _add_report_options(model)
    _add_remote_options(model)

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule_id")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run hubguard; every failure becomes an exit code (see ``EXIT_CODES_HELP``), never a bare traceback."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    err_console = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        return _run(arguments, err_console)
    except ConfigError as error:
        err_console.print(f"hubguard: error: {error}", markup=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err_console.print("hubguard: interrupted", markup=False)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (``hubguard scan | head``): not an error of ours
        return EXIT_OK
    except Exception as error:
        _report_internal_error(error, arguments, err_console)
        return EXIT_INTERNAL


def _debug(verbose_flag: bool) -> bool:
    """Whether to show tracebacks: --verbose, or HUBGUARD_DEBUG set to anything but 0."""
    return verbose_flag or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _report_internal_error(error: Exception, arguments: list[str], err_console: Console) -> None:
    err_console.print(
        f"hubguard: internal error ({type(error).__name__}: {error}). This is a bug in hubguard, not in your code; "
        f"please report it at {ISSUES_URL} with the command line.",
        markup=False,
    )
    if _debug("--verbose" in arguments):
        import traceback

        err_console.print(traceback.format_exc(), markup=False, end="")
    else:
        err_console.print(f"Run with --verbose (or {DEBUG_ENV}=1) to see the traceback.", markup=False)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at devnull so the interpreter's final flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run(arguments: list[str], err_console: Console) -> int:
    args = build_parser().parse_args(arguments)
    color = getattr(args, "color", "auto")
    console, err_console = _console(color), _console(color, stderr=True)
    if args.command == "scan":
        return _scan(args, console, err_console)
    if args.command == "model":
        return _model(args, console, err_console)
    if args.command == "rules":
        from hubguard.formats import print_rules, rules_json

        if args.format == "json":
            sys.stdout.write(rules_json())
        else:
            print_rules(console)
        return EXIT_OK
    if args.command == "explain":
        from hubguard.formats import print_explain

        if print_explain(args.rule_id.upper(), console):
            return EXIT_OK
        raise ConfigError(f"unknown rule {args.rule_id!r}; see 'hubguard rules'")
    build_parser().print_help()
    return EXIT_USAGE


def _start(paths: list[Path]) -> Path:
    """The directory the scanned paths share: where configuration and the repository root are looked up."""
    directories = [str(path.resolve() if path.is_dir() else path.resolve().parent) for path in paths]
    return Path(os.path.commonpath(directories)) if directories else Path.cwd().resolve()


def _root(start: Path) -> Path:
    """The repository holding ``start`` (finding paths are relative to it); else the current directory when it
    contains ``start``, else ``start``."""
    top = repository_root(start)
    if top is not None:
        return top
    cwd = Path.cwd().resolve()
    return cwd if start.is_relative_to(cwd) else start


def _rule_flags(values: list[str] | None, flag: str) -> frozenset[str]:
    """Repeated ``--select``/``--ignore`` flags accumulate; each may hold a comma-separated list."""
    return frozenset().union(*(parse_rule_list(value, flag) for value in values or ()))


def _config(args: argparse.Namespace, start: Path) -> Config:
    explicit = getattr(args, "config", None)
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"config file not found: {explicit}")
    config = load_config(explicit, start)
    if getattr(args, "select", None):
        config.select = _rule_flags(args.select, "--select")
    if getattr(args, "ignore", None):
        config.ignore = config.ignore | _rule_flags(args.ignore, "--ignore")
    if getattr(args, "exclude", None):
        config.exclude = config.exclude + tuple(args.exclude)
    if getattr(args, "no_respect_gitignore", False):
        config.respect_gitignore = False
    if getattr(args, "report_unused_ignores", False):
        config.report_unused_ignores = True
    if args.fail_on:
        config.fail_on = parse_fail_on(args.fail_on, "--fail-on")
    if args.offline:
        config.offline = True
    if args.timeout is not None:
        if args.timeout <= 0:
            raise ConfigError("--timeout must be a positive number of seconds")
        config.timeout = args.timeout
    if args.cache_dir is not None:
        config.cache_dir = args.cache_dir
    if getattr(args, "no_cache", False):
        config.cache = False
    if getattr(args, "jobs", None) is not None:
        if args.jobs < 1:
            raise ConfigError("--jobs must be at least 1")
        config.jobs = args.jobs
    return config


def _check_scan_arguments(args: argparse.Namespace) -> None:
    if args.diff and not args.fix:
        raise ConfigError("--diff needs --fix")
    if args.unsafe_fixes and not args.fix:
        raise ConfigError("--unsafe-fixes needs --fix")
    if args.write_baseline is not None and (args.baseline is not None or args.fix):
        raise ConfigError("--write-baseline records every finding; it cannot be combined with --baseline or --fix")
    if STDIN in args.paths:
        if len(args.paths) > 1:
            raise ConfigError("- (stdin) cannot be combined with other paths")
        if args.fix or args.write_baseline is not None:
            raise ConfigError("--fix and --write-baseline need files, not stdin")
        return
    if args.stdin_filename is not None:
        raise ConfigError("--stdin-filename needs - (read the source from stdin) as the path")
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}")


def _scan(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    from hubguard.pipeline import ScanOptions, run_scan

    _check_scan_arguments(args)
    stdin_path = Path(args.stdin_filename or "<stdin>") if args.paths == [STDIN] else None
    start = _start([stdin_path] if stdin_path is not None else list(args.paths))
    config = _config(args, start)
    root = _root(start)
    texts: dict[str, str] = {}
    stdin: tuple[str, bytes] | None = None
    if stdin_path is not None:
        display = relative_path(stdin_path, root) if args.stdin_filename else "<stdin>"
        stdin = (display, sys.stdin.buffer.read())
        texts[display] = stdin[1].decode("utf-8", errors="replace")
    baseline = _load_baseline(args.baseline) if args.baseline is not None else None
    changed = _changed_lines(args.diff_base, root) if args.diff_base else None
    options = ScanOptions(
        list(args.paths), root, config, progress=not args.quiet, verbose=_debug(args.verbose), stdin=stdin
    )
    result = run_scan(options)
    if args.write_baseline is not None:
        from hubguard.filters.baseline import write_baseline

        count = write_baseline(args.write_baseline, result.findings, root, texts)
        err_console.print(f"hubguard: wrote {count} findings to the baseline {args.write_baseline}", markup=False)
        return EXIT_INTERNAL if exit_code(result, None) == EXIT_INTERNAL else EXIT_OK
    if args.fix:
        result = _fix(result, options, args, err_console)
        if args.diff and args.output is None:
            return exit_code(result, config.fail_on)  # stdout holds the patch and nothing else
    hidden = _filter(result, baseline, changed, root, texts)
    return _report(result, args, config, root, console, err_console, hidden, texts)


def _load_baseline(path: Path) -> Baseline:
    from hubguard.filters.baseline import Baseline, BaselineError

    try:
        return Baseline.load(path)
    except BaselineError as error:
        raise ConfigError(str(error)) from None


def _changed_lines(base: str, root: Path) -> ChangedLines:
    from hubguard.filters.changed_lines import DiffError, lines_changed_since

    try:
        return lines_changed_since(base, root)
    except DiffError as error:
        raise ConfigError(f"--diff-base {base}: {error}") from None


def _filter(
    result: ScanResult, baseline: Baseline | None, changed: ChangedLines | None, root: Path, texts: dict[str, str]
) -> dict[str, int]:
    """Drop findings accepted in the baseline or off the changed lines; how many each left out."""
    hidden: dict[str, int] = {}
    if baseline is not None:
        result.findings, hidden["in the baseline"] = baseline.new_findings(result.findings, root, texts)
    if changed is not None:
        kept = [f for f in result.findings if _on_changed_lines(f, changed)]
        hidden["outside the changed lines"] = len(result.findings) - len(kept)
        result.findings = kept
    return hidden


def _on_changed_lines(finding: Finding, changed: ChangedLines) -> bool:
    region = finding.location.region
    if finding.location.is_remote or region is None:
        return True
    return changed.covers(finding.location.path, region.start_line, region.end_line)


def _fix(result: ScanResult, options: ScanOptions, args: argparse.Namespace, err_console: Console) -> ScanResult:
    """Apply (or, with --diff, print) the fixes; after writing, re-scan the changed files and return what remains."""
    from hubguard.fix import apply_fixes
    from hubguard.pipeline import run_scan

    outcomes = apply_fixes(
        [f for f in result.findings if not f.suppressed],
        options.root,
        write=not args.diff,
        unsafe=args.unsafe_fixes,
        offline=options.config.offline,
    )
    if args.diff:
        for outcome in outcomes:
            sys.stdout.write(outcome.diff)
        return result
    if not args.quiet:
        for outcome in outcomes:
            for applied in outcome.applied:
                err_console.print(f"fixed {applied}", markup=False)
            for what, reason in outcome.skipped:
                err_console.print(f"not fixed {what}: {reason}", markup=False)
    changed = {outcome.path for outcome in outcomes if outcome.changed}
    if not changed:
        result.stats["fixed"] = 0
        return result
    rescan = run_scan(replace(options, paths=[options.root / path for path in sorted(changed)]))
    before = _active_by_file(result.findings, changed)
    kept = ScanResult(
        findings=[f for f in result.findings if f.location.path not in changed] + rescan.findings,
        notifications=[n for n in result.notifications if n.path not in changed] + rescan.notifications,
        references=[r for r in result.references if r.location.path not in changed] + rescan.references,
        files_scanned=result.files_scanned,
        stats=result.stats,
    )
    kept.findings.sort(key=Finding.sort_key)
    kept.stats["fixed"] = sum((before - _active_by_file(rescan.findings, changed)).values())
    return kept


def _active_by_file(findings: list[Finding], paths: set[str]) -> Counter[tuple[str, str, str]]:
    """Unsuppressed findings in ``paths`` by what they say, not where: fixes move lines."""
    return Counter(
        (f.rule_id, f.location.path, f.message) for f in findings if f.location.path in paths and not f.suppressed
    )


def _model(args: argparse.Namespace, console: Console, err_console: Console) -> int:
    from hubguard.model_command import inspect_target

    root = Path.cwd().resolve()
    config = _config(args, root)
    if args.format == "cyclonedx":
        raise ConfigError("--format cyclonedx inventories what a project loads: use it with hubguard scan")
    result = inspect_target(args.target, args.revision, args.repo_type, config, root)
    return _report(result, args, config, root, console, err_console)


def _console(color: str, *, stderr: bool = False) -> Console:
    """A console for ``--color``; ``auto`` leaves NO_COLOR, FORCE_COLOR and terminal detection to rich."""
    if color == "always":
        return Console(stderr=stderr, highlight=False, force_terminal=True, no_color=False, soft_wrap=stderr)
    if color == "never":
        return Console(stderr=stderr, highlight=False, color_system=None, soft_wrap=stderr)
    return Console(stderr=stderr, highlight=False, soft_wrap=stderr)


def _report(
    result: ScanResult,
    args: argparse.Namespace,
    config: Config,
    root: Path,
    console: Console,
    err_console: Console,
    hidden: dict[str, int] | None = None,
    texts: dict[str, str] | None = None,
) -> int:
    from hubguard.formats import ReportContext, print_concise, print_text, render

    ctx = ReportContext(
        root=root,
        tool_version=__version__,
        fail_on=config.fail_on,
        category=args.category,
        command_line=shlex.join(["hubguard", *sys.argv[1:]]),
        show_suppressed=args.show_suppressed,
        stats=args.stats,
        quiet=args.quiet,
        hidden=hidden or {},
        sources=texts or {},
        fixed=result.stats.get("fixed"),
        targets=tuple(getattr(args, "paths", ())),
    )
    if args.format in ("text", "concise"):
        printer = print_text if args.format == "text" else print_concise
        if args.output is not None:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            with args.output.open("w", encoding="utf-8") as stream:
                printer(result, ctx, Console(file=stream, width=120, color_system=None), err_console)
        else:
            printer(result, ctx, console, err_console)
    else:
        report = render(result, args.format, ctx)
        if args.output is not None:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(report, encoding="utf-8")
        else:
            sys.stdout.write(report)
        if ctx.fixed is not None and not args.quiet:
            remaining = sum(1 for f in result.findings if not f.suppressed)
            err_console.print(f"hubguard: {ctx.fixed} fixed, {remaining} remaining.", markup=False)
        for notification in result.notifications:
            if not args.quiet or notification.level is Level.ERROR:
                where = f"{notification.path}: " if notification.path else ""
                err_console.print(f"hubguard: {where}{notification.message}", markup=False)
    if args.stats:
        _print_stats(result, err_console)
    return exit_code(result, config.fail_on)


def _print_stats(result: ScanResult, err_console: Console) -> None:
    """``--stats``: files read, and what was transferred from hubs (per file, so a 10 GB checkpoint read in
    a few KB shows as such)."""
    err_console.print(f"files scanned: {result.files_scanned}", markup=False)
    transferred: dict[str, int] = {}
    remote = result.stats.get("remote")
    if isinstance(remote, dict):
        transferred.update(remote.get("bytes_by_file", {}))
        err_console.print(
            f"hub requests: {remote.get('requests', 0)}, cache hits: {remote.get('cache_hits', 0)}", markup=False
        )
    for path, info in result.stats.get("files", {}).items():
        transferred[path] = info["bytesRead"]
    sizes = {path: info.get("size") for path, info in result.stats.get("files", {}).items()}
    for path, count in sorted(transferred.items()):
        size = sizes.get(path)
        of_size = f" of {size:,}" if size is not None else ""
        err_console.print(f"{count:>14,} bytes read{of_size}  {path}", markup=False)


def exit_code(result: ScanResult, fail_on: Level | None) -> int:
    """3 when any part of the scan failed internally (its report is incomplete), else 1 or 0 by ``fail_on``."""
    if any(notification.kind == INTERNAL_ERROR for notification in result.notifications):
        return EXIT_INTERNAL
    if fail_on is None:
        return EXIT_OK
    return EXIT_FINDINGS if any(f.level >= fail_on and not f.suppressed for f in result.findings) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
