"""``python -m cleaners PATH...``: clean saved pages into JSONL, one line per input, in order."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from cleaners.boilerplate import BoilerplateLearner
from cleaners.chrome import RulesError
from cleaners.jsonl import repair_torn_tail
from cleaners.options import DEFAULT_MAX_BYTES, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT, CleanOptions
from cleaners.sources import InputNotFound, discover
from cleaners.worker import clean_file, init_worker

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cleaners",
        description="Clean saved news pages (.html, .htm, .html.gz; files, folders, globs) into JSONL "
        "article records, one line per input in input order. An input that gives no article gets "
        "a line {\"error\": {...}} naming it and saying why.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (searched recursively) or globs")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("-o", "--output", metavar="FILE",
                        help="append JSONL to this file (created with its folders) instead of standard output")
    output.add_argument("-O", "--overwrite-output", metavar="FILE", help="like -o, but start the file afresh")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="worker processes (default 0: one per core; 1 cleans in this process)")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE",
                        help="a TOML chrome-rules file added to the built-in rules (repeatable)")
    parser.add_argument("--url", help="the page's URL, for a single input (default: its canonical or og:url)")
    parser.add_argument("--no-site-boilerplate", action="store_true",
                        help="do not learn lines repeated across a site's pages (learning waits for every input "
                        "before writing; without it records stream out as they are cleaned)")
    parser.add_argument("--learned-rules", metavar="FILE",
                        help="write the site boilerplate learned from the inputs as a rules file (TOML)")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                        help=f"give up on a page that takes longer to clean (default {DEFAULT_TIME_LIMIT:g}; 0: none)")
    parser.add_argument("--memory-limit", type=int, default=DEFAULT_MEMORY_LIMIT_MB, metavar="MIB",
                        help=f"address space of each worker process (default {DEFAULT_MEMORY_LIMIT_MB}; 0: none)")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                        help=f"refuse pages larger than this, after decompression (default {DEFAULT_MAX_BYTES:,})")
    return parser


def _records(paths: list[str], url: str | None, options: CleanOptions, jobs: int) -> Iterator[dict[str, Any]]:
    task = partial(clean_file, url=url)
    if jobs == 1 or len(paths) == 1:
        init_worker(options)
        yield from map(task, paths)
        return
    chunksize = max(1, min(16, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=init_worker,
                             initargs=(options, os.getpid())) as pool:
        yield from pool.map(task, paths, chunksize=chunksize)


def _without_site_boilerplate(records: Iterable[dict[str, Any]],
                              learner: BoilerplateLearner) -> Iterator[dict[str, Any]]:
    """Two passes: learn each site's repeated lines from every record, then drop them."""
    collected = list(records)
    for record in collected:
        learner.observe(record)
    for record in collected:
        yield learner.apply(record)


def _outcome(record: dict[str, Any]) -> str:
    """"cleaned", "not-article", or the failure kind."""
    error = record.get("error")
    return "cleaned" if error is None else error["kind"]


def _with_progress(records: Iterable[dict[str, Any]], total: int) -> Iterable[dict[str, Any]]:
    """A progress bar on standard error while inputs are cleaned, when it is a terminal."""
    return tqdm(records, total=total, disable=not sys.stderr.isatty(), unit="page", file=sys.stderr)


def write_records(records: Iterable[dict[str, Any]], out: TextIO) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts[_outcome(record)] += 1
    return counts


def _failures(counts: Counter[str]) -> dict[str, int]:
    return {kind: n for kind, n in sorted(counts.items()) if kind not in ("cleaned", "not-article")}


def summary(counts: Counter[str]) -> str:
    """One line for the end of a run: "cleaned 9, not an article 1, failed 2 (binary 1, empty 1)"."""
    failures = _failures(counts)
    line = f"cleaned {counts['cleaned']}, not an article {counts['not-article']}, failed {sum(failures.values())}"
    return line + (" (" + ", ".join(f"{k} {n}" for k, n in failures.items()) + ")" if failures else "")


def _writable(path: Path) -> None:
    """Create the file's folders and check it opens for appending (a file made here is removed)."""
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8"):
        pass
    if not existed:
        path.unlink()


def _output(args: argparse.Namespace) -> tuple[Path | None, str]:
    """Where records go and how the file is opened: ``-o`` appends (after cutting a line an
    interrupted run tore), ``-O`` overwrites, as in ``scrapy crawl``. Checked before cleaning
    starts, so an unwritable output is a usage error, not a lost batch."""
    name = args.output or args.overwrite_output
    if not name:
        return None, "w"
    path = Path(name)
    _writable(path)
    if args.output:
        repair_torn_tail(path)
        return path, "a"
    return path, "w"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        paths = [str(p) for p in discover(args.paths)]
        options = CleanOptions.with_rules_files(args.rules, max_bytes=args.max_bytes,
                                                time_limit=args.time_limit or None,
                                                memory_limit_mb=args.memory_limit or None)
    except (InputNotFound, RulesError) as error:
        parser.error(str(error))
    if not paths:
        parser.error("no .html, .htm or .html.gz files found in " + ", ".join(args.paths))
    if args.url and len(paths) > 1:
        parser.error("--url names one page's address; give it with a single input")
    if args.jobs < 0:
        parser.error("--jobs must be 0 (one per core) or more")
    jobs = args.jobs or os.cpu_count() or 1
    try:
        out_path, mode = _output(args)
        if args.learned_rules:
            _writable(Path(args.learned_rules))
    except OSError as error:
        parser.error(f"the output cannot be written ({error.strerror or error}: {error.filename})")
    records = _with_progress(_records(paths, args.url, options, jobs), len(paths))
    learner = BoilerplateLearner()
    if not args.no_site_boilerplate:
        records = _without_site_boilerplate(records, learner)
    with ExitStack() as stack:
        out = stack.enter_context(out_path.open(mode, encoding="utf-8")) if out_path else sys.stdout
        counts = write_records(records, out)
    if args.learned_rules:
        Path(args.learned_rules).write_text(learner.rules_toml(), encoding="utf-8")
    print(summary(counts), file=sys.stderr)
    return EXIT_FAILURES if _failures(counts) else EXIT_OK
