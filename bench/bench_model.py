"""Measure how much of a large PyTorch checkpoint hubguard's model inspector reads, and how fast it is.

Usage: python bench/bench_model.py [--size-mb 1024] [--tensors 256] [--repeat 3] [--keep]

Builds PyTorch-style zip checkpoints (stored members, like torch.save) under bench/.work/: a benign
state dict and the same file with os.system in data.pkl, plus a legacy (pre-1.6) stream checkpoint.
Each is inspected through a FileSource wrapper that counts reads; the table shows bytes read, the
number of reads (what a Range-reading remote source would turn into requests) and median wall time.
The loopback-hub comparison against other scanners lives with the remote pass.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / ".work" / "model"
sys.path.insert(0, str(BENCH_DIR.parent))

from tests.inspectors.fixtures import legacy_torch_stream, system_call, torch_state_dict_pickle  # noqa: E402

from hubguard.inspectors import FileSource, inspect_source  # noqa: E402

_CHUNK = bytes(64 * 2**20)


class CountingFileSource:
    def __init__(self, path: Path) -> None:
        self._inner = FileSource(path, path.name)
        self.name = self._inner.name
        self.size = self._inner.size
        self.reads = 0

    def read(self, offset: int, length: int) -> bytes:
        self.reads += 1
        return self._inner.read(offset, length)

    @property
    def bytes_read(self) -> int:
        return self._inner.bytes_read


def write_checkpoint(path: Path, data_pkl: bytes, size: int, tensors: int) -> None:
    per_tensor = size // tensors
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/byteorder", b"little")
        for index in range(tensors):
            with archive.open(f"archive/data/{index}", "w", force_zip64=True) as member:
                remaining = per_tensor
                while remaining:
                    step = min(remaining, len(_CHUNK))
                    member.write(_CHUNK[:step])
                    remaining -= step
        archive.writestr("archive/version", b"3\n")
        archive.writestr("archive/.data/serialization_id", b"0" * 40)


@dataclass
class Row:
    label: str
    size: int
    verdict: str
    bytes_read: int
    reads: int
    seconds: float


def measure(label: str, path: Path, repeat: int) -> Row:
    times: list[float] = []
    for _ in range(repeat):
        source = CountingFileSource(path)
        start = time.perf_counter()
        verdict = inspect_source(source)
        times.append(time.perf_counter() - start)
    return Row(label, path.stat().st_size, verdict.verdict.name, source.bytes_read, source.reads, statistics.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--tensors", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated checkpoints")
    args = parser.parse_args()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    names = tuple(f"layers.{index}.weight" for index in range(args.tensors))
    benign_pkl = torch_state_dict_pickle(names)
    files = {
        "torch zip, benign": (WORK_DIR / "benign.pt", benign_pkl),
        "torch zip, os.system": (WORK_DIR / "evil.pt", system_call("touch /tmp/pwned", 2)),
    }
    build_start = time.perf_counter()
    for path, data_pkl in files.values():
        write_checkpoint(path, data_pkl, args.size_mb * 2**20, args.tensors)
    legacy = WORK_DIR / "legacy.bin"
    legacy.write_bytes(legacy_torch_stream(benign_pkl) + bytes(16 * 2**20))
    print(f"built checkpoints in {time.perf_counter() - build_start:.1f}s under {WORK_DIR}")
    rows = [measure(label, path, args.repeat) for label, (path, _) in files.items()]
    rows.append(measure("legacy stream + 16 MB data", legacy, args.repeat))
    header = f"{'file':30} {'size':>12} {'verdict':>10} {'bytes read':>11} {'% read':>8} {'reads':>6} {'median s':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        share = 100 * row.bytes_read / row.size
        print(
            f"{row.label:30} {row.size:>12,} {row.verdict:>10} {row.bytes_read:>11,} {share:>7.4f}%"
            f" {row.reads:>6} {row.seconds:>9.4f}"
        )
    if not args.keep:
        for path in [*(path for path, _ in files.values()), legacy]:
            path.unlink()


if __name__ == "__main__":
    main()
