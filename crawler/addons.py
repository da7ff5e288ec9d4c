"""Add-ons that settle settings once the command line has been read.

``DefaultArticleFeed``: the default article output, added only when the user names none.

A ``FEEDS`` dict in the settings module would be merged with the feeds given by ``-o``/``-O``
(Scrapy merges dict settings), so every crawl would also write the default file. This add-on
sets it only when ``FEEDS`` is still empty once the command line has been read.
"""

from __future__ import annotations

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings


class DefaultArticleFeed:
    """``NEWS_DEFAULT_FEED`` (a path) becomes the JSON Lines feed, appended across runs."""

    def update_settings(self, settings: BaseSettings) -> None:
        path = settings.get("NEWS_DEFAULT_FEED")
        if path and not settings.getdict("FEEDS"):
            settings.set("FEEDS", {path: {"format": "jsonlines", "encoding": "utf-8", "overwrite": False}},
                         priority="addon")


class RedisFrontier:
    """With ``REDIS_URL`` set, the crawl's frontier and memory move to Redis (``crawler/cluster``):
    the leasing scheduler, the middleware that ends leases, the idle rule, and politeness held
    across the cluster (``CLUSTER_POLITENESS``). Without it nothing
    changes and no Redis is needed."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        # The project's settings name the single-machine scheduler (at "project" priority, above an
        # add-on's); a scheduler given on the command line still wins.
        if settings.getpriority("SCHEDULER") <= SETTINGS_PRIORITIES["project"]:
            settings.set("SCHEDULER", "crawler.cluster.scheduler.LeasingScheduler", priority="project")
        settings["SPIDER_MIDDLEWARES"]["crawler.cluster.leases.LeaseRelease"] = 50
        settings["EXTENSIONS"]["crawler.cluster.leases.ClusterIdle"] = 10
        if settings.getbool("CLUSTER_POLITENESS"):
            settings["DOWNLOADER_MIDDLEWARES"]["crawler.cluster.politeness.ClusterPoliteness"] = 800
