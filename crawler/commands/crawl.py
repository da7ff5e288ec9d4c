"""``scrapy crawl``, with the exit status every newsclean command follows:

- 0: the crawl ran and every URL it wanted gave an outcome that is not a failure;
- 1: some URL failed (``http-error``, ``network-error``, ``too-large``, ``cleaning-error``,
  ``forbidden-address``, ``not-in-cassette``, ``ignored``: see ``crawler.outcomes.FAILED``);
- 2: a usage error (bad spider argument, bad rules file, unwritable output), found before the crawl
  starts (``crawler.preflight``).
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.outcomes import FAILED_STAT
from crawler.preflight import UsageProblem, check_crawl

EXIT_FAILURES = 1


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.settings is not None and self.crawler_process is not None
        try:
            check_crawl(args[0], opts.spargs, self.settings)
        except UsageProblem as error:
            raise UsageError(str(error), print_help=False) from error
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or (crawler.stats and crawler.stats.get_value(FAILED_STAT)):
            self.exitcode = EXIT_FAILURES
