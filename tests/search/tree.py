"""Page-tree helpers of the Whoosh backend tests (plain functions, no fixtures)."""

import datetime

from om_pages.models.pages import ProtokollPage
from search.backends.whoosh import current_searcher


def indexed_keys(backend) -> set[str]:
    """Keys of all documents in the index, read straight from Whoosh."""
    return {fields["key"] for fields in current_searcher(backend.ix).documents()}


def add_protokoll(parent, title: str, body: str = "", *, live: bool = True, **fields) -> ProtokollPage:
    """A ProtokollPage under ``parent``; ``live=False`` makes a draft that was never published."""
    page = ProtokollPage(
        title=title, date=fields.pop("date", datetime.date(2026, 3, 12)), body=body, live=live, **fields
    )
    return parent.add_child(instance=page)


def titles(results) -> list[str]:
    return [page.title for page in results]
