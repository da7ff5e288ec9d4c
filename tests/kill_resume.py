"""Kill the crawl with SIGKILL at random moments and resume it with the same JOBDIR and output,
until it finishes: every article must end in the JSONL exactly once, with no torn or invalid line.

``python -m tests.kill_resume [--trials 20] [--seed 1]`` prints one line per trial and exits 1 on
any loss, duplicate or invalid line. The tests run a shorter loop.
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

from tests.crawling import ROOT, crawl_command, crawl_environment
from tests.sites.server import Route, Site, serving
from tests.sites.small import article_page

ARTICLES = 30
PAGE_DELAY = 0.2
MAX_KILLS = 3


@attrs.frozen
class TrialResult:
    kills: int
    articles: int
    lost: int
    duplicates: int
    invalid_lines: int

    @property
    def passed(self) -> bool:
        return self.lost == 0 and self.duplicates == 0 and self.invalid_lines == 0


def build_site(site: Site, base: str) -> None:
    urls = "".join(f"<url><loc>{base}/news/{n}.html</loc></url>" for n in range(1, ARTICLES + 1))
    site.add("/sitemap.xml", f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>",
             content_type="application/xml")
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    for number in range(1, ARTICLES + 1):
        site.routes[f"/news/{number}.html"] = Route(body=article_page(base, number).encode(), delay=PAGE_DELAY)


def _command(out: Path, base: str) -> list[str]:
    return crawl_command(out, {"sitemaps": f"{base}/sitemap.xml"},
                         {"JOBDIR": str(out / "job"), "CONCURRENT_REQUESTS": "4", "LOG_LEVEL": "WARNING"})


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _run(command: list[str], output: Path, kill: tuple[int, float] | None) -> bool:
    """Run the crawl. With ``kill = (n, s)``: once the output holds ``n`` more lines than at the
    start, wait ``s`` seconds and SIGKILL the whole process group (crawler and cleaning workers),
    so kills land at random moments of a running crawl. True if it was killed."""
    before = _lines(output)
    process = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while kill is not None and process.poll() is None and time.monotonic() < deadline:
        if _lines(output) - before >= kill[0]:
            time.sleep(kill[1])
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return True
        time.sleep(0.02)
    process.wait(timeout=max(1.0, deadline - time.monotonic()))
    return False


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


def trial(base: str, rng: random.Random) -> TrialResult:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        command = _command(out, base)
        kills = 0
        output = out / "articles.jsonl"
        for _ in range(rng.randint(1, MAX_KILLS)):
            kills += _run(command, output, kill=(rng.randint(0, 8), rng.uniform(0.0, 0.4)))
        _run(command, output, kill=None)
        expected = {f"{base}/news/{n}.html" for n in range(1, ARTICLES + 1)}
        return TrialResult(kills, *check_output(out / "articles.jsonl", expected))


def run_trials(trials: int, seed: int) -> list[TrialResult]:
    rng = random.Random(seed)
    site = Site()
    with serving(site) as base:
        build_site(site, base)
        return [trial(base, rng) for _ in range(trials)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.kill_resume", description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = run_trials(args.trials, args.seed)
    for number, result in enumerate(results, 1):
        print(f"trial {number}: {result.kills} kills, {result.articles} articles, lost {result.lost}, "
              f"duplicates {result.duplicates}, invalid lines {result.invalid_lines}: "
              f"{'ok' if result.passed else 'FAILED'}")
    failed = sum(not r.passed for r in results)
    print(f"{len(results) - failed} passed, {failed} failed ({time.monotonic() - started:.0f} s, "
          f"{sum(r.kills for r in results)} kills)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
