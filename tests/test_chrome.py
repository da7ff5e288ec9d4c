"""Chrome rules: whole chrome lines go, sentences that merely contain the words stay."""

from __future__ import annotations

import lxml.html
import pytest

from cleaners.body.chrome import ChromeRules, RulesError, drop_chrome_lines, prune_chrome

RULES = ChromeRules.default()


@pytest.mark.parametrize("line", [
    "Source link",
    "Stay informed with free updates",
    "Simply sign up to the US-Japan relations myFT Digest -- delivered directly to your inbox.",
    "Back to top button",
    "Related Articles",
    "- Advertisement -",
    "ADVERTISEMENT",
    "Advertisement - Continue Reading Below",
    "Keith Bradsher contributed reporting from Hong Kong.",
    "Reach the reporters on Twitter at http://twitter.com/annlee",
    "paul.takahashi@chron.com",
    "twitter.com/paultakahashi",
    "Filed under: Courts |",
    "Plane passengers quarantined after plague outbreak [VIDEO]",
    "SEE MORE: Students under siege in university",
    "Related post: Pickled Brussels Sprouts Recipe",
    "Also on example.com Ministers threatened with arrest",
    "Share this:",
    "Click to share on Twitter (Opens in new window)",
    "Our Standards: The Thomson Reuters Trust Principles.",
    "Related: Oil prices climb on supply worries",
    "© 2024 Daily Ledger. All rights reserved.",
    "Follow us on Twitter",
    "Follow The Daily Ledger Opinion section on Facebook, Twitter and Instagram.",
    "Get the day’s top headlines delivered to your inbox every morning by subscribing to our newsletter.",
    "(Reporting by Jane Doe; Editing by John Roe)",
    "Associated Press writers Ann Poe and Kim Lee contributed to this report.",
    "UPDATED: Tue., Nov. 19, 2019",
    "Published: [ 2018-09-28 17:32 ]",
    "https://example.com/some/page.html",
    "2019-11-19T08:57:40+01:00",
    "Reading time: 4 minutes",
    "October 12, 2017",
    "November 19, 2019 / 12:21 AM / Updated 14 hours ago",
    "First Published: Tuesday, November 19, 2019 08:38 AM",
    "20 Dec 2025, 11:59",
    "Click here to get the app",
    "Email Jane Doe at jane@example.com or follow her on Twitter.",
])
def test_chrome_lines_are_dropped(line):
    assert RULES.is_chrome_line(line)


@pytest.mark.parametrize("sentence", [
    "The minister said the source link between the two reports was never established.",
    "Related articles in the journal questioned the findings.",
    "Related to this, the company said it would cut jobs.",
    "Back to top button makers, the trade fair was a success.",
    "Advertisement revenue fell by 12% in the quarter.",
    "Share this with your colleagues, the memo said, before the meeting.",
    "More than 100 people were evacuated.",
    "For a newsletter with 1,193 subscribers, these are strong numbers for its inbox placement.",
    "Editing by hand took most of the afternoon, the author admitted.",
    "The company said it updated its forecast on 2019-11-19 after the storm.",
    "October 12, 2017 was the day the law passed.",
    "Tags are small labels that help search engines.",
    "Posted in the window, the notice warned of closures.",
    "Also on the agenda was the budget.",
    "Contributed reporting is a staple of wire journalism, the editor said, and it is credited at the end.",
    "2025-12-19:",
    "Sources said the minister would resign before the end of the week, citing pressure from his party.",
])
def test_sentences_containing_chrome_words_stay(sentence):
    assert not RULES.is_chrome_line(sentence)


def test_trailing_related_block_goes_with_its_link_titles():
    paragraphs = ["Story paragraph one is long enough to be a real paragraph of the story.",
                  "Related Articles", "Stocks slip as investors weigh inflation data",
                  "Oil prices climb on supply worries"]
    kept, removed = drop_chrome_lines(paragraphs, RULES)
    assert kept == paragraphs[:1]
    assert removed == paragraphs[1:]


def test_related_heading_before_long_paragraphs_only_drops_the_heading():
    long = " ".join(["word"] * 40)
    kept, removed = drop_chrome_lines(["Intro.", "Related Articles", long], RULES)
    assert kept == ["Intro.", long]
    assert removed == ["Related Articles"]


def test_element_rules_prune_share_bars_but_not_the_story_container():
    story = "<p>" + "The story itself is here. " * 40 + "</p>"
    html = (f'<html><body><div class="post-share">{story}</div>'
            '<div class="share-buttons"><a href="#">Share on Facebook</a></div>'
            '<a class="go-to-top-button"><span class="screen-reader-text">Back to top button</span></a>'
            "</body></html>")
    tree = lxml.html.document_fromstring(html)
    prune_chrome(tree, RULES)
    text = tree.text_content()
    assert "The story itself is here." in text
    assert "Share on Facebook" not in text
    assert "Back to top button" not in text


def test_user_rules_add_to_the_defaults_and_site_rules_stay_on_their_site(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[lines]\nexact = ["Tip us off"]\n[sites."example.com".lines]\nexact = ["Example Weekly"]\n')
    rules = RULES.merged(ChromeRules.from_file(path))
    assert rules.is_chrome_line("Tip us off!")
    assert rules.is_chrome_line("Source link")
    assert not rules.for_host("other.org").is_chrome_line("Example Weekly")
    assert rules.for_host("www.example.com").is_chrome_line("Example Weekly")
    assert rules.for_host("www.example.com") is rules.for_host("www.example.com"), "built once per host"


@pytest.mark.parametrize("text, complaint", [
    ("[lines]\nexact = 3\n", "must be a list of strings"),
    ("[lines]\npatterns = ['(unclosed']\n", "rules.toml"),
    ("[line]\nexact = []\n", "unknown table"),
    ("[lines]\npattern = ['x']\n", "unknown key(s) ['pattern'] in [lines]"),
    ("[elements]\ntoken = ['x']\n", "unknown key(s) ['token'] in [elements]"),
    ("[sites.'a.example'.lines]\nexcat = ['x']\n", "unknown key(s) ['excat'] in [lines]"),
    ("not toml at all [", "rules.toml"),
])
def test_bad_rules_file_is_named_in_the_error(tmp_path, text, complaint):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RulesError, match=r"rules\.toml") as error:
        ChromeRules.from_file(path)
    assert complaint in str(error.value)


def test_link_rails_go_but_a_story_told_as_a_list_stays():
    rail = "".join(f'<li><a href="/s{i}">Other story number {i} with a title</a></li>' for i in range(5))
    story_list = "".join(f"<li>Step {i}: mix the flour with <a href='/w'>water</a> and knead it well.</li>"
                         for i in range(5))
    html = f"<html><body><p>{'Story text. ' * 30}</p><ul>{story_list}</ul><ul class='x'>{rail}</ul></body></html>"
    tree = lxml.html.document_fromstring(html)
    prune_chrome(tree, RULES)
    text = tree.text_content()
    assert "Step 4: mix the flour" in text
    assert "Other story number" not in text


def test_user_file_without_link_list_settings_keeps_the_defaults(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[lines]\nexact = ["x"]\n')
    merged = RULES.merged(ChromeRules.from_file(path))
    assert (merged.link_list_min_items, merged.link_list_min_share) == (3, 0.8)


def test_standfirst_set_as_a_heading_goes_but_a_lede_paragraph_stays():
    from cleaners.body.chrome import standfirst_echo

    summary = "The council voted to extend the tram line to the northern districts."
    page = "<html><body><h1>Title</h1>{}<p>Body.</p></body></html>"
    as_heading = lxml.html.document_fromstring(page.format(f"<h2>{summary}</h2>"))
    as_lede = lxml.html.document_fromstring(page.format(f"<p>{summary}</p>"))
    paragraphs = [summary, "Body."]
    assert standfirst_echo(as_heading, summary, paragraphs) == [summary]
    assert standfirst_echo(as_lede, summary, paragraphs) == []
    assert standfirst_echo(as_heading, summary, ["Body."]) == []


def _linked_items(href: str, title: str, teaser: str) -> str:
    return "".join(f'<li><a href="{href}{i}">{title} number {i} {teaser}</li>' for i in range(4))


def _text_after_pruning(html: str) -> str:
    tree = lxml.html.document_fromstring(html)
    prune_chrome(tree, RULES)
    return tree.text_content()


def test_headline_rail_goes_but_a_list_of_outside_resources_stays():
    rail = _linked_items("/news/", "Council story", "about the harbour works</a> A short teaser line.")
    resources = _linked_items("https://tools.example/", "Tool", "for the harbour survey</a> What the tool does.")
    text = _text_after_pruning(f"<html><body><article><p>{'Story text. ' * 40}</p><ul class='a'>{resources}</ul>"
                               f"</article><aside><ul class='b'>{rail}</ul></aside></body></html>")
    assert "Tool number 3 for the harbour survey" in text
    assert "Council story number" not in text


def test_the_sites_own_reports_listed_among_the_story_paragraphs_stay():
    reports = _linked_items("/publications/", "Report", "on crop yields and the climate</a> What it found.")
    text = _text_after_pruning(f"<html><body><div class='prose'><p>{'Story text. ' * 20}</p><h2>Our research</h2>"
                               f"<ul>{reports}</ul><p>{'More story. ' * 20}</p></div></body></html>")
    assert "Report number 3 on crop yields" in text


def test_a_story_rendered_twice_keeps_one_rendering_but_repeated_lines_of_a_plan_stay():
    story = [f"Paragraph {n} of the story tells one more part of it in a good twenty words or so, as stories do."
             for n in range(8)]
    kept, removed = drop_chrome_lines(["Intro line", *story, *story, "Unique closing line"], ChromeRules.default())
    assert kept == ["Intro line", *story, "Unique closing line"]
    assert removed == story
    day = ["Meal 1", "Eat every 2-3 hours", "1 scoop of oats, 1 cup of strawberries, 8 oz. of almond milk"]
    plan = ["A week of meal prep, laid out day by day so you know what to cook and when to eat it.",
            *[line for number in range(5) for line in [f"Day {number}", *day]]]
    kept, removed = drop_chrome_lines(plan, ChromeRules.default())
    assert kept == plan
