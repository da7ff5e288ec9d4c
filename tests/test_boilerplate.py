"""Site boilerplate: a line on many pages of one site goes; a quote shared by two articles stays."""

from __future__ import annotations

import json

from cleaners.body.boilerplate import BoilerplateLearner
from cleaners.body.chrome import ChromeRules
from cleaners.cli import main

PROMO = "SHARE YOUR STORY: tell the newsroom what happened to you by filling out the form below."
QUOTE = "“We will not back down,” the mayor said at the press conference on Monday."


def _record(host: str, number: int, extra: list[str]) -> dict:
    body = "\n\n".join([f"Story {number} opens with its own facts about the harbour works.", *extra,
                        f"Story {number} ends with its own closing line."])
    return {"url": f"https://{host}/news/{number}.html", "articleBody": body,
            "metadata": {"removedChrome": [], "fingerprint": "sha256:x"}}


def test_site_lines_are_learned_per_site_and_quotes_stay():
    learner = BoilerplateLearner()
    records = [_record("gazette.example", n, [PROMO] + ([QUOTE] if n < 2 else [])) for n in range(6)]
    records.append(_record("other.example", 1, [PROMO]))
    for record in records:
        learner.observe(record)
    cleaned = [learner.apply(r) for r in records]
    assert all(PROMO not in r["articleBody"] for r in cleaned[:6])
    assert all(PROMO in r["metadata"]["removedChrome"] for r in cleaned[:6])
    assert QUOTE in cleaned[0]["articleBody"] and QUOTE in cleaned[1]["articleBody"]
    assert PROMO in cleaned[6]["articleBody"], "one page of another site teaches nothing"
    assert cleaned[0]["metadata"]["fingerprint"] != "sha256:x"


def test_learned_rules_file_is_a_usable_rules_file(tmp_path):
    learner = BoilerplateLearner()
    for number in range(5):
        learner.observe(_record("gazette.example", number, [PROMO]))
    path = tmp_path / "learned.toml"
    path.write_text(learner.rules_toml())
    rules = ChromeRules.from_file(path)
    assert rules.for_host("gazette.example").is_chrome_line(PROMO)
    assert not rules.for_host("other.example").is_chrome_line(PROMO)


def test_command_line_learns_across_a_folder(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(5):
        paragraphs = "".join(f"<p>Story {number} paragraph {i} tells what the council decided about the "
                             f"harbour and why residents care about it so much.</p>" for i in range(4))
        (pages / f"{number}.html").write_text(
            f"<html><head><link rel=canonical href='https://gazette.example/{number}.html'></head><body>"
            f"<article><h1>Story {number} headline here</h1>{paragraphs}<p>{PROMO}</p></article></body></html>")
    output = tmp_path / "out.jsonl"
    assert main([str(pages), "-o", str(output), "--learned-rules", str(tmp_path / "learned.toml")]) == 0
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(records) == 5
    assert all(PROMO not in r["articleBody"] for r in records)
    assert PROMO in (tmp_path / "learned.toml").read_text()
    streamed = tmp_path / "streamed.jsonl"
    assert main([str(pages), "-o", str(streamed), "--no-site-boilerplate"]) == 0
    assert all(PROMO in json.loads(line)["articleBody"] for line in streamed.read_text().splitlines())


def test_memory_stays_bounded_over_thousands_of_distinct_pages():
    """Every page brings 20 lines never seen again; the learner forgets them a window later, and
    still learns the promo every page carries."""
    learner = BoilerplateLearner()
    sizes = []
    for number in range(3000):
        own = [f"Page {number} line {i} tells its own part of the story in its own words." for i in range(20)]
        learner.observe(_record("gazette.example", number, [*own, PROMO]))
        if number % 500 == 499:
            sizes.append(len(learner.sites["gazette.example"].counts))
    bound = (learner.window + 1) * 23  # a window of pages, each with its own 22 lines, plus the promo
    assert max(sizes) <= bound, sizes
    cleaned = learner.apply(_record("gazette.example", 3001, [PROMO]))
    assert PROMO not in cleaned["articleBody"]
    assert learner.learned("gazette.example") == {PROMO: 3000}


def test_a_line_on_a_few_pages_early_is_forgotten_not_learned():
    learner = BoilerplateLearner()
    for number in range(500):
        learner.observe(_record("gazette.example", number, [QUOTE] if number < 3 else []))
    assert not learner.is_boilerplate("gazette.example", QUOTE)
    assert learner.learned("gazette.example") == {}
