"""The container reading, and the harness that measures it standing in for trafilatura's quick
extraction behind a gate."""

from __future__ import annotations

import lxml.html
import pytest

import cleaners.pipeline as pipeline
from benchmarks import container_reading as harness
from tests.conftest import fixture_body

STORY = [f"The harbour council met on Tuesday to decide the fate of pier {n}, which storms have damaged twice."
         for n in range(4)]


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def test_the_container_is_the_element_holding_the_story_paragraphs_and_its_link_lists_stay_out():
    page = _tree(
        "<nav><ul><li><a href='/a'>Home</a></li><li><a href='/b'>World news and more</a></li></ul></nav>"
        "<div class='story'><h2>Pier damage</h2>" + "".join(f"<p>{line}</p>" for line in STORY)
        + "<ul><li><a href='/r1'>Related: the pier that fell into the sea last winter</a></li></ul></div>"
        "<div class='side'><p>Short note.</p></div>")
    lines, features = harness.container_reading(page, visible=600)
    assert lines == ["Pier damage", *STORY]
    assert len(features) == len(harness.FEATURE_NAMES)
    named = dict(zip(harness.FEATURE_NAMES, features, strict=True))
    assert named["paragraphs"] == 4 and named["widenings"] == 0 and named["link_share"] > 0


def test_a_story_told_in_sibling_blocks_widens_the_container_to_their_parent():
    """The first part holds most paragraphs, so it scores above the wrapper, which holds the rest too."""
    page = _tree("<div class='wrap'><div class='part'>" + "".join(f"<p>{line}</p>" for line in STORY[:3])
                 + f"</div><div class='part'><p>{STORY[3]}</p></div></div>")
    lines, features = harness.container_reading(page, visible=800)
    assert lines == STORY
    assert dict(zip(harness.FEATURE_NAMES, features, strict=True))["widenings"] == 1


def test_a_page_without_a_paragraph_long_enough_to_score_has_no_container_reading():
    lines, features = harness.container_reading(_tree("<div><p>Too short.</p><span>Loose text</span></div>"), 20)
    assert lines == [] and set(features) == {0.0}


def test_the_stand_in_replaces_the_quick_extraction_only_on_gated_pages(monkeypatch: pytest.MonkeyPatch):
    marker = "A line only the stand-in reads, long enough to be kept as part of the story text."
    real = harness.container_reading
    monkeypatch.setattr(harness, "container_reading",
                        lambda tree, visible: ([marker, *real(tree, visible)[0]], real(tree, visible)[1]))
    pages = [harness.Page("aeb", name, f"https://example.com/{name}", fixture_body(name), "")
             for name in ("seed-plain", "wcxb-0031")]
    original = pipeline.extract_paragraphs
    outcome = harness.run(pages, {"aeb/seed-plain"})
    assert marker in (outcome.bodies[0] or "") and marker not in (outcome.bodies[1] or "")
    assert len(outcome.cleaner_cpu) == len(outcome.trafilatura_cpu) == 2
    assert pipeline.extract_paragraphs is original


def test_observing_a_page_gives_the_cleaners_first_reading_and_the_containers():
    from cleaners import clean_html

    page = harness.Page("aeb", "seed-plain", "https://example.com/a", fixture_body("seed-plain"), "")
    observation = harness.observe(page)
    record = clean_html(page.html, url=page.url).articleBody or ""
    assert observation is not None and observation.quick and observation.container
    opening = record.split("\n\n")[0]
    assert opening in observation.quick and opening in observation.container
    assert observation.agrees


def test_thresholds_outside_zero_to_one_are_refused(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as stopped:
        harness.main(["--thresholds", "0.5,1.5"])
    assert stopped.value.code == 2
    assert "thresholds must be between 0 and 1" in capsys.readouterr().err
