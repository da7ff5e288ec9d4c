"""Fault suite: crawl a fault-injecting server once per fault and check that the crawl survives it.

    python -m tests.fault_suite [--quick] [--json FILE] [--only NAME ...]

Each fault case starts its own ``tests.sites.faults`` server, runs ``scrapy crawl news`` (the real
command, in a subprocess) into its own temporary directory with ``DOWNLOAD_TIMEOUT=2`` and
``RETRY_TIMES=2``, and decides:

- injected: the server really delivered the fault (otherwise the case proved nothing);
- survived: the crawl ended within the case's time limit with the exit status the outcomes call for
  (1 when a URL failed, else 0: the README's rule) and its log holds no Traceback;
- URLs accounted for: every URL the case expects the crawler to touch has a line in outcomes.jsonl,
  as the README promises ("every URL the crawl touched gets one line"); for redirects that is the
  URL the crawler was asked for, since that is the one a user looks up;
- items lost: expected articles missing from articles.jsonl;
- duplicates: articles written twice (same ``url`` or same ``canonicalUrl``).

A case passes when all four hold; the exit status is 1 if any case did not pass. Expectations are
written next to each case (``FaultCase.expectation``); notes printed under the table are observations
that do not decide pass or fail. ``--quick`` skips the one slow case, the 100,000-entry sitemap index
(about a minute: fetching all its children would take the crawler several minutes, so that crawl is
stopped by the crawler's own ``CLOSESPIDER_TIMEOUT`` and judged on what it fetched by then).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from crawler.outcomes import FAILED
from tests.crawling import CrawlResult, read_jsonl, run_crawl
from tests.sites.faults import BIG_INDEX_COUNT, FaultSite, gzip_bomb_body, serving_faults

SETTINGS = {"DOWNLOAD_TIMEOUT": "2", "RETRY_TIMES": "2"}
"""On top of ``tests.crawling.FAST`` (which allows private addresses); DOWNLOAD_MAXSIZE stays 16 MiB."""
TIME_LIMIT = 60.0
BIG_INDEX_SECONDS = 45
CALENDAR_START = (2024, 6)
CALENDAR_DEPTH = 3


@attrs.frozen
class CaseRun:
    """What one crawl left behind, for a case's own extra checks."""

    site: FaultSite
    base: str
    crawl: CrawlResult


@attrs.frozen(kw_only=True)
class FaultCase:
    """One fault, how to crawl it and what must come out of it."""

    name: str
    fault: str
    """The fault's name in ``FaultSite.injected``."""
    expectation: str
    arguments: dict[str, str]
    """Spider arguments; ``{base}`` is replaced by the server's base URL."""
    urls: tuple[str, ...] = ()
    """Paths that must each have at least one outcome line."""
    articles: tuple[str, ...] = ()
    """Paths that must end as articles (matched on the article's ``url``)."""
    settings: dict[str, str] = attrs.field(factory=dict)
    fetched_accounted: bool = False
    """Also require an outcome line for every path the server was asked for (robots.txt aside)."""
    must_fetch: tuple[str, int] | None = None
    """(path prefix, n): the crawl must have asked for at least n paths under the prefix (progress)."""
    slow: bool = False
    time_limit: float = TIME_LIMIT
    prepare: Callable[[], object] | None = None
    """Runs before the server starts (e.g. builds the cached gzip bomb outside the crawl's timeout)."""
    notes: Callable[[CaseRun], list[str]] | None = None
    """Extra observations for the report; they do not decide pass or fail."""


@attrs.frozen(kw_only=True)
class FaultResult:
    case: str
    expectation: str
    injected: int
    exit_code: int | None
    """None when the crawl was killed at its time limit."""
    time_limit: float
    tracebacks: list[str]
    expected_urls: list[str]
    missing_urls: list[str]
    expected_articles: list[str]
    lost: list[str]
    duplicates: list[str]
    outcomes: dict[str, int]
    seconds: float
    notes: list[str]
    evidence: dict[str, Any]

    @property
    def expected_exit_code(self) -> int:
        """1 when some URL failed (an outcome in ``crawler.outcomes.FAILED``), else 0."""
        return 1 if any(self.outcomes.get(str(outcome)) for outcome in FAILED) else 0

    @property
    def survived(self) -> bool:
        return self.exit_code == self.expected_exit_code and not self.tracebacks

    @property
    def passed(self) -> bool:
        return bool(self.injected) and self.survived and not self.missing_urls and not self.lost \
            and not self.duplicates

    def to_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "survived": self.survived, "passed": self.passed}


# -- the cases -------------------------------------------------------------------------------------


def _urls(path: str) -> dict[str, str]:
    return {"urls": "{base}" + path}


def _one_article(name: str, fault: str, path: str, expectation: str, **kw: Any) -> FaultCase:
    return FaultCase(name=name, fault=fault, expectation=expectation, arguments=_urls(path), urls=(path,),
                     articles=(path,), **kw)


def _no_article(name: str, fault: str, path: str, expectation: str, **kw: Any) -> FaultCase:
    return FaultCase(name=name, fault=fault, expectation=expectation, arguments=_urls(path), urls=(path,), **kw)


def _retry_times(run: CaseRun, path: str) -> list[str]:
    times = run.site.requested(path)
    gaps = [round(later - earlier, 3) for earlier, later in itertools.pairwise(times)]
    return [f"{path} requested {len(times)} times; seconds between attempts: {gaps}"]


def _charset_notes(run: CaseRun) -> list[str]:
    bodies = [a.get("articleBody", "") for a in run.crawl.articles]
    if not bodies:
        return []
    if "Zürich" in bodies[0] and "Ã" not in bodies[0]:
        return ["article text decoded as UTF-8 (accents intact)"]
    return [f"article text garbled or missing the accented paragraph: {bodies[0][-200:]!r}"]


def _calendar_paths(depth: int = CALENDAR_DEPTH) -> tuple[str, ...]:
    year, month = CALENDAR_START
    paths = []
    for offset in range(-depth, depth + 1):
        index = year * 12 + month - 1 + offset
        paths.append(f"/calendar/{index // 12:04d}/{index % 12 + 1:02d}/")
    return tuple(paths)


_CALENDAR_CRAWL = {"urls": "{base}" + _calendar_paths(0)[0], "follow": "true", "max_depth": str(CALENDAR_DEPTH)}


def _calendar_notes(run: CaseRun) -> list[str]:
    fetched = {path for _, path in run.site.requests if path.startswith("/calendar/")}
    beyond = sorted(fetched - set(_calendar_paths()))
    return [f"calendar pages fetched: {len(fetched)} (expected {len(_calendar_paths())} for max_depth="
            f"{CALENDAR_DEPTH}); beyond the depth limit: {beyond[:5] or 'none'}"]


def _big_index_notes(run: CaseRun) -> list[str]:
    index = run.site.requested("/big/index.xml")
    children = [(at, path) for at, path in run.site.requests if path.startswith("/big/sitemap-")]
    accounted = {o["url"] for o in run.crawl.outcomes}
    reason = re.search(r"'finish_reason': '([^']+)'", run.crawl.stats)
    notes = [f"child sitemaps listed: {BIG_INDEX_COUNT:,}, fetched: {len(children):,}, with an outcome line: "
             f"{sum(1 for _, path in children if run.base + path in accounted):,}; finish_reason: "
             f"{reason.group(1) if reason else 'unknown'}"]
    if index and len(children) > 1:
        first, last = children[0][0], children[-1][0]
        notes.append(f"first child fetched {first - index[0]:.1f} s after the index; then "
                     f"{len(children) / max(last - first, 0.001):.0f} children/s")
    return notes


def _outcome_urls(run: CaseRun, prefix: str) -> list[str]:
    """Which URLs the outcome lines name, for redirects (the asked-for URL or a later hop)."""
    lines = [f"{o['url'].removeprefix(run.base)} {o['outcome']} ({o.get('reason', '')})"
             for o in run.crawl.outcomes if o["url"].startswith(run.base + prefix)]
    return [f"outcome lines name: {lines}"]


def _unexpected_requests(run: CaseRun, expected: tuple[str, ...]) -> list[str]:
    """Paths the crawler asked for that the document did not honestly list (e.g. an unexpanded entity)."""
    extra = sorted({path for _, path in run.site.requests} - set(expected) - {"/robots.txt"})
    return [f"also fetched: {extra}"] if extra else []


CASES: tuple[FaultCase, ...] = (
    _one_article("http-500-twice-then-200", "http-500", "/fault/500-twice.html",
                 "500, 500, then 200: the second retry (RETRY_TIMES=2) gets the article.",
                 notes=lambda run: _retry_times(run, "/fault/500-twice.html")),
    _one_article("http-502-once-then-200", "http-502", "/fault/502-once.html",
                 "502 then 200: one retry gets the article."),
    _no_article("http-503-always", "http-503", "/fault/503-always.html",
                "503 every time: retried, then recorded as http-error 503; no article."),
    _one_article("http-429-retry-after", "http-429", "/fault/429.html",
                 "429 with Retry-After: 1, and 429 again to anyone back sooner: a crawler that waits the "
                 "second the server asked for gets the article.",
                 notes=lambda run: _retry_times(run, "/fault/429.html")),
    _one_article("connection-reset-once", "reset", "/fault/reset-once.html",
                 "TCP reset before any answer, then 200: a retry gets the article."),
    _no_article("connection-reset-always", "reset", "/fault/reset-always.html",
                "TCP reset every time: retried, then network-error; no article."),
    _no_article("stall-past-timeout", "stall", "/fault/stall.html",
                "No answer for 5 s (DOWNLOAD_TIMEOUT=2): three timed-out attempts, then network-error."),
    _no_article("truncated-body", "truncated", "/fault/truncated.html",
                "Half the declared Content-Length, then the connection closes: data loss is an error "
                "(network-error), never a half article."),
    _one_article("slow-drip", "drip", "/fault/drip.html",
                 "The article in 6 pieces 0.2 s apart (done in about 1 s, under the 2 s timeout): an article."),
    FaultCase(name="redirect-301-to-article", fault="redirect", arguments=_urls("/fault/moved.html"),
              urls=("/fault/moved.html",), articles=("/fault/moved-here.html",),
              expectation="Control for the redirect faults: one 301 to an article. The article is written "
                          "(under its final URL) and the asked-for URL has an outcome line.",
              notes=lambda run: _outcome_urls(run, "/fault/moved")),
    _no_article("redirect-loop", "redirect-loop", "/fault/loop-a",
                "/fault/loop-a -> /fault/loop-b -> /fault/loop-a: the loop ends and the asked-for URL gets an "
                "outcome line; no article.", notes=lambda run: _outcome_urls(run, "/fault/loop-")),
    _no_article("redirect-chain-30", "redirect-chain", "/fault/chain/0",
                "30 redirect hops, more than REDIRECT_MAX_TIMES (20): given up, and the asked-for URL "
                "(/fault/chain/0) gets an outcome line; no article.",
                notes=lambda run: _outcome_urls(run, "/fault/chain/")),
    _one_article("content-type-text-plain", "content-type", "/fault/text-plain.html",
                 "An HTML article served as text/plain: the body is unmistakably HTML (doctype), so it is "
                 "cleaned into an article, as browsers' sniffing and mislabelling servers make common."),
    _one_article("content-type-octet-stream", "content-type", "/fault/octet-stream.html",
                 "An HTML article served as application/octet-stream: sniffed and cleaned into an article."),
    _one_article("content-type-missing", "content-type", "/fault/no-content-type.html",
                 "An HTML article with no Content-Type header: sniffed and cleaned into an article."),
    _no_article("binary-png-as-html", "binary", "/fault/png.html",
                "PNG bytes served as text/html: recorded (cleaning-error binary); no article."),
    _no_article("gzip-bomb", "gzip-bomb", "/fault/gzip-bomb.html",
                "1.1 MB of gzip that inflates past 1 GB: decompression stops at DOWNLOAD_MAXSIZE (16 MiB) and "
                "the URL is recorded; no article, no memory blow-up.", prepare=gzip_bomb_body),
    _no_article("huge-50mb-sized", "huge", "/fault/huge.html",
                "A 50 MB page with its Content-Length: refused at the header (over 16 MiB) and recorded."),
    _no_article("huge-50mb-unsized", "huge", "/fault/huge-unsized.html",
                "A 50 MB page without Content-Length: cut off at 16 MiB while streaming, and recorded."),
    _one_article("wrong-charset", "wrong-charset", "/fault/wrong-charset.html",
                 "UTF-8 bytes declared ISO-8859-1 (header and meta): an article (text quality in the notes).",
                 notes=_charset_notes),
    FaultCase(name="xml-bomb-sitemap", fault="xml-bomb", arguments={"sitemaps": "{base}/fault/laughs-sitemap.xml"},
              urls=("/fault/laughs-sitemap.xml", "/news/11.html"), articles=("/news/11.html",),
              expectation="A urlset with a billion-laughs DTD: entities are not expanded, the sitemap is "
                          "recorded and its one honest URL becomes an article.",
              notes=lambda run: _unexpected_requests(run, ("/fault/laughs-sitemap.xml", "/news/11.html"))),
    FaultCase(name="xml-bomb-feed", fault="xml-bomb", arguments={"feeds": "{base}/fault/laughs-feed.xml"},
              urls=("/fault/laughs-feed.xml", "/news/12.html"), articles=("/news/12.html",),
              expectation="An RSS feed with a billion-laughs DTD: entities are not expanded, the feed is "
                          "recorded and its one honest item becomes an article.",
              notes=lambda run: _unexpected_requests(run, ("/fault/laughs-feed.xml", "/news/12.html"))),
    FaultCase(name="sitemap-index-100k", fault="big-index", arguments={"sitemaps": "{base}/big/index.xml"},
              urls=("/big/index.xml",), fetched_accounted=True, must_fetch=("/big/sitemap-", 1000), slow=True,
              settings={"CLOSESPIDER_TIMEOUT": str(BIG_INDEX_SECONDS)}, time_limit=BIG_INDEX_SECONDS + 60,
              expectation=f"A sitemap index naming {BIG_INDEX_COUNT:,} child sitemaps (each a quick 404). "
                          f"Fetching them all takes several minutes, so the crawl is stopped by its own "
                          f"CLOSESPIDER_TIMEOUT={BIG_INDEX_SECONDS} and must then: exit 0 within "
                          f"{BIG_INDEX_SECONDS + 60} s, have recorded the index, have fetched at least 1,000 "
                          "children, and have an outcome line for every child it fetched (including those in "
                          "flight when it stopped).", notes=_big_index_notes),
    FaultCase(name="calendar-trap", fault="calendar-trap",
              arguments=_CALENDAR_CRAWL,
              settings={"ARTICLE_THRESHOLD": "0.3"}, urls=_calendar_paths(), fetched_accounted=True,
              expectation=f"Months linking to the months either side, forever: with max_depth={CALENDAR_DEPTH} "
                          f"the crawl stops after the {len(_calendar_paths())} months within 3 links of the "
                          "start, each recorded (not-article, at the threshold advised for a plain site: "
                          "at the default a month of day numbers is a toss-up).", notes=_calendar_notes),
    FaultCase(name="learned-boilerplate", fault="calendar-trap",
              arguments=_CALENDAR_CRAWL,
              settings={"ARTICLE_THRESHOLD": "0"}, urls=_calendar_paths(), fetched_accounted=True,
              expectation="The same months, kept as articles (ARTICLE_THRESHOLD=0): lines they share are "
                          "learned as the site's boilerplate and dropped from the later ones, and every "
                          "month still gets its outcome line (article, or duplicate of one collected).",
              notes=_calendar_notes),
)


# -- running one case -----------------------------------------------------------------------------


def _arguments(case: FaultCase, base: str) -> dict[str, str]:
    return {key: value.replace("{base}", base) for key, value in case.arguments.items()}


def _crawl(case: FaultCase, base: str, out: Path) -> tuple[CrawlResult, bool]:
    """The crawl's result and whether it was killed at the time limit (then read from what it wrote)."""
    settings = {**SETTINGS, "LEARNED_RULES_FILE": str(out / "learned-rules.toml"), **case.settings}
    try:
        return run_crawl(out, _arguments(case, base), settings, overwrite=True, timeout=case.time_limit), False
    except subprocess.TimeoutExpired as expired:
        log = expired.stderr.decode("utf-8", "replace") if isinstance(expired.stderr, bytes) else expired.stderr
        return CrawlResult(-1, log or "", read_jsonl(out / "articles.jsonl"), read_jsonl(out / "outcomes.jsonl"),
                           ""), True


def tracebacks(log: str) -> list[str]:
    """Each Traceback in the log, with the line before it (which says what failed)."""
    lines = log.splitlines()
    found = []
    for number, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            found.append("\n".join(lines[max(number - 1, 0):number + 25]))
    return found


def duplicates(articles: list[dict[str, Any]]) -> list[str]:
    """URLs or canonical URLs that more than one written article carries."""
    repeated = []
    for key in ("url", "canonicalUrl"):
        counts = Counter(a.get(key) for a in articles if a.get(key))
        repeated += [f"{key} {value} written {count} times" for value, count in counts.items() if count > 1]
    return repeated


def _expected_urls(case: FaultCase, site: FaultSite, base: str) -> list[str]:
    paths = list(case.urls)
    if case.fetched_accounted:
        paths += [path for _, path in site.requests if path != "/robots.txt"]
    return list(dict.fromkeys(base + path for path in paths))


def _missing(case: FaultCase, site: FaultSite, expected: list[str], crawl: CrawlResult) -> list[str]:
    """Expected URLs without an outcome line, and a marker when the crawl made too little progress."""
    accounted = {o["url"] for o in crawl.outcomes}
    missing = [url for url in expected if url not in accounted]
    if case.must_fetch:
        prefix, least = case.must_fetch
        fetched = sum(1 for _, path in site.requests if path.startswith(prefix))
        if fetched < least:
            missing.append(f"(only {fetched} URLs under {prefix} fetched; expected at least {least})")
    return missing


def _log_excerpt(log: str, limit: int = 30) -> list[str]:
    keep = [line for line in log.splitlines()
            if re.search(r"\b(ERROR|WARNING|CRITICAL)\b|Traceback|Error\b|finish_reason", line)]
    return keep[:limit]


def _evidence(case: FaultCase, site: FaultSite, base: str, crawl: CrawlResult, expected: list[str]) -> dict[str, Any]:
    wanted = set(expected[:50]) | {base + p for p in case.urls}
    first = [o for o in crawl.outcomes if o["url"] in wanted] + [o for o in crawl.outcomes if o["url"] not in wanted]
    return {
        "outcome_lines": first[:30],
        "outcome_lines_total": len(crawl.outcomes),
        "server_requests": [f"+{at:.3f}s {path}" for at, path in site.requests[:40]],
        "server_requests_total": len(site.requests),
        "log_excerpt": _log_excerpt(crawl.log),
        "articles_written": [a.get("url") for a in crawl.articles][:20],
    }


def run_case(case: FaultCase, workdir: Path) -> FaultResult:
    """Crawl ``case`` against a fresh fault server into ``workdir`` and judge the result."""
    if case.prepare is not None:
        case.prepare()
    with serving_faults() as (site, base):
        started = time.monotonic()
        crawl, timed_out = _crawl(case, base, workdir)
        seconds = time.monotonic() - started
        expected = _expected_urls(case, site, base)
        written = {a.get("url") for a in crawl.articles}
        wanted_articles = [base + path for path in case.articles]
        notes = case.notes(CaseRun(site, base, crawl)) if case.notes else []
        return FaultResult(
            case=case.name, expectation=case.expectation, injected=site.injected[case.fault],
            exit_code=None if timed_out else crawl.returncode, time_limit=case.time_limit,
            tracebacks=tracebacks(crawl.log), expected_urls=expected,
            missing_urls=_missing(case, site, expected, crawl),
            expected_articles=wanted_articles, lost=[url for url in wanted_articles if url not in written],
            duplicates=duplicates(crawl.articles), outcomes=dict(Counter(o["outcome"] for o in crawl.outcomes)),
            seconds=round(seconds, 1), notes=notes, evidence=_evidence(case, site, base, crawl, expected))


def run_cases(cases: Sequence[FaultCase], progress: bool = True) -> list[FaultResult]:
    results = []
    for case in cases:
        with tempfile.TemporaryDirectory(prefix=f"fault-{case.name}-") as folder:
            result = run_case(case, Path(folder))
        if progress:
            print(f"{case.name}: {'pass' if result.passed else 'FAIL'} ({result.seconds} s)", file=sys.stderr)
        results.append(result)
    return results


# -- the report ----------------------------------------------------------------------------------


def _survived_cell(result: FaultResult) -> str:
    if result.exit_code is None:
        return f"NO (killed at {result.time_limit:.0f} s)"
    if result.exit_code != result.expected_exit_code:
        return f"NO (exit {result.exit_code}, expected {result.expected_exit_code})"
    return "NO (traceback)" if result.tracebacks else "yes"


def _row(result: FaultResult) -> str:
    injected = f"yes ({result.injected}×)" if result.injected else "NO"
    found = sum(1 for url in result.expected_urls if url not in result.missing_urls)
    accounted = f"{found}/{len(result.expected_urls)}" + ("" if not result.missing_urls else " ✗")
    lost = f"{len(result.lost)} of {len(result.expected_articles)}" + (" ✗" if result.lost else "")
    seen = ", ".join(f"{kind}×{count}" for kind, count in sorted(result.outcomes.items())) or "none"
    cells = [result.case, injected, _survived_cell(result), accounted, lost,
             str(len(result.duplicates)) + (" ✗" if result.duplicates else ""), seen, f"{result.seconds}"]
    return "| " + " | ".join(cells) + " |"


def table(results: Sequence[FaultResult]) -> str:
    header = ["fault", "injected", "survived", "URLs accounted for", "items lost", "duplicates",
              "outcome(s) seen", "seconds"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + [_row(result) for result in results])


def _failure_details(result: FaultResult) -> list[str]:
    lines = [f"### {result.case}", f"Expected: {result.expectation}"]
    if not result.injected:
        lines.append("- the fault was never delivered (the crawler did not ask for it)")
    if not result.survived:
        lines.append(f"- did not survive: {_survived_cell(result)}")
    if result.missing_urls:
        lines.append(f"- no outcome line for {len(result.missing_urls)} URL(s): {result.missing_urls[:10]}")
    if result.lost:
        lines.append(f"- articles lost: {result.lost}")
    if result.duplicates:
        lines.append(f"- duplicates: {result.duplicates}")
    lines += [f"- note: {note}" for note in result.notes]
    evidence = result.evidence
    lines.append(f"- outcome lines ({evidence['outcome_lines_total']} in all; those for expected URLs first):")
    lines += [f"    {json.dumps(line)}" for line in evidence["outcome_lines"][:15]]
    lines.append(f"- server requests ({evidence['server_requests_total']} in all):")
    lines += [f"    {line}" for line in evidence["server_requests"][:15]]
    lines.append("- log excerpt:")
    lines += [f"    {line}" for line in evidence["log_excerpt"][:20]]
    lines += [f"    {line}" for block in result.tracebacks[:2] for line in block.splitlines()]
    return lines


def report(results: Sequence[FaultResult]) -> str:
    """The table, every case's notes, then the evidence for each case that did not pass."""
    parts = [table(results)]
    notes = [f"- {r.case}: {note}" for r in results for note in r.notes]
    if notes:
        parts.append("Notes:\n" + "\n".join(notes))
    for result in results:
        if not result.passed:
            parts.append("\n".join(_failure_details(result)))
    passed = sum(r.passed for r in results)
    parts.append(f"{passed}/{len(results)} fault cases passed.")
    return "\n\n".join(parts)


def selected(quick: bool, only: Sequence[str] = ()) -> list[FaultCase]:
    unknown = set(only) - {case.name for case in CASES}
    if unknown:
        raise SystemExit(f"unknown fault case(s): {sorted(unknown)}; known: {[c.name for c in CASES]}")
    return [case for case in CASES if (not only or case.name in only) and not (quick and case.slow)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fault_suite", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the slow cases: "
                        + ", ".join(case.name for case in CASES if case.slow))
    parser.add_argument("--json", type=Path, help="also write every result, with its evidence, to this file")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this case")
    options = parser.parse_args(argv)
    results = run_cases(selected(options.quick, options.only))
    print(report(results))
    if options.json:
        options.json.write_text(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False), "utf-8")
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
