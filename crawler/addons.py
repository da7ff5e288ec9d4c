"""The default article output, added only when the user names none.

A ``FEEDS`` dict in the settings module would be merged with the feeds given by ``-o``/``-O``
(Scrapy merges dict settings), so every crawl would also write the default file. This add-on
sets it only when ``FEEDS`` is still empty once the command line has been read.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings


class DefaultArticleFeed:
    """``NEWS_DEFAULT_FEED`` (a path) becomes the JSON Lines feed, appended across runs."""

    def update_settings(self, settings: BaseSettings) -> None:
        path = settings.get("NEWS_DEFAULT_FEED")
        if path and not settings.getdict("FEEDS"):
            settings.set("FEEDS", {path: {"format": "jsonlines", "encoding": "utf-8", "overwrite": False}},
                         priority="addon")
