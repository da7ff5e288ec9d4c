"""Site chrome: the rules (named data tables loaded from TOML) and the two places they apply.

Element rules prune the parsed tree before the body is extracted; line rules drop whole
paragraphs of the extracted body. Every dropped paragraph is returned so the record can say
what was removed (``metadata.removedChrome``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
from lxml import etree
from lxml.html import HtmlElement

from cleaners.normalize import collapse_whitespace

_NON_WORD = re.compile(r"[\W_]+")
# The same for ASCII text, one byte at a time in C: letters lower-cased, digits kept, all else a space.
_ASCII_WORD_BYTES = bytes(ord(c.lower()) if c.isascii() and c.isalnum() else ord(" ") for c in map(chr, range(256)))
_EDGE_PUNCTUATION = " -–—:|•·*»›"
# An element that holds this share of the page's paragraph text is the story's container, never chrome,
# whatever its class or tag says ("post-share-wrapper" around a whole article happens, and so does an
# unclosed <aside> around a whole page: see ``storyless``).
STORY_CONTAINER_SHARE = 0.4
# After a trailing "Related Articles" heading, lines this short are link titles.
_MAX_LINK_TITLE_WORDS = 20
# Every pattern is bounded in length; longer paragraphs are story text and skip the regex.
_MAX_PATTERN_LINE = 300


def normalise_line(text: str) -> str:
    """Casefold and reduce every run of non-word characters to one space.

    Every line of every body goes through here; the regex costs twice the byte table on the
    three lines in four that are plain ASCII."""
    if text.isascii():
        return " ".join(text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split())
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _line_for_patterns(text: str) -> str:
    return collapse_whitespace(text).casefold().strip(_EDGE_PUNCTUATION)


class RulesError(ValueError):
    """A rules file that cannot be used, naming the file and what is wrong."""


@attrs.frozen(kw_only=True)
class ChromeRules:
    """One set of chrome rules; ``sites`` maps a host to rules added for that host only."""

    tokens: frozenset[str] = frozenset()
    xpaths: tuple[str, ...] = ()
    exact: frozenset[str] = frozenset()
    patterns: tuple[str, ...] = ()
    trailing: frozenset[str] = frozenset()
    link_list_min_items: int | None = None
    """None where a rules file leaves it unsaid; the built-in file sets it."""
    link_list_min_share: float | None = None
    sites: tuple[tuple[str, ChromeRules], ...] = ()
    _by_host: dict[str, ChromeRules] = attrs.field(factory=dict, eq=False, hash=False, repr=False, init=False)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], origin: str) -> ChromeRules:
        unknown = set(data) - {"elements", "lines", "sites"}
        if unknown:
            raise RulesError(f"{origin}: unknown table(s) {sorted(unknown)}")
        elements = _table(data, "elements", _ELEMENT_KEYS, origin)
        lines = _table(data, "lines", _LINE_KEYS, origin)
        sites = _table(data, "sites", None, origin)
        try:
            rules = cls(
                tokens=frozenset(_strings(elements, "tokens", origin)),
                xpaths=tuple(_strings(elements, "xpaths", origin)),
                exact=frozenset(normalise_line(s) for s in _strings(lines, "exact", origin)),
                patterns=tuple(_strings(lines, "patterns", origin)),
                trailing=frozenset(normalise_line(s) for s in _strings(lines, "trailing", origin)),
                **_link_list_settings(elements, origin),
                sites=tuple(
                    (host.lower().lstrip("."), cls.from_mapping(site, f"{origin} [sites.{host}]"))
                    for host, site in sites.items()
                ),
            )
            rules.compiled_patterns  # noqa: B018 - validate now, so a bad file fails at load
            rules.compiled_xpath  # noqa: B018
        except (re.error, etree.XPathError) as error:
            raise RulesError(f"{origin}: {error}") from error
        return rules

    @classmethod
    def from_file(cls, path: str | Path) -> ChromeRules:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise RulesError(f"{path}: {error}") from error
        return cls.from_mapping(data, str(path))

    @classmethod
    @cache
    def default(cls) -> ChromeRules:
        text = resources.files("cleaners.body").joinpath("chrome_rules.toml").read_text("utf-8")
        return cls.from_mapping(tomllib.loads(text), "cleaners/body/chrome_rules.toml")

    def merged(self, other: ChromeRules) -> ChromeRules:
        """These rules plus another set's (a user's file adds to the defaults)."""
        return ChromeRules(
            tokens=self.tokens | other.tokens,
            xpaths=self.xpaths + other.xpaths,
            exact=self.exact | other.exact,
            patterns=self.patterns + other.patterns,
            trailing=self.trailing | other.trailing,
            link_list_min_items=_either(other.link_list_min_items, self.link_list_min_items),
            link_list_min_share=_either(other.link_list_min_share, self.link_list_min_share),
            sites=self.sites + other.sites,
        )

    def for_host(self, host: str | None) -> ChromeRules:
        """The rules that apply on one host: the general ones plus its own site tables.

        Built once per host, so the compiled patterns of a site's rules are not rebuilt per page.
        """
        if not host or not self.sites:
            return self
        host = host.lower()
        if host not in self._by_host:
            matching = [rules for site, rules in self.sites if host == site or host.endswith("." + site)]
            combined = self
            for site_rules in matching:
                combined = combined.merged(site_rules)
            self._by_host[host] = combined
        return self._by_host[host]

    @cached_property
    def compiled_patterns(self) -> re.Pattern[str] | None:
        if not self.patterns:
            return None
        return re.compile("|".join(f"(?:{p})" for p in self.patterns))

    @cached_property
    def compiled_xpath(self) -> etree.XPath | None:
        return etree.XPath(" | ".join(self.xpaths)) if self.xpaths else None

    def elements_with_tokens(self, tree: HtmlElement) -> list[HtmlElement]:
        """Elements, in page order, whose id or one of whose class tokens is a chrome token.

        One pass over the tree with the lookups bound to locals: this runs on every element of
        every page, and an XPath that selects elements with a class first costs twice as much."""
        tokens = self.tokens
        if not tokens:
            return []
        disjoint = tokens.isdisjoint
        matches = []
        for element in tree.iter(etree.Element):
            classes = element.get("class")
            if (classes and not disjoint(classes.split())) or element.get("id") in tokens:
                matches.append(element)
        return matches

    def is_chrome_line(self, paragraph: str, normalised: str | None = None) -> bool:
        """True when the whole paragraph is a chrome line (never when it merely contains one)."""
        if (normalised if normalised is not None else normalise_line(paragraph)) in self.exact:
            return True
        pattern = self.compiled_patterns
        if pattern is None or len(paragraph) > _MAX_PATTERN_LINE:
            return False
        return bool(pattern.fullmatch(_line_for_patterns(paragraph)))


def _either(preferred: Any, fallback: Any) -> Any:
    return preferred if preferred is not None else fallback


def _link_list_settings(elements: dict[str, Any], origin: str) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if "link_list_min_items" in elements:
        value = elements["link_list_min_items"]
        if not isinstance(value, int) or value < 1:
            raise RulesError(f"{origin}: 'link_list_min_items' must be a whole number of at least 1")
        settings["link_list_min_items"] = value
    if "link_list_min_share" in elements:
        value = elements["link_list_min_share"]
        if not isinstance(value, int | float) or not 0 < value <= 1:
            raise RulesError(f"{origin}: 'link_list_min_share' must be a number in (0, 1]")
        settings["link_list_min_share"] = float(value)
    return settings


_ELEMENT_KEYS = frozenset({"tokens", "xpaths", "link_list_min_items", "link_list_min_share"})
_LINE_KEYS = frozenset({"exact", "patterns", "trailing"})


def _table(data: dict[str, Any], name: str, known: frozenset[str] | None, origin: str) -> dict[str, Any]:
    """A table of a rules file; a key it does not know is an error (a misspelled key would
    otherwise be a rule silently missing)."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise RulesError(f"{origin}: '{name}' must be a table ([{name}])")
    if known is not None and (unknown := set(table) - known):
        raise RulesError(f"{origin}: unknown key(s) {sorted(unknown)} in [{name}]; known: {sorted(known)}")
    return table


def _strings(table: dict[str, Any], key: str, origin: str) -> list[str]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RulesError(f"{origin}: '{key}' must be a list of strings")
    return values


_PARAGRAPH_TEXTS = etree.XPath(".//p//text()", smart_strings=False)


def _paragraph_text(element: HtmlElement) -> int:
    """Characters of paragraph text inside an element: the measure of how much story it holds
    (script, style and navigation text do not count)."""
    return sum(map(len, _PARAGRAPH_TEXTS(element)))


def _all_text(element: HtmlElement) -> int:
    return len(element.text_content())


def prune_chrome(tree: HtmlElement, rules: ChromeRules) -> None:
    """The element layer: prune chrome elements and link rails from the tree, in place.

    What an element "holds" is measured in paragraph text, or in all text on a page without <p>.
    """
    paragraph_text = _paragraph_text(tree)
    story = _StoryGuard(_paragraph_text, paragraph_text) if paragraph_text else _StoryGuard(_all_text, _all_text(tree))
    prune_elements(tree, rules, story)
    prune_link_blocks(tree, rules, story)


def prune_elements(tree: HtmlElement, rules: ChromeRules, story: _StoryGuard) -> None:
    """Remove elements the rules name, sparing any that hold much of the page's text."""
    matches = rules.elements_with_tokens(tree)
    if rules.compiled_xpath is not None:
        matches += rules.compiled_xpath(tree)
    for element in matches:
        if not isinstance(element, HtmlElement) or element.tag in ("html", "body", "article", "main"):
            continue
        if element.getparent() is None or story.holds_the_story(element):
            continue
        element.drop_tree()


_LISTS = etree.XPath("//ul[count(li) >= $min_items] | //ol[count(li) >= $min_items]")


_PARAGRAPHS_WITH_LINKS = etree.XPath("//p[.//a[@href]]")
# A paragraph whose text is (almost) all link text is a teaser ("<p><strong><a>...</a></strong></p>").
_TEASER_LINK_SHARE = 0.9


@attrs.frozen
class _StoryGuard:
    """Spares an element that holds much of the page's text, whatever its class or link density."""

    measure: Any
    page_text: int

    def holds_the_story(self, element: HtmlElement) -> bool:
        least = self.page_text * STORY_CONTAINER_SHARE
        # All of an element's text, measured in C, bounds its paragraph text: most chrome is short.
        return self.page_text > 0 and _all_text(element) > least and self.measure(element) > least


def _link_share(element: HtmlElement) -> float:
    text = len(element.text_content().strip())
    if not text:
        return 0.0
    return sum(len(a.text_content().strip()) for a in element.iter("a")) / text


def prune_link_blocks(tree: HtmlElement, rules: ChromeRules, story: _StoryGuard) -> None:
    """Remove lists that are mostly links (teaser and "more stories" rails), sparing any list
    that holds much of the page's text (a story told as a list of linked items)."""
    for element in _PARAGRAPHS_WITH_LINKS(tree):
        if _link_share(element) >= _TEASER_LINK_SHARE:
            element.drop_tree()
    if rules.link_list_min_items is None or rules.link_list_min_share is None:
        return
    for element in _LISTS(tree, min_items=rules.link_list_min_items):
        if story.holds_the_story(element):
            continue
        if _link_share(element) >= rules.link_list_min_share or (
                _is_headline_rail(element) and not _among_paragraphs(element)):
            element.drop_tree()


_ITEM_HEADLINE_LINKS = etree.XPath("./li[.//a[@href][string-length(normalize-space(.)) > 25]]")
_RAIL_ITEM_SHARE = 0.8


def _is_headline_rail(element: HtmlElement) -> bool:
    """A list whose items each lead with a headline-length link to another page of the site, plus a
    teaser line: "more stories" furniture, not a list the story makes."""
    items = element.findall("li")
    linked = [li for li in _ITEM_HEADLINE_LINKS(element) if _internal(li)]
    return bool(items) and len(linked) >= _RAIL_ITEM_SHARE * len(items)


# Paragraph text beside a list, in its own container, that makes the list part of a story.
_STORY_PARAGRAPHS_BESIDE = 400


def _among_paragraphs(element: HtmlElement) -> bool:
    """True when the list's container also holds the story's paragraphs: a list of reports or
    resources the story presents. Teaser rails sit in containers of their own."""
    parent = element.getparent()
    return parent is not None and sum(len(p.text_content()) for p in parent.findall("p")) >= _STORY_PARAGRAPHS_BESIDE


def _internal(item: HtmlElement) -> bool:
    for link in item.iter("a"):
        href = (link.get("href") or "").strip()
        return href.startswith("/") and not href.startswith("//")
    return False


_HEADING_WITH_TEXT = etree.XPath("//body//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
                                 "[normalize-space(.) = $text]")


def standfirst_echo(tree: HtmlElement, description: str | None, paragraphs: Sequence[str]) -> list[str]:
    """The page's summary when the body repeats it and the page shows it as a heading: a standfirst
    set above the story, not its first paragraph (a lede the summary was copied from is a <p>)."""
    if not description or normalise_line(description) not in {normalise_line(p) for p in paragraphs[:3]}:
        return []
    return [description] if _HEADING_WITH_TEXT(tree, text=" ".join(description.split())) else []


# A second rendering starts with this many paragraphs (of this many words in all) said near the
# body's opening (within its first paragraphs or tenth), and repeats this share of the first one.
_RESTART_PARAGRAPHS = 3
_MIN_RESTART_WORDS = 30
_RESTART_OPENING = 10
_RESTART_SHARE = 0.5
# Less than this is a widget shown twice (a newsletter box), not a story.
_MIN_REPEATED_STORY_WORDS = 150


def drop_chrome_lines(paragraphs: Sequence[str], rules: ChromeRules,
                      echoes: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """Split body paragraphs into (kept, removed).

    Besides the line rules, two facts of page structure: a paragraph that repeats the page's own
    headline (``echoes``) is the title block (or a teaser of the page itself) caught by extraction;
    a long stretch of the body said again, in order, from near its opening is the same story
    rendered twice (for two layouts), and the second rendering goes.
    """
    echoed = {normalise_line(e) for e in echoes if e}
    kept: list[str] = []
    removed: list[str] = []
    keys = [normalise_line(p) for p in paragraphs]
    again = _second_renderings(keys)
    for index, (paragraph, key) in enumerate(zip(paragraphs, keys, strict=True)):
        if key in rules.trailing and _only_link_titles(paragraphs[index + 1 :]):
            removed.extend(paragraphs[index:])
            break
        chrome = index in again or key in echoed or rules.is_chrome_line(paragraph, key)
        (removed if chrome else kept).append(paragraph)
    return kept, removed


def _second_renderings(keys: Sequence[str]) -> set[int]:
    """Indexes of paragraphs (given as their ``normalise_line`` keys) that render again, in order,
    a long stretch of the body that began near its opening: runs of the same story laid out
    twice. The first rendering stays."""
    starts: dict[tuple[str, ...], int] = {}
    opening = max(_RESTART_OPENING, len(keys) // 10)
    again: set[int] = set()
    index = 0
    while index <= len(keys) - _RESTART_PARAGRAPHS:
        window = tuple(keys[index:index + _RESTART_PARAGRAPHS])
        first = starts.setdefault(window, index)
        if first != index and first <= opening and sum(len(k.split()) for k in window) >= _MIN_RESTART_WORDS:
            run = words = 0
            while first + run < index and index + run < len(keys) and keys[first + run] == keys[index + run]:
                words += len(keys[index + run].split())
                run += 1
            if run >= _RESTART_SHARE * (index - first) and words >= _MIN_REPEATED_STORY_WORDS:
                again.update(range(index, index + run))
                index += run
                continue
        index += 1
    return again


def _only_link_titles(paragraphs: Iterable[str]) -> bool:
    return all(len(p.split()) <= _MAX_LINK_TITLE_WORDS for p in paragraphs)
