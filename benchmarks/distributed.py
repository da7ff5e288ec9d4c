"""The shared frontier's cost and scaling: ``python -m benchmarks.distributed``.

Three measurements, each with its own ``redis-server`` on a loopback port (Debian's package):

1. **Overhead.** One worker on Redis against the local scheduler, cleaning off (pages handed over
   uncleaned, as in ``benchmarks.crawl_speed``), on ``--pages`` distinct pages served at once:
   pages per second of each, and the Redis run's loss (target: at most 10%).
2. **Scaling.** 1, 2 and 4 workers on a site that answers each page after 100 ms, with
   ``CONCURRENT_REQUESTS=8`` per worker and cleaning off, so the machine's two cores measure the
   shared frontier and not the cleaner: cluster pages per second in the steady part of the crawl
   (from 10% to 90% of the pages served), and the ratio to one worker (targets: 1.9x and 3.6x).
3. **Redis memory.** ``used_memory`` for 1,000,000 queued requests, and for 1,000,000 seen URLs in
   the exact filter and in the Bloom filter, fingerprints inserted directly.

One markdown table each; ``--json FILE`` keeps every figure; ``--only overhead|scaling|memory``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import redis
from scrapy.http import Request
from scrapy.settings import Settings

from benchmarks.crawl_growth import GeneratedRoutes, fill_site
from benchmarks.crawl_speed import NO_CLEANING, TimedRequests
from crawler.cluster.filters import BloomRequestFilter, bloom_size, positions
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.queue import LeasedPriorityQueue
from tests.crawling import ROOT, crawl_command, crawl_environment
from tests.redis_server import redis_server
from tests.sites.server import Route, Site, serving

# Cleaning and the WARC archive off: what is measured is the frontier's own cost.
FAST = {"AUTOTHROTTLE_ENABLED": "false", "DOWNLOAD_DELAY": "0", "LOG_LEVEL": "WARNING", "MAX_PAGES_PER_SITE": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "64", "MAX_IDLE_TIME_BEFORE_CLOSE": "1", "WARC_DIR": "", **NO_CLEANING}
MILLION = 1_000_000


class SlowRoutes(GeneratedRoutes):
    """The generated site, each article answered after ``delay`` seconds."""

    def __init__(self, base: str, pages: int, delay: float) -> None:
        super().__init__(base, pages)
        self.delay = delay

    def get(self, path: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        route = super().get(path, default)
        if route is not None and path.startswith("/a/"):
            return Route(body=route.body, content_type=route.content_type, delay=self.delay)
        return route


def _site(pages: int, delay: float) -> tuple[Site, Any]:
    site = Site()
    site.requests = TimedRequests()
    return site, lambda base: _fill(site, base, pages, delay)


def _fill(site: Site, base: str, pages: int, delay: float) -> None:
    fill_site(site, base, pages)
    slow = SlowRoutes(base, pages, delay)
    slow.update(site.routes)
    site.routes = slow


def _crawl(workers: int, base: str, folder: Path, settings: dict[str, str]) -> float:
    """Run ``workers`` crawls of the site at once; seconds until the last ends."""
    started = time.monotonic()
    processes = []
    for number in range(workers):
        command = crawl_command(folder / f"worker-{number}", {"sitemaps": f"{base}/sitemap.xml"},
                                {**FAST, **settings, "REDIS_WORKER_NAME": f"worker-{number}"}, overwrite=True)
        processes.append(subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
    codes = [process.wait(timeout=1800) for process in processes]
    if any(code not in (0, 1) for code in codes):
        raise RuntimeError(f"a worker failed: exit statuses {codes}")
    return time.monotonic() - started


def _steady_rate(site: Site, pages: int) -> float:
    """Article pages served per second between 10% and 90% of them."""
    times = sorted(moment for moment, path in site.requests.times if path.startswith("/a/"))
    first, last = times[len(times) // 10], times[len(times) * 9 // 10]
    return (len(times) * 8 // 10) / max(last - first, 1e-9) if len(times) >= pages else 0.0


def overhead(pages: int, rounds: int = 3) -> dict[str, Any]:
    """Local and Redis runs alternate, ``rounds`` of each; the medians are compared (one run's rate
    moves by 10-20% with whatever else the two cores do)."""
    rates: dict[str, list[float]] = {"local": [], "redis": []}
    for _ in range(rounds):
        for name in rates:
            site, fill = _site(pages, 0.0)
            with serving(site) as base, redis_server() as server, tempfile.TemporaryDirectory() as folder:
                fill(base)
                settings = {"CONCURRENT_REQUESTS": "32", **({"REDIS_URL": server.url} if name == "redis" else {})}
                _crawl(1, base, Path(folder), settings)
                rates[name].append(_steady_rate(site, pages))
    local, shared = statistics.median(rates["local"]), statistics.median(rates["redis"])
    return {"pages": pages, "runs": rates, "local_pages_per_s": local, "redis_pages_per_s": shared,
            "loss": 1 - shared / local}


def scaling(pages: int) -> dict[str, Any]:
    rates = {}
    for workers in (1, 2, 4):
        site, fill = _site(pages, 0.1)
        with serving(site) as base, redis_server() as server, tempfile.TemporaryDirectory() as folder:
            fill(base)
            _crawl(workers, base, Path(folder), {"REDIS_URL": server.url, "CONCURRENT_REQUESTS": "8"})
            rates[workers] = _steady_rate(site, pages)
    return {"pages": pages, "pages_per_s": rates, "speedup": {n: rates[n] / rates[1] for n in rates}}


def _used_memory(client: redis.Redis) -> int:
    return int(client.info("memory")["used_memory"])


def memory(count: int = MILLION) -> dict[str, Any]:
    figures: dict[str, Any] = {"urls": count}
    fingerprints = (hashlib.sha1(f"https://news.example/{n}".encode()).digest()[:16] for n in range(count))
    with redis_server() as server:
        client = redis.Redis.from_url(server.url)
        before = _used_memory(client)
        batch: list[bytes] = []
        for fingerprint in fingerprints:
            batch.append(fingerprint)
            if len(batch) == 10_000:
                client.sadd("bench:exact", *batch)
                batch.clear()
        if batch:
            client.sadd("bench:exact", *batch)
        figures["exact_bytes_per_url"] = (_used_memory(client) - before) / count
    for capacity in (count, 100 * MILLION):
        bits, hashes = bloom_size(capacity, 0.001)
        figures[f"bloom_{capacity}_bytes_per_url"] = bits / 8 / count
        figures[f"bloom_{capacity}_hashes"] = hashes
    with redis_server() as server:  # the Bloom filter's real footprint, sized for the count
        client = redis.Redis.from_url(server.url)
        before = _used_memory(client)
        crawler = SimpleNamespace(settings=Settings({"BLOOM_CAPACITY": count, "BLOOM_ERROR_RATE": 0.001}),
                                  request_fingerprinter=None)
        bloom = BloomRequestFilter(client, "bench", crawler)
        pipe = client.pipeline(transaction=False)
        for number in range(count):
            fingerprint = hashlib.sha1(f"https://news.example/{number}".encode()).digest()[:16]
            bloom._test_and_set(keys=[bloom.key], args=positions(fingerprint, bloom.bits, bloom.hashes), client=pipe)
            if number % 10_000 == 9_999:
                pipe.execute()
        pipe.execute()
        figures["bloom_measured_bytes_per_url"] = (_used_memory(client) - before) / count
    with redis_server() as server:
        client = redis.Redis.from_url(server.url)
        before = _used_memory(client)
        keys = ClusterKeys("bench:news")
        queue = LeasedPriorityQueue(client, SimpleNamespace(name="news"), keys.queue, keys=keys, worker="bench",
                                    lease_seconds=60)
        pipe = client.pipeline(transaction=False)
        for number in range(count):
            entry = Request(f"https://news.example/2024/01/{number}.html",
                            meta={"newsclean_site": 0, "newsclean_depth": 2, "newsclean_listing": False}).to_dict()
            entry |= {"callback": "parse_page", "errback": "failed"}
            queue._push(keys=queue._push_keys(None), args=[0, pickle.dumps(entry, protocol=-1), "", b""], client=pipe)
            if number % 10_000 == 9_999:
                pipe.execute()
        pipe.execute()
        figures["queued_bytes_per_request"] = (_used_memory(client) - before) / count
    return figures


def report(results: dict[str, Any]) -> str:
    lines = []
    if over := results.get("overhead"):
        runs = {name: " / ".join(f"{rate:.0f}" for rate in rates) for name, rates in over["runs"].items()}
        lines += ["| run (one worker, cleaning off) | pages | pages/s, median | each run |", "|---|---:|---:|---|",
                  f"| local scheduler | {over['pages']} | {over['local_pages_per_s']:.0f} | {runs['local']} |",
                  f"| Redis frontier | {over['pages']} | {over['redis_pages_per_s']:.0f} | {runs['redis']} |", "",
                  f"Redis overhead: {over['loss']:.1%} fewer pages/s (target at most 10%).", ""]
    if scale := results.get("scaling"):
        lines += ["| workers (8 requests each, 100 ms pages) | pages/s | x one worker |", "|---:|---:|---:|"]
        lines += [f"| {n} | {scale['pages_per_s'][n]:.0f} | {scale['speedup'][n]:.2f} |" for n in (1, 2, 4)]
        lines += ["", "Targets: 2 workers at least 1.9x, 4 workers at least 3.6x.", ""]
    if mem := results.get("memory"):
        lines += ["| Redis state, 1,000,000 URLs | bytes per URL |", "|---|---:|",
                  f"| queued requests | {mem['queued_bytes_per_request']:.0f} |",
                  f"| seen, exact filter (16-byte fingerprints in a set) | {mem['exact_bytes_per_url']:.0f} |",
                  f"| seen, Bloom filter sized for 1M at 0.1% (measured) | {mem['bloom_measured_bytes_per_url']:.1f} |",
                  f"| seen, Bloom filter sized for 100M at 0.1% (fixed 180 MB: per URL at 100M) | "
                  f"{mem[f'bloom_{100 * MILLION}_bytes_per_url'] / 100:.1f} |"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.distributed", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages per crawl (default 3000)")
    parser.add_argument("--only", choices=("overhead", "scaling", "memory"))
    parser.add_argument("--rounds", type=int, default=3, help="alternating local/Redis runs for the overhead")
    parser.add_argument("--urls", type=int, default=MILLION, help="URLs for the memory figures (default 1,000,000)")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    if args.only in (None, "overhead"):
        results["overhead"] = overhead(args.pages, args.rounds)
    if args.only in (None, "scaling"):
        results["scaling"] = scaling(args.pages)
    if args.only in (None, "memory"):
        results["memory"] = memory(args.urls)
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    missed = []
    if "overhead" in results and results["overhead"]["loss"] > 0.10:
        missed.append("Redis overhead over 10%")
    if "scaling" in results and (results["scaling"]["speedup"][2] < 1.9 or results["scaling"]["speedup"][4] < 3.6):
        missed.append("scaling under target")
    if missed:
        print("MISSED: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
