"""``python -m crawler.cluster``: watch a running cluster, add seeds to it, merge its outputs.

    python -m crawler.cluster status --redis-url redis://host:6379/0
    python -m crawler.cluster seed --redis-url redis://host:6379/0 https://example.com/world/ ...
    python -m crawler.cluster merge all-articles.jsonl workers/*/articles.jsonl

``status`` prints the frontier (queued, leased, by worker), each worker's acknowledged requests and
last heartbeat, and the sizes of the shared sets. ``seed`` queues pages for the workers to fetch and
follow as the site they belong to in the workers' own command (``--site N``, the N-th site of it,
default the first). ``merge`` joins the workers' JSONL files into one, keeping the first of any
article repeated (a page in flight when its worker died can be written by two workers).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

from redis import Redis
from scrapy.http import Request
from scrapy.settings import BaseSettings

from crawler.cluster.connection import redis_client
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.queue import LeasedPriorityQueue
from crawler.cluster.shared import SharedDiscovery
from crawler.collected import CollectedIndex
from crawler.secrets import REDIS_URL_ENVIRONMENT

EXIT_OK, EXIT_USAGE = 0, 2


def _connect(args: argparse.Namespace) -> tuple[Redis, ClusterKeys]:
    settings = BaseSettings({"REDIS_URL": args.redis_url, "REDIS_KEY_PREFIX": args.prefix})
    return redis_client(settings), ClusterKeys.of(settings, args.spider)


def status(args: argparse.Namespace) -> int:
    server, keys = _connect(args)
    now_ms = int(server.time()[0]) * 1000
    holders: dict[str, int] = {}
    for holder in server.hvals(keys.holders):
        holders[holder.decode()] = holders.get(holder.decode(), 0) + 1
    done = {k.decode(): int(v) for k, v in server.hgetall(keys.done).items()}
    beats = {k.decode(): int(v) for k, v in server.hgetall(keys.heartbeats).items()}
    print(f"frontier {keys.base}: {server.zcard(keys.queue)} queued, {server.zcard(keys.leases)} leased")
    print(f"seen requests {server.scard(keys.dupefilter)}, discovered URLs {server.scard(keys.discovered)}, "
          f"collected articles {server.hlen(keys.collected_texts)}")
    print("worker | leases held | requests done | last heartbeat")
    for worker in sorted(set(done) | set(beats) | set(holders)):
        age = f"{(now_ms - beats[worker]) / 1000:.0f} s ago" if worker in beats else "never"
        print(f"{worker} | {holders.get(worker, 0)} | {done.get(worker, 0)} | {age}")
    pages = {k.decode(): int(v) for k, v in server.hgetall(keys.pages).items()}
    if pages:
        print("pages per site: " + ", ".join(f"site {site}: {n}" for site, n in sorted(pages.items())))
    return EXIT_OK


def seed(args: argparse.Namespace) -> int:
    server, keys = _connect(args)
    queue = LeasedPriorityQueue(server, SimpleNamespace(name=args.spider), keys.queue, keys=keys, worker="seed",
                                lease_seconds=0)
    discovery = SharedDiscovery(server, keys, worker="seed")
    for url in args.urls:
        # What the spider's own start requests carry (crawler/spiders/news.py), by name, since the
        # workers turn callback names back into their methods.
        entry = Request(url, dont_filter=True, meta={"newsclean_site": args.site, "newsclean_depth": 0,
                                                     "newsclean_listing": True}).to_dict()
        entry |= {"callback": "parse_page", "errback": "failed"}
        discovery.first_sight(url)  # a link to it found later is not fetched again
        print(f"queued {url} as {queue.push_encoded(0, pickle.dumps(entry, protocol=-1))}")
    return EXIT_OK


def merge(args: argparse.Namespace) -> int:
    """Every article of the inputs once, in input order, written atomically."""
    index = CollectedIndex()
    kept = repeated = 0
    target = Path(args.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as out:
        for record in CollectedIndex.records(Path(p) for p in args.inputs):
            if index.claim(record):
                repeated += 1
                continue
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            kept += 1
    os.replace(out.name, target)
    print(f"{kept} articles written to {target}, {repeated} repeats left out", file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.cluster", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function in (("status", status), ("seed", seed)):
        command = commands.add_parser(name, help=function.__doc__ or name)
        command.add_argument("--redis-url", default=os.environ.get(REDIS_URL_ENVIRONMENT),
                             required=REDIS_URL_ENVIRONMENT not in os.environ,
                             help=f"the workers' REDIS_URL (default: ${REDIS_URL_ENVIRONMENT}, which keeps a "
                             "password out of the process list)")
        command.add_argument("--prefix", default="newsclean", help="the workers' REDIS_KEY_PREFIX")
        command.add_argument("--spider", default="news")
        command.set_defaults(function=function)
    commands.choices["seed"].add_argument("--site", type=int, default=0,
                                          help="the site of the workers' command the pages belong to")
    commands.choices["seed"].add_argument("urls", nargs="+", metavar="URL")
    merging = commands.add_parser("merge", help="join the workers' outputs, each article once")
    merging.add_argument("output")
    merging.add_argument("inputs", nargs="+")
    merging.set_defaults(function=merge)
    args = parser.parse_args(argv)
    return int(args.function(args))


if __name__ == "__main__":
    sys.exit(main())
