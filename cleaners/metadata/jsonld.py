"""The article node of a page's JSON-LD, wherever the site put it.

Sites nest the article in ``@graph``, in lists, or under a ``WebPage``'s ``mainEntity``, and
point to authors by ``@id``; this module flattens all of that into one lookup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

ARTICLE_TYPES = (
    "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting", "Article", "BlogPosting",
    "Report", "TechArticle", "ScholarlyArticle", "SocialMediaPosting",
)
_RANK = {name.casefold(): rank for rank, name in enumerate(ARTICLE_TYPES)}
# Where sites that type no article node (Yoast on a "page", many site builders) put the dates.
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "faqpage", "qapage", "medicalwebpage"})
_JSONLD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']")
_HTML_COMMENT = re.compile(r"^\s*<!--|-->\s*$")


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type", [])
    return [str(k) for k in (kind if isinstance(kind, list) else [kind])]


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(value.get(key), list | dict):
                yield from _walk(value[key])


def load_nodes(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page; a block that is not valid JSON is skipped."""
    nodes: list[dict[str, Any]] = []
    for script in _JSONLD_SCRIPTS(tree):
        text = _HTML_COMMENT.sub("", script.text or "")
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        nodes.extend(_walk(data))
    return nodes


class JsonLd:
    """The page's article node, with ``@id`` references resolved against the rest of the graph."""

    def __init__(self, nodes: list[dict[str, Any]]) -> None:
        self.by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        ranked = [(min(_RANK.get(t.casefold(), 99) for t in _types(n) or [""]), i, n)
                  for i, n in enumerate(nodes)]
        articles = sorted(r for r in ranked if r[0] < 99)
        self.article: dict[str, Any] = articles[0][2] if articles else {}
        self.page: dict[str, Any] = next(
            (n for n in nodes if any(t.casefold() in _PAGE_TYPES for t in _types(n))), {})
        self.nodes = nodes

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(value["@id"], value)
        return value

    def get(self, key: str) -> Any:
        return self.resolve(self.article.get(key))

    def page_date(self, key: str) -> Any:
        """A date of the article node, else of the page node when no node is typed an article."""
        return self.get(key) if self.article else self.page.get(key)

    def names(self, key: str) -> list[str]:
        """Names of the persons or organisations under a key (author, creator...)."""
        value = self.get(key)
        items = value if isinstance(value, list) else [value]
        names = []
        for item in map(self.resolve, items):
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict) and "Organization" not in _types(item):
                name = item.get("name")
                if isinstance(name, str):
                    names.append(name)
        return names

    def breadcrumb_section(self) -> str | None:
        """The last crumb before the article itself, from a ``BreadcrumbList``."""
        for node in self.nodes:
            if "BreadcrumbList" not in _types(node):
                continue
            items = node.get("itemListElement")
            if not isinstance(items, list) or len(items) < 2:
                continue
            ordered = sorted((i for i in items if isinstance(i, dict)), key=lambda i: _position(i))
            if len(ordered) >= 3:
                crumb = ordered[-2]
                item = crumb.get("item")
                name = crumb.get("name") or (item.get("name") if isinstance(item, dict) else None)
                if isinstance(name, str):
                    return name
        return None


def _position(item: dict[str, Any]) -> int:
    try:
        return int(item.get("position", 0))
    except (TypeError, ValueError):
        return 0
