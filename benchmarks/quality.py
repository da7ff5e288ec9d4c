"""Quality and speed of the cleaner against other extractors: ``python -m benchmarks.quality``.

Runs every extractor on every page of the development sets in ``../shared/benchmarks`` (one
process, so CPU times are comparable), scores bodies with the AEB shingle metric and the WCXB
word metric and metadata by exact match (see :mod:`benchmarks.scoring`), and prints one
markdown table: a row per extractor. ``--json`` keeps every figure, page by page, so a run can
be diffed against an earlier one.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks import gate, scoring
from benchmarks.extractors import EXTRACTORS, Extraction, Extractor, Field, NoArticle
from cleaners.body.article_model import DEFAULT_MODEL, MODEL_FILES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "NEWSCLEAN_BENCHMARKS"
SETS = ("aeb", "wcxb-dev")
SPEED_BASELINE = "trafilatura"
PROGRESS_EVERY = 25


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TruthRow:
    """One hand-checked page; metadata fields are empty where the set's truth has none."""

    id: str
    url: str
    body: str
    headline: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""

    def expects(self, which: Field) -> bool:
        """Whether this page's truth has a value for ``which``, and so is scored on it."""
        value = {Field.HEADLINE: self.headline, Field.DATE: self.date, Field.AUTHORS: self.authors}[which]
        return bool(scoring.author_set(value) if which is Field.AUTHORS else scoring.normalise_name(value))


def default_data_dir() -> Path:
    """``$NEWSCLEAN_BENCHMARKS``, else ``../shared/benchmarks`` beside the project root."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else (PROJECT_ROOT.parent / "shared" / "benchmarks").resolve()


def load_truth(set_dir: Path) -> list[TruthRow]:
    """Read ``truth.jsonl`` in file order (the order sampling and limits follow)."""
    with (set_dir / "truth.jsonl").open(encoding="utf-8") as lines:
        return [_truth_row(json.loads(line)) for line in lines if line.strip()]


def _truth_row(record: dict[str, Any]) -> TruthRow:
    return TruthRow(
        id=record["id"],
        url=record["url"],
        body=record.get("articleBody") or "",
        headline=record.get("headline") or "",
        authors=tuple(record.get("authors") or ()),
        date=record.get("datePublished") or "",
    )


def select(rows: Sequence[TruthRow], sample: int | None, limit: int | None) -> list[TruthRow]:
    """Every k-th page so that at most ``sample`` remain (deterministic), then the first ``limit``."""
    chosen = list(rows)
    if sample:
        chosen = chosen[:: max(1, math.ceil(len(chosen) / sample))]
    return chosen[:limit] if limit else chosen


def read_html(set_dir: Path, page_id: str) -> bytes:
    """The page as fetched; decompressed once per page and shared by every extractor."""
    return gzip.decompress((set_dir / "html" / f"{page_id}.html.gz").read_bytes())


# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRecord:
    """One extractor on one page: how the call ended, its CPU time and its scores.

    ``outcome`` is ``ok``, ``no-article`` (the extractor declined the page) or ``error`` (it
    raised); either of the last two is scored as an empty prediction. Metadata verdicts are
    ``None`` where the page was not scored on that field.
    """

    id: str
    outcome: str
    detail: str
    cpu_ms: float
    shingle: scoring.PageShingleScore
    word: scoring.WordScore
    headline: bool | None
    date: bool | None
    authors: bool | None


def timed_extract(
    extractor: Extractor, html: bytes, url: str, where: str
) -> tuple[Extraction, str, str, float]:
    """Run the timed body call; never raise, so one bad page cannot stop the run.

    Returns the extraction, the outcome, a detail (why there is no article, or the error) and
    the CPU milliseconds spent, failures included: a slow failure is still slow.
    """
    start = time.process_time()
    try:
        extraction, outcome, detail = extractor.extract(html, url), "ok", ""
    except NoArticle as declined:
        extraction, outcome, detail = Extraction(), "no-article", str(declined)
    except Exception as error:
        extraction, outcome, detail = Extraction(), "error", f"{type(error).__name__}: {error}"
        _log(f"error: {extractor.name} on {where}: {detail}")
    return extraction, outcome, detail, (time.process_time() - start) * 1000


def untimed_metadata(
    extractor: Extractor, html: bytes, url: str, where: str, body: Extraction
) -> Extraction:
    """Add metadata the extractor gives only from a second call, kept out of the timing."""
    if extractor.metadata is None:
        return body
    try:
        extra = extractor.metadata(html, url)
    except Exception as error:
        _log(f"error: {extractor.name} metadata on {where}: {type(error).__name__}: {error}")
        extra = Extraction()
    return Extraction(body=body.body, headline=extra.headline, authors=extra.authors, date=extra.date)


def score_page(extractor: Extractor, truth: TruthRow, extraction: Extraction) -> dict[str, Any]:
    """Body scores always; a metadata verdict only where the tool reports and the truth has it."""

    def verdict(which: Field, match: Callable[[], bool]) -> bool | None:
        return match() if which in extractor.fields and truth.expects(which) else None

    got = extraction
    return {
        "shingle": scoring.page_shingle_score(got.body, truth.body),
        "word": scoring.page_word_score(got.body, truth.body),
        "headline": verdict(Field.HEADLINE, lambda: scoring.headline_matches(got.headline, truth.headline)),
        "date": verdict(Field.DATE, lambda: scoring.date_matches(got.date, truth.date)),
        "authors": verdict(Field.AUTHORS, lambda: scoring.authors_match(got.authors or (), truth.authors)),
    }


def run_page(extractor: Extractor, truth: TruthRow, html: bytes, where: str) -> PageRecord:
    """Extract (timed), fetch any extra metadata (untimed), and score one page.

    ``where`` names the page in error messages (``set/id``).
    """
    extraction, outcome, detail, cpu_ms = timed_extract(extractor, html, truth.url, where)
    if outcome == "ok":
        extraction = untimed_metadata(extractor, html, truth.url, where, extraction)
    scores = score_page(extractor, truth, extraction)
    return PageRecord(id=truth.id, outcome=outcome, detail=detail, cpu_ms=cpu_ms, **scores)


def run_set(
    set_dir: Path, rows: Sequence[TruthRow], extractors: Sequence[Extractor]
) -> dict[str, list[PageRecord]]:
    """Every extractor on every page, page by page, so each page is decompressed once."""
    records: dict[str, list[PageRecord]] = {extractor.name: [] for extractor in extractors}
    started = time.monotonic()
    for done, truth in enumerate(rows, start=1):
        html = read_html(set_dir, truth.id)
        for extractor in extractors:
            records[extractor.name].append(run_page(extractor, truth, html, f"{set_dir.name}/{truth.id}"))
        if done % PROGRESS_EVERY == 0 or done == len(rows):
            _log(f"[{set_dir.name}] {done}/{len(rows)} pages, {time.monotonic() - started:.0f}s")
    return records


def warm_up(extractors: Sequence[Extractor], set_dir: Path, truth: TruthRow) -> None:
    """One untimed call each, so lazy imports and first-use caches are not billed to page one."""
    html = read_html(set_dir, truth.id)
    for extractor in extractors:
        with contextlib.suppress(Exception):
            extractor.extract(html, truth.url)


# --- summarising ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SetSummary:
    """One extractor's figures on one set."""

    pages: int
    shingle: scoring.ShingleScore
    word: scoring.WordScore
    metadata: dict[str, scoring.Accuracy]
    """Accuracy per field the extractor reports, over pages whose truth has that field."""
    cpu_ms_total: float
    no_article: int
    errors: int

    @property
    def cpu_ms_per_page(self) -> float:
        return self.cpu_ms_total / self.pages if self.pages else 0.0


def summarise(records: Sequence[PageRecord]) -> SetSummary:
    """Fold page records into the set's figures."""
    metadata = {
        name: scoring.accuracy(
            verdict for record in records if (verdict := getattr(record, name)) is not None
        )
        for name in ("headline", "date", "authors")
    }
    return SetSummary(
        pages=len(records),
        shingle=scoring.shingle_score(record.shingle for record in records),
        word=scoring.word_score(record.word for record in records),
        metadata={name: result for name, result in metadata.items() if result.total},
        cpu_ms_total=sum(record.cpu_ms for record in records),
        no_article=sum(record.outcome == "no-article" for record in records),
        errors=sum(record.outcome == "error" for record in records),
    )


@dataclass(frozen=True)
class Report:
    """Everything one run measured: per extractor, per set, plus the page-level records."""

    data_dir: str
    metadata_pages: dict[str, dict[str, int]]
    """Per set, how many pages' truth has each metadata field (the accuracy denominators)."""
    summaries: dict[str, dict[str, SetSummary]]
    """Extractor name -> set name -> figures."""
    records: dict[str, dict[str, list[PageRecord]]]
    """Set name -> extractor name -> page records."""

    def cpu_ms_per_page(self, extractor: str) -> float:
        """Mean CPU time per page over every page of every set."""
        sets = self.summaries[extractor].values()
        pages = sum(summary.pages for summary in sets)
        return sum(summary.cpu_ms_total for summary in sets) / pages if pages else 0.0

    def speed_ratio(self, extractor: str) -> float | None:
        """CPU time relative to bare trafilatura, when trafilatura was run."""
        if SPEED_BASELINE not in self.summaries:
            return None
        baseline = self.cpu_ms_per_page(SPEED_BASELINE)
        return self.cpu_ms_per_page(extractor) / baseline if baseline else None


def metadata_pages(rows: Iterable[TruthRow]) -> dict[str, int]:
    """Count the pages whose truth has each metadata field; zero counts are dropped."""
    rows = list(rows)
    counts = {
        "headline": sum(row.expects(Field.HEADLINE) for row in rows),
        "date": sum(row.expects(Field.DATE) for row in rows),
        "authors": sum(row.expects(Field.AUTHORS) for row in rows),
    }
    return {name: count for name, count in counts.items() if count}


def build_report(data_dir: Path, set_names: Sequence[str], extractors: Sequence[Extractor],
                 sample: int | None, limit: int | None) -> Report:
    """Load, run and summarise every requested set."""
    records: dict[str, dict[str, list[PageRecord]]] = {}
    counts: dict[str, dict[str, int]] = {}
    for set_name in set_names:
        set_dir = data_dir / set_name
        rows = select(load_truth(set_dir), sample, limit)
        if rows and not records:
            warm_up(extractors, set_dir, rows[0])
        counts[set_name] = metadata_pages(rows)
        records[set_name] = run_set(set_dir, rows, extractors)
    summaries = {
        extractor.name: {set_name: summarise(records[set_name][extractor.name]) for set_name in set_names}
        for extractor in extractors
    }
    return Report(data_dir=str(data_dir), metadata_pages=counts, summaries=summaries, records=records)


# --- output ---------------------------------------------------------------------------------

_DASH = "–"


def _figure(value: float | None) -> str:
    return _DASH if value is None else f"{value:.3f}"


Column = tuple[str, Callable[[str], str]]
"""A table column: its header, and how to fill its cell for an extractor name."""


def _set_columns(report: Report, set_name: str) -> list[Column]:
    """Body scores on one set, then accuracy for each metadata field its truth has."""

    def cell(value: Callable[[SetSummary], str]) -> Callable[[str], str]:
        return lambda name: value(report.summaries[name][set_name])

    def accuracy(field: str) -> Callable[[SetSummary], str]:
        return lambda s: _figure(s.metadata[field].value) if field in s.metadata else _DASH

    columns: list[Column] = [
        (f"{set_name} shingle P", cell(lambda s: _figure(s.shingle.precision))),
        (f"{set_name} shingle R", cell(lambda s: _figure(s.shingle.recall))),
        (f"{set_name} shingle F1", cell(lambda s: _figure(s.shingle.f1))),
        (f"{set_name} word F1", cell(lambda s: _figure(s.word.f1))),
    ]
    columns += [
        (f"{set_name} {field} acc (n={total})", cell(accuracy(field)))
        for field, total in report.metadata_pages[set_name].items()
    ]
    return columns


def _overall_columns(report: Report) -> list[Column]:
    """Counts and speed over all sets."""

    def total(count: Callable[[SetSummary], int]) -> Callable[[str], str]:
        return lambda name: str(sum(count(s) for s in report.summaries[name].values()))

    def ratio(name: str) -> str:
        value = report.speed_ratio(name)
        return _DASH if value is None else f"{value:.2f}"

    return [
        ("no article", total(lambda s: s.no_article)),
        ("errors", total(lambda s: s.errors)),
        ("CPU ms/page", lambda name: f"{report.cpu_ms_per_page(name):.1f}"),
        (f"× {SPEED_BASELINE}", ratio),
    ]


def render_table(report: Report) -> str:
    """A markdown table, a row per extractor, then notes on what the columns mean."""
    columns: list[Column] = [("extractor", str)]
    for set_name in report.metadata_pages:
        columns += _set_columns(report, set_name)
    columns += _overall_columns(report)
    lines = [
        "| " + " | ".join(header for header, _ in columns) + " |",
        "|---|" + "---:|" * (len(columns) - 1),
    ]
    lines += ["| " + " | ".join(cell(name) for _, cell in columns) + " |" for name in report.summaries]
    pages = ", ".join(f"{set_name} {len(next(iter(by_extractor.values())))}"
                      for set_name, by_extractor in report.records.items())
    lines += ["", *_NOTES, f"- Pages: {pages}. Data: `{report.data_dir}`."]
    return "\n".join(lines)


_NOTES = (
    "- Shingle P/R/F1: AEB metric (case-kept `\\w+` 4-gram shingles; P and R averaged over pages, "
    "an empty prediction left out of the P mean but scoring R 0; F1 of the two means).",
    "- Word F1: WCXB metric (lowercase `\\w+` bags, per-page F1 averaged over pages).",
    "- Metadata accuracy: only over pages whose truth has a non-empty value for the field "
    "(n = that count); `–` where the extractor does not report the field.",
    "- No article / errors: pages where the extractor declined or raised; both scored as empty predictions.",
    "- CPU ms/page: `time.process_time()` of the body call, mean over all pages of all sets; "
    "trafilatura's separate metadata pass is not timed.",
)


def report_json(report: Report) -> dict[str, Any]:
    """Every figure as plain JSON: summaries per extractor and set, then every page record.

    This is also the shape a future ``--gate`` baseline file would be compared against.
    """
    return {
        "data_dir": report.data_dir,
        "metadata_pages": report.metadata_pages,
        "extractors": {
            name: {
                "cpu_ms_per_page": report.cpu_ms_per_page(name),
                "speed_ratio_vs_" + SPEED_BASELINE: report.speed_ratio(name),
                "sets": {set_name: _summary_json(summary) for set_name, summary in sets.items()},
            }
            for name, sets in report.summaries.items()
        },
        "pages": {
            set_name: {name: [asdict(record) for record in records] for name, records in by_extractor.items()}
            for set_name, by_extractor in report.records.items()
        },
    }


def _summary_json(summary: SetSummary) -> dict[str, Any]:
    return {
        "pages": summary.pages,
        "shingle": asdict(summary.shingle),
        "word": asdict(summary.word),
        "metadata": {
            name: {"accuracy": result.value, "correct": result.correct, "total": result.total}
            for name, result in summary.metadata.items()
        },
        "cpu_ms_per_page": summary.cpu_ms_per_page,
        "no_article": summary.no_article,
        "errors": summary.errors,
    }


def _log_failures(report: Report) -> None:
    """List on stderr every page an extractor declined or failed, for follow-up."""
    for set_name, by_extractor in report.records.items():
        for name, records in by_extractor.items():
            for record in records:
                if record.outcome != "ok":
                    _log(f"{record.outcome}: {name} on {set_name}/{record.id}: {record.detail}")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- command line ---------------------------------------------------------------------------


def _names(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    """An argparse type for a comma-separated subset of ``allowed``, kept in the order given."""

    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (got {text!r})")
        return names

    return parse


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sets", type=_names(SETS), default=list(SETS), help="comma-separated (default: all)")
    add("--extractors", type=_names(list(EXTRACTORS)), default=list(EXTRACTORS),
        help="comma-separated (default: all, in table order)")
    add("--sample", type=_positive, metavar="N",
        help="every k-th page, so about N pages per set (deterministic)")
    add("--limit", type=_positive, metavar="N", help="at most the first N (sampled) pages per set")
    add("--json", type=Path, metavar="FILE", help="also write every figure, page by page, as JSON")
    add("--gate", type=Path, metavar="BASELINE",
        help="fail (exit 1) when a pinned figure of the baseline file drops by more than its tolerance")
    add("--write-baseline", type=Path, metavar="BASELINE", help="pin this run's newsclean figures in a file")
    add("--cv", action="store_true",
        help="cross-validated figures: 5 folds grouped by site over aeb, wcxb-dev and wcxb-dev-other, "
        "the article model fitted without each fold (needs scikit-learn; see benchmarks/cross_validation.py)")
    add("--article-model", choices=sorted(MODEL_FILES), default=DEFAULT_MODEL,
        help="with --cv: which article model each fold fits, general (aeb and wcxb-dev as articles, the "
        "default) or news (aeb's news stories alone)")
    add("--data-dir", type=Path, default=None,
        help=f"benchmark sets (default: ${DATA_DIR_ENV}, else ../shared/benchmarks beside the project)")
    args = parser.parse_args(argv)
    if args.article_model != DEFAULT_MODEL and not args.cv:
        parser.error("--article-model is for --cv: without it, the shipped cleaner is scored as it ships")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table to stdout, and return the exit status."""
    args = parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    missing = [name for name in args.sets if not (data_dir / name / "truth.jsonl").is_file()]
    if missing:
        _log(f"no benchmark data for {', '.join(missing)} under {data_dir}")
        return 2
    if args.cv:
        from benchmarks.cross_validation import main as cross_validated

        return cross_validated(data_dir, args.extractors, args.article_model)
    report = build_report(data_dir, args.sets, [EXTRACTORS[name] for name in args.extractors],
                          args.sample, args.limit)
    _log_failures(report)
    print(render_table(report))
    if args.json:
        text = json.dumps(report_json(report), ensure_ascii=False, indent=1)
        args.json.write_text(text + "\n", encoding="utf-8")
    run_options = {"sets": list(args.sets), "sample": args.sample, "limit": args.limit}
    try:
        if args.write_baseline:
            gate.write_baseline(args.write_baseline, report_json(report), run_options)
            _log(f"pinned {args.write_baseline}")
        failures = gate.check(args.gate, report_json(report), run_options) if args.gate else []
    except gate.GateError as error:
        _log(f"quality gate: {error}")
        return 2
    if args.gate:
        for failure in failures:
            _log(f"quality gate: {failure}")
        if failures:
            return 1
        _log(f"quality gate: every figure of {args.gate} holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
