"""Crawl throughput on a loopback site, cleaning on and off: ``python -m benchmarks.crawl_speed``.

The site is made of real saved news pages (the AEB set, cycled to ``--pages`` copies), each copy
made distinct so the crawler's duplicate detection keeps it, and served from 127.0.0.1 by the test
server (``tests.sites.server``) behind a robots.txt and a sitemap index. ``scrapy crawl news`` then
runs twice in subprocesses (``tests.crawling.run_crawl``), as a user runs it: once as shipped (pages
cleaned in the worker pool and written), once with cleaning replaced by a hand-over that only notes
the URL. Comparing the two says what cleaning costs and whether downloads keep going while pages
are being cleaned. One markdown table is printed; ``--json`` keeps every figure.
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import json
import os
import platform
import re
import resource
import shlex
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy

from cleaners import CleaningError, Page, clean
from cleaners.read.decode import decode_html
from crawler.items import CrawledPage
from tests.crawling import CrawlResult, run_crawl
from tests.sites.server import Site, serving

DEFAULT_PAGES = 2000
SITEMAP_SIZE = 500
PAGE_TYPE = "text/html"
MARKER = "Copy {i} of this page for the speed benchmark. "
PLACEHOLDER_BASE = "http://127.0.0.1:9"
PLACEHOLDER = f"{PLACEHOLDER_BASE}/a/0.html"
CANDIDATES_TRIED = 6
SAMPLE_EVERY = 0.2
MIB = 1024 * 1024

CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "false",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOGSTATS_INTERVAL": "1",
}
# -O on run_crawl's command line sets FEEDS at the same priority as -s and after it, so FEEDS={}
# cannot switch the feed off; ITEM_PIPELINES={} alone would hand raw pages (bytes and all) to the
# JSON exporter. The hand-over pipeline below keeps everything but cleaning.
NO_CLEANING = {"ITEM_PIPELINES": json.dumps({"benchmarks.crawl_speed.HandOverPipeline": 100})}

CANONICAL = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
OG_URL = re.compile(r"<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url\b[^>]*>", re.IGNORECASE)
HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
HIDDEN = re.compile(r"<(script|style|textarea)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
GAP = r"(?:\s|&nbsp;|&#160;|<[^>]*>)+"
STAT_LINE = re.compile(r"^[\s{]*'(?P<key>[^']+)':\s*(?P<value>.*?)[,}]*\s*$", re.MULTILINE)
STAT_TIME = re.compile(r"datetime\.datetime\(([\d,\s]+)")
LOGSTATS = re.compile(r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d).*Crawled (?P<pages>\d+) pages .*"
                      r"scraped (?P<items>\d+) items", re.MULTILINE)


class HandOverPipeline:
    """The "cleaning off" run's only pipeline: a fetched page is handed over and noted by URL,
    never cleaned, so the run measures fetching, parsing listings and the item path alone."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawledPage):
            return {"url": item.page.address}
        return item


# --- the site -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A saved page split around the two things each copy changes: its canonical link and the
    marker sentence that makes its extracted body (and so its fingerprint) unique."""

    source: str
    encoding: str
    before_canonical: str
    before_marker: str
    rest: str

    def render(self, base: str, number: int) -> bytes:
        text = self.before_marker + MARKER.format(i=number) + self.rest
        return _with_canonical(self.before_canonical, text, f"{base}/a/{number}.html").encode(self.encoding)


def _with_canonical(head: str, rest: str, url: str) -> str:
    return f'{head}<link rel="canonical" href="{url}">{rest}'


def _clean_as_served(body: bytes) -> str | None:
    """The extracted body of a page as the crawler would see it, or None when it is no article."""
    try:
        return clean(Page(body=body, url=PLACEHOLDER, headers={"content-type": PAGE_TYPE})).articleBody
    except CleaningError:
        return None


def _marker_places(text: str, paragraphs: Sequence[str], start: int) -> Iterator[int]:
    """Where the first extracted paragraphs begin in the HTML (or failing that, a few words into
    them), outside scripts and comments: a sentence put there lands in the extracted body."""
    hidden = [match.span() for match in HIDDEN.finditer(text)]
    for paragraph in paragraphs:
        words = paragraph.split()
        size = min(4, len(words))
        for at in range(len(words) - size + 1):
            pattern = re.compile(GAP.join(re.escape(html.escape(word, quote=False)) for word in words[at:at + size]))
            for match in pattern.finditer(text, start):
                if not any(low <= match.start() < high for low, high in hidden):
                    yield match.start()


def prepare_template(path: Path) -> Template | None:
    """A template from one saved page, or None if no copy of it would be a distinct article.

    The marker cannot simply go after ``<body>`` or into the first ``<p>``: on most real pages
    those are chrome the cleaner removes, and copies would then be dropped as the same text. So it
    goes where the cleaner's own first paragraph starts, and every candidate place is checked by
    cleaning the copy.
    """
    raw = gzip.decompress(path.read_bytes())
    try:
        text, encoding = decode_html(raw, PAGE_TYPE)
    except CleaningError:
        return None
    if text.encode(encoding, errors="replace") != raw:
        return None
    text = OG_URL.sub("", CANONICAL.sub("", text))
    head_end = HEAD_END.search(text)
    cut = head_end.start() if head_end else 0
    before_canonical, after = text[:cut], text[cut:]
    extracted = _clean_as_served(_with_canonical(before_canonical, after, PLACEHOLDER).encode(encoding))
    if extracted is None:
        return None
    body_start = BODY_START.search(after)
    places = _marker_places(after, extracted.split("\n\n")[:3], body_start.end() if body_start else 0)
    for place in itertools.islice(places, CANDIDATES_TRIED):
        template = Template(path.name, encoding, before_canonical, after[:place], after[place:])
        copy = _clean_as_served(template.render(PLACEHOLDER_BASE, 0))
        if copy is not None and MARKER.format(i=0).strip() in copy:
            return template
    return None


def load_templates(html_dir: Path, limit: int, workers: int) -> tuple[list[Template], list[str]]:
    """Templates from the first ``limit`` saved pages (cleaned in parallel), and the pages left out."""
    paths = sorted(html_dir.glob("*.html.gz"))[:limit]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        prepared = list(pool.map(prepare_template, paths))
    templates = [template for template in prepared if template is not None]
    skipped = [path.name for path, template in zip(paths, prepared, strict=True) if template is None]
    return templates, skipped


def fill_site(site: Site, base: str, templates: Sequence[Template], pages: int) -> int:
    """Add ``pages`` gzip-compressed article copies, a sitemap index over sitemaps of at most
    ``SITEMAP_SIZE`` URLs, and a robots.txt allowing everything; returns the bytes of the pages.

    Pages are stored compressed (about a fifth of their size) and sent with Content-Encoding, as
    news sites send them, so the crawler also pays for inflating them.
    """
    gzip_header = (("Content-Encoding", "gzip"),)
    stored = 0
    for number in range(pages):
        body = gzip.compress(templates[number % len(templates)].render(base, number), compresslevel=6)
        stored += len(body)
        site.add(f"/a/{number}.html", body, content_type=PAGE_TYPE, headers=gzip_header)
    files = [range(start, min(start + SITEMAP_SIZE, pages)) for start in range(0, pages, SITEMAP_SIZE)]
    for index, numbers in enumerate(files):
        urls = "".join(f"<url><loc>{base}/a/{number}.html</loc></url>" for number in numbers)
        site.add(f"/sitemaps/{index}.xml", "<?xml version='1.0'?><urlset xmlns="
                 f"'http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>", content_type="application/xml")
    entries = "".join(f"<sitemap><loc>{base}/sitemaps/{index}.xml</loc></sitemap>" for index in range(len(files)))
    site.add("/sitemap.xml", "<?xml version='1.0'?><sitemapindex xmlns="
             f"'http://www.sitemaps.org/schemas/sitemap/0.9'>{entries}</sitemapindex>", content_type="application/xml")
    site.add("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n", content_type="text/plain")
    return stored


class TimedRequests(list[str]):
    """``Site.requests`` that also notes when each request arrived, for the download timeline."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[float, str]] = []

    def append(self, path: str) -> None:
        self.times.append((time.time(), path))
        super().append(path)

    def reset(self) -> None:
        self.clear()
        self.times.clear()


# --- measuring the processes ----------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """Parent pid and CPU seconds (user + system) of a process, from ``/proc/PID/stat``."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_field(pid: int, name: str, key: str) -> int:
    """A ``kB`` figure from ``/proc/PID/status`` or ``smaps_rollup``, in bytes (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _proc_pss(pid: int) -> int:
    """Proportional set size (pages shared between processes split between them, so a sum over the
    crawler and its workers does not count shared pages twice), else the resident size."""
    return _proc_field(pid, "smaps_rollup", "Pss:") or _proc_field(pid, "status", "VmRSS:")


class ProcessSampler(threading.Thread):
    """Samples this process's descendants from ``/proc`` while a crawl runs.

    Scrapy's ``memusage/max`` cannot be used: it is ``ru_maxrss``, which Linux carries over from
    the parent at fork and exec, so a crawler started from this (large) process reports this
    process's size. The crawler's own peak is its ``VmHWM``; the whole crawl's peak is the largest
    sampled sum of PSS over the crawler and its cleaning workers. CPU seconds per process say which
    one limits throughput. The crawler is the direct child; its descendants count as "cleaners".
    """

    def __init__(self) -> None:
        super().__init__(name="process-sampler", daemon=True)
        self.stopping = threading.Event()
        self.cpu: dict[int, float] = {}
        self.crawler_pids: set[int] = set()
        self.crawler_peak_rss = 0
        self.peak_pss = 0
        self.own_cpu = 0.0
        self.available = Path("/proc/self/smaps_rollup").exists()

    def run(self) -> None:
        while self.available and not self.stopping.wait(SAMPLE_EVERY):
            started = time.thread_time()
            self.sample()
            self.own_cpu += time.thread_time() - started

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        cpu: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _proc_stat(int(entry))) is not None:
                children.setdefault(stat[0], []).append(int(entry))
                cpu[int(entry)] = stat[1]
        crawlers = children.get(os.getpid(), [])
        self.crawler_pids.update(crawlers)
        family, pending = [], list(crawlers)
        while pending:
            pid = pending.pop()
            family.append(pid)
            pending += children.get(pid, [])
        for pid in family:
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu[pid])
        for pid in crawlers:
            self.crawler_peak_rss = max(self.crawler_peak_rss, _proc_field(pid, "status", "VmHWM:"))
        self.peak_pss = max(self.peak_pss, sum(_proc_pss(pid) for pid in family))

    def stop(self) -> None:
        self.stopping.set()
        self.join()

    def crawler_cpu(self) -> float:
        return sum(seconds for pid, seconds in self.cpu.items() if pid in self.crawler_pids)

    def cleaners_cpu(self) -> float:
        return sum(seconds for pid, seconds in self.cpu.items() if pid not in self.crawler_pids)


# --- reading a crawl ------------------------------------------------------------------------


def parse_stats(text: str) -> dict[str, Any]:
    """Scrapy's stats dump as a dict of numbers and UTC datetimes; other values are left out.

    The dump is a ``repr`` (with ``datetime.datetime(...)`` calls), so it is read line by line
    with regexes rather than evaluated.
    """
    stats: dict[str, Any] = {}
    for match in STAT_LINE.finditer(text):
        value = match["value"]
        if when := STAT_TIME.match(value):
            parts = [int(part) for part in when.group(1).replace(" ", "").split(",") if part]
            stats[match["key"]] = datetime(*parts[:7], tzinfo=UTC)  # type: ignore[misc]
        elif re.fullmatch(r"-?\d+", value):
            stats[match["key"]] = int(value)
        elif re.fullmatch(r"-?\d+\.\d*(?:e-?\d+)?", value):
            stats[match["key"]] = float(value)
    return stats


def max_backlog(log: str) -> int:
    """Most responses received but not yet turned into items at any once-a-second log line
    (listing responses included): how far downloads ran ahead of the item pipeline."""
    return max((int(m["pages"]) - int(m["items"]) for m in LOGSTATS.finditer(log)), default=0)


@dataclass
class Run:
    """One crawl's figures; ``*_at`` times are seconds from the crawl's ``start_time``, CPU seconds
    cover each process's whole life (``process_seconds``, startup included)."""

    name: str
    returncode: int
    pages: int
    pages_fetched: int = 0
    responses: int = 0
    items_written: int = 0
    wall_seconds: float = 0.0
    pages_per_second: float = 0.0
    first_page_at: float | None = None
    last_page_at: float | None = None
    fetched_by_quarter: list[float] = field(default_factory=list)
    crawler_peak_rss_mib: float | None = None
    all_processes_peak_pss_mib: float | None = None
    scrapy_memusage_max_mib: float | None = None
    crawler_cpu_seconds: float | None = None
    cleaners_cpu_seconds: float | None = None
    site_cpu_seconds: float = 0.0
    other_cpu_seconds: float | None = None
    process_seconds: float = 0.0
    max_backlog: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _page_outcomes(result: CrawlResult) -> Counter[str]:
    return Counter(line["outcome"] for line in result.outcomes if "/a/" in line["url"])


LISTING_OUTCOMES = ("article", "sitemap", "robots", "feed")


def _problems(result: CrawlResult, pages: int) -> list[str]:
    """What went wrong, from ``outcomes.jsonl``: a few URLs and reasons per unexpected outcome
    (a refused sitemap, a page that gave no article...), and how many pages gave no item."""
    reasons: dict[str, list[str]] = {}
    for line in result.outcomes:
        if line["outcome"] not in LISTING_OUTCOMES:
            reasons.setdefault(line["outcome"], []).append(f"{line['url']}: {line.get('reason', '')}")
    found = [f"{outcome} ({len(lines)}): " + "; ".join(lines[:3]) for outcome, lines in reasons.items()]
    if len(result.articles) < pages:
        found.insert(0, f"{pages - len(result.articles)} of {pages} pages gave no item")
    return found


def measure(name: str, site: Site, pages: int, out: Path, arguments: dict[str, str],
            settings: dict[str, str]) -> Run:
    """Run one crawl while sampling its processes, and read its figures."""
    requests = site.requests
    assert isinstance(requests, TimedRequests)
    requests.reset()
    sampler = ProcessSampler()
    own_before, machine_before = _own_cpu(), _machine_busy()
    started = time.monotonic()
    sampler.start()
    try:
        result = run_crawl(out, arguments, settings, overwrite=True, timeout=120 + pages)
    finally:
        sampler.stop()
    run = Run(name, result.returncode, pages, process_seconds=round(time.monotonic() - started, 2),
              site_cpu_seconds=round(_own_cpu() - own_before - sampler.own_cpu, 1),
              items_written=len(result.articles), outcomes=dict(_page_outcomes(result)))
    if result.returncode != 0:
        sys.stderr.write(f"{name}: scrapy exited with {result.returncode}; log tail:\n{result.log[-3000:]}\n")
        run.problems = [f"scrapy exited with {result.returncode}"]
        return run
    _read_stats(run, parse_stats(result.stats), requests)
    machine_after = _machine_busy()
    if sampler.available and machine_before is not None and machine_after is not None:
        ours = sampler.crawler_cpu() + sampler.cleaners_cpu() + _own_cpu() - own_before
        run.other_cpu_seconds = round(max(0.0, machine_after - machine_before - ours), 1)
    if sampler.available:
        run.crawler_peak_rss_mib = round(sampler.crawler_peak_rss / MIB, 1)
        run.all_processes_peak_pss_mib = round(sampler.peak_pss / MIB, 1)
        run.crawler_cpu_seconds = round(sampler.crawler_cpu(), 1)
        run.cleaners_cpu_seconds = round(sampler.cleaners_cpu(), 1)
    run.max_backlog = max_backlog(result.log)
    run.problems = _problems(result, pages)
    return run


def _read_stats(run: Run, stats: dict[str, Any], requests: TimedRequests) -> None:
    """Wall time and rates from Scrapy's stats; the download timeline from the site's own log."""
    start, finish = stats.get("start_time"), stats.get("finish_time")
    wall = (finish - start).total_seconds() if start and finish else float(stats.get("elapsed_time_seconds", 0))
    run.wall_seconds = round(wall, 2)
    run.responses = int(stats.get("response_received_count", 0))
    run.pages_fetched = len({path for path in requests if path.startswith("/a/")})
    run.pages_per_second = round(run.pages_fetched / wall, 1) if wall else 0.0
    if memusage := stats.get("memusage/max"):
        run.scrapy_memusage_max_mib = round(memusage / MIB, 1)
    if start is None or not wall:
        return
    served = sorted(moment - start.timestamp() for moment, path in requests.times if path.startswith("/a/"))
    if served:
        run.first_page_at, run.last_page_at = round(served[0], 2), round(served[-1], 2)
        quarters = Counter(min(3, max(0, int(4 * moment / wall))) for moment in served)
        run.fetched_by_quarter = [round(quarters[q] / len(served), 3) for q in range(4)]


def _own_cpu() -> float:
    """CPU seconds of this process so far: the loopback site's threads, plus the sampler."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float | None:
    """CPU seconds the whole machine has spent busy (all cores, from ``/proc/stat``), so that
    other work running during a crawl, which would skew its figures, shows up in the report."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# --- report ---------------------------------------------------------------------------------


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


COLUMNS = ("run", "pages fetched", "items written", "wall s", "pages/s", "last page fetched at s",
           "crawler peak RSS MiB", "all processes peak PSS MiB", "CPU s crawler / cleaners / site")


def render_table(runs: Sequence[Run]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    for run in runs:
        cpu = " / ".join(_figure(v) for v in (run.crawler_cpu_seconds, run.cleaners_cpu_seconds, run.site_cpu_seconds))
        cells = (run.name, str(run.pages_fetched), str(run.items_written), _figure(run.wall_seconds),
                 _figure(run.pages_per_second), _figure(run.last_page_at), _figure(run.crawler_peak_rss_mib),
                 _figure(run.all_processes_peak_pss_mib), cpu)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check(runs: Sequence[Run], pages: int) -> list[str]:
    """Failed checks: in both runs every page fetched and turned into an item (with cleaning on,
    an article written), and no URL with an unexpected outcome."""
    failures = [f"{run.name}: fetched {run.pages_fetched} of {pages} pages" for run in runs
                if run.pages_fetched != pages]
    return failures + [f"{run.name}: {problem}" for run in runs for problem in run.problems]


def _cpu_use(run: Run, cores: int, crawler_only: bool = False) -> str:
    """Share of ``cores`` the crawl's processes and the site (or the crawler process alone) kept
    busy over the crawl process's life: near 100% is the resource that limits throughput."""
    parts = (run.crawler_cpu_seconds,) if crawler_only else (run.crawler_cpu_seconds, run.cleaners_cpu_seconds)
    if None in parts or not run.process_seconds:
        return "n/a"
    busy = sum(p or 0.0 for p in parts) + (0.0 if crawler_only else run.site_cpu_seconds)
    return f"{100 * busy / (run.process_seconds * cores):.0f}%"


def _per_page(seconds: float | None, pages: int) -> str:
    return "n/a" if seconds is None else f"{1000 * seconds / pages:.1f}"


def _other_work(runs: Sequence[Run]) -> str:
    """Whether the machine did other work during the crawls (figures then read low)."""
    other = [f"{run.name} {_figure(run.other_cpu_seconds)} s" for run in runs]
    busy = any((run.other_cpu_seconds or 0) > 0.05 * run.process_seconds * (os.cpu_count() or 1) for run in runs)
    return ("- WARNING: other processes were busy during the crawls, so the figures read low: "
            if busy else "- Other processes on the machine during the crawls (CPU s): ") + ", ".join(other) + "."


def render_notes(runs: Sequence[Run], pages: int, facts: dict[str, Any], workers: int, command: str) -> str:
    on, off = runs
    cores = os.cpu_count() or 1
    ratio = f"{on.pages_per_second / off.pages_per_second:.2f}" if off.pages_per_second else "n/a"
    skipped = facts["skipped"]
    failures = check(runs, pages)
    quarters = " / ".join(f"{100 * share:.0f}%" for share in on.fetched_by_quarter) or "n/a"
    lines = [
        "",
        f"- Site: {pages} pages cycled from {facts['templates']} saved AEB pages"
        + (f" ({len(skipped)} left out, no distinct article copy: {', '.join(skipped)})" if skipped else "")
        + f", served gzip-compressed from 127.0.0.1; CLEANER_WORKERS={workers} on {cores} cores.",
        f"- Cleaning on fetches at {ratio}× the rate of cleaning off. With cleaning on, pages fetched in each "
        f"quarter of the crawl: {quarters} (even shares mean downloads kept pace with cleaning all along); "
        f"last page fetched at {_figure(on.last_page_at)} s of {_figure(on.wall_seconds)} s "
        f"(off: {_figure(off.last_page_at)} s of {_figure(off.wall_seconds)} s).",
        f"- CPU use of all {cores} cores over each crawl process's life: cleaning on {_cpu_use(on, cores)}, "
        f"off {_cpu_use(off, cores)}; the crawler process alone: {_cpu_use(on, 1, crawler_only=True)} of one "
        f"core, off {_cpu_use(off, 1, crawler_only=True)}. CPU per page (hardly moved by other work): crawler "
        f"{_per_page(on.crawler_cpu_seconds, pages)} + cleaning {_per_page(on.cleaners_cpu_seconds, pages)} ms, "
        f"off: crawler {_per_page(off.crawler_cpu_seconds, pages)} ms. CPU s = crawler process / cleaning workers "
        "/ loopback site (this process).",
        "- Memory: crawler = peak RSS (VmHWM) of the Scrapy process; all processes = largest sampled sum "
        f"(every {SAMPLE_EVERY} s) of PSS over it and its workers. Scrapy's memusage/max is not shown: started "
        "from this process it reports this process's size (Linux carries ru_maxrss over fork and exec).",
        _other_work(runs),
        "- Check: " + ("OK, every page fetched in both runs and written as an article with cleaning on."
                       if not failures else "FAILED: " + " | ".join(failures)),
        f"- Command: `{command}` (Python {platform.python_version()}, Scrapy {scrapy.__version__}).",
    ]
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------


def _at_least(minimum: int) -> Any:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl_speed", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--pages", type=_at_least(1), default=DEFAULT_PAGES, help=f"article pages (default {DEFAULT_PAGES})")
    add("--workers", type=_at_least(0), default=0, help="CLEANER_WORKERS for the crawl (default 0: one per core)")
    add("--json", type=Path, metavar="FILE", help="also write every figure as JSON")
    add("--data-dir", type=Path, default=None, help="benchmark sets (default: as benchmarks.quality)")
    return parser.parse_args(argv)


def _command(args: argparse.Namespace) -> str:
    parts = ["python", "-m", "benchmarks.crawl_speed", "--pages", str(args.pages), "--workers", str(args.workers)]
    if args.json:
        parts += ["--json", str(args.json)]
    if args.data_dir:
        parts += ["--data-dir", str(args.data_dir)]
    return shlex.join(parts)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_benchmark(args: argparse.Namespace, html_dir: Path) -> tuple[list[Run], dict[str, Any]]:
    """Build the site, crawl it with cleaning on then off, and return the runs and site facts."""
    cores = os.cpu_count() or 1
    _log(f"preparing templates from {html_dir} ...")
    templates, skipped = load_templates(html_dir, args.pages, cores)
    if not templates:
        raise SystemExit(f"no usable saved page under {html_dir}")
    site = Site(requests=TimedRequests())
    with serving(site) as base, tempfile.TemporaryDirectory(prefix="crawl-speed-") as temp:
        stored = fill_site(site, base, templates, args.pages)
        arguments = {"sitemaps": f"{base}/sitemap.xml"}
        settings = {**CRAWL_SETTINGS, "CLEANER_WORKERS": str(args.workers)}
        runs = []
        for name, extra in (("cleaning on", {}), ("cleaning off", NO_CLEANING)):
            _log(f"crawling {args.pages} pages, {name} ...")
            runs.append(measure(name, site, args.pages, Path(temp) / name.replace(" ", "-"), arguments,
                                {**settings, **extra}))
    facts = {"pages": args.pages, "templates": len(templates), "skipped": skipped, "gzip_bytes": stored,
             "page_bytes": sum(len(t.render(PLACEHOLDER_BASE, 0)) for t in templates) // len(templates)}
    return runs, facts


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table and notes; non-zero when a correctness check fails."""
    from benchmarks.quality import default_data_dir  # here: the crawler imports this module for its pipeline

    args = parse_args(argv)
    html_dir = (args.data_dir or default_data_dir()) / "aeb" / "html"
    if not any(html_dir.glob("*.html.gz")):
        _log(f"no saved pages under {html_dir}")
        return 2
    runs, facts = run_benchmark(args, html_dir)
    command = _command(args)
    print(render_table(runs))
    print(render_notes(runs, args.pages, facts, args.workers, command))
    if args.json:
        figures = {"command": command, "cores": os.cpu_count(), "python": platform.python_version(),
                   "scrapy": scrapy.__version__, "settings": CRAWL_SETTINGS, "site": facts,
                   "runs": [asdict(run) for run in runs], "check_failures": check(runs, args.pages)}
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 1 if check(runs, args.pages) else 0


if __name__ == "__main__":
    sys.exit(main())
