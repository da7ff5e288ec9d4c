"""``newsclean crawl ...``: the news spider with this project's settings, from any folder.

Scrapy finds a project through ``scrapy.cfg`` in the current folder or above, which an installed
package does not have; it also accepts the settings module named by ``SCRAPY_SETTINGS_MODULE``,
so that is set here (a user's own value still wins) and Scrapy's command line runs as usual:
``-a``, ``-s``, ``-o`` and ``-O`` mean what they mean in ``scrapy crawl``.
"""

from __future__ import annotations

import os


def crawl(arguments: list[str]) -> int:
    """Run ``scrapy crawl news ARGUMENTS`` and return its exit status."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.cmdline import execute  # only a crawl needs Scrapy

    try:
        execute(["newsclean crawl", "crawl", "news", *arguments])
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    return 0
