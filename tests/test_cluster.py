"""Many workers, one frontier in a real redis-server on 127.0.0.1 (started and stopped here).

Each worker is ``scrapy crawl news`` as a user runs it, with ``-s REDIS_URL=...`` and its own
output files; a worker is killed with SIGKILL mid-crawl and started again, as a machine that dies
and is replaced would be.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest
import redis
from scrapy.settings import Settings

from benchmarks.crawl_speed import TimedRequests
from crawler.cluster.filters import BloomRequestFilter, bloom_size
from crawler.cluster.keys import ClusterKeys
from tests.crawling import ROOT, crawl_command, crawl_environment, run_crawl
from tests.kill_resume import article_urls, build_site, lines_written, session_processes
from tests.redis_server import redis_server
from tests.sites.server import Site, serving

CONCURRENT = 4


@pytest.fixture()
def cluster(tmp_path):
    site = Site()
    with serving(site) as base, redis_server(persistent=True) as server:
        build_site(site, base)
        yield base, server, tmp_path


def _start(base: str, redis_url: str, out: Path, slow: bool = False, **settings: str) -> subprocess.Popen[bytes]:
    """A worker; ``slow``: one page at a time with a pause, so one worker alone takes 15 s or more."""
    pace = {"DOWNLOAD_DELAY": "0.5", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"} if slow else {}
    command = crawl_command(out, {"sitemaps": f"{base}/sitemap.xml"},
                            {"REDIS_URL": redis_url, "LEASE_SECONDS": "3", "MAX_IDLE_TIME_BEFORE_CLOSE": "2",
                             "CONCURRENT_REQUESTS": str(CONCURRENT), "REDIS_WORKER_NAME": out.name, **pace,
                             **settings})
    log = (out.parent / f"{out.name}.log").open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)


def _collected(folders: list[Path]) -> Counter[str]:
    urls: Counter[str] = Counter()
    for folder in folders:
        for line in (folder / "articles.jsonl").read_text("utf-8").splitlines():
            urls[json.loads(line)["url"]] += 1
    return urls


def test_a_killed_worker_loses_nothing_and_its_replacement_rejoins(cluster):
    base, server, folder = cluster
    first, second = folder / "worker-a", folder / "worker-b"
    a, b = _start(base, server.url, first), _start(base, server.url, second)
    deadline = time.monotonic() + 60
    while lines_written(first / "articles.jsonl") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    a.kill()
    a.wait()
    time.sleep(1)
    assert session_processes(a.pid) == [], "the killed worker's cleaning workers outlived it"
    replacement = _start(base, server.url, first)
    for worker in (replacement, b):
        assert worker.wait(timeout=120) == 0
    urls = _collected([first, second])
    assert set(urls) == set(article_urls(base)), "every article, from one worker or the other"
    assert sum(n - 1 for n in urls.values()) <= CONCURRENT, "repeats only of pages in flight at the kill"
    keys = ClusterKeys("newsclean:news")
    client = redis.Redis.from_url(server.url)
    assert (client.zcard(keys.queue), client.zcard(keys.leases), client.hlen(keys.requests)) == (0, 0, 0)
    for log in folder.glob("*.log"):
        assert "Traceback" not in log.read_text("utf-8", errors="replace"), log.name


@pytest.mark.parametrize("seen_filter", ["exact", "bloom"])
def test_two_workers_never_write_the_same_article(cluster, seen_filter):
    base, server, folder = cluster
    workers = [_start(base, server.url, folder / name, SEEN_FILTER=seen_filter) for name in ("worker-a", "worker-b")]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    urls = _collected([folder / "worker-a", folder / "worker-b"])
    assert set(urls) == set(article_urls(base))
    assert max(urls.values()) == 1


def test_redis_killed_and_restarted_mid_crawl_the_crawl_finishes_with_nothing_lost(cluster):
    base, server, folder = cluster
    out = folder / "worker-a"
    worker = _start(base, server.url, out)
    deadline = time.monotonic() + 60
    while lines_written(out / "articles.jsonl") < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.stop()
    time.sleep(2)
    server.start()
    assert worker.wait(timeout=120) == 0
    urls = _collected([out])
    assert set(urls) == set(article_urls(base))
    assert max(urls.values()) == 1
    log = (folder / "worker-a.log").read_text("utf-8", errors="replace")
    assert "Traceback" not in log
    assert log.count("is unreachable") == 1, "said once, not once per command"
    assert log.count("answers again") == 1


def test_a_late_worker_takes_a_share_and_status_and_merge_report_the_cluster(cluster):
    base, server, folder = cluster
    first, late = folder / "worker-a", folder / "worker-b"
    a = _start(base, server.url, first, slow=True)
    while lines_written(first / "articles.jsonl") < 1:
        time.sleep(0.05)
    b = _start(base, server.url, late, slow=True)
    status = subprocess.run([sys.executable, "-m", "crawler.cluster", "status", "--redis-url", server.url],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "frontier newsclean:news:" in status and "worker-a-" in status
    assert [w.wait(timeout=180) for w in (a, b)] == [0, 0]
    assert lines_written(late / "articles.jsonl") > 0, "the late worker took a share of the frontier"
    merged = folder / "all.jsonl"
    subprocess.run([sys.executable, "-m", "crawler.cluster", "merge", str(merged), str(first / "articles.jsonl"),
                    str(late / "articles.jsonl")], cwd=ROOT, check=True, timeout=60)
    urls = [json.loads(line)["url"] for line in merged.read_text("utf-8").splitlines()]
    assert sorted(urls) == sorted(article_urls(base))


def test_a_worker_run_as_a_service_fetches_seeds_added_while_it_runs(cluster):
    base, server, folder = cluster
    out = folder / "service"
    command = crawl_command(out, {"urls": f"{base}/news/1.html"},
                            {"REDIS_URL": server.url, "MAX_IDLE_TIME_BEFORE_CLOSE": "0",
                             "REDIS_WORKER_NAME": "service"})
    log = folder / "service.log"
    with log.open("ab") as stderr:
        worker = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                                  stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while lines_written(out / "articles.jsonl") < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        subprocess.run([sys.executable, "-m", "crawler.cluster", "seed", "--redis-url", server.url,
                        f"{base}/news/2.html"], cwd=ROOT, check=True, timeout=60, capture_output=True)
        while lines_written(out / "articles.jsonl") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker.poll() is None, "a service worker waits for seeds instead of closing"
    finally:
        worker.kill()
        worker.wait()
    assert sorted(_collected([out])) == [f"{base}/news/1.html", f"{base}/news/2.html"], log.read_text("utf-8")[-3000:]


def _two_workers_to_the_end(folder: Path, base: str, settings: dict[str, str]) -> None:
    """Workers ``worker-a`` and ``worker-b`` crawl the site's sitemap together until both close."""
    workers = []
    for name in ("worker-a", "worker-b"):
        command = crawl_command(folder / name, {"sitemaps": f"{base}/sitemap.xml"},
                                {**settings, "REDIS_WORKER_NAME": name})
        workers.append(subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
    assert [w.wait(timeout=180) for w in workers] == [0, 0]


def _both_workers_wrote_a_share(folder: Path) -> None:
    written = [lines_written(folder / name / "articles.jsonl") for name in ("worker-a", "worker-b")]
    assert sum(written) == 30 and min(written) > 0, written


def test_politeness_holds_across_the_cluster(tmp_path):
    """Two workers, each allowed one request at a time to the site every 0.4 s: together they
    still start requests to it at least 0.4 s apart, as one worker would."""
    site = Site()
    site.requests = TimedRequests()
    with serving(site) as base, redis_server() as server:
        build_site(site, base)
        # Two requests in flight per worker at most, so neither takes the whole frontier ahead.
        settings = {"REDIS_URL": server.url, "DOWNLOAD_DELAY": "0.4", "RANDOMIZE_DOWNLOAD_DELAY": "false",
                    "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "CONCURRENT_REQUESTS": "2",
                    "MAX_IDLE_TIME_BEFORE_CLOSE": "2"}
        _two_workers_to_the_end(tmp_path, base, settings)
    starts = sorted(moment for moment, path in site.requests.times if path.startswith("/news/"))
    assert len(starts) >= 30
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.35, sorted(gaps)[:5]
    _both_workers_wrote_a_share(tmp_path)


def test_without_a_delay_the_cluster_never_has_more_requests_at_the_site_than_its_concurrency(tmp_path):
    """With ``DOWNLOAD_DELAY=0`` a worker hands a slot it gave back to its own next request without
    asking Redis: two workers of 4 requests each, allowed 2 at once to the site whose pages take
    0.3 s, still never start 3 pages within 0.3 s, and both do a share of the work."""
    site = Site()
    site.requests = TimedRequests()
    with serving(site) as base, redis_server() as server:
        build_site(site, base)
        site.routes = {path: attrs.evolve(route, delay=0.3) if path.startswith("/news/") else route
                       for path, route in site.routes.items()}
        settings = {"REDIS_URL": server.url, "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "false",
                    "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "CONCURRENT_REQUESTS": "4",
                    "MAX_IDLE_TIME_BEFORE_CLOSE": "2"}
        _two_workers_to_the_end(tmp_path, base, settings)
        assert not redis.Redis.from_url(server.url).keys("*:slots:*"), "every slot is given back at the end"
    starts = sorted(moment for moment, path in site.requests.times if path.startswith("/news/"))
    assert len(starts) >= 30
    crowded = [later - earlier for earlier, later in zip(starts, starts[2:], strict=False) if later - earlier < 0.28]
    assert not crowded, f"3 pages started within {min(crowded):.3f} s"
    _both_workers_wrote_a_share(tmp_path)


def test_bloom_filter_says_seen_for_every_inserted_fingerprint_and_rarely_for_a_new_one():
    with redis_server() as server:
        client = redis.Redis.from_url(server.url)
        settings = Settings({"BLOOM_CAPACITY": 20_000, "BLOOM_ERROR_RATE": 0.01})
        crawler = SimpleNamespace(settings=settings, request_fingerprinter=None)
        bloom = BloomRequestFilter(client, "test:seen", crawler)
        inserted = [hashlib.sha1(f"inserted {n}".encode()).digest() for n in range(20_000)]
        assert sum(bloom.seen_fingerprint(f) for f in inserted) < 200, "new fingerprints are new (at 1% error)"
        assert all(bloom.seen_fingerprint(f) for f in inserted[:2000])
        fresh = [hashlib.sha1(f"fresh {n}".encode()).digest() for n in range(5000)]
        assert sum(bloom.seen_fingerprint(f) for f in fresh) < 5000 * 0.03
        assert client.strlen("test:seen:bloom") <= bloom_size(20_000, 0.01)[0] // 8 + 1


def test_a_bad_cluster_setting_is_a_usage_error(tmp_path):
    result = run_crawl(tmp_path, {"urls": "https://example.com/"},
                       settings={"REDIS_URL": "redis://127.0.0.1:1/0", "SEEN_FILTER": "cuckoo"})
    assert result.returncode == 2
    assert "SEEN_FILTER 'cuckoo' is not exact or bloom" in result.log
