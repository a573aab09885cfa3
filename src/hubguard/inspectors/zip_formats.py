"""Zip-based formats: PyTorch checkpoints, .npz, .keras and any other zip."""

from __future__ import annotations

import re
from collections.abc import Callable

from hubguard.inspectors.keras_config import judge_keras_config
from hubguard.inspectors.pickle_scan import scan_stream
from hubguard.inspectors.sources import ByteSource, SourceError, read_exact
from hubguard.inspectors.verdicts import Collector, Issue, LimitExceeded, Malformed, Verdict
from hubguard.inspectors.zip_reader import ZipArchive, ZipEntry, open_member, open_zip

MemberInspector = Callable[[ByteSource, Collector, str, int], bool]

_TORCH_STORAGE = re.compile(r"(^|/)data/\d+$")
_TORCH_PICKLE = re.compile(r"(^|/)[^/]*\.pkl$")


def inspect_zip(source: ByteSource, collector: Collector, member: str | None, depth: int,
                inspect_member: MemberInspector) -> None:
    archive = open_zip(source, collector.limits)
    kind = _kind(archive)
    collector.note_format(kind)
    for anomaly in archive.anomalies:
        collector.add(Issue(Verdict.SUSPICIOUS, "zip-structure", anomaly, member))
    for entry in archive.entries:
        label = entry.name if member is None else f"{member}/{entry.name}"
        if entry.name.endswith("/") or (kind == "torch-zip" and _TORCH_STORAGE.search(entry.name)):
            continue  # directories, and tensor storages that torch copies but never unpickles
        try:
            _inspect_entry(archive, entry, kind, collector, label, depth, inspect_member)
        except (Malformed, SourceError) as error:
            collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"member could not be inspected: {error}", label))
        except LimitExceeded as error:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"member not inspected fully: {error}", label))


def _kind(archive: ZipArchive) -> str:
    names = [entry.name for entry in archive.entries]
    if any(_TORCH_PICKLE.search(name) and name.rsplit("/", 1)[-1] == "data.pkl" for name in names):
        return "torch-zip"
    if "config.json" in names and ("metadata.json" in names or "model.weights.h5" in names):
        return "keras"
    if names and all(name.endswith(".npy") for name in names):
        return "npz"
    return "zip"


def _inspect_entry(archive: ZipArchive, entry: ZipEntry, kind: str, collector: Collector, label: str,
                   depth: int, inspect_member: MemberInspector) -> None:
    opened = open_member(archive, entry, collector.limits)
    for anomaly in opened.anomalies:
        collector.add(Issue(Verdict.SUSPICIOUS, "zip-structure", anomaly, label))
    if entry.name.endswith(".pkl"):
        scan_stream(opened.source, 0, collector, member=label, certain=True, depth=depth)
    elif kind == "keras" and entry.name == "config.json":
        if entry.size > collector.limits.max_json_bytes:
            raise LimitExceeded(f"config.json of {entry.size} bytes")
        judge_keras_config(read_exact(opened.source, 0, entry.size) if entry.size else b"", collector, label)
    elif kind == "keras" and entry.name.endswith(".h5"):
        return  # Keras 3 weights: tensors only, the architecture lives in config.json
    else:
        inspect_member(opened.source, collector, label, depth + 1)
