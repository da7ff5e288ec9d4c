"""``scrapy crawl news``: discover and fetch news articles; cleaning happens in the pipelines.

Inputs (combinable, see ``crawler/plan.py`` and the README): ``urls``, ``urls_file``, ``feeds``,
``sitemaps``, ``site`` (finds feeds and sitemaps itself), ``follow`` with ``allow``/``deny``/
``max_depth``, a ``since``/``until`` date window, and ``sites`` (a TOML file of sites).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urljoin

import attrs
import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.job import job_dir
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from cleaners.keys import key64
from crawler.cluster.shared import SharedDiscovery, shared_discovery
from crawler.discovery import Listed, in_window, parse_feed, parse_sitemap
from crawler.failures import failure_outcome
from crawler.frontier import Discovered, FrontierJournal
from crawler.incremental import LISTING
from crawler.items import CrawledPage
from crawler.outcomes import Outcome, request_done, url_outcome
from crawler.plan import CrawlPlan, PlanError, SitePlan, plan_from_arguments
from crawler.responses import page_from_response, requested_url

logger = logging.getLogger(__name__)

SITE = "newsclean_site"
DEPTH = "newsclean_depth"
DISCOVER_FEEDS = "newsclean_discover_feeds"
LISTED = "newsclean_listed"
"""Request meta: the publication date a feed or sitemap gave the page (the date window used it)."""
LISTING_PRIORITY = -1
PROBE = "newsclean_probe"
"""Request meta: a well-known path ``site=`` looks for, which a site need not have."""
WELL_KNOWN_SITEMAPS = ("/sitemap.xml", "/news-sitemap.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


class Verdict(Enum):
    """What becomes of a URL found during the crawl (the codes of ``SharedDiscovery.decide``)."""

    OLD = 0
    FETCH = 1
    OVER_LIMIT = 2
    REFUSED = 3


@attrs.frozen
class Found:
    """A URL found during the crawl, how to fetch it, or why it is refused without fetching."""

    url: str
    callback: Any
    listing: bool = False
    depth: int = 0
    listed: datetime | None = None
    refusal: tuple[Outcome, str] | None = None


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
        self._seen: set[int] = set()
        """Keys (``key64``) of the URLs discovered so far: requested, or refused before fetching."""
        self._pages_per_site: Counter[int] = Counter()
        self._journal: FrontierJournal | None = None
        self._shared: SharedDiscovery | None = None
        """With ``REDIS_URL``: the discovered set, page counts and seeding, shared by every worker."""

    # -- entry points -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.plan is None:
            logger.error("news spider: %s", self.plan_error)
            raise CloseSpider(f"bad arguments: {self.plan_error}")
        requests = [r for number, site in enumerate(self.plan.sites) for r in self._site_requests(number, site)]
        # Entry points are fetched again when a job resumes: they are where new articles appear, and
        # a link to one found during the crawl is not fetched twice.
        self._entry_urls = {r.url for r in requests}
        if self.settings.get("REDIS_URL"):
            self._shared = shared_discovery(self.crawler)
            if not self._shared.claim_seeding():
                logger.info("the frontier in Redis is already seeded: this worker joins it")
                return
        for request in requests:
            yield request.replace(dont_filter=True)
        self._journal = None if self._shared else FrontierJournal.in_job(job_dir(self.settings))
        if self._journal is not None:
            for request in self._replayed(self._journal):
                yield request

    def _replayed(self, journal: FrontierJournal) -> Iterator[Request]:
        """Requests an earlier run of this job discovered; the dupefilter drops those it finished."""
        assert self.plan is not None
        replayed = 0
        for entry in journal.replay():
            key = key64(entry.url)
            if key in self._seen or entry.url in self._entry_urls or entry.site >= len(self.plan.sites):
                continue
            self._seen.add(key)
            if entry.callback is None:
                continue
            self._pages_per_site[entry.site] += 1
            replayed += 1
            yield self._request(entry.url, getattr(self, entry.callback), entry.site, listing=entry.listing,
                                depth=entry.depth, listed=entry.listed)
        if replayed:
            logger.info("resuming: %d discovered requests replayed from %s", replayed, journal.path)

    def closed(self, reason: str) -> None:
        if self._journal is not None:
            self._journal.close()

    def _site_requests(self, number: int, site: SitePlan) -> Iterator[Request]:
        for url in site.urls:
            yield self._request(url, self.parse_page, number, listing=site.follow)
        for url in site.feeds:
            yield self._request(url, self.parse_feed, number, listing=True)
        for url in site.sitemaps:
            yield self._request(url, self.parse_sitemap, number, listing=True)
        for home in site.discover:
            yield self._request(urljoin(home, "/robots.txt"), self.parse_robots, number, listing=True,
                                dont_obey_robotstxt=True, **{PROBE: True})
            for path in WELL_KNOWN_SITEMAPS:
                yield self._request(urljoin(home, path), self.parse_sitemap, number, listing=True, **{PROBE: True})
            yield self._request(home, self.parse_page, number, listing=True, **{DISCOVER_FEEDS: True})

    def _request(self, url: str, callback: Any, site: int, *, listing: bool = False, depth: int = 0,
                 listed: datetime | None = None, **meta: Any) -> Request:
        # A feed or sitemap waits until the pages already listed are fetched: the frontier then holds
        # about one listing's pages at a time, not every listing's at once.
        priority = LISTING_PRIORITY if callback in (self.parse_feed, self.parse_sitemap) else 0
        return Request(url, callback=callback, errback=self.failed, priority=priority,
                       meta={SITE: site, DEPTH: depth, LISTING: listing, LISTED: listed, **meta})

    def _discovered(self, site: int, found: list[Found]) -> Iterator[Request]:
        """Requests for URLs found together (a page's links, a listing's entries), minus those found
        before (or entry points), those ``found`` refuses (an outcome line, once) and those past the
        site's ``MAX_PAGES_PER_SITE``. Each is journalled before it is yielded."""
        limit = self.settings.getint("MAX_PAGES_PER_SITE")
        for item, verdict in zip(found, self._decide(site, found, limit), strict=True):
            if verdict is Verdict.OLD:
                continue
            if verdict is Verdict.REFUSED:
                assert item.refusal is not None
                self._refuse(item.url, site, *item.refusal)
            elif verdict is Verdict.OVER_LIMIT:
                self._refuse(item.url, site, Outcome.PAGE_LIMIT,
                             f"the site reached MAX_PAGES_PER_SITE ({limit}); not fetched")
            else:
                if self._journal is not None:
                    self._journal.add(Discovered(url=item.url, site=site, callback=item.callback.__name__,
                                                 depth=item.depth, listing=item.listing, listed=item.listed))
                yield self._request(item.url, item.callback, site, listing=item.listing, depth=item.depth,
                                    listed=item.listed)

    def _decide(self, site: int, found: list[Found], limit: int) -> list[Verdict]:
        """What becomes of each URL, decided once for the crawl (with ``REDIS_URL``, for all its
        workers, in one round trip to Redis for the whole list)."""
        fresh = [item.url not in self._entry_urls for item in found]
        if self._shared is not None:
            codes = self._shared.decide(site, [item.url for item in found],
                                        [item.refusal is None for item in found], limit)
            return [Verdict(code) if new else Verdict.OLD for code, new in zip(codes, fresh, strict=True)]
        verdicts = []
        for item, new in zip(found, fresh, strict=True):
            key = key64(item.url)
            if not new or key in self._seen:
                verdicts.append(Verdict.OLD)
                continue
            self._seen.add(key)
            if item.refusal is not None:
                verdicts.append(Verdict.REFUSED)
            elif limit and self._pages_per_site[site] >= limit:
                verdicts.append(Verdict.OVER_LIMIT)
            else:
                self._pages_per_site[site] += 1
                verdicts.append(Verdict.FETCH)
        return verdicts

    def _refuse(self, url: str, site: int, outcome: Outcome, reason: str) -> None:
        """A URL decided without fetching it: reported once, and remembered by the job."""
        if self._journal is not None:
            self._journal.add(Discovered(url=url, site=site, refused=str(outcome)))
        self._outcome(url, outcome, reason)

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
                links = self._link_extractor(response.meta[SITE], site).extract_links(response)
                yield from self._discovered(response.meta[SITE], [
                    Found(link.url, self.parse_page, listing=True, depth=depth + 1) for link in links
                    if self.plan is not None and self.plan.site_for(link.url) is site])
        yield CrawledPage(page=page_from_response(response), rules_file=site.rules, listed=response.meta.get(LISTED))

    def _feed_links(self, response: TextResponse) -> Iterator[Request]:
        yield from self._discovered(response.meta[SITE], [
            Found(response.urljoin(link.attrib["href"]), self.parse_feed, listing=True)
            for link in response.xpath("//link[@rel='alternate'][@href]")
            if (link.attrib.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES])

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
        yield from self._discovered(response.meta[SITE],
                                    [Found(url, self.parse_sitemap, listing=True) for url in content.sitemaps])
        yield from self._listed_requests(response, list(content.pages))

    def parse_robots(self, response: Response) -> Iterator[Request]:
        self._outcome(response.url, Outcome.ROBOTS)
        yield from self._discovered(response.meta[SITE], [
            Found(url, self.parse_sitemap, listing=True)
            for url in sitemap_urls_from_robots(response.body, base_url=response.url)])

    def _listed_requests(self, response: Response, listed: list[Listed]) -> Iterator[Request]:
        """Pages a feed or sitemap lists, minus those dated outside the window (never fetched).

        Listed pages are leaves: their links are not followed (depth set to the limit), which
        keeps a feed or sitemap crawl to what the site says is new.
        """
        assert self.plan is not None
        site = self._site(response)
        found = []
        for entry in listed:
            refusal = None
            if not in_window(entry.published, self.plan.since, self.plan.until):
                assert entry.published is not None
                refusal = (Outcome.OUTSIDE_DATE_WINDOW,
                           f"listed by {response.url} as published {entry.published.isoformat()}; not fetched")
            found.append(Found(entry.url, self.parse_page, depth=site.max_depth, listed=entry.published,
                               refusal=refusal))
        yield from self._discovered(response.meta[SITE], found)

    # -- failures -----------------------------------------------------------------------------

    def failed(self, failure: Failure) -> None:
        """Every request that gives no response still gets its outcome line, under the URL first
        asked for (the end of a redirect chain goes in ``finalUrl``)."""
        request = failure.request  # type: ignore[attr-defined]
        result = failure_outcome(failure.value, probe=bool(request.meta.get(PROBE)))
        self._outcome(requested_url(request), result.outcome, result.reason, status=result.status,
                      final_url=request.url)
        self.crawler.signals.send_catch_log(request_done, request=request)

    def _outcome(self, url: str, outcome: Outcome, reason: str | None = None, status: int | None = None,
                 final_url: str | None = None) -> None:
        self.crawler.signals.send_catch_log(url_outcome, url=url, outcome=outcome, reason=reason, status=status,
                                            final_url=final_url)

