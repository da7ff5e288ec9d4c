"""The crawl report: one self-contained HTML page of charts, from a crawl's outcomes and articles.

The crawl writes it when it ends (``REPORT_FILE``, fed line by line as the crawl goes), and
``newsclean report OUTPUT_DIR`` makes one from the files a crawl left; both use ``ReportData``.

What it holds is bounded however long the crawl: the timeline coarsens its bins as the crawl
lasts (at most ``MAX_BINS`` of them), the chrome-line tally keeps the heaviest lines
(``MAX_CHROME_LINES``), failures are grouped by reason (``MAX_REASONS``, with three example URLs
each), and article lengths are a fixed histogram. Sites are counted one entry per host.

The page is safe to open whatever the pages said. Charts are inline SVG drawn by matplotlib (no
script, no network, no CDN); every page-derived string is escaped, in the SVG (matplotlib escapes
its text, and maths parsing is off, so a ``$`` is a dollar) and in the HTML; links go only to
``http(s)`` URLs; and a Content-Security-Policy allows no script at all and no request.
"""

from __future__ import annotations

import html
import io
import json
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from cleaners.redact import redact

FAILED_OUTCOMES = frozenset({"http-error", "network-error", "too-large", "cleaning-error", "forbidden-address",
                             "not-in-cassette", "ignored"})
"""Outcomes that mean a URL the crawl wanted gave nothing (the crawl then exits with status 1)."""

MAX_BINS = 2000
MAX_CHROME_LINES = 20_000
KEPT_CHROME_LINES = 5_000
MAX_REASONS = 1000
EXAMPLES = 3
LENGTH_STEP, LENGTH_CAP = 100, 3000
TOP = 15
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@attrs.define
class Failure:
    count: int = 0
    examples: list[str] = attrs.field(factory=list)


@attrs.define
class ReportData:
    """Tallies of one crawl (or of an output folder), each bounded; see the module's docstring."""

    outcomes: Counter[str] = attrs.field(factory=Counter)
    timeline: Counter[tuple[int, str]] = attrs.field(factory=Counter)
    """(bin start, unix seconds) and outcome: how many lines."""
    bin_seconds: int = 1
    bins: set[int] = attrs.field(factory=set)
    """The timeline's bin starts (kept beside it so a line costs O(1))."""
    sites: Counter[str] = attrs.field(factory=Counter)
    lengths: Counter[int] = attrs.field(factory=Counter)
    """Article body words, in buckets of ``LENGTH_STEP`` (the last bucket holds every longer one)."""
    chrome: Counter[str] = attrs.field(factory=Counter)
    failures: dict[tuple[str, str], Failure] = attrs.field(factory=dict)
    articles: int = 0
    first: float | None = None
    last: float | None = None

    def add_outcome(self, line: dict[str, Any]) -> None:
        outcome = str(line.get("outcome") or "unknown")
        self.outcomes[outcome] += 1
        if (moment := _seconds(line.get("time"))) is not None:
            self.first = moment if self.first is None else min(self.first, moment)
            self.last = moment if self.last is None else max(self.last, moment)
            start = int(moment) // self.bin_seconds * self.bin_seconds
            self.timeline[(start, outcome)] += 1
            self.bins.add(start)
            if len(self.bins) > MAX_BINS:
                self._coarsen()
        if outcome in FAILED_OUTCOMES:
            reason = redact(str(line.get("reason") or (f"status {line['status']}" if line.get("status") else outcome)))
            key = (outcome, reason[:300])
            if key not in self.failures and len(self.failures) >= MAX_REASONS:
                key = (outcome, "(other reasons)")
            failure = self.failures.setdefault(key, Failure())
            failure.count += 1
            if len(failure.examples) < EXAMPLES:
                failure.examples.append(redact(str(line.get("url") or "")))

    def _coarsen(self) -> None:
        self.bin_seconds *= 4
        coarse: Counter[tuple[int, str]] = Counter()
        for (start, outcome), count in self.timeline.items():
            coarse[(start // self.bin_seconds * self.bin_seconds, outcome)] += count
        self.timeline = coarse
        self.bins = {start for start, _ in coarse}

    def add_article(self, record: dict[str, Any]) -> None:
        self.articles += 1
        host = (urlsplit(str(record.get("url") or "")).hostname or "(no host)").removeprefix("www.")
        self.sites[host] += 1
        words = len(str(record.get("articleBody") or "").split())
        self.lengths[min(words // LENGTH_STEP * LENGTH_STEP, LENGTH_CAP)] += 1
        for line in (record.get("metadata") or {}).get("removedChrome") or ():
            self.chrome[str(line)[:200]] += 1
        if len(self.chrome) > MAX_CHROME_LINES:
            self.chrome = Counter(dict(self.chrome.most_common(KEPT_CHROME_LINES)))

    @classmethod
    def from_files(cls, outcomes: Path | None, articles: Iterable[Path]) -> ReportData:
        data = cls()
        if outcomes is not None and outcomes.is_file():
            for line in _json_lines(outcomes):
                data.add_outcome(line)
        for path in articles:
            for record in _articles(path):
                data.add_article(record)
        return data


def _seconds(value: Any) -> float | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def _articles(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix == ".parquet":
        from cleaners.write.parquet import read_articles

        yield from read_articles(path, columns=["url", "articleBody", "metadata"])
        return
    for record in _json_lines(path):
        if "error" not in record:
            yield record


# -- rendering ---------------------------------------------------------------------------------------

COLOURS = {"article": "#2e7d32", "not-article": "#9e9e9e", "duplicate": "#90caf9", "already-collected": "#64b5f6",
           "outside-date-window": "#ce93d8", "feed": "#ffcc80", "sitemap": "#ffb74d", "robots": "#ffe0b2"}
FAILED_COLOUR = "#c62828"


def _colour(outcome: str) -> str:
    return FAILED_COLOUR if outcome in FAILED_OUTCOMES else COLOURS.get(outcome, "#bdbdbd")


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(height: float = 3.2) -> Any:
    from matplotlib.figure import Figure  # no pyplot: no global backend or state

    return Figure(figsize=(9, height), dpi=96)


def _bars(labels: list[str], values: list[int], colours: list[str] | str, xlabel: str) -> str:
    figure = _figure(max(1.6, 0.32 * len(labels) + 0.8))
    axes = figure.add_subplot()
    axes.barh(range(len(labels)), values, color=colours)
    axes.set_yticks(range(len(labels)), [label if len(label) <= 90 else label[:89] + "…" for label in labels])
    axes.invert_yaxis()
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(xlabel)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure)


def _timeline_chart(data: ReportData) -> str:
    starts = sorted(data.bins)
    outcomes = [o for o, _ in data.outcomes.most_common() if any(k[1] == o for k in data.timeline)]
    figure = _figure()
    axes = figure.add_subplot()
    times = [datetime.fromtimestamp(start, UTC) for start in starts]
    bottom = [0] * len(starts)
    width = data.bin_seconds / 86400 * 0.9
    for outcome in outcomes:
        counts = [data.timeline.get((start, outcome), 0) for start in starts]
        axes.bar(times, counts, width=width, bottom=bottom, color=_colour(outcome), label=outcome, align="edge")
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import MaxNLocator

    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(f"URLs per {_duration(data.bin_seconds)}")
    axes.set_xlabel("UTC")
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure)


def _length_chart(data: ReportData) -> str:
    buckets = list(range(0, LENGTH_CAP + LENGTH_STEP, LENGTH_STEP))
    figure = _figure(2.8)
    axes = figure.add_subplot()
    axes.bar(buckets, [data.lengths.get(b, 0) for b in buckets], width=LENGTH_STEP * 0.9, align="edge",
             color=COLOURS["article"])
    axes.set_xlabel(f"words in the article body (the last bar: {LENGTH_CAP:,} and more)")
    axes.set_ylabel("articles")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure)


def _duration(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            value = seconds / size
            return f"{value:g} {unit}{'s' if value != 1 else ''}"
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


def _link(url: str) -> str:
    """An escaped URL, as a link only when it is http(s)."""
    shown = html.escape(url)
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a href="{html.escape(url, quote=True)}" rel="noreferrer noopener">{shown}</a>'
    return shown


def _section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{body}</section>"


def _failures_table(data: ReportData) -> str:
    if not data.failures:
        return "<p>No URL failed.</p>"
    rows = sorted(data.failures.items(), key=lambda item: -item[1].count)[:100]
    cells = "".join(
        f"<tr><td>{html.escape(outcome)}</td><td class='n'>{failure.count:,}</td><td>{html.escape(reason)}</td>"
        f"<td>{'<br>'.join(_link(url) for url in failure.examples)}</td></tr>"
        for (outcome, reason), failure in rows)
    more = f"<p>{len(data.failures) - 100:,} more reasons are not shown.</p>" if len(data.failures) > 100 else ""
    return ("<table><thead><tr><th>outcome</th><th>URLs</th><th>reason</th><th>examples</th></tr></thead>"
            f"<tbody>{cells}</tbody></table>{more}")


STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#212121}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e0e0e0}
.figures{display:flex;gap:2rem;flex-wrap:wrap}.figures div{font-size:.9rem}.figures b{display:block;font-size:1.5rem}
svg{max-width:100%;height:auto}table{border-collapse:collapse;font-size:.85rem;width:100%}
td,th{border-bottom:1px solid #eee;padding:.3rem;text-align:left;vertical-align:top;word-break:break-all}
td.n{text-align:right;white-space:nowrap}p.note{color:#616161;font-size:.85rem}
"""


def render_report(data: ReportData, title: str = "Crawl report") -> str:
    """The report as one HTML document: no script, no external resource."""
    import matplotlib

    # The SVG's text is drawn by the browser's fonts (svg.fonttype none): matplotlib's font missing a
    # script's glyphs only makes its layout estimate rougher, so its warning is noise in a crawl's log.
    with warnings.catch_warnings(), matplotlib.rc_context({"svg.fonttype": "none", "text.parse_math": False,
                                                            "svg.hashsalt": "newsclean", "font.size": 9}):
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        charts = []
        if data.timeline:
            charts.append(_section("Pages fetched over time, by outcome", _timeline_chart(data)))
        if data.outcomes:
            kinds = data.outcomes.most_common()
            charts.append(_section("Outcomes by kind", _bars([k for k, _ in kinds], [n for _, n in kinds],
                                                             [_colour(k) for k, _ in kinds], "URLs")))
        if data.sites:
            top = data.sites.most_common(TOP)
            charts.append(_section(f"Top {len(top)} sites by articles",
                                   _bars([s for s, _ in top], [n for _, n in top], COLOURS["article"], "articles")))
        if data.articles:
            charts.append(_section("Article length", _length_chart(data)))
        if data.chrome:
            top = data.chrome.most_common(TOP)
            charts.append(_section("Most removed chrome lines", _bars(
                [line for line, _ in top], [n for _, n in top], "#8d6e63", "articles it was removed from")))
    failed = sum(n for outcome, n in data.outcomes.items() if outcome in FAILED_OUTCOMES)
    span = (f"{datetime.fromtimestamp(data.first, UTC):%Y-%m-%d %H:%M:%S} to "
            f"{datetime.fromtimestamp(data.last, UTC):%Y-%m-%d %H:%M:%S} UTC"
            if data.first is not None and data.last is not None else "no timed outcome")
    figures = (f"<div class='figures'><div><b>{sum(data.outcomes.values()):,}</b>URLs with an outcome</div>"
               f"<div><b>{data.articles:,}</b>articles</div><div><b>{failed:,}</b>failed</div>"
               f"<div><b>{len(data.sites):,}</b>sites</div></div>")
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            f"<meta name='referrer' content='no-referrer'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class='note'>{html.escape(span)}; made {made}.</p>{figures}"
            + "".join(charts) + _section("Failures, by reason", _failures_table(data))
            + "</body></html>")


def write_report(data: ReportData, path: Path, title: str = "Crawl report") -> None:
    """Write the report whole (temporary file, then rename): a reader never sees half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render_report(data, title), encoding="utf-8")
    temporary.replace(path)


def report_command(arguments: list[str]) -> int:
    """``newsclean report OUTPUT_DIR [-o FILE]``: a report from a crawl's output folder."""
    import argparse

    parser = argparse.ArgumentParser(prog="newsclean report", description=(
        "Make the crawl report (one self-contained HTML page of charts) from an output folder: its "
        "outcomes.jsonl and its article files (*.jsonl, *.parquet)."))
    parser.add_argument("folder", type=Path, metavar="OUTPUT_DIR")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: OUTPUT_DIR/report.html")
    args = parser.parse_args(arguments)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    outcomes = args.folder / "outcomes.jsonl"
    articles = sorted(p for p in args.folder.iterdir() if p.is_file() and p != outcomes and (
        p.suffix == ".parquet" or (p.suffix in (".jsonl", ".jl") and not p.name.endswith(".failures.jsonl"))))
    if not outcomes.is_file() and not articles:
        parser.error(f"{args.folder} holds no outcomes.jsonl and no article file (*.jsonl, *.parquet)")
    data = ReportData.from_files(outcomes if outcomes.is_file() else None, articles)
    output = args.output or args.folder / "report.html"
    try:
        write_report(data, output, f"Crawl report: {args.folder.resolve().name}")
    except OSError as error:
        parser.error(f"the report cannot be written ({error.strerror or error}: {output})")
    print(f"{output}: {sum(data.outcomes.values()):,} outcomes, {data.articles:,} articles from "
          f"{', '.join(p.name for p in articles) or 'no article file'}", file=sys.stderr)
    return 0
