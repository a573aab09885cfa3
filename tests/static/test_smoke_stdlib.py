"""Smoke test: the static pass survives the whole standard library, broken test files included."""

from __future__ import annotations

import ast
import sysconfig
import warnings
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Level, Notification

STDLIB = Path(sysconfig.get_paths()["stdlib"])
BROKEN_DATA_GLOBS = ("test/tokenizedata/*.py", "test/badsyntax_*.py", "lib2to3/tests/data/*.py")
SINK_LINE = b'\nimport pickle\nrestored = pickle.loads(b"")\n'
SYNTHETIC_BROKEN = {
    "py2_print.py": b'print "hello"\n',
    "invalid_utf8.py": b"name = '\xff\xfe'\n",
    "unknown_codec.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "unclosed_call.py": b"value = call(\n",
}


def _stdlib_entries() -> list[Path]:
    return sorted(entry for entry in STDLIB.iterdir() if entry.name not in {"site-packages", "dist-packages"})


def _does_not_parse(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except (SyntaxError, ValueError):
        return True
    return False


def _resolve(notification_path: str) -> Path:
    path = Path(notification_path)
    return path if path.is_absolute() else Path.cwd() / path


@pytest.mark.slow
def test_scanning_the_stdlib_raises_nothing_and_reports_only_broken_files() -> None:
    from hubguard.static.engine import scan_paths

    result = scan_paths(_stdlib_entries(), Config())

    assert result.files_scanned > 500
    assert all(isinstance(n, Notification) and n.message and isinstance(n.level, Level) for n in result.notifications)
    unanalysed = [n.path for n in result.notifications if n.path]
    unanalysed += [f.location.path for f in result.findings if f.rule_id == "HG001"]
    wrongly_rejected = [path for path in unanalysed if not _does_not_parse(_resolve(path).read_bytes())]
    assert not wrongly_rejected, f"valid stdlib files reported as unanalysable: {wrongly_rejected[:10]}"
    assert all(f.location.region is not None and f.location.region.start_line >= 1 for f in result.findings)
    shelve_rules = {f.rule_id for f in result.findings if f.location.path.endswith("/shelve.py")}
    assert "HG301" in shelve_rules, "shelve.py unpickles through Unpickler(f).load()"


def _broken_stdlib_files() -> list[Path]:
    """The interpreter's own broken test data (the set varies by Python version)."""
    candidates = {path for pattern in BROKEN_DATA_GLOBS for path in STDLIB.glob(pattern)}
    return sorted(path for path in candidates if _does_not_parse(path.read_bytes()))


def test_broken_files_become_notifications_without_hiding_findings(tmp_path: Path) -> None:
    from hubguard.static.engine import scan_paths

    broken: dict[str, bytes] = dict(SYNTHETIC_BROKEN)
    for path in _broken_stdlib_files():
        broken["stdlib__" + "__".join(path.relative_to(STDLIB).parts)] = path.read_bytes()
    for name, data in broken.items():
        # The appended sink makes sure no pre-filter can skip the file unread.
        (tmp_path / name).write_bytes(data + SINK_LINE)
    (tmp_path / "valid.py").write_bytes(SINK_LINE)

    result = scan_paths([tmp_path], Config())

    assert result.files_scanned == len(broken) + 1
    reported = {Path(n.path).name for n in result.notifications if n.path}
    reported |= {Path(f.location.path).name for f in result.findings if f.rule_id == "HG001"}
    assert reported == set(broken), "each broken file is reported as (partly) not analysed"
    assert all(n.message and "Traceback" not in n.message for n in result.notifications)
    rules_by_file: dict[str, set[str]] = {}
    for finding in result.findings:
        rules_by_file.setdefault(Path(finding.location.path).name, set()).add(finding.rule_id)
    assert rules_by_file.pop("valid.py") == {"HG301"}
    hidden = [name for name in broken if not rules_by_file.get(name, set()) & {"HG301", "HG001"}]
    assert not hidden, f"the sink line vanished without an HG001 finding: {hidden}"
