"""The rule ablation switches off what it names, one rule at a time, in processes of their own."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from benchmarks import rule_ablation
from cleaners.body.chrome import ChromeRules
from tests.crawling import ROOT


@pytest.mark.parametrize("name", list(rule_ablation.SWITCHES))
def test_every_switch_names_something_that_exists(name):
    switch = rule_ablation.SWITCHES[name]
    if switch.module:
        assert hasattr(importlib.import_module(switch.module), switch.attribute), f"{name}: renamed?"
    if switch.rules_table:
        assert getattr(ChromeRules.default(), switch.rules_table), f"{name}: the built-in rules have no such table"


SWITCHED = """
import json, sys
from benchmarks import rule_ablation
from cleaners import CleanOptions, clean_html
from tests.sites.small import article_page
name = sys.argv[1]
rules = rule_ablation.SWITCHES[name].apply() if name else rule_ablation.ChromeRules.default()
page = article_page("https://news.example", 3).replace("</p>", "</p><p>Advertisement</p>", 1)
article = clean_html(page, url="https://news.example/news/3.html", options=CleanOptions(rules=rules))
print(json.dumps(article.articleBody))
"""


def _body(switch: str) -> str:
    result = subprocess.run([sys.executable, "-c", SWITCHED, switch], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    return json.loads(result.stdout)


def test_a_switched_off_rule_lets_its_chrome_through():
    assert "Advertisement" not in _body("")
    assert "Advertisement" in _body("chrome lines (exact)")


def test_report_gives_each_rule_its_effect_on_both_halves_of_the_sites():
    pages = [("aeb", "1", "https://a.example/x", ""), ("wcxb-dev", "2", "https://b.example/y", "")]
    scores = {None: [0.9, 0.8], "teaser link rails": [0.7, 0.8]}
    text = rule_ablation.report(pages, scores)
    assert "| (none: the shipped cleaner) | 0.9000 | 0.8000 |" in text
    [row] = [line for line in text.splitlines() if line.startswith("| teaser link rails")]
    effects = sorted(cell.strip() for cell in row.split("|")[4:6])
    assert effects == ["+0.00", "-0.20"] and "earns its place" in row


def test_rule_names_can_be_listed_on_the_command_line():
    assert not [name for name in rule_ablation.SWITCHES if "," in name]
