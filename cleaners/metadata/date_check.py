"""When the day the page shows its readers beats the day it declares.

The declared publication date (JSON-LD, ``article:published_time``) is the most reliable source,
except when its publication and modification stamps are the same (the same clock time) or the
modification comes first: the CMS stamped both at one moment (a migration, a re-save, a page
rendered on request), or wrote stamps that cannot both be true, so neither says when the story
came out. A different, earlier day shown beside the headline is then the story's.

(Declarations in UTC whose day differs from the publisher's local day were measured too: the
reference data follows the UTC day as often as the local one, so they are left as declared.)
"""

from __future__ import annotations

from datetime import date, datetime

from cleaners.metadata.declared import PageMetadata


def declared_day_in_doubt(declared: PageMetadata) -> bool:
    """Whether the declared publication and modification stamps are one stamp written twice, or
    put the modification before the publication."""
    published, modified = _moment(declared.datePublished), _moment(declared.dateModified)
    if published is None or modified is None:
        return False
    if published.replace(tzinfo=None) == modified.replace(tzinfo=None):  # one clock time, maybe two offsets
        return True
    if (published.tzinfo is None) != (modified.tzinfo is None):
        return False
    return modified < published


def shown_day_wins(declared: PageMetadata, shown: str) -> bool:
    """Whether the shown ISO day is the story's day rather than the declared one."""
    shown_day, declared_day = _day(shown), _day(declared.datePublished)
    if shown_day is None or declared_day is None:
        return False
    return shown_day < declared_day and declared_day_in_doubt(declared)


def _moment(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None
