"""Many workers, one frontier in a real redis-server on 127.0.0.1 (started and stopped here).

Each worker is ``scrapy crawl news`` as a user runs it, with ``-s REDIS_URL=...`` and its own
output files; a worker is killed with SIGKILL mid-crawl and started again, as a machine that dies
and is replaced would be.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from crawler.cluster.keys import ClusterKeys
from tests.crawling import ROOT, crawl_command, crawl_environment
from tests.kill_resume import article_urls, build_site, session_processes
from tests.redis_server import redis_server
from tests.sites.server import Site, serving

CONCURRENT = 4


@pytest.fixture()
def cluster(tmp_path):
    site = Site()
    with serving(site) as base, redis_server(persistent=True) as server:
        build_site(site, base)
        yield base, server, tmp_path


def _start(base: str, redis_url: str, out: Path) -> subprocess.Popen[bytes]:
    command = crawl_command(out, {"sitemaps": f"{base}/sitemap.xml"},
                            {"REDIS_URL": redis_url, "LEASE_SECONDS": "3", "MAX_IDLE_TIME_BEFORE_CLOSE": "2",
                             "CONCURRENT_REQUESTS": str(CONCURRENT), "REDIS_WORKER_NAME": out.name})
    log = (out.parent / f"{out.name}.log").open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


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
    while _lines(first / "articles.jsonl") < 3 and time.monotonic() < deadline:
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


def test_two_workers_never_write_the_same_article(cluster):
    base, server, folder = cluster
    workers = [_start(base, server.url, folder / name) for name in ("worker-a", "worker-b")]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    urls = _collected([folder / "worker-a", folder / "worker-b"])
    assert set(urls) == set(article_urls(base))
    assert max(urls.values()) == 1


def test_redis_killed_and_restarted_mid_crawl_the_crawl_finishes_with_nothing_lost(cluster):
    base, server, folder = cluster
    out = folder / "worker-a"
    worker = _start(base, server.url, out)
    deadline = time.monotonic() + 60
    while _lines(out / "articles.jsonl") < 5 and time.monotonic() < deadline:
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
