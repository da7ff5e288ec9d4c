"""The guard where connections are made: ``crawler.resolver.GuardedResolver`` hands Twisted only
the answers it checked, so a name that changes its answer (DNS rebinding) cannot slip through."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.settings import Settings
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

from crawler.resolver import GuardedResolver
from tests.crawling import run_crawl
from tests.dns import REBINDING_HOST, RebindingResolver
from tests.sites.server import Site, serving


@implementer(IResolutionReceiver)
class _Answers:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.complete = False

    def resolutionBegan(self, resolution):  # Twisted's names
        pass

    def addressResolved(self, address):
        self.addresses.append(address.host)

    def resolutionComplete(self):
        self.complete = True


def _guard(**settings) -> tuple[GuardedResolver, RebindingResolver]:
    crawler = SimpleNamespace(settings=Settings({"GUARD_UPSTREAM_RESOLVER": "tests.dns.RebindingResolver",
                                                 "DNSCACHE_ENABLED": True, "DNSCACHE_SIZE": 100, **settings}))
    guard = GuardedResolver.from_crawler(crawler, reactor=SimpleNamespace(nameResolver=None))
    return guard, guard.upstream


def _ask(guard: GuardedResolver) -> list[str]:
    answers = _Answers()
    guard.resolveHostName(answers, REBINDING_HOST, 80)
    assert answers.complete
    return answers.addresses


def test_a_name_that_rebinds_to_the_metadata_service_is_refused_when_asked_again():
    guard, upstream = _guard(DNSCACHE_ENABLED=False)
    assert _ask(guard) == ["93.184.216.34"]
    assert _ask(guard) == [], "the second answer, 169.254.169.254, is never handed to Twisted"
    assert upstream.asked == 2
    assert guard.refused[REBINDING_HOST] == "rebind.test resolves to 169.254.169.254: a link-local address"


def test_the_cache_serves_only_what_was_approved_and_does_not_ask_again():
    guard, upstream = _guard()
    assert _ask(guard) == ["93.184.216.34"]
    assert _ask(guard) == ["93.184.216.34"] and upstream.asked == 1


def test_allowing_private_addresses_turns_the_filter_off():
    guard, _ = _guard(DNSCACHE_ENABLED=False, ALLOW_PRIVATE_ADDRESSES=True)
    assert _ask(guard) == ["93.184.216.34"]
    assert _ask(guard) == ["169.254.169.254"]


def test_a_crawl_refuses_the_rebound_address_at_connect_time(tmp_path):
    """The check before download sees the public answer; the connection's lookup, made later,
    gets 169.254.169.254 and is refused: the outcome is forbidden-address, not a network error,
    and it names the address."""
    site = Site()
    with serving(site):
        result = run_crawl(tmp_path, {"urls": f"http://{REBINDING_HOST}/news/1.html"},
                           settings={"ALLOW_PRIVATE_ADDRESSES": "false", "DNSCACHE_ENABLED": "false",
                                     "GUARD_UPSTREAM_RESOLVER": "tests.dns.RebindingResolver",
                                     "ROBOTSTXT_OBEY": "false", "RETRY_TIMES": "0"})
    outcomes = {o["url"]: o for o in result.outcomes}
    page = outcomes[f"http://{REBINDING_HOST}/news/1.html"]
    assert page["outcome"] == "forbidden-address", result.log[-3000:]
    assert "rebind.test resolves to 169.254.169.254: a link-local address" in page["reason"]
    assert "network-error" not in {o["outcome"] for o in result.outcomes}
