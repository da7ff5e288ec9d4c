"""Spider arguments and sites files become one plan; every bad value is named."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.plan import PlanError, plan_from_arguments


def test_arguments_combine_into_one_site():
    plan = plan_from_arguments({"urls": "https://a.example/x,https://a.example/y", "feeds": "https://a.example/rss",
                                "follow": "true", "max_depth": "3", "allow": "/20[0-9]{2}/", "since": "2024-01-01"})
    [site] = plan.sites
    assert site.urls == ("https://a.example/x", "https://a.example/y")
    assert site.follow and site.max_depth == 3 and site.allow == ("/20[0-9]{2}/",)
    assert plan.since == date(2024, 1, 1) and plan.until is None
    assert plan.site_for("https://www.a.example/other") is site
    assert plan.site_for("https://b.example/") is None


def test_sites_file(tmp_path):
    (tmp_path / "rules.toml").write_text('[lines]\nexact = ["x"]\n')
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nsite = "https://a.example/"\nfollow = true\nrules = "rules.toml"\n'
                     '[[site]]\nfeeds = ["https://b.example/rss", "https://b.example/atom"]\ndeny = ["/video/"]\n')
    plan = plan_from_arguments({"sites": str(sites)})
    assert [s.discover for s in plan.sites] == [("https://a.example/",), ()]
    assert plan.sites[0].rules == str(tmp_path / "rules.toml")
    assert plan.sites[1].feeds == ("https://b.example/rss", "https://b.example/atom")
    assert plan.sites[1].deny == ("/video/",)


@pytest.mark.parametrize("arguments, message", [
    ({}, "nothing to crawl"),
    ({"url": "https://a.example/"}, "unknown spider argument(s) ['url']"),
    ({"feeds": "ftp://a.example/rss"}, "feeds: 'ftp://a.example/rss' is not an http(s) URL"),
    ({"urls": "https://a.example/", "since": "yesterday"}, "since: 'yesterday' is not a date"),
    ({"urls": "https://a.example/", "since": "2024-02-01", "until": "2024-01-01"}, "is after until"),
    ({"urls": "https://a.example/", "max_depth": "-1"}, "max_depth: must be 0 or more"),
    ({"urls": "https://a.example/", "follow": "maybe"}, "follow: 'maybe' is not true or false"),
    ({"urls": "https://a.example/", "allow": "(unclosed"}, "allow: '(unclosed' is not a valid regular expression"),
    ({"urls_file": "/nonexistent/urls.txt"}, "urls_file /nonexistent/urls.txt"),
])
def test_bad_arguments_are_named(arguments, message):
    with pytest.raises(PlanError) as error:
        plan_from_arguments(arguments)
    assert message in str(error.value)


def test_bad_sites_file_is_named(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nsite = "https://a.example/"\nspeed = 3\n')
    with pytest.raises(PlanError, match=r"\[\[site\]\] #1: unknown key\(s\) \['speed'\]"):
        plan_from_arguments({"sites": str(sites)})
