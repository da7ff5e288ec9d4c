"""What to crawl: spider arguments (and an optional sites file) turned into one frozen plan.

Kept apart from the spider so argument handling is tested without running a crawl, and so every
bad argument is reported by name before anything is fetched.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from cleaners.body.chrome import ChromeRules, RulesError

DEFAULT_MAX_DEPTH = 2


class PlanError(ValueError):
    """A spider argument or sites file that cannot be used; the message names it."""


def _http_urls(values: list[str], what: str) -> tuple[str, ...]:
    urls = []
    for value in values:
        value = value.strip()
        if not value or value.startswith("#"):
            continue
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PlanError(f"{what}: {value!r} is not an http(s) URL")
        urls.append(value)
    return tuple(urls)


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v.strip()]


def _regexes(values: list[str], what: str) -> tuple[str, ...]:
    for value in values:
        try:
            re.compile(value)
        except re.error as error:
            raise PlanError(f"{what}: {value!r} is not a valid regular expression ({error})") from error
    return tuple(values)


def _flag(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise PlanError(f"{what}: {value!r} is not true or false")


def day(value: object, what: str) -> date | None:
    """A ``YYYY-MM-DD`` argument as a date (None when empty); ``PlanError`` names ``what``."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise PlanError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from error


def _depth(value: object, what: str) -> int:
    try:
        depth = int(str(value))
    except ValueError as error:
        raise PlanError(f"{what}: {value!r} is not a whole number") from error
    if depth < 0:
        raise PlanError(f"{what}: must be 0 or more")
    return depth


@attrs.frozen(kw_only=True)
class SitePlan:
    """One site's entry points and link-following rules."""

    urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    discover: tuple[str, ...] = ()
    """Home pages whose feeds and sitemaps are found from robots.txt, well-known paths and <link> tags."""
    follow: bool = False
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    max_depth: int = DEFAULT_MAX_DEPTH
    rules: str | None = None
    """A chrome-rules TOML file for this site's pages."""

    def hosts(self) -> set[str]:
        every = (*self.urls, *self.feeds, *self.sitemaps, *self.discover)
        return {urlsplit(u).hostname.removeprefix("www.") for u in every if urlsplit(u).hostname}


@attrs.frozen(kw_only=True)
class CrawlPlan:
    sites: tuple[SitePlan, ...]
    since: date | None = None
    until: date | None = None

    def site_for(self, url: str) -> SitePlan | None:
        """The site a URL belongs to (same host, or a subdomain of it)."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        for site in self.sites:
            if any(host == h or host.endswith("." + h) for h in site.hosts()):
                return site
        return None


def _site_from_table(table: dict[str, Any], where: str, base: Path) -> SitePlan:
    known = {"urls", "feeds", "sitemaps", "site", "follow", "allow", "deny", "max_depth", "rules"}
    if unknown := set(table) - known:
        raise PlanError(f"{where}: unknown key(s) {sorted(unknown)}")

    def strings(key: str) -> list[str]:
        value = table.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PlanError(f"{where}: '{key}' must be a string or a list of strings")
        return value

    rules = table.get("rules")
    if rules is not None and not isinstance(rules, str):
        raise PlanError(f"{where}: 'rules' must be a file path")
    if rules:
        try:
            ChromeRules.from_file(base / rules)
        except RulesError as error:
            raise PlanError(f"{where} rules: {error}") from error
    return SitePlan(
        urls=_http_urls(strings("urls"), f"{where} urls"),
        feeds=_http_urls(strings("feeds"), f"{where} feeds"),
        sitemaps=_http_urls(strings("sitemaps"), f"{where} sitemaps"),
        discover=_http_urls(strings("site"), f"{where} site"),
        follow=_flag(table.get("follow", False), f"{where} follow"),
        allow=_regexes(strings("allow"), f"{where} allow"),
        deny=_regexes(strings("deny"), f"{where} deny"),
        max_depth=_depth(table.get("max_depth", DEFAULT_MAX_DEPTH), f"{where} max_depth"),
        rules=str((base / rules).resolve()) if rules else None,
    )


def sites_from_file(path: str) -> list[SitePlan]:
    """A TOML file with one ``[[site]]`` table per site (keys as the spider arguments)."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PlanError(f"sites file {path}: {error}") from error
    tables = data.get("site", [])
    if not isinstance(tables, list) or not tables:
        raise PlanError(f"sites file {path}: expected one or more [[site]] tables")
    return [_site_from_table(t, f"sites file {path} [[site]] #{i + 1}", Path(path).parent)
            for i, t in enumerate(tables)]


SPIDER_ARGUMENTS = frozenset({"urls", "urls_file", "feeds", "sitemaps", "site", "follow", "allow", "deny",
                              "max_depth", "since", "until", "sites"})
"""The news spider's arguments (``-a NAME=VALUE``)."""


def plan_from_arguments(arguments: dict[str, Any]) -> CrawlPlan:
    """The plan for ``scrapy crawl news -a key=value ...``; unknown keys are errors."""
    if unknown := set(arguments) - SPIDER_ARGUMENTS:
        raise PlanError(f"unknown spider argument(s) {sorted(unknown)}; known: {sorted(SPIDER_ARGUMENTS)}")
    urls = _split(arguments.get("urls"))
    if urls_file := arguments.get("urls_file"):
        try:
            urls += Path(urls_file).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise PlanError(f"urls_file {urls_file}: {error}") from error
    command_line = SitePlan(
        urls=_http_urls(urls, "urls"),
        feeds=_http_urls(_split(arguments.get("feeds")), "feeds"),
        sitemaps=_http_urls(_split(arguments.get("sitemaps")), "sitemaps"),
        discover=_http_urls(_split(arguments.get("site")), "site"),
        follow=_flag(arguments.get("follow", False), "follow"),
        allow=_regexes([arguments["allow"]] if arguments.get("allow") else [], "allow"),
        deny=_regexes([arguments["deny"]] if arguments.get("deny") else [], "deny"),
        max_depth=_depth(arguments.get("max_depth", DEFAULT_MAX_DEPTH), "max_depth"),
    )
    sites = [command_line] if command_line.hosts() else []
    if sites_file := arguments.get("sites"):
        sites += sites_from_file(sites_file)
    if not sites:
        raise PlanError("nothing to crawl: give urls, urls_file, feeds, sitemaps, site or sites")
    plan = CrawlPlan(sites=tuple(sites), since=day(arguments.get("since"), "since"),
                     until=day(arguments.get("until"), "until"))
    if plan.since and plan.until and plan.since > plan.until:
        raise PlanError(f"since {plan.since} is after until {plan.until}")
    return plan
