"""``python -m cleaners PATH...``: clean saved pages and WARC archives into JSONL, one line per page,
in input order, streaming with bounded memory; or into Parquet when the output ends in ``.parquet``
(articles in the file, failure records beside it in ``FILE.failures.jsonl``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from cleaners.body.article_model import DEFAULT_MODEL, MODEL_FILES
from cleaners.body.boilerplate import BoilerplateLearner
from cleaners.body.chrome import RulesError
from cleaners.options import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIME_LIMIT,
    CleanOptions,
    article_score,
)
from cleaners.read.sources import InputNotFound, discover
from cleaners.read.warc_reader import Wanted, is_warc
from cleaners.run.stream import BOILERPLATE_LOOKAHEAD, Tally, clean_stream
from cleaners.write.jsonl import repair_torn_tail

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2



def build_parser(prog: str = "python -m cleaners") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Clean saved news pages (.html, .htm, .html.gz; files, folders, globs) and WARC archives "
        "(.warc, .warc.gz: each HTML response) into JSONL article records, one line per page in input order. "
        "A page that gives no article gets a line {\"error\": {...}} naming it and saying why.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (searched recursively) or globs")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("-o", "--output", metavar="FILE",
                        help="append JSONL to this file (created with its folders) instead of standard output; "
                        "a name ending in .parquet writes Parquet, with failure records in FILE.failures.jsonl")
    output.add_argument("-O", "--overwrite-output", metavar="FILE", help="like -o, but start the file afresh")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="worker processes (default 0: one per core; 1 cleans in this process)")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE",
                        help="a TOML chrome-rules file added to the built-in rules (repeatable)")
    parser.add_argument("--url", help="the page's URL, for a single input (default: its canonical or og:url)")
    parser.add_argument("--any-page", action="store_true",
                        help="take the main text of any page: no article-or-not decision (no not-article records)")
    parser.add_argument("--article-model", choices=sorted(MODEL_FILES), default=DEFAULT_MODEL,
                        help="which pages count as articles: general (news stories, blog posts, guides, reviews; "
                        "the default) or news (news stories only: declines far more section fronts, shops and "
                        "service pages, and the guides and reviews too)")
    parser.add_argument("--article-threshold", type=_probability, metavar="SCORE",
                        help="the article score a page needs, 0 to 1 (default: the model's own, which keeps 0.99 of "
                        "its articles); higher declines more non-article pages and loses more articles")
    parser.add_argument("--no-site-boilerplate", action="store_true",
                        help="do not learn lines repeated across a site's pages (learning holds the next "
                        f"{BOILERPLATE_LOOKAHEAD:,} records before writing one; without it records stream out "
                        "as they are cleaned)")
    parser.add_argument("--learned-rules", metavar="FILE",
                        help="write the site boilerplate learned from the inputs as a rules file (TOML)")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                        help=f"give up on a page that takes longer to clean (default {DEFAULT_TIME_LIMIT:g}; 0: none)")
    parser.add_argument("--memory-limit", type=int, default=DEFAULT_MEMORY_LIMIT_MB, metavar="MIB",
                        help=f"address space of each worker process (default {DEFAULT_MEMORY_LIMIT_MB}; 0: none)")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                        help=f"refuse pages larger than this, after decompression (default {DEFAULT_MAX_BYTES:,})")
    archives = parser.add_argument_group("WARC inputs")
    archives.add_argument("--host", action="append", default=[], metavar="HOST",
                          help="only responses from this host or its subdomains (repeatable)")
    archives.add_argument("--since", type=_moment, metavar="DATE",
                          help="only responses fetched (WARC-Date) at or after this date or time")
    archives.add_argument("--until", type=_moment, metavar="DATE", help="only responses fetched before this")
    parser.add_argument("--limit", type=int, metavar="N", help="clean at most N pages in all")
    return parser


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (2024-05-01) or time (2024-05-01T12:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _probability(text: str) -> float:
    if (score := article_score(text)) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score between 0 and 1")
    return score


def _outcome(record: dict[str, Any]) -> str:
    """"cleaned", "not-article", or the failure kind."""
    error = record.get("error")
    return "cleaned" if error is None else error["kind"]


def _with_progress(records: Iterable[dict[str, Any]], total: int | None, tally: Tally) -> Iterator[dict[str, Any]]:
    """A progress bar on standard error while inputs are cleaned, when it is a terminal: records
    per second, articles, and the archive bytes read."""
    bar = tqdm(total=total, disable=not sys.stderr.isatty(), unit=" records", file=sys.stderr)
    articles = 0
    with bar:
        for number, record in enumerate(records, 1):
            articles += "error" not in record
            bar.update()
            if number % 50 == 0 or number == total:
                bar.set_postfix_str(f"{articles} articles, {tally.read.bytes_read / 1e6:,.0f} MB of WARC read",
                                    refresh=False)
            yield record


def write_records(records: Iterable[dict[str, Any]], out: TextIO) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts[_outcome(record)] += 1
    return counts


def write_parquet(records: Iterable[dict[str, Any]], path: Path, overwrite: bool) -> Counter[str]:
    """Articles into ``path``, the records of pages that gave none into ``path.failures.jsonl``
    (created at the first one). An interrupted run (Ctrl-C) still completes the file; a killed one
    is completed by the next run with the same output, or ``newsclean finish``."""
    from cleaners.write.parquet import ParquetArticles  # pyarrow only when Parquet is asked for

    counts: Counter[str] = Counter()
    failures_path = path.with_name(path.name + ".failures.jsonl")
    if overwrite:
        failures_path.unlink(missing_ok=True)
    writer = ParquetArticles(path, overwrite=overwrite)
    writer.open()
    with ExitStack() as stack:
        stack.callback(writer.close)
        failures: TextIO | None = None
        for record in records:
            counts[_outcome(record)] += 1
            if "error" not in record:
                writer.write(record)
                continue
            if failures is None:
                repair_torn_tail(failures_path)
                failures = stack.enter_context(failures_path.open("a", encoding="utf-8"))
            failures.write(json.dumps(record, ensure_ascii=False) + "\n")
            failures.flush()
    return counts


def _failures(counts: Counter[str]) -> dict[str, int]:
    return {kind: n for kind, n in sorted(counts.items()) if kind not in ("cleaned", "not-article")}


def summary(counts: Counter[str], skipped: Counter[str] | None = None) -> str:
    """One line for the end of a run: "cleaned 9, not an article 1, failed 2 (binary 1, empty 1)",
    and the WARC records that hold no page, by kind."""
    failures = _failures(counts)
    line = f"cleaned {counts['cleaned']}, not an article {counts['not-article']}, failed {sum(failures.values())}"
    line += " (" + ", ".join(f"{k} {n}" for k, n in failures.items()) + ")" if failures else ""
    if skipped:
        line += "; WARC records without a page: " + ", ".join(f"{k} {n}" for k, n in sorted(skipped.items()))
    return line


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
    if path.suffix == ".parquet":
        from cleaners.write.parquet import check_appendable

        if args.output:
            check_appendable(path)
    elif args.output:
        repair_torn_tail(path)
    return path, "a" if args.output else "w"


def main(argv: list[str] | None = None, prog: str = "python -m cleaners") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        paths = [str(p) for p in discover(args.paths)]
        options = CleanOptions.with_rules_files(args.rules, max_bytes=args.max_bytes,
                                                time_limit=args.time_limit or None,
                                                memory_limit_mb=args.memory_limit or None,
                                                any_page=args.any_page, article_model=args.article_model,
                                                article_threshold=args.article_threshold)
    except (InputNotFound, RulesError) as error:
        parser.error(str(error))
    if not paths:
        parser.error("no .html, .htm, .html.gz, .warc or .warc.gz files found in " + ", ".join(args.paths))
    if args.url and (len(paths) > 1 or is_warc(Path(paths[0]))):
        parser.error("--url names one page's address; give it with a single input")
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must be 0 or more")
    if args.jobs < 0:
        parser.error("--jobs must be 0 (one per core) or more")
    jobs = args.jobs or os.cpu_count() or 1
    try:
        out_path, mode = _output(args)
        if args.learned_rules:
            _writable(Path(args.learned_rules))
    except OSError as error:
        parser.error(f"the output cannot be written ({error.strerror or error}: {error.filename})")
    except ValueError as error:  # an existing .parquet output that is not Parquet articles
        parser.error(str(error))
    tally = Tally()
    wanted = Wanted(tuple(h.lower().strip(".") for h in args.host), args.since, args.until)
    learner = None if args.no_site_boilerplate else BoilerplateLearner()
    total = None if any(is_warc(Path(p)) for p in paths) or args.limit else len(paths)
    records = _with_progress(clean_stream(paths, options, jobs=jobs, url=args.url, wanted=wanted, limit=args.limit,
                                          learner=learner, tally=tally), total, tally)
    if out_path is not None and out_path.suffix == ".parquet":
        counts = write_parquet(records, out_path, overwrite=mode == "w")
    else:
        with ExitStack() as stack:
            out = stack.enter_context(out_path.open(mode, encoding="utf-8")) if out_path else sys.stdout
            counts = write_records(records, out)
    if args.learned_rules:
        Path(args.learned_rules).write_text((learner or BoilerplateLearner()).rules_toml(), encoding="utf-8")
    print(summary(counts, tally.skipped), file=sys.stderr)
    return EXIT_FAILURES if _failures(counts) else EXIT_OK
