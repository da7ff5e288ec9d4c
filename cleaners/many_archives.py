"""Many WARC files on a Dask cluster: ``python -m cleaners.many_archives OUT_DIR WARC... [--scheduler URL]``.

Each WARC file is one task, ``clean_archive``: the same cleaning stream as ``python -m cleaners``
(``cleaners.run.stream``), in the worker's own process, into ``OUT_DIR/<file name>.jsonl``. The JSONL
is written under a temporary name and renamed when complete, so a file's output either exists
whole or not at all: a re-run skips the files already done, and a worker killed mid-file costs
only the files it was on (Dask gives them to another worker). Without ``--scheduler`` a local
cluster of ``--workers`` processes runs on this machine.

``clean_archive(path, out_dir)`` needs nothing of Dask: Spark users call it from
``mapPartitions`` over an RDD of file paths, one output per file, in the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleaners.body.boilerplate import BoilerplateLearner
from cleaners.options import CleanOptions
from cleaners.run.stream import Tally, clean_stream

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2


def output_for(path: Path, out_dir: Path) -> Path:
    return out_dir / (path.name.removesuffix(".gz").removesuffix(".warc") + ".jsonl")


def clean_archive(path: str, out_dir: str, options: CleanOptions | None = None) -> dict[str, Any]:
    """Clean one WARC file into its own JSONL, atomically; a summary of what it held.
    A file whose output exists is not cleaned again."""
    source, folder = Path(path), Path(out_dir)
    target = output_for(source, folder)
    if target.exists():
        return {"input": path, "output": str(target), "done": "before"}
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    counts: Counter[str] = Counter()
    tally = Tally()
    with partial.open("w", encoding="utf-8") as out:
        for record in clean_stream([path], options or CleanOptions(), jobs=1, learner=BoilerplateLearner(),
                                   tally=tally):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            counts["article" if "error" not in record else record["error"]["kind"]] += 1
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    return {"input": path, "output": str(target), "done": "now", "records": dict(counts),
            "skipped": dict(tally.skipped)}


def _client(scheduler: str | None, workers: int) -> Any:
    from distributed import Client, LocalCluster  # only this entry point needs Dask

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    return Client(cluster)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleaners.many_archives", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", metavar="OUT_DIR", help="one JSONL per WARC file is written here")
    parser.add_argument("warcs", nargs="+", metavar="WARC", help=".warc or .warc.gz files")
    parser.add_argument("--scheduler", metavar="URL", help="a running Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes of the local cluster when no scheduler is given (default: one per core)")
    args = parser.parse_args(argv)
    missing = [p for p in args.warcs if not Path(p).is_file()]
    if missing:
        parser.error("no such file: " + ", ".join(missing))
    paths = [str(Path(p).resolve()) for p in args.warcs]
    out_dir = str(Path(args.out_dir).resolve())
    client = _client(args.scheduler, args.workers)
    failed: list[str] = []
    totals: Counter[str] = Counter()
    try:
        from distributed import as_completed

        futures = client.map(clean_archive, paths, out_dir=out_dir, pure=False)
        for future in as_completed(futures):
            if future.status == "error":
                failed.append(f"{paths[futures.index(future)]}: {future.exception()}")
                continue
            summary = future.result()
            totals[f"done {summary['done']}"] += 1
            totals.update(summary.get("records", {}))
            print(f"{summary['input']} -> {summary['output']}", file=sys.stderr)
    finally:
        client.close()
    line = ", ".join(f"{k} {n}" for k, n in sorted(totals.items()))
    print(f"{len(paths)} files: {line}" + (f"; failed {len(failed)}" if failed else ""), file=sys.stderr)
    for failure in failed:
        print(f"failed: {failure}", file=sys.stderr)
    return EXIT_FAILURES if failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
