"""Kill the crawl with SIGKILL at random moments and resume it with the same JOBDIR and output,
until it finishes, in every input mode: every article must end in the JSONL exactly once, with no
torn or invalid line, and no process of a killed crawl (its cleaning workers included) may outlive
it by more than 5 seconds.

Only the crawl's own process is killed, as ``kill -9 PID`` or the kernel's OOM killer would; its
workers must notice by themselves. Kills land after a random number of written articles, or at a
random time from the start (the first seconds included, before Scrapy has even opened the spider).

``python -m tests.kill_resume [--trials 20] [--seed 1] [--modes urls,follow,...]`` prints one line
per trial and exits 1 on any loss, repeat, invalid line or surviving process; the tests run a
shorter loop of the same trials.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import attrs

from cleaners.read.warc_reader import read_warc
from cleaners.write.warc_writer import OPEN_SUFFIX
from tests.crawling import ROOT, crawl_command, crawl_environment
from tests.sites.server import Route, Site, serving
from tests.sites.small import article_page, published

ARTICLES = 30
SECTIONS = 3
PAGE_DELAY = 0.2
MAX_KILLS = 3
ORPHAN_GRACE = 5.0
MODES = ("urls", "follow", "feeds", "sitemaps", "site", "sites")


@attrs.frozen
class TrialResult:
    mode: str
    kills: int
    articles: int
    lost: int
    duplicates: int
    invalid_lines: int
    orphans: int
    """Processes of a killed crawl still running ``ORPHAN_GRACE`` seconds after the kill."""
    archive_faults: int
    """WARC files left unfinished or holding an unreadable record, and articles whose response is
    not in the archive."""

    @property
    def passed(self) -> bool:
        return (self.lost, self.duplicates, self.invalid_lines, self.orphans, self.archive_faults) == (0, 0, 0, 0, 0)


def article_urls(base: str) -> list[str]:
    return [f"{base}/news/{n}.html" for n in range(1, ARTICLES + 1)]


def _links_page(title: str, links: list[str], head: str = "") -> str:
    items = "".join(f"<li><a href='{href}'>Read the story at {href}</a></li>" for href in links)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><h1>{title}</h1><ul>{items}</ul></body></html>")


def build_site(site: Site, base: str) -> None:
    """A home page linking to sections that link to the articles (follow mode), an RSS feed the home
    page announces, a sitemap robots.txt names, and slow article pages, so a crawl lasts a few
    seconds and can be killed anywhere in it."""
    urls = article_urls(base)
    per_section = -(-ARTICLES // SECTIONS)
    sections = [f"/section/{s}.html" for s in range(1, SECTIONS + 1)]
    site.add("/", _links_page("Kill Gazette", sections,
                              head="<link rel='alternate' type='application/rss+xml' href='/rss.xml'>"))
    for number, path in enumerate(sections):
        site.add(path, _links_page(f"Section {number + 1}", urls[number * per_section:(number + 1) * per_section]))
    items = "".join(f"<item><title>Part {n}</title><link>{url}</link>"
                    f"<pubDate>{published(1 + n % 28).strftime('%a, %d %b %Y')} 09:00:00 +0000</pubDate></item>"
                    for n, url in enumerate(urls, 1))
    site.add("/rss.xml", f"<?xml version='1.0'?><rss version='2.0'><channel><title>KG</title>{items}</channel></rss>",
             content_type="application/rss+xml")
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    site.add("/sitemap.xml", f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>",
             content_type="application/xml")
    site.add("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n", content_type="text/plain")
    for number in range(1, ARTICLES + 1):
        site.routes[f"/news/{number}.html"] = Route(body=article_page(base, number).encode(), delay=PAGE_DELAY)


def mode_arguments(mode: str, base: str, folder: Path) -> dict[str, str]:
    """The spider arguments of one input mode, all reaching the same 30 articles."""
    if mode == "urls":
        return {"urls": ",".join(article_urls(base))}
    if mode == "follow":
        return {"urls": f"{base}/", "follow": "true", "max_depth": "2"}
    if mode == "feeds":
        return {"feeds": f"{base}/rss.xml"}
    if mode == "sitemaps":
        return {"sitemaps": f"{base}/sitemap.xml"}
    if mode == "site":
        return {"site": f"{base}/"}
    if mode == "sites":
        sites = folder / "sites.toml"
        sites.write_text(f'[[site]]\nsite = "{base}/"\nfollow = true\nmax_depth = 2\n', encoding="utf-8")
        return {"sites": str(sites)}
    raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")


def _command(out: Path, arguments: dict[str, str]) -> list[str]:
    return crawl_command(out, arguments, {"JOBDIR": str(out / "job"), "CONCURRENT_REQUESTS": "4",
                                          "LOG_LEVEL": "WARNING"})


def lines_written(path: Path) -> int:
    """Lines written so far (a crawl's start-up check may create and remove the file meanwhile)."""
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def session_processes(session: int) -> list[int]:
    """Live (not zombie) processes of a session: a crawl started with ``start_new_session`` and
    everything it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _wait_for_no_processes(session: int, grace: float) -> int:
    """How many processes of the session are still alive after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while (alive := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(alive)


@attrs.frozen
class Kill:
    """When to kill a run: after ``lines`` more articles plus ``pause`` seconds, or, with ``lines``
    None, ``pause`` seconds after it started."""

    lines: int | None
    pause: float

    @classmethod
    def random(cls, rng: random.Random) -> Kill:
        if rng.random() < 0.4:
            return cls(None, rng.uniform(0.2, 4.0))
        return cls(rng.randint(0, 8), rng.uniform(0.0, 0.4))


def _run(command: list[str], output: Path, kill: Kill | None) -> tuple[bool, int]:
    """Run the crawl, SIGKILL its process at ``kill``; (whether it was killed, processes of it still
    alive ``ORPHAN_GRACE`` seconds after the kill). The survivors are then killed, so one failed
    trial does not spill into the next."""
    before = lines_written(output)
    process = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    started = time.monotonic()
    deadline = started + 300
    while kill is not None and process.poll() is None and time.monotonic() < deadline:
        due = (time.monotonic() - started >= kill.pause if kill.lines is None
               else lines_written(output) - before >= kill.lines)
        if due:
            if kill.lines is not None:
                time.sleep(kill.pause)
            if process.poll() is not None:
                break
            process.kill()
            process.wait()
            orphans = _wait_for_no_processes(process.pid, ORPHAN_GRACE)
            if orphans:
                os.killpg(process.pid, signal.SIGKILL)
            return True, orphans
        time.sleep(0.02)
    process.wait(timeout=max(1.0, deadline - time.monotonic()))
    return False, 0


def check_output(path: Path, expected: set[str]) -> tuple[int, int, int, int]:
    """(articles, lost, duplicates, invalid lines) of a JSONL output."""
    urls: Counter[str] = Counter()
    invalid = 0
    for line in path.read_text("utf-8").splitlines() if path.exists() else []:
        try:
            urls[json.loads(line)["url"]] += 1
        except (ValueError, KeyError, TypeError):
            invalid += 1
    return sum(urls.values()), len(expected - set(urls)), sum(n - 1 for n in urls.values() if n > 1), invalid


def _invalid_lines(path: Path) -> int:
    invalid = 0
    for line in path.read_text("utf-8").splitlines() if path.exists() else []:
        try:
            json.loads(line)
        except ValueError:
            invalid += 1
    return invalid


def archive_faults(folder: Path, output: Path) -> int:
    """Unfinished WARC files, unreadable records, and articles with no archived response."""
    faults = len(list(folder.glob(f"*{OPEN_SUFFIX}")))
    archived = set()
    for path in folder.glob("*.warc.gz"):
        for item in read_warc(path, 50_000_000):
            faults += item.error is not None
            if item.page is not None:
                archived.add(item.url)
    lines = output.read_text("utf-8").splitlines() if output.exists() else []
    return faults + len({json.loads(line)["url"] for line in lines} - archived)


def trial(mode: str, base: str, rng: random.Random) -> TrialResult:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        command = _command(out, mode_arguments(mode, base, out))
        output = out / "articles.jsonl"
        kills = orphans = 0
        for _ in range(rng.randint(1, MAX_KILLS)):
            killed, left = _run(command, output, Kill.random(rng))
            kills += killed
            orphans += left
        _run(command, output, kill=None)
        articles, lost, duplicates, invalid = check_output(output, set(article_urls(base)))
        invalid += _invalid_lines(out / "outcomes.jsonl")
        return TrialResult(mode, kills, articles, lost, duplicates, invalid, orphans,
                           archive_faults(out / "warc", output))


def run_trials(trials: int, seed: int, modes: tuple[str, ...] = MODES) -> list[TrialResult]:
    """``trials`` trials of each mode; each mode draws its kills from its own seeded generator."""
    site = Site()
    with serving(site) as base:
        build_site(site, base)
        results = []
        for mode in modes:
            rng = random.Random(f"{seed}:{mode}")
            results += [trial(mode, base, rng) for _ in range(trials)]
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.kill_resume", description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="trials per input mode (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    args = parser.parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown mode(s) {sorted(unknown)}")
    started = time.monotonic()
    results = []
    for mode in modes:
        for number, result in enumerate(run_trials(args.trials, args.seed, (mode,)), 1):
            results.append(result)
            print(f"{mode} trial {number}: {result.kills} kills, {result.articles} articles, lost {result.lost}, "
                  f"duplicates {result.duplicates}, invalid lines {result.invalid_lines}, "
                  f"surviving processes {result.orphans}, archive faults {result.archive_faults}: "
                  f"{'ok' if result.passed else 'FAILED'}", flush=True)
    failed = sum(not r.passed for r in results)
    print(f"{len(results) - failed} passed, {failed} failed ({time.monotonic() - started:.0f} s, "
          f"{sum(r.kills for r in results)} kills, {len(modes)} modes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
