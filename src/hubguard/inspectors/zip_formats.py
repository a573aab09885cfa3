"""Zip-based formats: PyTorch checkpoints, .npz, .keras and any other zip."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from hubguard.inspectors.budget import BudgetExhausted
from hubguard.inspectors.keras_config import judge_config, looks_like_keras
from hubguard.inspectors.pickle_scan import scan_stream
from hubguard.inspectors.sources import ByteSource, SourceError, read_exact
from hubguard.inspectors.verdicts import Collector, Issue, LimitExceeded, Malformed, Verdict
from hubguard.inspectors.zip_reader import ZipArchive, ZipEntry, open_member, open_zip

MemberInspector = Callable[[ByteSource, Collector, str, int], bool]

_TORCH_STORAGE = re.compile(r"(^|/)data/\d+$")
_TORCH_PICKLE = re.compile(r"(^|/)[^/]*\.pkl$")
_LOCAL_HEADER_SIZE = 30


def inspect_zip(source: ByteSource, collector: Collector, member: str | None, depth: int,
                inspect_member: MemberInspector) -> None:
    archive = open_zip(source, collector.limits)
    root_config = _root_config(archive, collector)
    kind = _kind(archive, root_config[1] if root_config else None)
    collector.note_format(kind)
    for anomaly in archive.anomalies + _overlaps(archive.entries):
        collector.add(Issue(Verdict.SUSPICIOUS, "zip-structure", anomaly, member))
    inspected: set[tuple[int, int, int, int]] = set()
    for entry in archive.entries:
        collector.budget.check()
        label = entry.name if member is None else f"{member}/{entry.name}"
        if entry.name.endswith("/") or (kind == "torch-zip" and _TORCH_STORAGE.search(entry.name)):
            continue  # directories, and tensor storages that torch copies but never unpickles
        identity = (entry.header_offset, entry.method, entry.compressed_size, entry.size)
        if identity in inspected:
            continue  # the same bytes under another directory entry: judged once (reported by _overlaps)
        inspected.add(identity)
        try:
            _inspect_entry(archive, entry, kind, collector, label, depth, inspect_member, root_config)
        except BudgetExhausted:
            raise
        except (Malformed, SourceError) as error:
            collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"member could not be inspected: {error}", label))
        except LimitExceeded as error:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"member not inspected fully: {error}", label))


def _root_config(archive: ZipArchive, collector: Collector) -> tuple[ZipEntry, object] | None:
    """config.json parsed up front: Keras archives are recognised by it, not by companion files."""
    entry = next((entry for entry in archive.entries if entry.name == "config.json"), None)
    if entry is None:
        return None
    try:
        return entry, _parse_json(open_member(archive, entry, collector.budget).source, entry, collector)
    except BudgetExhausted:
        raise
    except (Malformed, SourceError, LimitExceeded):
        return None  # reported when the member itself is inspected


def _kind(archive: ZipArchive, root_config: object) -> str:
    names = [entry.name for entry in archive.entries]
    if any(_TORCH_PICKLE.search(name) and name.rsplit("/", 1)[-1] == "data.pkl" for name in names):
        return "torch-zip"
    if looks_like_keras(root_config):
        return "keras"
    if names and all(name.endswith(".npy") for name in names):
        return "npz"
    return "zip"


def _overlaps(entries: list[ZipEntry]) -> list[str]:
    """Directory entries sharing or overlapping member data: the 'many entries, one member' zip bomb."""
    spans = sorted(
        (entry.header_offset, entry.header_offset + _LOCAL_HEADER_SIZE + len(entry.raw_name) + entry.compressed_size,
         entry.name)
        for entry in entries if not entry.name.endswith("/")
    )
    shared = overlapping = 0
    example = ""
    for (start, _, name), (previous_start, previous_end, previous_name) in zip(spans[1:], spans, strict=False):
        if start == previous_start:
            shared += 1
        elif start < previous_end:
            overlapping += 1
        else:
            continue
        example = example or f" (e.g. {name!r} and {previous_name!r})"
    problems = []
    if shared:
        problems.append(f"{shared} directory entries reuse another entry's data{example}; that data was inspected once")
    if overlapping:
        problems.append(f"{overlapping} members' data overlaps another member's{example}")
    return problems


def _inspect_entry(archive: ZipArchive, entry: ZipEntry, kind: str, collector: Collector, label: str,
                   depth: int, inspect_member: MemberInspector, root_config: tuple[ZipEntry, object] | None) -> None:
    opened = open_member(archive, entry, collector.budget)
    for anomaly in opened.anomalies:
        collector.add(Issue(Verdict.SUSPICIOUS, "zip-structure", anomaly, label))
    if entry.name.endswith(".pkl"):
        scan_stream(opened.source, 0, collector, member=label, certain=True, depth=depth)
    elif entry.name.endswith(".json"):
        config = root_config[1] if root_config and root_config[0] is entry else _parse_json(opened.source, entry, collector)
        judge_config(config, collector, label, keras=kind == "keras" and entry.name == "config.json")
    elif kind == "keras" and entry.name.endswith(".h5"):
        return  # Keras 3 weights: tensors only, the architecture lives in config.json
    else:
        inspect_member(opened.source, collector, label, depth + 1)


def _parse_json(source: ByteSource, entry: ZipEntry, collector: Collector) -> object:
    if entry.size > collector.limits.max_json_bytes:
        raise LimitExceeded(f"JSON member of {entry.size} bytes")
    text = read_exact(source, 0, entry.size) if entry.size else b""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Malformed(f"not valid JSON: {error}") from error
