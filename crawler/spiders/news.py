"""``scrapy crawl news``: discover and fetch news articles; cleaning happens in the pipelines.

Inputs (combinable, see ``crawler/plan.py`` and the README): ``urls``, ``urls_file``, ``feeds``,
``sitemaps``, ``site`` (finds feeds and sitemaps itself), ``follow`` with ``allow``/``deny``/
``max_depth``, a ``since``/``until`` date window, and ``sites`` (a TOML file of sites).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import CloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from crawler.discovery import Listed, in_window, parse_feed, parse_sitemap
from crawler.guard import ForbiddenAddress
from crawler.incremental import LISTING, AlreadyCollected
from crawler.items import CrawledPage
from crawler.outcomes import Outcome, url_outcome
from crawler.plan import CrawlPlan, PlanError, SitePlan, plan_from_arguments
from crawler.responses import page_from_response, requested_url
from crawler.vcr import MissingFromCassette

logger = logging.getLogger(__name__)

SITE = "newsclean_site"
DEPTH = "newsclean_depth"
DISCOVER_FEEDS = "newsclean_discover_feeds"
WELL_KNOWN_SITEMAPS = ("/sitemap.xml", "/news-sitemap.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args)
        self.plan_error: PlanError | None = None
        try:
            self.plan: CrawlPlan | None = plan_from_arguments(kwargs)
        except PlanError as error:
            self.plan, self.plan_error = None, error
        self._link_extractors: dict[int, LinkExtractor] = {}
        self._entry_urls: set[str] = set()
        self._requested: set[str] = set()
        self._pages_per_site: Counter[int] = Counter()

    # -- entry points -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.plan is None:
            logger.error("news spider: %s", self.plan_error)
            raise CloseSpider(f"bad arguments: {self.plan_error}")
        requests = [r for number, site in enumerate(self.plan.sites) for r in self._site_requests(number, site)]
        # Entry points are fetched again when a job resumes, so that whatever was in flight when it
        # stopped is found again; a link to one found during the crawl is not fetched twice.
        self._entry_urls = {r.url for r in requests}
        for request in requests:
            yield request.replace(dont_filter=True)

    def _site_requests(self, number: int, site: SitePlan) -> Iterator[Request]:
        for url in site.urls:
            yield self._request(url, self.parse_page, number, listing=site.follow)
        for url in site.feeds:
            yield self._request(url, self.parse_feed, number, listing=True)
        for url in site.sitemaps:
            yield self._request(url, self.parse_sitemap, number, listing=True)
        for home in site.discover:
            yield self._request(urljoin(home, "/robots.txt"), self.parse_robots, number, listing=True,
                                dont_obey_robotstxt=True)
            for path in WELL_KNOWN_SITEMAPS:
                yield self._request(urljoin(home, path), self.parse_sitemap, number, listing=True)
            yield self._request(home, self.parse_page, number, listing=True, **{DISCOVER_FEEDS: True})

    def _request(self, url: str, callback: Any, site: int, *, listing: bool = False, depth: int = 0,
                 **meta: Any) -> Request:
        return Request(url, callback=callback, errback=self.failed,
                       meta={SITE: site, DEPTH: depth, LISTING: listing, **meta})

    def _discovered(self, url: str, callback: Any, site: int, **kwargs: Any) -> Iterator[Request]:
        """A request for a URL found during the crawl, unless it is an entry point (already asked
        for) or its site has used up ``MAX_PAGES_PER_SITE``."""
        if url in self._entry_urls or url in self._requested:
            return
        limit = self.settings.getint("MAX_PAGES_PER_SITE")
        if limit and self._pages_per_site[site] >= limit:
            self._outcome(url, Outcome.PAGE_LIMIT, f"the site reached MAX_PAGES_PER_SITE ({limit}); not fetched")
            return
        self._pages_per_site[site] += 1
        self._requested.add(url)
        yield self._request(url, callback, site, **kwargs)

    # -- callbacks ----------------------------------------------------------------------------

    def _site(self, response: Response) -> SitePlan:
        assert self.plan is not None
        return self.plan.sites[response.meta[SITE]]

    def parse_page(self, response: Response) -> Iterator[Any]:
        site = self._site(response)
        if isinstance(response, TextResponse):
            if response.meta.get(DISCOVER_FEEDS):
                yield from self._feed_links(response)
            depth = response.meta.get(DEPTH, 0)
            if site.follow and depth < site.max_depth:
                for link in self._link_extractor(response.meta[SITE], site).extract_links(response):
                    if self.plan is not None and self.plan.site_for(link.url) is site:
                        yield from self._discovered(link.url, self.parse_page, response.meta[SITE], listing=True,
                                            depth=depth + 1)
        yield CrawledPage(page=page_from_response(response), rules_file=site.rules)

    def _feed_links(self, response: TextResponse) -> Iterator[Request]:
        for link in response.xpath("//link[@rel='alternate'][@href]"):
            if (link.attrib.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
                yield from self._discovered(response.urljoin(link.attrib["href"]), self.parse_feed,
                                    response.meta[SITE], listing=True)

    def _link_extractor(self, number: int, site: SitePlan) -> LinkExtractor:
        """Links matching the site's allow/deny patterns; the caller keeps those on the site's hosts
        (compared by host name, so a port in the URL does not matter)."""
        if number not in self._link_extractors:
            self._link_extractors[number] = LinkExtractor(allow=site.allow, deny=site.deny)
        return self._link_extractors[number]

    def parse_feed(self, response: Response) -> Iterator[Request]:
        self._outcome(response.url, Outcome.FEED)
        yield from self._listed_requests(response, parse_feed(response.body, response.url))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, ValueError) as error:
                self._outcome(response.url, Outcome.NETWORK_ERROR, f"sitemap gzip cannot be read: {error}")
                return
        content = parse_sitemap(body, response.url)
        self._outcome(response.url, Outcome.SITEMAP,
                      f"{len(content.pages)} pages, {len(content.sitemaps)} sitemaps")
        for url in content.sitemaps:
            yield from self._discovered(url, self.parse_sitemap, response.meta[SITE], listing=True)
        yield from self._listed_requests(response, list(content.pages))

    def parse_robots(self, response: Response) -> Iterator[Request]:
        self._outcome(response.url, Outcome.ROBOTS)
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield from self._discovered(url, self.parse_sitemap, response.meta[SITE], listing=True)

    def _listed_requests(self, response: Response, listed: list[Listed]) -> Iterator[Request]:
        """Pages a feed or sitemap lists, minus those dated outside the window (never fetched).

        Listed pages are leaves: their links are not followed (depth set to the limit), which
        keeps a feed or sitemap crawl to what the site says is new.
        """
        assert self.plan is not None
        site = self._site(response)
        for entry in listed:
            if not in_window(entry.published, self.plan.since, self.plan.until):
                self._outcome(entry.url, Outcome.OUTSIDE_DATE_WINDOW,
                              f"listed by {response.url} as published {entry.published.isoformat()}; "
                              "not fetched")
                continue
            yield from self._discovered(entry.url, self.parse_page, response.meta[SITE], depth=site.max_depth)

    # -- failures -----------------------------------------------------------------------------

    def failed(self, failure: Failure) -> None:
        """Every request that gives no response still gets its outcome line, under the URL first
        asked for (the end of a redirect chain goes in ``finalUrl``)."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        url, final = requested_url(request), request.url
        message = str(error)
        if isinstance(error, HttpError):
            status = error.response.status
            self._outcome(url, Outcome.HTTP_ERROR, f"HTTP {status}", status=status, final_url=final)
        elif isinstance(error, AlreadyCollected):
            self._outcome(url, Outcome.ALREADY_COLLECTED, message, final_url=final)
        elif isinstance(error, ForbiddenAddress):
            self._outcome(url, Outcome.FORBIDDEN_ADDRESS, message, final_url=final)
        elif isinstance(error, MissingFromCassette):
            self._outcome(url, Outcome.NOT_IN_CASSETTE, message, final_url=final)
        elif _over_size_limit(error, message):
            self._outcome(url, Outcome.TOO_LARGE, message or "download cancelled past DOWNLOAD_MAXSIZE",
                          final_url=final)
        elif isinstance(error, IgnoreRequest) and "robots.txt" in message:
            self._outcome(url, Outcome.ROBOTS_DISALLOWED, "forbidden by robots.txt", final_url=final)
        elif isinstance(error, IgnoreRequest):
            self._outcome(url, Outcome.IGNORED, message or type(error).__name__, final_url=final)
        else:
            self._outcome(url, Outcome.NETWORK_ERROR, f"{type(error).__name__}: {error}".rstrip(": "), final_url=final)

    def _outcome(self, url: str, outcome: Outcome, reason: str | None = None, status: int | None = None,
                 final_url: str | None = None) -> None:
        self.crawler.signals.send_catch_log(url_outcome, url=url, outcome=outcome, reason=reason, status=status,
                                            final_url=final_url)


def _over_size_limit(error: BaseException, message: str) -> bool:
    """A download cut off at DOWNLOAD_MAXSIZE (declared, received or inflated past it)."""
    text = message.lower()
    return "max size" in text or "maxsize" in text or isinstance(error, DownloadCancelledError | CancelledError)
