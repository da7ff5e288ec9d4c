"""Cleaning a WARC as a stream: ``python -m benchmarks.warc_speed [--megabytes 1000]``.

Builds a WARC of the given compressed size from the benchmark pages (AEB, WCXB articles and
non-articles, cycled under distinct URLs on 200 hosts), in Common Crawl's style: a request and a
response per page, the body stored decoded with ``X-Crawler-Content-Encoding: gzip``, and a
metadata record. Then it measures, on the same file:

- reading alone: every record framed, inflated and parsed into a page (``read_warc``), no cleaning;
- ``python -m cleaners FILE --jobs 1`` and ``--jobs 2``: wall time, records per second, and the
  peak resident size of the command and its workers together, sampled every 0.2 s.

Targets (issue 12): reading at most 5% of the cleaning time of ``--jobs 1``; ``--jobs 2`` at least
1.8x as fast as ``--jobs 1``; peak RSS with ``--jobs 2`` at most 500 MiB.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders

from benchmarks.crawl_speed import _proc_field
from benchmarks.quality import default_data_dir
from cleaners.read.warc_reader import read_warc
from cleaners.write.warc_writer import OPEN_SUFFIX, RotatingWarcWriter

MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]


def _bodies(data_dir: Path) -> list[bytes]:
    paths = [p for name in ("aeb", "wcxb-dev", "wcxb-dev-other") for p in sorted((data_dir / name).rglob("*.html*"))]
    return [gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in paths]


def build_warc(folder: Path, megabytes: int, data_dir: Path) -> tuple[Path, int]:
    bodies = _bodies(data_dir)
    writer = RotatingWarcWriter(folder, "benchmark", max_size=10 * megabytes * MIB)
    number = 0
    while writer.current is None or writer.current.stat().st_size < megabytes * MIB:
        body = bodies[number % len(bodies)]
        url = f"https://site{number % 200}.example/news/{number}.html"
        request = StatusAndHeaders(f"GET /news/{number}.html HTTP/1.1", [("Host", f"site{number % 200}.example")],
                                   is_http_request=True)
        response = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("X-Crawler-Content-Encoding", "gzip")], protocol="HTTP/1.1")
        writer.write([(url, "request", b"", request, {}), (url, "response", body, response, {}),
                      (url, "metadata", b"fetchTimeMs: 120\r\n", None, {"Content-Type": "application/warc-fields"})])
        number += 1
    path = writer.current
    writer.close()
    return path.with_name(path.name.removesuffix(OPEN_SUFFIX)), number


def _tree_rss(pid: int) -> int:
    total = _proc_field(pid, "status", "VmRSS:")
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]
            except (OSError, IndexError):
                continue
            if int(parent) == pid:
                total += _proc_field(int(entry), "status", "VmRSS:")
    return total


def clean(path: Path, jobs: int, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of ``python -m cleaners`` on the file."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "cleaners", str(path), "--jobs", str(jobs), "-O", str(out)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    done.set()
    sampler.join()
    return time.perf_counter() - started, peak


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warc_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1000, help="compressed size of the WARC (default 1000)")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--no-single", action="store_true",
                        help="skip --jobs 1 (and so the speed-up): memory and --jobs 2 only, in half the time")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path, pages = build_warc(Path(folder) / "warc", args.megabytes, args.data_dir or default_data_dir())
        size = path.stat().st_size / MIB
        started = time.perf_counter()
        read = sum(1 for item in read_warc(path, 10_000_000) if item.page is not None)
        reading = time.perf_counter() - started
        one = None if args.no_single else clean(path, 1, Path(folder) / "one.jsonl")[0]
        two, peak = clean(path, 2, Path(folder) / "two.jsonl")
    print(f"{size:.0f} MiB WARC, {pages} pages ({read} read back), {3 * pages + 1} records\n")
    print("| measure | figure | target |\n|---|---:|---:|")
    print(f"| reading alone (inflate, frame, parse) | {reading:.1f} s, {pages / reading:.0f} pages/s | |")
    if one is not None:
        print(f"| python -m cleaners --jobs 1 | {one:.1f} s, {pages / one:.1f} pages/s | |")
    print(f"| python -m cleaners --jobs 2 | {two:.1f} s, {pages / two:.1f} pages/s | |")
    if one is not None:
        print(f"| reading / cleaning with --jobs 1 | {100 * reading / one:.1f}% | at most 5% |")
        print(f"| --jobs 2 speed-up | {one / two:.2f}x | at least 1.8x |")
    print(f"| reading / cleaning with --jobs 2, per core | {100 * reading / (2 * two):.1f}% | |")
    print(f"| peak RSS, --jobs 2, command and workers | {peak / MIB:.0f} MiB | at most 500 MiB |")
    missed = [name for name, bad in (("reading share", one is not None and reading / one > 0.05),
                                     ("speed-up", one is not None and one / two < 1.8),
                                     ("memory", peak > 500 * MIB)) if bad]
    if missed:
        print("MISSED: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
